package analytics_test

import (
	"testing"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
)

func datesOf(pts []analytics.Point) []string {
	out := []string{}
	for _, p := range pts {
		out = append(out, p.Date)
	}
	return out
}

func sameDates(t *testing.T, what string, got []analytics.Point, want ...string) {
	t.Helper()
	g := datesOf(got)
	if len(g) != len(want) {
		t.Errorf("%s: %v, want %v", what, g, want)
		return
	}
	for i := range g {
		if g[i] != want[i] {
			t.Errorf("%s: %v, want %v", what, g, want)
			return
		}
	}
}

func pointsOn(dates ...string) []analytics.Point {
	pts := make([]analytics.Point, len(dates))
	for i, d := range dates {
		pts[i].Date = d
	}
	return pts
}

func TestPointsBetween(t *testing.T) {
	pts := pointsOn("2026-01-05", "2026-01-06", "2026-01-09", "2026-02-01")
	sameDates(t, "both ends included", analytics.PointsBetween(pts, "2026-01-06", "2026-01-09"), "2026-01-06", "2026-01-09")
	sameDates(t, "open start", analytics.PointsBetween(pts, "", "2026-01-06"), "2026-01-05", "2026-01-06")
	sameDates(t, "open end", analytics.PointsBetween(pts, "2026-01-07", ""), "2026-01-09", "2026-02-01")
	sameDates(t, "open both", analytics.PointsBetween(pts, "", ""), "2026-01-05", "2026-01-06", "2026-01-09", "2026-02-01")
	sameDates(t, "a gap between points", analytics.PointsBetween(pts, "2026-01-07", "2026-01-08"))
	sameDates(t, "start after end", analytics.PointsBetween(pts, "2026-01-09", "2026-01-06"))
	sameDates(t, "no points", analytics.PointsBetween(nil, "", ""))
}

func TestPointOnAndBefore(t *testing.T) {
	pts := pointsOn("2026-01-05", "2026-01-06", "2026-01-09")
	if cur, prev := analytics.PointOn(pts, "2026-01-09"); cur == nil || cur.Date != "2026-01-09" || prev == nil || prev.Date != "2026-01-06" {
		t.Errorf("PointOn 01-09: %v, %v", cur, prev)
	}
	if cur, prev := analytics.PointOn(pts, "2026-01-05"); cur == nil || cur.Date != "2026-01-05" || prev != nil {
		t.Errorf("PointOn the first date: %v, %v", cur, prev)
	}
	if cur, prev := analytics.PointOn(pts, "2026-01-07"); cur != nil || prev != nil {
		t.Errorf("PointOn a date without a point: %v, %v", cur, prev)
	}
	cur, _ := analytics.PointOn(pts, "2026-01-06")
	cur.Date = "changed"
	if pts[1].Date != "2026-01-06" {
		t.Error("PointOn returned the series' own point, not a copy")
	}
	for date, want := range map[string]string{"2026-01-05": "", "2026-01-06": "2026-01-05", "2026-01-08": "2026-01-06", "2026-03-01": "2026-01-09"} {
		got := analytics.PointBefore(pts, date)
		if (got == nil) != (want == "") || got != nil && got.Date != want {
			t.Errorf("PointBefore(%s) = %v, want %q", date, got, want)
		}
	}
	if analytics.LastDate(pts) != "2026-01-09" || analytics.LastDate(nil) != "" {
		t.Error("LastDate")
	}
}

