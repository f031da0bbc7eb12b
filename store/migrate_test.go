package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"strings"
	"sync"
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

	// Asked for (the folder named without its "/"), the source's older
	// snapshot replaces the destination's (as a newer one would: manifest
	// removed first), and only it.
	rep, err = Migrate(ctx, src.Objects(), dst.Objects(), MigrateOptions{TakeSource: []string{"snapshots/2026-01-05"}})
	must(t, err)
	for _, k := range rep.Kept {
		if k.Key == "snapshots/2026-01-05/" {
			t.Errorf("taken from the source, yet kept: %+v", k)
		}
	}
	if len(rep.Kept) == 0 || len(rep.Problems) != 0 {
		t.Errorf("with TakeSource: %+v", rep)
	}
	if v, err := dst.Snapshots().GetFresh(ctx, "2026-01-05"); err != nil || len(v.Manifest.Districts) != 2 {
		t.Errorf("destination's snapshot after taking the source's: %v %v", v, err)
	}
	if b, err := dst.Raw().Get(ctx, "2026-01-05", "61", ReportClub); err != nil || string(b) != "new collection\n" {
		t.Errorf("raw report at the destination: %q %v", b, err)
	}
	rc, err = dst.Snapshots().Check(ctx)
	must(t, err)
	if !rc.Healthy {
		t.Fatalf("destination unhealthy after taking the source's snapshot: %+v", rc)
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

// assessmentRecord is a month's assessment as package assess stores it
// (the fields Migrate compares: updatedAt; notes tell the copies apart).
func assessmentRecord(month, notes string, updated time.Time) []byte {
	return mustJSON(map[string]any{"districtId": "42", "month": month, "programYear": "2025-2026", "snapshotId": month + "-28",
		"actuals": map[string]int{"membershipPayments": 1234}, "goals": nil, "notes": notes,
		"createdAt": time.Date(2025, 8, 1, 9, 0, 0, 0, time.UTC), "updatedAt": updated})
}

// An operator's configuration and assessments at the destination are not
// replaced by a migration from an older disk: a configuration file that
// differs is kept, an assessment record is kept unless the source's was
// updated later, and each is listed with why. What the destination lacks
// is copied, identical files are skipped, and TakeSource takes the
// source's version of what was kept.
func TestMigrateKeepsDestinationConfigurationAndAssessments(t *testing.T) {
	ctx := context.Background()
	src, dst := migratePair(t)
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 12, 0, 0, 0, time.UTC) }
	_, err := src.Config().Replace(ctx, []string{"42", "61", "F"}, "old-disk")
	must(t, err)
	_, err = dst.Config().Replace(ctx, []string{"42"}, "operator")
	must(t, err)
	goals := []byte(`{"districtId":"42","programYear":"2025-2026","paidClubsTarget":10,"updatedAt":"2025-07-05T00:00:00Z","updatedBy":"api:x"}`)
	files := map[string]struct{ src, dst []byte }{
		// The destination's was updated after the source's: kept.
		"assessments/42/month-2025-07.json": {assessmentRecord("2025-07", "disk", day(8, 1)), assessmentRecord("2025-07", "bucket, later", day(8, 15))},
		// The source's was updated after the destination's: copied.
		"assessments/42/month-2025-08.json": {assessmentRecord("2025-08", "disk, later", day(9, 10)), assessmentRecord("2025-08", "bucket", day(9, 1))},
		// Updated at the same time, yet different: which is newer cannot be told, kept.
		"assessments/42/month-2025-09.json": {assessmentRecord("2025-09", "disk", day(10, 1)), assessmentRecord("2025-09", "bucket", day(10, 1))},
		// The same bytes on both: skipped.
		"assessments/42/goals-2025-2026.json": {goals, goals},
		// Only in the source: copied.
		"assessments/61/month-2025-07.json": {assessmentRecord("2025-07", "disk only", day(8, 2)), nil},
	}
	for k, f := range files {
		must(t, src.Objects().Write(ctx, k, f.src))
		if f.dst != nil {
			must(t, dst.Objects().Write(ctx, k, f.dst))
		}
	}
	before := dataDigest(t, dst)
	srcDigest := dataDigest(t, src)

	rep, err := Migrate(ctx, src.Objects(), dst.Objects(), MigrateOptions{})
	must(t, err)
	if len(rep.Problems) != 0 {
		t.Fatalf("problems: %+v", rep.Problems)
	}
	after := dataDigest(t, dst)
	for k, want := range map[string]string{
		"config/districts.json":               before["config/districts.json"],
		"config/district-changes.log":         before["config/district-changes.log"],
		"assessments/42/month-2025-07.json":   before["assessments/42/month-2025-07.json"],
		"assessments/42/month-2025-08.json":   srcDigest["assessments/42/month-2025-08.json"],
		"assessments/42/month-2025-09.json":   before["assessments/42/month-2025-09.json"],
		"assessments/42/goals-2025-2026.json": before["assessments/42/goals-2025-2026.json"],
		"assessments/61/month-2025-07.json":   srcDigest["assessments/61/month-2025-07.json"],
	} {
		if after[k] != want || want == "" {
			t.Errorf("%s: sha256 %.12s after the migration, want %.12s (before %.12s, source %.12s)", k, after[k], want, before[k], srcDigest[k])
		}
	}
	if ids, _, err := dst.Config().Load(ctx); err != nil || strings.Join(ids, ",") != "42" {
		t.Errorf("destination's districts = %v %v, want the operator's 42", ids, err)
	}
	kept := map[string]string{}
	for _, k := range rep.Kept {
		kept[k.Key] = k.Reason
	}
	for k, want := range map[string]string{
		"config/districts.json":             "the destination's configuration differs from the source's: it tracks 42 (changed ",
		"config/district-changes.log":       "the destination's configuration differs from the source's",
		"assessments/42/month-2025-07.json": "the destination's was updated 2025-08-15T12:00:00Z, after the source's (2025-08-01T12:00:00Z)",
		"assessments/42/month-2025-09.json": "the destination's differs from the source's, both updated 2025-10-01T12:00:00Z",
	} {
		if !strings.HasPrefix(kept[k], want) {
			t.Errorf("kept %s: %q, want %q…", k, kept[k], want)
		}
	}
	if !strings.Contains(kept["config/districts.json"], "the source 42, 61, F (changed ") || len(kept) != 4 {
		t.Errorf("kept = %v, want the 4 above", kept)
	}

	// A name that is nothing of the source is refused before anything is
	// copied.
	before = dataDigest(t, dst)
	if _, err := Migrate(ctx, src.Objects(), dst.Objects(), MigrateOptions{TakeSource: []string{"config/", "assessments/99/"}}); !errors.Is(err, ErrNotInSource) {
		t.Fatalf("TakeSource naming nothing of the source: %v, want ErrNotInSource", err)
	}
	if !maps.Equal(before, dataDigest(t, dst)) {
		t.Fatal("a refused migration changed the destination")
	}
	// The operator asks for the source's configuration and one assessment.
	rep, err = Migrate(ctx, src.Objects(), dst.Objects(), MigrateOptions{TakeSource: []string{"config/", "assessments/42/month-2025-07.json"}})
	must(t, err)
	after = dataDigest(t, dst)
	for _, k := range []string{"config/districts.json", "config/district-changes.log", "assessments/42/month-2025-07.json"} {
		if after[k] != srcDigest[k] {
			t.Errorf("%s not taken from the source", k)
		}
	}
	if len(rep.Kept) != 1 || rep.Kept[0].Key != "assessments/42/month-2025-09.json" || len(rep.Problems) != 0 || rep.Copied != 3 {
		t.Errorf("with TakeSource: %+v", rep)
	}
	if ids, _, err := dst.Config().Load(ctx); err != nil || strings.Join(ids, ",") != "42,61,F" {
		t.Errorf("destination's districts = %v %v, want the source's", ids, err)
	}
}

