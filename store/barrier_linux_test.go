//go:build linux

package store

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// needBarrier skips a test on a file system without barriers (the store
// then fsyncs every file, which the other tests cover).
func needBarrier(t *testing.T) {
	t.Helper()
	localOnly(t, "barriers are syncfs(2) on the data directory")
	d, ok := openTest(t, Options{}).Objects().(*DirObjects)
	if !ok {
		t.Skip("not a local directory")
	}
	b := d.openBarrier()
	if b == nil {
		t.Skipf("%s: the file system has no barrier (syncfs not trusted there)", d.Dir())
	}
	b.close()
}

// withBarriers runs f with barriers on, then off, and returns the calls
// that waited for the disk in each run.
func withBarriers(t *testing.T, f func(on bool)) (on, off int64) {
	t.Helper()
	defer noBarrier.Store(false)
	for _, b := range []bool{true, false} {
		noBarrier.Store(!b)
		before := syncCalls.Load()
		f(b)
		n := syncCalls.Load() - before
		if b {
			on = n
		} else {
			off = n
		}
	}
	return on, off
}

// With a barrier, publishing a snapshot waits for the disk a fixed number
// of times whatever its size (one syncfs for every staged file, then the
// swap and the pointer); without, once per file. Both leave the same
// objects.
func TestPublicationBarrier(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 11, 30, 8, 0, 0, 0, time.UTC)
	digests := map[bool]map[string]string{}
	const districts = 40
	needBarrier(t)
	on, off := withBarriers(t, func(b bool) {
		st := openTest(t, Options{Now: func() time.Time { return now }})
		if err := publishByParts(ctx, st, makeSnapshot("2025-11-20", snapshot.StatusSuccess, districts, 3)); err != nil {
			t.Fatal(err)
		}
		digests[b] = withoutGenerations(objectsDigest(t, st))
	})
	if !maps.Equal(digests[true], digests[false]) {
		t.Fatalf("a publish with a barrier left other objects than one without: %d vs %d", len(digests[true]), len(digests[false]))
	}
	if len(digests[true]) < districts+3 {
		t.Fatalf("%d objects, want the %d district files and more", len(digests[true]), districts)
	}
	// Without: 40 districts + manifest, rankings, metadata + folders. With:
	// the staged folder's parent, one syncfs, the swap, the pointer (file
	// and folder), and the first publish's folders.
	if off < districts+3 || on > 10 {
		t.Fatalf("waits for the disk: %d with a barrier (want <= 10), %d without (want >= %d)", on, off, districts+3)
	}
}

// AppendRecordsEach with a barrier waits for the disk once for all the
// logs, created or appended to (and once per folder it makes); without,
// once per log and per new folder.
// The records read back the same.
func TestAppendRecordsEachBarrier(t *testing.T) {
	ctx := context.Background()
	const logs = 30
	needBarrier(t)
	stores := map[bool]*Store{true: openTest(t, Options{}), false: openTest(t, Options{})}
	on, off := withBarriers(t, func(b bool) {
		st := stores[b]
		for round := range 2 {
			each := map[string][]byte{}
			for i := range logs {
				each[fmt.Sprintf("history/2025-2026/district_%02d.log", i)] = fmt.Appendf(nil, "record %d of %d", round, i)
			}
			if err := AppendRecordsEach(ctx, st.Objects(), each); err != nil {
				t.Fatal(err)
			}
		}
		for i := range logs {
			got, damage, err := ReadRecords(ctx, st.Objects(), fmt.Sprintf("history/2025-2026/district_%02d.log", i))
			if err != nil || damage != nil || len(got) != 2 || string(got[1]) != fmt.Sprintf("record 1 of %d", i) {
				t.Fatalf("barrier %v: log %d: %q, %v, %v", b, i, got, damage, err)
			}
		}
	})
	// With: one syncfs per call, which also makes the new folders (history/,
	// its year) durable: exactly 2, however many appends raced to make
	// them (each racer used to fsync their parents too: up to 12 under
	// load). Without: an fsync per log and call, and per new folder.
	if on != 2 || off < 2*logs {
		t.Fatalf("waits for the disk: %d with a barrier (want 2), %d without (want >= %d)", on, off, 2*logs)
	}
}

func TestKernelAtLeast(t *testing.T) {
	for _, c := range []struct {
		release string
		want    bool
	}{
		{"6.18.44-fc-v1252", true}, {"5.8.0", true}, {"5.10.0-28-amd64", true}, {"5.7.19", false},
		{"4.19.0", false}, {"5", false}, {"", false}, {"10.0", true},
	} {
		if got := kernelAtLeast(c.release, 5, 8); got != c.want {
			t.Errorf("kernelAtLeast(%q, 5, 8) = %v, want %v", c.release, got, c.want)
		}
	}
}
