package store

import (
	"context"
	"testing"
)

func TestCollections(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	// 2025-09-01 holds districts 1..3, 2025-09-02 districts 1..2.
	must(t, st.Snapshots().Publish(ctx, makeSnapshot("2025-09-01", "success", 3, 2)))
	must(t, st.Snapshots().Publish(ctx, makeSnapshot("2025-09-02", "success", 2, 2)))
	got := st.Snapshots().Collections(ctx, []string{"2025-09-01", "2025-09-02", "2025-09-09"}, []string{"1", "3", "7"})
	want := []struct {
		last   string
		status string
		count  int
	}{{"2025-09-02", "valid", 2}, {"2025-09-01", "valid", 1}, {"", "unknown", 0}}
	if len(got) != 3 {
		t.Fatalf("%+v", got)
	}
	for i, w := range want {
		g := got[i]
		last := ""
		if g.LastSuccessfulCollection != nil {
			last = *g.LastSuccessfulCollection
		}
		if last != w.last || g.Status != w.status || g.RecentSuccessCount != w.count {
			t.Errorf("district %s: %s %s %d, want %+v", g.DistrictID, last, g.Status, g.RecentSuccessCount, w)
		}
	}
}

func TestCachedDates(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	rc := st.Raw()
	// 2025-09-01: summary (4 bytes) + two reports of district 42 (2 bytes
	// each) = 3 reports, 1 district, 8 bytes; built into a snapshot.
	// 2025-09-02: summary only, not built.
	must(t, rc.Put(ctx, "2025-09-01", "", ReportSummary, []byte("a\n1\n"), PutInfo{DataMonth: "2025-08"}))
	must(t, rc.Put(ctx, "2025-09-01", "42", ReportClub, []byte("c\n"), PutInfo{}))
	must(t, rc.Put(ctx, "2025-09-01", "42", ReportDistrict, []byte("d\n"), PutInfo{}))
	must(t, rc.Put(ctx, "2025-09-02", "", ReportSummary, []byte("a\n1\n"), PutInfo{}))
	snap := makeSnapshot("2025-08-31", "success", 1, 1)
	snap.Metadata.CollectionDate = "2025-09-01"
	must(t, st.Snapshots().Publish(ctx, snap))

	got, err := st.CachedDates(ctx)
	must(t, err)
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	a, b := got[0], got[1]
	if a.Date != "2025-09-01" || !a.HasSummary || a.Districts != 1 || a.Reports != 3 || !a.HasSnapshot || a.DataMonth != "2025-08" || a.TotalBytes != 8 {
		t.Errorf("first date: %+v", a)
	}
	if b.Date != "2025-09-02" || b.Districts != 0 || b.Reports != 1 || b.HasSnapshot || b.TotalBytes != 4 {
		t.Errorf("second date: %+v", b)
	}
}

func TestHealth(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	h, err := st.Snapshots().Health(ctx)
	if err != nil || h.IsReady || h.CurrentSnapshot != nil || !h.StoreStatus.StoreAccessible || h.RecentActivity.TotalSnapshots != 0 {
		t.Fatalf("empty store: %+v %v", h, err)
	}
	must(t, st.Snapshots().Publish(ctx, makeSnapshot("2025-09-01", "success", 2, 1)))
	must(t, st.Snapshots().Publish(ctx, makeSnapshot("2025-09-02", "failed", 1, 1)))
	h, err = st.Snapshots().Health(ctx)
	must(t, err)
	// The failed 09-02 is the latest; the current one stays the successful
	// 09-01, which is the newest success.
	a := h.RecentActivity
	if !h.IsReady || h.CurrentSnapshot == nil || h.CurrentSnapshot.SnapshotID != "2025-09-01" || h.CurrentSnapshot.DistrictCount != 2 ||
		h.LatestSnapshot == nil || h.LatestSnapshot.SnapshotID != "2025-09-02" || h.LatestSnapshot.Status != "failed" ||
		a.TotalSnapshots != 2 || a.SuccessfulSnapshots != 1 || a.FailedSnapshots != 1 || a.PartialSnapshots != 0 ||
		!h.StoreStatus.CurrentMatchesLatest || !h.StoreStatus.HasCurrentSnapshot {
		t.Fatalf("health: %+v", h)
	}
}

func TestInspect(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	snap := makeSnapshot("2025-09-01", "success", 2, 3)
	snap.Metadata.Errors = []string{"abc", "de"} // 3 + 2 = 5 bytes
	must(t, st.Snapshots().Publish(ctx, snap))
	v, err := st.Snapshots().Get(ctx, "2025-09-01")
	must(t, err)
	in := v.Inspect(ctx)
	var files int64
	for _, m := range v.Manifest.Districts {
		files += m.FileSize
	}
	sa := in.SizeAnalysis
	if in.SnapshotID != "2025-09-01" || in.PayloadSummary.DistrictCount != 2 || len(in.PayloadSummary.Districts) != 2 ||
		sa.PayloadSizeEstimate != files || sa.TotalSizeEstimate != files+v.Manifest.AllDistrictsRankings.Size || sa.ErrorsSize != 5 {
		t.Fatalf("inspection: %+v", in)
	}
	d := in.PayloadSummary.Districts[0]
	if d.DistrictID != "1" || d.Status != "success" || d.Error != "" || d.MembershipTotal == 0 {
		t.Errorf("district digest: %+v", d)
	}
	p, err := v.Payload(ctx)
	if err != nil || len(p.Districts) != 2 || p.Districts[1].DistrictID != "2" || p.Rankings == nil || len(p.Rankings.Rankings) != 2 || p.Metadata.SnapshotID != "2025-09-01" {
		t.Fatalf("payload: %+v %v", p, err)
	}
}

func TestCheckConfig(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	c, err := st.CheckConfig(ctx, nil)
	if err != nil || c.Exists || !c.IsValid || len(c.Warnings) != 2 || len(c.ConfiguredDistricts) != 0 || c.LastCollectionInfo == nil {
		t.Fatalf("empty: %+v %v", c, err)
	}
	_, err = st.Config().Add(ctx, []string{"1", "99"}, "test")
	must(t, err)
	must(t, st.Snapshots().Publish(ctx, makeSnapshot("2025-09-01", "success", 2, 1))) // ranks districts 1 and 2
	c, err = st.CheckConfig(ctx, []string{"2025-09-01"})
	must(t, err)
	if !c.Exists || c.IsValid || len(c.Warnings) != 0 || len(c.ValidDistricts) != 1 || c.ValidDistricts[0] != "1" ||
		len(c.InvalidDistricts) != 1 || c.InvalidDistricts[0] != "99" || len(c.LastCollectionInfo) != 2 || c.LastCollectionInfo[0].RecentSuccessCount != 1 {
		t.Fatalf("checked: %+v", c)
	}
}

func TestDatesWithDistrict(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	must(t, st.Snapshots().Publish(ctx, makeSnapshot("2025-09-01", "success", 3, 1)))
	must(t, st.Snapshots().Publish(ctx, makeSnapshot("2025-09-02", "success", 2, 1)))
	// District 3 is only in 09-01; 09-09 does not exist.
	got, err := st.Snapshots().DatesWithDistrict(ctx, []string{"2025-09-01", "2025-09-02", "2025-09-09"}, "3")
	if err != nil || len(got) != 1 || got[0] != "2025-09-01" {
		t.Fatalf("district 3: %v %v", got, err)
	}
	if got, _ = st.Snapshots().DatesWithDistrict(ctx, []string{"2025-09-01", "2025-09-02"}, "1"); len(got) != 2 {
		t.Fatalf("district 1: %v", got)
	}
}
