package analytics

import (
	"sort"

	"github.com/toaststats/toaststats/snapshot"
)

// clubTrends builds the trend of every club of the last point across the
// series, with its current health.
func (s *series) clubTrends() []ClubTrend {
	last := s.last()
	py := pointProgramYear(last)
	clubs := last.District.ClubDetails
	out := make([]ClubTrend, len(clubs))
	idx := make(map[string]int, len(clubs))
	for j := range clubs {
		idx[clubs[j].ClubID] = j
		out[j].MembershipTrend = make([]DatedCount, 0, len(s.points))
		out[j].DCPGoalsTrend = make([]DatedGoals, 0, len(s.points))
		out[j].PaymentsTrend = []DatedCount{}
	}
	for i := range s.points {
		p := &s.points[i]
		for k := range p.District.ClubDetails {
			c := &p.District.ClubDetails[k]
			j, ok := idx[c.ClubID]
			if !ok {
				continue
			}
			t := &out[j]
			t.MembershipTrend = append(t.MembershipTrend, DatedCount{p.Date, c.ActiveMembers})
			t.DCPGoalsTrend = append(t.DCPGoalsTrend, DatedGoals{p.Date, c.GoalsMet})
			if v, ok := clubPaymentsTotal(c); ok {
				t.PaymentsTrend = append(t.PaymentsTrend, DatedCount{p.Date, v})
			}
		}
	}
	for j := range clubs {
		fillClubTrend(&out[j], &clubs[j], last.Date, py)
	}
	return out
}

func fillClubTrend(t *ClubTrend, c *snapshot.Club, date, py string) {
	t.ClubID, t.ClubName, t.DivisionID, t.AreaID = c.ClubID, c.ClubName, c.DivisionID, c.AreaID
	t.ClubStatus = c.Status
	t.ClubHealth = clubHealth(c, date, py)
	t.DistinguishedLevel = reportedLevel(c)
	t.ComputedLevel = levelOf(c, py)
	t.MembershipBase, t.ActiveMembers, t.NetGrowth = c.MembershipBase, c.ActiveMembers, netGrowth(c)
	if c.Payments != nil {
		oct, apr, nw := c.Payments.OctRenewals, c.Payments.AprRenewals, c.Payments.New
		t.OctoberRenewals, t.AprilRenewals, t.NewMembers = &oct, &apr, &nw
	}
}

func clubTrendOf(points []Point, clubID string) (*ClubTrend, error) {
	s, err := newSeries(points)
	if err != nil {
		return nil, err
	}
	var t ClubTrend
	t.MembershipTrend, t.DCPGoalsTrend, t.PaymentsTrend = []DatedCount{}, []DatedGoals{}, []DatedCount{}
	var latest *snapshot.Club
	var latestPoint *Point
	for i := range s.points {
		p := &s.points[i]
		var c *snapshot.Club
		for k := range p.District.ClubDetails {
			if p.District.ClubDetails[k].ClubID == clubID {
				c = &p.District.ClubDetails[k] // the last duplicate wins, as in indexClubs
			}
		}
		if c == nil {
			continue
		}
		latest, latestPoint = c, p
		t.MembershipTrend = append(t.MembershipTrend, DatedCount{p.Date, c.ActiveMembers})
		t.DCPGoalsTrend = append(t.DCPGoalsTrend, DatedGoals{p.Date, c.GoalsMet})
		if v, ok := clubPaymentsTotal(c); ok {
			t.PaymentsTrend = append(t.PaymentsTrend, DatedCount{p.Date, v})
		}
	}
	if latest == nil {
		return nil, ErrClubNotFound
	}
	fillClubTrend(&t, latest, latestPoint.Date, pointProgramYear(latestPoint))
	return &t, nil
}

