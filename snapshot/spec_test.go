package snapshot

import (
	"reflect"
	"testing"
	"time"
)

// Spec-fidelity tables for the area and division rules of spec/dashboard.md
// §2.3 and §3.6, every value worked by hand from the spec text.

// "Area: paid clubs ≥ base (D, S) or base+1 (P); distinguished clubs ≥
// ⌈50% of base⌉ (D) or ⌈50%⌉+1 (S, P). Division: paid ≥ base / base+1 /
// base+2; distinguished ≥ ⌈45% / 50% / 55% of base⌉." Bases 4, 5, 6, 18
// and 28 are the spec's back-solved rows; 20, 40 and 100 are exact
// multiples of 45 %, 50 % and 55 %, where a floating-point ceiling would be
// one too high (100 × 0.55 = 55.00000000000001 → 56).
func TestSpecStandingGoalFormulas(t *testing.T) {
	areas := []struct {
		base       int
		paid, dist TierGoals
	}{
		{1, goals(1, 1, 2), goals(1, 2, 2)}, // ⌈0.5⌉ = 1
		{2, goals(2, 2, 3), goals(1, 2, 2)}, // ⌈1⌉ = 1
		{3, goals(3, 3, 4), goals(2, 3, 3)}, // ⌈1.5⌉ = 2
		{4, goals(4, 4, 5), goals(2, 3, 3)}, // spec: base 4 → 4/4/5, 2/3/3
		{5, goals(5, 5, 6), goals(3, 4, 4)}, // spec: base 5 → 5/5/6, 3/4/4
		{6, goals(6, 6, 7), goals(3, 4, 4)}, // spec: base 6 → 6/6/7, 3/4/4
		{7, goals(7, 7, 8), goals(4, 5, 5)}, // ⌈3.5⌉ = 4
		{20, goals(20, 20, 21), goals(10, 11, 11)},
	}
	for _, tc := range areas {
		p, d, src := StandingGoals(&Standing{ClubBase: tc.base}, true)
		if p != tc.paid || d != tc.dist || src != "derived" {
			t.Errorf("area base %d: paid %+v dist %+v (%s), want %+v %+v", tc.base, p, d, src, tc.paid, tc.dist)
		}
	}
	divisions := []struct {
		base       int
		paid, dist TierGoals
	}{
		{1, goals(1, 2, 3), goals(1, 1, 1)},      // ⌈0.45⌉, ⌈0.5⌉, ⌈0.55⌉
		{2, goals(2, 3, 4), goals(1, 1, 2)},      // ⌈0.9⌉, ⌈1⌉, ⌈1.1⌉
		{18, goals(18, 19, 20), goals(9, 9, 10)}, // spec: ⌈8.1⌉, ⌈9⌉, ⌈9.9⌉
		{20, goals(20, 21, 22), goals(9, 10, 11)},
		{28, goals(28, 29, 30), goals(13, 14, 16)}, // spec: ⌈12.6⌉, ⌈14⌉, ⌈15.4⌉
		{40, goals(40, 41, 42), goals(18, 20, 22)},
		{100, goals(100, 101, 102), goals(45, 50, 55)},
	}
	for _, tc := range divisions {
		p, d, src := StandingGoals(&Standing{ClubBase: tc.base}, false)
		if p != tc.paid || d != tc.dist || src != "derived" {
			t.Errorf("division base %d: paid %+v dist %+v (%s), want %+v %+v", tc.base, p, d, src, tc.paid, tc.dist)
		}
	}
}

// A division exactly at a tier's two goals earns it; one club short of
// either does not (base 20: paid 20/21/22, distinguished 9/10/11).
func TestSpecDivisionAtThresholds(t *testing.T) {
	tests := []struct {
		paid, dist int
		level      string
		next       *TierGap
	}{
		{19, 11, "", &TierGap{Tier: "D", PaidClubsNeeded: 1}},
		{20, 8, "", &TierGap{Tier: "D", DistinguishedClubsNeeded: 1}},
		{20, 9, "D", &TierGap{Tier: "S", PaidClubsNeeded: 1, DistinguishedClubsNeeded: 1}},
		{21, 10, "S", &TierGap{Tier: "P", PaidClubsNeeded: 1, DistinguishedClubsNeeded: 1}},
		{22, 10, "S", &TierGap{Tier: "P", DistinguishedClubsNeeded: 1}},
		{22, 11, "P", nil},
	}
	for _, tc := range tests {
		s := Standing{ClubBase: 20, PaidClubs: tc.paid, DistinguishedClubs: tc.dist}
		StandingOn(&s, false, nil, "2026-06-30")
		if s.Level != tc.level || !reflect.DeepEqual(s.Next, tc.next) || s.Blocked != "" {
			t.Errorf("division paid %d dist %d: level %q next %+v blocked %q, want %q %+v", tc.paid, tc.dist, s.Level, s.Next, s.Blocked, tc.level, tc.next)
		}
	}
}

