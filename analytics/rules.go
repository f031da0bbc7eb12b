package analytics

import (
	"fmt"

	"github.com/toaststats/toaststats/snapshot"
)

// Eras of the distinguished-club rules (spec §3.5).
const (
	// eraClassic is every program year up to 2024-25: D/S/P at 5/7/9 goals,
	// each with 20 members or net growth of 3.
	eraClassic = "pre-2025-26"
	// eraSmedley is 2025-26 onward: four levels, narrower growth
	// alternatives and the Club Success Plan required.
	eraSmedley = "2025-26"
)

var monthNames = [...]string{"", "January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"}

// parseYM reads the year and month of "YYYY-MM" or "YYYY-MM-DD"
// (snapshot.ParseMonth).
func parseYM(date string) (year, month int, ok bool) { return snapshot.ParseMonth(date) }

// programYearOf is snapshot.ProgramYearOf.
func programYearOf(date string) string { return snapshot.ProgramYearOf(date) }

// programYearStart returns the first calendar year of "2025-2026" (2025).
func programYearStart(py string) (int, bool) { return snapshot.ProgramYearStart(py) }

func programYearBounds(py string) ProgramYear {
	y, ok := programYearStart(py)
	if !ok {
		return ProgramYear{Year: py}
	}
	return ProgramYear{
		StartDate: fmt.Sprintf("%d-07-01", y),
		EndDate:   fmt.Sprintf("%d-06-30", y+1),
		Year:      fmt.Sprintf("%d-%d", y, y+1),
	}
}

// eraOf returns the rule era of a program year by the one era rule,
// snapshot.ClubUsesCSPRules, with no club at hand: an unknown year gets the
// classic rules.
func eraOf(py string) string {
	return eraName(snapshot.ClubUsesCSPRules(py, nil))
}

// clubEra returns the rule era a club's level follows in a program year
// (snapshot.ClubUsesCSPRules with the club's CSP flag, new-club credit
// included): an unknown year follows the club's CSP column.
func clubEra(c *snapshot.Club, py string) string {
	return eraName(snapshot.ClubUsesCSPRules(py, snapshot.ClubCSP(c, py)))
}

func eraName(cspRules bool) string {
	if cspRules {
		return eraSmedley
	}
	return eraClassic
}

// pointProgramYear is the program year a point's data belongs to: the
// district's own label, else its data month, else the date.
func pointProgramYear(p *Point) string {
	if p.District != nil {
		if p.District.ProgramYear != "" {
			return p.District.ProgramYear
		}
		if py := programYearOf(p.District.DataMonth); py != "" {
			return py
		}
	}
	return programYearOf(p.Date)
}

// dcpCheckpoint is the number of goals expected by a calendar month.
func dcpCheckpoint(month int) int {
	switch month {
	case 7:
		return 0
	case 8, 9:
		return 1
	case 10, 11:
		return 2
	case 12, 1:
		return 3
	case 2, 3:
		return 4
	default: // 4, 5, 6
		return 5
	}
}

// netGrowth is the club's net growth by the one rule, snapshot.NetGrowth,
// applied when the club was read: the report's Net Growth (a reported 0
// included), else Active Members − Mem. Base.
func netGrowth(c *snapshot.Club) int {
	return c.NetGrowth
}

// cspMissing reports whether the club's era requires a Club Success Plan and
// the club is known not to have one (snapshot.ClubCSP: a new club chartered
// after April 1 has one). A missing column never counts against it.
func cspMissing(c *snapshot.Club, py string) bool {
	return snapshot.CSPGateFails(clubEra(c, py) == eraSmedley, snapshot.ClubCSP(c, py))
}

