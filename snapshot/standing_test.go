package snapshot

import (
	"reflect"
	"testing"
)

func goals(d, s, p int) TierGoals { return TierGoals{Distinguished: d, Select: s, Presidents: p} }

// Areas of base 4 (paid goals 4/4/5, distinguished goals 2/3/3, spec §2.3)
// judged on dates of program year 2025-26: the November round closes on
// 2025-11-30, the May round on 2026-05-31; 3 of 4 clubs (⌈75%⌉) are needed
// per round.
func TestStandingOn(t *testing.T) {
	area := func(paid, dist int) Standing {
		return Standing{ClubBase: 4, PaidGoals: goals(4, 4, 5), DistinguishedGoals: goals(2, 3, 3), PaidClubs: paid, DistinguishedClubs: dist}
	}
	tests := []struct {
		name    string
		s       Standing
		visits  *VisitCounts
		date    string
		level   string
		next    *TierGap
		blocked string
	}{
		{"D, visits done", area(4, 2), &VisitCounts{3, 3}, "2026-06-30", "D", &TierGap{Tier: "S", DistinguishedClubsNeeded: 1}, ""},
		{"S", area(4, 3), &VisitCounts{3, 3}, "2026-06-30", "S", &TierGap{Tier: "P", PaidClubsNeeded: 1}, ""},
		{"P, top", area(5, 3), &VisitCounts{3, 3}, "2026-06-30", "P", nil, ""},
		// February: November met, May open with 0 of 3: 3 visits still
		// possible, so they are a need and no tier is met yet.
		{"May open", area(5, 3), &VisitCounts{3, 0}, "2026-02-28", "", &TierGap{Tier: "D", VisitsNeeded: 3}, ""},
		// October: both rounds open, 3 + 3 = 6 visits needed.
		{"both open", area(5, 3), &VisitCounts{0, 0}, "2025-10-31", "", &TierGap{Tier: "D", VisitsNeeded: 6}, ""},
		// The area 71 of D61: November 2 of 3 required; in June the
		// round closed long ago, so no tier and no November visit as a need.
		{"Nov closed short", area(5, 3), &VisitCounts{2, 3}, "2026-06-09", "", nil,
			"November club visits: 2 of 3 required by 2025-11-30; the round has closed"},
		// The same area on November 30 (the deadline itself) can still make it.
		{"Nov deadline day", area(5, 3), &VisitCounts{2, 3}, "2025-11-30", "", &TierGap{Tier: "D", VisitsNeeded: 1}, ""},
		{"May closed short", area(5, 3), &VisitCounts{3, 1}, "2026-06-30", "", nil,
			"May club visits: 1 of 3 required by 2026-05-31; the round has closed"},
		{"clubs short", area(3, 0), &VisitCounts{4, 4}, "2026-06-30", "", &TierGap{Tier: "D", PaidClubsNeeded: 1, DistinguishedClubsNeeded: 2}, ""},
		{"no date: rounds open", area(5, 3), &VisitCounts{2, 0}, "", "", &TierGap{Tier: "D", VisitsNeeded: 1 + 3}, ""},
	}
	for _, tc := range tests {
		s := tc.s
		StandingOn(&s, true, tc.visits, tc.date)
		if s.Level != tc.level || !reflect.DeepEqual(s.Next, tc.next) || s.Blocked != tc.blocked {
			t.Errorf("%s: level %q next %+v blocked %q, want %q %+v %q", tc.name, s.Level, s.Next, s.Blocked, tc.level, tc.next, tc.blocked)
		}
	}
	// Divisions have no visit condition: base 18, goals 18/19/20 and
	// 9/9/10 (spec §2.3); 17 paid and 6 distinguished need 1 and 3 more.
	d := Standing{ClubBase: 18, PaidGoals: goals(18, 19, 20), DistinguishedGoals: goals(9, 9, 10), PaidClubs: 17, DistinguishedClubs: 6}
	StandingOn(&d, false, nil, "2026-06-09")
	if d.Level != "" || !reflect.DeepEqual(d.Next, &TierGap{Tier: "D", PaidClubsNeeded: 1, DistinguishedClubsNeeded: 3}) {
		t.Errorf("division: %q %+v", d.Level, d.Next)
	}
	for base, want := range map[int]int{0: 0, 1: 1, 4: 3, 5: 4, 6: 5, 8: 6} {
		if got := VisitsRequired(base); got != want {
			t.Errorf("VisitsRequired(%d) = %d, want %d", base, got, want)
		}
	}
}

// Without goal columns the spec §3.6 formulas apply to the base: a
// division of base 28 needs 28/29/30 paid and ⌈12.6⌉=13, 14, ⌈15.4⌉=16
// distinguished clubs; an area of base 5 needs 5/5/6 and ⌈2.5⌉=3, 4, 4.
func TestStandingGoalsDerived(t *testing.T) {
	p, d, src := StandingGoals(&Standing{ClubBase: 28}, false)
	if p != goals(28, 29, 30) || d != goals(13, 14, 16) || src != "derived" {
		t.Errorf("division: %+v %+v %s", p, d, src)
	}
	p, d, src = StandingGoals(&Standing{ClubBase: 5}, true)
	if p != goals(5, 5, 6) || d != goals(3, 4, 4) || src != "derived" {
		t.Errorf("area: %+v %+v %s", p, d, src)
	}
}
