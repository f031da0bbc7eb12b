package static_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/adapters/api"
	"github.com/toaststats/toaststats/adapters/static"
	"github.com/toaststats/toaststats/store"
)

// The small world's files, worked out by hand: per export the current
// snapshot gives 3 lists (districts, rankings, cache/dates) and 11 answers
// for each of the 3 districts (33); every snapshot date gives its rankings,
// its district list and statistics + clubs per district (2 + 3*2 = 8).
const (
	currentFiles = 3 + 3*11
	perDate      = 2 + 3*2
)

// exportOnce exports st into out and fails the test on an error.
func exportOnce(t *testing.T, st *store.Store, out string, opts static.Options) *static.Result {
	t.Helper()
	res, err := static.Export(context.Background(), st, dirObjects(t, out), opts)
	if err != nil {
		t.Fatalf("export: %v (result %+v)", err, res)
	}
	return res
}

// readIndex reads out/index.json.
func readIndex(t *testing.T, out string) *static.Index {
	t.Helper()
	idx, err := static.ReadIndex(context.Background(), dirObjects(t, out))
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// TestExportIsWhatTheServerSends exports the world, then asks a real API
// server on loopback for every indexed request: each file must be the body
// the server sends, byte for byte, and match its index entry.
func TestExportIsWhatTheServerSends(t *testing.T) {
	st, _ := newStore(t)
	w := smallWorld()
	buildDates(t, st, w, w.AsOfDates()...)
	out := t.TempDir()
	var calls, lastDone, lastTotal int
	progress := func(done, total int) {
		calls++
		if done < lastDone || total < lastTotal || done > total {
			t.Errorf("progress %d/%d after %d/%d", done, total, lastDone, lastTotal)
		}
		lastDone, lastTotal = done, total
	}
	res := exportOnce(t, st, out, static.Options{Progress: progress})
	// One request per file (none is absent), each reported when done.
	if lastDone != res.Files || lastTotal != res.Files || calls < res.Files {
		t.Errorf("progress: %d calls, last %d/%d, for %d files", calls, lastDone, lastTotal, res.Files)
	}
	if want := currentFiles + 5*perDate; res.Files != want || res.Written != want || res.Unchanged != 0 || res.Deleted != 0 || !res.IndexWritten {
		t.Fatalf("first export: %+v, want %d files all written", res, want)
	}
	if res.SnapshotID != "2025-11-16" || res.Passes != 1 || res.Absent != 0 {
		t.Fatalf("first export: %+v", res)
	}

	srv := api.NewServer(api.Config{}, api.Deps{Store: st})
	defer srv.Close()
	hs := httptest.NewServer(srv)
	defer hs.Close()

	idx := readIndex(t, out)
	if idx.SnapshotID != "2025-11-16" || len(idx.Files) != res.Files {
		t.Fatalf("index: snapshot %s, %d files", idx.SnapshotID, len(idx.Files))
	}
	var total int64
	for _, e := range idx.Files {
		file, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(e.Path)))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(file)
		if hex.EncodeToString(sum[:]) != e.SHA256 || int64(len(file)) != e.Size {
			t.Errorf("%s: index says sha256 %s size %d, file has %x size %d", e.Path, e.SHA256, e.Size, sum, len(file))
		}
		if static.KeyOf(e.Request) != e.Path {
			t.Errorf("%s: request %s maps to %s", e.Path, e.Request, static.KeyOf(e.Request))
		}
		resp, err := http.Get(hs.URL + e.Request)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", e.Request, resp.StatusCode, err)
		}
		if string(body) != string(file) {
			t.Errorf("%s differs from GET %s:\n file: %.200s\n http: %.200s", e.Path, e.Request, file, body)
		}
		want := "2025-11-16"
		if strings.HasPrefix(e.Path, "api/snapshots/") {
			want = strings.Split(e.Path, "/")[2]
		}
		if e.SnapshotID != want {
			t.Errorf("%s: snapshot %s, want %s", e.Path, e.SnapshotID, want)
		}
		total += e.Size
	}
	if total != res.Bytes {
		t.Errorf("files hold %d bytes, result says %d", total, res.Bytes)
	}

	// Values checked by hand against the imitation's summary report of
	// 2025-11-16 (Seed 5): districts 02, 61, 118 with 6, 5, 5 paid clubs and
	// payment growth -58.84%, -55.94%, -57.38%. Club growth (0% each) and
	// distinguished clubs (0% each) tie, so each category's Borda points
	// (N - rank + 1, N = 3) are 3 for everyone there, and payments decide:
	// 61 gets 3 + 3 + 3 = 9 (rank 1), 118 3 + 2 + 3 = 8, 02 3 + 1 + 3 = 7.
	var rk struct {
		Rankings []struct {
			DistrictID     string `json:"districtId"`
			PaidClubs      int    `json:"paidClubs"`
			AggregateScore int    `json:"aggregateScore"`
			OverallRank    int    `json:"overallRank"`
		} `json:"rankings"`
	}
	readJSON(t, filepath.Join(out, "api", "districts", "rankings.json"), &rk)
	if len(rk.Rankings) != 3 {
		t.Fatalf("rankings.json has %d rows, want 3", len(rk.Rankings))
	}
	got := map[string][3]int{}
	for _, r := range rk.Rankings {
		got[r.DistrictID] = [3]int{r.PaidClubs, r.AggregateScore, r.OverallRank}
	}
	want := map[string][3]int{"61": {5, 9, 1}, "118": {5, 8, 2}, "02": {6, 7, 3}}
	for id, v := range want {
		if got[id] != v {
			t.Errorf("district %s: paid clubs, score, rank %v, want %v", id, got[id], v)
		}
	}
	// District 02's club report of 2025-11-16 lists six clubs, the first
	// "Stittsville Communicators" (00001563) with 31 active members.
	var clubs struct {
		Data struct {
			TotalClubs int `json:"totalClubs"`
			Clubs      []struct {
				ClubID        string `json:"clubId"`
				ActiveMembers int    `json:"activeMembers"`
			} `json:"clubs"`
		} `json:"data"`
	}
	readJSON(t, filepath.Join(out, "api", "snapshots", "2025-11-16", "districts", "02", "clubs.json"), &clubs)
	if clubs.Data.TotalClubs != 6 || len(clubs.Data.Clubs) != 6 {
		t.Fatalf("02 clubs: total %d, %d listed", clubs.Data.TotalClubs, len(clubs.Data.Clubs))
	}
	i := slices.IndexFunc(clubs.Data.Clubs, func(c struct {
		ClubID        string `json:"clubId"`
		ActiveMembers int    `json:"activeMembers"`
	}) bool {
		return strings.TrimLeft(c.ClubID, "0") == "1563"
	})
	if i < 0 || clubs.Data.Clubs[i].ActiveMembers != 31 {
		t.Fatalf("club 1563 of district 02: %+v", clubs.Data.Clubs)
	}
}