// "club-visit reports for ≥ 75% of the club base in round 1 (by Nov 30)
// and round 2 (by May 31)": the deadline day itself is still open, the day
// after it the round is closed. An area of base 4 needs 3 visits a round.
func TestSpecVisitDeadlines(t *testing.T) {
	area := func() Standing {
		return Standing{ClubBase: 4, PaidClubs: 5, DistinguishedClubs: 3, PaidGoals: goals(4, 4, 5), DistinguishedGoals: goals(2, 3, 3)}
	}
	tests := []struct {
		date     string
		visits   VisitCounts
		level    string
		need     int
		blocked  string
		deadline [2]string
	}{
		// Round 2 on its last day, two of three done: one visit still a need.
		{"2026-05-31", VisitCounts{3, 2}, "", 1, "", [2]string{"2025-11-30", "2026-05-31"}},
		// The day after: closed short, no tier this year.
		{"2026-06-01", VisitCounts{3, 2}, "", 0, "May club visits: 2 of 3 required by 2026-05-31; the round has closed", [2]string{"2025-11-30", "2026-05-31"}},
		// Round 1 the day after November 30.
		{"2025-12-01", VisitCounts{2, 0}, "", 0, "November club visits: 2 of 3 required by 2025-11-30; the round has closed", [2]string{"2025-11-30", "2026-05-31"}},
		// Both rounds at exactly 3 of 4 (75 %): President's.
		{"2026-06-30", VisitCounts{3, 3}, "P", 0, "", [2]string{"2025-11-30", "2026-05-31"}},
		// July 1 is the next program year: its rounds are both open again.
		{"2026-07-01", VisitCounts{0, 0}, "", 6, "", [2]string{"2026-11-30", "2027-05-31"}},
	}
	for _, tc := range tests {
		s := area()
		StandingOn(&s, true, &tc.visits, tc.date)
		need := 0
		if s.Next != nil {
			need = s.Next.VisitsNeeded
		}
		if s.Level != tc.level || need != tc.need || s.Blocked != tc.blocked {
			t.Errorf("%s %+v: level %q visits needed %d blocked %q; want %q %d %q", tc.date, tc.visits, s.Level, need, s.Blocked, tc.level, tc.need, tc.blocked)
		}
		if d := [2]string{VisitDeadline(RoundNovember, tc.date), VisitDeadline(RoundMay, tc.date)}; d != tc.deadline {
			t.Errorf("%s: deadlines %v, want %v", tc.date, d, tc.deadline)
		}
	}
}

// "dataMonth = footer month, in the as-of year. If the footer month is
// December and the as-of month is January, use the previous year. The
// general form: if footer month > as-of month, use the previous year."
func TestSpecDataMonthOf(t *testing.T) {
	tests := []struct {
		month time.Month
		asOf  string
		want  string
	}{
		{time.December, "2026-01-08", "2025-12"}, // Dec data as of January
		{time.December, "2025-12-31", "2025-12"}, // same month
		{time.June, "2026-07-25", "2026-06"},     // June's close in July: earlier month, same year
		{time.July, "2026-07-01", "2026-07"},
		{time.November, "2025-12-18", "2025-11"},
		{time.February, "2024-03-01", "2024-02"},
		{time.June, "2025-09-13", "2025-06"},  // SHU's archive footer
		{time.March, "2026-02-26", "2025-03"}, // later month than the as-of month: the year before
	}
	for _, tc := range tests {
		asOf, _ := ParseDate(tc.asOf)
		if got := DataMonthOf(tc.month, asOf); got != tc.want {
			t.Errorf("DataMonthOf(%s, %s) = %s, want %s", tc.month, tc.asOf, got, tc.want)
		}
	}
}

// "isClosingPeriod = dataMonth != month(asOfDate)"; without either it is
// unknown, never "not a closing period" (spec §2.0, "Footer absent").
func TestSpecClosingPeriod(t *testing.T) {
	tests := []struct {
		month, asOf    string
		closing, known bool
	}{
		{"2025-11", "2025-12-01", true, true},  // first day of November's close
		{"2025-11", "2025-11-30", false, true}, // November's last day
		{"2026-06", "2026-07-25", true, true},  // June's close in the next program year
		{"2025-12", "2026-01-08", true, true},  // across the calendar year
		{"2026-07", "2026-07-01", false, true}, // July 1
		{"", "2026-07-01", false, false},
		{"2026-07", "", false, false},
	}
	for _, tc := range tests {
		if c, k := ClosingPeriod(tc.month, tc.asOf); c != tc.closing || k != tc.known {
			t.Errorf("ClosingPeriod(%q, %q) = %v, %v; want %v, %v", tc.month, tc.asOf, c, k, tc.closing, tc.known)
		}
	}
}
