package analytics

import (
	"bytes"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// Tests that the predecessor's analytics defects (predecessor §10.11–12)
// are not reproduced.

func TestVulnerableListAlwaysIncludesIntervention(t *testing.T) {
	// Only thriving and intervention clubs: the predecessor returned an
	// empty list here.
	d := &snapshot.District{DistrictID: "5", ProgramYear: "2025-2026", ClubDetails: []snapshot.Club{
		*club(25, 25, 3, yes), *club(8, 9, 0, yes),
	}}
	d.ClubDetails[1].ClubID = "2"
	r, err := VulnerableClubs([]Point{{Date: "2025-10-01", District: d}})
	if err != nil {
		t.Fatal(err)
	}
	if r.VulnerableClubs != 0 || r.InterventionRequiredClubs != 1 || r.TotalVulnerableClubs != 1 || len(r.Clubs) != 1 || r.Clubs[0].ClubID != "2" {
		t.Fatalf("intervention club missing: %+v", r)
	}
}

func TestAreasKeyedByDivisionAndArea(t *testing.T) {
	pts := fixtureSeries()
	r, err := DistrictAnalytics(pts, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, a := range r.TopPerformingAreas {
		seen[a.DivisionID+"/"+a.AreaID] = a.TotalClubs
	}
	// Areas A/01 and B/01 share the number 01 and must stay apart.
	if len(seen) != 4 || seen["A/01"] != 2 || seen["B/01"] != 2 {
		t.Fatalf("areas: %v", seen)
	}
	l, _ := LeadershipInsights(pts)
	if len(l.AreaDirectorCorrelations) != 4 {
		t.Fatalf("leadership areas: %+v", l.AreaDirectorCorrelations)
	}
}

func TestProjectionIsNotThrivingCount(t *testing.T) {
	pts := bigSeries(200, 60)
	r, err := DistrictAnalytics(pts, nil)
	if err != nil {
		t.Fatal(err)
	}
	pr := r.DistinguishedProjection
	if pr.Method != MethodLinearTrend || pr.Description == "" || pr.TargetDate != "2026-06-30" {
		t.Fatalf("projection not explained: %+v", pr)
	}
	// The counts grow over the year, so a trend projects at least today's
	// total, and never more clubs than exist.
	if pr.Projected.Total < pr.Current.Total || pr.Projected.Total > 60 {
		t.Fatalf("projection %d from %d", pr.Projected.Total, pr.Current.Total)
	}
	one, _ := DistrictAnalytics(pts[:1], nil)
	if one.DistinguishedProjection.Method != MethodCurrentCount || one.DistinguishedProjection.Projected != one.DistinguishedClubs {
		t.Fatalf("single point: %+v", one.DistinguishedProjection)
	}
}

func TestMembersAndPaymentsKeptApart(t *testing.T) {
	pts := fixtureSeries()
	h, err := MembershipHistory(pts, Scope{})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range h.History {
		d := pts[i].District
		if p.Members != d.Membership.Total || p.Payments == nil || *p.Payments != d.Membership.Payments.Total {
			t.Fatalf("%s: members %d payments %v, want %d and %d", p.Date, p.Members, p.Payments, d.Membership.Total, d.Membership.Payments.Total)
		}
	}
	// June: payments run far above the member count; they are never swapped.
	if h.History[0].Members >= *h.History[0].Payments {
		t.Fatalf("June members %d payments %d", h.History[0].Members, *h.History[0].Payments)
	}
}

func TestProgramYearBoundaryRestartsCounters(t *testing.T) {
	pts := fixtureSeries()
	r := WhatChanged(&pts[1], pts[2]) // 2025-06-30 close → 2025-07-05
	if !r.ProgramYearBoundary {
		t.Fatal("boundary not detected")
	}
	for _, c := range r.ClubChanges {
		if c.Change == ChangeGoalLost || c.Change == ChangeLevelLost {
			t.Fatalf("the July reset reported as a loss: %+v", c)
		}
	}
	// Within a year, a suspension and a status change are reported.
	r = WhatChanged(&pts[2], pts[3])
	kinds := map[string]string{}
	for _, c := range r.ClubChanges {
		kinds[c.ClubID+" "+c.Change] = c.To
	}
	if kinds["00000105 suspended"] != snapshot.ClubSuspended || kinds["00000107 status"] != snapshot.ClubLow {
		t.Fatalf("changes: %v", kinds)
	}
	if r.Summary.NetMembershipChange != memberTotal(pts[3].District)-memberTotal(pts[2].District) {
		t.Fatalf("net change %d", r.Summary.NetMembershipChange)
	}
}

// TestOddInputDoesNotPanic feeds every function odd but possible input:
// bad dates, empty districts, missing payments, duplicate dates.
func TestOddInputDoesNotPanic(t *testing.T) {
	empty := &snapshot.District{DistrictID: "X"}
	odd := &snapshot.District{DistrictID: "X", ClubDetails: []snapshot.Club{{ClubID: "1"}, {ClubID: "1", ActiveMembers: 5}},
		Divisions: []snapshot.Division{{DivisionID: "A", Areas: []snapshot.Area{{AreaID: "01"}}}}}
	series := [][]Point{
		{{Date: "", District: empty}},
		{{Date: "garbage", District: odd}, {Date: "garbage", District: odd}},
		{{Date: "2025-02-30", District: odd}, {Date: "2025-13-01", District: empty}},
		{{Date: "2025-07-01", District: odd, Ranking: &snapshot.DistrictRanking{}}, {Date: "2025-07-02"}},
	}
	for i, pts := range series {
		t.Run(itoa(i), func(t *testing.T) {
			_, _ = MembershipAnalytics(pts, &pts[0])
			_, _ = DistrictAnalytics(pts, &pts[0])
			_, _ = ClubTrendOf(pts, "1")
			_, _ = VulnerableClubs(pts)
			_, _ = LeadershipInsights(pts)
			_, _ = DistinguishedClubAnalytics(pts, &pts[0])
			_ = YearOverYear(pts[0], &pts[len(pts)-1])
			_, _ = MembershipHistory(pts, Scope{DivisionID: "A", AreaID: "01"})
			_, _ = EducationalAwards(pts)
			_ = DailyReports(&pts[0], pts)
			_ = RankHistory(pts, "")
			_ = AreaDivisionStanding(pts[0].District, pts[0].Date)
			_ = DistrictRecognition(pts[0])
			_ = ClubNeeds(pts[0])
			var buf bytes.Buffer
			_ = ExportCSV(&buf, pts)
		})
	}
}