// topGrowth returns up to 10 clubs with the largest growth of sign sign
// (+1 growth, −1 decline, reported as a positive number): Active Members
// minus Mem. Base on the last snapshot, the club's growth in the program
// year.
func topGrowth(trends []ClubTrend, sign int) []ClubGrowth {
	out := []ClubGrowth{}
	for i := range trends {
		t := &trends[i]
		g := (t.ActiveMembers - t.MembershipBase) * sign
		if g > 0 {
			out = append(out, ClubGrowth{ClubID: t.ClubID, ClubName: t.ClubName, Growth: g,
				MembershipBase: t.MembershipBase, ActiveMembers: t.ActiveMembers})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Growth != out[j].Growth {
			return out[i].Growth > out[j].Growth
		}
		return out[i].ClubID < out[j].ClubID
	})
	if len(out) > 10 {
		out = out[:10]
	}
	return out
}

func districtTrends(s *series) (members, payments []DatedCount) {
	members = make([]DatedCount, len(s.points))
	payments = make([]DatedCount, len(s.points))
	for i := range s.points {
		d := s.points[i].District
		members[i] = DatedCount{s.points[i].Date, memberTotal(d)}
		payments[i] = DatedCount{s.points[i].Date, paymentTotal(d)}
	}
	return members, payments
}

// healthScore scores a club's health verdict on date (clubHealth):
// thriving 1, vulnerable 0.5, intervention required 0.
func healthScore(c *snapshot.Club, date, py string) float64 {
	switch clubHealth(c, date, py).Status {
	case HealthThriving:
		return 1
	case HealthVulnerable:
		return 0.5
	}
	return 0
}

func divisionGoals(d *snapshot.District) map[string]int {
	m := map[string]int{}
	for i := range d.ClubDetails {
		m[d.ClubDetails[i].DivisionID] += d.ClubDetails[i].GoalsMet
	}
	return m
}

// standingIndex is the standing (the one rule, on the point's date) of
// every division (key "div") and area (areaKey).
func standingIndex(p *Point) map[string]*UnitStanding {
	st := areaDivisionStanding(p.District, p.Date)
	m := map[string]*UnitStanding{}
	for i := range st.Divisions {
		dv := &st.Divisions[i]
		m[dv.DivisionID] = &dv.UnitStanding
		for j := range dv.Areas {
			m[areaKey(dv.Areas[j].DivisionID, dv.Areas[j].AreaID)] = &dv.Areas[j]
		}
	}
	return m
}

