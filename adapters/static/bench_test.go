package static_test

import (
	"context"
	"os"
	"testing"

	"github.com/toaststats/toaststats/adapters/static"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
)

// benchWorld is the full 2025-26 world of the root benchmarks: 128
// districts, about 14,000 clubs.
var benchWorld = dashboardtest.Config{Districts: 128, ClubsPerDistrict: 110, Seed: 7, From: "2025-11-01", To: "2025-11-20"}

// BenchmarkExportWorld exports the whole world with two daily snapshots
// (the current one and the day before) to a local directory:
//   - first: into an empty directory (every file written);
//   - unchanged: again, onto its own export (nothing written);
//   - new-snapshot: onto the export made before the newest snapshot was
//     built, as the daily export does (the current answers and the new
//     date's files written, the older date's files unchanged).
//
// Each export starts a new API server over the store, as the command does.
func BenchmarkExportWorld(b *testing.B) {
	ctx := context.Background()
	w := dashboardtest.NewWorld(benchWorld)
	dates := w.AsOfDates()
	prev, last := dates[len(dates)-2], dates[len(dates)-1]
	st, _ := newStore(b)
	buildDates(b, st, w, prev)
	before := b.TempDir() // the export of the day before
	if _, err := static.Export(ctx, st, dirObjects(b, before), static.Options{}); err != nil {
		b.Fatal(err)
	}
	buildDates(b, st, w, last)
	full := b.TempDir() // the export of both days
	if _, err := static.Export(ctx, st, dirObjects(b, full), static.Options{}); err != nil {
		b.Fatal(err)
	}

	run := func(b *testing.B, fresh func() string) {
		var res *static.Result
		for b.Loop() {
			b.StopTimer()
			dir := fresh()
			dst := dirObjects(b, dir)
			b.StartTimer()
			var err error
			if res, err = static.Export(ctx, st, dst, static.Options{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(res.Files), "files")
		b.ReportMetric(float64(res.Written), "written")
		b.ReportMetric(float64(res.BytesWritten)/(1<<20), "MiB-written")
		b.ReportMetric(float64(res.Bytes)/(1<<20), "MiB-total")
	}
	b.Run("first", func(b *testing.B) {
		run(b, func() string { return b.TempDir() })
	})
	b.Run("unchanged", func(b *testing.B) {
		run(b, func() string { return full })
	})
	b.Run("new-snapshot", func(b *testing.B) {
		run(b, func() string {
			dir := b.TempDir()
			if err := os.CopyFS(dir, os.DirFS(before)); err != nil {
				b.Fatal(err)
			}
			return dir
		})
	})
}
