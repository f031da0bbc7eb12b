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
