package pages

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
)

// TestNewFrame: a snapshot chosen by date carries date= on every JSON link
// (after ? or &) and on the CSV download; the current snapshot does not.
func TestNewFrame(t *testing.T) {
	closing := true
	m := snapshot.Metadata{DataAsOfDate: "2025-10-02", DataMonth: "2025-09", IsClosingPeriodData: &closing}
	f := NewFrame("2025-09-30", m, true, "T", nil, true, Link{Label: "a", Href: "/api/x"}, Link{Label: "b", Href: "/api/y?divisionId=A"})
	want := []Link{{"a", "/api/x?date=2025-09-30"}, {"b", "/api/y?divisionId=A&date=2025-09-30"}}
	if !reflect.DeepEqual(f.JSON, want) || f.CSV != "?format=csv&date=2025-09-30" {
		t.Errorf("by date: %+v %q", f.JSON, f.CSV)
	}
	if f.AsOf != (AsOf{SnapshotID: "2025-09-30", DataAsOf: "2025-10-02", DataMonth: "2025-09", ClosingPeriod: true}) {
		t.Errorf("as of: %+v", f.AsOf)
	}
	f = NewFrame("2025-09-30", m, false, "T", nil, false, Link{Label: "a", Href: "/api/x"})
	if f.JSON[0].Href != "/api/x" || f.CSV != "" {
		t.Errorf("current: %+v %q", f.JSON, f.CSV)
	}
}

func TestNewHomePage(t *testing.T) {
	rows := []snapshot.DistrictRanking{{DistrictID: "61", Region: "10"}, {DistrictID: "42", Region: "2"}, {DistrictID: "F", Region: "10"}}
	p := NewHomePage(Frame{}, rows, Moves{Week: map[string]int{"61": 2}, WeekDate: "2025-10-08"}, []string{"61"}, "", "")
	// Regions once each, in district-id order (2 before 10).
	if !reflect.DeepEqual(p.Regions, []string{"2", "10"}) || p.WeekDate != "2025-10-08" {
		t.Errorf("regions %v, week date %q", p.Regions, p.WeekDate)
	}
	if !p.Rows[0].HasPage || p.Rows[1].HasPage || p.Rows[0].WeekMove == nil || *p.Rows[0].WeekMove != 2 || p.Rows[1].WeekMove != nil || p.Rows[0].MonthMove != nil {
		t.Errorf("rows %+v", p.Rows)
	}
}

// TestUnitNotFound: a division or area the district does not have is a
// sentinel error, before any analytics runs.
func TestUnitNotFound(t *testing.T) {
	d := &snapshot.District{DistrictID: "61", Divisions: []snapshot.Division{{DivisionID: "A", Areas: []snapshot.Area{{DivisionID: "A", AreaID: "01"}}}}}
	year := []analytics.Point{{Date: "2025-10-01", District: d}}
	if _, _, _, err := Unit(year, "B", ""); !errors.Is(err, ErrDivisionNotFound) {
		t.Errorf("division B: %v", err)
	}
	if _, _, _, err := Unit(year, "A", "09"); !errors.Is(err, ErrAreaNotFound) {
		t.Errorf("area 09: %v", err)
	}
}

func TestWriteCSVNames(t *testing.T) {
	var buf bytes.Buffer
	name, err := WriteCSV(&buf, &DivisionPage{DistrictID: "61", Division: &analytics.DivisionStanding{UnitStanding: analytics.UnitStanding{DivisionID: "A"}}})
	if err != nil || name != "district_61_division_A" || buf.Len() == 0 {
		t.Errorf("division page: %q %v", name, err)
	}
	if _, err := WriteCSV(&buf, &DistrictPage{}); !errors.Is(err, ErrNoCSV) {
		t.Errorf("district page: %v", err)
	}
}

// d61Nov30 is District 61 as the dashboard reported it on 2025-12-03
// (month of Nov, closing: snapshot 2025-11-30), from the summary row of
// testdata/cache/2025-12-03/all-districts.csv:
// "03","61","Y","Y","N","Y","N","2","0","70","2","0","74","208","-64.42%","4","3","-25%","3","0","0","0","0","0","0%".
func d61Nov30() analytics.Point {
	y, n := true, false
	sum := &snapshot.SummaryRow{Region: "03", DistrictID: "61", DSP: &y, Training: &y, MarketAnalysis: &n, CommunicationPlan: &y, RegionAdvisorVisit: &n,
		NewPayments: 2, OctoberPayments: 70, LatePayments: 2, TotalYTDPayments: 74, PaymentBase: 208, PaymentGrowthPercent: -64.42,
		PaidClubBase: 4, PaidClubs: 3, ClubGrowthPercent: -25, ActiveClubs: 3}
	return analytics.Point{Date: "2025-11-30", District: &snapshot.District{DistrictID: "61", Summary: sum},
		Ranking: &snapshot.DistrictRanking{DistrictID: "61", Region: "03", OverallRank: 4, RegionRank: 1}}
}

