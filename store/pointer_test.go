package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store/blobstore"
)

// syncBuffer is a bytes.Buffer that loggers on several goroutines (a
// lease's renewals) may write to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// bufferLogger logs warnings and up as text into a fresh buffer.
func bufferLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelWarn})), buf
}

var errPointerWrite = errors.New("test: the write of current.json fails")

// dirPointerFails is a local directory whose writes of current.json fail
// while fail is set; everything else (the folder swaps, the locks) is the
// DirObjects'.
type dirPointerFails struct {
	*DirObjects
	fail *atomic.Bool
}

func (o dirPointerFails) Write(ctx context.Context, key string, data []byte) error {
	if key == currentKey && o.fail.Load() {
		return errPointerWrite
	}
	return o.DirObjects.Write(ctx, key, data)
}

// blobPointerFails is dirPointerFails on object storage, where the
// pointer is moved by compare-and-swap.
type blobPointerFails struct {
	*blobstore.Objects
	fail *atomic.Bool
}

func (o blobPointerFails) WriteIfVersion(ctx context.Context, key string, data []byte, version string) (bool, error) {
	if key == currentKey && o.fail.Load() {
		return false, errPointerWrite
	}
	return o.Objects.WriteIfVersion(ctx, key, data, version)
}

// pointerFailsStore opens a store on a fresh location (the test bucket on
// s3) whose pointer writes fail while the returned flag is set.
func pointerFailsStore(t *testing.T, opts Options) (*Store, *atomic.Bool) {
	t.Helper()
	fail := &atomic.Bool{}
	loc := testLocation(t)
	var objs Objects
	if onS3() {
		o, err := blobstore.Open(context.Background(), loc)
		must(t, err)
		objs = blobPointerFails{o, fail}
	} else {
		d, err := NewDirObjects(loc)
		must(t, err)
		objs = dirPointerFails{d, fail}
	}
	st := OpenObjects(loc, objs, opts)
	t.Cleanup(func() { st.Close() })
	return st, fail
}

// snapshotObjects is objectsDigest without current.json and the locks:
// what a move of the pointer must leave as it is.
func snapshotObjects(t *testing.T, st *Store) map[string]string {
	t.Helper()
	d := withoutLocks(objectsDigest(t, st))
	delete(d, currentKey)
	return d
}

// A publish whose snapshot is in place but whose move of current.json
// fails leaves the pointer on the older snapshot, and readers are served
// it. Check calls that a problem (naming both snapshots and the fix), so
// verify exits 1 on it, and Recover moves the pointer to the newest
// complete successful snapshot without touching any snapshot.
func TestPointerLeftBehindIsReportedAndRepointed(t *testing.T) {
	ctx := context.Background()
	st, fail := pointerFailsStore(t, Options{})
	ss := st.Snapshots()
	const a, b = "2025-10-01", "2025-10-02"
	publish(t, ss, a, snapshot.StatusSuccess)
	fail.Store(true)
	err := ss.Publish(ctx, makeSnapshot(b, snapshot.StatusSuccess, 3, 4))
	if !errors.Is(err, errPointerWrite) || !strings.Contains(err.Error(), "snapshot written, pointer not moved") {
		t.Fatalf("publish with the pointer write failing = %v", err)
	}
	fail.Store(false)
	if got := pointerID(t, ss); got != a {
		t.Fatalf("pointer = %s, want it left on %s", got, a)
	}
	if v, err := ss.Current(ctx); err != nil || v.ID != a {
		t.Fatalf("current = %v %v, want the older %s (what readers get until it is mended)", v, err, a)
	}

	rep, err := ss.Check(ctx)
	must(t, err)
	if rep.Healthy || rep.Pointer.Valid || !rep.Pointer.Present || rep.Pointer.SnapshotID != a || rep.NewestSuccess != b || len(rep.Corrupted) != 0 {
		t.Fatalf("check with the pointer behind: healthy %v, pointer %+v, newest success %s, corrupted %v; want unhealthy, pointer invalid",
			rep.Healthy, rep.Pointer, rep.NewestSuccess, rep.Corrupted)
	}
	for _, want := range []string{"current.json names " + a, b + " is a newer complete successful snapshot", "verify --repair"} {
		if !strings.Contains(rep.Pointer.Problem, want) {
			t.Errorf("pointer problem %q does not say %q", rep.Pointer.Problem, want)
		}
	}

	before := snapshotObjects(t, st)
	rr, err := ss.Recover(ctx)
	must(t, err)
	if len(rr.Actions) != 1 || rr.Actions[0].Action != "repoint" || rr.Actions[0].From != a || rr.Actions[0].To != b ||
		rr.Actions[0].Reason != rep.Pointer.Problem {
		t.Fatalf("recover actions = %+v, want one repoint %s -> %s", rr.Actions, a, b)
	}
	if !rr.Recovered || !rr.After.Healthy || !rr.After.Pointer.Valid || rr.After.Pointer.SnapshotID != b || rr.BackupDir == "" {
		t.Fatalf("after recover: recovered %v, pointer %+v, backup %q", rr.Recovered, rr.After.Pointer, rr.BackupDir)
	}
	after := snapshotObjects(t, st)
	for k := range after {
		if strings.HasPrefix(k, backupsPrefix) {
			delete(after, k) // the backup of the old current.json
		}
	}
	if !maps.Equal(before, after) {
		t.Fatalf("recover changed more than current.json:\nbefore %v\nafter  %v", before, after)
	}
	if v, err := ss.Current(ctx); err != nil || v.ID != b {
		t.Fatalf("current after recover = %v %v, want %s", v, err, b)
	}
}

