package snapshot

import (
	"strconv"
	"time"
)

// The Toastmasters domain rules shared by normalize and analytics: the DCP
// goals (spec/dashboard.md §3.4), the club distinguished levels by era
// (§3.5) and the program-year calendar. They live here, once, because both
// packages may import only snapshot (design.md §3).

// DCP goal thresholds (spec §3.4). Each "more" goal needs the base goal's
// threshold in its own column and the same threshold again in the Add.
// column, except goal 3 (2 more Level 2s) which reuses goal 2's.
const (
	// GoalLevel1s is the Level 1 awards needed for goal 1.
	GoalLevel1s = 4
	// GoalLevel2s is the Level 2 awards needed for goal 2, and the
	// additional Level 2 awards needed for goal 3.
	GoalLevel2s = 2
	// GoalLevel3s is the Level 3 awards needed for goal 4.
	GoalLevel3s = 2
	// GoalLevel4s is the goal-5 awards (Level 4, Path Completion, DTM)
	// needed for goal 5, and the additional ones needed for goal 6.
	GoalLevel4s = 1
	// GoalNewMembers is the new members needed for goal 7, and the
	// additional new members needed for goal 8.
	GoalNewMembers = 4
	// GoalOfficersTrained is the officers trained in each round for goal 9.
	GoalOfficersTrained = 4
)

// DCPGoals returns the ten DCP goals met by a club's goal columns, goal 1
// first, by the Pathways-era rules of spec §3.4. The goals are independent
// of one another: a club can meet goal 7 without goals 1–6.
func (g GoalCounts) DCPGoals() [10]bool {
	return [10]bool{
		g.Level1s >= GoalLevel1s,
		g.Level2s >= GoalLevel2s,
		g.Level2s >= GoalLevel2s && g.AddLevel2s >= GoalLevel2s,
		g.Level3s >= GoalLevel3s,
		g.Level4s >= GoalLevel4s,
		g.Level4s >= GoalLevel4s && g.AddLevel4s >= GoalLevel4s,
		g.NewMembers >= GoalNewMembers,
		g.NewMembers >= GoalNewMembers && g.AddNewMembers >= GoalNewMembers,
		g.OfficersRound1 >= GoalOfficersTrained && g.OfficersRound2 >= GoalOfficersTrained,
		g.OfficerListOnTime >= 1 && (g.DuesOnTimeOct >= 1 || g.DuesOnTimeApr >= 1),
	}
}

// CountGoals returns the number of goals met.
func CountGoals(goals [10]bool) int {
	n := 0
	for _, g := range goals {
		if g {
			n++
		}
	}
	return n
}

// CSPRulesFrom is the first calendar year of the first program year under
// the Club Success Plan rules of spec §3.5 (2025-26: Smedley, the CSP gate,
// the narrower growth alternatives).
const CSPRulesFrom = 2025

// ProgramYearStart reads a program year written "YYYY-YYYY" with two
// consecutive years ("2025-2026" gives 2025); ok is false for anything else
// ("2025-26", "2025-2030", ""). It is the one program-year check.
func ProgramYearStart(programYear string) (year int, ok bool) {
	if len(programYear) != 9 || programYear[4] != '-' {
		return 0, false
	}
	a, b := 0, 0 // the two years, read digit by digit (called per club)
	for i := 0; i < len(programYear); i++ {
		c := programYear[i]
		switch {
		case i == 4:
			continue
		case c < '0' || c > '9':
			return 0, false
		case i < 4:
			a = a*10 + int(c-'0')
		default:
			b = b*10 + int(c-'0')
		}
	}
	if b != a+1 {
		return 0, false
	}
	return a, true
}

// UsesCSPRules reports whether a program year is 2025-26 or later, so that
// the Club Success Plan level rules of spec §3.5 apply. An unreadable
// program year gives false; callers decide what "unknown" means.
func UsesCSPRules(programYear string) bool {
	y, ok := ProgramYearStart(programYear)
	return ok && y >= CSPRulesFrom
}

// LevelRule is one distinguished level's requirement (spec §3.5): Goals DCP
// goals and a membership test met by MinMembers active members or, when
// MinNetGrowth > 0, by a net growth of MinNetGrowth.
type LevelRule struct {
	// Level is the level letter the rule earns.
	Level string
	// Goals is the number of DCP goals needed.
	Goals int
	// MinMembers is the active members that pass the membership test.
	MinMembers int
	// MinNetGrowth is the net growth that passes the membership test
	// instead; 0 means the level has no growth alternative.
	MinNetGrowth int
}

// MembersShort returns how many more members a club needs to pass the
// rule's membership test (each new member raises both the active members
// and the net growth); 0 when it passes.
func (r LevelRule) MembersShort(activeMembers, netGrowth int) int {
	need := r.MinMembers - activeMembers
	if r.MinNetGrowth > 0 {
		need = min(need, r.MinNetGrowth-netGrowth)
	}
	return max(need, 0)
}

// Met reports whether a club meets the rule's goals and membership test.
// The Club Success Plan gate is not part of it (see CSPGateFails).
func (r LevelRule) Met(goalsMet, activeMembers, netGrowth int) bool {
	return goalsMet >= r.Goals && r.MembersShort(activeMembers, netGrowth) == 0
}

var (
	classicLevelRules = [...]LevelRule{
		{LevelDistinguished, 5, 20, 3},
		{LevelSelect, 7, 20, 3},
		{LevelPresidents, 9, 20, 3},
	}
	cspLevelRules = [...]LevelRule{
		{LevelDistinguished, 5, 20, 3},
		{LevelSelect, 7, 20, 5},
		{LevelPresidents, 9, 20, 0},
		{LevelSmedley, 10, 25, 0},
	}
)

