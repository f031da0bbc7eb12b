package analytics

import (
	"fmt"
	"sort"

	"github.com/toaststats/toaststats/snapshot"
)

func seasonalPatterns(trend []DatedCount) []SeasonalPattern {
	var sum [13]int
	var n [13]int
	for i := 1; i < len(trend); i++ {
		_, m, ok := parseYM(trend[i].Date)
		if !ok {
			continue
		}
		sum[m] += trend[i].Count - trend[i-1].Count
		n[m]++
	}
	out := []SeasonalPattern{}
	for m := 1; m <= 12; m++ {
		if n[m] == 0 {
			continue
		}
		avg := float64(sum[m]) / float64(n[m])
		t := "stable"
		if avg > 2 {
			t = "growth"
		} else if avg < -2 {
			t = "decline"
		}
		out = append(out, SeasonalPattern{Month: m, MonthName: monthNames[m], AverageChange: round(avg, 1), Trend: t})
	}
	return out
}

func membershipAnalytics(points []Point, previousYear *Point) (*MembershipReport, error) {
	s, err := newSeries(points)
	if err != nil {
		return nil, err
	}
	trends := s.clubTrends()
	members, payments := districtTrends(s)
	total := members[len(members)-1].Count
	r := &MembershipReport{
		DistrictID:        s.districtID(),
		TotalMembership:   total,
		ProgramYearChange: programYearChange(s, members),
		MembershipTrend:   members,
		TotalPayments:     payments[len(payments)-1].Count,
		PaymentsTrend:     payments,
		TopGrowthClubs:    topGrowth(trends, 1),
		TopDecliningClubs: topGrowth(trends, -1),
		SeasonalPatterns:  seasonalPatterns(members),
	}
	if r.MembershipChange, r.ChangeNote = seriesChange(members); r.MembershipChange != nil {
		r.ChangeFrom, r.ChangeTo = members[0].Date, members[len(members)-1].Date
	}
	if previousYear != nil && previousYear.District != nil {
		prev := memberTotal(previousYear.District)
		p := 0.0
		if prev > 0 {
			p = round(float64(total-prev)/float64(prev)*100, 1)
		}
		r.YearOverYearComparison = &MembershipYoY{PreviousDate: previousYear.Date, CurrentMembership: total,
			PreviousMembership: prev, PercentageChange: p, MembershipChange: total - prev}
	}
	return r, nil
}

// programYearChange is members now minus the membership base of the program
// year (the sum of Mem. Base) when known; otherwise the change since the
// first point of the program year, or over the whole series.
func programYearChange(s *series, members []DatedCount) int {
	last := s.last()
	total := members[len(members)-1].Count
	if b := membershipBase(last.District); b > 0 {
		return total - b
	}
	py := pointProgramYear(last)
	for i := range s.points {
		if pointProgramYear(&s.points[i]) == py {
			return total - members[i].Count
		}
	}
	return total - members[0].Count
}

func membershipBase(d *snapshot.District) int {
	if d.Membership.Base != 0 {
		return d.Membership.Base
	}
	b := 0
	for i := range d.ClubDetails {
		b += d.ClubDetails[i].MembershipBase
	}
	return b
}

func (sc Scope) contains(c *snapshot.Club) bool {
	switch {
	case sc.ClubID != "":
		return c.ClubID == sc.ClubID
	case sc.AreaID != "":
		return c.DivisionID == sc.DivisionID && c.AreaID == sc.AreaID
	case sc.DivisionID != "":
		return c.DivisionID == sc.DivisionID
	}
	return true
}

func (sc Scope) name() string {
	switch {
	case sc.ClubID != "":
		return "club"
	case sc.AreaID != "":
		return "area"
	case sc.DivisionID != "":
		return "division"
	}
	return "district"
}

