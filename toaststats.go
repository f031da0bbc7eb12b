// Package toaststats is the front door of the toaststats SDK: it collects the
// Toastmasters dashboard reports, builds immutable versioned snapshots with
// Borda-count rankings of every district, and reads them back.
//
// The main types are Builder (raw cache → normalize → validate → rank →
// store), Store, Ranker and Scraper.
package toaststats

import (
	"context"

	"github.com/toaststats/toaststats/ranking"
	"github.com/toaststats/toaststats/scrape"
	"github.com/toaststats/toaststats/store"
)

// Store is the data directory: the raw CSV cache, the snapshot store and
// the district configuration (see package store).
type Store = store.Store

// StoreOptions configure OpenStore.
type StoreOptions = store.Options

// OpenStore opens the existing data directory dir. It never creates it: a
// missing directory is an error wrapping store.ErrNoDataDir, so a mistyped
// path cannot look like an empty, healthy store. Use CreateStore to make a
// new one.
func OpenStore(dir string, opts StoreOptions) (*Store, error) {
	return store.Open(dir, opts)
}

// CreateStore opens the data directory dir, creating it when it does not
// exist yet (what `toaststats init` and the first scrape do).
func CreateStore(dir string, opts StoreOptions) (*Store, error) {
	return store.Create(dir, opts)
}

// Ranker computes the Borda-count rankings of all districts from the
// all-districts summary (see package ranking). The zero value works.
type Ranker = ranking.Ranker

// Scraper drives the real dashboard pages with a headless system Chromium
// and downloads the CSV reports through the page's own export control (see
// package scrape). Close it when done.
type Scraper = scrape.Scraper

// ScraperOptions configure NewScraper.
type ScraperOptions = scrape.BrowserOptions

// NewScraper launches the system Chromium (never downloading one) and opens
// a tab on the dashboard.
func NewScraper(ctx context.Context, opts ScraperOptions) (*Scraper, error) {
	return scrape.NewScraper(ctx, opts)
}
