package api

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

// worldStore scrapes every as-of date of a generated world into a fresh
// data directory (as the scraper would) and builds the snapshots with the
// real Builder. It returns the opened store and the world.
func worldStore(tb testing.TB, cfg dashboardtest.Config) (*store.Store, *dashboardtest.World) {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "data")
	st, err := store.Create(dir, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	w := dashboardtest.NewWorld(cfg)
	for _, d := range w.AsOfDates() {
		putRawWorld(tb, st, w, d)
	}
	res, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{}).BuildAll(context.Background())
	if err != nil {
		tb.Fatalf("build the world: %v", err)
	}
	if len(res) == 0 {
		tb.Fatal("build the world: no snapshot built")
	}
	return st, w
}
