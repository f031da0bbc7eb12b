package snapshot

import (
	"fmt"
	"time"
)

// New-club rules (spec/dashboard.md §2.4 "New clubs", §3.4): TI credits
// clubs chartered during the program year with goals and a Club Success
// Plan that their report columns cannot show. The rules need the charter
// date, which only the district report's "Charter Date/Suspend Date"
// carries; without it nothing is credited.
//
// Dates are compared by calendar day within the club's program year
// (July 1 – June 30). "After" is strict, as TI words it: a club chartered on
// September 1 is not "after September 1".
const (
	// NewClubGoal9After is the month-day after which a new club earns goal
	// 9 with round-2 (district) officer training alone: TI's 2013
	// announcement "Distinguished Club Program Changes".
	NewClubGoal9After = "09-01"
	// NewClubGoal10After is the month-day after which the charter
	// submission stands in for the on-time dues and officer list of goal 10
	// (the October renewal deadline). Decision: a club chartered before
	// it (D91 2024-25 club 28677885, chartered 2024-08-20) had to meet the
	// October or April window itself and was not credited.
	NewClubGoal10After = "10-01"
	// NewClubCSPAfter is the month-day after which a new club gets Club
	// Success Plan credit automatically (2025-26 on; dashboard DCP page).
	NewClubCSPAfter = "04-01"
	// CSPDueBy is the month-day by which a club must submit its Club
	// Success Plan (2025-26 on; spec §2.4 "New clubs", dashboard DCP page).
	CSPDueBy = "09-30"
	// NewClubCSPDays is the days after its charter date by which a club
	// chartered during the program year must submit its plan.
	NewClubCSPDays = 90
)

// Goal numbers the new-club rules can credit.
const (
	goalOfficersTrained = 9
	goalAdministration  = 10
)