func readJSON(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// modTimes records the modification time of every file under dir.
func modTimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	m := map[string]time.Time{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		m[p] = fi.ModTime()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestExportIncremental: an export of unchanged data writes nothing (not
// even the index); a new snapshot rewrites the current answers, which name
// it, adds its dated files and leaves the older dates' files alone;
// narrowing the history deletes files and their folders.
func TestExportIncremental(t *testing.T) {
	st, _ := newStore(t)
	w := smallWorld()
	dates := w.AsOfDates()
	buildDates(t, st, w, dates[:4]...)
	out := t.TempDir()
	if res := exportOnce(t, st, out, static.Options{}); res.Files != currentFiles+4*perDate || res.Written != res.Files {
		t.Fatalf("first export: %+v", res)
	}
	before := modTimes(t, out)
	res := exportOnce(t, st, out, static.Options{})
	if res.Written != 0 || res.BytesWritten != 0 || res.IndexWritten || res.Deleted != 0 || res.Unchanged != currentFiles+4*perDate {
		t.Fatalf("second export of the same snapshots: %+v", res)
	}
	for p, mt := range modTimes(t, out) {
		if !before[p].Equal(mt) {
			t.Errorf("%s was touched by an export that changed nothing", p)
		}
	}
	old := readIndex(t, out)

	// A new snapshot: every current answer names it (36 files), and its own
	// dated files are new (8); the 4 older dates' 32 files stay as they are.
	buildDates(t, st, w, dates[4])
	res = exportOnce(t, st, out, static.Options{})
	if res.SnapshotID != dates[4] || res.Written != currentFiles+perDate || res.Unchanged != 4*perDate || res.Deleted != 0 || !res.IndexWritten {
		t.Fatalf("export after snapshot %s: %+v", dates[4], res)
	}
	after := modTimes(t, out)
	oldByPath := map[string]static.IndexEntry{}
	for _, e := range old.Files {
		oldByPath[e.Path] = e
	}
	var written int64
	for _, e := range readIndex(t, out).Files {
		p := filepath.Join(out, filepath.FromSlash(e.Path))
		o, had := oldByPath[e.Path]
		changed := !had || o.SHA256 != e.SHA256
		if touched := !before[p].Equal(after[p]); touched != changed {
			t.Errorf("%s: touched %v, but its bytes changed %v", e.Path, touched, changed)
		}
		if changed {
			written += e.Size
		}
		if isOld := strings.HasPrefix(e.Path, "api/snapshots/") && !strings.HasPrefix(e.Path, "api/snapshots/"+dates[4]+"/"); isOld == changed {
			t.Errorf("%s: changed %v", e.Path, changed)
		}
	}
	if written != res.BytesWritten {
		t.Errorf("bytes written %d, the changed files hold %d", res.BytesWritten, written)
	}

	// Only the dates from 2025-11-14 on: the two first dates' 16 files go,
	// and their folders with them; nothing else is written.
	res = exportOnce(t, st, out, static.Options{Since: "2025-11-14"})
	if res.Deleted != 2*perDate || res.Written != 0 || res.Files != currentFiles+3*perDate || !res.IndexWritten {
		t.Fatalf("export since 2025-11-14: %+v", res)
	}
	for _, d := range dates[:2] {
		if _, err := os.Stat(filepath.Join(out, "api", "snapshots", d)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("folder of %s still there: %v", d, err)
		}
	}
	// No history at all: only the current answers remain.
	res = exportOnce(t, st, out, static.Options{NoHistory: true})
	if res.Deleted != 3*perDate || res.Files != currentFiles {
		t.Fatalf("export without history: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(out, "api", "snapshots")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("api/snapshots still there: %v", err)
	}
}

// TestExportFullRepairsTheDestination: a file deleted or changed by hand is
// not noticed by an incremental export (the index is trusted) but is by
// Full, which also removes files no index names.
func TestExportFullRepairsTheDestination(t *testing.T) {
	st, _ := newStore(t)
	w := smallWorld()
	buildDates(t, st, w, w.AsOfDates()[:2]...)
	out := t.TempDir()
	exportOnce(t, st, out, static.Options{})
	gone := filepath.Join(out, "api", "districts", "61", "clubs.json")
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(out, "api", "districts", "61", "old-answer.json")
	if err := os.WriteFile(stray, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := exportOnce(t, st, out, static.Options{}); res.Written != 0 {
		t.Fatalf("incremental export: %+v", res)
	}
	res := exportOnce(t, st, out, static.Options{Full: true})
	if res.Written != res.Files || res.Deleted != 1 || res.IndexWritten {
		t.Fatalf("full export: %+v", res)
	}
	if _, err := os.Stat(gone); err != nil {
		t.Errorf("full export did not restore %s: %v", gone, err)
	}
	if _, err := os.Stat(stray); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("full export left %s: %v", stray, err)
	}
}

// TestExportDamagedSnapshot: an answer the server cannot give (a damaged
// snapshot file: 503) is reported, the previous file stays and stays
// listed, everything else is exported, and the error says what failed;
// the index says it is not complete and lists the failures, until an
// export succeeds again.
func TestExportDamagedSnapshot(t *testing.T) {
	st, dir := newStore(t)
	w := smallWorld()
	buildDates(t, st, w, w.AsOfDates()[:3]...)
	out := t.TempDir()
	exportOnce(t, st, out, static.Options{})
	if idx := readIndex(t, out); !idx.Complete || idx.Failures != nil {
		t.Fatalf("index of a good export: complete %v, failures %+v", idx.Complete, idx.Failures)
	}
	kept, err := os.ReadFile(filepath.Join(out, "api", "snapshots", "2025-11-12", "districts", "61", "statistics.json"))
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(dir, "snapshots", "2025-11-12", "district_61.json")
	good, err := os.ReadFile(damaged)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(damaged, []byte(`{"broken":`), 0o644); err != nil {
		t.Fatal(err)
	}
	st2, err := toaststats.OpenStore(dir, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	res, err := static.Export(context.Background(), st2, dirObjects(t, out), static.Options{})
	if !errors.Is(err, static.ErrIncomplete) || !strings.Contains(err.Error(), "/api/districts/61/") {
		t.Fatalf("export of a damaged snapshot: %v", err)
	}
	if res.Files != currentFiles+3*perDate || res.Deleted != 0 {
		t.Fatalf("result %+v", res)
	}
	for _, f := range res.Failed {
		if f.Status != http.StatusServiceUnavailable || !strings.Contains(f.Request, "date=2025-11-12") || !strings.Contains(f.Body, "SNAPSHOT_DAMAGED") {
			t.Errorf("failure %+v", f)
		}
	}
	if len(res.Failed) != 2 { // statistics and clubs of 61 on 2025-11-12
		t.Fatalf("failures %+v", res.Failed)
	}
	now, err := os.ReadFile(filepath.Join(out, "api", "snapshots", "2025-11-12", "districts", "61", "statistics.json"))
	if err != nil || string(now) != string(kept) {
		t.Fatalf("the previous file was not kept: %v", err)
	}
	idx := readIndex(t, out)
	if !slices.ContainsFunc(idx.Files, func(e static.IndexEntry) bool {
		return e.Path == "api/snapshots/2025-11-12/districts/61/statistics.json"
	}) {
		t.Fatal("the kept file is no longer indexed")
	}
	// The index is honest about it: not complete, and what failed.
	if idx.Complete || len(idx.Failures) != 2 {
		t.Fatalf("index after failures: complete %v, failures %+v", idx.Complete, idx.Failures)
	}
	for i, name := range []string{"clubs", "statistics"} {
		f := idx.Failures[i]
		if f.Path != "api/snapshots/2025-11-12/districts/61/"+name+".json" || f.Request != "/api/districts/61/"+name+"?date=2025-11-12" ||
			f.Status != http.StatusServiceUnavailable || !strings.HasPrefix(f.Error, "SNAPSHOT_DAMAGED: ") || !strings.Contains(f.Error, "2025-11-12") {
			t.Errorf("index failure %d: %+v", i, f)
		}
	}

	// Repaired: the next export is complete again and lists no failure.
	if err := os.WriteFile(damaged, good, 0o644); err != nil {
		t.Fatal(err)
	}
	st3, err := toaststats.OpenStore(dir, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if res := exportOnce(t, st3, out, static.Options{}); !res.IndexWritten || len(res.Failed) != 0 {
		t.Fatalf("export after the repair: %+v", res)
	}
	if idx := readIndex(t, out); !idx.Complete || idx.Failures != nil {
		t.Fatalf("index after the repair: complete %v, failures %+v", idx.Complete, idx.Failures)
	}
	if raw, err := os.ReadFile(filepath.Join(out, "index.json")); err != nil || strings.Contains(string(raw), `"failures"`) || !strings.Contains(string(raw), `"complete": true`) {
		t.Fatalf("index.json after the repair (%v):\n%.300s", err, raw)
	}
}

// TestExportBadIndex: an index.json that is not one is reported and every
// file is written again; nothing is deleted on its word.
func TestExportBadIndex(t *testing.T) {
	st, _ := newStore(t)
	w := smallWorld()
	buildDates(t, st, w, w.AsOfDates()[:1]...)
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "index.json"), []byte(`{"format":"toaststats-static/1","files":[{"path":"../etc/passwd"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	res := exportOnce(t, st, out, static.Options{})
	if !strings.Contains(res.IndexProblem, "entry 0") || res.Written != res.Files || res.Deleted != 0 {
		t.Fatalf("export over a bad index: %+v", res)
	}
	readIndex(t, out)
}

func TestExportNoSnapshot(t *testing.T) {
	st, _ := newStore(t)
	out := t.TempDir()
	res, err := static.Export(context.Background(), st, dirObjects(t, out), static.Options{})
	if !errors.Is(err, static.ErrNoSnapshot) {
		t.Fatalf("export of an empty store: %+v %v", res, err)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Fatalf("an empty store's export wrote %d entries", len(ents))
	}
}

// TestExportSnapshotPublishedMeanwhile publishes a snapshot while the
// export runs (from inside the 20th request): the first pass mixes two
// snapshots, so the export renders again and the index names one.
func TestExportSnapshotPublishedMeanwhile(t *testing.T) {
	st, _ := newStore(t)
	w := smallWorld()
	dates := w.AsOfDates()
	buildDates(t, st, w, dates[:2]...)
	srv := api.NewServer(api.Config{}, api.Deps{Store: st})
	defer srv.Close()
	if err := cacheDate(st, w, dates[2]); err != nil {
		t.Fatal(err)
	}
	b := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: clock})
	var (
		mu       sync.Mutex
		n        int
		built    bool
		buildErr error
	)
	h := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		if n == 20 && !built {
			built = true
			_, buildErr = b.Build(r.Context(), dates[2])
		}
		mu.Unlock()
		srv.ServeHTTP(rw, r)
	})
	out := t.TempDir()
	res, err := static.ExportHandler(context.Background(), h, dirObjects(t, out), static.Options{})
	if err != nil || buildErr != nil {
		t.Fatal(err, buildErr)
	}
	if !built || res.Passes != 2 || res.SnapshotID != dates[2] || res.Files != currentFiles+3*perDate {
		t.Fatalf("built %v, result %+v", built, res)
	}
	for _, e := range readIndex(t, out).Files {
		if !strings.HasPrefix(e.Path, "api/snapshots/") && e.SnapshotID != dates[2] {
			t.Errorf("%s names snapshot %s", e.Path, e.SnapshotID)
		}
	}
}

func TestKeyOf(t *testing.T) {
	for req, want := range map[string]string{
		"/api/districts":                              "api/districts.json",
		"/api/districts/rankings":                     "api/districts/rankings.json",
		"/api/districts/cache/dates":                  "api/districts/cache/dates.json",
		"/api/districts/F/vulnerable-clubs":           "api/districts/F/vulnerable-clubs.json",
		"/api/districts/rankings?date=2025-11-19":     "api/snapshots/2025-11-19/districts/rankings.json",
		"/api/districts?date=2025-11-19":              "api/snapshots/2025-11-19/districts.json",
		"/api/districts/42/statistics?date=2025-07-1": "api/snapshots/2025-07-1/districts/42/statistics.json",
	} {
		if got := static.KeyOf(req); got != want {
			t.Errorf("KeyOf(%q) = %q, want %q", req, got, want)
		}
	}
}

// TestExportRankedOnlyDistrict: a data directory that tracks districts 02
// and 61 still ranks 118. Every answer about 118 the server gives (200) is a
// file with its bytes; every answer it refuses with 404 has no file, and
// the 404s are what the result counts as absent.
func TestExportRankedOnlyDistrict(t *testing.T) {
	st, _ := newStore(t)
	if _, err := st.Config().Replace(context.Background(), []string{"02", "61"}, "test"); err != nil {
		t.Fatal(err)
	}
	w := smallWorld()
	buildDates(t, st, w, w.AsOfDates()[:2]...)
	out := t.TempDir()
	res := exportOnce(t, st, out, static.Options{})

	srv := api.NewServer(api.Config{}, api.Deps{Store: st})
	defer srv.Close()
	hs := httptest.NewServer(srv)
	defer hs.Close()
	var ok, absent int
	for _, name := range static.DistrictAnswers {
		req := "/api/districts/118/" + name
		resp, err := http.Get(hs.URL + req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		file, ferr := os.ReadFile(filepath.Join(out, filepath.FromSlash(static.KeyOf(req))))
		switch resp.StatusCode {
		case http.StatusOK:
			ok++
			if ferr != nil || string(file) != string(body) {
				t.Errorf("%s: served 200, file %v", req, ferr)
			}
		case http.StatusNotFound:
			absent++
			if !errors.Is(ferr, os.ErrNotExist) {
				t.Errorf("%s: served 404, but a file exists (%v)", req, ferr)
			}
		default:
			t.Errorf("%s: status %d", req, resp.StatusCode)
		}
	}
	// rank-history reads the rankings, which cover 118, and cached-dates
	// lists the snapshots holding it (none): 2 answers. Statistics, clubs
	// and the 7 series answers need its district data, which no snapshot
	// has: 9 refusals.
	if ok != 2 || absent != 9 || res.Absent != absent {
		t.Fatalf("118: %d answered, %d absent; result counts %d absent", ok, absent, res.Absent)
	}
	// Files: 3 lists, 2 × 11 tracked answers, 118's answers, and per date
	// rankings + list + 2 × 2.
	if want := 3 + 2*11 + ok + 2*(2+2*2); res.Files != want {
		t.Fatalf("%d files, want %d", res.Files, want)
	}
}

// TestExportLeavesNoGoroutine: the API server Export starts is closed, and
// no render or write outlives the call, also when the context is cancelled
// part-way.
func TestExportLeavesNoGoroutine(t *testing.T) {
	st, _ := newStore(t)
	w := smallWorld()
	buildDates(t, st, w, w.AsOfDates()[:2]...)
	before := goleak.IgnoreCurrent()
	exportOnce(t, st, t.TempDir(), static.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	srv := api.NewServer(api.Config{}, api.Deps{Store: st})
	var n atomic.Int32
	h := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 10 {
			cancel()
		}
		srv.ServeHTTP(rw, r)
	})
	out := t.TempDir()
	if _, err := static.ExportHandler(ctx, h, dirObjects(t, out), static.Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled export: %v", err)
	}
	srv.Close()
	if _, err := os.Stat(filepath.Join(out, "index.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a cancelled export wrote its index: %v", err)
	}
	goleak.VerifyNone(t, before)
}

// TestExportFailedListDeletesNothing: when the list of dates cannot be
// read (a 500 here), the export cannot tell which dated files still answer
// something, so it deletes none and keeps them listed.
func TestExportFailedListDeletesNothing(t *testing.T) {
	st, _ := newStore(t)
	w := smallWorld()
	buildDates(t, st, w, w.AsOfDates()[:2]...)
	out := t.TempDir()
	exportOnce(t, st, out, static.Options{})
	srv := api.NewServer(api.Config{}, api.Deps{Store: st})
	defer srv.Close()
	h := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/districts/cache/dates" {
			http.Error(rw, `{"error":{"code":"FETCH_ERROR"}}`, http.StatusInternalServerError)
			return
		}
		srv.ServeHTTP(rw, r)
	})
	res, err := static.ExportHandler(context.Background(), h, dirObjects(t, out), static.Options{})
	if !errors.Is(err, static.ErrIncomplete) || len(res.Failed) != 1 || res.Failed[0].Request != "/api/districts/cache/dates" {
		t.Fatalf("export with a failing date list: %v %+v", err, res)
	}
	if res.Deleted != 0 || res.Files != currentFiles+2*perDate || res.Written != 0 {
		t.Fatalf("result %+v", res)
	}
	if _, err := os.Stat(filepath.Join(out, "api", "snapshots", "2025-11-12", "districts", "61", "clubs.json")); err != nil {
		t.Fatal(err)
	}
	want := []static.IndexFailure{{Path: "api/districts/cache/dates.json", Request: "/api/districts/cache/dates", Status: http.StatusInternalServerError, Error: "FETCH_ERROR"}}
	if idx := readIndex(t, out); idx.Complete || !slices.Equal(idx.Failures, want) {
		t.Fatalf("index: complete %v, failures %+v, want %+v", idx.Complete, idx.Failures, want)
	}
}
