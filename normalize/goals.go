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

// traditionalGoals computes goals 1–4 of the traditional education program
// (before 2018-19: 2 CCs, 2 more CCs, 1 AC, 1 more AC); goals 5–10 are as in
// ComputeGoals with CL/AL/DTMs as the goal-5 column.
func traditionalGoals(g snapshot.GoalCounts, ccs, addCCs, acs, addACs int) [10]bool {
	goals := g.DCPGoals()
	goals[0] = ccs >= 2
	goals[1] = ccs >= 2 && addCCs >= 2
	goals[2] = acs >= 1
	goals[3] = acs >= 1 && addACs >= 1
	return goals
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
