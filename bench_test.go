package toaststats_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/internal/cputime"
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

// worldBuilder caches the newest date of the world in a fresh data
// directory and returns a Builder over it, the date, the directory and the
// bytes cached.
func worldBuilder(b *testing.B) (*toaststats.Builder, string, string, int) {
	w := dashboardtest.NewWorld(worldConfig)
	date := worldDate(w)
	dir := b.TempDir()
	st, err := toaststats.CreateStore(dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	n := putWorld(b, st, w, date)
	return toaststats.NewBuilder(st, toaststats.BuilderOptions{}), date, dir, n
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
	builder, date, _, n := worldBuilder(b)
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

// TestWorldDistrictFilesAreEncodingJSON checks that every district file a
// build writes is, byte for byte, what encoding/json writes for it: the store
// encodes them with a faster library (store/districtjson.go), and readers,
// checksums and the predecessor's layout all expect encoding/json's bytes.
// A quarter of the world (32 districts of 110 clubs) gives every kind of
// value the dashboard imitation produces.
func TestWorldDistrictFilesAreEncodingJSON(t *testing.T) {
	ctx := context.Background()
	cfg := worldConfig
	cfg.Districts = 32
	w := dashboardtest.NewWorld(cfg)
	dir := t.TempDir()
	st, err := toaststats.CreateStore(dir, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	date := worldDate(w)
	putWorld(t, st, w, date)
	res, err := newBuilder(st).Build(ctx, date)
	if err != nil || res.Status != snapshot.StatusSuccess {
		t.Fatalf("build: %v %v", res, err)
	}
	files, clubs := 0, 0
	for _, id := range res.DistrictsIncluded {
		path := filepath.Join(dir, "snapshots", res.SnapshotID, store.DistrictFileName(id))
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var df snapshot.DistrictFile
		if err := json.Unmarshal(b, &df); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		want, err := json.Marshal(&df)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != string(want) {
			t.Fatalf("%s is not what encoding/json writes for it", path)
		}
		files++
		clubs += len(df.Data.ClubDetails)
	}
	// The imitation's districts have 110 clubs each, a few of them not in
	// every report (new, suspended): most of them must have been checked.
	if files != 32 || clubs < 32*100 {
		t.Fatalf("checked %d files and %d clubs; want 32 files and at least %d clubs", files, clubs, 32*100)
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
	builder, date, dir, n := worldBuilder(b)
	ctx := context.Background()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	b.ResetTimer()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		for _, sub := range []string{"snapshots", "history", "current.json"} {
			if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := cputime.Process()
		res, err := builder.Build(ctx, date)
		cpu += cputime.Process() - start
		if err != nil {
			b.Fatal(err)
		}
		if res.Skipped || len(res.DistrictsIncluded) != 128 {
			b.Fatalf("skipped %v, %d districts included, errors %q", res.Skipped, len(res.DistrictsIncluded), first(res.Errors, 5))
		}
	}
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
}

// yearConfig is a program year of daily world dates (128 districts, ~14,000
// clubs): June's close, the dark days of July and every month-end close.
var yearConfig = dashboardtest.Config{Districts: 128, ClubsPerDistrict: 110, Seed: 7, From: "2025-07-01", To: "2026-06-30"}

// TestWriteYearCache writes the raw cache of every published date of
// yearConfig into TOASTSTATS_YEAR_DIR (scripts/bench uses it for the
// backfill and first-answer figures); without the variable it is skipped.
// TOASTSTATS_YEAR_DAYS, when set, keeps only the first that many dates.
func TestWriteYearCache(t *testing.T) {
	dir := os.Getenv("TOASTSTATS_YEAR_DIR")
	if dir == "" {
		t.Skip("TOASTSTATS_YEAR_DIR not set")
	}
	w := dashboardtest.NewWorld(yearConfig)
	st, err := toaststats.CreateStore(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dates := w.AsOfDates()
	if n, err := strconv.Atoi(os.Getenv("TOASTSTATS_YEAR_DAYS")); err == nil && n < len(dates) {
		dates = dates[:n]
	}
	// The first date goes through RawCache.Put (the scraper's path); the
	// others are written as files plus a metadata.json of the same form,
	// because Put rewrites metadata.json durably after every file (385 per
	// date), which would make a year take tens of minutes.
	total := putWorld(t, st, w, dates[0])
	tmpl, err := st.Raw().Metadata(context.Background(), dates[0])
	if err != nil {
		t.Fatal(err)
	}
	g, _ := errgroup.WithContext(context.Background())
	g.SetLimit(2)
	var mu sync.Mutex
	for _, d := range dates[1:] {
		g.Go(func() error {
			n, err := writeRawDate(dir, w, d, tmpl)
			mu.Lock()
			total += n
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d dates (%d bytes of CSV) into %s", len(dates), total, dir)
}

// writeRawDate writes every report of date as raw-csv/<date>/ files and a
// metadata.json like tmpl's (RawCache.Put's form) with their checksums.
func writeRawDate(dir string, w *dashboardtest.World, date string, tmpl *store.RawMetadata) (int, error) {
	md := *tmpl
	md.Date, md.DataMonth = date, w.DataMonth(date)
	md.ProgramYear = snapshot.ProgramYearOf(md.DataMonth)
	md.Integrity.Checksums = map[string]string{}
	md.Integrity.Pending = nil
	md.CSVFiles.Districts = map[string]store.DistrictCSVFiles{}
	total := 0
	put := func(kind normalize.ReportKind, id string, r store.Report) error {
		b, err := w.CSV(kind, id, date)
		if err != nil {
			return err
		}
		key := r.FileName()
		if id != "" {
			key = "district-" + id + "/" + key
		}
		path := filepath.Join(dir, "raw-csv", date, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		md.Integrity.Checksums[key] = hex.EncodeToString(sum[:])
		total += len(b)
		return nil
	}
	if err := put(normalize.ReportSummary, "", store.ReportSummary); err != nil {
		return 0, err
	}
	for _, id := range w.Districts(date) {
		for _, k := range []struct {
			kind normalize.ReportKind
			r    store.Report
		}{{normalize.ReportClub, store.ReportClub}, {normalize.ReportDivision, store.ReportDivision}, {normalize.ReportDistrict, store.ReportDistrict}} {
			if err := put(k.kind, id, k.r); err != nil {
				return 0, err
			}
		}
		md.CSVFiles.Districts[id] = store.DistrictCSVFiles{DistrictPerformance: true, DivisionPerformance: true, ClubPerformance: true}
	}
	md.Integrity.TotalSize, md.Integrity.FileCount = int64(total), len(md.Integrity.Checksums)
	b, err := json.MarshalIndent(&md, "", "  ")
	if err != nil {
		return 0, err
	}
	return total, os.WriteFile(filepath.Join(dir, "raw-csv", date, "metadata.json"), b, 0o644)
}
