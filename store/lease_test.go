package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store/blobstore"
)

// partition cuts one store's link to the bucket: from the first request
// trigger matches on, every request of that store (its lease renewals
// too) waits, unsent, until heal is called or the request's context ends.
// It is what a holder whose network fails (or whose process stalls) in
// the middle of a publish looks like to everyone else. With onTrigger
// set, the link is not cut: onTrigger runs once, when the request that
// matched is answered.
type partition struct {
	next      http.RoundTripper
	trigger   func(*http.Request) bool
	onTrigger func()

	once    sync.Once
	mu      sync.Mutex
	cut     bool
	started chan struct{} // closed when the link is cut
	healed  chan struct{} // closed by heal
}

func newPartition(t *testing.T, trigger func(*http.Request) bool) *partition {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &partition{next: tr, trigger: trigger, started: make(chan struct{}), healed: make(chan struct{})}
}

func (p *partition) RoundTrip(req *http.Request) (*http.Response, error) {
	p.mu.Lock()
	hook := false
	if !p.cut && p.trigger(req) {
		p.cut, hook = true, p.onTrigger != nil
		close(p.started)
	}
	cut := p.cut && p.onTrigger == nil
	p.mu.Unlock()
	if hook {
		defer p.onTrigger()
	}
	if cut {
		select {
		case <-p.healed:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	return p.next.RoundTrip(req)
}

func (p *partition) heal() { p.once.Do(func() { close(p.healed) }) }

// leaseStore opens a store on a fresh prefix of the test bucket through
// its own S3 client (whose requests go through rt when not nil), with a
// lock lease of ttl and the clock now.
func leaseStore(t *testing.T, prefix string, rt http.RoundTripper, ttl time.Duration, now time.Time) (*Store, *blobstore.Objects) {
	t.Helper()
	if rt == nil {
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		rt = tr
	}
	client := testS3.ClientThrough(t, rt)
	objs := blobstore.New(client, testS3Bucket, prefix, "s3://"+testS3Bucket+"/"+prefix)
	objs.LeaseTTL = ttl
	st := OpenObjects(objs.String(), objs, Options{Now: func() time.Time { return now }})
	t.Cleanup(func() { st.Close() })
	return st, objs
}

// withoutLocks drops the lock leases from an objectsDigest.
func withoutLocks(d map[string]string) map[string]string {
	out := maps.Clone(d)
	maps.DeleteFunc(out, func(k, _ string) bool { return strings.HasPrefix(k, ".locks/") })
	return out
}

// A builder on one host holds the publish lease on a bucket and its link
// to the bucket fails in the middle of a publish (or the process stalls)
// for longer than the lease's TTL. A builder on another host takes the
// lease over, as it should, and publishes. When the first one's link comes
// back, it must not go on: its Publish fails with ErrLeaseLost, and
// nothing the second one wrote (the snapshot, current.json) is changed.
// Each case cuts the link at another step of the in-place publish: while
// it keeps the replaced generation, while it writes the new files, at the
// commit, and when it moves current.json.
func TestPublishStopsWhenItsLeaseIsLost(t *testing.T) {
	if !onS3() {
		t.Skip("object storage only: a local directory's lock is an OS file lock, never lost")
	}
	const id = "2025-10-01"
	put := func(suffix string) func(*http.Request) bool {
		return func(r *http.Request) bool {
			return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, suffix)
		}
	}
	for _, c := range []struct {
		name    string
		rebuild bool // the snapshot exists: its generation is kept aside first
		trigger func(*http.Request) bool
	}{
		{"keep replaced generation", true, func(r *http.Request) bool {
			return r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "" && strings.Contains(r.URL.Path, "/"+snapshotsPrefix+oldPrefix)
		}},
		{"write files", false, put("/" + snapshotsPrefix + id + "/" + DistrictFileName("1"))},
		{"commit", true, put("/" + snapshotsPrefix + id + "/" + metadataFile)},
		{"move pointer", false, put("/" + currentKey)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			prefix := fmt.Sprintf("t%d", testPrefixes.Add(1))
			cut := newPartition(t, c.trigger)
			defer cut.heal()
			a, _ := leaseStore(t, prefix, cut, time.Second, time.Date(2025, 10, 2, 1, 0, 0, 0, time.UTC))
			b, _ := leaseStore(t, prefix, nil, time.Second, time.Date(2025, 10, 2, 2, 0, 0, 0, time.UTC))
			if c.rebuild {
				must(t, b.Snapshots().Publish(ctx, markedSnapshot(id, "old", 3)))
			}

			aDone := make(chan error, 1)
			go func() { aDone <- a.Snapshots().Publish(ctx, markedSnapshot(id, "a", 3)) }()
			select {
			case <-cut.started:
			case err := <-aDone:
				t.Fatalf("publish finished (%v) without reaching the step where the link is cut", err)
			}
			// B waits for A's lease to expire, takes it over, and publishes.
			must(t, b.Snapshots().Publish(ctx, markedSnapshot(id, "b", 3)))
			want := withoutLocks(objectsDigest(t, b))
			cut.heal()
			err := <-aDone
			assertUnchangedSinceLost(t, want, withoutLocks(objectsDigest(t, b)))
			if !errors.Is(err, ErrLeaseLost) {
				t.Fatalf("publish of the holder that lost its lease = %v, want ErrLeaseLost", err)
			}
			if errors.Is(err, context.Canceled) {
				t.Fatalf("lease loss reported as a cancellation: %v", err)
			}
			if t.Failed() {
				t.FailNow()
			}
			v, err := b.Snapshots().GetFresh(ctx, id)
			must(t, err)
			df, err := v.District(ctx, "1")
			if err != nil || v.Metadata.Source != "b" || df.DistrictName != "b" {
				t.Fatalf("snapshot after both publishes: source %q, district %+v, %v; want b's", v.Metadata.Source, df, err)
			}
			p, err := b.Snapshots().Pointer(ctx)
			must(t, err)
			if p.SnapshotID != id || !p.UpdatedAt.Equal(time.Date(2025, 10, 2, 2, 0, 0, 0, time.UTC)) {
				t.Fatalf("current.json = %+v, want b's move to %s", p, id)
			}
			rep, err := b.Snapshots().Check(ctx)
			must(t, err)
			if !rep.Healthy || len(rep.Corrupted) > 0 {
				t.Fatalf("check after both publishes: %+v", rep)
			}
		})
	}
}