// charterInYear parses a charter date (YYYY-MM-DD) and reports whether it
// falls inside the program year whose first calendar year is start.
func charterInYear(charterDate string, start int) (time.Time, bool) {
	t, ok := ParseDate(charterDate)
	if !ok {
		return time.Time{}, false
	}
	from := time.Date(start, time.July, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(start+1, time.June, 30, 0, 0, 0, 0, time.UTC)
	return t, !t.Before(from) && !t.After(to)
}

// charteredAfter reports whether a charter date falls inside the program
// year and strictly after the month-day md ("09-01") of that year (July to
// December dates belong to the first calendar year, January to June to
// the second).
func charteredAfter(charterDate, programYear, md string) bool {
	start, ok := ProgramYearStart(programYear)
	if !ok || start <= 0 {
		return false
	}
	t, ok := charterInYear(charterDate, start)
	if !ok {
		return false
	}
	y := start
	if md < "07-01" {
		y = start + 1
	}
	edge, err := time.Parse(time.DateOnly, fmt.Sprintf("%04d-%s", y, md))
	if err != nil {
		return false
	}
	return t.After(edge)
}

// NewClubGoals applies TI's new-club credits to a club's computed goals
// (goals, goal 1 first) given its report columns, its charter date
// (YYYY-MM-DD, "" when unknown) and the program year of the report:
//
//   - goal 9: chartered after September 1 and at least 4 officers trained
//     in round 2 (the district's training of a new club's officers);
//   - goal 10: chartered after October 1 (the charter submission fulfils
//     the on-time dues and officer list).
//
// credited lists the goal numbers (1-based) the rules added, ascending; it
// is nil when the charter date is unknown or outside the program year.
func NewClubGoals(goals [10]bool, g GoalCounts, charterDate, programYear string) (out [10]bool, credited []int) {
	out = goals
	if !out[goalOfficersTrained-1] && g.OfficersRound2 >= GoalOfficersTrained && charteredAfter(charterDate, programYear, NewClubGoal9After) {
		out[goalOfficersTrained-1] = true
		credited = append(credited, goalOfficersTrained)
	}
	if !out[goalAdministration-1] && charteredAfter(charterDate, programYear, NewClubGoal10After) {
		out[goalAdministration-1] = true
		credited = append(credited, goalAdministration)
	}
	return out, credited
}

// NewClubCSPCredit reports whether a club chartered on charterDate gets
// Club Success Plan credit automatically in programYear: from 2025-26, when
// chartered after April 1 of the program year.
func NewClubCSPCredit(charterDate, programYear string) bool {
	return UsesCSPRules(programYear) && charteredAfter(charterDate, programYear, NewClubCSPAfter)
}

// CSPDueDate returns the date (YYYY-MM-DD) by which a club chartered on
// charterDate ("" when unknown) must have submitted its Club Success Plan
// in programYear: September 30 of the program year or, for a club chartered
// during the program year, NewClubCSPDays after its charter date when that
// is later (decision: a new club is never held to an earlier date than
// every other club). ok is false when the program year is unreadable. A
// club without a plan is missing it only after this date; the level rules
// (CSPGateFails) need the plan whatever the date.
func CSPDueDate(charterDate, programYear string) (due string, ok bool) {
	start, ok := ProgramYearStart(programYear)
	if !ok || start <= 0 {
		return "", false
	}
	d, _ := time.Parse(time.DateOnly, fmt.Sprintf("%04d-%s", start, CSPDueBy))
	if t, in := charterInYear(charterDate, start); in {
		if n := t.AddDate(0, 0, NewClubCSPDays); n.After(d) {
			d = n
		}
	}
	return d.Format(time.DateOnly), true
}

// ClubUsesCSPRules reports whether a club's level follows the 2025-26
// rules of spec §3.5 in programYear: a year from 2025-26 on does; an
// unknown year ("", unreadable, or a first year of 0) does exactly when the
// club's CSP flag is known (the flag exists only in 2025-26+ reports). This
// is the one era decision for club levels.
func ClubUsesCSPRules(programYear string, csp *bool) bool {
	y, _ := ProgramYearStart(programYear)
	return y >= CSPRulesFrom || (y <= 0 && csp != nil)
}

// NetGrowth is the one net-growth rule: the report's "Net Growth" when the
// report has the column (reported non-nil, a reported 0 included: the
// dashboard's own figure decides its letter), else Active Members − Mem.
// Base (spec §3.7). normalize applies it when it reads a club, so
// Club.NetGrowth is what every consumer reads (toaststats always writes
// "netGrowth"; predecessor district files carry no clubDetails).
func NetGrowth(reported *int, activeMembers, membershipBase int) int {
	if reported != nil {
		return *reported
	}
	return activeMembers - membershipBase
}

// ClubCSP returns the CSP flag the level rules read for a club: the
// reported flag, or true when NewClubCSPCredit applies.
func ClubCSP(c *Club, programYear string) *bool {
	if NewClubCSPCredit(c.CharterDate, programYear) {
		t := true
		return &t
	}
	return c.CSP
}

// ClubLevelOf returns the level letter a club earns in programYear, built
// on the dashboard's own Goals Met (the authority for the goal count, spec
// §2.4), the club's NetGrowth and its CSP flag with the new-club credit
// (ClubCSP). Every consumer (normalize, validate, analytics) calls this.
func ClubLevelOf(c *Club, programYear string) string {
	csp := ClubCSP(c, programYear)
	return ClubLevelUnder(ClubUsesCSPRules(programYear, csp), c.GoalsMet, c.ActiveMembers, c.NetGrowth, csp)
}

// GoalsUnexplained returns how many goals the dashboard's Goals Met
// credits beyond the per-goal breakdown (DCPGoals, new-club credits
// included): positive when the breakdown explains fewer goals than were
// credited, negative when more; 0 when it explains the count.
func (c *Club) GoalsUnexplained() int {
	return c.GoalsMet - c.GoalsComputed()
}