// AdvancePointer (what the Builder runs) moves a pointer left behind to
// the newest complete successful snapshot, and only then: never to a
// partial or incomplete one, never backwards, never from a legacy
// pointer's; the move is logged and no snapshot changes.
func TestAdvancePointer(t *testing.T) {
	ctx := context.Background()
	log, logs := bufferLogger()
	st := openTest(t, Options{Logger: log})
	ss := st.Snapshots()
	publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
	atA, err := st.Objects().Read(ctx, currentKey)
	must(t, err)
	publish(t, ss, "2025-10-02", snapshot.StatusSuccess)
	publish(t, ss, "2025-10-03", snapshot.StatusPartial)
	// The crash state: the newest success is in place, current.json still
	// names the snapshot before it.
	must(t, st.Objects().Write(ctx, currentKey, atA))
	if v, err := ss.Current(ctx); err != nil || v.ID != "2025-10-01" {
		t.Fatalf("current = %v %v, want the older 2025-10-01", v, err)
	}

	before := snapshotObjects(t, st)
	adv, err := ss.AdvancePointer(ctx)
	must(t, err)
	if adv != (PointerAdvance{From: "2025-10-01", To: "2025-10-02"}) || !adv.Moved() {
		t.Fatalf("advance = %+v, want 2025-10-01 -> 2025-10-02 (not the partial 2025-10-03)", adv)
	}
	if got := pointerID(t, ss); got != "2025-10-02" {
		t.Fatalf("pointer = %s after the advance", got)
	}
	p, err := ss.Pointer(ctx)
	must(t, err)
	if p.SchemaVersion != snapshot.SchemaVersion || p.CalculationVersion != snapshot.CalculationVersion {
		t.Fatalf("pointer versions = %+v, want the snapshot's", p)
	}
	if v, err := ss.Current(ctx); err != nil || v.ID != "2025-10-02" {
		t.Fatalf("current after the advance = %v %v", v, err)
	}
	if got := snapshotObjects(t, st); !maps.Equal(before, got) {
		t.Fatalf("the advance changed more than current.json:\nbefore %v\nafter  %v", before, got)
	}
	if l := logs.String(); !strings.Contains(l, "moved it forward") || !strings.Contains(l, "from=2025-10-01") || !strings.Contains(l, "to=2025-10-02") {
		t.Fatalf("log = %q, want the move with both ids", l)
	}
	if rep, err := ss.Check(ctx); err != nil || !rep.Healthy {
		t.Fatalf("check after the advance: %+v %v", rep, err)
	}
	// Nothing more to do: nothing moves, nothing is written.
	atB, err := st.Objects().Read(ctx, currentKey)
	must(t, err)
	if adv, err := ss.AdvancePointer(ctx); err != nil || adv.Moved() {
		t.Fatalf("second advance = %+v %v, want nothing", adv, err)
	}
	if got, _ := st.Objects().Read(ctx, currentKey); !bytes.Equal(got, atB) {
		t.Fatalf("current.json rewritten by an advance with nothing to do")
	}

	// An older success published later never moves it back, and neither
	// does an advance.
	publish(t, ss, "2025-09-30", snapshot.StatusSuccess)
	if adv, err := ss.AdvancePointer(ctx); err != nil || adv.Moved() || pointerID(t, ss) != "2025-10-02" {
		t.Fatalf("advance with an older success published: %+v %v, pointer %s", adv, err, pointerID(t, ss))
	}

	// A newer success with a file missing is not moved to (the next build
	// rebuilds it, and its publish moves the pointer).
	publish(t, ss, "2025-10-04", snapshot.StatusSuccess)
	must(t, st.Objects().Write(ctx, currentKey, atB))
	must(t, st.Objects().Delete(ctx, snapshotsPrefix+"2025-10-04/"+DistrictFileName("2")))
	if adv, err := ss.AdvancePointer(ctx); err != nil || adv.Moved() || pointerID(t, ss) != "2025-10-02" {
		t.Fatalf("advance with the newer success incomplete: %+v %v, pointer %s", adv, err, pointerID(t, ss))
	}
}