// A lock that cannot be lost (the local directory's file lock, or the
// in-process lock of a backend without Locker) is never checked and never
// reported lost: publishing there is what it always was.
func TestLocalLockIsNeverLost(t *testing.T) {
	ctx := context.Background()
	for name, objs := range map[string]Objects{"dir": mustDirObjects(t), "no locker": &noLocker{mustDirObjects(t)}} {
		t.Run(name, func(t *testing.T) {
			lk, err := newLockFunc(objs)(ctx, snapshotsLock)
			must(t, err)
			if lk.confirm != nil || lk.Context() != ctx || lk.Check(ctx) != nil || lk.Lost() != nil {
				t.Fatalf("a local lock behaves as a lease: %+v", lk)
			}
			lk.Unlock()
		})
	}
}

// noLocker hides the Locker of a DirObjects.
type noLocker struct{ Objects }

func mustDirObjects(t *testing.T) *DirObjects {
	t.Helper()
	d, err := NewDirObjects(t.TempDir())
	must(t, err)
	t.Cleanup(func() { d.Close() })
	return d
}

// A holder stalls in the middle of a publish (a long GC pause, a VM
// suspended) while another host takes its lease over, and resumes before
// its renewal timer fires, so nothing has told it yet. The publish
// confirms its lease right before each irreversible step (the first write
// into the snapshot's folder, the commit, the pointer move) and stops
// there with ErrLeaseLost naming the new holder: the snapshot in place and
// current.json stay as they were when the lease was taken, and the new
// holder's lease is left alone.
func TestPublishConfirmsItsLeaseBeforeEachIrreversibleStep(t *testing.T) {
	if !onS3() {
		t.Skip("object storage only: a local directory's lock is an OS file lock, never lost")
	}
	const id = "2025-10-01"
	put := func(suffix string) func(*http.Request) bool {
		return func(r *http.Request) bool {
			return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, suffix)
		}
	}
	for _, c := range []struct {
		name    string
		trigger func(*http.Request) bool // the stall: after the step before the check
	}{
		{"before the first write into the folder", func(r *http.Request) bool {
			return r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "" && strings.Contains(r.URL.Path, "/"+snapshotsPrefix+oldPrefix)
		}},
		{"before the commit", put("/" + snapshotsPrefix + id + "/" + DistrictFileName("2"))},
		{"before the pointer", put("/" + snapshotsPrefix + id + "/" + manifestFile)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			prefix := fmt.Sprintf("t%d", testPrefixes.Add(1))
			other, otherObjs := leaseStore(t, prefix, nil, 30*time.Second, time.Date(2025, 10, 2, 2, 0, 0, 0, time.UTC))
			must(t, other.Snapshots().Publish(ctx, markedSnapshot(id, "old", 3)))
			const lease = ".locks/" + snapshotsLock + ".lease"
			var live map[string]string // what readers see when the lease was taken
			stall := newPartition(t, c.trigger)
			stall.onTrigger = func() {
				// What the other host does once the lease expired.
				_, etag, err := otherObjs.ReadVersion(ctx, lease)
				must(t, err)
				taken := []byte(`{"holder":"another-host/7/taker","expires":"2099-01-01T00:00:00Z","ttlMs":30000}`)
				if ok, err := otherObjs.WriteIfVersion(ctx, lease, taken, etag); err != nil || !ok {
					t.Errorf("take over: %v %v", ok, err)
				}
				live = liveObjects(t, other, id)
			}
			a, _ := leaseStore(t, prefix, stall, 30*time.Second, time.Date(2025, 10, 2, 1, 0, 0, 0, time.UTC))
			err := a.Snapshots().Publish(ctx, markedSnapshot(id, "a", 3))
			if live == nil {
				t.Fatalf("publish = %v without reaching the stall", err)
			}
			if got := liveObjects(t, other, id); !maps.Equal(got, live) {
				t.Errorf("what readers see changed after the lease was taken over:\n got %v\nwant %v", got, live)
			}
			if !errors.Is(err, ErrLeaseLost) || !strings.Contains(err.Error(), "another-host/7/taker") {
				t.Fatalf("publish = %v, want ErrLeaseLost naming the new holder", err)
			}
			b, err := otherObjs.Read(ctx, lease)
			if err != nil || !strings.Contains(string(b), "another-host/7/taker") {
				t.Fatalf("lease after the publish: %s %v, want the new holder's", b, err)
			}
		})
	}
}

