package analytics

import (
	"sort"

	"github.com/toaststats/toaststats/snapshot"
)

// Club change kinds of a daily report.
const (
	ChangeChartered   = "chartered"
	ChangeSuspended   = "suspended"
	ChangeRemoved     = "removed"
	ChangeStatus      = "status"
	ChangeLevelGained = "level-gained"
	ChangeLevelLost   = "level-lost"
	ChangeGoalGained  = "goal-gained"
	ChangeGoalLost    = "goal-lost"
)

func newMemberCount(c *snapshot.Club) int { return c.Goals.NewMembers + c.Goals.AddNewMembers }

func renewalCount(c *snapshot.Club) int {
	if c.Payments == nil {
		return 0
	}
	return c.Payments.TotalRenewals
}

func goalLabel(k int) string { return "goal " + itoa(k+1) }

func whatChanged(prev *Point, cur Point) *DailyReport {
	r := &DailyReport{Date: cur.Date, NewMembers: []ClubCount{}, Renewals: []ClubCount{},
		ClubChanges: []ClubChange{}, Awards: []ClubCount{}}
	if cur.District == nil {
		return r
	}
	r.DistrictID = cur.District.DistrictID
	var before map[string]*snapshot.Club
	if prev == nil || prev.District == nil {
		r.Note = "No earlier snapshot of this district: nothing to compare with (year-to-date totals are not one day's activity)."
		return r
	}
	r.PreviousDate = prev.Date
	r.ProgramYearBoundary = pointProgramYear(prev) != pointProgramYear(&cur)
	before = indexClubs(prev.District)
	r.Summary = &DailySummary{}
	var newMembers, renewals, awards int
	if r.ProgramYearBoundary {
		r.Note = "The program year changed between the two snapshots: year-to-date counters restarted, so new members, renewals and awards are not compared."
	}
	changed := map[string]bool{}
	addChange := func(c *snapshot.Club, kind, from, to string) {
		r.ClubChanges = append(r.ClubChanges, ClubChange{ClubID: c.ClubID, ClubName: c.ClubName, Change: kind, From: from, To: to})
		changed[c.ClubID] = true
	}
	for i := range cur.District.ClubDetails {
		c := &cur.District.ClubDetails[i]
		pc := before[c.ClubID]
		// Year-to-date counters restart with the program year: they are
		// compared within a year only. A club new since the previous
		// snapshot is compared with zero (it had nothing then).
		var ytd *snapshot.Club
		if pc != nil && !r.ProgramYearBoundary {
			ytd = pc
		}
		delta := func(f func(*snapshot.Club) int) int {
			if ytd == nil {
				return f(c)
			}
			return f(c) - f(ytd)
		}
		if !r.ProgramYearBoundary {
			if d := delta(newMemberCount); d > 0 {
				r.NewMembers = append(r.NewMembers, ClubCount{c.ClubID, c.ClubName, d})
				newMembers += d
			}
			if d := delta(renewalCount); d > 0 {
				r.Renewals = append(r.Renewals, ClubCount{c.ClubID, c.ClubName, d})
				renewals += d
			}
			if d := delta(func(c *snapshot.Club) int { return clubAwardCount(c.Goals) }); d > 0 {
				r.Awards = append(r.Awards, ClubCount{c.ClubID, c.ClubName, d})
				awards += d
			}
		}
		if pc == nil {
			addChange(c, ChangeChartered, "", c.CharterDate)
			continue
		}
		suspended := false
		if pc.Status != c.Status {
			if c.Status == snapshot.ClubSuspended {
				addChange(c, ChangeSuspended, pc.Status, c.Status)
				suspended = true
			} else {
				addChange(c, ChangeStatus, pc.Status, c.Status)
			}
		}
		if !suspended && pc.SuspendDate == "" && c.SuspendDate != "" {
			addChange(c, ChangeSuspended, "", c.SuspendDate)
		}
		if pc.CharterDate == "" && c.CharterDate != "" {
			addChange(c, ChangeChartered, "", c.CharterDate)
		}
		// Goals and levels restart with the program year: across the
		// boundary they are compared with a blank year, not reported lost.
		pl, pg := snapshot.LevelNone, [10]bool{}
		if ytd != nil {
			pl, pg = reportedLevel(pc), clubGoals(pc)
		}
		cl, cg := reportedLevel(c), clubGoals(c)
		if d := snapshot.LevelRank(cl) - snapshot.LevelRank(pl); d > 0 {
			addChange(c, ChangeLevelGained, pl, cl)
		} else if d < 0 {
			addChange(c, ChangeLevelLost, pl, cl)
		}
		for k := range cg {
			if cg[k] && !pg[k] {
				addChange(c, ChangeGoalGained, "", goalLabel(k))
			} else if pg[k] && !cg[k] {
				addChange(c, ChangeGoalLost, goalLabel(k), "")
			}
		}
	}
	if !r.ProgramYearBoundary {
		r.Summary.TotalNewMembers, r.Summary.TotalRenewals, r.Summary.TotalAwards = &newMembers, &renewals, &awards
	}
	{
		now := indexClubs(cur.District)
		var gone []*snapshot.Club
		for i := range prev.District.ClubDetails {
			if pc := &prev.District.ClubDetails[i]; now[pc.ClubID] == nil {
				gone = append(gone, pc)
			}
		}
		sort.Slice(gone, func(i, j int) bool { return gone[i].ClubID < gone[j].ClubID })
		for _, pc := range gone {
			addChange(pc, ChangeRemoved, pc.Status, "")
		}
		pt, ct := memberTotal(prev.District), memberTotal(cur.District)
		r.Summary.NetMembershipChange = ct - pt
		if pt > 0 {
			r.Summary.DayOverDayChange = round(float64(ct-pt)/float64(pt)*100, 2)
		}
	}
	r.Summary.ClubsChanged = len(changed)
	return r
}

func dailyReports(before *Point, points []Point) []DailyReport {
	out := []DailyReport{}
	s, err := newSeries(points)
	if err != nil {
		return out
	}
	prev := before
	for i := range s.points {
		out = append(out, *whatChanged(prev, s.points[i]))
		prev = &s.points[i]
	}
	return out
}

func rankHistory(points []Point, py string, onlyYear bool) *RankHistoryReport {
	sorted := append([]Point(nil), points...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Date < sorted[j].Date })
	if py == "" && len(sorted) > 0 {
		py = pointProgramYear(&sorted[len(sorted)-1])
	}
	r := &RankHistoryReport{History: []RankPoint{}, ProgramYear: programYearBounds(py)}
	for i := range sorted {
		p := &sorted[i]
		if p.District != nil && r.DistrictID == "" {
			r.DistrictID = p.District.DistrictID
		}
		if p.Ranking == nil || onlyYear && pointProgramYear(p) != py {
			continue
		}
		if n := len(r.History); n > 0 && r.History[n-1].Date == p.Date {
			r.History = r.History[:n-1]
		}
		rk := p.Ranking
		r.DistrictID = rk.DistrictID
		r.DistrictName = rk.DistrictName
		r.History = append(r.History, RankPoint{Date: p.Date, AggregateScore: rk.AggregateScore,
			ClubsRank: rk.ClubsRank, PaymentsRank: rk.PaymentsRank, DistinguishedRank: rk.DistinguishedRank,
			OverallRank: rk.OverallRank, TotalDistricts: p.TotalDistricts})
	}
	if r.DistrictName == "" && r.DistrictID != "" {
		r.DistrictName = "District " + r.DistrictID
	}
	return r
}
