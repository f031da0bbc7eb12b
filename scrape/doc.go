// Package scrape talks to the Toastmasters dashboard: a rod-driven browser
// scraper, a plain-HTTP export client, date and program-year handling,
// retries, circuit breaking and rate limiting, and the orchestrator that fills
// the raw CSV cache.
package scrape
