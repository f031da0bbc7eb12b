package static_test

import (
	"context"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// testNow is the fixed clock of every build here, so snapshots (and the
// answers about them) are byte-for-byte reproducible.
var testNow = time.Date(2025, 11, 20, 6, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

// smallWorld has districts 02, 61 and 118, six clubs each, and one as-of
// date a day from 2025-11-12 to 2025-11-16 (no month-end close in range).
func smallWorld() *dashboardtest.World {
	return dashboardtest.NewWorld(dashboardtest.Config{Districts: 3, ClubsPerDistrict: 6, Seed: 5, From: "2025-11-12", To: "2025-11-16"})
}

// cacheDate puts the four reports of every district of date into the raw
// cache, as the scraper stores them.
func cacheDate(st *store.Store, w *dashboardtest.World, date string) error {
	ctx := context.Background()
	put := func(kind normalize.ReportKind, id string, r store.Report) error {
		b, err := w.CSV(kind, id, date)
		if err != nil {
			return err
		}
		return st.Raw().Put(ctx, date, id, r, b, store.PutInfo{Source: "dashboardtest", DataMonth: w.DataMonth(date)})
	}
	if err := put(normalize.ReportSummary, "", store.ReportSummary); err != nil {
		return err
	}
	for _, id := range w.Districts(date) {
		for _, r := range []struct {
			kind   normalize.ReportKind
			report store.Report
		}{{normalize.ReportClub, store.ReportClub}, {normalize.ReportDivision, store.ReportDivision}, {normalize.ReportDistrict, store.ReportDistrict}} {
			if err := put(r.kind, id, r.report); err != nil {
				return err
			}
		}
	}
	return nil
}

// buildDates caches and builds each date in turn; every build must publish
// a successful snapshot.
func buildDates(tb testing.TB, st *store.Store, w *dashboardtest.World, dates ...string) {
	tb.Helper()
	b := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: clock})
	for _, d := range dates {
		if err := cacheDate(st, w, d); err != nil {
			tb.Fatal(err)
		}
		res, err := b.Build(context.Background(), d)
		if err != nil {
			tb.Fatal(err)
		}
		if res.Status != snapshot.StatusSuccess {
			tb.Fatalf("build %s: status %s, errors %q", d, res.Status, res.Errors)
		}
	}
}

// newStore creates a data directory in a temporary folder.
func newStore(tb testing.TB) (*store.Store, string) {
	tb.Helper()
	dir := tb.TempDir()
	st, err := toaststats.CreateStore(dir, store.Options{Now: clock})
	if err != nil {
		tb.Fatal(err)
	}
	return st, dir
}

// dirObjects opens dir as an export destination.
func dirObjects(tb testing.TB, dir string) *store.DirObjects {
	tb.Helper()
	d, err := store.NewDirObjects(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}
