package toaststats_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// worldConfig is the full 2025-26 world: 128 districts, ~14,000 clubs.
var worldConfig = dashboardtest.Config{Districts: 128, ClubsPerDistrict: 110, Seed: 7, From: "2025-11-01", To: "2025-11-20"}

// putWorld writes every report of one as-of date of w into st's raw cache
// and returns the date and the number of bytes written.
func putWorld(tb testing.TB, st *store.Store, w *dashboardtest.World, date string) int {
	tb.Helper()
	ctx := context.Background()
	total := 0
	put := func(kind normalize.ReportKind, id string, r store.Report) {
		b, err := w.CSV(kind, id, date)
		if err != nil {
			tb.Fatal(err)
		}
		total += len(b)
		if err := st.Raw().Put(ctx, date, id, r, b, store.PutInfo{Source: "dashboardtest"}); err != nil {
			tb.Fatal(err)
		}
	}
	put(normalize.ReportSummary, "", store.ReportSummary)
	for _, id := range w.Districts(date) {
		put(normalize.ReportClub, id, store.ReportClub)
		put(normalize.ReportDivision, id, store.ReportDivision)
		put(normalize.ReportDistrict, id, store.ReportDistrict)
	}
	return total
}

// worldDate is the newest as-of date of the world.
func worldDate(w *dashboardtest.World) string {
	dates := w.AsOfDates()
	return dates[len(dates)-1]
}

// BenchmarkBuildWorld builds one collection date of the whole world (128
// districts, ~14,000 clubs, all four reports) from the raw cache: read and
// verify 385 files, normalise, validate, rank and publish.
func BenchmarkBuildWorld(b *testing.B) {
	w := dashboardtest.NewWorld(worldConfig)
	date := worldDate(w)
	st, err := toaststats.OpenStore(b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	n := putWorld(b, st, w, date)
	builder := toaststats.NewBuilder(st, toaststats.BuilderOptions{})
	ctx := context.Background()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := builder.Build(ctx, date)
		if err != nil {
			b.Fatal(err)
		}
		if res.Status == "" || len(res.DistrictsIncluded) != 128 {
			b.Fatalf("status %s, %d districts included, errors %q", res.Status, len(res.DistrictsIncluded), first(res.Errors, 5))
		}
	}
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// TestWorldBuilds checks, on a small world, that the dashboard imitation's
// reports build into a successful snapshot; with TOASTSTATS_WORLD_DIR set it
// instead writes the full world's raw cache there (for measuring the
// toaststats binary's memory and time: `toaststats build --data-dir DIR`).
func TestWorldBuilds(t *testing.T) {
	ctx := context.Background()
	cfg := dashboardtest.Config{Districts: 6, ClubsPerDistrict: 12, Seed: 3, From: "2025-11-01", To: "2025-11-20"}
	dir := t.TempDir()
	if d := os.Getenv("TOASTSTATS_WORLD_DIR"); d != "" {
		cfg, dir = worldConfig, d
	}
	w := dashboardtest.NewWorld(cfg)
	st, err := toaststats.CreateStore(dir, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	date := worldDate(w)
	putWorld(t, st, w, date)
	if os.Getenv("TOASTSTATS_WORLD_DIR") != "" {
		t.Logf("wrote the raw cache of %s into %s", date, dir)
		return
	}
	res, err := newBuilder(st).Build(ctx, date)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != snapshot.StatusSuccess || len(res.DistrictsIncluded) != 6 {
		t.Fatalf("status %s included %v errors %q", res.Status, res.DistrictsIncluded, res.Errors)
	}
	v, err := st.Snapshots().Current(ctx)
	if err != nil || v.ID != res.SnapshotID {
		t.Fatalf("current %v %v", v, err)
	}
	rk, err := v.Rankings(ctx)
	if err != nil || rk.Metadata.TotalDistricts != len(w.Districts(date)) {
		t.Fatalf("rankings: %v %v", rk, err)
	}
}

// BenchmarkPendingWorld is the scheduled "anything to build?" check over one
// built date of the whole world: it reads the summary and metadata only.
func BenchmarkPendingWorld(b *testing.B) {
	w := dashboardtest.NewWorld(worldConfig)
	date := worldDate(w)
	st, err := toaststats.OpenStore(b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	putWorld(b, st, w, date)
	builder := toaststats.NewBuilder(st, toaststats.BuilderOptions{})
	ctx := context.Background()
	if _, err := builder.Build(ctx, date); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, err := builder.Pending(ctx)
		if err != nil || len(p) != 0 {
			b.Fatalf("pending %v %v", p, err)
		}
	}
}

// BenchmarkBuildWorldFresh builds one date of the whole world into a store
// that has no snapshot of it yet (each iteration removes the snapshot and
// the history index first): read, normalise, validate, rank, publish and
// index. BenchmarkBuildWorld measures the no-op rebuild instead.
func BenchmarkBuildWorldFresh(b *testing.B) {
	w := dashboardtest.NewWorld(worldConfig)
	date := worldDate(w)
	dir := b.TempDir()
	st, err := toaststats.CreateStore(dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	n := putWorld(b, st, w, date)
	builder := toaststats.NewBuilder(st, toaststats.BuilderOptions{})
	ctx := context.Background()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		for _, sub := range []string{"snapshots", "history", "current.json"} {
			if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		res, err := builder.Build(ctx, date)
		if err != nil {
			b.Fatal(err)
		}
		if res.Skipped || len(res.DistrictsIncluded) != 128 {
			b.Fatalf("skipped %v, %d districts included, errors %q", res.Skipped, len(res.DistrictsIncluded), first(res.Errors, 5))
		}
	}
}
