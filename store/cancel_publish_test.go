package store

import (
	"context"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// swapThenCancel is the data directory, but the publish's context ends the
// moment its folder swap has put the new snapshot in place: what a server
// sees when SIGTERM (or DELETE of a reconciliation job) cancels a build in
// the last milliseconds of its publish.
type swapThenCancel struct {
	*DirObjects
	cancel context.CancelFunc
}

func (o *swapThenCancel) SwapDir(ctx context.Context, staged, final string) (bool, error) {
	existed, err := o.DirObjects.SwapDir(ctx, staged, final)
	if o.cancel != nil {
		o.cancel()
	}
	return existed, err
}

// TestPublishCancelledAfterSwapMovesPointer: once the swap has put a
// successful snapshot in place, the publish is done, and a cancellation
// must not leave current.json on the older snapshot. Left there, nothing
// moved it again: the next build finds the newest snapshot up to date, so
// a server restarted after a SIGTERM in that window served yesterday's
// snapshot until a newer collection arrived.
func TestPublishCancelledAfterSwapMovesPointer(t *testing.T) {
	localOnly(t, "wraps the directory backend's folder swap")
	objs, err := NewDirObjects(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	wrapped := &swapThenCancel{DirObjects: objs}
	st := OpenObjects(objs.Dir(), wrapped, Options{})
	t.Cleanup(func() { st.Close() })
	snaps := st.Snapshots()

	if err := snaps.Publish(t.Context(), makeSnapshot("2025-10-30", snapshot.StatusSuccess, 2, 3)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	wrapped.cancel = cancel
	if err := snaps.Publish(ctx, makeSnapshot("2025-10-31", snapshot.StatusSuccess, 2, 3)); err != nil {
		t.Fatalf("publish cancelled after its swap: %v (the snapshot is in place; the publish is done)", err)
	}
	if ctx.Err() == nil {
		t.Fatal("the test did not cancel the publish")
	}
	p, err := snaps.Pointer(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if p.SnapshotID != "2025-10-31" {
		t.Fatalf("current.json names %s after the 2025-10-31 snapshot was swapped in; want 2025-10-31", p.SnapshotID)
	}
	if v, err := snaps.Get(t.Context(), "2025-10-31"); err != nil || v.Metadata.Status != snapshot.StatusSuccess {
		t.Fatalf("2025-10-31 after the publish: %v, %v", v, err)
	}
}