// interposed is a destination at which another writer's request lands
// right after Migrate first reads the record key there, before Migrate
// writes it: the function between runs once, when that read returns.
type interposed struct {
	Objects
	key     string
	once    sync.Once
	between func()
}

func (d *interposed) after(key string) {
	if key == d.key {
		d.once.Do(d.between)
	}
}

func (d *interposed) Read(ctx context.Context, key string) ([]byte, error) {
	b, err := d.Objects.Read(ctx, key)
	d.after(key)
	return b, err
}

// interposedDir keeps the local directory's capabilities that the
// compare-and-swap uses (Locker, ExclusiveCreator).
type interposedDir struct{ *interposed }

func (d interposedDir) Lock(ctx context.Context, name string) (func(), error) {
	return d.Objects.(Locker).Lock(ctx, name)
}

func (d interposedDir) CreateExclusive(ctx context.Context, key string, data []byte) (bool, error) {
	return d.Objects.(ExclusiveCreator).CreateExclusive(ctx, key, data)
}

// interposedBucket keeps object storage's (ConditionalWriter, and the
// lease for DeleteVersioned).
type interposedBucket struct{ *interposed }

func (d interposedBucket) ReadVersion(ctx context.Context, key string) ([]byte, string, error) {
	b, v, err := d.Objects.(ConditionalWriter).ReadVersion(ctx, key)
	d.after(key)
	return b, v, err
}

