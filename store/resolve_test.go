package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestResolve(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	closing := true
	aug := makeSnapshot("2025-08-31", "success", 1, 1)
	aug.Metadata.IsClosingPeriodData, aug.Metadata.CollectionDate, aug.Metadata.DataAsOfDate = &closing, "2025-09-03", "2025-09-02"
	must(t, st.Snapshots().Publish(ctx, aug))
	must(t, st.Snapshots().Publish(ctx, makeSnapshot("2025-09-10", "success", 1, 1)))
	// A second closing-period snapshot, the newest: the dates after it are
	// answered from it, but only those of the month it was closing in are a
	// closing-period gap.
	sep := makeSnapshot("2025-09-30", "success", 1, 1)
	sep.Metadata.IsClosingPeriodData, sep.Metadata.CollectionDate, sep.Metadata.DataAsOfDate = &closing, "2025-10-06", "2025-10-05"
	must(t, st.Snapshots().Publish(ctx, sep))
	now := func() time.Time { return time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC) }

	for _, c := range []struct {
		date     string
		fallback bool
		want     string // snapshot id; "" = ErrSnapshotNotFound
		reason   string // fallback reason; "" = none
	}{
		{"2025-09-10", false, "2025-09-10", ""},
		{"2025-09-03", false, "2025-08-31", ""}, // collection date
		{"2025-09-02", false, "2025-08-31", ""}, // dashboard as-of date
		{"2025-09-05", false, "", ""},
		{"2025-09-05", true, "2025-08-31", "closing_period_gap"}, // August data answering September
		{"2025-09-15", true, "2025-09-10", "no_snapshot_for_date"},
		{"2025-10-03", true, "2025-09-30", "closing_period_gap"},   // September data answering October
		{"2025-12-01", true, "2025-09-30", "no_snapshot_for_date"}, // two months later: not the close
		{"2026-01-05", true, "2025-09-30", "no_snapshot_for_date"},
		{"2026-02-01", true, "2025-09-30", "future_date"},
		{"2025-08-01", true, "", ""}, // nothing on or before
	} {
		v, fb, err := st.Snapshots().Resolve(ctx, c.date, ResolveOptions{Fallback: c.fallback, Now: now})
		if c.want == "" {
			if !errors.Is(err, ErrSnapshotNotFound) {
				t.Errorf("%s (fallback %v): %v, want ErrSnapshotNotFound", c.date, c.fallback, err)
			}
			continue
		}
		if err != nil || v.ID != c.want {
			t.Errorf("%s (fallback %v): %v %v, want %s", c.date, c.fallback, v, err, c.want)
			continue
		}
		reason := ""
		if fb != nil {
			reason = fb.FallbackReason
			if fb.RequestedDate != c.date || fb.ActualSnapshotDate != c.want || fb.IsClosingPeriodData != (c.want == "2025-08-31" || c.want == "2025-09-30") {
				t.Errorf("%s: fallback %+v", c.date, fb)
			}
		}
		if reason != c.reason {
			t.Errorf("%s: reason %q, want %q", c.date, reason, c.reason)
		}
	}
	if _, _, err := st.Snapshots().Resolve(ctx, "2025-02-30", ResolveOptions{}); err == nil {
		t.Error("2025-02-30 resolved")
	}
	if v, fb, err := st.Snapshots().Resolve(ctx, "", ResolveOptions{}); err != nil || v == nil || fb != nil {
		t.Errorf("current: %v %v %v", v, fb, err)
	}
}
