// Package toaststats is the front door of the toaststats SDK: it collects the
// Toastmasters dashboard reports, builds immutable versioned snapshots with
// Borda-count rankings of every district, and reads them back.
//
// The main types are Builder (raw cache → normalize → validate → rank →
// store), Store, Ranker and Scraper.
package toaststats
