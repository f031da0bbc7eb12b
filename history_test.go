package toaststats_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// historyWorld spans June's month-end close (collections of mid-July that
// become the snapshot 2025-06-30), the dark days of early July and the
// program-year boundary (2024-2025 → 2025-2026).
func historyWorld() *dashboardtest.World {
	return dashboardtest.NewWorld(dashboardtest.Config{Districts: 4, ClubsPerDistrict: 6, Seed: 11, From: "2025-06-24", To: "2025-07-24"})
}

// seriesFromSnapshots is the reference: the district's points read from
// every successful snapshot, the way the server read them before the index.
func seriesFromSnapshots(t *testing.T, st *store.Store, districtID string) []analytics.Point {
	t.Helper()
	ctx := context.Background()
	list, err := st.Snapshots().List(ctx, store.ListFilter{Status: snapshot.StatusSuccess})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(list, func(a, b store.ListEntry) int { return compare(a.SnapshotID, b.SnapshotID) })
	var pts []analytics.Point
	for _, e := range list {
		v, err := st.Snapshots().GetFresh(ctx, e.SnapshotID)
		if err != nil {
			t.Fatal(err)
		}
		df, err := v.District(ctx, districtID)
		if errors.Is(err, store.ErrDistrictNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		p := analytics.Point{Date: v.ID, Metadata: v.Metadata, District: &df.Data}
		if rf, err := v.Rankings(ctx); err == nil {
			p.TotalDistricts = rf.Metadata.TotalDistricts
			for i := range rf.Rankings {
				if rf.Rankings[i].DistrictID == districtID {
					p.Ranking = &rf.Rankings[i]
				}
			}
		}
		pts = append(pts, p)
	}
	return pts
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sameHistory asserts the index answer equals the reference, compared as
// JSON (what every answer built from them is encoded to).
func sameHistory(t *testing.T, st *store.Store, h *toaststats.History, districtID string) *toaststats.DistrictHistory {
	t.Helper()
	got, err := h.District(context.Background(), districtID)
	if err != nil {
		t.Fatal(err)
	}
	want := seriesFromSnapshots(t, st, districtID)
	gb, _ := json.Marshal(got.Points)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		n := min(len(gb), len(wb))
		i := 0
		for i < n && gb[i] == wb[i] {
			i++
		}
		t.Fatalf("district %s: index answer differs from the snapshots at byte %d:\n index: %s\n snaps: %s",
			districtID, i, clip(gb[max(0, i-200):]), clip(wb[max(0, i-200):]))
	}
	return got
}

func buildWorldDates(t *testing.T, st *store.Store, w *dashboardtest.World, now func() time.Time) {
	t.Helper()
	ctx := context.Background()
	for _, d := range w.AsOfDates() {
		if err := cacheWorld(ctx, st, w, d); err != nil {
			t.Fatal(err)
		}
	}
	b := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: now})
	if _, err := b.BuildAll(ctx); err != nil {
		t.Fatal(err)
	}
}

