package analytics

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// TestPredictionInterval checks the band's arithmetic by hand.
//
// Points (0,1) (1,2) (2,2) (3,4): x̄ = 1.5, ȳ = 2.25, Σ(x−x̄)² = 5,
// Σ(x−x̄)(y−ȳ) = 1.875 + 0.125 − 0.125 + 2.625 = 4.5, so b = 0.9 and
// a = 2.25 − 1.35 = 0.9. Residuals 0.1, 0.2, −0.7, 0.4: SSE = 0.70,
// s = √(0.70/2) = 0.59161. At x₀ = 10: ŷ = 9.9 and
// se = 0.59161 · √(1 + 1/4 + 8.5²/5) = 0.59161 · √15.7 = 2.34414;
// t(0.975, 2) = 4.303, so the half-width is 10.0868.
func TestPredictionInterval(t *testing.T) {
	centre, half, ok := predictionInterval([]float64{0, 1, 2, 3}, []float64{1, 2, 2, 4}, 10)
	if !ok || math.Abs(centre-9.9) > 1e-9 || math.Abs(half-10.0868) > 1e-3 {
		t.Errorf("predictionInterval = %v ± %v (%v), want 9.9 ± 10.0868", centre, half, ok)
	}
	for name, ys := range map[string][]float64{"two points": {1, 2}, "on the line": {1, 2, 3, 4}} {
		xs := []float64{0, 1, 2, 3}[:len(ys)]
		if _, _, ok := predictionInterval(xs, ys, 10); ok {
			t.Errorf("%s: a band was given", name)
		}
	}
	if _, _, ok := predictionInterval([]float64{5, 5, 5}, []float64{1, 2, 3}, 10); ok {
		t.Error("xs that do not vary: a band was given")
	}
	// t quantiles: the table's ends and the approximation past it.
	for df, want := range map[int]float64{1: 12.706, 29: 2.045, 30: 2.042, 60: 2.000, 120: 1.980} {
		if got := studentT975(df); math.Abs(got-want) > 0.003 {
			t.Errorf("studentT975(%d) = %v, want %v", df, got, want)
		}
	}
}

// TestProjectionBandFromSeries fits the band through a district's series:
// 40 clubs, of which 0, 2, 2, 5 and 6 are Distinguished on five dates a
// month apart. The band must hold the projected total and stay between 0
// and the 40 clubs.
func TestProjectionBandFromSeries(t *testing.T) {
	var points []Point
	for i, n := range []int{0, 2, 2, 5, 6} {
		date := []string{"2025-08-15", "2025-09-15", "2025-10-15", "2025-11-15", "2025-12-15"}[i]
		d := &snapshot.District{DistrictID: "61", AsOfDate: date, DataMonth: date[:7], ProgramYear: "2025-2026"}
		for c := 0; c < 40; c++ {
			club := snapshot.Club{ClubID: fmt.Sprintf("%08d", c), Status: snapshot.ClubActive, ActiveMembers: 20}
			if c < n {
				club.DistinguishedStatus = snapshot.LevelDistinguished
			}
			d.ClubDetails = append(d.ClubDetails, club)
		}
		points = append(points, Point{Date: date, District: d})
	}
	rep, err := DistinguishedClubAnalytics(points, nil)
	if err != nil {
		t.Fatal(err)
	}
	pr := rep.DistinguishedProjection
	b := pr.TotalBand
	if pr.Method != MethodLinearTrend || b == nil {
		t.Fatalf("projection %+v: want a linear trend with a band", pr)
	}
	// The line rises about 1.6 clubs a month, so June 30 projects well above
	// today's 6, and the 95 % band around it is wide but inside [0, 40].
	if pr.Projected.Total <= 6 || b.Low > pr.Projected.Total || b.High < pr.Projected.Total ||
		b.Low < 0 || b.High > 40 || b.Low >= b.High || b.Confidence != 0.95 {
		t.Errorf("projected total %d, band %+v", pr.Projected.Total, *b)
	}
	if !strings.Contains(pr.Description, fmt.Sprintf("between %d and %d", b.Low, b.High)) {
		t.Errorf("description does not state the band: %q", pr.Description)
	}
}

// TestProjectionLevelsNestUnderClubCount checks that the projected levels
// are exclusive counts that sum to the projected total and never claim more
// clubs than exist, worked by hand.
//
// Two clubs, points 2025-08-01, 08-11 and 08-21 (x = 0, 10, 20 days; June
// 30 2026 is x = 333): none at a level, then club 1 Distinguished, then
// club 1 Distinguished and club 2 Select. Clubs at each level or above:
//
//	Distinguished or above (the total): 0, 1, 2 → line 0.1·x, 33.3 at x = 333 → 2 (both clubs);
//	Select or above:                    0, 0, 1 → line −1/6 + 0.05·x, 16.48 → 2, at most the total's 2;
//	President's or above, Smedley:      0, 0, 0 → 0.
//
// So the projection is 0 Distinguished, 2 Select (2 − 2, 2 − 0), total 2.
// Fitting each exclusive level alone gave Distinguished 0, 1, 1 → 16.82 →
// 2 and Select 0, 0, 1 → 2: four clubs at a level out of two.
func TestProjectionLevelsNestUnderClubCount(t *testing.T) {
	var points []Point
	for i, date := range []string{"2025-08-01", "2025-08-11", "2025-08-21"} {
		d := &snapshot.District{DistrictID: "61", AsOfDate: date, DataMonth: date[:7], ProgramYear: "2025-2026",
			ClubDetails: []snapshot.Club{
				{ClubID: "00000001", Status: snapshot.ClubActive, ActiveMembers: 20},
				{ClubID: "00000002", Status: snapshot.ClubActive, ActiveMembers: 20},
			}}
		if i >= 1 {
			d.ClubDetails[0].DistinguishedStatus = snapshot.LevelDistinguished
		}
		if i >= 2 {
			d.ClubDetails[1].DistinguishedStatus = snapshot.LevelSelect
		}
		points = append(points, Point{Date: date, District: d})
	}
	rep, err := DistinguishedClubAnalytics(points, nil)
	if err != nil {
		t.Fatal(err)
	}
	pr := rep.DistinguishedProjection
	want := LevelCounts{Distinguished: 0, Select: 2, Presidents: 0, Smedley: 0, Total: 2}
	if pr.Method != MethodLinearTrend || pr.Projected != want {
		t.Errorf("projected %+v (%s), want %+v", pr.Projected, pr.Method, want)
	}
}
