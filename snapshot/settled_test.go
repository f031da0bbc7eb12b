package snapshot

import (
	"testing"
	"time"
)

func TestSettled(t *testing.T) {
	// 2026-01-01 + 45 days = 2026-02-15 00:00 UTC.
	for _, c := range []struct {
		date string
		now  time.Time
		want bool
	}{
		{"2026-01-01", time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC), false},
		{"2026-01-01", time.Date(2026, 2, 15, 0, 0, 1, 0, time.UTC), true},
		{"2026-01-01", time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC), false},
		{"snapshot_1700000000", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		if got := Settled(c.date, c.now); got != c.want {
			t.Errorf("Settled(%s, %v) = %v, want %v", c.date, c.now, got, c.want)
		}
	}
}