// builtHistoryWorld is a store with every date of historyWorld built.
func builtHistoryWorld(t *testing.T) (*store.Store, string, *dashboardtest.World) {
	t.Helper()
	dir := t.TempDir()
	st, err := toaststats.CreateStore(dir, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	w := historyWorld()
	buildWorldDates(t, st, w, clock)
	return st, dir, w
}

func TestHistoryIndexMatchesSnapshots(t *testing.T) {
	ctx := context.Background()
	st, dir, w := builtHistoryWorld(t)
	h := toaststats.NewHistory(st, nil)

	ids, _ := st.Snapshots().IDs(ctx)
	// The world publishes 2025-06-24..30 and, after June's close, the new
	// year's days: the snapshot 2025-06-30 is the closing one, built from
	// the newest mid-July collection.
	if !slices.Contains(ids, "2025-06-30") || !slices.Contains(ids, "2025-07-24") {
		t.Fatalf("snapshots %v", ids)
	}
	for _, did := range w.Districts(w.Newest()) {
		got := sameHistory(t, st, h, did)
		if got.FromSnapshots != 0 || got.FromIndex != len(ids) {
			t.Fatalf("district %s: %d from the index, %d from snapshots; want all %d from the index", did, got.FromIndex, got.FromSnapshots, len(ids))
		}
	}
	// Both program years have their own log.
	for _, py := range []string{"2024-2025", "2025-2026"} {
		if _, err := os.Stat(filepath.Join(dir, "history", py, "district_61.log")); err != nil {
			t.Fatal(err)
		}
	}
	if probs, err := h.Verify(ctx); err != nil || len(probs) != 0 {
		t.Fatalf("verify: %v %v", probs, err)
	}
}

func TestHistoryIndexFollowsRebuildsAndCrashes(t *testing.T) {
	ctx := context.Background()
	st, dir, w := builtHistoryWorld(t)
	h := toaststats.NewHistory(st, nil)
	before, _ := h.District(ctx, "61")

	// Rebuild an old date (a new generation of 2025-06-27): its old record
	// is no longer trusted, the new one is appended.
	later := func() time.Time { return fixedNow.Add(time.Hour) }
	st.Snapshots() // same store
	old := "2025-06-27"
	if err := os.RemoveAll(filepath.Join(dir, "snapshots", old)); err != nil {
		t.Fatal(err)
	}
	if _, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: later}).Build(ctx, old); err != nil {
		t.Fatal(err)
	}
	got := sameHistory(t, st, h, "61")
	if got.FromSnapshots != 0 || got.Fingerprint == before.Fingerprint {
		t.Fatalf("after rebuild: %d from snapshots, fingerprint changed %v", got.FromSnapshots, got.Fingerprint != before.Fingerprint)
	}
	i := slices.IndexFunc(got.Points, func(p analytics.Point) bool { return p.Date == old })
	if i < 0 || !got.Points[i].Metadata.CreatedAt.Equal(later()) {
		t.Fatalf("rebuilt point %d not from the new generation", i)
	}

	// A crash mid-append: a torn record at the end of a log. Readers ignore
	// it, verify reports it, the next append drops it.
	logPath := filepath.Join(dir, "history", "2025-2026", "district_61.log")
	f, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0, 0, 1, 0, 9, 9, 9, 9, 'x', 'y'}) // claims 256 bytes, has 2
	f.Close()
	sameHistory(t, st, h, "61")
	probs, _ := h.Verify(ctx)
	if len(probs) != 1 || probs[0].Problem != "damaged" {
		t.Fatalf("verify after a torn append: %+v", probs)
	}
	newest := w.Newest()
	if err := os.RemoveAll(filepath.Join(dir, "snapshots", newest)); err != nil {
		t.Fatal(err)
	}
	if _, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: later}).Build(ctx, newest); err != nil {
		t.Fatal(err)
	}
	if probs, _ := h.Verify(ctx); len(probs) != 0 {
		t.Fatalf("verify after the next append: %+v", probs)
	}
	if got := sameHistory(t, st, h, "61"); got.FromSnapshots != 0 {
		t.Fatalf("%d from snapshots after the torn tail was dropped", got.FromSnapshots)
	}

	// A lost index: answers fall back to the snapshots, verify says what is
	// missing, reindex restores it.
	if err := os.RemoveAll(filepath.Join(dir, "history")); err != nil {
		t.Fatal(err)
	}
	if got := sameHistory(t, st, h, "61"); got.FromIndex != 0 || got.FromSnapshots == 0 {
		t.Fatalf("without an index: %d from index, %d from snapshots", got.FromIndex, got.FromSnapshots)
	}
	if probs, _ := h.Verify(ctx); len(probs) == 0 || probs[0].Problem != "missing" {
		t.Fatalf("verify without an index: %+v", probs)
	}
	// A stale log of a district no snapshot has is removed by reindex.
	stale := filepath.Join(dir, "history", "2023-2024", "district_99.log")
	os.MkdirAll(filepath.Dir(stale), 0o755)
	os.WriteFile(stale, nil, 0o644)
	res, err := h.Reindex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := st.Snapshots().IDs(ctx)
	// 4 district logs and a snapshots log in both program years: 10 logs.
	if res.Snapshots != len(ids) || res.Logs != 10 || len(res.Removed) != 1 {
		t.Fatalf("reindex: %+v (snapshots %d)", res, len(ids))
	}
	if probs, _ := h.Verify(ctx); len(probs) != 0 {
		t.Fatalf("verify after reindex: %+v", probs)
	}
	if got := sameHistory(t, st, h, "61"); got.FromSnapshots != 0 {
		t.Fatalf("%d from snapshots after reindex", got.FromSnapshots)
	}
}

