package store

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// publishByParts publishes snap through a Publication, its districts added
// from several goroutines in reverse order.
func publishByParts(ctx context.Context, st *Store, snap *snapshot.Snapshot) error {
	p, err := st.Snapshots().Begin(ctx, snap.Metadata.SnapshotID)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for i := len(snap.Districts) - 1; i >= 0; i-- {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = p.Add(&snap.Districts[i]) // an error comes back from Publish
		}()
	}
	wg.Wait()
	rest := *snap
	rest.Districts = nil
	return p.Publish(ctx, &rest)
}

// withoutGenerations drops the folder names of staged and retired
// generations (they carry times) from a digest of the objects.
func withoutGenerations(d map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range d {
		if !strings.Contains(k, "/"+oldPrefix) && !strings.Contains(k, "/"+genPrefix) && !strings.HasPrefix(k, ".locks/") {
			out[k] = v
		}
	}
	return out
}

// A Publication leaves exactly the objects Publish leaves for the same
// snapshots: first publish, rebuild, a partial after a success (refused
// with ErrSuccessExists, nothing changed), gzipped; on a local directory
// and on a backend without staging (published in place).
func TestPublicationMatchesPublish(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 11, 30, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	for _, gz := range []bool{false, true} {
		for _, plain := range []bool{false, true} {
			open := func() *Store {
				st := openTest(t, Options{Now: clock, Gzip: gz})
				if plain {
					return OpenObjects("plain", plainObjects{st.Objects()}, Options{Now: clock, Gzip: gz})
				}
				return st
			}
			whole, parts := open(), open()
			steps := []*snapshot.Snapshot{
				makeSnapshot("2025-11-20", snapshot.StatusSuccess, 5, 7),
				makeSnapshot("2025-11-21", snapshot.StatusPartial, 3, 4),
				makeSnapshot("2025-11-20", snapshot.StatusSuccess, 6, 5), // rebuild
				makeSnapshot("2025-11-20", snapshot.StatusFailed, 2, 3),  // refused
			}
			for i, snap := range steps {
				err1 := whole.Snapshots().Publish(ctx, snap)
				err2 := publishByParts(ctx, parts, snap)
				if (err1 == nil) != (err2 == nil) || errors.Is(err1, ErrSuccessExists) != errors.Is(err2, ErrSuccessExists) {
					t.Fatalf("gz %v plain %v step %d: Publish %v, Publication %v", gz, plain, i, err1, err2)
				}
				if i == 3 && !errors.Is(err2, ErrSuccessExists) {
					t.Fatalf("step 3: %v, want ErrSuccessExists", err2)
				}
				a, b := withoutGenerations(objectsDigest(t, whole)), withoutGenerations(objectsDigest(t, parts))
				if !maps.Equal(a, b) {
					for k := range maps.Keys(a) {
						if a[k] != b[k] {
							t.Errorf("step %d: %s differs", i, k)
						}
					}
					t.Fatalf("gz %v plain %v step %d: %d objects vs %d", gz, plain, i, len(a), len(b))
				}
			}
			if !plain {
				ents, _ := parts.Objects().List(ctx, snapshotsPrefix)
				for _, e := range ents {
					if strings.Contains(e, genPrefix) {
						t.Errorf("staged folder left: %s", e)
					}
				}
			}
		}
	}
}

// Of two collections of one snapshot the newer wins, whichever is
// published last: an older collection is refused with ErrNewerCollection
// and nothing changes; the same or a newer collection replaces it. A
// snapshot without CollectionDate (written before it was recorded) counts
// its as-of date. The same through Publish and a Publication, on a local
// directory and on a backend that publishes in place.
func TestOlderCollectionNeverReplacesNewer(t *testing.T) {
	ctx := context.Background()
	withCollection := func(collection, asOf string, members int) *snapshot.Snapshot {
		s := makeSnapshot("2025-11-30", snapshot.StatusSuccess, 3, members)
		s.Metadata.CollectionDate, s.Metadata.DataAsOfDate = collection, asOf
		return s
	}
	for _, plain := range []bool{false, true} {
		for _, parts := range []bool{false, true} {
			st := openTest(t, Options{})
			if plain {
				st = OpenObjects("plain", plainObjects{st.Objects()}, Options{})
			}
			publish := st.Snapshots().Publish
			if parts {
				publish = func(ctx context.Context, s *snapshot.Snapshot) error { return publishByParts(ctx, st, s) }
			}
			steps := []struct {
				snap           *snapshot.Snapshot
				refused        bool
				wantCollection string
			}{
				{withCollection("2025-12-04", "2025-12-04", 10), false, "2025-12-04"},
				{withCollection("2025-12-02", "2025-12-02", 11), true, "2025-12-04"},
				{withCollection("2025-12-04", "2025-12-04", 12), false, "2025-12-04"}, // the same collection rebuilt
				{withCollection("2025-12-05", "2025-12-05", 13), false, "2025-12-05"},
				{withCollection("", "2025-12-03", 14), true, "2025-12-05"}, // no collection date: its as-of date
			}
			for i, step := range steps {
				err := publish(ctx, step.snap)
				if step.refused != errors.Is(err, ErrNewerCollection) || !step.refused && err != nil {
					t.Fatalf("plain %v parts %v step %d: %v (refused: %v)", plain, parts, i, err, step.refused)
				}
				v, err := st.Snapshots().Get(ctx, "2025-11-30")
				if err != nil {
					t.Fatal(err)
				}
				df, err := v.District(ctx, v.DistrictIDs()[0])
				if err != nil {
					t.Fatal(err)
				}
				want := step.snap.Districts[0].Data.Membership.Total
				if step.refused {
					want = steps[i-1].snap.Districts[0].Data.Membership.Total
				}
				if v.Metadata.Collection() != step.wantCollection || df.Data.Membership.Total != want {
					t.Fatalf("plain %v parts %v step %d: collection %s, members %d; want %s, %d",
						plain, parts, i, v.Metadata.Collection(), df.Data.Membership.Total, step.wantCollection, want)
				}
			}
		}
	}
}

