package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// On object storage, current.json is moved by compare-and-swap: builders
// on several hosts racing to move it (here without any lock between them)
// never let an older snapshot replace a newer one.
func TestPointerCompareAndSwapAcrossHosts(t *testing.T) {
	if !onS3() {
		t.Skip("object storage only: the local directory serialises pointer moves with flock")
	}
	ctx := context.Background()
	loc := testLocation(t)
	a, err := Open(loc, Options{})
	must(t, err)
	defer a.Close()
	b, err := Open(loc, Options{})
	must(t, err)
	defer b.Close()
	var ids []string
	for d := 1; d <= 12; d++ {
		id := fmt.Sprintf("2025-10-%02d", d)
		ids = append(ids, id)
		must(t, a.Snapshots().Publish(ctx, makeSnapshot(id, snapshot.StatusSuccess, 1, 1)))
	}
	for round := 0; round < 4; round++ {
		must(t, a.Objects().Write(ctx, currentKey, []byte(`{"snapshot_id":"2025-10-01"}`)))
		var wg sync.WaitGroup
		errs := make(chan error, len(ids))
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ss := a.Snapshots()
				if i%2 == 1 {
					ss = b.Snapshots()
				}
				if _, err := ss.maybeMovePointer(ctx, id); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if got := pointerID(t, a.Snapshots()); got != "2025-10-12" {
			t.Fatalf("round %d: pointer = %s after racing moves, want the newest 2025-10-12", round, got)
		}
		rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	}
}

// A publish interrupted before its commit on object storage is rolled back
// by the next publish: the replaced generation is back, readers never saw
// the mix, and Check is healthy again.
func TestInterruptedInPlacePublishRollsBack(t *testing.T) {
	if !onS3() {
		t.Skip("object storage only: the local directory swaps folders")
	}
	ctx := context.Background()
	st := openTest(t, Options{})
	ss := st.Snapshots()
	old := markedSnapshot("2025-10-01", "old", 3)
	must(t, ss.Publish(ctx, old))
	v, err := ss.Current(ctx)
	must(t, err)
	// What a publisher killed after writing one new file leaves: the intent,
	// the retired copy, and a new district file under the old manifest.
	manifest, err := st.Objects().Read(ctx, "snapshots/2025-10-01/manifest.json")
	must(t, err)
	retired := fmt.Sprintf("snapshots/.old-2025-10-01-%s-1/", genOf(manifest))
	must(t, st.Objects().Write(ctx, "snapshots/.gen-2025-10-01-x/intent.json",
		[]byte(`{"snapshotId":"2025-10-01","existed":true,"retired":"`+retired+`"}`)))
	must(t, ss.copySnapshotFiles(ctx, "snapshots/2025-10-01/", retired, false))
	must(t, st.Objects().Write(ctx, "snapshots/2025-10-01/district_1.json", []byte(`{"districtId":"1","districtName":"new"}`)))
	// A reader pinned to the old generation still reads it (from the copy).
	df, err := v.District(ctx, "1")
	if err != nil || df.DistrictName != "old" {
		t.Fatalf("pinned read during the interrupted publish: %+v %v", df, err)
	}
	rep, err := ss.Check(ctx)
	must(t, err)
	if rep.Healthy || !hasIntent(rep.Leftovers, "2025-10-01") {
		t.Fatalf("check = %+v, want the date reported with its intent", rep)
	}
	rr, err := ss.Recover(ctx)
	must(t, err)
	if !rr.Recovered || len(rr.Actions) == 0 || rr.Actions[0].Action != "rollback-publish" {
		t.Fatalf("recover = %+v", rr.Actions)
	}
	for _, a := range rr.Actions {
		if a.Action == "quarantine" {
			t.Fatalf("recover quarantined: %+v", a)
		}
	}
	v, err = ss.GetFresh(ctx, "2025-10-01")
	must(t, err)
	df, err = v.District(ctx, "1")
	if err != nil || df.DistrictName != "old" || v.Metadata.Source != "old" {
		t.Fatalf("after roll-back: %+v %v", df, err)
	}
}
