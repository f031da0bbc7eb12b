package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

func publish(t *testing.T, ss *SnapshotStore, id string, status snapshot.Status) {
	t.Helper()
	if err := ss.Publish(context.Background(), makeSnapshot(id, status, 3, 4)); err != nil {
		t.Fatalf("publish %s: %v", id, err)
	}
}

func pointerID(t *testing.T, ss *SnapshotStore) string {
	t.Helper()
	p, err := ss.Pointer(context.Background())
	if err != nil {
		return ""
	}
	return p.SnapshotID
}

func TestPointerRules(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	ss := st.Snapshots()
	publish(t, ss, "2025-10-05", snapshot.StatusPartial)
	if got := pointerID(t, ss); got != "" {
		t.Fatalf("partial moved pointer to %q", got)
	}
	if _, err := ss.Current(ctx); !errors.Is(err, ErrNoSnapshot) {
		t.Fatalf("Current with only a partial snapshot: %v", err)
	}
	publish(t, ss, "2025-10-05", snapshot.StatusSuccess) // success replaces partial
	if got := pointerID(t, ss); got != "2025-10-05" {
		t.Fatalf("pointer = %q", got)
	}
	publish(t, ss, "2025-10-03", snapshot.StatusSuccess) // older: pointer stays
	if got := pointerID(t, ss); got != "2025-10-05" {
		t.Fatalf("older success moved pointer to %q", got)
	}
	publish(t, ss, "2025-10-07", snapshot.StatusFailed) // failed: stays
	if got := pointerID(t, ss); got != "2025-10-05" {
		t.Fatalf("failed moved pointer to %q", got)
	}
	// A failed rebuild never replaces a successful snapshot.
	err := ss.Publish(ctx, makeSnapshot("2025-10-05", snapshot.StatusFailed, 1, 1))
	if !errors.Is(err, ErrSuccessExists) {
		t.Fatalf("failed rebuild of a success: err = %v", err)
	}
	if v, err := ss.Get(ctx, "2025-10-05"); err != nil || v.Metadata.Status != snapshot.StatusSuccess || len(v.DistrictIDs()) != 3 {
		t.Fatalf("success snapshot after refused rebuild: %v %v", v, err)
	}
	// A broken pointer is replaced even by an older success.
	if err := st.Objects().Write(ctx, "current.json", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if v, err := ss.Current(ctx); err != nil || v.ID != "2025-10-05" {
		t.Fatalf("Current with broken pointer should fall back to newest success: %v %v", v, err)
	}
	publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
	if got := pointerID(t, ss); got != "2025-10-01" {
		t.Fatalf("broken pointer not replaced: %q", got)
	}
	// Rebuild of the current id with success: pointer stays, content changes.
	snap := makeSnapshot("2025-10-01", snapshot.StatusSuccess, 5, 2)
	if err := ss.Publish(ctx, snap); err != nil {
		t.Fatal(err)
	}
	v, err := ss.Current(ctx)
	if err != nil || v.ID != "2025-10-01" || len(v.DistrictIDs()) != 5 {
		t.Fatalf("after rebuild: %v %v", v, err)
	}
	if err := ss.Delete(ctx, "2025-10-01"); !errors.Is(err, ErrSnapshotIsCurrent) {
		t.Fatalf("delete current: %v", err)
	}
	if err := ss.Delete(ctx, "2025-10-03"); err != nil {
		t.Fatal(err)
	}
	if ss.Exists(ctx, "2025-10-03") {
		t.Fatal("deleted snapshot still exists")
	}
	if err := ss.Delete(ctx, "2025-10-03"); !errors.Is(err, ErrSnapshotNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if _, err := ss.Get(ctx, "../current"); !errors.Is(err, ErrSnapshotNotFound) {
		t.Fatalf("hostile id: %v", err)
	}
}

// damage applies one kind of corruption to snapshot id's folder.
type damage struct {
	name  string
	apply func(t *testing.T, st *Store, dir string)
}

var damages = []damage{
	{"missing district file", func(t *testing.T, st *Store, dir string) {
		must(t, st.Objects().Delete(context.Background(), dir+"district_2.json"))
	}},
	{"truncated district file", func(t *testing.T, st *Store, dir string) {
		p := dir + "district_1.json"
		b, _ := st.Objects().Read(context.Background(), p)
		must(t, st.Objects().Write(context.Background(), p, b[:len(b)/2]))
	}},
	{"same size, different bytes", func(t *testing.T, st *Store, dir string) {
		p := dir + "all-districts-rankings.json"
		b, _ := st.Objects().Read(context.Background(), p)
		b[len(b)/2] ^= 0x20
		must(t, st.Objects().Write(context.Background(), p, b))
	}},
	{"manifest does not parse", func(t *testing.T, st *Store, dir string) {
		must(t, st.Objects().Write(context.Background(), dir+"manifest.json", []byte(`{"snapshotId":`)))
	}},
	{"metadata missing", func(t *testing.T, st *Store, dir string) {
		must(t, st.Objects().Delete(context.Background(), dir+"metadata.json"))
	}},
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCheckAndRecover(t *testing.T) {
	ctx := context.Background()
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			st := openTest(t, Options{})
			ss := st.Snapshots()
			publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
			publish(t, ss, "2025-10-02", snapshot.StatusPartial)
			publish(t, ss, "2025-10-03", snapshot.StatusSuccess)
			rep, err := ss.Check(ctx)
			must(t, err)
			if !rep.Healthy || rep.NewestSuccess != "2025-10-03" {
				t.Fatalf("fresh store unhealthy: %+v", rep)
			}
			d.apply(t, st, "snapshots/2025-10-03/")
			rep, err = ss.Check(ctx)
			must(t, err)
			if rep.Healthy || !slices.Equal(rep.Corrupted, []string{"2025-10-03"}) || rep.Pointer.Valid || rep.NewestSuccess != "2025-10-01" {
				t.Fatalf("check after damage: %+v", rep)
			}
			// Readers fall back to the newest complete success at once when
			// the damage shows without hashing (the pointer check looks at
			// sizes); otherwise the damaged file's read reports it.
			if d.name == "same size, different bytes" {
				v, err := ss.Current(ctx)
				must(t, err)
				var ce *ChecksumError
				if _, err := v.Rankings(ctx); !errors.As(err, &ce) {
					t.Fatalf("rankings of damaged snapshot: %v", err)
				}
			} else if v, err := ss.Current(ctx); err != nil || v.ID != "2025-10-01" {
				t.Fatalf("Current after damage: %v %v", v, err)
			}
			rr, err := ss.Recover(ctx)
			must(t, err)
			if !rr.Recovered || !rr.After.Healthy || rr.BackupDir == "" {
				t.Fatalf("recover: %+v", rr)
			}
			var acts []string
			for _, a := range rr.Actions {
				acts = append(acts, a.Action+":"+a.SnapshotID)
			}
			if !slices.Equal(acts, []string{"quarantine:2025-10-03", "repoint:2025-10-01"}) {
				t.Fatalf("actions = %v", acts)
			}
			if got := pointerID(t, ss); got != "2025-10-01" {
				t.Fatalf("pointer = %q", got)
			}
			// Quarantined, not deleted; backup has the old pointer.
			var q []string
			qs, _ := st.Objects().List(ctx, "quarantine/")
			for _, k := range qs {
				if strings.HasPrefix(k, "quarantine/2025-10-03-") {
					q = append(q, k)
				}
			}
			if len(q) != 1 {
				t.Fatalf("quarantine = %v", q)
			}
			b, err := st.Objects().Read(ctx, rr.BackupDir+"current.json")
			if err != nil || !strings.Contains(string(b), "2025-10-03") {
				t.Fatalf("backup current.json = %s %v", b, err)
			}
			var inv map[string]any
			b, _ = st.Objects().Read(ctx, rr.BackupDir+"snapshot-inventory.json")
			if json.Unmarshal(b, &inv) != nil || inv["snapshotCount"] != float64(3) {
				t.Fatalf("inventory = %s", b)
			}
			// A second recovery finds nothing to do and writes no backup.
			rr2, err := ss.Recover(ctx)
			must(t, err)
			if len(rr2.Actions) != 0 || rr2.BackupDir != "" || !rr2.Recovered {
				t.Fatalf("second recover: %+v", rr2)
			}
			backups, _ := st.Objects().List(ctx, "recovery-backups/")
			if len(backups) != 1 {
				t.Fatalf("%d backup dirs", len(backups))
			}
		})
	}
}

