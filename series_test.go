package toaststats_test

import (
	"context"
	"sync"
	"testing"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// seriesStore is a store with the example world's 2026-04-10..12 built.
func seriesStore(t *testing.T) *store.Store {
	t.Helper()
	st, done, err := exampleStore(context.Background(), "2026-04-10", "2026-04-11", "2026-04-12")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(done)
	return st
}

func TestSeriesCachesDistrictsPerFingerprint(t *testing.T) {
	ctx := context.Background()
	st := seriesStore(t)
	s := toaststats.NewSeries(st, nil)

	ids, err := s.SuccessfulIDs(ctx)
	if err != nil || len(ids) != 3 || ids[0] != "2026-04-10" || ids[2] != "2026-04-12" {
		t.Fatalf("successful ids %v, %v", ids, err)
	}
	want, err := toaststats.NewHistory(st, nil).District(ctx, "61")
	if err != nil {
		t.Fatal(err)
	}
	pts, fp, err := s.District(ctx, "61")
	if err != nil || len(pts) != 3 || fp != want.Fingerprint || pts[2].District.Membership.Total != want.Points[2].District.Membership.Total {
		t.Fatalf("series of 61: %d points, fingerprint %q (want %q), %v", len(pts), fp, want.Fingerprint, err)
	}
	if none, _, err := s.District(ctx, "999"); err != nil || len(none) != 0 {
		t.Fatalf("unknown district: %d points, %v", len(none), err)
	}

	// Concurrent callers share one load (singleflight) and the cache: the
	// same backing array for all of them.
	var wg sync.WaitGroup
	got := make([]*analytics.Point, 8)
	for i := range got {
		wg.Go(func() {
			p, _, err := s.District(ctx, "61")
			if err == nil {
				got[i] = &p[0]
			}
		})
	}
	wg.Wait()
	for i, p := range got {
		if p != &pts[0] {
			t.Fatalf("caller %d got another series than the cached one", i)
		}
	}

	// Two district series are kept: after 61, 02 and 118, 61 is loaded
	// again, and 118 is still cached.
	s.District(ctx, "02")
	p118, _, _ := s.District(ctx, "118")
	again, _, _ := s.District(ctx, "61")
	if len(p118) != 3 || len(again) != 3 {
		t.Fatalf("series of 118 and 61: %d and %d points", len(p118), len(again))
	}
	if &again[0] == &pts[0] {
		t.Error("61 still cached after two other districts were loaded")
	}
	if p, _, _ := s.District(ctx, "118"); &p[0] != &p118[0] {
		t.Error("118 was dropped although it is one of the two most recent")
	}

	// Clear drops everything.
	s.Clear()
	if p, _, _ := s.District(ctx, "118"); &p[0] == &p118[0] {
		t.Error("118 still cached after Clear")
	}
}

func TestSeriesSeesANewCurrentSnapshotAtOnce(t *testing.T) {
	ctx := context.Background()
	st := seriesStore(t)
	s := toaststats.NewSeries(st, nil)
	fp1, err := s.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, sfp1, _ := s.Successful(ctx)

	// Republish the newest snapshot (a rebuild): the current pointer's
	// generation changes, so neither listing is reused (no ListTTL wait).
	v, err := st.Snapshots().Get(ctx, "2026-04-12")
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Payload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	snap := &snapshot.Snapshot{Metadata: p.Metadata, Rankings: p.Rankings, Districts: p.Districts}
	snap.Metadata.CreatedAt = snap.Metadata.CreatedAt.Add(1)
	if err := st.Snapshots().Publish(ctx, snap); err != nil {
		t.Fatal(err)
	}
	fp2, err := s.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, sfp2, _ := s.Successful(ctx)
	if fp2 == fp1 || sfp2 == sfp1 {
		t.Errorf("fingerprints unchanged after a republish: listing %s -> %s, successful %s -> %s", fp1, fp2, sfp1, sfp2)
	}
}

func TestSeriesRankings(t *testing.T) {
	ctx := context.Background()
	st := seriesStore(t)
	s := toaststats.NewSeries(st, nil)
	ranked, err := s.Rankings(ctx)
	if err != nil || len(ranked) != 3 || ranked[0].ID != "2026-04-10" || ranked[0].TotalDistricts != 3 || len(ranked[0].Rankings) != 3 {
		t.Fatalf("rankings: %+v, %v", ranked, err)
	}
	pts, err := s.RankPoints(ctx, "61", "2026-04-11", "2026-04-12")
	if err != nil || len(pts) != 2 || pts[0].Date != "2026-04-11" || pts[0].Ranking.DistrictID != "61" || pts[0].District.DistrictID != "61" {
		t.Fatalf("rank points: %+v, %v", pts, err)
	}
}

func TestRankPointsOf(t *testing.T) {
	row := func(id string, rank int) snapshot.DistrictRanking {
		return snapshot.DistrictRanking{DistrictID: id, OverallRank: rank}
	}
	ranked := []toaststats.RankedSnapshot{
		{ID: "2026-01-01", Rankings: []snapshot.DistrictRanking{row("42", 1), row("61", 2)}, TotalDistricts: 2},
		{ID: "2026-01-02", Rankings: []snapshot.DistrictRanking{row("42", 1)}, TotalDistricts: 1},
		{ID: "2026-01-03", Rankings: []snapshot.DistrictRanking{row("61", 1), row("42", 2)}, TotalDistricts: 2},
		{ID: "2026-01-04", Rankings: []snapshot.DistrictRanking{row("61", 2), row("42", 1)}, TotalDistricts: 2},
	}
	// 61 is ranked on the 1st, 3rd and 4th; the range keeps the 1st..3rd.
	pts := toaststats.RankPointsOf(ranked, "61", "2026-01-01", "2026-01-03")
	if len(pts) != 2 || pts[0].Date != "2026-01-01" || pts[0].Ranking.OverallRank != 2 || pts[1].Date != "2026-01-03" || pts[1].Ranking.OverallRank != 1 ||
		pts[1].TotalDistricts != 2 || pts[1].District.DistrictID != "61" {
		t.Fatalf("rank points of 61: %+v", pts)
	}
	if pts := toaststats.RankPointsOf(ranked, "F", "", "9999"); len(pts) != 0 {
		t.Errorf("an unranked district has points: %+v", pts)
	}
}