// cspOverdue reports whether cspMissing holds and the plan's due date
// (snapshot.CSPDueDate: September 30, or 90 days after a charter during
// the year) has passed on date; with no readable due date or date the plan
// counts as due.
func cspOverdue(c *snapshot.Club, date, py string) bool {
	if !cspMissing(c, py) {
		return false
	}
	due, ok := snapshot.CSPDueDate(c.CharterDate, py)
	_, dateOK := snapshot.ParseDate(date)
	return !ok || !dateOK || date > due
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// programMonth is the month's index in the program year: July 0 … June 11.
func programMonth(month int) int { return (month + 5) % 12 }

// checkpointAfter is the DCP checkpoint for a club that has been running
// for elapsed months of a program year (elapsed = program-month index: the
// Jul 0, Aug–Sep 1, Oct–Nov 2, Dec–Jan 3, Feb–Mar 4, Apr–Jun 5 schedule).
func checkpointAfter(elapsed int) int {
	return dcpCheckpoint((elapsed+6)%12 + 1)
}

// clubCheckpoint is the number of DCP goals expected of a club on date: the
// month's checkpoint, or, for a club chartered during the program year, the
// checkpoint for the months it has existed (a club chartered in May is held
// to August's 1 goal in June, not June's 5). since is the charter date when
// it shortened the schedule.
func clubCheckpoint(c *snapshot.Club, year, month int, py string) (req int, since string) {
	req = dcpCheckpoint(month)
	if c.CharterDate == "" {
		return req, ""
	}
	cy, cm, ok := parseYM(c.CharterDate)
	start, okPY := programYearStart(py)
	if !ok || !okPY || cy*12+cm < start*12+7 {
		return req, "" // chartered before the program year
	}
	elapsed := (year*12 + month) - (cy*12 + cm)
	if elapsed < 0 {
		elapsed = 0
	}
	if c2 := checkpointAfter(elapsed); c2 < req {
		return c2, c.CharterDate
	}
	return req, ""
}

// clubHealth classifies a club on date (spec and package doc):
//   - suspended clubs: intervention required, "Club suspended";
//   - fewer than 12 members and net growth under 3, or status Ineligible:
//     intervention required;
//   - thriving: status Active, 20 members or net growth 3, the DCP
//     checkpoint (charter-aware, clubCheckpoint) and, from 2025-26, the CSP
//     once it is due (cspOverdue);
//   - vulnerable otherwise.
//
// RiskFactors list every reason that applies: status (Low, Ineligible),
// membership, DCP goals against the checkpoint, and an overdue CSP.
func clubHealth(c *snapshot.Club, date, py string) ClubHealth {
	year, month, ok := parseYM(date)
	if !ok {
		month = 6
	}
	if py == "" {
		py = programYearOf(date)
	}
	era := clubEra(c, py)
	req, since := clubCheckpoint(c, year, month, py)
	m, net, g := c.ActiveMembers, netGrowth(c), c.GoalsMet
	h := ClubHealth{Checkpoint: req, RiskFactors: []string{}, CharterDate: since}
	if c.Status == snapshot.ClubSuspended {
		h.Status = HealthIntervention
		f := "Club suspended"
		if c.SuspendDate != "" {
			f += " on " + c.SuspendDate
		}
		h.RiskFactors = append(h.RiskFactors, f)
		return h
	}
	switch c.Status {
	case snapshot.ClubLow:
		h.RiskFactors = append(h.RiskFactors, "Club status Low: the dashboard reports too few paid members for a paid club (fewer than 8)")
	case snapshot.ClubIneligible:
		h.RiskFactors = append(h.RiskFactors, "Club status Ineligible: the club cannot earn recognition until its dues are paid")
	}
	critical := m < 12 && net < 3
	memOK := ladder(era)[0].MembersShort(m, net) == 0 // the D membership test: 20 members or net growth 3
	if critical {
		h.RiskFactors = append(h.RiskFactors, fmt.Sprintf("Membership below 12 (critical): %d members", m),
			fmt.Sprintf("Net growth since July: %d (need 3+ to override)", net))
	} else if !memOK {
		h.RiskFactors = append(h.RiskFactors,
			fmt.Sprintf("Membership below threshold (%d members, need 20+ or net growth 3+)", m))
	}
	if g < req {
		f := fmt.Sprintf("DCP checkpoint not met: %d %s achieved, %d required for %s", g, plural(g, "goal"), req, monthNames[month])
		if since != "" {
			f += " (club chartered " + since + ")"
		}
		h.RiskFactors = append(h.RiskFactors, f)
	}
	if cspOverdue(c, date, py) {
		h.RiskFactors = append(h.RiskFactors, "CSP not submitted")
	}
	switch {
	case critical || c.Status == snapshot.ClubIneligible:
		h.Status = HealthIntervention
	case len(h.RiskFactors) == 0:
		h.Status = HealthThriving
	default:
		h.Status = HealthVulnerable
	}
	return h
}

var (
	classicLadder = snapshot.LevelRules(false)
	smedleyLadder = snapshot.LevelRules(true)
)

// ladder is the era's level rules, lowest first (snapshot.LevelRules).
func ladder(era string) []snapshot.LevelRule {
	if era == eraClassic {
		return classicLadder
	}
	return smedleyLadder
}

// levelOf is the club's level by the one rule, snapshot.ClubLevelOf: the
// reported Goals Met under the era's rules.
func levelOf(c *snapshot.Club, py string) string {
	return snapshot.ClubLevelOf(c, py)
}

// newMemberGoalCost returns how many new members earn goal 7 and goals 7+8
// (cumulative), and how many of the two are still open.
func newMemberGoalCost(c *snapshot.Club) (costs []int) {
	const goal = snapshot.GoalNewMembers
	nm, anm := c.Goals.NewMembers, c.Goals.AddNewMembers
	cost7 := max(0, goal-nm)
	if nm < goal {
		costs = append(costs, cost7)
	}
	if nm < goal || anm < goal {
		costs = append(costs, cost7+max(0, goal-anm))
	}
	return costs
}

func needsFor(c *snapshot.Club, py, target string) ClubNeed {
	era := clubEra(c, py)
	n := ClubNeed{
		ClubID: c.ClubID, ClubName: c.ClubName, DivisionID: c.DivisionID, AreaID: c.AreaID,
		CurrentLevel: levelOf(c, py), TargetLevel: target, GoalsMet: c.GoalsMet, Kind: NeedNone,
	}
	var rule *snapshot.LevelRule
	for i, r := range ladder(era) {
		if r.Level == target {
			rule = &ladder(era)[i]
		}
	}
	if rule == nil || snapshot.LevelRank(n.CurrentLevel) >= snapshot.LevelRank(target) {
		return n
	}
	n.GoalsNeeded = max(0, rule.Goals-c.GoalsMet)
	n.MembersNeeded = rule.MembersShort(c.ActiveMembers, netGrowth(c))
	n.CSPNeeded = cspMissing(c, py)
	// New members earn goals 7 and 8 and pass the membership test at once:
	// recruit the larger of the two needs, never their sum.
	viaMembers, cost := 0, 0
	for i, k := range newMemberGoalCost(c) {
		if i >= n.GoalsNeeded {
			break
		}
		viaMembers, cost = i+1, k
	}
	n.NewMembersNeeded = max(n.MembersNeeded, cost)
	n.OtherGoalsNeeded = n.GoalsNeeded - viaMembers
	switch {
	case n.MembersNeeded > 0 && n.GoalsNeeded > 0:
		n.Kind = NeedBoth
	case n.MembersNeeded > 0:
		n.Kind = NeedMembers
	case n.GoalsNeeded > 0:
		n.Kind = NeedGoals
	case n.CSPNeeded:
		n.Kind = NeedCSP
	}
	return n
}

// nextLevel returns the level after current in the era's ladder, "" at the
// top.
func nextLevel(current, era string) string {
	for _, r := range ladder(era) {
		if snapshot.LevelRank(r.Level) > snapshot.LevelRank(current) {
			return r.Level
		}
	}
	return ""
}

func clubNeeds(p Point) []ClubNeed {
	if p.District == nil {
		return nil
	}
	py := pointProgramYear(&p)
	out := make([]ClubNeed, 0, len(p.District.ClubDetails))
	for i := range p.District.ClubDetails {
		c := &p.District.ClubDetails[i]
		if c.Status == snapshot.ClubSuspended {
			continue
		}
		out = append(out, clubNeed(c, py))
	}
	return out
}

// clubNeed is what c still needs for its next level in the program year's
// era; Kind NeedSuspended for a suspended club.
func clubNeed(c *snapshot.Club, py string) ClubNeed {
	base := ClubNeed{ClubID: c.ClubID, ClubName: c.ClubName, DivisionID: c.DivisionID, AreaID: c.AreaID, GoalsMet: c.GoalsMet}
	if c.Status == snapshot.ClubSuspended {
		base.Kind = NeedSuspended
		return base
	}
	cur := levelOf(c, py)
	next := nextLevel(cur, clubEra(c, py))
	if next == "" {
		base.CurrentLevel, base.Kind = cur, NeedNone
		return base
	}
	return needsFor(c, py, next)
}

func clubNeedOf(p Point, clubID string) (*ClubNeed, error) {
	if p.District == nil {
		return nil, ErrNoData
	}
	var c *snapshot.Club
	for i := range p.District.ClubDetails {
		if p.District.ClubDetails[i].ClubID == clubID {
			c = &p.District.ClubDetails[i] // the last duplicate wins, as in indexClubs
		}
	}
	if c == nil {
		return nil, ErrClubNotFound
	}
	n := clubNeed(c, pointProgramYear(&p))
	return &n, nil
}