func membershipHistory(points []Point, sc Scope) (*MembershipHistoryReport, error) {
	s, err := newSeries(points)
	if err != nil {
		return nil, err
	}
	r := &MembershipHistoryReport{DistrictID: s.districtID(), Scope: sc.name(),
		DivisionID: sc.DivisionID, AreaID: sc.AreaID, ClubID: sc.ClubID, History: []HistoryPoint{}}
	district := sc.name() == "district"
	lastBase := 0
	for i := range s.points {
		d := s.points[i].District
		hp := HistoryPoint{Date: s.points[i].Date}
		pay, payKnown, base := 0, false, 0
		for k := range d.ClubDetails {
			c := &d.ClubDetails[k]
			if !sc.contains(c) {
				continue
			}
			hp.Clubs++
			hp.Members += c.ActiveMembers
			base += c.MembershipBase
			if v, ok := clubPaymentsTotal(c); ok {
				pay += v
				payKnown = true
			}
		}
		if district {
			hp.Members = memberTotal(d)
			base = membershipBase(d)
			if d.Summary != nil || d.Membership.Payments.Total != 0 {
				pay, payKnown = paymentTotal(d), true
			}
		}
		if hp.Clubs == 0 && !district {
			continue
		}
		if payKnown {
			hp.Payments = &pay
		}
		lastBase = base
		r.History = append(r.History, hp)
	}
	if len(r.History) == 0 && sc.ClubID != "" {
		return nil, fmt.Errorf("membership history of club %s: %w (%w)", sc.ClubID, ErrClubNotFound, ErrScopeNotFound)
	}
	if len(r.History) == 0 {
		return nil, fmt.Errorf("membership history of %s %s%s%s: %w", sc.name(), sc.DivisionID, sc.AreaID, sc.ClubID, ErrScopeNotFound)
	}
	r.MembershipBase = lastBase
	r.ProgramYearChange = r.History[len(r.History)-1].Members - lastBase
	return r, nil
}

// clubAwardCount is a club's education awards from its goal columns.
func clubAwardCount(g snapshot.GoalCounts) int {
	return g.Level1s + g.Level2s + g.AddLevel2s + g.Level3s + g.Level4s + g.AddLevel4s
}

// awardTotal is the district's education awards: the normalised total, or
// the sum of the clubs' award columns.
func awardTotal(d *snapshot.District) int {
	if d.Education.TotalAwards != 0 {
		return d.Education.TotalAwards
	}
	t := 0
	for i := range d.ClubDetails {
		t += clubAwardCount(d.ClubDetails[i].Goals)
	}
	return t
}

func educationalAwards(points []Point) (*EducationalAwardsReport, error) {
	s, err := newSeries(points)
	if err != nil {
		return nil, err
	}
	d := s.last().District
	r := &EducationalAwardsReport{DistrictID: s.districtID(), TotalAwards: awardTotal(d),
		ByType: d.Education.ByType, TopClubs: d.Education.TopClubs, ByMonth: []MonthlyAwards{}}
	if r.ByType == nil {
		r.ByType = awardsByType(d)
	}
	if r.TopClubs == nil {
		r.TopClubs = topAwardClubs(d)
	}
	// One entry per month: its last snapshot, compared with the last
	// snapshot of the month before it in the series (same program year).
	type monthEnd struct {
		month, date, py string
		total           int
	}
	var ends []monthEnd
	for i := range s.points {
		p := &s.points[i]
		e := monthEnd{month: p.Date[:min(7, len(p.Date))], date: p.Date, py: pointProgramYear(p), total: awardTotal(p.District)}
		if n := len(ends); n > 0 && ends[n-1].month == e.month {
			ends[n-1] = e
			continue
		}
		ends = append(ends, e)
	}
	for i, e := range ends {
		m := MonthlyAwards{Month: e.month, Date: e.date, Awards: e.total}
		switch {
		case i == 0:
			m.Note = "No earlier snapshot in the series: the awards are the program year's total to date, not a change."
		case ends[i-1].py != e.py:
			m.Note = "The program year changed since the previous snapshot (" + ends[i-1].date + "): award counters restarted, so no change is computed."
		default:
			d := e.total - ends[i-1].total
			m.Change, m.PreviousDate = &d, ends[i-1].date
		}
		r.ByMonth = append(r.ByMonth, m)
	}
	return r, nil
}

func awardsByType(d *snapshot.District) []snapshot.AwardCount {
	var l1, l2, l3, l4 int
	for i := range d.ClubDetails {
		g := d.ClubDetails[i].Goals
		l1 += g.Level1s
		l2 += g.Level2s + g.AddLevel2s
		l3 += g.Level3s
		l4 += g.Level4s + g.AddLevel4s
	}
	return []snapshot.AwardCount{{Type: "Level 1s", Count: l1}, {Type: "Level 2s", Count: l2},
		{Type: "Level 3s", Count: l3}, {Type: "Level 4s, Path Completions, or DTM Awards", Count: l4}}
}

