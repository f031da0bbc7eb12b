package analytics

import (
	"sort"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// Helpers over a series of points sorted by date (oldest first), as
// toaststats.History and toaststats.Series return them.

// PointsBetween returns the points with start <= Date <= end; "" leaves
// that end open. It shares points' backing array.
func PointsBetween(points []Point, start, end string) []Point {
	i := sort.Search(len(points), func(i int) bool { return start == "" || points[i].Date >= start })
	j := sort.Search(len(points), func(j int) bool { return end != "" && points[j].Date > end })
	if i >= j {
		return nil
	}
	return points[i:j]
}

// LastDate is the date of the last point, "" for none.
func LastDate(points []Point) string {
	if len(points) == 0 {
		return ""
	}
	return points[len(points)-1].Date
}

// PointOn returns a copy of the point of date and of the point before it
// (nil when there is none), or nil, nil when no point has date.
func PointOn(points []Point, date string) (cur, prev *Point) {
	i := sort.Search(len(points), func(i int) bool { return points[i].Date >= date })
	if i == len(points) || points[i].Date != date {
		return nil, nil
	}
	p := points[i]
	if i > 0 {
		q := points[i-1]
		prev = &q
	}
	return &p, prev
}

// PointBefore returns a copy of the last point dated before date, or nil.
func PointBefore(points []Point, date string) *Point {
	i := sort.Search(len(points), func(i int) bool { return points[i].Date >= date })
	if i == 0 {
		return nil
	}
	p := points[i-1]
	return &p
}

// ProgramYearStartDate is the first day (July 1) of the program year of
// date ("2026-02-10" gives "2025-07-01"); "" when date is unreadable.
func ProgramYearStartDate(date string) string {
	return programYearBounds(programYearOf(date)).StartDate
}

// RankHistoryRange completes the range of a rank history answered on the
// snapshot of ref: the program year is that of start (of ref without
// start), and a missing start or end is that year's first or last day. The
// range never runs past ref: an answer on an older snapshot (?date=) holds
// no rank from after it, like every other answer on that snapshot.
func RankHistoryRange(ref, start, end string) (programYear, from, to string) {
	programYear = programYearOf(ref)
	if start != "" {
		programYear = programYearOf(start)
	}
	b := programYearBounds(programYear)
	from, to = start, end
	if from == "" {
		from = b.StartDate
	}
	if to == "" {
		to = b.EndDate
	}
	if programYearOf(ref) != "" && to > ref {
		to = ref
	}
	return programYear, from, to
}

// MonthsBefore returns the date n months before date, on the same day of
// the month or, when that month is shorter, on its last day ("2026-03-31",
// 1 gives "2026-02-28"; "2024-02-29", 12 gives "2023-02-28"); "" when date
// is not YYYY-MM-DD.
func MonthsBefore(date string, n int) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	first := time.Date(t.Year(), t.Month()-time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := snapshot.LastDayOfMonth(first.Format("2006-01"))
	if d := first.AddDate(0, 0, t.Day()-1).Format(time.DateOnly); d < last {
		return d
	}
	return last
}

// AnalyticsRange completes the range of a series answer read on the
// snapshot of ref: the range ends at end, or at ref when end is "" or after
// it, and starts at start, or on the first day of the program year of that
// end.
func AnalyticsRange(ref, start, end string) (from, to string) {
	to = end
	if to == "" || to > ref {
		to = ref
	}
	from = start
	if from == "" {
		from = ProgramYearStartDate(to)
	}
	return from, to
}

// YearOverYearOn is YearOverYear of the point of date against
// PreviousYearPoint(points, date); nil when no point has date.
func YearOverYearOn(points []Point, date string) *YearOverYearReport {
	cur, _ := PointOn(points, date)
	if cur == nil {
		return nil
	}
	return YearOverYear(*cur, PreviousYearPoint(points, date))
}

// PreviousProgramYearPoints returns the points of the program year before
// that of date (for "2026-02-10", those of 2024-07-01..2025-06-30); nil when
// date is unreadable.
func PreviousProgramYearPoints(points []Point, date string) []Point {
	prev := programYearBounds(programYearOf(previousYearDate(date)))
	if prev.StartDate == "" {
		return nil
	}
	return PointsBetween(points, prev.StartDate, prev.EndDate)
}
