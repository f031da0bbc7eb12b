package scrape

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/snapshot"
)

// Sources recorded in the raw cache metadata for what each mode downloaded.
const (
	SourceHTTP    = "toaststats-http"
	SourceBrowser = "toaststats-browser"
)

// Request names one export of the dashboard: a report, a district (empty for
// the all-districts summary) and the as-of date wanted.
type Request struct {
	Kind       normalize.ReportKind
	DistrictID string // "" for the summary report
	// Date is the dashboard "As of" date wanted, YYYY-MM-DD. Empty asks for
	// whatever the dashboard shows now; the date is then read from the footer.
	Date string
	// DataMonth (YYYY-MM), when known (the orchestrator takes it from the
	// summary of the same date), is the only month tried for Date; empty
	// tries the date's month, then the previous one.
	DataMonth string
}

func (r Request) String() string {
	d := r.Date
	if d == "" {
		d = "latest"
	}
	if r.DistrictID == "" {
		return fmt.Sprintf("%s@%s", r.Kind, d)
	}
	return fmt.Sprintf("%s/%s@%s", r.Kind, r.DistrictID, d)
}

// Download is one verified export: the bytes exactly as the dashboard sent
// them and what their footer says.
type Download struct {
	Request Request
	Data    []byte
	// Footer is the parsed footer line. Footer.Found is false only when the
	// browser read the date back from the page and the export had no footer.
	Footer normalize.Footer
	// AsOfDate is the dashboard's as-of date of the data (YYYY-MM-DD): the
	// date the bytes are stored under.
	AsOfDate string
	// DataMonth is the report month (YYYY-MM) the data belongs to.
	DataMonth string
	// ProgramYear is the program year of DataMonth, "2025-2026".
	ProgramYear string
	Rows        int
	URL         string // the page or export URL the bytes came from
	Source      string // SourceHTTP or SourceBrowser
}

// IsClosingPeriod reports whether the data is a month-end closing period
// collection (data month earlier than the as-of month; snapshot.ClosingPeriod),
// and whether that is known.
func (d *Download) IsClosingPeriod() (closing, known bool) {
	return snapshot.ClosingPeriod(d.DataMonth, d.AsOfDate)
}

// Fetcher obtains one export from the dashboard. Both the browser Scraper and
// the HTTPClient implement it; implementations are safe for concurrent use.
type Fetcher interface {
	Fetch(ctx context.Context, req Request) (*Download, error)
}

// Errors to branch on with errors.Is. Guard failures from the body checks are
// normalize's sentinels (normalize.ErrHTMLPage, ErrNoRows, ErrWrongHeader,
// ErrFooterMismatch, ErrWrongDistrict), wrapped with the request.
var (
	// ErrNotPublished: the dashboard has no data for the requested date (no
	// month's as-of list holds it, or every candidate answered with zero rows).
	ErrNotPublished = errors.New("no data published for this date")
	// ErrRedirect: the dashboard answered with a redirect (usually to error.aspx).
	ErrRedirect = errors.New("dashboard redirected")
	// ErrStatus: the dashboard answered with an unexpected HTTP status; see *StatusError.
	ErrStatus = errors.New("unexpected HTTP status")
	// ErrUnavailable: the dashboard could not be reached (network error,
	// timeout, or HTTP 502/503/504 after all retries).
	ErrUnavailable = errors.New("dashboard unavailable")
	// ErrNoDownload: the browser's export control produced no download.
	ErrNoDownload = errors.New("export produced no download")
	// ErrPage: a dashboard page lacked an expected control or value.
	ErrPage = errors.New("unexpected dashboard page")
	// ErrNoBrowser: no Chromium binary was found.
	ErrNoBrowser = errors.New("no Chromium browser found")
	// ErrBrowser: Chromium stopped answering and could not be started
	// again (the browser failed, not the dashboard).
	ErrBrowser = errors.New("browser failed")
	// ErrCircuitOpen: the circuit breaker stopped requests to a failing dashboard.
	ErrCircuitOpen = errors.New("circuit breaker open: dashboard failing")
	// ErrInvalidDate: a date argument is not a real calendar date YYYY-MM-DD.
	ErrInvalidDate = errors.New("invalid date")
)

// StatusError is an HTTP status the dashboard answered with (errors.Is
// ErrStatus, or ErrRedirect for 3xx; after every retry, 502, 503 and 504
// are also ErrUnavailable: a gateway or the server saying the dashboard is
// down, not a bad request).
type StatusError struct {
	URL      string
	Code     int
	Location string // redirect target, if any
	Attempts int
	// Detail describes the answer when known: the title and text of the
	// page a browser showed.
	Detail string
}

func (e *StatusError) Error() string {
	detail := ""
	if e.Detail != "" {
		detail = " (" + e.Detail + ")"
	}
	if e.Location != "" {
		return fmt.Sprintf("GET %s: HTTP %d to %s%s", e.URL, e.Code, e.Location, detail)
	}
	return fmt.Sprintf("GET %s: HTTP %d after %d attempt(s)%s", e.URL, e.Code, e.Attempts, detail)
}

// Is makes errors.Is(err, ErrStatus) and, for redirects, ErrRedirect true,
// and errors.Is(err, ErrUnavailable) for 502, 503 and 504.
func (e *StatusError) Is(target error) bool {
	switch target {
	case ErrRedirect:
		return e.Code >= 300 && e.Code < 400
	case ErrUnavailable:
		return e.Code == http.StatusBadGateway || e.Code == http.StatusServiceUnavailable || e.Code == http.StatusGatewayTimeout
	}
	return target == ErrStatus
}

// FetchError wraps a failed fetch with the request it was for.
type FetchError struct {
	Request Request
	Err     error
}

func (e *FetchError) Error() string { return fmt.Sprintf("fetch %s: %v", e.Request, e.Err) }

// Unwrap returns the cause.
func (e *FetchError) Unwrap() error { return e.Err }

// dashboardFailure reports whether err says the dashboard itself is failing
// (what the circuit breaker counts as a failure), as opposed to missing data,
// a bad request, a rate limiter that allows nothing or a failed browser. A
// fetch that the caller's context ended is not judged here: see callerEnded.
func dashboardFailure(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrNotPublished) || errors.Is(err, ErrCircuitOpen) ||
		errors.Is(err, ErrInvalidDate) || errors.Is(err, normalize.ErrNoRows) || errors.Is(err, ErrBrowser) ||
		errors.Is(err, errNoTurn) {
		return false
	}
	return true
}

// callerEnded reports whether a fetch failed because the caller's context
// ended (cancelled, or past its deadline: `scrape --timeout`) rather than
// because of the dashboard: ctx is done and err is a context error. Such a
// fetch says nothing about the dashboard, so the circuit breaker counts it
// neither as a failure nor as a success. An attempt that timed out while
// ctx was still live (HTTPOptions.Timeout, BrowserOptions.PageTimeout,
// ExportTimeout) is the dashboard's failure, whatever its error wraps.
func callerEnded(ctx context.Context, err error) bool {
	return err != nil && ctx.Err() != nil &&
		(errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}