// divisionRankings orders the divisions of the last point by, in turn: the
// recognition level of the standing rule (P, S, D, none), membership growth
// against the base (members − Mem. Base over Mem. Base; unknown last), the
// average club health score (healthScore), then total DCP goals. A
// division's trend compares its goals with the previous point of the same
// program year, when that point has the division.
func divisionRankings(s *series) []DivisionRanking {
	last := s.last()
	d := last.District
	py := pointProgramYear(last)
	type acc struct {
		clubs, goals, members, base int
		score                       float64
	}
	by := map[string]*acc{}
	for i := range d.ClubDetails {
		c := &d.ClubDetails[i]
		a := by[c.DivisionID]
		if a == nil {
			a = &acc{}
			by[c.DivisionID] = a
		}
		a.clubs++
		a.goals += c.GoalsMet
		a.members += c.ActiveMembers
		a.base += c.MembershipBase
		a.score += healthScore(c, last.Date, py)
	}
	standing := standingIndex(last)
	var prev map[string]int
	// Goals count from 0 again on July 1: a point of the previous program
	// year is no base for a trend.
	if n := len(s.points); n >= 2 && pointProgramYear(&s.points[n-2]) == py {
		prev = divisionGoals(s.points[n-2].District)
	}
	out := make([]DivisionRanking, 0, len(by))
	for id, a := range by {
		r := DivisionRanking{DivisionID: id, DivisionName: divisionName(id), TotalClubs: a.clubs,
			TotalDcpGoals: a.goals, AverageClubHealth: round(a.score/float64(a.clubs), 2),
			Members: a.members, MembershipBase: a.base}
		if u := standing[id]; u != nil {
			r.Level = u.Level
		}
		if a.base > 0 {
			g := round(float64(a.members-a.base)/float64(a.base)*100, 2)
			r.MembershipGrowthPercent = &g
		}
		// A division missing from the previous point (a district file
		// without its clubs) has unknown goals there, not 0: no trend.
		if pg0, ok := prev[id]; ok {
			r.PreviousDate = s.points[len(s.points)-2].Date
			pg := float64(pg0)
			switch {
			case float64(a.goals) > pg*1.1:
				r.Trend = "improving"
			case float64(a.goals) < pg*0.9:
				r.Trend = "declining"
			default:
				r.Trend = "stable"
			}
		}
		out = append(out, r)
	}
	growth := func(r DivisionRanking) float64 {
		if r.MembershipGrowthPercent == nil {
			return -1e9
		}
		return *r.MembershipGrowthPercent
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if la, lb := snapshot.LevelRank(a.Level), snapshot.LevelRank(b.Level); la != lb {
			return la > lb
		}
		if ga, gb := growth(a), growth(b); ga != gb {
			return ga > gb
		}
		if a.AverageClubHealth != b.AverageClubHealth {
			return a.AverageClubHealth > b.AverageClubHealth
		}
		if a.TotalDcpGoals != b.TotalDcpGoals {
			return a.TotalDcpGoals > b.TotalDcpGoals
		}
		return a.DivisionID < b.DivisionID
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// areaGroup is the clubs of one area (keyed by division and area).
type areaGroup struct {
	div, area string
	clubs     []*snapshot.Club
}

func groupAreas(d *snapshot.District) []*areaGroup {
	by := map[string]*areaGroup{}
	var order []*areaGroup
	for i := range d.ClubDetails {
		c := &d.ClubDetails[i]
		k := areaKey(c.DivisionID, c.AreaID)
		g := by[k]
		if g == nil {
			g = &areaGroup{div: c.DivisionID, area: c.AreaID}
			by[k] = g
			order = append(order, g)
		}
		g.clubs = append(g.clubs, c)
	}
	sort.Slice(order, func(i, j int) bool {
		return areaKey(order[i].div, order[i].area) < areaKey(order[j].div, order[j].area)
	})
	return order
}

// areaPerformances scores every area of the point: NormalizedScore =
// round2(0.5 × levelRank/3 + 0.5 × averageClubHealth), where levelRank is
// the area's recognition by the standing rule (none 0, D 1, S 2, P 3) and
// averageClubHealth the mean healthScore of its clubs (thriving 1,
// vulnerable 0.5, intervention 0). Sorted by score, best first.
func areaPerformances(p *Point) []AreaPerformance {
	d := p.District
	py := pointProgramYear(p)
	standing := standingIndex(p)
	out := []AreaPerformance{}
	for _, g := range groupAreas(d) {
		var health float64
		goals, thriving := 0, 0
		for _, c := range g.clubs {
			h := healthScore(c, p.Date, py)
			health += h
			if h == 1 {
				thriving++
			}
			goals += c.GoalsMet
		}
		n := float64(len(g.clubs))
		avgHealth := health / n
		ap := AreaPerformance{
			AreaID: g.area, AreaName: areaName(g.div, g.area), DivisionID: g.div,
			TotalClubs: len(g.clubs), ThrivingClubs: thriving, AverageClubHealth: round(avgHealth, 2), TotalDcpGoals: goals,
		}
		if u := standing[areaKey(g.div, g.area)]; u != nil {
			ap.Level, ap.Blocked = u.Level, u.Blocked
		}
		ap.NormalizedScore = round(0.5*float64(snapshot.LevelRank(ap.Level))/3+0.5*avgHealth, 2)
		out = append(out, ap)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].NormalizedScore > out[j].NormalizedScore })
	return out
}

// topPerformingAreas is the ten best areaPerformances.
func topPerformingAreas(p *Point) []AreaPerformance {
	out := areaPerformances(p)
	if len(out) > 10 {
		out = out[:10]
	}
	return out
}

