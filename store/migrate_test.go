package store

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// The predecessor's data directory migrates to the test backend and back,
// byte for byte; checksums are verified, a rerun skips what is there, an
// interrupted run is finished by the next, and a damaged raw file is
// reported (and still copied).
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
	// New: metadata, manifest, 2 districts, rankings; changed: current.json
	// and the damaged file. Verified: 5 raw files (4 good + the damaged one
	// fails) -> 4, plus the 3 new snapshot files = 7.
	if rep.Objects != 25 || rep.Copied != 6 || rep.Skipped != 18 || rep.Verified != 7 ||
		len(rep.Problems) != 1 || rep.Problems[0].Key != "raw-csv/2026-01-05/district-F/club-performance.csv" {
		t.Fatalf("second run = %+v", rep)
	}
	if b, _ := dst.Objects().Read(ctx, "raw-csv/2026-01-05/district-F/club-performance.csv"); string(b) != "damaged\n" {
		t.Fatalf("damaged file not copied verbatim: %q", b)
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
	if !maps.Equal(dataDigest(t, src), dataDigest(t, back)) {
		t.Fatal("round trip differs from the source")
	}
}

// dataDigest is objectsDigest without lock files.
func dataDigest(t *testing.T, st *Store) map[string]string {
	d := objectsDigest(t, st)
	maps.DeleteFunc(d, func(k, _ string) bool { return strings.HasPrefix(k, ".locks/") })
	return d
}
