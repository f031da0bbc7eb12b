package normalize

import (
	"strings"

	"github.com/toaststats/toaststats/snapshot"
)

// ComputeGoals returns the ten DCP goals met by a club's goal columns, goal 1
// first (spec §3.4). It is snapshot.GoalCounts.DCPGoals.
func ComputeGoals(g snapshot.GoalCounts) [10]bool {
	return g.DCPGoals()
}

// traditionalCounts are the traditional education program's columns
// (before 2018-19, and beside the Pathways columns in 2018-19 and 2019-20).
type traditionalCounts struct {
	ccs, addCCs, acs, addACs, clALDTMs, addCLALDTMs int
}

// traditionalGoals computes the goals of the traditional education program
// (before 2018-19): 2 CCs, 2 more CCs, 1 AC, 1 more AC, 1 CL/AL/DTM, 1 more
// CL/AL/DTM; goals 7–10 are as in ComputeGoals.
func traditionalGoals(g snapshot.GoalCounts, t traditionalCounts) [10]bool {
	goals := g.DCPGoals()
	goals[0] = t.ccs >= 2
	goals[1] = t.ccs >= 2 && t.addCCs >= 2
	goals[2] = t.acs >= 1
	goals[3] = t.acs >= 1 && t.addACs >= 1
	goals[4] = t.clALDTMs >= 1
	goals[5] = t.clALDTMs >= 1 && t.addCLALDTMs >= 1
	return goals
}

// transitionGoals approximates the goals of the 2018-19 and 2019-20
// transition years, when both education programs counted: each of goals 1–6
// is met by either program's rule (traditionalGoals or the Pathways rules of
// ComputeGoals, with Level 5s also meeting goal 6), goals 7–10 as usual. TI's
// own formula for those years cannot be reconstructed (spec §2.4: the best
// known pooling explains 163 of 202 real rows), so the result is marked
// approximate and Goals Met stays the authority.
func transitionGoals(g snapshot.GoalCounts, t traditionalCounts, level5s int) [10]bool {
	goals := g.DCPGoals()
	trad := traditionalGoals(g, t)
	for i := 0; i < 6; i++ {
		goals[i] = goals[i] || trad[i]
	}
	goals[5] = goals[5] || level5s >= 1
	return goals
}

// mayBeNewClubCredit reports whether a club's Goals Met equals its
// breakdown, or exceeds it by no more than the new-club rules could credit
// once its charter date is known (goal 9 with round-2 training alone, goal
// 10).
func mayBeNewClubCredit(c *snapshot.Club) bool {
	diff := c.GoalsUnexplained()
	if diff == 0 {
		return true
	}
	possible := 0
	if !c.DCPGoals[8] && c.Goals.OfficersRound2 >= snapshot.GoalOfficersTrained {
		possible++
	}
	if !c.DCPGoals[9] {
		possible++
	}
	return diff > 0 && diff <= possible
}

// mayBeNewClubCSP reports whether a club without a Club Success Plan would
// have the reported letter with one: the new-club CSP credit (after April
// 1) may explain it once the charter date is known.
func mayBeNewClubCSP(c *snapshot.Club, programYear string) bool {
	if c.CSP == nil || *c.CSP {
		return false
	}
	yes := true
	return snapshot.ClubLevel(programYear, c.GoalsMet, c.ActiveMembers, c.NetGrowth, &yes) == c.DistinguishedStatus
}

// ApplyNewClubRules applies TI's new-club rules to a club whose charter
// date is known (snapshot.NewClubGoals: goals 9 and 10; snapshot.ClubCSP:
// the Club Success Plan credit) and recomputes its level from the reported
// Goals Met (snapshot.ClubLevelOf). A suspended club is credited nothing
// (the dashboard prints its columns and Goals Met as zeros). It is
// idempotent: goals already credited are not credited twice.
func ApplyNewClubRules(c *snapshot.Club, programYear string) {
	base := c.DCPGoals
	for _, g := range c.GoalCredits {
		if g >= 1 && g <= 10 {
			base[g-1] = false
		}
	}
	charter := c.CharterDate
	if c.Status == snapshot.ClubSuspended {
		charter = "" // a suspended club's columns, Goals Met included, are zeros: nothing to explain
	}
	c.DCPGoals, c.GoalCredits = snapshot.NewClubGoals(base, c.Goals, charter, programYear)
	c.DistinguishedLevel = snapshot.ClubLevelOf(c, programYear)
}

// CountGoals returns the number of true goals (snapshot.CountGoals).
func CountGoals(goals [10]bool) int {
	return snapshot.CountGoals(goals)
}

// ComputeLevel returns the distinguished level letter ("", "D", "S", "P" or
// "M") a club earns under the rules of its program year (spec §3.5). It is
// snapshot.ClubLevel, which documents the rules: csp nil means the CSP flag
// is unknown and the gate is not applied; an unknown program year uses the
// 2025-26 rules when the CSP flag is known and the earlier rules otherwise.
// With a whole club, use snapshot.ClubLevelOf (reported Goals Met, new-club
// CSP credit).
func ComputeLevel(programYear string, goalsMet int, activeMembers, netGrowth int, csp *bool) string {
	return snapshot.ClubLevel(programYear, goalsMet, activeMembers, netGrowth, csp)
}

// levelOfWord maps the division report's standing words ("Distinguished",
// "Select Distinguished", "President's Distinguished", ...) to a letter.
func levelOfWord(w string) string {
	l := strings.ToLower(strings.TrimSpace(w))
	switch {
	case l == "":
		return ""
	case strings.Contains(l, "smedley"):
		return snapshot.LevelSmedley
	case strings.HasPrefix(l, "pres"):
		return snapshot.LevelPresidents
	case strings.HasPrefix(l, "select"):
		return snapshot.LevelSelect
	case strings.Contains(l, "distinguished"):
		return snapshot.LevelDistinguished
	}
	return ""
}
