package analytics

import (
	"fmt"
	"math"
	"sort"

	"github.com/toaststats/toaststats/snapshot"
)

// Recognition states of distinguished counts (spec §3.5).
const (
	RecognitionProvisional = "provisional"
	RecognitionConfirmed   = "confirmed"
)

// Projection methods.
const (
	MethodLinearTrend  = "linear-trend"
	MethodCurrentCount = "current-count"
)

var goalDescriptions = [10]string{
	"Level 1 awards (4)",
	"Level 2 awards (2)",
	"More Level 2 awards (2 more)",
	"Level 3 awards (2)",
	"Level 4, Path Completion or DTM award (1)",
	"More Level 4, Path Completion or DTM awards (1 more)",
	"New members (4)",
	"More new members (4 more)",
	"Club officers trained (4 in each round)",
	"Membership-renewal dues on time and officer list on time",
}

// recognitionOn is provisional before April 1 of the program year and
// confirmed from April 1 (the date's month, read from the string).
func recognitionOn(date string) string {
	if _, m, ok := parseYM(date); ok && m >= 4 && m <= 6 {
		return RecognitionConfirmed
	}
	return RecognitionProvisional
}

// computeGoals applies the spec §3.4 goal rules to the raw columns
// (snapshot.GoalCounts.DCPGoals).
func computeGoals(g snapshot.GoalCounts) [10]bool { return g.DCPGoals() }

// clubGoals is the club's ten goals: the normalised flags, or computed from
// the columns when no flag is set.
func clubGoals(c *snapshot.Club) [10]bool {
	for _, g := range c.DCPGoals {
		if g {
			return c.DCPGoals
		}
	}
	return computeGoals(c.Goals)
}

func dcpGoalAnalysis(d *snapshot.District) DCPGoalAnalysis {
	var counts [10]int
	n := 0
	for i := range d.ClubDetails {
		c := &d.ClubDetails[i]
		if c.Status == snapshot.ClubSuspended {
			continue
		}
		n++
		for k, met := range clubGoals(c) {
			if met {
				counts[k]++
			}
		}
	}
	a := DCPGoalAnalysis{ClubsConsidered: n, Goals: make([]GoalAnalysis, 10)}
	for k := range counts {
		p := 0.0
		if n > 0 {
			p = round(float64(counts[k])/float64(n)*100, 1)
		}
		a.Goals[k] = GoalAnalysis{GoalNumber: k + 1, Description: goalDescriptions[k], ClubsAchieved: counts[k], AchievementPercentage: p}
	}
	sorted := append([]GoalAnalysis(nil), a.Goals...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ClubsAchieved > sorted[j].ClubsAchieved })
	a.MostCommonlyAchieved = append([]GoalAnalysis(nil), sorted[:5]...)
	for i := 9; i >= 5; i-- {
		a.LeastCommonlyAchieved = append(a.LeastCommonlyAchieved, sorted[i])
	}
	return a
}