// LevelRules returns the ladder of club levels, lowest first (spec §3.5):
// up to 2024-25 (cspRules false) D/S/P at 5/7/9 goals, each with 20 members
// or net growth 3; from 2025-26 (cspRules true) D at 5 goals with 20
// members or net growth 3, S at 7 with 20 or net growth 5, P at 9 with 20
// members, Smedley (M) at 10 with 25 members. The slice is a fresh copy.
func LevelRules(cspRules bool) []LevelRule {
	if cspRules {
		return append([]LevelRule(nil), cspLevelRules[:]...)
	}
	return append([]LevelRule(nil), classicLevelRules[:]...)
}

// CSPGateFails reports whether the Club Success Plan gate of spec §3.5
// withholds every level: the rules require a plan (cspRules) and the club is
// known not to have one. An unknown flag (nil) never counts against a club.
func CSPGateFails(cspRules bool, csp *bool) bool {
	return cspRules && csp != nil && !*csp
}

// ClubLevelUnder returns the level letter ("", "D", "S", "P" or "M") a club
// earns under the classic (cspRules false) or the 2025-26 (cspRules true)
// rules of spec §3.5: the highest rung of LevelRules(cspRules) whose rung
// and every rung below it are met, and nothing when CSPGateFails.
func ClubLevelUnder(cspRules bool, goalsMet, activeMembers, netGrowth int, csp *bool) string {
	if CSPGateFails(cspRules, csp) {
		return LevelNone
	}
	rules := classicLevelRules[:]
	if cspRules {
		rules = cspLevelRules[:]
	}
	level := LevelNone
	for _, r := range rules {
		if !r.Met(goalsMet, activeMembers, netGrowth) {
			break
		}
		level = r.Level
	}
	return level
}

// ClubLevel returns the level letter ("", "D", "S", "P" or "M") a club
// earns under the rules of its program year (spec §3.5):
//
//   - up to 2024-25: D at 5 goals, S at 7, P at 9, each with at least 20
//     active members or a net growth of at least 3;
//   - 2025-26 onward: a Club Success Plan is required for every level; D at
//     5 goals with 20 members or net growth 3, S at 7 with 20 members or net
//     growth 5, P at 9 with 20 members, Smedley (M) at 10 with 25 members.
//
// csp nil means the CSP flag is unknown: the gate is then not applied. The
// era is ClubUsesCSPRules: an unknown program year uses the 2025-26 rules
// when the CSP flag is known and the earlier rules otherwise. Callers with a
// Club use ClubLevelOf, which adds the new-club CSP credit.
func ClubLevel(programYear string, goalsMet, activeMembers, netGrowth int, csp *bool) string {
	return ClubLevelUnder(ClubUsesCSPRules(programYear, csp), goalsMet, activeMembers, netGrowth, csp)
}

// ParseMonth reads the year and month of "YYYY-MM" or "YYYY-MM-DD" (only
// the first seven characters are read, and they must be four digits, '-'
// and two digits: "2025-+7" and "+025-07" are not months); ok is false for
// anything else or a year before 1. It is the one month reader: program
// years, last days and the analytics' calendar months all read through it.
func ParseMonth(dateOrMonth string) (year, month int, ok bool) {
	if len(dateOrMonth) < 7 || dateOrMonth[4] != '-' {
		return 0, 0, false
	}
	for i := 0; i < 7; i++ {
		if c := dateOrMonth[i]; i != 4 && (c < '0' || c > '9') {
			return 0, 0, false
		}
	}
	y, err1 := strconv.Atoi(dateOrMonth[:4])
	m, err2 := strconv.Atoi(dateOrMonth[5:7])
	if err1 != nil || err2 != nil || m < 1 || m > 12 || y < 1 {
		return 0, 0, false
	}
	return y, m, true
}

// ProgramYearOf returns the Toastmasters program year (July–June, spec §1.1)
// of a month "YYYY-MM" or date "YYYY-MM-DD": "2025-07" and "2026-06-30" are
// both "2025-2026". It returns "" for input it cannot read.
func ProgramYearOf(dateOrMonth string) string {
	y, m, ok := ParseMonth(dateOrMonth)
	if !ok {
		return ""
	}
	return ProgramYearFor(y, time.Month(m))
}

// LastDayOfMonth returns the last day of the month "YYYY-MM" (or of the
// month of a date "YYYY-MM-DD"): "2024-02" gives "2024-02-29". It returns ""
// for input it cannot read.
func LastDayOfMonth(month string) string {
	y, m, ok := ParseMonth(month)
	if !ok {
		return ""
	}
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

// DataMonthOf returns the data month ("YYYY-MM") of a report that names
// month (its footer's "Month of Mmm", or the page's month dropdown) and is
// as of asOf: the month in the as-of year, or in the year before when
// month is later in the calendar than the as-of month (December data as of
// January; spec §2.0 "Reading the footer"). It is the one rule for the
// data month's year; month must be 1–12.
func DataMonthOf(month time.Month, asOf time.Time) string {
	y := asOf.Year()
	if month > asOf.Month() {
		y--
	}
	return time.Date(y, month, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}

// ClosingPeriod is the one closing-period rule (spec §2.0, §3.8): data of
// month dataMonth ("YYYY-MM") published as of asOfDate ("YYYY-MM-DD") is
// month-end closing data when the as-of date lies in another month (month
// M's data as of a date in M+1). known is false when either is missing;
// closing is then false but means nothing (never "not a closing period").
func ClosingPeriod(dataMonth, asOfDate string) (closing, known bool) {
	if len(dataMonth) < 7 || len(asOfDate) < 7 {
		return false, false
	}
	return dataMonth[:7] != asOfDate[:7], true
}