// A listing made before an old date is rebuilt: DistrictIn answers as of
// the listing (the old generation, from its index record, under the
// listing's fingerprint), and a fresh listing gives the new generation.
func TestHistoryDistrictInStaleListing(t *testing.T) {
	ctx := context.Background()
	st, dir, _ := builtHistoryWorld(t)
	h := toaststats.NewHistory(st, nil)
	l, err := h.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fp, _ := h.Fingerprint(ctx); fp != l.Fingerprint {
		t.Fatalf("listing fingerprint %s, Fingerprint %s", l.Fingerprint, fp)
	}
	asListed, err := h.DistrictIn(ctx, l, "61")
	if err != nil {
		t.Fatal(err)
	}
	old := "2025-06-27"
	later := func() time.Time { return fixedNow.Add(2 * time.Hour) }
	if err := os.RemoveAll(filepath.Join(dir, "snapshots", old)); err != nil {
		t.Fatal(err)
	}
	if _, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: later}).Build(ctx, old); err != nil {
		t.Fatal(err)
	}
	got, err := h.DistrictIn(ctx, l, "61")
	if err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(got.Points)
	wb, _ := json.Marshal(asListed.Points)
	if got.Fingerprint != l.Fingerprint || got.FromSnapshots != 0 || string(gb) != string(wb) {
		t.Fatalf("as of the listing: fingerprint kept %v, %d from snapshots, same points %v", got.Fingerprint == l.Fingerprint, got.FromSnapshots, string(gb) == string(wb))
	}
	fresh := sameHistory(t, st, h, "61")
	i := slices.IndexFunc(fresh.Points, func(p analytics.Point) bool { return p.Date == old })
	if fresh.Fingerprint == l.Fingerprint || fresh.FromSnapshots != 0 || i < 0 || !fresh.Points[i].Metadata.CreatedAt.Equal(later()) {
		t.Fatalf("a fresh listing: fingerprint changed %v, %d from snapshots, rebuilt date at %d", fresh.Fingerprint != l.Fingerprint, fresh.FromSnapshots, i)
	}
}

// An index written by a program with another record layout (a field added
// to the statistics) is not decoded into the wrong fields: every date is
// read from its snapshot, with the same answer; verify reports the records
// unreadable and reindex rewrites them in this program's layout.
func TestHistoryIndexOfAnotherLayout(t *testing.T) {
	ctx := context.Background()
	st, _, _ := builtHistoryWorld(t)
	h := toaststats.NewHistory(st, nil)
	ids, _ := st.Snapshots().IDs(ctx)
	key := "history/2025-2026/district_61.log"
	payloads, damage, err := store.ReadRecords(ctx, st.Objects(), key)
	if err != nil || damage != nil || len(payloads) == 0 {
		t.Fatalf("read %s: %d records, %v %v", key, len(payloads), damage, err)
	}
	// The header: format, kind, id (10 bytes), stamp length, stamp, then
	// the 16 hex digits of the layout hash.
	for _, p := range payloads {
		if p[0] != 3 || p[1] != 'd' {
			t.Fatalf("record format %d kind %c, want a binary district record", p[0], p[1])
		}
		at := 13 + int(p[12])
		copy(p[at:at+16], "0123456789abcdef")
	}
	if err := store.WriteRecords(ctx, st.Objects(), key, payloads...); err != nil {
		t.Fatal(err)
	}
	got := sameHistory(t, st, h, "61")
	inYear := 0
	for _, id := range ids {
		if id >= "2025-07-01" {
			inYear++
		}
	}
	if got.FromSnapshots != inYear || got.FromIndex != len(ids)-inYear {
		t.Fatalf("%d from the index, %d from snapshots; want %d from snapshots", got.FromIndex, got.FromSnapshots, inYear)
	}
	probs, err := h.Verify(ctx)
	if err != nil || len(probs) != 2*inYear {
		t.Fatalf("verify: %d problems (%v), want %d unreadable and %d missing", len(probs), err, inYear, inYear)
	}
	for _, p := range probs[:inYear] {
		if p.Problem != "unreadable" || p.Log != key || !strings.Contains(p.Detail, "another layout") {
			t.Fatalf("problem %+v", p)
		}
	}
	if _, err := h.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sameHistory(t, st, h, "61"); got.FromSnapshots != 0 || got.FromIndex != len(ids) {
		t.Fatalf("after reindex: %d from the index, %d from snapshots", got.FromIndex, got.FromSnapshots)
	}
	if probs, err := h.Verify(ctx); err != nil || len(probs) != 0 {
		t.Fatalf("verify after reindex: %v %v", probs, err)
	}
}

// A district the snapshots do not have is answered from the index alone:
// each current snapshot record lists the districts indexed with it, so no
// snapshot is opened to find the district missing (a year of world
// snapshots took ~200 ms of CPU per such answer when every one was read).
func TestHistoryDistrictNotInAnySnapshot(t *testing.T) {
	ctx := context.Background()
	st, _, w := builtHistoryWorld(t)
	h := toaststats.NewHistory(st, nil)
	ids, _ := st.Snapshots().IDs(ctx)
	absent := "99"
	if slices.Contains(w.Districts(w.Newest()), absent) {
		t.Fatalf("the world has district %s", absent)
	}
	if want := seriesFromSnapshots(t, st, absent); len(want) != 0 {
		t.Fatalf("the snapshots have %d points of district %s", len(want), absent)
	}
	got, err := h.District(ctx, absent)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Points) != 0 || got.FromSnapshots != 0 || got.FromIndex != len(ids) {
		t.Fatalf("district %s: %d points, %d from the index, %d from snapshots; want 0 points, all %d from the index",
			absent, len(got.Points), got.FromIndex, got.FromSnapshots, len(ids))
	}
}

