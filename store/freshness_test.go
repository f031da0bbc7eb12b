package store

import (
	"context"
	"errors"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// A district file damaged on disk after it was cached is noticed on the
// next read (no restart, whatever the cache TTL), and answers ErrCorrupt.
func TestReadCacheNoticesChangedFile(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{FileCheckInterval: -1})
	ss := st.Snapshots()
	must(t, ss.Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 2, 3)))
	v, err := ss.Current(ctx)
	must(t, err)
	if _, err := v.DistrictShared(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := v.District(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := v.RankingsShared(ctx); err != nil && !errors.Is(err, ErrNoRankings) {
		t.Fatal(err)
	}
	// Served from the cache while unchanged.
	hits := ss.Stats().CacheHits
	if _, err := v.District(ctx, "1"); err != nil || ss.Stats().CacheHits != hits+1 {
		t.Fatalf("unchanged file not served from the cache: %v (hits %d -> %d)", err, hits, ss.Stats().CacheHits)
	}
	f := "snapshots/2025-10-01/" + DistrictFileName("1")
	must(t, st.Objects().Write(ctx, f, []byte(`{"damaged":true}`)))
	if _, err := v.DistrictShared(ctx, "1"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("DistrictShared after damage: err = %v, want ErrCorrupt", err)
	}
	if _, err := v.District(ctx, "1"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("District after damage: err = %v, want ErrCorrupt", err)
	}
	// The other district is untouched.
	if _, err := v.DistrictShared(ctx, "2"); err != nil {
		t.Fatalf("undamaged district: %v", err)
	}
	c, err := ss.CheckSnapshot(ctx, "2025-10-01")
	must(t, err)
	if c.Complete || len(c.Problems) != 1 {
		t.Fatalf("CheckSnapshot = %+v, want one problem", c)
	}
}

// A damaged file a read found is listed by Damaged until it reads well
// again; QuickCheck sees a changed size.
func TestDamagedFilesAreRemembered(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{FileCheckInterval: -1})
	ss := st.Snapshots()
	must(t, ss.Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 2, 3)))
	v, err := ss.Current(ctx)
	must(t, err)
	f := "snapshots/2025-10-01/" + DistrictFileName("2")
	good, err := st.Objects().Read(ctx, f)
	must(t, err)
	must(t, st.Objects().Write(ctx, f, []byte("{")))
	if _, err := v.DistrictShared(ctx, "2"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v", err)
	}
	d := ss.Damaged("2025-10-01")
	if len(d) != 1 || d[0].File != "snapshots/2025-10-01/"+DistrictFileName("2") || d[0].SnapshotID != "2025-10-01" {
		t.Fatalf("Damaged = %+v", d)
	}
	if len(ss.Damaged("2025-09-30")) != 0 {
		t.Fatal("Damaged of another snapshot is not empty")
	}
	if c, err := ss.QuickCheck(ctx, "2025-10-01"); err != nil || c.Complete {
		t.Fatalf("QuickCheck = %+v %v, want incomplete", c, err)
	}
	must(t, st.Objects().Write(ctx, f, good)) // repaired by hand
	if _, err := v.DistrictShared(ctx, "2"); err != nil {
		t.Fatalf("after repair: %v", err)
	}
	if d := ss.Damaged(""); len(d) != 0 {
		t.Fatalf("Damaged after repair = %+v", d)
	}
}