// Abort removes the staged files and releases the lock (a Publish after it
// proceeds); a district added twice fails Publish and changes nothing.
func TestPublicationAbortAndErrors(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	snap := makeSnapshot("2025-11-20", snapshot.StatusSuccess, 3, 4)
	p, err := st.Snapshots().Begin(ctx, "2025-11-20")
	if err != nil {
		t.Fatal(err)
	}
	for i := range snap.Districts {
		if err := p.Add(&snap.Districts[i]); err != nil {
			t.Fatal(err)
		}
	}
	p.Abort()
	p.Abort()
	done := make(chan error, 1)
	go func() { done <- st.Snapshots().Publish(ctx, makeSnapshot("2025-11-21", snapshot.StatusSuccess, 2, 2)) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Publish after Abort still waits for the lock")
	}
	if st.Snapshots().Exists(ctx, "2025-11-20") {
		t.Fatal("aborted snapshot exists")
	}
	ents, _ := st.Objects().List(ctx, snapshotsPrefix)
	for _, e := range ents {
		if strings.Contains(e, genPrefix) {
			t.Errorf("staged folder left after Abort: %s", e)
		}
	}

	before := withoutGenerations(objectsDigest(t, st))
	p, err = st.Snapshots().Begin(ctx, "2025-11-22")
	if err != nil {
		t.Fatal(err)
	}
	_ = p.Add(&snap.Districts[0])
	if err := p.Add(&snap.Districts[0]); err == nil {
		t.Error("a district added twice was accepted")
	}
	rest := *snap
	rest.Metadata.SnapshotID, rest.Districts = "2025-11-22", nil
	if err := p.Publish(ctx, &rest); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("Publish after a duplicate district: %v", err)
	}
	if after := withoutGenerations(objectsDigest(t, st)); !maps.Equal(before, after) {
		t.Error("a failed Publication changed the store")
	}
	p.Abort() // after Publish: nothing
}

// OnStaged is called once, before Publish returns, with the stamp the
// snapshot has once in place and its metadata as readers decode it; not
// when Publish refuses the snapshot.
func TestPublicationOnStaged(t *testing.T) {
	ctx := context.Background()
	for _, plain := range []bool{false, true} {
		st := openTest(t, Options{})
		if plain {
			st = OpenObjects("plain", plainObjects{st.Objects()}, Options{})
		}
		publish := func(snap *snapshot.Snapshot) (calls int, stamp string, md *snapshot.Metadata, err error) {
			p, err := st.Snapshots().Begin(ctx, snap.Metadata.SnapshotID)
			if err != nil {
				t.Fatal(err)
			}
			p.OnStaged(func(s string, m *snapshot.Metadata) { calls, stamp, md = calls+1, s, m })
			for i := range snap.Districts {
				if err := p.Add(&snap.Districts[i]); err != nil {
					t.Fatal(err)
				}
			}
			rest := *snap
			rest.Districts = nil
			return calls, stamp, md, p.Publish(ctx, &rest)
		}
		for i, status := range []snapshot.Status{snapshot.StatusSuccess, snapshot.StatusSuccess, snapshot.StatusPartial} {
			calls, stamp, md, err := publish(makeSnapshot("2025-11-20", status, 3+i, 4))
			if status == snapshot.StatusPartial {
				if !errors.Is(err, ErrSuccessExists) || calls != 0 {
					t.Fatalf("plain %v: refused publish: err %v, %d calls", plain, err, calls)
				}
				continue
			}
			if err != nil || calls != 1 {
				t.Fatalf("plain %v step %d: err %v, %d calls", plain, i, err, calls)
			}
			want, err := st.Snapshots().Stamp(ctx, "2025-11-20")
			if err != nil || stamp != want {
				t.Errorf("plain %v step %d: stamp %q, in place %q (%v)", plain, i, stamp, want, err)
			}
			v, err := st.Snapshots().GetFresh(ctx, "2025-11-20")
			if err != nil || !reflect.DeepEqual(*md, v.Metadata) {
				t.Errorf("plain %v step %d: metadata differs from the stored one (%v)", plain, i, err)
			}
		}
	}
}
