package toaststats

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// Verify reports a snapshot record that leaves out some of the snapshot's
// districts ("incomplete", as Reindex wrote them for districts past its
// first batch before it listed them all), and Reindex repairs it.
func TestVerifyReportsAnIncompleteSnapshotRecord(t *testing.T) {
	ctx := context.Background()
	st, err := CreateStore(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const id = "2025-11-20"
	created := time.Date(2025, 11, 20, 12, 0, 0, 0, time.UTC)
	snap := &snapshot.Snapshot{Metadata: snapshot.Metadata{SnapshotID: id, CreatedAt: created, SchemaVersion: snapshot.SchemaVersion,
		CalculationVersion: snapshot.CalculationVersion, Status: snapshot.StatusSuccess, Source: "test", DataAsOfDate: id,
		LogicalDate: id, CollectionDate: id, ProgramYear: "2025-2026", DataMonth: "2025-11",
		ConfiguredDistricts: []string{"7", "42", "61"}, SuccessfulDistricts: []string{"7", "42", "61"},
		Errors: []string{}, Warnings: []string{}, DistrictErrors: []snapshot.DistrictError{}}}
	for _, did := range snap.Metadata.SuccessfulDistricts {
		snap.Districts = append(snap.Districts, snapshot.DistrictFile{DistrictID: did, DistrictName: "District " + did, CollectedAt: created,
			Status: snapshot.StatusSuccess, Data: snapshot.District{DistrictID: did, AsOfDate: id, DataMonth: "2025-11", ProgramYear: "2025-2026"}})
	}
	if err := st.Snapshots().Publish(ctx, snap); err != nil {
		t.Fatal(err)
	}
	h := NewHistory(st, nil)
	if _, err := h.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if probs, err := h.Verify(ctx); err != nil || len(probs) != 0 {
		t.Fatalf("verify after reindex: %+v %v", probs, err)
	}

	// The snapshot record as the old Reindex wrote it: only district 7.
	recs, err := h.recordsOf(ctx, id, map[string]bool{"7": true}, true)
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.Snapshots().GetFresh(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	stamp, err := st.Snapshots().Stamp(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := encodeValue(kindSnapshot, &snapshotDay{Metadata: v.Metadata, Districts: []string{"7"}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := meta.payload(id, stamp)
	if err != nil {
		t.Fatal(err)
	}
	if recs[0].key != snapshotsKey("2025-2026") {
		t.Fatalf("first record goes to %s", recs[0].key)
	}
	if err := store.WriteRecords(ctx, st.Objects(), recs[0].key, p); err != nil {
		t.Fatal(err)
	}
	probs, err := h.Verify(ctx)
	if err != nil || len(probs) != 1 || probs[0].Problem != "incomplete" || probs[0].SnapshotID != id ||
		!strings.Contains(probs[0].Detail, "leaves out 2 of its 3 districts (first 42)") {
		t.Fatalf("verify with an incomplete record: %+v %v", probs, err)
	}
	if _, err := h.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if probs, err := h.Verify(ctx); err != nil || len(probs) != 0 {
		t.Fatalf("verify after the repair: %+v %v", probs, err)
	}
}