// TestDistrictTierGapsInWords: the "still missing" cells of the District
// 61 tiers (2025-11-30) say one of a thing in the singular. Worked by hand
// from the summary row (d61Nov30), Distinguished tier (2025-26 rules):
// payments 208 + ⌈1% × 208⌉ = 211 − 74 = 137; paid clubs 4 + ⌈1% × 4⌉ = 5 −
// 3 = 2; net paid clubs ≥ 0: 4 − 3 = 1 paid club. Select: net ≥ +1: 5 − 3 =
// 2.
func TestDistrictTierGapsInWords(t *testing.T) {
	r := analytics.DistrictRecognition(d61Nov30())
	got := map[string]string{}
	for _, tier := range r.Tiers {
		for _, c := range tier.Criteria {
			if c.Name != "distinguishedClubs" {
				got[tier.Tier+" "+c.Name] = criterionText(c).Gap
			}
		}
	}
	want := map[string]string{
		"Distinguished paymentGrowth": "137 payments", "Distinguished clubGrowth": "2 paid clubs", "Distinguished netClubs": "1 paid club",
		"Select Distinguished paymentGrowth": "141 payments", "Select Distinguished clubGrowth": "2 paid clubs", "Select Distinguished netClubs": "2 paid clubs",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: still missing %q, want %q", k, got[k], w)
		}
	}
	if g := criterionText(analytics.Criterion{Name: "paymentGrowth", Unit: "payments", Known: true, Needed: 1}).Gap; g != "1 payment" {
		t.Errorf("one payment short: %q", g)
	}
}

// TestDistrictPageNamesTheMoveSnapshots: the district page's "since last
// week / month" rank moves say which snapshot they compare with, as the
// home page does: on 2025-11-30 the newest snapshot a week older is
// 2025-11-14 (16 days older), where District 61 was 3rd (4th now: ▼ 1).
func TestDistrictPageNamesTheMoveSnapshots(t *testing.T) {
	p := d61Nov30()
	pg, err := NewDistrictPage(Frame{}, "61", DistrictSeries{All: []analytics.Point{p}, Year: []analytics.Point{p},
		Moves: Moves{Week: map[string]int{"61": -1}, WeekDate: "2025-11-14"}})
	if err != nil {
		t.Fatal(err)
	}
	if pg.WeekDate != "2025-11-14" || pg.MonthDate != "" {
		t.Errorf("week date %q, month date %q", pg.WeekDate, pg.MonthDate)
	}
	var buf bytes.Buffer
	if err := Render(&buf, pg); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{
		`<dt>Since last week <small>(snapshot 2025-11-14)</small></dt><dd class="move down">▼ 1</dd>`,
		`<dt>Since last month</dt><dd class="move same">–</dd>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

// TestClubChangesInWords: the "what changed" lines of District 02 between
// 2025-11-14 and 2025-11-30 name levels and goals in words, not as the
// API's change codes and letters. By hand from the club CSVs: Club 02-1
// had goals 1, 4 and 10 (Level 1s 7, Level 3s 3, officer list 2 + Oct dues),
// then 2, 3, 4, 7, 8 and 10 (Level 2s 2, Add. 2, Level 3s 2, New 4, Add.
// New 5) with 20 members and the CSP: level D. Level downs and losses are
// worded alike.
func TestClubChangesInWords(t *testing.T) {
	club := func(status, level string, goals [10]bool) snapshot.Club {
		n := 0
		for _, g := range goals {
			if g {
				n++
			}
		}
		return snapshot.Club{ClubID: "00001003", ClubName: "Club 02-1 Speakers", Status: status, GoalsMet: n, DCPGoals: goals, DistinguishedStatus: level}
	}
	before := analytics.Point{Date: "2025-11-14", District: &snapshot.District{DistrictID: "02", ClubDetails: []snapshot.Club{
		club("Active", "", [10]bool{0: true, 3: true, 9: true})}}}
	after := analytics.Point{Date: "2025-11-30", District: &snapshot.District{DistrictID: "02", ClubDetails: []snapshot.Club{
		club("Active", "D", [10]bool{1: true, 2: true, 3: true, 6: true, 7: true, 9: true})}}}
	var got []string
	for _, c := range analytics.WhatChanged(&before, after).ClubChanges {
		got = append(got, changeText(c))
	}
	want := []string{"became Distinguished", "no longer meets goal 1", "met goal 2", "met goal 3", "met goal 7", "met goal 8"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("02-1 changes %q, want %q", got, want)
	}
	for c, w := range map[analytics.ClubChange]string{
		{Change: analytics.ChangeLevelGained, From: "S", To: "P"}:   "moved up from Select Distinguished to President's Distinguished",
		{Change: analytics.ChangeLevelLost, From: "S", To: "D"}:     "moved down from Select Distinguished to Distinguished",
		{Change: analytics.ChangeLevelLost, From: "D"}:              "no longer Distinguished",
		{Change: analytics.ChangeStatus, From: "Active", To: "Low"}: "status: Active → Low",
	} {
		if g := changeText(c); g != w {
			t.Errorf("%+v: %q, want %q", c, g, w)
		}
	}
}