func (d interposedBucket) WriteIfVersion(ctx context.Context, key string, data []byte, version string) (bool, error) {
	return d.Objects.(ConditionalWriter).WriteIfVersion(ctx, key, data, version)
}

func (d interposedBucket) Lock(ctx context.Context, name string) (func(), error) {
	return d.Objects.(Locker).Lock(ctx, name)
}

func (d interposedBucket) LockLease(ctx context.Context, name string) (context.Context, func(context.Context) error, func(), error) {
	return d.Objects.(LeaseLocker).LockLease(ctx, name)
}

// interpose returns objs with between run right after the first read of
// key.
func interpose(objs Objects, key string, between func()) Objects {
	in := &interposed{Objects: objs, key: key, between: between}
	if _, ok := objs.(ConditionalWriter); ok {
		return interposedBucket{in}
	}
	return interposedDir{in}
}

// A server writes a goals or assessment record at the destination (through
// its own handle, as another process or host does) right after Migrate
// compared the destination's copy with the source's and before Migrate
// writes: its write is never undone. An update that makes the
// destination's newer is kept, a record created where there was none is
// kept, a delete stays a delete, and each is listed as kept with why.
// Before Migrate wrote by compare-and-swap, it wrote the source's copy
// over the server's write (a PUT or POST answered 200 or 201 was lost,
// and a deleted assessment came back).
func TestMigrateDuringServerWrites(t *testing.T) {
	ctx := context.Background()
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 12, 0, 0, 0, time.UTC) }
	const key = "assessments/42/month-2025-08.json"
	fromServer := assessmentRecord("2025-08", "server, during the migration", day(9, 20))
	for _, tc := range []struct {
		name string
		dst  []byte // before; nil: none
		// server is the server's request, through its own handle.
		server func(objs Objects) error
		want   []byte // after; nil: none
		kept   string // the reason listed
		take   bool   // MigrateOptions.TakeSource names key
	}{
		{"PUT", assessmentRecord("2025-08", "bucket", day(9, 1)), func(objs Objects) error {
			_, version, err := ReadVersion(ctx, objs, key)
			if err != nil {
				return err
			}
			if ok, err := WriteIfVersion(ctx, objs, key, fromServer, version); !ok || err != nil {
				return fmt.Errorf("the server's update: %v, %v", ok, err)
			}
			return nil
		}, fromServer, "the destination's was updated 2025-09-20T12:00:00Z, after the source's (2025-09-10T12:00:00Z)", false},
		{"POST", nil, func(objs Objects) error {
			if ok, err := CreateExclusive(ctx, objs, key, fromServer); !ok || err != nil {
				return fmt.Errorf("the server's create: %v, %v", ok, err)
			}
			return nil
		}, fromServer, "the destination's was updated 2025-09-20T12:00:00Z, after the source's (2025-09-10T12:00:00Z)", false},
		{"DELETE", assessmentRecord("2025-08", "bucket", day(9, 1)), func(objs Objects) error {
			if removed, err := DeleteVersioned(ctx, objs, key); !removed || err != nil {
				return fmt.Errorf("the server's delete: %v, %v", removed, err)
			}
			return nil
		}, nil, "the destination's was deleted while migrate ran", false},
		// Asked for, the source's copy replaces the server's update, but
		// only after comparing with it (a write against its version).
		{"PUT, taking the source's", assessmentRecord("2025-08", "bucket", day(9, 1)), func(objs Objects) error {
			_, version, err := ReadVersion(ctx, objs, key)
			if err != nil {
				return err
			}
			if ok, err := WriteIfVersion(ctx, objs, key, fromServer, version); !ok || err != nil {
				return fmt.Errorf("the server's update: %v, %v", ok, err)
			}
			return nil
		}, assessmentRecord("2025-08", "disk, later", day(9, 10)), "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := Create(t.TempDir(), Options{})
			must(t, err)
			defer src.Close()
			loc := testLocation(t)
			dst, err := Create(loc, Options{})
			must(t, err)
			defer dst.Close()
			server, err := Open(loc, Options{})
			must(t, err)
			defer server.Close()
			fromSource := assessmentRecord("2025-08", "disk, later", day(9, 10))
			must(t, src.Objects().Write(ctx, key, fromSource))
			must(t, src.Objects().Write(ctx, "assessments/42/goals-2025-2026.json", []byte(`{"updatedAt":"2025-07-05T00:00:00Z"}`)))
			if tc.dst != nil {
				must(t, dst.Objects().Write(ctx, key, tc.dst))
			}
			served := 0
			to := interpose(dst.Objects(), key, func() {
				served++
				if err := tc.server(server.Objects()); err != nil {
					t.Error(err)
				}
			})
			var opts MigrateOptions
			if tc.take {
				opts.TakeSource = []string{key}
			}
			rep, err := Migrate(ctx, src.Objects(), to, opts)
			must(t, err)
			if served != 1 {
				t.Fatalf("the server's request ran %d times", served)
			}
			got, err := dst.Objects().Read(ctx, key)
			switch {
			case tc.want == nil && !errors.Is(err, fs.ErrNotExist):
				t.Fatalf("deleted by the server during the migration, and there again after it: %s (%v)", got, err)
			case tc.want != nil && string(got) != string(tc.want):
				t.Fatalf("after the migration the destination holds %s (%v), want %s", got, err, tc.want)
			}
			var kept []string
			for _, k := range rep.Kept {
				kept = append(kept, k.Key+": "+k.Reason)
			}
			switch {
			case tc.kept == "" && len(kept) != 0:
				t.Fatalf("kept %q, want nothing", kept)
			case tc.kept != "" && (len(kept) != 1 || !strings.HasPrefix(kept[0], key+": "+tc.kept)):
				t.Fatalf("kept %q, want %s: %s…", kept, key, tc.kept)
			}
			wantCopied := 1 // the goals
			if tc.take {
				wantCopied++
			}
			if len(rep.Problems) != 0 || rep.Copied != wantCopied || rep.Copied+rep.Skipped != rep.Objects {
				t.Fatalf("report %+v, want %d copied, the rest skipped", rep, wantCopied)
			}
		})
	}
}