// Every district's series of one listing has the same snapshots, so their
// metadata is read and decoded once per listing and the points of
// different districts share it; a new listing (a rebuilt date) reads it
// again (TestHistoryDistrictInStaleListing checks the answers then).
func TestHistoryMetadataOncePerListing(t *testing.T) {
	ctx := context.Background()
	st, _, w := builtHistoryWorld(t)
	h := toaststats.NewHistory(st, nil)
	dids := w.Districts(w.Newest())
	a, b := sameHistory(t, st, h, dids[0]), sameHistory(t, st, h, dids[1])
	if len(a.Points) == 0 || len(a.Points) != len(b.Points) {
		t.Fatalf("%d and %d points", len(a.Points), len(b.Points))
	}
	for i := range a.Points {
		pa, pb := a.Points[i].Metadata.SuccessfulDistricts, b.Points[i].Metadata.SuccessfulDistricts
		if a.Points[i].Date != b.Points[i].Date || len(pa) == 0 || unsafe.SliceData(pa) != unsafe.SliceData(pb) {
			t.Fatalf("%s: the two districts' points do not share their snapshot's metadata", a.Points[i].Date)
		}
	}
	// A History of its own reads its own.
	c, err := toaststats.NewHistory(st, nil).District(ctx, dids[0])
	if err != nil {
		t.Fatal(err)
	}
	if unsafe.SliceData(c.Points[0].Metadata.SuccessfulDistricts) == unsafe.SliceData(a.Points[0].Metadata.SuccessfulDistricts) {
		t.Fatal("two Histories share decoded metadata")
	}
}

// Warm reads the listing's snapshot metadata ahead of the first district's
// answer: once warmed, the answers no longer need the snapshots logs (here
// removed after the warm-up), while a History that was not warmed has to
// read every date from its snapshot without them. The answers are the
// snapshots' either way.
func TestHistoryWarm(t *testing.T) {
	ctx := context.Background()
	st, dir, w := builtHistoryWorld(t)
	did := w.Districts(w.Newest())[0]
	h := toaststats.NewHistory(st, nil)
	l, err := h.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Warm(ctx, l); err != nil {
		t.Fatal(err)
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "history", "*", "snapshots.log"))
	if len(logs) != 2 {
		t.Fatalf("snapshots logs %v", logs)
	}
	for _, f := range logs {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	got, err := h.DistrictIn(ctx, l, did)
	if err != nil {
		t.Fatal(err)
	}
	if got.FromSnapshots != 0 || got.FromIndex == 0 {
		t.Fatalf("warmed: %d from the index, %d from snapshots; want all from the index", got.FromIndex, got.FromSnapshots)
	}
	cold := sameHistory(t, st, toaststats.NewHistory(st, nil), did)
	if cold.FromIndex != 0 || cold.FromSnapshots == 0 {
		t.Fatalf("not warmed, without the logs: %d from the index, %d from snapshots", cold.FromIndex, cold.FromSnapshots)
	}
	gb, _ := json.Marshal(got.Points)
	cb, _ := json.Marshal(cold.Points)
	if string(gb) != string(cb) {
		t.Fatal("the warmed answer differs from the snapshots'")
	}
}

// Reindex encodes the districts a batch at a time, but the snapshot record
// it writes lists every district of the snapshot: a district past the
// first batch whose own log is then lost falls back to the snapshots (it
// used to get no points at all).
func TestReindexListsEveryDistrictOfASnapshot(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := toaststats.CreateStore(dir, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	// More districts than a reindex batch (16).
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 20, ClubsPerDistrict: 3, Seed: 5, From: "2025-11-17", To: "2025-11-19"})
	buildWorldDates(t, st, w, clock)
	h := toaststats.NewHistory(st, nil)
	if _, err := h.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if probs, err := h.Verify(ctx); err != nil || len(probs) != 0 {
		t.Fatalf("verify after reindex: %+v %v", probs, err)
	}
	cur, err := st.Snapshots().Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := cur.DistrictIDs()
	if len(ids) != 20 {
		t.Fatalf("%d districts, want 20", len(ids))
	}
	snaps, err := st.Snapshots().IDs(ctx)
	if err != nil || len(snaps) < 2 {
		t.Fatalf("snapshots %v (%v), want at least 2", snaps, err)
	}
	for _, did := range []string{ids[0], ids[19]} {
		if err := os.Remove(filepath.Join(dir, "history", "2025-2026", "district_"+did+".log")); err != nil {
			t.Fatal(err)
		}
		got := sameHistory(t, st, h, did)
		if len(got.Points) != len(snaps) || got.FromSnapshots != len(snaps) {
			t.Fatalf("district %s without its log: %d points (%d from snapshots), want %d from snapshots",
				did, len(got.Points), got.FromSnapshots, len(snaps))
		}
	}
}