func TestRecoverWithNoSuccessRemovesPointer(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	ss := st.Snapshots()
	publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
	must(t, st.Objects().Delete(ctx, "snapshots/2025-10-01/district_1.json"))
	rr, err := ss.Recover(ctx)
	must(t, err)
	if !rr.Recovered || len(rr.Actions) != 2 || rr.Actions[1].Action != "remove-pointer" {
		t.Fatalf("recover: %+v", rr.Actions)
	}
	if _, err := ss.Current(ctx); !errors.Is(err, ErrNoSnapshot) {
		t.Fatalf("Current = %v", err)
	}
}

func TestCorruptFileReadIsReported(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{CacheTTL: -1})
	ss := st.Snapshots()
	publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
	v, err := ss.Current(ctx)
	must(t, err)
	p := "snapshots/2025-10-01/district_2.json"
	b, _ := st.Objects().Read(ctx, p)
	b[10] ^= 1
	must(t, st.Objects().Write(ctx, p, b))
	_, err = v.District(ctx, "2")
	var ce *ChecksumError
	if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) || ce.Key != "snapshots/2025-10-01/district_2.json" ||
		!strings.HasPrefix(ce.Want, "crc32c:") || !strings.HasPrefix(ce.Got, "crc32c:") || ce.Want == ce.Got {
		t.Fatalf("err = %v", err)
	}
	if _, err := st.Objects().Read(ctx, p); err != nil {
		t.Fatal("corrupt file was removed by a read")
	}
}

