// Package toaststats is the front door of the toaststats SDK: it collects the
// Toastmasters dashboard reports, builds immutable versioned snapshots with
// Borda-count rankings of every district, and reads them back.
//
// The main types are Builder (raw cache → normalize → validate → rank →
// store), Store, Ranker and Scraper.
package toaststats

import (
	"github.com/toaststats/toaststats/ranking"
	"github.com/toaststats/toaststats/store"
)

// Store is the data directory: the raw CSV cache, the snapshot store and
// the district configuration (see package store).
type Store = store.Store

// StoreOptions configure OpenStore.
type StoreOptions = store.Options

// OpenStore opens (creating when needed) the data directory dir.
func OpenStore(dir string, opts store.Options) (*Store, error) {
	return store.Open(dir, opts)
}

// Ranker computes the Borda-count rankings of all districts from the
// all-districts summary (see package ranking). The zero value works.
type Ranker = ranking.Ranker
