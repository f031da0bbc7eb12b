package snapshot

import (
	"fmt"
	"strconv"
)

// This file is the one area/division standing rule (spec §3.6). Normalize
// fills Standing.Level and Standing.Next with it when it reads the division
// report; analytics, assessments and the pages read those fields or call
// StandingOn again for another date. Nothing else decides an area's or a
// division's tier.

// Visit rounds of the area director's club visits (spec §3.6): round 1 is
// due by November 30, round 2 by May 31 of the program year.
const (
	RoundNovember = "November"
	RoundMay      = "May"
)

// VisitsRequired is the number of clubs of an area that must have a club
// visit award in each round: 75% of the area's club base, rounded up.
func VisitsRequired(clubBase int) int {
	if clubBase <= 0 {
		return 0
	}
	return (3*clubBase + 3) / 4
}

// VisitCounts are the clubs of an area with a November and with a May visit
// award.
type VisitCounts struct {
	Nov int
	May int
}

// VisitDeadline is the last day of a visit round ("November" or "May") in
// the program year of date (YYYY-MM or YYYY-MM-DD): November 30 of the
// year's first calendar year, May 31 of its second. "" when date has no
// program year.
func VisitDeadline(round, date string) string {
	y, ok := ProgramYearStart(ProgramYearOf(date))
	if !ok {
		return ""
	}
	if round == RoundNovember {
		return strconv.Itoa(y) + "-11-30"
	}
	return strconv.Itoa(y+1) + "-05-31"
}

// StandingGoals returns the tier goals of a standing: the dashboard's own
// goal columns, or, when the report had none (all zero), the spec §3.6
// formulas on the club base — areas: paid ≥ base, base, base+1 and
// distinguished ≥ ⌈50%⌉, ⌈50%⌉+1, ⌈50%⌉+1; divisions: paid ≥ base, base+1,
// base+2 and distinguished ≥ ⌈45%⌉, ⌈50%⌉, ⌈55%⌉ of the base. source is
// "dashboard" or "derived".
func StandingGoals(s *Standing, area bool) (paid, dist TierGoals, source string) {
	if s.PaidGoals != (TierGoals{}) || s.DistinguishedGoals != (TierGoals{}) {
		return s.PaidGoals, s.DistinguishedGoals, "dashboard"
	}
	b := s.ClubBase
	ceilPct := func(pct int) int { return CeilPercent(pct, b) }
	if area {
		half := ceilPct(50)
		return TierGoals{Distinguished: b, Select: b, Presidents: b + 1},
			TierGoals{Distinguished: half, Select: half + 1, Presidents: half + 1}, "derived"
	}
	return TierGoals{Distinguished: b, Select: b + 1, Presidents: b + 2},
		TierGoals{Distinguished: ceilPct(45), Select: ceilPct(50), Presidents: ceilPct(55)}, "derived"
}

// CeilPercent is ⌈pct % of n⌉ for non-negative pct and n, in integers (a
// floating-point ceiling is one too high where pct × n / 100 is a whole
// number not exact in binary: 100 × 0.55). The area and division goals
// (StandingGoals) and the district tiers' club and payment needs use it.
func CeilPercent(pct, n int) int { return (pct*n + 99) / 100 }

// StandingTiers are the area/division tiers, lowest first.
var StandingTiers = [...]string{LevelDistinguished, LevelSelect, LevelPresidents}

func tierGoal(g TierGoals, tier int) int {
	switch tier {
	case 0:
		return g.Distinguished
	case 1:
		return g.Select
	}
	return g.Presidents
}

// RoundStatus is one visit round of an area on a date.
type RoundStatus struct {
	Round    string `json:"round"`
	Deadline string `json:"deadline,omitempty"`
	Visits   int    `json:"visits"`
	Required int    `json:"required"`
	// Met is true when Visits reached Required.
	Met bool `json:"met"`
	// Closed is true when the date is after Deadline: a shortfall can no
	// longer be made up.
	Closed bool `json:"closed"`
}

// VisitRounds returns the two visit rounds of an area with clubBase clubs
// and the given visit awards, judged on date (YYYY-MM-DD; "" treats both
// rounds as still open).
func VisitRounds(clubBase int, v VisitCounts, date string) [2]RoundStatus {
	req := VisitsRequired(clubBase)
	out := [2]RoundStatus{{Round: RoundNovember, Visits: v.Nov}, {Round: RoundMay, Visits: v.May}}
	for i := range out {
		r := &out[i]
		r.Required = req
		r.Met = r.Visits >= req
		if date != "" {
			r.Deadline = VisitDeadline(r.Round, date)
			r.Closed = r.Deadline != "" && date > r.Deadline
		}
	}
	return out
}

// StandingOn fills in Level, Next and Blocked of an area's or a division's
// standing on date (spec §3.6), from its goal columns (StandingGoals):
//   - a tier is met when the paid clubs reach its paid-club goal and the
//     distinguished clubs its distinguished-club goal; for an area (visits
//     non-nil) both visit rounds must also reach VisitsRequired(ClubBase);
//   - Level is the highest tier met ("" none); Next is the first tier not
//     met with what is still needed — VisitsNeeded counts only the visits of
//     rounds still open on date, since a closed round cannot be made up;
//   - when a round closed short, the area can reach no tier this year:
//     Level is "", Next is nil and Blocked says which round and by how much.
//
// date is the data's date (YYYY-MM-DD: the snapshot's logical date, or the
// last day of the data month); "" treats every round as open.
func StandingOn(s *Standing, area bool, visits *VisitCounts, date string) {
	s.Level, s.Next, s.Blocked = LevelNone, nil, ""
	paid, dist, _ := StandingGoals(s, area)
	openGap, closedShort := 0, ""
	if visits != nil {
		for _, r := range VisitRounds(s.ClubBase, *visits, date) {
			switch {
			case r.Met:
			case r.Closed:
				if closedShort == "" {
					closedShort = fmt.Sprintf("%s club visits: %d of %d required by %s; the round has closed", r.Round, r.Visits, r.Required, r.Deadline)
				}
			default:
				openGap += r.Required - r.Visits
			}
		}
	}
	if closedShort != "" {
		s.Blocked = closedShort
		return
	}
	for tier := range StandingTiers {
		pg, dg := tierGoal(paid, tier), tierGoal(dist, tier)
		paidGap := max(0, pg-s.PaidClubs)
		distGap := max(0, dg-s.DistinguishedClubs)
		noGoals := pg == 0 && dg == 0
		if paidGap == 0 && distGap == 0 && openGap == 0 && !noGoals {
			s.Level = StandingTiers[tier]
			continue
		}
		s.Next = &TierGap{Tier: StandingTiers[tier], PaidClubsNeeded: paidGap, DistinguishedClubsNeeded: distGap, VisitsNeeded: openGap}
		return
	}
}
