// Package scrape talks to the Toastmasters dashboard: a rod-driven browser
// scraper, a plain-HTTP export client, date and program-year handling,
// retries, circuit breaking and rate limiting, and the orchestrator that fills
// the raw CSV cache.
//
// Two Fetchers obtain one export (a report, a district, an as-of date):
//
//   - Scraper drives the system Chromium (never a downloaded one): it opens the
//     report page by URL parameters (?id=&month=&day=), reads back the as-of
//     date the page actually shows, and selects CSV in the page's export
//     control, catching the popup's download with browser-level download
//     events.
//   - HTTPClient builds the export descriptor itself (spec §1.5) and downloads
//     export.aspx with go-retryablehttp (jittered backoff on 5xx and timeouts,
//     Retry-After honoured, redirects never followed).
//
// Both retry under one policy (retry.go): three retries after the first
// attempt, a jittered exponential backoff, another attempt only for a
// network error, a timeout, HTTP 429 or a 5xx but 501 (for the browser, an
// attempt is loading the page and exporting its CSV), and after the last
// attempt 502, 503, 504, network errors and timeouts are ErrUnavailable.
// Failed attempts are logged at Info; the caller logs a failed fetch.
//
// Both ask the as-of date's own month first and then the previous month (a
// month-end closing period), use the root path for the live program year and
// /{PY}/ for closed years, learn the live year from what the dashboard serves
// (it lags the calendar after July 1), and refuse any body that is an HTML
// page, has another report's header, has no data rows, holds rows of another
// district, or whose footer names another date or month: data is never
// stored under a wrong date or district. The browser takes only the download
// its own export began, never a late one from an export given up on.
//
// The Orchestrator takes the districts from the summary of the same date,
// filters them (explicit list, config/districts.json, or all), runs the
// reports with a concurrency limit behind a circuit breaker, skips what is
// already cached and verifies against its recorded checksum unless forced
// (a damaged copy is downloaded again, its bytes first copied to
// quarantine/), and stores the verified bytes verbatim under the
// dashboard's as-of date. Backfill walks a date range and is resumable.
package scrape