func TestRetention(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)
	st := openTest(t, Options{Now: func() time.Time { return now }})
	ss := st.Snapshots()
	ids := []string{"2025-09-01", "2025-09-02", "2025-10-01", "2025-11-01", "2025-12-20", "2025-12-30"}
	for _, id := range ids {
		publish(t, ss, id, snapshot.StatusSuccess)
	}
	publish(t, ss, "2025-12-31", snapshot.StatusFailed)
	rep, err := ss.Retain(ctx, RetentionPolicy{MaxCount: 2, MaxAge: 30 * 24 * time.Hour, DryRun: true})
	must(t, err)
	if !rep.DryRun || !slices.Equal(rep.Deleted, []string{"2025-11-01", "2025-10-01", "2025-09-02", "2025-09-01"}) {
		t.Fatalf("dry run = %+v", rep)
	}
	if !ss.Exists(ctx, "2025-09-01") {
		t.Fatal("dry run deleted")
	}
	// Point current at an old snapshot: it must survive.
	must(t, st.Objects().Write(ctx, "current.json", []byte(`{"snapshot_id":"2025-09-02"}`)))
	rep, err = ss.Retain(ctx, RetentionPolicy{MaxCount: 2, MaxAge: 30 * 24 * time.Hour})
	must(t, err)
	if !slices.Equal(rep.Deleted, []string{"2025-11-01", "2025-10-01", "2025-09-01"}) ||
		!slices.Equal(rep.Protected, []string{"2025-12-30", "2025-09-02"}) {
		t.Fatalf("retain = %+v", rep)
	}
	list, err := ss.List(ctx, ListFilter{})
	must(t, err)
	var left []string
	for _, e := range list {
		left = append(left, e.SnapshotID)
	}
	if !slices.Equal(left, []string{"2025-12-31", "2025-12-30", "2025-12-20", "2025-09-02"}) {
		t.Fatalf("left = %v", left)
	}
}

func TestListFilters(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	ss := st.Snapshots()
	for i, id := range []string{"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04"} {
		s := makeSnapshot(id, []snapshot.Status{snapshot.StatusSuccess, snapshot.StatusFailed}[i%2], i+1, 2)
		s.Metadata.Errors = make([]string, i)
		if i == 3 {
			s.Metadata.SchemaVersion = "9.9.9"
		}
		must(t, ss.Publish(ctx, s))
	}
	at := func(id string) time.Time { t0, _ := time.Parse(time.DateOnly, id); return t0 }
	cases := []struct {
		f    ListFilter
		want []string
	}{
		{ListFilter{}, []string{"2025-10-04", "2025-10-03", "2025-10-02", "2025-10-01"}},
		{ListFilter{Status: snapshot.StatusSuccess}, []string{"2025-10-03", "2025-10-01"}},
		{ListFilter{SchemaVersion: "9.9.9"}, []string{"2025-10-04"}},
		{ListFilter{CalculationVersion: snapshot.CalculationVersion, Limit: 2}, []string{"2025-10-04", "2025-10-03"}},
		{ListFilter{CreatedAfter: at("2025-10-02"), CreatedBefore: at("2025-10-04")}, []string{"2025-10-03", "2025-10-02"}},
		{ListFilter{MinDistrictCount: 3}, []string{"2025-10-04", "2025-10-03"}},
	}
	for _, c := range cases {
		got, err := ss.List(ctx, c.f)
		must(t, err)
		var ids []string
		for _, e := range got {
			ids = append(ids, e.SnapshotID)
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("List(%+v) = %v, want %v", c.f, ids, c.want)
		}
	}
	got, _ := ss.List(ctx, ListFilter{Limit: 1})
	if got[0].ErrorCount != 3 || got[0].DistrictCount != 4 || got[0].SizeBytes <= 0 {
		t.Fatalf("entry = %+v", got[0])
	}
}

