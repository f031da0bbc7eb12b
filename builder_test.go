package toaststats_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// fixedNow is the clock of every test build.
var fixedNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func clock() time.Time { return fixedNow }

// fixture describes which raw files of testdata/cache to load, and how to
// damage them.
type fixture struct {
	dates []string
	// skip lists raw keys ("2025-11-14/district-61/club-performance.csv")
	// that are not put into the cache.
	skip []string
	// replace maps raw keys to other bytes, put with a matching checksum.
	replace map[string][]byte
	// corrupt lists raw keys whose bytes are changed on disk after Put, so
	// that their checksum no longer matches.
	corrupt []string
	// config, when non-nil, is written as config/districts.json.
	config []string
	// transform, when set, rewrites every file before it is put.
	transform func(key string, b []byte) []byte
}

// openFixture copies the fixture's raw files into a fresh data directory
// through the store and returns the store.
func openFixture(t testing.TB, fx fixture) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := toaststats.OpenStore(dir, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	for _, date := range fx.dates {
		root := filepath.Join("testdata", "cache", date)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			key := date + "/" + rel
			if slices.Contains(fx.skip, key) {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if b, ok := fx.replace[key]; ok {
				data = b
			}
			if fx.transform != nil {
				data = fx.transform(key, data)
			}
			district, report := "", store.Report(strings.TrimSuffix(rel, ".csv"))
			if i := strings.IndexByte(rel, '/'); i >= 0 {
				district = strings.TrimPrefix(rel[:i], "district-")
				report = store.Report(strings.TrimSuffix(rel[i+1:], ".csv"))
			}
			return st.Raw().Put(ctx, date, district, report, data, store.PutInfo{RequestedDate: date, Source: "fixture"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range fx.corrupt {
		path := filepath.Join(dir, "raw-csv", filepath.FromSlash(key))
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.Replace(b, []byte(`"1"`), []byte(`"2"`), 1)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if fx.config != nil {
		if _, err := st.Config().Replace(ctx, fx.config, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return st, dir
}

func newBuilder(st *store.Store) *toaststats.Builder {
	return toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: clock})
}

// snapshotFiles reads every file of snapshots/<id>/ (and current.json).
func snapshotFiles(t testing.TB, dir, id string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	root := filepath.Join(dir, "snapshots", id)
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	if b, err := os.ReadFile(filepath.Join(dir, "current.json")); err == nil {
		out["current.json"] = b
	}
	return out
}

// checkGolden compares files with testdata/golden/<name>/, or rewrites it
// with -update.
func checkGolden(t *testing.T, name string, files map[string][]byte) {
	t.Helper()
	gdir := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.RemoveAll(gdir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(gdir, 0o755); err != nil {
			t.Fatal(err)
		}
		for n, b := range files {
			if err := os.WriteFile(filepath.Join(gdir, n), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	ents, err := os.ReadDir(gdir)
	if err != nil {
		t.Fatalf("golden %s missing (run go test -update): %v", gdir, err)
	}
	want := map[string]bool{}
	for _, e := range ents {
		want[e.Name()] = true
		b, err := os.ReadFile(filepath.Join(gdir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := files[e.Name()]
		if !ok {
			t.Errorf("%s: file %s not written", name, e.Name())
			continue
		}
		if !bytes.Equal(got, b) {
			t.Errorf("%s: %s differs from the golden copy (run go test -update and review the diff)\n--- got ---\n%s", name, e.Name(), clip(got))
		}
	}
	for n := range files {
		if !want[n] {
			t.Errorf("%s: unexpected file %s", name, n)
		}
	}
}

func clip(b []byte) string {
	if len(b) > 3000 {
		return string(b[:3000]) + "…"
	}
	return string(b)
}

func TestBuildSuccessMatchesGolden(t *testing.T) {
	ctx := context.Background()
	st, dir := openFixture(t, fixture{dates: []string{"2025-11-14"}})
	res, err := newBuilder(st).Build(ctx, "2025-11-14")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != snapshot.StatusSuccess || res.Skipped {
		t.Fatalf("status %s skipped %v errors %q", res.Status, res.Skipped, res.Errors)
	}
	if res.SnapshotID != "2025-11-14" || res.LogicalDate != "2025-11-14" || res.CollectionDate != "2025-11-14" {
		t.Errorf("ids: %+v", res)
	}
	if want := []string{"02", "42", "61", "F"}; !slices.Equal(res.DistrictsIncluded, want) {
		t.Errorf("included %v, want %v", res.DistrictsIncluded, want)
	}
	if len(res.DistrictsMissing) != 0 || len(res.DistrictErrors) != 0 {
		t.Errorf("missing %v errors %v", res.DistrictsMissing, res.DistrictErrors)
	}
	v, err := st.Snapshots().Current(ctx)
	if err != nil || v.ID != "2025-11-14" {
		t.Fatalf("current: %v %v", v, err)
	}
	md := v.Metadata
	if md.DataAsOfDate != "2025-11-14" || md.DataMonth != "2025-11" || md.ProgramYear != "2025-2026" ||
		md.IsClosingPeriodData == nil || *md.IsClosingPeriodData || md.InputChecksum == "" || !md.CreatedAt.Equal(fixedNow) {
		t.Errorf("metadata: %+v", md)
	}
	rk, err := v.Rankings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rk.Metadata.TotalDistricts != 4 || len(rk.Rankings) != 4 {
		t.Errorf("rankings: %d districts, %d rows", rk.Metadata.TotalDistricts, len(rk.Rankings))
	}
	df, err := v.District(ctx, "61")
	if err != nil {
		t.Fatal(err)
	}
	if df.Data.Ranking == nil || df.Data.Summary == nil || len(df.Data.ClubDetails) != 4 || df.DistrictName != "District 61" {
		t.Errorf("district 61: ranking %v summary %v clubs %d", df.Data.Ranking, df.Data.Summary, len(df.Data.ClubDetails))
	}
	checkGolden(t, "success-2025-11-14", snapshotFiles(t, dir, "2025-11-14"))
}

func TestBuildPartial(t *testing.T) {
	const date = "2025-11-14"
	zeroRows := func() []byte {
		b, err := os.ReadFile("testdata/cache/2025-11-14/district-61/club-performance.csv")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(b), "\r\n")
		return []byte(lines[0] + lines[len(lines)-2]) // header + footer
	}()
	tests := []struct {
		name       string
		fx         fixture
		reason     string
		report     string
		missing    []string
		wantStatus snapshot.Status
	}{
		{"missing club report", fixture{skip: []string{date + "/district-61/club-performance.csv"}},
			toaststats.ReasonMissingReport, "club-performance.csv", []string{"61"}, snapshot.StatusPartial},
		{"missing division report", fixture{skip: []string{date + "/district-61/division-performance.csv"}},
			toaststats.ReasonMissingReport, "division-performance.csv", nil, snapshot.StatusPartial},
		{"checksum mismatch", fixture{corrupt: []string{date + "/district-42/club-performance.csv"}},
			toaststats.ReasonChecksumMismatch, "club-performance.csv", []string{"42"}, snapshot.StatusPartial},
		{"zero-row club report", fixture{replace: map[string][]byte{date + "/district-61/club-performance.csv": zeroRows}},
			toaststats.ReasonNoRows, "club-performance.csv", []string{"61"}, snapshot.StatusPartial},
		{"configured district absent", fixture{config: []string{"42", "99"}},
			toaststats.ReasonNotInSummary, "", []string{"99"}, snapshot.StatusPartial},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			tc.fx.dates = []string{date}
			st, _ := openFixture(t, tc.fx)
			res, err := newBuilder(st).Build(ctx, date)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.wantStatus || res.Skipped {
				t.Fatalf("status %s skipped %v, want %s; errors %q", res.Status, res.Skipped, tc.wantStatus, res.Errors)
			}
			if !slices.Equal(res.DistrictsMissing, nonNilStrings(tc.missing)) {
				t.Errorf("missing %v, want %v", res.DistrictsMissing, tc.missing)
			}
			if len(res.DistrictErrors) != 1 {
				t.Fatalf("district errors %+v, want one", res.DistrictErrors)
			}
			de := res.DistrictErrors[0]
			if de.Reason != tc.reason || de.Report != tc.report || de.Error == "" {
				t.Errorf("district error %+v, want reason %s report %s", de, tc.reason, tc.report)
			}
			if len(res.Errors) == 0 {
				t.Error("a partial snapshot lists no errors")
			}
			// Published, never current.
			v, err := st.Snapshots().Get(ctx, date)
			if err != nil {
				t.Fatal(err)
			}
			if v.Metadata.Status != snapshot.StatusPartial || len(v.Metadata.DistrictErrors) != 1 {
				t.Errorf("stored metadata status %s district errors %v", v.Metadata.Status, v.Metadata.DistrictErrors)
			}
			if _, err := st.Snapshots().Current(ctx); !errors.Is(err, store.ErrNoSnapshot) {
				t.Errorf("current after a partial build: %v, want ErrNoSnapshot", err)
			}
		})
	}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestBuildFailedOnValidationError(t *testing.T) {
	ctx := context.Background()
	const date = "2025-11-14"
	key := date + "/district-42/club-performance.csv"
	b, err := os.ReadFile("testdata/cache/" + key)
	if err != nil {
		t.Fatal(err)
	}
	// A negative member count reads fine but is a validation error
	// (NEGATIVE_COUNT), not a read problem.
	lines := strings.SplitAfter(string(b), "\r\n")
	cells := strings.Split(lines[1], `","`)
	cells[8] = "-5" // Active Members
	lines[1] = strings.Join(cells, `","`)
	st, _ := openFixture(t, fixture{dates: []string{date}, replace: map[string][]byte{key: []byte(strings.Join(lines, ""))}})
	res, err := newBuilder(st).Build(ctx, date)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != snapshot.StatusFailed {
		t.Fatalf("status %s, want failed; errors %q warnings %q", res.Status, res.Errors, res.Warnings)
	}
	v, err := st.Snapshots().Get(ctx, date)
	if err != nil {
		t.Fatalf("a failed snapshot is kept for debugging: %v", err)
	}
	if v.Metadata.Status != snapshot.StatusFailed || len(v.Metadata.Errors) == 0 {
		t.Errorf("stored: %s %q", v.Metadata.Status, v.Metadata.Errors)
	}
	for _, f := range v.Metadata.Findings {
		if f.Severity == snapshot.SeverityWarning && slices.Contains(v.Metadata.Errors, f.Code+": "+f.Message) {
			t.Errorf("warning %q listed among errors", f.Message)
		}
	}
	if _, err := st.Snapshots().Current(ctx); !errors.Is(err, store.ErrNoSnapshot) {
		t.Errorf("current after a failed build: %v", err)
	}
}

func TestClosingPeriodRemapAndReplacement(t *testing.T) {
	ctx := context.Background()
	t.Run("newer replaces older", func(t *testing.T) {
		st, _ := openFixture(t, fixture{dates: []string{"2025-12-03", "2025-12-05"}})
		b := newBuilder(st)
		r1, err := b.Build(ctx, "2025-12-03")
		if err != nil {
			t.Fatal(err)
		}
		if r1.SnapshotID != "2025-11-30" || r1.LogicalDate != "2025-11-30" || r1.Status != snapshot.StatusSuccess || r1.Skipped {
			t.Fatalf("first: %+v", r1)
		}
		v, err := st.Snapshots().Get(ctx, "2025-11-30")
		if err != nil {
			t.Fatal(err)
		}
		md := v.Metadata
		if md.CollectionDate != "2025-12-03" || md.DataAsOfDate != "2025-12-03" || md.LogicalDate != "2025-11-30" ||
			md.DataMonth != "2025-11" || md.IsClosingPeriodData == nil || !*md.IsClosingPeriodData || md.ProgramYear != "2025-2026" {
			t.Errorf("closing metadata: %+v", md)
		}
		r2, err := b.Build(ctx, "2025-12-05")
		if err != nil {
			t.Fatal(err)
		}
		if r2.Skipped || r2.SnapshotID != "2025-11-30" {
			t.Fatalf("newer collection: %+v", r2)
		}
		v, err = st.Snapshots().Get(ctx, "2025-11-30")
		if err != nil || v.Metadata.CollectionDate != "2025-12-05" {
			t.Fatalf("after newer: %v %v", v, err)
		}
		// The older collection never replaces the newer one.
		r3, err := b.Build(ctx, "2025-12-03")
		if err != nil {
			t.Fatal(err)
		}
		if !r3.Skipped || r3.SkipReason == "" || r3.Status != "" {
			t.Fatalf("older collection after newer: %+v", r3)
		}
		v, err = st.Snapshots().Get(ctx, "2025-11-30")
		if err != nil || v.Metadata.CollectionDate != "2025-12-05" {
			t.Fatalf("older replaced newer: %v %v", v.Metadata.CollectionDate, err)
		}
		if _, err := os.Stat(filepath.Join(st.Dir(), "snapshots", "2025-12-03")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a closing-period collection wrote a snapshot under its collection date: %v", err)
		}
		// Nothing is pending: 12-03 is superseded, 12-05 is up to date.
		p, err := b.Pending(ctx)
		if err != nil || len(p) != 0 {
			t.Errorf("pending %v %v", p, err)
		}
	})
	t.Run("BuildAll in date order keeps the newest", func(t *testing.T) {
		st, _ := openFixture(t, fixture{dates: []string{"2025-11-14", "2025-12-03", "2025-12-05"}})
		var progress []string
		b := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: clock, Progress: func(done, total int, res *toaststats.BuildResult) {
			progress = append(progress, fmt.Sprintf("%d/%d %s", done, total, res.CollectionDate))
		}})
		p, err := b.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"2025-11-14", "2025-12-03", "2025-12-05"}; !slices.Equal(p, want) {
			t.Fatalf("pending %v want %v", p, want)
		}
		res, err := b.BuildAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 3 {
			t.Fatalf("%d results", len(res))
		}
		// 12-03 and 12-05 both build the snapshot 2025-11-30: the newest
		// collection is built, the older one is skipped without a build
		// (reported after it); results stay in collection order.
		// Two snapshots are built at once, so 11-14 may come anywhere; the
		// counts run 1/3..3/3 and the newest collection of the close comes
		// before the older one it makes unnecessary.
		at := func(date string) int {
			return slices.IndexFunc(progress, func(s string) bool { return strings.HasSuffix(s, " "+date) })
		}
		if len(progress) != 3 || !strings.HasPrefix(progress[0], "1/3 ") || !strings.HasPrefix(progress[1], "2/3 ") || !strings.HasPrefix(progress[2], "3/3 ") ||
			at("2025-11-14") < 0 || at("2025-12-05") < 0 || at("2025-12-05") > at("2025-12-03") {
			t.Errorf("progress %q: want 1/3..3/3 with 2025-12-05 before 2025-12-03", progress)
		}
		if r := res[1]; r.CollectionDate != "2025-12-03" || !r.Skipped || !strings.Contains(r.SkipReason, "newer collection 2025-12-05") {
			t.Errorf("older collection of the close: %+v", r)
		}
		cur, err := st.Snapshots().Current(ctx)
		if err != nil || cur.ID != "2025-11-30" || cur.Metadata.CollectionDate != "2025-12-05" {
			t.Fatalf("current %v %v", cur, err)
		}
	})
}

func TestRebuildIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st, dir := openFixture(t, fixture{dates: []string{"2025-11-14"}})
	b := newBuilder(st)
	if _, err := b.Build(ctx, "2025-11-14"); err != nil {
		t.Fatal(err)
	}
	first := snapshotFiles(t, dir, "2025-11-14")
	p, err := b.Pending(ctx)
	if err != nil || len(p) != 0 {
		t.Fatalf("pending after build: %v %v", p, err)
	}
	res, err := b.BuildAll(ctx)
	if err != nil || len(res) != 0 {
		t.Fatalf("BuildAll with nothing pending: %v %v", res, err)
	}
	// An explicit rebuild with nothing changed is a no-op: nothing is
	// republished, so no replaced generation (.old-*) is left behind.
	again, err := b.Build(ctx, "2025-11-14")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Skipped || !again.UpToDate || again.Status != snapshot.StatusSuccess {
		t.Fatalf("rebuild with nothing changed: skipped %v upToDate %v status %q", again.Skipped, again.UpToDate, again.Status)
	}
	if rep, err := st.Snapshots().Check(ctx); err != nil || len(rep.Leftovers) != 0 {
		t.Fatalf("leftovers after a no-op build: %v %v", rep.Leftovers, err)
	}
	second := snapshotFiles(t, dir, "2025-11-14")
	if len(first) != len(second) {
		t.Fatalf("%d files, then %d", len(first), len(second))
	}
	for n, b1 := range first {
		if !bytes.Equal(b1, second[n]) {
			t.Errorf("%s differs after a rebuild", n)
		}
	}
	// A snapshot built from this very input whose district file was damaged
	// since is built again, byte for byte as before.
	damaged := filepath.Join(dir, "snapshots", "2025-11-14", "district_61.json")
	if err := os.Truncate(damaged, 100); err != nil {
		t.Fatal(err)
	}
	// The scheduled build (Pending, BuildAll) mends it too: it is the
	// snapshot current.json names and the newest.
	if p, err := b.Pending(ctx); err != nil || !slices.Equal(p, []string{"2025-11-14"}) {
		t.Fatalf("pending with the current snapshot damaged: %v %v, want [2025-11-14]", p, err)
	}
	mended, err := b.Build(ctx, "2025-11-14")
	if err != nil || mended.Skipped || mended.Status != snapshot.StatusSuccess {
		t.Fatalf("build over a damaged, up-to-date snapshot: %+v %v", mended, err)
	}
	if c, err := st.Snapshots().CheckSnapshot(ctx, "2025-11-14"); err != nil || !c.Complete {
		t.Fatalf("after the rebuild: %+v %v", c, err)
	}
	for n, b1 := range first {
		if b2 := snapshotFiles(t, dir, "2025-11-14")[n]; !bytes.Equal(b1, b2) && n != "current.json" {
			t.Errorf("%s differs after the rebuild of the damaged snapshot", n)
		}
	}
	if p, err := b.Pending(ctx); err != nil || len(p) != 0 {
		t.Fatalf("pending after the damaged snapshot was rebuilt: %v %v", p, err)
	}
	// A file whose size is right but whose bytes are not is seen only by
	// a read (its checksum); once a read has found it, the date is
	// pending and Build rebuilds it.
	raw, err := os.ReadFile(damaged)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0x20
	if err := os.WriteFile(damaged, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := b.Pending(ctx); err != nil || len(p) != 0 {
		t.Fatalf("pending before any read found the flipped byte: %v %v", p, err)
	}
	v, err := st.Snapshots().Get(ctx, "2025-11-14")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.District(ctx, "61"); !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("read of the flipped district file: %v, want ErrCorrupt", err)
	}
	if p, err := b.Pending(ctx); err != nil || !slices.Equal(p, []string{"2025-11-14"}) {
		t.Fatalf("pending after a read found the damage: %v %v, want [2025-11-14]", p, err)
	}
	res, err = b.BuildAll(ctx)
	if err != nil || len(res) != 1 || res[0].Skipped || res[0].Status != snapshot.StatusSuccess {
		t.Fatalf("BuildAll over the damaged snapshot: %+v %v", res, err)
	}
	if got := snapshotFiles(t, dir, "2025-11-14")["district_61.json"]; !bytes.Equal(got, first["district_61.json"]) {
		t.Errorf("district_61.json after the rebuild differs from the first build")
	}
	if v, err := st.Snapshots().Get(ctx, "2025-11-14"); err != nil {
		t.Fatal(err)
	} else if _, err := v.District(ctx, "61"); err != nil {
		t.Fatalf("read after the rebuild: %v", err)
	}
	if d := st.Snapshots().Damaged("2025-11-14"); len(d) != 0 {
		t.Errorf("still listed damaged after the rebuild: %+v", d)
	}
	// A changed input makes the date pending again.
	cfg := []string{"42", "61"}
	if _, err := st.Config().Replace(ctx, cfg, "test"); err != nil {
		t.Fatal(err)
	}
	p, err = b.Pending(ctx)
	if err != nil || !slices.Equal(p, []string{"2025-11-14"}) {
		t.Errorf("pending after a config change: %v %v", p, err)
	}
}

func TestNothingCached(t *testing.T) {
	ctx := context.Background()
	st, _ := openFixture(t, fixture{})
	b := newBuilder(st)
	if _, err := b.Build(ctx, "2025-11-14"); !errors.Is(err, toaststats.ErrNothingCached) ||
		!strings.Contains(err.Error(), "toaststats scrape") {
		t.Errorf("Build on an empty cache: %v", err)
	}
	if _, err := b.BuildAll(ctx); !errors.Is(err, toaststats.ErrNothingCached) {
		t.Errorf("BuildAll on an empty cache: %v", err)
	}
	if _, err := b.Build(ctx, "2025-02-30"); err == nil || errors.Is(err, toaststats.ErrNothingCached) {
		t.Errorf("Build of an invalid date: %v", err)
	}
}

func TestStatusReportsCacheAndSnapshot(t *testing.T) {
	ctx := context.Background()
	st, _ := openFixture(t, fixture{dates: []string{"2025-12-03"},
		skip:    []string{"2025-12-03/district-F/division-performance.csv"},
		corrupt: []string{"2025-12-03/district-02/district-performance.csv"}})
	b := newBuilder(st)
	cs, err := b.Status(ctx, "2025-12-03")
	if err != nil {
		t.Fatal(err)
	}
	if cs.LogicalDate != "2025-11-30" || !cs.Pending || cs.Snapshot != nil || cs.Summary.State != "ok" || len(cs.Districts) != 4 {
		t.Fatalf("status before build: %+v", cs)
	}
	states := map[string]string{}
	for _, d := range cs.Districts {
		for _, r := range d.Reports {
			states[d.DistrictID+"/"+r.File] = r.State
		}
	}
	if states["F/division-performance.csv"] != toaststats.ReasonMissingReport ||
		states["02/district-performance.csv"] != toaststats.ReasonChecksumMismatch ||
		states["61/club-performance.csv"] != "ok" {
		t.Errorf("report states %v", states)
	}
	if _, err := b.Build(ctx, "2025-12-03"); err != nil {
		t.Fatal(err)
	}
	cs, err = b.Status(ctx, "2025-12-03")
	if err != nil {
		t.Fatal(err)
	}
	if cs.Snapshot == nil || cs.Snapshot.Status != snapshot.StatusPartial || !cs.Snapshot.UpToDate || cs.Pending {
		t.Errorf("status after build: %+v %+v", cs, cs.Snapshot)
	}
	// Pending agrees (without reading the district reports): a damaged
	// cache is not rebuilt over and over.
	if p, err := b.Pending(ctx); err != nil || len(p) != 0 {
		t.Errorf("pending after a partial build of a damaged cache: %v %v", p, err)
	}
	// A snapshot file gone since: not up to date, pending, and why.
	gone := filepath.Join(st.Dir(), "snapshots", "2025-11-30", "district_61.json")
	keep, err := os.ReadFile(gone)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	cs, err = b.Status(ctx, "2025-12-03")
	if err != nil || cs.Snapshot == nil || cs.Snapshot.UpToDate || !cs.Pending || len(cs.Snapshot.Problems) != 1 ||
		!strings.Contains(cs.Snapshot.Problems[0], "district_61.json") {
		t.Fatalf("status with a snapshot file gone: %+v %+v %v", cs, cs.Snapshot, err)
	}
	if err := os.WriteFile(gone, keep, 0o644); err != nil {
		t.Fatal(err)
	}
	// Writing into the cache date makes it pending again.
	b2, err := os.ReadFile("testdata/cache/2025-12-03/district-02/district-performance.csv")
	if err != nil {
		t.Fatal(err)
	}
	later, err := toaststats.OpenStore(st.Dir(), store.Options{Now: func() time.Time { return fixedNow.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := later.Raw().Put(ctx, "2025-12-03", "02", store.ReportDistrict, b2, store.PutInfo{}); err != nil {
		t.Fatal(err)
	}
	if p, err := b.Pending(ctx); err != nil || !slices.Equal(p, []string{"2025-12-03"}) {
		t.Errorf("pending after a repairing write: %v %v", p, err)
	}
}

func TestBuildWithoutSummary(t *testing.T) {
	ctx := context.Background()
	st, _ := openFixture(t, fixture{dates: []string{"2025-11-14"}, skip: []string{"2025-11-14/all-districts.csv"}})
	res, err := newBuilder(st).Build(ctx, "2025-11-14")
	if err != nil {
		t.Fatal(err)
	}
	// No config and no summary: the districts with cached reports.
	if res.Status != snapshot.StatusPartial || !slices.Equal(res.DistrictsIncluded, []string{"02", "42", "61", "F"}) {
		t.Fatalf("status %s included %v errors %q", res.Status, res.DistrictsIncluded, res.Errors)
	}
	if !strings.Contains(strings.Join(res.Errors, "\n"), "summary") {
		t.Errorf("errors do not mention the missing summary: %q", res.Errors)
	}
	v, err := st.Snapshots().Get(ctx, "2025-11-14")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Rankings(ctx); !errors.Is(err, store.ErrNoRankings) {
		t.Errorf("rankings without a summary: %v", err)
	}
	// The footer of a district report still dates the snapshot.
	if v.Metadata.DataMonth != "2025-11" || v.Metadata.DataAsOfDate != "2025-11-14" {
		t.Errorf("metadata %+v", v.Metadata)
	}
}

func TestWorseRebuildNeverReplacesSuccess(t *testing.T) {
	ctx := context.Background()
	st, dir := openFixture(t, fixture{dates: []string{"2025-11-14"}})
	b := newBuilder(st)
	if res, err := b.Build(ctx, "2025-11-14"); err != nil || res.Status != snapshot.StatusSuccess {
		t.Fatalf("%v %v", res, err)
	}
	before := snapshotFiles(t, dir, "2025-11-14")
	// The cache loses a report: the rebuild is partial and is not published.
	if err := os.Remove(filepath.Join(dir, "raw-csv", "2025-11-14", "district-42", "club-performance.csv")); err != nil {
		t.Fatal(err)
	}
	res, err := b.Build(ctx, "2025-11-14")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != snapshot.StatusPartial || !res.Skipped || !strings.Contains(res.SkipReason, "not replaced") {
		t.Fatalf("worse rebuild: %+v", res)
	}
	after := snapshotFiles(t, dir, "2025-11-14")
	for n, b1 := range before {
		if !bytes.Equal(b1, after[n]) {
			t.Errorf("%s changed", n)
		}
	}
	// It is not pending (building it again changes nothing), but
	// incomplete: the snapshot no longer matches the cache, which lacks a
	// report of district 42.
	if p, err := b.Pending(ctx); err != nil || len(p) != 0 {
		t.Errorf("pending %v %v", p, err)
	}
	inc, err := b.Incomplete(ctx)
	if err != nil || len(inc) != 1 || inc[0].CollectionDate != "2025-11-14" || !slices.Equal(inc[0].MissingDistricts, []string{"42"}) || inc[0].MissingSummary {
		t.Errorf("incomplete %+v %v", inc, err)
	}
}

func TestBuildWithoutFooters(t *testing.T) {
	ctx := context.Background()
	// Some older exports have no footer: the closing period is unknown,
	// never "not closing", and the collection date stands in for as-of.
	dropFooter := func(_ string, b []byte) []byte {
		lines := strings.SplitAfter(string(b), "\r\n")
		return []byte(strings.Join(lines[:len(lines)-2], ""))
	}
	st, _ := openFixture(t, fixture{dates: []string{"2025-12-03"}, transform: dropFooter})
	res, err := newBuilder(st).Build(ctx, "2025-12-03")
	if err != nil {
		t.Fatal(err)
	}
	if res.SnapshotID != "2025-12-03" || res.Skipped {
		t.Fatalf("result %+v", res)
	}
	v, err := st.Snapshots().Get(ctx, "2025-12-03")
	if err != nil {
		t.Fatal(err)
	}
	md := v.Metadata
	if md.IsClosingPeriodData != nil || md.DataAsOfDate != "2025-12-03" || md.LogicalDate != "2025-12-03" {
		t.Errorf("metadata without footers: closing %v as-of %s logical %s", md.IsClosingPeriodData, md.DataAsOfDate, md.LogicalDate)
	}
	if !strings.Contains(strings.Join(md.Warnings, "\n"), "footer") {
		t.Errorf("no warning about the missing footers: %q", md.Warnings)
	}
}

func TestConcurrentClosingBuildsKeepTheNewest(t *testing.T) {
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		st, _ := openFixture(t, fixture{dates: []string{"2025-12-03", "2025-12-05"}})
		b := newBuilder(st)
		errc := make(chan error, 2)
		for _, d := range []string{"2025-12-05", "2025-12-03"} {
			go func() {
				_, err := b.Build(ctx, d)
				errc <- err
			}()
		}
		for range 2 {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		}
		// Another process's view (a fresh store) sees the newest collection.
		other, err := toaststats.OpenStore(st.Dir(), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		v, err := other.Snapshots().Get(ctx, "2025-11-30")
		if err != nil || v.Metadata.CollectionDate != "2025-12-05" {
			t.Fatalf("round %d: snapshot from %v (%v), want the 2025-12-05 collection", i, v.Metadata.CollectionDate, err)
		}
	}
}

func TestOlderCollectionSeesAnotherProcesssNewerSnapshot(t *testing.T) {
	ctx := context.Background()
	st, _ := openFixture(t, fixture{dates: []string{"2025-12-03", "2025-12-05"}})
	server := newBuilder(st)
	// The server has read the snapshot built from 12-03 (and cached it) ...
	if _, err := server.Build(ctx, "2025-12-03"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Snapshots().Get(ctx, "2025-11-30"); err != nil {
		t.Fatal(err)
	}
	// ... then the CLI, another process, publishes the newer collection.
	cli, err := toaststats.OpenStore(st.Dir(), store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newBuilder(cli).Build(ctx, "2025-12-05"); err != nil {
		t.Fatal(err)
	}
	// A rebuild of 12-03 by the server must not go back to older data.
	res, err := server.Build(ctx, "2025-12-03")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Skipped {
		t.Fatalf("older collection replaced a newer one published by another process: %+v", res)
	}
}

// TestOlderCollectionLosesARace: the server's build of the older
// collection has found no newer snapshot and waits for the publish lock
// while the CLI, another process, holds it and publishes the newer
// collection of the same close. The store decides under that lock, so the
// server's build is skipped and the newer collection stays (it used to
// overwrite it).
func TestOlderCollectionLosesARace(t *testing.T) {
	ctx := context.Background()
	const id = "2025-11-30"
	// The newer collection's snapshot, built in a data directory of its own.
	elsewhere, _ := openFixture(t, fixture{dates: []string{"2025-12-05"}})
	if _, err := newBuilder(elsewhere).Build(ctx, "2025-12-05"); err != nil {
		t.Fatal(err)
	}
	newer, err := elsewhere.Snapshots().Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rankings, err := newer.Rankings(ctx)
	if err != nil {
		t.Fatal(err)
	}

	st, _ := openFixture(t, fixture{dates: []string{"2025-12-03", "2025-12-05"}})
	cli, err := toaststats.OpenStore(st.Dir(), store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := cli.Snapshots().Begin(ctx, id) // the CLI holds the publish lock
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		res *toaststats.BuildResult
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := newBuilder(st).Build(ctx, "2025-12-03")
		done <- outcome{res, err}
	}()
	// Wait until the server's build waits for the lock: past its own check
	// of the snapshot in place (there is none yet).
	for !goroutineIn("(*SnapshotStore).Begin") {
		select {
		case o := <-done:
			t.Fatalf("the build ended without waiting for the lock: %+v %v", o.res, o.err)
		case <-time.After(time.Millisecond):
		}
	}
	for _, did := range newer.DistrictIDs() {
		df, err := newer.District(ctx, did)
		if err != nil {
			t.Fatal(err)
		}
		if err := pub.Add(df); err != nil {
			t.Fatal(err)
		}
	}
	if err := pub.Publish(ctx, &snapshot.Snapshot{Metadata: newer.Metadata, Rankings: rankings}); err != nil {
		t.Fatal(err)
	}
	o := <-done
	if o.err != nil || !o.res.Skipped || !strings.Contains(o.res.SkipReason, "newer collection while this build ran") {
		t.Fatalf("older collection after the race: %+v %v", o.res, o.err)
	}
	other, err := toaststats.OpenStore(st.Dir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := other.Snapshots().Get(ctx, id); err != nil || v.Metadata.CollectionDate != "2025-12-05" {
		t.Fatalf("snapshot %s from collection %v (%v), want 2025-12-05", id, v, err)
	}
}

// goroutineIn reports whether a goroutine of this process is in a function
// whose name ends with fn.
func goroutineIn(fn string) bool {
	buf := make([]byte, 1<<20)
	return strings.Contains(string(buf[:runtime.Stack(buf, true)]), fn+"(")
}

// TestBuildAllKeepsAnOlderSuccessOfTheClose: when the newest collection of
// a month-end close is incomplete, BuildAll does not skip the older ones:
// the older complete collection gives the successful snapshot, the partial
// newer one does not replace it (as building every date in order does).
func TestBuildAllKeepsAnOlderSuccessOfTheClose(t *testing.T) {
	ctx := context.Background()
	st, _ := openFixture(t, fixture{
		dates: []string{"2025-12-03", "2025-12-05"},
		skip:  []string{"2025-12-05/district-61/club-performance.csv"},
	})
	res, err := newBuilder(st).BuildAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].CollectionDate != "2025-12-03" || res[0].Status != snapshot.StatusSuccess || res[0].Skipped {
		t.Fatalf("older collection: %+v", res[0])
	}
	if r := res[1]; r.CollectionDate != "2025-12-05" || !r.Skipped || r.Status != snapshot.StatusPartial {
		t.Fatalf("newer, partial collection: %+v", r)
	}
	cur, err := st.Snapshots().Current(ctx)
	if err != nil || cur.ID != "2025-11-30" || cur.Metadata.CollectionDate != "2025-12-03" {
		t.Fatalf("current %v %v", cur, err)
	}
}