func topAwardClubs(d *snapshot.District) []snapshot.ClubAwards {
	out := []snapshot.ClubAwards{}
	for i := range d.ClubDetails {
		c := &d.ClubDetails[i]
		if n := clubAwardCount(c.Goals); n > 0 {
			out = append(out, snapshot.ClubAwards{ClubID: c.ClubID, ClubName: c.ClubName, Awards: n})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Awards != out[j].Awards {
			return out[i].Awards > out[j].Awards
		}
		return out[i].ClubID < out[j].ClubID
	})
	if len(out) > 10 {
		out = out[:10]
	}
	return out
}

// previousYearDate is the date a year before date (PreviousYearDate).
func previousYearDate(date string) string {
	before := MonthsBefore(date, 12)
	if before != "" && date == snapshot.LastDayOfMonth(date[:7]) {
		// A month's last day (its closing-period snapshot) compares with
		// the same month's last day: 2025-02-28 with 2024-02-29.
		return snapshot.LastDayOfMonth(before[:7])
	}
	return before
}

func metric(prev, cur float64) Metric {
	return Metric{Current: cur, Previous: prev, Change: round(cur-prev, 2), PercentageChange: pct(prev, cur)}
}

// yoySide is one date's census for year-over-year comparisons. Clubs,
// goals and the health counts cover the clubs that are not suspended (a
// suspended club is no longer one of the district's clubs); levels are
// levelCounts, which leaves suspended clubs out too.
type yoySide struct {
	members, payments, clubs, goals float64
	levels                          LevelCounts
	thriving, vulnerable, interv    float64
}

func measureYoY(p *Point) yoySide {
	d := p.District
	py := pointProgramYear(p)
	s := yoySide{members: float64(memberTotal(d)), payments: float64(paymentTotal(d)), levels: levelCounts(d)}
	for i := range d.ClubDetails {
		c := &d.ClubDetails[i]
		if c.Status == snapshot.ClubSuspended {
			continue
		}
		s.clubs++
		s.goals += float64(c.GoalsMet)
		switch clubHealth(c, p.Date, py).Status {
		case HealthThriving:
			s.thriving++
		case HealthVulnerable:
			s.vulnerable++
		default:
			s.interv++
		}
	}
	return s
}

func yearOverYear(current Point, previous *Point) *YearOverYearReport {
	r := &YearOverYearReport{CurrentDate: current.Date, PreviousYearDate: previousYearDate(current.Date)}
	if current.District != nil {
		r.DistrictID = current.District.DistrictID
	}
	if current.District == nil || previous == nil || previous.District == nil {
		r.Message = "N/A - Previous year data not available"
		return r
	}
	r.PreviousYearDate = previous.Date
	r.DataAvailable = true
	c, p := measureYoY(&current), measureYoY(previous)
	avg := func(s yoySide) float64 {
		if s.clubs == 0 {
			return 0
		}
		return round(s.goals/s.clubs, 1)
	}
	r.Metrics = &YoYMetrics{
		Membership:         metric(p.members, c.members),
		Payments:           metric(p.payments, c.payments),
		DistinguishedClubs: metric(float64(p.levels.Total), float64(c.levels.Total)),
		ByLevel: map[string]Metric{
			"smedley":       metric(float64(p.levels.Smedley), float64(c.levels.Smedley)),
			"presidents":    metric(float64(p.levels.Presidents), float64(c.levels.Presidents)),
			"select":        metric(float64(p.levels.Select), float64(c.levels.Select)),
			"distinguished": metric(float64(p.levels.Distinguished), float64(c.levels.Distinguished)),
		},
		ThrivingClubs:       metric(p.thriving, c.thriving),
		VulnerableClubs:     metric(p.vulnerable, c.vulnerable),
		InterventionClubs:   metric(p.interv, c.interv),
		TotalDCPGoals:       metric(p.goals, c.goals),
		AverageGoalsPerClub: metric(avg(p), avg(c)),
		ClubCount:           metric(p.clubs, c.clubs),
	}
	return r
}