// On object storage a publish that loses its lock lease after its
// snapshot is in place (its link to the bucket cut as it moves
// current.json) stops with ErrLeaseLost, leaving the pointer behind;
// another process's AdvancePointer takes the lease over once it expired
// and moves the pointer forward, and the first one's late write never
// lands.
func TestAdvancePointerAfterALostLease(t *testing.T) {
	if !onS3() {
		t.Skip("object storage only: a local directory's lock is an OS file lock, never lost")
	}
	ctx := context.Background()
	prefix := fmt.Sprintf("t%d", testPrefixes.Add(1))
	cut := newPartition(t, func(r *http.Request) bool {
		return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/"+currentKey)
	})
	defer cut.heal()
	other, _ := leaseStore(t, prefix, nil, time.Second, time.Date(2025, 10, 3, 2, 0, 0, 0, time.UTC))
	publish(t, other.Snapshots(), "2025-10-01", snapshot.StatusSuccess)
	a, _ := leaseStore(t, prefix, cut, time.Second, time.Date(2025, 10, 3, 1, 0, 0, 0, time.UTC))
	aDone := make(chan error, 1)
	go func() { aDone <- a.Snapshots().Publish(ctx, markedSnapshot("2025-10-02", "a", 3)) }()
	select {
	case <-cut.started:
	case err := <-aDone:
		t.Fatalf("publish finished (%v) without reaching the pointer move", err)
	}
	adv, err := other.Snapshots().AdvancePointer(ctx)
	must(t, err)
	if adv != (PointerAdvance{From: "2025-10-01", To: "2025-10-02"}) {
		t.Fatalf("advance = %+v, want 2025-10-01 -> 2025-10-02", adv)
	}
	cut.heal()
	if err := <-aDone; !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("publish of the holder that lost its lease = %v, want ErrLeaseLost", err)
	}
	p, err := other.Snapshots().Pointer(ctx)
	must(t, err)
	if p.SnapshotID != "2025-10-02" || !p.UpdatedAt.Equal(time.Date(2025, 10, 3, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("current.json = %+v, want the advance's move to 2025-10-02", p)
	}
	if rep, err := other.Snapshots().Check(ctx); err != nil || !rep.Healthy {
		t.Fatalf("check: %+v %v", rep, err)
	}
}