func TestProgramYearDates(t *testing.T) {
	// The program year runs July 1 to June 30.
	for date, want := range map[string]string{"2026-02-10": "2025-07-01", "2026-07-01": "2026-07-01", "2026-06-30": "2025-07-01", "nonsense": ""} {
		if got := analytics.ProgramYearStartDate(date); got != want {
			t.Errorf("ProgramYearStartDate(%s) = %q, want %q", date, got, want)
		}
	}
	for _, c := range []struct{ ref, start, end, py, from, to string }{
		// The range ends at the snapshot answered on, not at the year's end.
		{"2026-02-10", "", "", "2025-2026", "2025-07-01", "2026-02-10"},
		{"2026-06-30", "", "", "2025-2026", "2025-07-01", "2026-06-30"},
		// start names the year, whatever the snapshot's.
		{"2026-02-10", "2024-09-01", "", "2024-2025", "2024-09-01", "2025-06-30"},
		{"2026-02-10", "", "2026-01-31", "2025-2026", "2025-07-01", "2026-01-31"},
		// An end after the snapshot is cut to it.
		{"2026-02-10", "", "2026-05-31", "2025-2026", "2025-07-01", "2026-02-10"},
		// An unreadable ref cuts nothing.
		{"latest", "2024-09-01", "", "2024-2025", "2024-09-01", "2025-06-30"},
	} {
		py, from, to := analytics.RankHistoryRange(c.ref, c.start, c.end)
		if py != c.py || from != c.from || to != c.to {
			t.Errorf("RankHistoryRange(%q, %q, %q) = %q %q %q, want %q %q %q", c.ref, c.start, c.end, py, from, to, c.py, c.from, c.to)
		}
	}
	for _, c := range []struct {
		date string
		n    int
		want string
	}{
		{"2026-04-12", 12, "2025-04-12"},
		{"2026-01-15", 2, "2025-11-15"},
		// A day the target month lacks is that month's last day, never a
		// day of the next month (time.AddDate's "February 31" is March 3).
		{"2026-03-31", 1, "2026-02-28"}, // 2026: February has 28 days
		{"2026-03-29", 1, "2026-02-28"},
		{"2026-03-28", 1, "2026-02-28"},
		{"2024-03-31", 1, "2024-02-29"}, // 2024 is a leap year
		{"2024-03-30", 1, "2024-02-29"},
		{"2024-02-29", 12, "2023-02-28"}, // 2023 is not
		{"2028-02-29", 48, "2024-02-29"},
		{"2025-05-31", 1, "2025-04-30"}, // April has 30 days
		{"2025-12-31", 10, "2025-02-28"},
		{"2026-01-31", 2, "2025-11-30"}, // across the new year
		{"2025-08-31", 2, "2025-06-30"},
		{"2025-08-31", 24, "2023-08-31"},
		{"2026-13-01", 1, ""},
	} {
		if got := analytics.MonthsBefore(c.date, c.n); got != c.want {
			t.Errorf("MonthsBefore(%s, %d) = %q, want %q", c.date, c.n, got, c.want)
		}
	}
}

func TestAnalyticsRange(t *testing.T) {
	for _, c := range []struct{ ref, start, end, from, to string }{
		// Nothing asked: the program year of the snapshot, up to it.
		{"2026-02-10", "", "", "2025-07-01", "2026-02-10"},
		// An end after the snapshot is the snapshot.
		{"2026-02-10", "", "2026-05-01", "2025-07-01", "2026-02-10"},
		// An earlier end in the previous program year starts that year.
		{"2026-02-10", "", "2025-03-01", "2024-07-01", "2025-03-01"},
		{"2026-02-10", "2025-12-01", "", "2025-12-01", "2026-02-10"},
	} {
		from, to := analytics.AnalyticsRange(c.ref, c.start, c.end)
		if from != c.from || to != c.to {
			t.Errorf("AnalyticsRange(%q, %q, %q) = %q %q, want %q %q", c.ref, c.start, c.end, from, to, c.from, c.to)
		}
	}
}

func TestYearOverYearOn(t *testing.T) {
	// 2025-02-28 is the comparison point of 2026-02-28, and also of
	// 2026-03-01 (2025-03-01 has no point; 2025-02-28 is within the week
	// before it).
	pts := pointsOn("2025-02-28", "2026-02-28", "2026-03-01")
	for i := range pts {
		pts[i].District = &snapshot.District{DistrictID: "61"}
	}
	if analytics.YearOverYearOn(pts, "2026-02-27") != nil {
		t.Error("a report for a date without a point")
	}
	for _, date := range []string{"2026-02-28", "2026-03-01"} {
		rep := analytics.YearOverYearOn(pts, date)
		if rep == nil || !rep.DataAvailable || rep.CurrentDate != date || rep.PreviousYearDate != "2025-02-28" || rep.DistrictID != "61" {
			t.Fatalf("%s: %+v", date, rep)
		}
	}
	if rep := analytics.YearOverYearOn(pts[1:], "2026-02-28"); rep == nil || rep.DataAvailable {
		t.Errorf("no point a year earlier: %+v", rep)
	}
}

func TestPreviousProgramYearPoints(t *testing.T) {
	// The program year before that of 2026-02-10 (2025-2026) is
	// 2024-07-01..2025-06-30.
	pts := pointsOn("2024-06-30", "2024-07-01", "2025-01-15", "2025-06-30", "2025-07-01", "2026-02-10")
	sameDates(t, "2026-02-10", analytics.PreviousProgramYearPoints(pts, "2026-02-10"), "2024-07-01", "2025-01-15", "2025-06-30")
	sameDates(t, "2025-07-01", analytics.PreviousProgramYearPoints(pts, "2025-07-01"), "2024-07-01", "2025-01-15", "2025-06-30")
	sameDates(t, "2025-06-30", analytics.PreviousProgramYearPoints(pts, "2025-06-30"), "2024-06-30")
	sameDates(t, "unreadable", analytics.PreviousProgramYearPoints(pts, "soon"))
}