// predictionInterval fits y = a + b·x by least squares and returns the
// line's value at x0 with the half-width of its 95 % prediction interval
// (see ProjectionBand); ok is false with fewer than three points, xs that
// do not vary, or points all on the line (no spread to measure).
func predictionInterval(xs, ys []float64, x0 float64) (centre, half float64, ok bool) {
	n := len(xs)
	if n < 3 {
		return 0, 0, false
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxx, sxy float64
	for i := range xs {
		sxx += (xs[i] - mx) * (xs[i] - mx)
		sxy += (xs[i] - mx) * (ys[i] - my)
	}
	if sxx == 0 {
		return 0, 0, false
	}
	b := sxy / sxx
	a := my - b*mx
	var sse float64
	for i := range xs {
		r := ys[i] - (a + b*xs[i])
		sse += r * r
	}
	if sse == 0 {
		return 0, 0, false // a perfect fit leaves no residual to measure the spread by
	}
	s := math.Sqrt(sse / float64(n-2))
	se := s * math.Sqrt(1+1/float64(n)+(x0-mx)*(x0-mx)/sxx)
	return a + b*x0, studentT975(n-2) * se, true
}

// studentT975 is the 0.975 quantile of Student's t with df degrees of
// freedom (df ≥ 1): the table to 29, then 1.96 + 2.4/df, within 0.003 of
// the exact value from 30 on.
func studentT975(df int) float64 {
	table := [...]float64{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045}
	if df >= 1 && df <= len(table) {
		return table[df-1]
	}
	return 1.96 + 2.4/float64(df)
}

// fitAt fits y = a + b·x by least squares and evaluates it at x0; ok false
// when the xs do not vary.
func fitAt(xs, ys []float64, x0 float64) (float64, bool) {
	n := float64(len(xs))
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	den := n*sxx - sx*sx
	if len(xs) < 2 || den == 0 {
		return 0, false
	}
	b := (n*sxy - sx*sy) / den
	a := (sy - b*sx) / n
	return a + b*x0, true
}

func activeClubCount(d *snapshot.District) int {
	n := 0
	for i := range d.ClubDetails {
		if d.ClubDetails[i].Status != snapshot.ClubSuspended {
			n++
		}
	}
	return n
}

// projection extrapolates the distinguished counts over the last point's
// program year to its June 30. It fits the clubs at each level or above
// (Smedley; President's or above; Select or above; the total), which nest,
// so each projection is kept between 0 and the one below it (the total
// between 0 and the clubs not suspended) and each level is the difference
// of two: the levels are never negative, sum to the total and never claim
// more clubs than exist.
func (s *series) projection(current LevelCounts) Projection {
	last := s.last()
	py := pointProgramYear(last)
	bounds := programYearBounds(py)
	pr := Projection{TargetDate: bounds.EndDate, Current: current, Projected: current,
		FromDate: last.Date, ToDate: last.Date, PointsUsed: 1, Method: MethodCurrentCount}
	var xs []float64
	var atLeast [4][]float64 // clubs at Smedley, President's or above, Select or above, any level
	for i := range s.points {
		p := &s.points[i]
		if pointProgramYear(p) != py {
			continue
		}
		x, ok := dayNumber(p.Date)
		if !ok {
			continue
		}
		if len(xs) == 0 {
			pr.FromDate = p.Date
		}
		lc := levelCounts(p.District)
		xs = append(xs, float64(x))
		n := 0
		for k, v := range [4]int{lc.Smedley, lc.Presidents, lc.Select, lc.Distinguished} {
			n += v
			atLeast[k] = append(atLeast[k], float64(n))
		}
	}
	totals := atLeast[3]
	pr.PointsUsed = len(xs)
	end, endOK := dayNumber(bounds.EndDate)
	cap := activeClubCount(last.District)
	var proj [4]int
	fitted := endOK
	for k, ceiling := 3, cap; k >= 0 && fitted; k-- {
		v, ok := fitAt(xs, atLeast[k], float64(end))
		if !ok {
			fitted = false
			break
		}
		proj[k] = min(max(0, int(v+0.5)), ceiling)
		ceiling = proj[k]
	}
	if !fitted {
		pr.Description = fmt.Sprintf("Too little history in program year %s (%d point(s)) to fit a trend: the projection is the current count.", py, len(xs))
		if len(xs) == 0 {
			pr.PointsUsed = 0
		}
		return pr
	}
	pr.Method = MethodLinearTrend
	pr.Projected = LevelCounts{Smedley: proj[0], Presidents: proj[1] - proj[0], Select: proj[2] - proj[1],
		Distinguished: proj[3] - proj[2], Total: proj[3]}
	if centre, half, ok := predictionInterval(xs, totals, float64(end)); ok {
		pr.TotalBand = &ProjectionBand{
			Low:        min(max(0, int(math.Floor(centre-half))), cap, pr.Projected.Total),
			High:       max(min(cap, int(math.Ceil(centre+half))), pr.Projected.Total),
			Confidence: 0.95,
		}
	}
	pr.Description = fmt.Sprintf("Least-squares straight line through the clubs at each level or above (all distinguished clubs, Select or above, President's or above, Smedley) "+
		"at each of the %d points of program year %s (%s to %s), evaluated at %s and rounded; the total is kept between 0 and the %d clubs not suspended "+
		"and each higher count between 0 and the one below it, and each level is the difference of two, so the levels sum to the total. "+
		"A straight line ignores the spring rush of goals and clubs moving between levels: a rough guide, not a forecast.",
		len(xs), py, pr.FromDate, last.Date, bounds.EndDate, cap)
	if b := pr.TotalBand; b != nil {
		pr.Description += fmt.Sprintf(" If the line holds, the year-end total lies between %d and %d (95 %% prediction interval of the same fit to the total; "+
			"daily counts move together, so the real spread is wider).", b.Low, b.High)
	}
	return pr
}

// achievements records each club's first level and every rise, within each
// program year, from the reported letters. A level first seen in the first
// snapshot of a program year in the series has no achievement date (it was
// reached before the history starts); a level that appears between two
// snapshots of the year is dated by the later one and names the earlier.
func (s *series) achievements() []Achievement {
	out := []Achievement{}
	best := map[string]int{}
	py, prevDate := "", ""
	for i := range s.points {
		p := &s.points[i]
		first := false
		if cur := pointProgramYear(p); cur != py {
			py, first = cur, true
			best = map[string]int{}
		}
		for k := range p.District.ClubDetails {
			c := &p.District.ClubDetails[k]
			r := snapshot.LevelRank(reportedLevel(c))
			if r > 0 && r > best[c.ClubID] {
				best[c.ClubID] = r
				a := Achievement{ClubID: c.ClubID, ClubName: c.ClubName, Level: levelName(reportedLevel(c)),
					FirstSeen: p.Date, GoalsAchieved: c.GoalsMet}
				if first {
					a.Note = "Already at this level in the first snapshot of program year " + py + " in the history: the date it was reached is unknown."
				} else {
					a.AchievedDate, a.PreviousDate = p.Date, prevDate
				}
				out = append(out, a)
			}
		}
		prevDate = p.Date
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].FirstSeen != out[j].FirstSeen {
			return out[i].FirstSeen > out[j].FirstSeen
		}
		return out[i].ClubID < out[j].ClubID
	})
	return out
}

func (s *series) distinguished(previousYear *Point) *DistinguishedReport {
	last := s.last()
	cur := levelCounts(last.District)
	r := &DistinguishedReport{
		DistrictID:              s.districtID(),
		Date:                    last.Date,
		Recognition:             recognitionOn(last.Date),
		DistinguishedClubs:      cur,
		DistinguishedProjection: s.projection(cur),
		Achievements:            s.achievements(),
		DCPGoalAnalysis:         dcpGoalAnalysis(last.District),
	}
	if previousYear != nil && previousYear.District != nil {
		prev := levelCounts(previousYear.District)
		r.YearOverYearComparison = &DistinguishedYoY{
			PreviousDate: previousYear.Date, CurrentTotal: cur.Total, PreviousTotal: prev.Total,
			Change: cur.Total - prev.Total, PercentageChange: pct(float64(prev.Total), float64(cur.Total)),
			CurrentByLevel: cur, PreviousByLevel: prev,
		}
	}
	return r
}

func distinguishedClubAnalytics(points []Point, previousYear *Point) (*DistinguishedReport, error) {
	s, err := newSeries(points)
	if err != nil {
		return nil, err
	}
	return s.distinguished(previousYear), nil
}