// liveObjects is the digest of what readers of snapshot id see: its
// manifest and metadata (a reader trusts nothing else) and current.json.
func liveObjects(t *testing.T, st *Store, id string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, k := range []string{snapshotsPrefix + id + "/" + manifestFile, snapshotsPrefix + id + "/" + metadataFile, currentKey} {
		b, err := st.Objects().Read(context.Background(), k)
		if err != nil {
			out[k] = err.Error()
			continue
		}
		out[k] = sha256Hex(b)
	}
	return out
}

// The object store's lease logs its own warnings (a lease lost, taken
// over): a store opened on a bucket URL, as the programs open theirs, hands
// them its logger, so they reach the program's log and are not discarded.
func TestLeaseWarningsReachTheStoreLog(t *testing.T) {
	if !onS3() {
		t.Skip("object storage only: a local directory's lock is an OS file lock, never lost")
	}
	ctx := context.Background()
	const lease = ".locks/" + snapshotsLock + ".lease"
	loc := testLocation(t)
	other, err := blobstore.Open(ctx, loc)
	must(t, err)

	// A lease that is not one (a crash while writing it, a stray file) is
	// taken over at once, with a warning.
	must(t, other.Write(ctx, lease, []byte("not a lease")))
	log, logs := bufferLogger()
	st, err := Open(loc, Options{Logger: log})
	must(t, err)
	defer st.Close()
	publish(t, st.Snapshots(), "2025-10-01", snapshot.StatusSuccess)
	if l := logs.String(); !strings.Contains(l, "took over an expired lock lease") || !strings.Contains(l, "lock="+lease) {
		t.Fatalf("store log = %q, want the lease's take-over warning", l)
	}

	// A lease another process takes over while it is held is lost, with
	// a warning, at its next renewal. The TTL is short, so the test is,
	// but not too short: each renewal attempt has a third of it, and with
	// 300 ms a loaded machine (CI under -race, MinIO on the same 2 cores)
	// let every attempt time out, so the lease was lost for want of
	// renewal, a warning that does not name the new holder.
	st.Objects().(*blobstore.Objects).LeaseTTL = 3 * time.Second
	lk, err := st.Snapshots().lock(ctx, snapshotsLock)
	must(t, err)
	must(t, other.Write(ctx, lease, []byte(`{"holder":"another-host/7/taker","expires":"2099-01-01T00:00:00Z","ttlMs":30000}`)))
	<-lk.Context().Done() // the renewal found it taken over
	if !errors.Is(lk.Lost(), ErrLeaseLost) {
		t.Fatalf("lost = %v, want ErrLeaseLost", lk.Lost())
	}
	lk.Unlock() // waits for the renewals to end
	if l := logs.String(); !strings.Contains(l, "lock lease lost") || !strings.Contains(l, "another-host/7/taker") {
		t.Fatalf("store log = %q, want the lease's loss, naming the new holder", l)
	}
}

// assertUnchangedSinceLost fails t for every object that the holder which
// lost its lease changed, added or removed: got is the store's objects
// after it stopped, want those the new holder left.
func assertUnchangedSinceLost(t *testing.T, want, got map[string]string) {
	t.Helper()
	for k, v := range got {
		if w, ok := want[k]; !ok || w != v {
			t.Errorf("%s changed or added after the lease was lost", k)
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("%s removed after the lease was lost", k)
		}
	}
}
