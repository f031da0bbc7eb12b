package analytics

import (
	"math"
	"sort"

	"github.com/toaststats/toaststats/snapshot"
)

type divStats struct {
	clubs, members, base, goals, healthy, twenty int
}

func divisionStats(d *snapshot.District) map[string]*divStats {
	m := map[string]*divStats{}
	for i := range d.ClubDetails {
		c := &d.ClubDetails[i]
		s := m[c.DivisionID]
		if s == nil {
			s = &divStats{}
			m[c.DivisionID] = s
		}
		s.clubs++
		s.members += c.ActiveMembers
		s.base += c.MembershipBase
		s.goals += c.GoalsMet
		if c.ActiveMembers >= 12 && c.GoalsMet > 0 {
			s.healthy++
		}
		if c.ActiveMembers >= 20 {
			s.twenty++
		}
	}
	return m
}

func leadershipInsights(points []Point) (*LeadershipReport, error) {
	s, err := newSeries(points)
	if err != nil {
		return nil, err
	}
	last := s.last()
	py := pointProgramYear(last)
	// The points of the last program year: goals restart each July, so
	// consistency and changes are judged within one year.
	var year []int
	for i := range s.points {
		if pointProgramYear(&s.points[i]) == py {
			year = append(year, i)
		}
	}
	perPoint := make([]map[string]*divStats, len(s.points))
	for i := range s.points {
		perPoint[i] = divisionStats(s.points[i].District)
	}
	cur := perPoint[len(perPoint)-1]
	r := &LeadershipReport{DistrictID: s.districtID(), LeadershipScores: []DivisionLeadership{},
		BestPracticeDivisions: []DivisionLeadership{}, LeadershipChanges: []LeadershipChange{},
		AreaDirectorCorrelations: []AreaDirectorCorrelation{}}
	for id, st := range cur {
		n := float64(st.clubs)
		avgMem := float64(st.members) / n
		h := 0.5*float64(st.healthy)/n*100 + 0.3*math.Min(avgMem/30*100, 100) + 0.2*float64(st.twenty)/n*100
		dcp := float64(st.goals) / (n * 10) * 100
		dl := DivisionLeadership{DivisionID: id, DivisionName: divisionName(id),
			HealthScore: int(math.Round(h)), DCPScore: int(math.Round(dcp))}
		if st.base > 0 {
			// Growth against the members of July 1 (Mem. Base), known from
			// the first snapshot: 50 at no growth, ±5 points per percent.
			growth := round(float64(st.members-st.base)/float64(st.base)*100, 2)
			g := math.Max(0, math.Min(100, 50+5*growth))
			gs := int(math.Round(g))
			dl.GrowthPercent, dl.GrowthScore = &growth, &gs
			dl.OverallScore = int(math.Round(0.4*h + 0.3*g + 0.3*dcp))
		} else {
			dl.GrowthNote = "No membership base for the division's clubs: growth cannot be measured; the overall score weighs health and DCP only (0.4h + 0.3d) / 0.7."
			dl.OverallScore = int(math.Round((0.4*h + 0.3*dcp) / 0.7))
		}
		r.LeadershipScores = append(r.LeadershipScores, dl)
	}
	sort.Slice(r.LeadershipScores, func(i, j int) bool {
		a, b := r.LeadershipScores[i], r.LeadershipScores[j]
		if a.OverallScore != b.OverallScore {
			return a.OverallScore > b.OverallScore
		}
		return a.DivisionID < b.DivisionID
	})
	topN := int(math.Ceil(0.2 * float64(len(r.LeadershipScores))))
	total := 0
	for i := range r.LeadershipScores {
		ds := &r.LeadershipScores[i]
		ds.Rank = i + 1
		total += ds.OverallScore
		consistent := true
		if len(year) >= 3 {
			for k := 1; k < len(year); k++ {
				prev, now := perPoint[year[k-1]][ds.DivisionID], perPoint[year[k]][ds.DivisionID]
				if prev != nil && now != nil && float64(now.goals) < 0.7*float64(prev.goals) {
					consistent = false
					break
				}
			}
		}
		ds.IsBestPractice = ds.OverallScore >= 75 && i < topN && consistent
		if ds.IsBestPractice {
			r.BestPracticeDivisions = append(r.BestPracticeDivisions, *ds)
		}
	}
	r.LeadershipChanges = leadershipChanges(s, perPoint, year)
	areas := areaPerformances(last)
	r.AreaDirectorCorrelations = areaCorrelations(last, areas)
	for i, ds := range r.LeadershipScores {
		if i < 5 {
			r.Summary.TopPerformingDivisions = append(r.Summary.TopPerformingDivisions,
				ScoredUnit{ID: ds.DivisionID, Name: ds.DivisionName, Score: ds.OverallScore})
		}
	}
	if n := len(r.LeadershipScores); n > 0 {
		r.Summary.AverageLeadershipScore = int(math.Round(float64(total) / float64(n)))
	}
	r.Summary.TotalBestPracticeDivisions = len(r.BestPracticeDivisions)
	r.Summary.TopPerformingAreas = []ScoredUnit{}
	for i, a := range areas {
		if i == 5 {
			break
		}
		r.Summary.TopPerformingAreas = append(r.Summary.TopPerformingAreas,
			ScoredUnit{ID: a.AreaID, Name: a.AreaName, DivisionID: a.DivisionID, Score: int(math.Round(a.NormalizedScore * 100))})
	}
	if r.Summary.TopPerformingDivisions == nil {
		r.Summary.TopPerformingDivisions = []ScoredUnit{}
	}
	return r, nil
}

