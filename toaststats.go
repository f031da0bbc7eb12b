// Package toaststats is the front door of the toaststats SDK: it collects the
// Toastmasters dashboard reports, builds immutable versioned snapshots with
// Borda-count rankings of every district, and reads them back.
//
// The main types are Builder (raw cache → normalize → validate → rank →
// store), Jobs (builds in the background, with progress and cancel), Store,
// History (a district's series for analytics), Series (the cache of series
// a server answers from), Ranker and Scraper.
//
// # Reading a snapshot
//
// Everything a reader needs is reachable from this package: open the data
// directory, take the current snapshot (a View of one consistent,
// checksum-verified generation), then its rankings and districts.
//
//	st, err := toaststats.OpenStore("data", toaststats.StoreOptions{})
//	if err != nil {
//		return err // errors.Is(err, toaststats.ErrNoDataDir): no such directory
//	}
//	defer st.Close()
//	view, err := st.Snapshots().Current(ctx) // errors.Is(err, toaststats.ErrNoSnapshot) before the first build
//	if err != nil {
//		return err
//	}
//	rankings, err := view.Rankings(ctx)    // every district, Borda count
//	if err != nil {
//		return err
//	}
//	d61, err := view.District(ctx, "61")   // one district's statistics
//	if err != nil {
//		return err
//	}
//	fmt.Println(view.ID, rankings.Rankings[0].DistrictID, d61.Data.Membership.Total)
//
// Snapshots().Get(ctx, "2026-03-31") reads a stored snapshot by date and
// Snapshots().List lists them; see package store for the rest.
//
// # A district's history
//
// NewHistory(st, log).District(ctx, "61") returns the district's daily
// points (analytics.Point) from the history index the Builder keeps, ready
// for the analytics package; `toaststats reindex` rebuilds the index.
// A long-running reader keeps a Series instead: NewSeries(st, log) loads
// each district's series once per version of the snapshot list, and the
// rankings of every snapshot for rank histories (Series.RankPoints).
//
// # Dependencies
//
// This package imports the scraper, and with it rod (the browser driver).
// A program that only reads snapshots can import
// github.com/toaststats/toaststats/store (and snapshot) alone: neither
// pulls in rod, Chromium support or any network client.
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

// View is one consistent generation of a snapshot: its metadata, manifest,
// rankings and district files, each checked against the manifest when
// read (see store.View).
type View = store.View

// Errors a reader branches on with errors.Is.
var (
	// ErrNoSnapshot: no snapshot is current yet (nothing built).
	ErrNoSnapshot = store.ErrNoSnapshot
	// ErrNoDataDir: OpenStore was given a directory that does not exist.
	ErrNoDataDir = store.ErrNoDataDir
)

// OpenStore opens the existing data directory dir. It never creates it: a
// missing directory is an error wrapping store.ErrNoDataDir, so a mistyped
// path cannot look like an empty, healthy store. Use CreateStore to make a
// new one.
//
// dir may also be a URL: file:///path, or an object-store URL such as
// s3://bucket/prefix?endpoint=...&region=...&use_path_style=true when the
// program imports github.com/toaststats/toaststats/store/backends for its
// side effect (credentials come from the AWS environment).
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
