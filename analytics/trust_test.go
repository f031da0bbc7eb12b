package analytics

import (
	"errors"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// Tests for issue 18 ("analytics a district director can trust"): every
// expectation below is worked out by hand from the club rows, in the
// comments, not captured from the code.

// realClub is a real-shaped club row: an 8-digit number, its division and area,
// status, members against base, goals met and the reported letter.
func realClub(id, div, area, status string, base, members, goals int, letter string) snapshot.Club {
	return snapshot.Club{ClubID: id, ClubName: "Club " + id, DivisionID: div, AreaID: area, Status: status,
		MembershipBase: base, ActiveMembers: members, NetGrowth: members - base, GoalsMet: goals,
		DistinguishedStatus: letter, DistinguishedLevel: letter, CSP: boolp(true)}
}

func point(date string, clubs ...snapshot.Club) Point {
	return Point{Date: date, District: &snapshot.District{DistrictID: "61", ProgramYear: ProgramYearOf(date),
		AsOfDate: date, DataMonth: date[:7], ClubDetails: clubs}}
}

// Item 3: a first snapshot has nothing to compare with — no year-to-date
// totals presented as one day's activity; with an earlier snapshot the
// report names both dates and gives differences.
func TestDailyReportIsADifferenceOfTwoSnapshots(t *testing.T) {
	a := realClub("06036809", "A", "01", snapshot.ClubActive, 17, 28, 6, "D")
	a.Goals = snapshot.GoalCounts{NewMembers: 4, AddNewMembers: 5, Level1s: 6}
	a.Payments = &snapshot.ClubPayments{TotalRenewals: 30}
	first := point("2026-06-09", a)
	r := WhatChanged(nil, first)
	if r.Summary != nil || len(r.NewMembers) != 0 || len(r.Renewals) != 0 || len(r.Awards) != 0 || r.PreviousDate != "" ||
		!strings.Contains(r.Note, "No earlier snapshot") {
		t.Fatalf("first snapshot: %+v summary %+v", r, r.Summary)
	}
	// The next day: 1 more new member (9 → 10), 2 renewals (30 → 32), 1
	// Level 1 (6 → 7), members 28 → 29.
	b := a
	b.ActiveMembers, b.NetGrowth = 29, 12
	b.Goals.AddNewMembers, b.Goals.Level1s = 6, 7
	b.Payments = &snapshot.ClubPayments{TotalRenewals: 32}
	r = WhatChanged(&first, point("2026-06-10", b))
	s := r.Summary
	if r.PreviousDate != "2026-06-09" || r.Date != "2026-06-10" || s == nil ||
		*s.TotalNewMembers != 1 || *s.TotalRenewals != 2 || *s.TotalAwards != 1 || s.NetMembershipChange != 1 {
		t.Fatalf("day over day: %+v %+v", r, s)
	}
	// DailyReports over a series that starts with its first snapshot.
	rs := DailyReports(nil, []Point{first, point("2026-06-10", b)})
	if len(rs) != 2 || rs[0].Summary != nil || rs[1].Summary == nil || rs[1].PreviousDate != "2026-06-09" {
		t.Fatalf("series: %+v", rs)
	}
}

// Item 3: monthly award changes are differences between the last
// snapshots of two months, named; the first month and a new program year
// carry no change.
func TestEducationalAwardsByMonthNamesBothSnapshots(t *testing.T) {
	withAwards := func(date string, n int) Point {
		c := realClub("00002959", "A", "02", snapshot.ClubActive, 20, 23, 5, "D")
		c.Goals.Level1s = n
		return point(date, c)
	}
	// June 2025 ends at 100 awards; July 2025 (new year) at 5; 2025-08-15
	// 10 and 2025-08-31 12 (August's last snapshot); September 20.
	r, err := EducationalAwards([]Point{withAwards("2025-06-30", 100), withAwards("2025-07-31", 5),
		withAwards("2025-08-15", 10), withAwards("2025-08-31", 12), withAwards("2025-09-30", 20)})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.ByMonth) != 4 {
		t.Fatalf("%+v", r.ByMonth)
	}
	jun, jul, aug, sep := r.ByMonth[0], r.ByMonth[1], r.ByMonth[2], r.ByMonth[3]
	if jun.Change != nil || jun.Awards != 100 || !strings.Contains(jun.Note, "No earlier snapshot") {
		t.Errorf("June: %+v", jun)
	}
	if jul.Change != nil || jul.Awards != 5 || !strings.Contains(jul.Note, "program year changed") {
		t.Errorf("July: %+v", jul)
	}
	// August: 12 − 5 = 7 since 2025-07-31; September: 20 − 12 = 8 since 2025-08-31.
	if aug.Change == nil || *aug.Change != 7 || aug.PreviousDate != "2025-07-31" || aug.Date != "2025-08-31" {
		t.Errorf("August: %+v", aug)
	}
	if sep.Change == nil || *sep.Change != 8 || sep.PreviousDate != "2025-08-31" {
		t.Errorf("September: %+v", sep)
	}
}

