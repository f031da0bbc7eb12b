package analytics

import "testing"

func TestPreviousYearPoint(t *testing.T) {
	pts := []Point{{Date: "2024-11-10"}, {Date: "2024-11-14"}, {Date: "2025-11-15"}}
	for _, c := range []struct{ date, want string }{
		{"2025-11-14", "2024-11-14"}, // the same day a year earlier
		{"2025-11-15", "2024-11-14"}, // target 2024-11-15 is missing: the day before
		{"2025-11-21", "2024-11-14"}, // target 2024-11-21, floor 2024-11-14: still in the week
		{"2025-11-22", ""},           // floor 2024-11-15 > 2024-11-14: none
		{"2025-11-09", ""},           // nothing on or before 2024-11-09
		{"2024-03-01", ""},           // nothing a year before the first point
		{"not a date", ""},
	} {
		got := PreviousYearPoint(pts, c.date)
		if (got == nil) != (c.want == "") || got != nil && got.Date != c.want {
			t.Errorf("PreviousYearPoint(%s) = %v, want %q", c.date, got, c.want)
		}
	}
}