func TestCacheInvalidationAndStats(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{CacheTTL: time.Hour, MaxCacheBytes: 1 << 20})
	ss := st.Snapshots()
	must(t, ss.Publish(ctx, markedSnapshot("2025-10-01", "first", 3)))
	v, err := ss.Current(ctx)
	must(t, err)
	ss.ResetStats()
	for i := 0; i < 5; i++ {
		df, err := v.District(ctx, "1")
		if err != nil || df.DistrictName != "first" {
			t.Fatalf("read: %v %v", df, err)
		}
	}
	s := ss.Stats()
	if s.Reads != 5 || s.CacheMisses != 1 || s.CacheHits != 4 || s.MaxReadTime <= 0 || s.AverageReadTime <= 0 || s.CachedBytes <= 0 || s.MaxConcurrentReads != 1 {
		t.Fatalf("stats = %+v", s)
	}
	// Publishing a rebuild invalidates at once, whatever the TTL.
	must(t, ss.Publish(ctx, markedSnapshot("2025-10-01", "second", 3)))
	v2, err := ss.Current(ctx)
	must(t, err)
	if df, err := v2.District(ctx, "1"); err != nil || df.DistrictName != "second" {
		t.Fatalf("after publish: %v %v", df, err)
	}
	// Shared decoded values are per generation too.
	sh1, err := v2.DistrictShared(ctx, "1")
	must(t, err)
	sh2, err := v2.DistrictShared(ctx, "1")
	if err != nil || sh1 != sh2 || sh1.DistrictName != "second" {
		t.Fatalf("shared: %p %p %v", sh1, sh2, err)
	}
	rs, err := v2.RankingsShared(ctx)
	if err != nil || rs.Metadata.SourceCsvDate != "second" {
		t.Fatalf("shared rankings: %v", err)
	}
	// The old view still reads its own generation.
	if df, err := v.District(ctx, "2"); err != nil || df.DistrictName != "first" {
		t.Fatalf("old view: %v %v", df, err)
	}
	// Listing and existence checks look in the cache too: they count as
	// reads, so hits and misses never outnumber reads (a hit rate over
	// 100 % in the admin performance route before).
	ss.ResetStats()
	for i := 0; i < 3; i++ {
		if l, err := ss.List(ctx, ListFilter{}); err != nil || len(l) != 1 {
			t.Fatalf("list: %v %v", l, err)
		}
		if !ss.Exists(ctx, "2025-10-01") {
			t.Fatal("exists")
		}
	}
	if s := ss.Stats(); s.Reads != 6 || s.CacheHits+s.CacheMisses != 6 {
		t.Fatalf("after 3 lists and 3 existence checks: %+v, want 6 reads, 6 hits and misses", s)
	}
	ss.ResetStats()
	if s := ss.Stats(); s.Reads != 0 || s.CacheHits != 0 {
		t.Fatalf("after reset: %+v", s)
	}
	if ss.Stats().CachedBytes == 0 {
		t.Fatal("nothing cached")
	}
	ss.FlushCache()
	if b := ss.Stats().CachedBytes; b != 0 {
		t.Fatalf("after flush %d bytes counted", b)
	}
}

func TestCacheMemoryBound(t *testing.T) {
	ctx := context.Background()
	const limit = 200 << 10
	st := openTest(t, Options{CacheTTL: time.Hour, MaxCacheBytes: limit})
	ss := st.Snapshots()
	must(t, ss.Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 20, 30)))
	v, err := ss.Current(ctx)
	must(t, err)
	for _, id := range v.DistrictIDs() {
		if _, err := v.District(ctx, id); err != nil {
			t.Fatal(err)
		}
		if b := ss.Stats().CachedBytes; b > limit {
			t.Fatalf("cache holds %d bytes, limit %d", b, limit)
		}
	}
	if ss.Stats().CachedBytes == 0 {
		t.Fatal("nothing cached")
	}
}
