package store

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// countingObjects is DirObjects that counts reads and stats of snapshot
// files other than the pointer, manifest and metadata.
type countingObjects struct {
	*DirObjects
	fileReads, fileStats, allStats atomic.Int64
}

func isSnapshotDataFile(key string) bool {
	return strings.HasPrefix(key, snapshotsPrefix) && !strings.HasSuffix(key, "/"+manifestFile) && !strings.HasSuffix(key, "/"+metadataFile)
}

func (o *countingObjects) Read(ctx context.Context, key string) ([]byte, error) {
	if isSnapshotDataFile(key) {
		o.fileReads.Add(1)
	}
	return o.DirObjects.Read(ctx, key)
}

func (o *countingObjects) Stat(ctx context.Context, key string) (int64, time.Time, error) {
	o.allStats.Add(1)
	if isSnapshotDataFile(key) {
		o.fileStats.Add(1)
	}
	return o.DirObjects.Stat(ctx, key)
}

// countingStore opens a store on a fresh directory through countingObjects.
func countingStore(t *testing.T) (string, *countingObjects, *SnapshotStore) {
	t.Helper()
	dir := t.TempDir()
	d, err := NewDirObjects(dir)
	must(t, err)
	objs := &countingObjects{DirObjects: d}
	st := OpenObjects(dir, objs, Options{})
	t.Cleanup(func() { st.Close() })
	return dir, objs, st.Snapshots()
}

// TestCurrentVerifiesAGenerationOnce: the pointer check after the first
// resolve stats three files (current.json, manifest.json, metadata.json)
// and reads or stats no snapshot data file; a new generation published by
// another process is verified once (one stat per data file) and then not
// again.
func TestCurrentVerifiesAGenerationOnce(t *testing.T) {
	ctx := context.Background()
	dir, objs, ss := countingStore(t)

	// Another process (a second Store on the same directory) publishes.
	other, err := Open(dir, Options{})
	must(t, err)
	defer other.Close()
	must(t, other.Snapshots().Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 4, 3)))

	v, err := ss.Current(ctx)
	must(t, err)
	if v.ID != "2025-10-01" {
		t.Fatalf("current = %s", v.ID)
	}
	// 4 district files + the rankings file were stat'ed once to verify.
	if n := objs.fileStats.Load(); n != 5 {
		t.Fatalf("first resolve stat'ed %d data files, want 4 districts + 1 rankings = 5", n)
	}
	objs.fileStats.Store(0)
	objs.allStats.Store(0)
	for i := 0; i < 3; i++ {
		if _, err := ss.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if r, s, all := objs.fileReads.Load(), objs.fileStats.Load(), objs.allStats.Load(); r != 0 || s != 0 || all != 9 {
		t.Fatalf("3 unchanged checks: %d data reads, %d data stats, %d stats; want 0, 0 and 3×3 = 9", r, s, all)
	}

	must(t, other.Snapshots().Publish(ctx, makeSnapshot("2025-10-02", snapshot.StatusSuccess, 4, 3)))
	v, err = ss.Refresh(ctx)
	must(t, err)
	if v.ID != "2025-10-02" {
		t.Fatalf("after the other process published: current = %s", v.ID)
	}
	if n := objs.fileStats.Load(); n != 5 {
		t.Fatalf("new generation: %d data stats, want 5", n)
	}
	objs.fileStats.Store(0)
	if v, err := ss.Current(ctx); err != nil || v.ID != "2025-10-02" {
		t.Fatalf("Current = %v %v", v, err)
	}
	if _, err := ss.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n := objs.fileStats.Load(); n != 0 {
		t.Fatalf("an unchanged, verified generation was stat'ed again (%d)", n)
	}
}

// TestWatchSwitchesReaders: with Watch running, a snapshot published by
// another process reaches Current without any Current call doing the check,
// and so does a rebuild of the current date (a new generation: on object
// storage only the ETags tell it apart within a second).
func TestWatchSwitchesReaders(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dir := testLocation(t)
	st, err := Open(dir, Options{})
	must(t, err)
	defer st.Close()
	ss := st.Snapshots()
	must(t, ss.Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 2, 3)))
	done := make(chan struct{})
	go func() { defer close(done); ss.Watch(ctx, 5*time.Millisecond) }()
	defer func() { cancel(); <-done }()

	other, err := Open(dir, Options{})
	must(t, err)
	defer other.Close()
	must(t, other.Snapshots().Publish(ctx, makeSnapshot("2025-10-03", snapshot.StatusSuccess, 2, 3)))
	// Wait on the state, not a clock: the watcher switches it.
	for st := ss.cur.state.Load(); st == nil || st.view.ID != "2025-10-03"; st = ss.cur.state.Load() {
		time.Sleep(time.Millisecond)
	}
	if v, err := ss.Current(ctx); err != nil || v.ID != "2025-10-03" {
		t.Fatalf("Current = %v %v", v, err)
	}
	must(t, other.Snapshots().Publish(ctx, markedSnapshot("2025-10-03", "rebuilt", 2)))
	for st := ss.cur.state.Load(); st == nil || st.view.Metadata.Source != "rebuilt"; st = ss.cur.state.Load() {
		time.Sleep(time.Millisecond)
	}
	v, err := ss.Current(ctx)
	must(t, err)
	if df, err := v.District(ctx, "1"); err != nil || df.DistrictName != "rebuilt" {
		t.Fatalf("district of the rebuilt generation: %+v %v", df, err)
	}
}

