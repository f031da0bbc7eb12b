package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// The predecessor's data directory migrates to the test backend and back,
// byte for byte; checksums are verified, a rerun skips what is there, an
// interrupted run is finished by the next, and a damaged raw file is
// reported (and never replaces the good copy the destination has).
func TestMigrateRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, err := Open(copyFixture(t, "predecessor"), Options{})
	must(t, err)
	defer src.Close()
	dst, err := Create(testLocation(t), Options{})
	must(t, err)
	defer dst.Close()

	// Interrupted after 7 objects (as if killed): the rerun finishes.
	cctx, cancel := context.WithCancel(ctx)
	rep, err := Migrate(cctx, src.Objects(), dst.Objects(), MigrateOptions{Parallel: 1, Progress: func(done, total int) {
		if done == 7 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || rep.Copied != 7 {
		t.Fatalf("interrupted run: %+v %v, want 7 copied and context.Canceled", rep, err)
	}
	if _, err := dst.Objects().Read(ctx, currentKey); err == nil {
		t.Fatal("current.json copied before the snapshots it names")
	}
	var last, total int
	rep, err = Migrate(ctx, src.Objects(), dst.Objects(), MigrateOptions{Progress: func(done, n int) { last, total = max(last, done), n }})
	must(t, err)
	// 20 files in the fixture; 5 raw files carry a sha256 in their date's
	// metadata.json (the predecessor's manifests carry none).
	if rep.Objects != 20 || rep.Skipped != 7 || rep.Copied != 13 || rep.Verified != 5 || len(rep.Problems) != 0 || last != 20 || total != 20 {
		t.Fatalf("resumed run = %+v (progress %d/%d)", rep, last, total)
	}
	if !maps.Equal(dataDigest(t, src), dataDigest(t, dst)) {
		t.Fatal("destination differs from the source")
	}
	rc, err := dst.Snapshots().Check(ctx)
	must(t, err)
	if !rc.Healthy {
		t.Fatalf("migrated store unhealthy: %+v", rc)
	}

	// A toaststats snapshot (sha256 in its manifest) and a damaged raw file.
	must(t, src.Snapshots().Publish(ctx, makeSnapshot("2026-01-06", snapshot.StatusSuccess, 2, 3)))
	must(t, src.Objects().Write(ctx, "raw-csv/2026-01-05/district-F/club-performance.csv", []byte("damaged\n")))
	rep, err = Migrate(ctx, src.Objects(), dst.Objects(), MigrateOptions{})
	must(t, err)
	// New: metadata, manifest, 2 districts, rankings; changed: current.json;
	// the damaged file is a problem, and not copied. Verified: 5 raw files (4 good + the damaged one
	// fails) -> 4, plus the 3 new snapshot files = 7.
	if rep.Objects != 25 || rep.Copied != 6 || rep.Skipped != 18 || rep.Verified != 7 ||
		len(rep.Problems) != 1 || rep.Problems[0].Key != "raw-csv/2026-01-05/district-F/club-performance.csv" {
		t.Fatalf("second run = %+v", rep)
	}
	if b, _ := dst.Objects().Read(ctx, "raw-csv/2026-01-05/district-F/club-performance.csv"); string(b) == "damaged\n" {
		t.Fatal("the destination's good copy was replaced by the damaged source file")
	}
	v, err := dst.Snapshots().Refresh(ctx)
	if err != nil || v.ID != "2026-01-06" {
		t.Fatalf("current of the destination: %v %v", v, err)
	}

	// And back to a fresh local directory.
	back, err := Create(t.TempDir(), Options{})
	must(t, err)
	defer back.Close()
	if _, err := Migrate(ctx, dst.Objects(), back.Objects(), MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(dataDigest(t, dst), dataDigest(t, back)) {
		t.Fatal("round trip differs from the source")
	}
}

// dataDigest is objectsDigest without lock files.
func dataDigest(t *testing.T, st *Store) map[string]string {
	d := objectsDigest(t, st)
	maps.DeleteFunc(d, func(k, _ string) bool { return strings.HasPrefix(k, ".locks/") })
	return d
}

// A source file that fails its recorded checksum is reported, and never
// replaces a destination copy that matches that checksum (the operator's
// good copy of the only copy of a dashboard report).
func TestMigrateKeepsGoodDestinationCopyOfDamagedSource(t *testing.T) {
	ctx := context.Background()
	src, dst := migratePair(t)
	const key = "raw-csv/2026-01-05/district-61/club-performance.csv"
	good := []byte("Club Number,Club Name\n1,One\n")
	must(t, src.Raw().Put(ctx, "2026-01-05", "61", ReportClub, good, PutInfo{Source: "test"}))
	if _, err := Migrate(ctx, src.Objects(), dst.Objects(), MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The source's copy rots; migrate runs again (a resumed run).
	must(t, src.Objects().Write(ctx, key, []byte("rotten\n")))
	rep, err := Migrate(ctx, src.Objects(), dst.Objects(), MigrateOptions{})
	must(t, err)
	if len(rep.Problems) != 1 || rep.Problems[0].Key != key {
		t.Fatalf("problems = %+v, want the damaged source file", rep.Problems)
	}
	if b, _ := dst.Objects().Read(ctx, key); string(b) != string(good) {
		t.Fatalf("destination's good copy replaced by the damaged source: %q", b)
	}
	if b, err := dst.Raw().Get(ctx, "2026-01-05", "61", ReportClub); err != nil || string(b) != string(good) {
		t.Fatalf("destination read: %q %v", b, err)
	}
}

// A destination that moved on (a server building on the bucket after the
// first migration) is never replaced by the source's older data when
// migrate runs again: not its current.json, not a snapshot rebuilt from a
// newer collection, not a raw date collected again.
func TestMigrateNeverReplacesNewerDestinationData(t *testing.T) {
	ctx := context.Background()
	src, dst := migratePair(t)
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	src.Raw().now = func() time.Time { return now }
	dst.Raw().now = func() time.Time { return now.Add(time.Hour) }
	must(t, src.Raw().Put(ctx, "2026-01-05", "61", ReportClub, []byte("old collection\n"), PutInfo{Source: "test"}))
	must(t, src.Snapshots().Publish(ctx, makeSnapshot("2026-01-05", snapshot.StatusSuccess, 2, 3)))
	if _, err := Migrate(ctx, src.Objects(), dst.Objects(), MigrateOptions{}); err != nil {
		t.Fatal(err)
	}

	// The destination moves on: the date is collected again, its snapshot
	// rebuilt from a newer collection, and a newer snapshot published.
	must(t, dst.Raw().Put(ctx, "2026-01-05", "61", ReportClub, []byte("new collection\n"), PutInfo{Source: "test"}))
	rebuilt := makeSnapshot("2026-01-05", snapshot.StatusSuccess, 3, 3)
	rebuilt.Metadata.CollectionDate = "2026-01-06"
	must(t, dst.Snapshots().Publish(ctx, rebuilt))
	must(t, dst.Snapshots().Publish(ctx, makeSnapshot("2026-01-07", snapshot.StatusSuccess, 2, 3)))
	before := dataDigest(t, dst)

	rep, err := Migrate(ctx, src.Objects(), dst.Objects(), MigrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 {
		t.Fatalf("problems: %+v", rep.Problems)
	}
	after := dataDigest(t, dst)
	for k, sum := range before {
		if after[k] != sum {
			t.Errorf("%s replaced by the source's older data", k)
		}
	}
	if len(rep.Kept) == 0 {
		t.Errorf("report does not say what it kept: %+v", rep)
	}
	if b, err := dst.Raw().Get(ctx, "2026-01-05", "61", ReportClub); err != nil || string(b) != "new collection\n" {
		t.Errorf("raw report at the destination: %q %v", b, err)
	}
	if v, err := dst.Snapshots().Refresh(ctx); err != nil || v.ID != "2026-01-07" {
		t.Errorf("destination's current: %v %v", v, err)
	}
	if v, err := dst.Snapshots().GetFresh(ctx, "2026-01-05"); err != nil || len(v.Manifest.Districts) != 3 {
		t.Errorf("destination's rebuilt snapshot: %v %v", v, err)
	}
	rc, err := dst.Snapshots().Check(ctx)
	must(t, err)
	if !rc.Healthy {
		t.Fatalf("destination unhealthy: %+v", rc)
	}
}

// A snapshot the source has newer replaces the destination's older
// generation, and at no point of the copy does the destination show the
// old manifest over new files (a reader would see a damaged snapshot).
func TestMigrateReplacesOlderSnapshotWithoutMixingGenerations(t *testing.T) {
	ctx := context.Background()
	src, dst := migratePair(t)
	must(t, dst.Snapshots().Publish(ctx, makeSnapshot("2026-01-05", snapshot.StatusSuccess, 3, 3)))
	newer := makeSnapshot("2026-01-05", snapshot.StatusSuccess, 3, 5)
	newer.Metadata.CollectionDate = "2026-01-06"
	must(t, src.Snapshots().Publish(ctx, newer))

	var mixed []string
	rep, err := Migrate(ctx, src.Objects(), dst.Objects(), MigrateOptions{Parallel: 1, Progress: func(done, total int) {
		if _, err := dst.Objects().Read(ctx, "snapshots/2026-01-05/"+manifestFile); err != nil {
			return // no manifest: no snapshot a reader can open
		}
		if c, _ := dst.Snapshots().CheckSnapshot(ctx, "2026-01-05"); !c.Complete {
			mixed = append(mixed, fmt.Sprintf("after %d/%d: %v", done, total, c.Problems))
		}
	}})
	must(t, err)
	if len(mixed) > 0 {
		t.Fatalf("the destination showed a mixed snapshot during the copy: %v", mixed)
	}
	if len(rep.Problems) != 0 || len(rep.Kept) != 0 {
		t.Fatalf("report = %+v", rep)
	}
	v, err := dst.Snapshots().GetFresh(ctx, "2026-01-05")
	if err != nil || v.Metadata.CollectionDate != "2026-01-06" {
		t.Fatalf("destination's snapshot: %v %v", v, err)
	}
	if c, _ := dst.Snapshots().CheckSnapshot(ctx, "2026-01-05"); !c.Complete {
		t.Fatalf("destination's snapshot after the copy: %+v", c)
	}
}

// migratePair creates a source data directory on disk and a destination
// on the backend under test, both closed when the test ends.
func migratePair(t *testing.T) (src, dst *Store) {
	t.Helper()
	src, err := Create(t.TempDir(), Options{})
	must(t, err)
	t.Cleanup(func() { src.Close() })
	dst, err = Create(testLocation(t), Options{})
	must(t, err)
	t.Cleanup(func() { dst.Close() })
	return src, dst
}