// Item 3: achievement dates come from the history. A club already
// distinguished in the first snapshot has no achievedDate; a club that
// turns D between 2026-05-31 and 2026-06-09 is dated 2026-06-09 and names
// 2026-05-31.
func TestAchievementDatesComeFromHistory(t *testing.T) {
	p1 := point("2026-05-31", realClub("00002959", "A", "02", snapshot.ClubActive, 20, 23, 5, "D"),
		realClub("06036809", "A", "01", snapshot.ClubActive, 17, 28, 4, ""))
	p2 := point("2026-06-09", realClub("00002959", "A", "02", snapshot.ClubActive, 20, 23, 5, "D"),
		realClub("06036809", "A", "01", snapshot.ClubActive, 17, 28, 5, "D"))
	r, err := DistinguishedClubAnalytics([]Point{p1, p2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Achievements) != 2 {
		t.Fatalf("%+v", r.Achievements)
	}
	byClub := map[string]Achievement{}
	for _, a := range r.Achievements {
		byClub[a.ClubID] = a
	}
	if a := byClub["00002959"]; a.AchievedDate != "" || a.FirstSeen != "2026-05-31" || a.Note == "" {
		t.Errorf("already distinguished: %+v", a)
	}
	if a := byClub["06036809"]; a.AchievedDate != "2026-06-09" || a.PreviousDate != "2026-05-31" {
		t.Errorf("new D: %+v", a)
	}
}

// Item 3: /analytics' membershipChange with one snapshot is absent, with
// members against the base beside it: 28 − 17 = +11 and 10 − 12 = −2, so
// 38 members against a base of 29: +9.
func TestMembershipChangeNeedsTwoSnapshots(t *testing.T) {
	p := point("2026-06-09", realClub("06036809", "A", "01", snapshot.ClubActive, 17, 28, 4, ""),
		realClub("00002959", "A", "02", snapshot.ClubActive, 12, 10, 1, ""))
	r, err := DistrictAnalytics([]Point{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.MembershipChange != nil || r.MembershipChangeNote == "" || r.MembershipBase != 29 || r.MembersVsBase != 9 {
		t.Fatalf("one snapshot: change %v note %q base %d vs %d", r.MembershipChange, r.MembershipChangeNote, r.MembershipBase, r.MembersVsBase)
	}
	m, err := MembershipAnalytics([]Point{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.MembershipChange != nil || m.ChangeNote == "" {
		t.Fatalf("membership analytics: %+v", m)
	}
}

// Item 4: club growth is members against the base: 06036809 has 28 of 17
// (+11), 00002959 10 of 12 (−2); a single snapshot is enough.
func TestTopGrowthClubsFromBase(t *testing.T) {
	p := point("2026-06-09", realClub("06036809", "A", "01", snapshot.ClubActive, 17, 28, 4, ""),
		realClub("00002959", "A", "02", snapshot.ClubActive, 12, 10, 1, ""))
	m, err := MembershipAnalytics([]Point{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.TopGrowthClubs) != 1 || m.TopGrowthClubs[0] != (ClubGrowth{ClubID: "06036809", ClubName: "Club 06036809", Growth: 11, MembershipBase: 17, ActiveMembers: 28}) {
		t.Errorf("growth: %+v", m.TopGrowthClubs)
	}
	if len(m.TopDecliningClubs) != 1 || m.TopDecliningClubs[0].ClubID != "00002959" || m.TopDecliningClubs[0].Growth != 2 {
		t.Errorf("decline: %+v", m.TopDecliningClubs)
	}
}

// Item 4: the division growth score is computed from members against the
// base, so divisions differ from the first snapshot on.
//
//	Division B: 2 clubs, members 16 + 18 = 34, base 20 + 18 = 38:
//	  growth (34 − 38)/38 = −10.53 %, score 50 + 5 × −10.53 = −2.6 → 0.
//	Division G: 2 clubs, members 26 + 27 = 53, base 25 + 25 = 50:
//	  growth +6 %, score 50 + 30 = 80.
func TestLeadershipGrowthScoreIsComputed(t *testing.T) {
	p := point("2026-06-09",
		realClub("00000001", "B", "11", snapshot.ClubActive, 20, 16, 3, ""),
		realClub("00000002", "B", "12", snapshot.ClubActive, 18, 18, 4, ""),
		realClub("00000003", "G", "61", snapshot.ClubActive, 25, 26, 9, "P"),
		realClub("00000004", "G", "62", snapshot.ClubActive, 25, 27, 10, "M"))
	r, err := LeadershipInsights([]Point{p})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]DivisionLeadership{}
	for _, d := range r.LeadershipScores {
		got[d.DivisionID] = d
	}
	b, g := got["B"], got["G"]
	if b.GrowthPercent == nil || *b.GrowthPercent != -10.53 || *b.GrowthScore != 0 {
		t.Errorf("B: %+v", b)
	}
	if g.GrowthPercent == nil || *g.GrowthPercent != 6 || *g.GrowthScore != 80 {
		t.Errorf("G: %+v", g)
	}
}

// Item 5: rankings follow recognition and health, not raw goal totals.
// Division B has more goals (4 clubs × 6 = 24) but −11 % members and no
// tier; division G has 2 clubs × 9 = 18 goals and is President's
// Distinguished by its standing: G ranks first. Area F53 (4 of 5 clubs
// vulnerable, no tier) ranks below area G62 (President's).
func TestRankingsFollowRecognitionAndHealth(t *testing.T) {
	d := point("2026-06-09",
		realClub("00000011", "B", "21", snapshot.ClubActive, 25, 22, 6, ""),
		realClub("00000012", "B", "21", snapshot.ClubActive, 25, 22, 6, ""),
		realClub("00000013", "B", "22", snapshot.ClubActive, 25, 22, 6, ""),
		realClub("00000014", "B", "22", snapshot.ClubActive, 25, 23, 6, ""),
		// F53: 5 clubs, 4 with 15 members and 5 goals (vulnerable: under
		// 20 members, net growth 15 − 18 = −3), one thriving.
		realClub("00000021", "F", "53", snapshot.ClubActive, 18, 15, 5, ""),
		realClub("00000022", "F", "53", snapshot.ClubActive, 18, 15, 5, ""),
		realClub("00000023", "F", "53", snapshot.ClubActive, 18, 15, 5, ""),
		realClub("00000024", "F", "53", snapshot.ClubActive, 18, 15, 5, ""),
		realClub("00000025", "F", "53", snapshot.ClubActive, 18, 22, 9, "P"),
		realClub("00000031", "G", "62", snapshot.ClubActive, 20, 22, 9, "P"),
		realClub("00000032", "G", "62", snapshot.ClubActive, 20, 21, 9, "P"))
	d.District.Divisions = []snapshot.Division{
		{DivisionID: "B", Standing: snapshot.Standing{ClubBase: 4, PaidGoals: tg(4, 5, 6), DistinguishedGoals: tg(2, 2, 3), PaidClubs: 4, DistinguishedClubs: 0},
			Areas: []snapshot.Area{
				{AreaID: "21", DivisionID: "B", Standing: snapshot.Standing{ClubBase: 2, PaidGoals: tg(2, 2, 3), DistinguishedGoals: tg(1, 2, 2), PaidClubs: 2}, NovVisits: 2, MayVisits: 2},
				{AreaID: "22", DivisionID: "B", Standing: snapshot.Standing{ClubBase: 2, PaidGoals: tg(2, 2, 3), DistinguishedGoals: tg(1, 2, 2), PaidClubs: 2}, NovVisits: 2, MayVisits: 2}}},
		{DivisionID: "F", Standing: snapshot.Standing{ClubBase: 5, PaidGoals: tg(5, 6, 7), DistinguishedGoals: tg(3, 3, 3), PaidClubs: 5, DistinguishedClubs: 1},
			Areas: []snapshot.Area{{AreaID: "53", DivisionID: "F", Standing: snapshot.Standing{ClubBase: 5, PaidGoals: tg(5, 5, 6), DistinguishedGoals: tg(3, 4, 4), PaidClubs: 5, DistinguishedClubs: 1}, NovVisits: 4, MayVisits: 4}}},
		// G: base 2, paid goals 2/3/4, distinguished goals 1/1/2; 4 paid
		// and 2 distinguished meet all three: President's. Area G62: base 2,
		// paid 3 ≥ 3 and distinguished 2 ≥ 2: President's.
		{DivisionID: "G", Standing: snapshot.Standing{ClubBase: 2, PaidGoals: tg(2, 3, 4), DistinguishedGoals: tg(1, 1, 2), PaidClubs: 4, DistinguishedClubs: 2},
			Areas: []snapshot.Area{{AreaID: "62", DivisionID: "G", Standing: snapshot.Standing{ClubBase: 2, PaidGoals: tg(2, 2, 3), DistinguishedGoals: tg(1, 2, 2), PaidClubs: 3, DistinguishedClubs: 2}, NovVisits: 2, MayVisits: 2}}},
	}
	for i := range d.District.ClubDetails {
		d.District.ClubDetails[i].NovVisit, d.District.ClubDetails[i].MayVisit = boolp(true), boolp(true)
	}
	r, err := DistrictAnalytics([]Point{d}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Division G: President's. B (paid 4, 0 of 2 distinguished) and F (1
	// of 3) have no tier.
	if r.DivisionRankings[0].DivisionID != "G" || r.DivisionRankings[0].Level != "P" {
		t.Fatalf("division rankings: %+v", r.DivisionRankings)
	}
	// Between B and F growth decides, not goals: F has 82 members of 90
	// (−8.89 %), B 89 of 100 (−11 %) although B's 24 goals... F has 29.
	// Either way B, −11 %, comes last.
	if r.DivisionRankings[1].DivisionID != "F" || *r.DivisionRankings[1].MembershipGrowthPercent != -8.89 ||
		r.DivisionRankings[2].DivisionID != "B" || *r.DivisionRankings[2].MembershipGrowthPercent != -11 {
		t.Fatalf("division rankings: %+v", r.DivisionRankings)
	}
	// Area G62: P, both clubs thriving: 0.5 × 3/3 + 0.5 × 1 = 1. B21 and
	// B22: no tier, both clubs thriving (22 ≥ 20 members, 6 ≥ 5 goals):
	// 0.5. F53: no tier, health (4 × 0.5 + 1) / 5 = 0.6: 0.5 × 0.6 = 0.3.
	top := r.TopPerformingAreas
	if top[0].AreaID != "62" || top[0].Level != "P" || top[0].NormalizedScore != 1 {
		t.Fatalf("top area: %+v", top[0])
	}
	last := top[len(top)-1]
	if last.AreaID != "53" || last.NormalizedScore != 0.3 || last.ThrivingClubs != 1 || last.AverageClubHealth != 0.6 {
		t.Fatalf("F53: %+v", last)
	}
}

// Item 5: the area director correlation reads the visit columns. On
// 2026-06-09 both rounds are closed: area 53 (base 5, 4 required per
// round) with 4 and 2 visits has made 4 + 2 = 6 of 8 (75 %: medium); area
// 62 (base 2, 2 required) with 2 and 2 has 4 of 4 (100 %: high).
func TestAreaDirectorCorrelationUsesVisits(t *testing.T) {
	p := point("2026-06-09",
		realClub("00000021", "F", "53", snapshot.ClubActive, 18, 15, 5, ""),
		realClub("00000031", "G", "62", snapshot.ClubActive, 20, 22, 9, "P"))
	p.District.ClubDetails[0].NovVisit = boolp(true)
	p.District.Divisions = []snapshot.Division{
		{DivisionID: "F", Areas: []snapshot.Area{{AreaID: "53", DivisionID: "F", Standing: snapshot.Standing{ClubBase: 5}, NovVisits: 4, MayVisits: 2}}},
		{DivisionID: "G", Areas: []snapshot.Area{{AreaID: "62", DivisionID: "G", Standing: snapshot.Standing{ClubBase: 2}, NovVisits: 2, MayVisits: 2}}},
	}
	r, err := LeadershipInsights([]Point{p})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]AreaDirectorCorrelation{}
	for _, c := range r.AreaDirectorCorrelations {
		got[c.AreaID] = c
	}
	if c := got["53"]; c.VisitsDone != 6 || c.VisitsRequired != 8 || *c.VisitRate != 75 || c.ActivityIndicator != "medium" || c.ActivityBasis != "closed rounds" {
		t.Errorf("53: %+v", c)
	}
	// 62: the one club is thriving (22 ≥ 20, 9 ≥ 5): performance 100, high
	// activity: positive.
	if c := got["62"]; c.VisitsDone != 4 || *c.VisitRate != 100 || c.ActivityIndicator != "high" || c.ClubPerformanceScore != 100 || c.Correlation != "positive" {
		t.Errorf("62: %+v", c)
	}
}

// Item 6: health is charter-aware and its reasons cover status, CSP,
// membership and goals; suspended clubs get no override advice.
func TestHealthCharterStatusAndReasons(t *testing.T) {
	// 28680300, chartered 2026-05-22 with 20 members and 1 goal, judged on
	// 2026-06-09: a month since charter (May → June), August's checkpoint
	// of 1 goal, not June's 5: thriving.
	nc := realClub("28680300", "C", "31", snapshot.ClubActive, 0, 20, 1, "")
	nc.CharterDate = "2026-05-22"
	h := ClubHealthOn(&nc, "2026-06-09", "2025-2026")
	if h.Status != HealthThriving || h.Checkpoint != 1 || h.CharterDate != "2026-05-22" {
		t.Errorf("new club: %+v", h)
	}
	// A club chartered in 2024 gets June's 5.
	old := nc
	old.CharterDate = "2024-08-05"
	if h := ClubHealthOn(&old, "2026-06-09", "2025-2026"); h.Status != HealthVulnerable || h.Checkpoint != 5 {
		t.Errorf("old club: %+v", h)
	}
	// Low status, 6 members of a base of 9 (net −3), 2 goals, no CSP, in
	// June: intervention with status, membership, goals (2 of 5) and CSP.
	low := realClub("00001234", "D", "41", snapshot.ClubLow, 9, 6, 2, "")
	low.CSP = boolp(false)
	h = ClubHealthOn(&low, "2026-06-09", "2025-2026")
	want := []string{
		"Club status Low: the dashboard reports too few paid members for a paid club (fewer than 8)",
		"Membership below 12 (critical): 6 members",
		"Net growth since July: -3 (need 3+ to override)",
		"DCP checkpoint not met: 2 goals achieved, 5 required for June",
		"CSP not submitted",
	}
	if h.Status != HealthIntervention || strings.Join(h.RiskFactors, "|") != strings.Join(want, "|") {
		t.Errorf("low: %s %q", h.Status, h.RiskFactors)
	}
	// Ineligible with 14 members: intervention on status alone.
	inel := realClub("00001235", "D", "41", snapshot.ClubIneligible, 14, 14, 5, "")
	if h := ClubHealthOn(&inel, "2026-06-09", "2025-2026"); h.Status != HealthIntervention || !strings.HasPrefix(h.RiskFactors[0], "Club status Ineligible") {
		t.Errorf("ineligible: %+v", h)
	}
	// Suspended: the one reason is the suspension, no "need 3+ to override".
	susp := realClub("00001236", "D", "41", snapshot.ClubSuspended, 10, 0, 0, "")
	susp.SuspendDate = "2026-03-31"
	h = ClubHealthOn(&susp, "2026-06-09", "2025-2026")
	if h.Status != HealthIntervention || len(h.RiskFactors) != 1 || h.RiskFactors[0] != "Club suspended on 2026-03-31" {
		t.Errorf("suspended: %+v", h)
	}
}

// Item 7: one club's needs, as ClubNeeds lists them. 00002959 (23 members,
// base 20, 5 goals, D) needs 7 − 5 = 2 goals for Select; its 23 members
// pass Select's 20-member test. A suspended club needs nothing it could do.
func TestClubNeedOf(t *testing.T) {
	susp := realClub("00001236", "D", "41", snapshot.ClubSuspended, 10, 0, 0, "")
	p := point("2026-06-09", realClub("00002959", "A", "02", snapshot.ClubActive, 20, 23, 5, "D"), susp)
	n, err := ClubNeedOf(p, "00002959")
	if err != nil {
		t.Fatal(err)
	}
	if n.CurrentLevel != "D" || n.TargetLevel != "S" || n.GoalsNeeded != 2 || n.MembersNeeded != 0 || n.Kind != NeedGoals {
		t.Errorf("need %+v", n)
	}
	if all := ClubNeeds(p); len(all) != 1 || all[0] != *n {
		t.Errorf("ClubNeeds %+v", all)
	}
	if n, err := ClubNeedOf(p, "00001236"); err != nil || n.Kind != NeedSuspended || n.TargetLevel != "" {
		t.Errorf("suspended %+v %v", n, err)
	}
	if _, err := ClubNeedOf(p, "99999999"); !errors.Is(err, ErrClubNotFound) {
		t.Errorf("unknown club: %v", err)
	}
}

// A division's trend compares its goals with the previous point of the same
// program year only: goals count from 0 again on July 1, so 9 goals on June
// 30 and 0 on July 20 is a new year, not a decline. Within a year the trend
// follows the ±10 % rule.
func TestDivisionTrendStopsAtJulyFirst(t *testing.T) {
	june := point("2026-06-30", realClub("00000001", "A", "01", snapshot.ClubActive, 20, 22, 9, "P"))
	july := point("2026-07-20", realClub("00000001", "A", "01", snapshot.ClubActive, 22, 22, 0, ""))
	august := point("2026-08-20", realClub("00000001", "A", "01", snapshot.ClubActive, 22, 23, 2, ""))
	r, err := DistrictAnalytics([]Point{june, july}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := r.DivisionRankings[0]; d.TotalDcpGoals != 0 || d.Trend != "" || d.PreviousDate != "" {
		t.Fatalf("across July 1: %+v", d)
	}
	r, err = DistrictAnalytics([]Point{june, july, august}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := r.DivisionRankings[0]; d.TotalDcpGoals != 2 || d.Trend != "improving" || d.PreviousDate != "2026-07-20" {
		t.Fatalf("within 2026-27: %+v", d)
	}
}

// A division missing from one point (a district file without its clubs) is
// unknown there, not at 0 goals per club: division B holds 2 goals per club
// on every day it is reported, so no leadership change is found; A, which
// doubles on day 4, is.
func TestLeadershipChangesSkipAMissingDivision(t *testing.T) {
	day := func(date string, aGoals int, withB bool) Point {
		clubs := []snapshot.Club{realClub("00000001", "A", "01", snapshot.ClubActive, 20, 22, aGoals, "")}
		if withB {
			clubs = append(clubs, realClub("00000002", "B", "02", snapshot.ClubActive, 20, 22, 2, ""))
		}
		return point(date, clubs...)
	}
	pts := []Point{day("2026-01-10", 2, true), day("2026-01-11", 2, false), day("2026-01-12", 2, true), day("2026-01-13", 4, true)}
	r, err := LeadershipInsights(pts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.LeadershipChanges) != 1 {
		t.Fatalf("changes %+v, want A's on 2026-01-13 only", r.LeadershipChanges)
	}
	if c := r.LeadershipChanges[0]; c.DivisionID != "A" || c.ChangeDate != "2026-01-13" || c.PerformanceBeforeChange != 2 ||
		c.PerformanceAfterChange != 4 || c.Trend != "improved" {
		t.Fatalf("change %+v", c)
	}
}

// The district overview's clubHealthChange is the change in the share of
// thriving clubs, among the clubs that are not suspended — the clubs the
// year-over-year route counts (clubCount) — so the two answers agree.
//
//	2026-05-15 (May: checkpoint 5 goals): A1 22 members 6 goals thriving;
//	  A2 14 members (base 15) 2 goals vulnerable; A3, A4 suspended.
//	  Thriving share 1 of 2 clubs = 50 % (counting the suspended clubs
//	  would make it 1 of 4 = 25 %).
//	2025-05-15: B1 21 members 5 goals thriving; B2 20 members 1 goal,
//	  B3 15 members 0 goals, B4 25 members 3 goals vulnerable: 1 of 4 = 25 %.
//	clubHealthChange = 50 − 25 = +25.0 points (not 25 − 25 = 0).
func TestClubHealthChangeLeavesSuspendedClubsOut(t *testing.T) {
	cur := point("2026-05-15",
		realClub("00000001", "A", "01", snapshot.ClubActive, 20, 22, 6, "D"),
		realClub("00000002", "A", "01", snapshot.ClubActive, 15, 14, 2, ""),
		realClub("00000003", "A", "02", snapshot.ClubSuspended, 10, 0, 0, ""),
		realClub("00000004", "A", "02", snapshot.ClubSuspended, 9, 0, 0, ""))
	prev := point("2025-05-15",
		realClub("00000001", "A", "01", snapshot.ClubActive, 20, 21, 5, "D"),
		realClub("00000002", "A", "01", snapshot.ClubActive, 20, 20, 1, ""),
		realClub("00000003", "A", "02", snapshot.ClubActive, 12, 15, 0, ""),
		realClub("00000004", "A", "02", snapshot.ClubActive, 20, 25, 3, ""))
	r, err := DistrictAnalytics([]Point{cur}, &prev)
	if err != nil {
		t.Fatal(err)
	}
	if r.YearOverYear == nil || r.YearOverYear.ClubHealthChange != 25 {
		t.Fatalf("clubHealthChange: %+v, want +25.0 points (50 %% − 25 %%)", r.YearOverYear)
	}
	m := YearOverYear(cur, &prev).Metrics
	share := func(thriving, clubs float64) float64 { return thriving / clubs * 100 }
	if want := share(m.ThrivingClubs.Current, m.ClubCount.Current) - share(m.ThrivingClubs.Previous, m.ClubCount.Previous); want != 25 {
		t.Errorf("year-over-year route: thriving %v of %v against %v of %v, share change %v; want 1 of 2 against 1 of 4",
			m.ThrivingClubs.Current, m.ClubCount.Current, m.ThrivingClubs.Previous, m.ClubCount.Previous, want)
	}
}

// A division's trend needs the division in the previous snapshot: missing
// there (a district file without its clubs) its goals are unknown, not 0, as
// for leadership changes. Division B holds 3 goals on 08-10 and 08-12 and is
// absent on 08-11; against an invented 0 it would read "improving"
// (3 > 0 × 1.1). Division A, present throughout (4 → 4 → 5 goals), is
// "improving" against 08-11: 5 > 4 × 1.1 = 4.4.
func TestDivisionTrendNeedsTheDivisionInThePreviousSnapshot(t *testing.T) {
	a := func(goals int) snapshot.Club {
		return realClub("00000001", "A", "01", snapshot.ClubActive, 20, 22, goals, "")
	}
	b := realClub("00000002", "B", "02", snapshot.ClubActive, 20, 22, 3, "")
	pts := []Point{point("2026-08-10", a(4), b), point("2026-08-11", a(4)), point("2026-08-12", a(5), b)}
	r, err := DistrictAnalytics(pts, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]DivisionRanking{}
	for _, d := range r.DivisionRankings {
		got[d.DivisionID] = d
	}
	if d := got["A"]; d.Trend != "improving" || d.PreviousDate != "2026-08-11" {
		t.Errorf("division A: trend %q against %q, want improving against 2026-08-11", d.Trend, d.PreviousDate)
	}
	if d := got["B"]; d.Trend != "" || d.PreviousDate != "" {
		t.Errorf("division B: trend %q against %q, want none (B is missing from 2026-08-11)", d.Trend, d.PreviousDate)
	}
}
