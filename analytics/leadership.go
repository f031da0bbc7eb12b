package analytics

import (
	"math"
	"sort"

	"github.com/toaststats/toaststats/snapshot"
)

type divStats struct {
	clubs, members, goals, healthy, twenty int
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
	first := perPoint[0]
	r := &LeadershipReport{DistrictID: s.districtID(), LeadershipScores: []DivisionLeadership{},
		BestPracticeDivisions: []DivisionLeadership{}, LeadershipChanges: []LeadershipChange{},
		AreaDirectorCorrelations: []AreaDirectorCorrelation{}}
	for id, st := range cur {
		n := float64(st.clubs)
		avgMem := float64(st.members) / n
		h := 0.5*float64(st.healthy)/n*100 + 0.3*math.Min(avgMem/30*100, 100) + 0.2*float64(st.twenty)/n*100
		g := 50.0
		if len(s.points) >= 2 {
			if f := first[id]; f != nil && f.members > 0 {
				growth := float64(st.members-f.members) / float64(f.members) * 100
				g = math.Max(0, math.Min(100, 50+5*growth))
			}
		}
		dcp := float64(st.goals) / (n * 10) * 100
		r.LeadershipScores = append(r.LeadershipScores, DivisionLeadership{
			DivisionID: id, DivisionName: divisionName(id),
			HealthScore: int(math.Round(h)), GrowthScore: int(math.Round(g)), DCPScore: int(math.Round(dcp)),
			OverallScore: int(math.Round(0.4*h + 0.3*g + 0.3*dcp)),
		})
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
	r.AreaDirectorCorrelations = areaCorrelations(last.District)
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
	r.Summary.TopPerformingAreas = topAreasByGoals(last.District)
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
		for k, i := range year {
			if st := perPoint[i][id]; st != nil && st.clubs > 0 {
				avg[k] = float64(st.goals) / float64(st.clubs)
			}
		}
		for k := 2; k < len(year); k++ {
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

func areaCorrelations(d *snapshot.District) []AreaDirectorCorrelation {
	out := []AreaDirectorCorrelation{}
	for _, g := range groupAreas(d) {
		n := float64(len(g.clubs))
		var goals, mem, healthy float64
		for _, c := range g.clubs {
			goals += float64(c.GoalsMet)
			mem += float64(c.ActiveMembers)
			if c.ActiveMembers >= 12 && c.GoalsMet > 0 {
				healthy++
			}
		}
		score := int(math.Round(goals/n/10*40 + math.Min(mem/n/30*100, 100)*0.3 + healthy/n*30))
		ind, corr := "low", "negative"
		if score >= 70 {
			ind, corr = "high", "positive"
		} else if score >= 40 {
			ind, corr = "medium", "neutral"
		}
		out = append(out, AreaDirectorCorrelation{AreaID: g.area, AreaName: areaName(g.div, g.area),
			DivisionID: g.div, ClubPerformanceScore: score, ActivityIndicator: ind, Correlation: corr})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ClubPerformanceScore > out[j].ClubPerformanceScore })
	return out
}

func topAreasByGoals(d *snapshot.District) []ScoredUnit {
	out := []ScoredUnit{}
	for _, g := range groupAreas(d) {
		goals := 0
		for _, c := range g.clubs {
			goals += c.GoalsMet
		}
		out = append(out, ScoredUnit{ID: g.area, Name: areaName(g.div, g.area), DivisionID: g.div,
			Score: int(math.Round(float64(goals) / float64(len(g.clubs)) * 10))})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > 5 {
		out = out[:5]
	}
	return out
}
