package toaststats_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/internal/cputime"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// BenchmarkEncodeWorldJSON is the JSON floor of publishing the world: a
// bare json.Marshal of the same structs the store writes (128 district
// files and the rankings), nothing else: no validation, no checksums, no
// files.
func BenchmarkEncodeWorldJSON(b *testing.B) {
	w := dashboardtest.NewWorld(worldConfig)
	date := worldDate(w)
	st, err := toaststats.CreateStore(b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	putWorld(b, st, w, date)
	ctx := context.Background()
	if _, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{}).Build(ctx, date); err != nil {
		b.Fatal(err)
	}
	v, err := st.Snapshots().Current(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var files []*snapshot.DistrictFile
	for _, id := range v.DistrictIDs() {
		df, err := v.District(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, df)
	}
	rk, err := v.Rankings(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		n = 0
		for _, df := range files {
			out, err := json.Marshal(df)
			if err != nil {
				b.Fatal(err)
			}
			n += len(out)
		}
		out, err := json.Marshal(rk)
		if err != nil {
			b.Fatal(err)
		}
		n += len(out)
	}
	b.SetBytes(int64(n))
}

// BenchmarkFirstAnalyticsAnswer is the first analytics answer for a district
// of TOASTSTATS_YEAR_DIR (a year of daily world snapshots, see
// TestWriteYearCache and scripts/bench) as a server that has just started
// gives it: a freshly opened store (no read cache), the district's series
// from the history index, and the membership analytics over the program
// year up to the newest snapshot. Without the variable it is skipped.
func BenchmarkFirstAnalyticsAnswer(b *testing.B) {
	dir := os.Getenv("TOASTSTATS_YEAR_DIR")
	if dir == "" {
		b.Skip("TOASTSTATS_YEAR_DIR not set")
	}
	district := os.Getenv("TOASTSTATS_YEAR_DISTRICT")
	if district == "" {
		district = "61"
	}
	ctx := context.Background()
	var fromIndex, fromSnapshots, points int
	start := cputime.Process()
	for b.Loop() {
		st, err := toaststats.OpenStore(dir, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		dh, err := toaststats.NewHistory(st, nil).District(ctx, district)
		if err != nil {
			b.Fatal(err)
		}
		pts := dh.Points
		last := pts[len(pts)-1].Date
		start := analytics.ProgramYearBounds(analytics.ProgramYearOf(last)).StartDate
		i := 0
		for i < len(pts) && pts[i].Date < start {
			i++
		}
		if _, err := analytics.MembershipAnalytics(pts[i:], analytics.PreviousYearPoint(pts, last)); err != nil {
			b.Fatal(err)
		}
		fromIndex, fromSnapshots, points = dh.FromIndex, dh.FromSnapshots, len(pts)
		st.Close()
	}
	b.ReportMetric(float64(cputime.Process()-start)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(points), "points")
	b.ReportMetric(float64(fromIndex), "from-index")
	b.ReportMetric(float64(fromSnapshots), "from-snapshots")
}

// BenchmarkPendingYear is the server's start-up check for pending builds
// (Builder.Pending) over TOASTSTATS_YEAR_DIR (a year of daily world
// snapshots, all built): "derived" derives every raw date (no kept state:
// the first check after an upgrade), "kept" is every later check, one stat
// per date. It writes history/pending.json into the directory. Without the
// variable it is skipped.
func BenchmarkPendingYear(b *testing.B) {
	dir := os.Getenv("TOASTSTATS_YEAR_DIR")
	if dir == "" {
		b.Skip("TOASTSTATS_YEAR_DIR not set")
	}
	ctx := context.Background()
	for _, kept := range []bool{false, true} {
		name := "derived"
		if kept {
			name = "kept"
		}
		b.Run(name, func(b *testing.B) {
			start := cputime.Process()
			for b.Loop() {
				b.StopTimer()
				st, err := toaststats.OpenStore(dir, store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if !kept {
					if err := st.Objects().Delete(ctx, "history/pending.json"); err != nil && !errors.Is(err, fs.ErrNotExist) {
						b.Fatal(err)
					}
				}
				builder := toaststats.NewBuilder(st, toaststats.BuilderOptions{})
				b.StartTimer()
				p, err := builder.Pending(ctx)
				if err != nil || len(p) != 0 {
					b.Fatalf("pending %v %v", p, err)
				}
				st.Close()
			}
			b.ReportMetric(float64(cputime.Process()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}
