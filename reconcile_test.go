package toaststats_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

// TestReconcile rebuilds a month's collections in date order. The fixture's
// raw metadata records no data month, so a collection belongs to the month
// of its date: November holds 2025-11-14, December the two closing-period
// collections of 12-03 and 12-05 (November's data), which both build into
// the snapshot of November 30; the newer (12-05) wins.
func TestReconcile(t *testing.T) {
	ctx := context.Background()
	st, _ := openFixture(t, fixture{dates: []string{"2025-11-14", "2025-12-03", "2025-12-05"}})
	b := newBuilder(st)

	res, err := b.Reconcile(ctx, "2025-12")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res {
		got = append(got, r.CollectionDate+"->"+r.SnapshotID)
	}
	if want := []string{"2025-12-03->2025-11-30", "2025-12-05->2025-11-30"}; !slices.Equal(got, want) {
		t.Fatalf("reconcile 2025-12 built %v, want %v", got, want)
	}
	v, err := st.Snapshots().Get(ctx, "2025-11-30")
	if err != nil || v.Metadata.CollectionDate != "2025-12-05" {
		t.Fatalf("2025-11-30 after reconcile: %v %v", v, err)
	}

	res, err = b.Reconcile(ctx, "2025-11")
	if err != nil || len(res) != 1 || res[0].SnapshotID != "2025-11-14" {
		t.Fatalf("reconcile 2025-11: %v %v", res, err)
	}
	if _, err := b.Reconcile(ctx, "2025-10"); !errors.Is(err, toaststats.ErrNothingCached) {
		t.Errorf("reconcile of a month with no collection: err = %v, want ErrNothingCached", err)
	}
	if _, err := b.Reconcile(ctx, "2025-1"); !errors.Is(err, store.ErrInvalidDate) {
		t.Errorf("reconcile of a malformed month: err = %v, want ErrInvalidDate", err)
	}
}

// Rebuild every collection of a data month after the month-end close: the
// collections published during the closing period become the snapshot of the
// month's last day, the newest winning.
func ExampleBuilder_Reconcile() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "toaststats-example")
	defer os.RemoveAll(dir)
	st, err := toaststats.OpenStore(dir, toaststats.StoreOptions{})
	if err != nil {
		panic(err)
	}
	// Two collections made during November's closing period (early
	// December), recorded as November's data, copied from the test fixture.
	for _, date := range []string{"2025-12-03", "2025-12-05"} {
		putFixture(ctx, st, date, store.PutInfo{DataMonth: "2025-11"})
	}

	results, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{}).Reconcile(ctx, "2025-11")
	if err != nil {
		panic(err)
	}
	for _, r := range results {
		fmt.Println(r.CollectionDate, "->", r.SnapshotID, r.Status)
	}
	// Output:
	// 2025-12-03 -> 2025-11-30 success
	// 2025-12-05 -> 2025-11-30 success
}