func healthLists(trends []ClubTrend) (thriving, vulnerable, intervention []ClubTrend) {
	thriving, vulnerable, intervention = []ClubTrend{}, []ClubTrend{}, []ClubTrend{}
	for _, t := range trends {
		switch t.Status {
		case HealthThriving:
			thriving = append(thriving, t)
		case HealthVulnerable:
			vulnerable = append(vulnerable, t)
		default:
			intervention = append(intervention, t)
		}
	}
	return thriving, vulnerable, intervention
}

// thrivingShare is the percentage of a point's clubs that are thriving,
// among the clubs that are not suspended: the thriving clubs over the club
// count of the year-over-year census (measureYoY), so the district
// overview's clubHealthChange and the year-over-year route agree.
func thrivingShare(p *Point) float64 {
	s := measureYoY(p)
	if s.clubs == 0 {
		return 0
	}
	return s.thriving / s.clubs * 100
}

func districtAnalytics(points []Point, previousYear *Point) (*DistrictReport, error) {
	s, err := newSeries(points)
	if err != nil {
		return nil, err
	}
	last := s.last()
	trends := s.clubTrends()
	members, payments := districtTrends(s)
	total := members[len(members)-1].Count
	base := membershipBase(last.District)
	r := &DistrictReport{
		DistrictID:      s.districtID(),
		DateRange:       DateRange{s.first().Date, last.Date},
		TotalMembership: total,
		MembershipBase:  base,
		MembersVsBase:   total - base,
		MembershipTrend: members,
		TotalPayments:   payments[len(payments)-1].Count,
		PaymentsTrend:   payments,
		TopGrowthClubs:  topGrowth(trends, 1),
		AllClubs:        trends,
	}
	r.MembershipChange, r.MembershipChangeNote = seriesChange(members)
	r.ThrivingClubs, r.VulnerableClubs, r.InterventionRequiredClubs = healthLists(trends)
	dist := s.distinguished(previousYear)
	r.DistinguishedClubs = dist.DistinguishedClubs
	r.DistinguishedProjection = dist.DistinguishedProjection
	r.DistinguishedClubAnalytics = dist
	r.DivisionRankings = divisionRankings(s)
	r.TopPerformingAreas = topPerformingAreas(last)
	r.DivisionRecognition = areaDivisionStanding(last.District, last.Date)
	if previousYear != nil && previousYear.District != nil {
		prevDist := levelCounts(previousYear.District).Total
		r.YearOverYear = &DistrictYoYSummary{
			PreviousDate:        previousYear.Date,
			MembershipChange:    pct(float64(memberTotal(previousYear.District)), float64(r.TotalMembership)),
			DistinguishedChange: pct(float64(prevDist), float64(r.DistinguishedClubs.Total)),
			ClubHealthChange:    round(thrivingShare(last)-thrivingShare(previousYear), 1),
		}
	}
	return r, nil
}

func vulnerableClubs(points []Point) (*VulnerableReport, error) {
	s, err := newSeries(points)
	if err != nil {
		return nil, err
	}
	_, vul, inter := healthLists(s.clubTrends())
	clubs := make([]ClubTrend, 0, len(vul)+len(inter))
	clubs = append(append(clubs, vul...), inter...)
	return &VulnerableReport{
		DistrictID:                s.districtID(),
		Date:                      s.last().Date,
		TotalVulnerableClubs:      len(clubs),
		InterventionRequiredClubs: len(inter),
		VulnerableClubs:           len(vul),
		Clubs:                     clubs,
	}, nil
}

// seriesChange is the last count minus the first when the series has two
// snapshots or more; otherwise nil and a note saying there is no earlier
// snapshot.
func seriesChange(t []DatedCount) (*int, string) {
	if len(t) < 2 || t[0].Date == t[len(t)-1].Date {
		return nil, "Only one snapshot in the range: no earlier snapshot to compare with."
	}
	d := t[len(t)-1].Count - t[0].Count
	return &d, ""
}