// TestCurrentPointerDamageDetected: current.json overwritten with garbage
// (a new file, so a new identity) is noticed by the next check, which falls
// back to the newest complete success; Recover then rewrites it.
func TestCurrentPointerDamageDetected(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	ss := st.Snapshots()
	publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
	publish(t, ss, "2025-10-02", snapshot.StatusSuccess)
	// Point at the older one by hand (as an operator might), then break it.
	p := "current.json"
	must(t, st.Objects().Write(ctx, p, []byte(`{"snapshot_id":"2025-10-01"}`)))
	if v, err := ss.Refresh(ctx); err != nil || v.ID != "2025-10-01" {
		t.Fatalf("after repointing: %v %v", v, err)
	}
	must(t, st.Objects().Write(ctx, p, []byte("{not json")))
	if v, err := ss.Refresh(ctx); err != nil || v.ID != "2025-10-02" {
		t.Fatalf("broken pointer: want fallback to newest success 2025-10-02, got %v %v", v, err)
	}
	rr, err := ss.Recover(ctx)
	must(t, err)
	if !rr.After.Healthy || pointerID(t, ss) != "2025-10-02" {
		t.Fatalf("recover: %+v", rr)
	}
	if v, err := ss.Current(ctx); err != nil || v.ID != "2025-10-02" {
		t.Fatalf("after recover: %v %v", v, err)
	}
}

// BenchmarkCurrentWorld measures, on a whole-world snapshot (128 districts
// of 110 clubs), what a request paid for the current pointer before issue
// 12 every 2 s (old-miss-path: read current.json, load the view, stat
// every file against the manifest, load the view again) against what it
// pays now (current: from memory) and what the off-request check costs
// (refresh-unchanged: three stat calls).
func BenchmarkCurrentWorld(b *testing.B) {
	ctx := context.Background()
	st, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ss := st.Snapshots()
	if err := ss.Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 128, 110)); err != nil {
		b.Fatal(err)
	}
	if _, err := ss.Current(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("current", func(b *testing.B) {
		for b.Loop() {
			if _, err := ss.Current(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("refresh-unchanged", func(b *testing.B) {
		for b.Loop() {
			if _, err := ss.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("old-miss-path", func(b *testing.B) {
		for b.Loop() {
			p, err := ss.readPointer(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := ss.get(ctx, p.SnapshotID, false); err != nil {
				b.Fatal(err)
			}
			if c := ss.verify(ctx, p.SnapshotID, false); !c.Complete {
				b.Fatal(c.Problems)
			}
			if _, err := ss.get(ctx, p.SnapshotID, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestPublishSettlesCurrentOnlyForReaders: a publish resolves the current
// snapshot at once (verifying it: a stat per data file) only in a process
// that reads Current; a process that never did (a command-line build) leaves
// that to its first Current, which then answers the new snapshot.
func TestPublishSettlesCurrentOnlyForReaders(t *testing.T) {
	ctx := context.Background()
	_, objs, ss := countingStore(t)

	must(t, ss.Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 4, 3)))
	if n := objs.fileStats.Load(); n != 0 {
		t.Fatalf("a publish with no reader stat'ed %d data files, want 0", n)
	}
	v, err := ss.Current(ctx)
	must(t, err)
	if v.ID != "2025-10-01" {
		t.Fatalf("current = %s, want 2025-10-01", v.ID)
	}
	// The first Current verified it: 4 districts + the rankings file.
	if n := objs.fileStats.Load(); n != 5 {
		t.Fatalf("first Current stat'ed %d data files, want 5", n)
	}

	// Now the process has a reader: the writer settles the next publish.
	objs.fileStats.Store(0)
	must(t, ss.Publish(ctx, makeSnapshot("2025-10-02", snapshot.StatusSuccess, 4, 3)))
	if n := objs.fileStats.Load(); n != 5 {
		t.Fatalf("a publish with a reader stat'ed %d data files, want 5 (settled by the writer)", n)
	}
	ss.ResetStats()
	v, err = ss.Current(ctx)
	must(t, err)
	if v.ID != "2025-10-02" {
		t.Fatalf("current = %s, want 2025-10-02", v.ID)
	}
	if s := ss.Stats(); s.CacheMisses != 0 {
		t.Fatalf("the reader resolved after a settled publish: %+v", s)
	}
}