func leadershipChanges(s *series, perPoint []map[string]*divStats, year []int) []LeadershipChange {
	out := []LeadershipChange{}
	if len(year) < 3 {
		return out
	}
	ids := map[string]bool{}
	for _, i := range year {
		for id := range perPoint[i] {
			ids[id] = true
		}
	}
	for id := range ids {
		avg := make([]float64, len(year))
		known := make([]bool, len(year))
		for k, i := range year {
			if st := perPoint[i][id]; st != nil && st.clubs > 0 {
				avg[k], known[k] = float64(st.goals)/float64(st.clubs), true
			}
		}
		for k := 2; k < len(year); k++ {
			if !known[k-2] || !known[k-1] || !known[k] {
				// A point without the division's clubs says nothing of
				// its performance: no change is measured across it.
				continue
			}
			before := (avg[k-2] + avg[k-1]) / 2
			delta := avg[k] - before
			if before <= 0 || math.Abs(delta) < 0.2*before {
				continue
			}
			t := "stable"
			if delta > 0 {
				t = "improved"
			} else if delta < 0 {
				t = "declined"
			}
			out = append(out, LeadershipChange{DivisionID: id, DivisionName: divisionName(id),
				ChangeDate: s.points[year[k]].Date, PerformanceBeforeChange: round(before, 1),
				PerformanceAfterChange: round(avg[k], 1), PerformanceDelta: round(delta, 1), Trend: t})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ChangeDate != out[j].ChangeDate {
			return out[i].ChangeDate > out[j].ChangeDate
		}
		return out[i].DivisionID < out[j].DivisionID
	})
	return out
}

// areaCorrelations sets each area's club performance (round(100 ×
// AverageClubHealth) of areaPerformances) beside its director's visit
// activity: VisitRate is the visits made (capped at the number required,
// per round) over the visits required, counting only the rounds closed on
// the date, or both rounds while neither has closed. Activity is high at
// 100 %, medium from 50 %, low below. Correlation is "positive" when
// activity and performance agree (high with a score of 70 or more, low
// with under 40), "negative" when they diverge (high with under 40, low
// with 70 or more), "neutral" otherwise. Without visit data the activity
// is absent and Note says why.
func areaCorrelations(p *Point, perf []AreaPerformance) []AreaDirectorCorrelation {
	standing := standingIndex(p)
	out := []AreaDirectorCorrelation{}
	for _, a := range perf {
		c := AreaDirectorCorrelation{AreaID: a.AreaID, AreaName: a.AreaName, DivisionID: a.DivisionID,
			ClubPerformanceScore: int(math.Round(a.AverageClubHealth * 100))}
		u := standing[areaKey(a.DivisionID, a.AreaID)]
		if u == nil || len(u.VisitRounds) == 0 || u.VisitRounds[0].Required == 0 {
			c.Note = "No club-visit data for this area (division report or visit columns missing): activity unknown."
			out = append(out, c)
			continue
		}
		rounds := u.VisitRounds
		var counted []snapshot.RoundStatus
		for _, r := range rounds {
			if r.Closed {
				counted = append(counted, r)
			}
		}
		c.ActivityBasis = "closed rounds"
		if len(counted) == 0 {
			counted, c.ActivityBasis = rounds, "rounds in progress"
		}
		for _, r := range counted {
			c.VisitsDone += min(r.Visits, r.Required)
			c.VisitsRequired += r.Required
		}
		rate := round(float64(c.VisitsDone)/float64(c.VisitsRequired)*100, 1)
		c.VisitRate = &rate
		switch {
		case rate >= 100:
			c.ActivityIndicator = "high"
		case rate >= 50:
			c.ActivityIndicator = "medium"
		default:
			c.ActivityIndicator = "low"
		}
		score := c.ClubPerformanceScore
		switch {
		case c.ActivityIndicator == "high" && score >= 70, c.ActivityIndicator == "low" && score < 40:
			c.Correlation = "positive"
		case c.ActivityIndicator == "high" && score < 40, c.ActivityIndicator == "low" && score >= 70:
			c.Correlation = "negative"
		default:
			c.Correlation = "neutral"
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ClubPerformanceScore > out[j].ClubPerformanceScore })
	return out
}
