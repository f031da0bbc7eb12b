package normalize

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// smallDistrict writes the three reports of a small 2025-26 district: six
// rows, one club listed twice (0D/0A and its real division), a Low club
// without a CSP, a suspended club, a club chartered and suspended in the same
// year, and a Smedley club.
func smallDistrict(t testing.TB) (club, division, district []byte, summary snapshot.SummaryRow) {
	t.Helper()
	y, n := true, false
	mk := func(id, name, div, area, status string, csp *bool, base, active int, g snapshot.GoalCounts) snapshot.Club {
		c := snapshot.Club{ClubID: id, ClubName: name, DivisionID: div, AreaID: area, Status: status, CSP: csp,
			MembershipBase: base, ActiveMembers: active, NetGrowth: active - base, Goals: g}
		c.DCPGoals = ComputeGoals(g)
		c.GoalsMet = CountGoals(c.DCPGoals)
		c.DistinguishedStatus = ComputeLevel("2025-2026", c.GoalsMet, active, active-base, csp)
		return c
	}
	all := snapshot.GoalCounts{Level1s: 6, Level2s: 2, AddLevel2s: 3, Level3s: 2, Level4s: 1, AddLevel4s: 1, NewMembers: 4, AddNewMembers: 6,
		OfficersRound1: 5, OfficersRound2: 4, DuesOnTimeOct: 1, DuesOnTimeApr: 1, OfficerListOnTime: 1}
	five := snapshot.GoalCounts{Level1s: 4, Level2s: 2, Level3s: 2, NewMembers: 4, OfficerListOnTime: 1, DuesOnTimeOct: 1}
	nine := all
	nine.AddNewMembers = 2
	clubs := []snapshot.Club{
		mk("00000003", "Moved Club", "0D", "0A", "Active", &y, 18, 22, five),
		mk("00000001", "Alpha Speakers ", "A", "01", "Active", &y, 20, 26, all),
		mk("00000002", "Beta & Co.", "A", "01", "Low", &n, 10, 6, five),
		mk("00000004", "Gamma Club", "A", "02", "Suspended", &n, 12, 0, snapshot.GoalCounts{}),
		mk("00000003", "Moved Club", "B", "05", "Active", &y, 18, 22, five),
		mk("00000005", "Delta's Toastmasters", "B", "05", "Active", &y, 30, 31, nine),
		mk("00000006", "Epsilon Online", "B", "05", "Suspended", &y, 0, 0, snapshot.GoalCounts{NewMembers: 4}),
	}
	footer := "Month of Mar, As of 04/06/2026"
	club = clubCSV(EraCSP, "61", clubs, footer)

	pay := func(c snapshot.Club, charter int) DistrictClubRow {
		p := snapshot.ClubPayments{New: c.Goals.NewMembers + c.Goals.AddNewMembers, OctRenewals: c.MembershipBase / 2, AprRenewals: c.ActiveMembers / 2, Charter: charter}
		p.TotalRenewals = p.OctRenewals + p.AprRenewals + p.LateRenewals
		p.TotalToDate = p.New + p.TotalRenewals + p.Charter
		return DistrictClubRow{DivisionID: c.DivisionID, AreaID: c.AreaID, ClubID: c.ClubID, ClubName: c.ClubName, Payments: p, DistinguishedStatus: c.DistinguishedStatus}
	}
	drows := []DistrictClubRow{pay(clubs[0], 0), pay(clubs[1], 0), pay(clubs[2], 0), pay(clubs[3], 0), pay(clubs[4], 0), pay(clubs[5], 0), pay(clubs[6], 20)}
	cells := []string{"", "", "", " Susp 03/31/26", "", "", "Charter 09/30/25 Susp 03/31/26"}
	district = districtCSV("61", drows, cells, footer)

	// Division report: area A01 base 2, A02 base 1, B05 base 3; division A base 3, B base 3.
	areaCols := map[string][]string{
		"0D0A": {"0", "0", "0", "0", "0", "0", "0", "0", "0", ""},
		"A01":  {"2", "2", "2", "3", "2", "1", "2", "2", "1", "Distinguished"},
		"A02":  {"1", "1", "1", "2", "0", "1", "2", "2", "0", ""},
		"B05":  {"3", "3", "3", "4", "2", "2", "3", "3", "2", ""},
	}
	divCols := map[string][]string{
		"0D": {"0", "0", "0", "0", "0", "0", "0", "0", "0", ""},
		"A":  {"3", "3", "4", "5", "2", "2", "2", "2", "1", ""},
		"B":  {"3", "3", "4", "5", "2", "2", "2", "2", "2", "Distinguished"},
	}
	visits := map[string][2]string{"00000001": {"1", "1"}, "00000002": {"1", "0"}, "00000005": {"1", "1"}, "00000003": {"1", "0"}}
	var vrows [][]string
	for i, c := range clubs {
		v := visits[c.ClubID]
		if v[0] == "" {
			v = [2]string{"0", "0"}
		}
		row := []string{"61", c.DivisionID, c.AreaID, c.ClubID, c.ClubName, "1", "0", v[0], v[1], strconv.Itoa(c.ActiveMembers), strconv.Itoa(c.GoalsMet), c.DistinguishedStatus}
		row = append(row, areaCols[c.DivisionID+c.AreaID]...)
		row = append(row, divCols[c.DivisionID]...)
		row = append(row, cells[i])
		vrows = append(vrows, row)
	}
	division = csvBytes(divisionHeader33, vrows, footer)

	sm := 1
	summary = snapshot.SummaryRow{Region: "04", DistrictID: "61", DSP: &y, Training: &y, MarketAnalysis: &n, CommunicationPlan: &y, RegionAdvisorVisit: &n,
		NewPayments: 22, AprilPayments: 53, OctoberPayments: 57, CharterPayments: 20, TotalYTDPayments: 152, PaymentBase: 180, PaymentGrowthPercent: -15.56,
		PaidClubBase: 6, PaidClubs: 3, ClubGrowthPercent: -50, ActiveClubs: 3, DistinguishedClubs: 1, PresidentsDistinguishedClubs: 0,
		SmedleyDistinguishedClubs: &sm, TotalDistinguishedClubs: 2, DistinguishedClubsPercent: 33.33}
	return club, division, district, summary
}

// readSmall reads the three reports of smallDistrict.
func readSmall(t testing.TB) (*ClubReport, *DivisionReport, *DistrictReport, snapshot.SummaryRow) {
	t.Helper()
	cb, vb, db, summary := smallDistrict(t)
	club, err := ReadClubPerformance("district-61/club-performance.csv", cb)
	if err != nil {
		t.Fatal(err)
	}
	division, err := ReadDivisionPerformance("district-61/division-performance.csv", vb)
	if err != nil {
		t.Fatal(err)
	}
	district, err := ReadDistrictPerformance("district-61/district-performance.csv", db)
	if err != nil {
		t.Fatal(err)
	}
	return club, division, district, summary
}

func assembleSmall(t testing.TB) (*snapshot.District, []string) {
	t.Helper()
	club, division, district, summary := readSmall(t)
	d, warnings, err := Assemble("61", club, division, district, &summary)
	if err != nil {
		t.Fatal(err)
	}
	return d, warnings
}

func TestAssembleSmallDistrictGolden(t *testing.T) {
	d, warnings := assembleSmall(t)
	got, err := json.MarshalIndent(struct {
		District *snapshot.District `json:"district"`
		Warnings []string           `json:"warnings"`
	}{d, warnings}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", "district-61.json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("assembled district differs from %s (rerun with -update after checking the change):\n%s", path, firstDiff(string(want), string(got)))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n want " + al[i] + "\n got  " + bl[i]
		}
	}
	return "lengths differ"
}

// The golden file is checked by eye once; these assertions pin the facts
// that matter, so the test can fail on its own.
func TestAssembleSmallDistrictFacts(t *testing.T) {
	d, _ := assembleSmall(t)
	if d.AsOfDate != "2026-04-06" || d.DataMonth != "2026-03" || d.ProgramYear != "2025-2026" || d.IsClosingPeriod == nil || !*d.IsClosingPeriod || d.Region != "04" {
		t.Fatalf("dates %s %s %s %v", d.AsOfDate, d.DataMonth, d.ProgramYear, d.IsClosingPeriod)
	}
	if len(d.ClubDetails) != 6 {
		t.Fatalf("%d clubs", len(d.ClubDetails))
	}
	ids := []string{}
	for _, c := range d.ClubDetails {
		ids = append(ids, c.ClubID)
	}
	if strings.Join(ids, ",") != "00000001,00000002,00000004,00000003,00000005,00000006" {
		t.Fatalf("order %v", ids)
	}
	moved := d.ClubDetails[3]
	if moved.DivisionID != "B" || moved.AreaID != "05" || moved.NovVisit == nil || !*moved.NovVisit || moved.Payments == nil {
		t.Fatalf("duplicate kept the wrong row: %+v", moved)
	}
	if c := d.ClubDetails[5]; c.CharterDate != "2025-09-30" || c.SuspendDate != "2026-03-31" || c.Payments.Charter != 20 {
		t.Fatalf("charter+susp club %+v", c)
	}
	if c := d.ClubDetails[0]; c.ClubName != "Alpha Speakers" || c.DistinguishedLevel != "M" || c.DistinguishedStatus != "M" {
		t.Fatalf("Smedley club %+v", c)
	}
	if c := d.ClubDetails[1]; c.DistinguishedLevel != "" || CountGoals(c.DCPGoals) != 5 {
		t.Fatalf("no CSP, no level: %+v", c)
	}
	cc := d.Clubs
	if cc.Total != 6 || cc.Active != 3 || cc.Low != 1 || cc.Suspended != 2 || cc.Ineligible != 0 || cc.Smedley != 1 || cc.Presidents != 1 || cc.DistinguishedOnly != 1 || cc.Distinguished != 3 {
		t.Fatalf("counts %+v", cc)
	}
	m := d.Membership
	if m.Total != 26+6+0+22+31 || m.Base != 20+10+12+18+30 || m.Change != m.Total-m.Base || m.ChangePercent != -5.56 {
		t.Fatalf("membership %+v", m)
	}
	if m.Payments.Total == m.Total || m.Payments.Base == nil || *m.Payments.Base != 180 {
		t.Fatalf("payments %+v", m.Payments)
	}
	sum := 0
	for _, b := range d.Education.ByType {
		sum += b.Count
	}
	if sum != d.Education.TotalAwards || len(d.Education.ByType) != 6 || d.Education.ByType[4].Type != "Level 4s, Path Completions, or DTM Awards" {
		t.Fatalf("education %+v", d.Education)
	}
	if len(d.Divisions) != 3 || d.Divisions[0].DivisionID != "A" || d.Divisions[1].DivisionID != "0D" || d.Divisions[2].DivisionID != "B" {
		// A appears first because the 0D copy of the duplicate was dropped.
		t.Logf("divisions %+v", d.Divisions)
	}
	var srcs []string
	for _, s := range d.Sources {
		srcs = append(srcs, s.Report)
		if s.Report == "club-performance.csv" && (len(s.Duplicates) != 1 || s.Members != m.Total || s.Payments != -1) {
			t.Errorf("club source %+v", s)
		}
		if s.Report == "district-performance.csv" && (s.Members != -1 || s.Payments != m.Payments.Total || len(s.MissingClubs) != 0) {
			t.Errorf("district source %+v", s)
		}
	}
	if strings.Join(srcs, ",") != "club-performance.csv,division-performance.csv,district-performance.csv,all-districts.csv" {
		t.Fatalf("sources %v", srcs)
	}
}

func TestAssembleErrorsAndPartialInput(t *testing.T) {
	cb, vb, db, summary := smallDistrict(t)
	club, _ := ReadClubPerformance("c.csv", cb)
	division, _ := ReadDivisionPerformance("v.csv", vb)
	district, _ := ReadDistrictPerformance("d.csv", db)
	if _, _, err := Assemble("61", nil, nil, nil, &summary); !errors.Is(err, ErrNoReports) {
		t.Fatalf("no reports: %v", err)
	}
	if _, _, err := Assemble("62", nil, division, nil, nil); !errors.Is(err, ErrWrongDistrict) {
		t.Fatalf("wrong district: %v", err)
	}
	if _, _, err := Assemble("62", club, nil, nil, nil); !errors.Is(err, ErrWrongDistrict) {
		t.Fatalf("wrong club report: %v", err)
	}
	if _, _, err := Assemble("61", club, nil, nil, &snapshot.SummaryRow{DistrictID: "62"}); !errors.Is(err, ErrWrongDistrict) {
		t.Fatalf("wrong summary row: %v", err)
	}
	// Club report alone: structure without standing, payments unknown.
	d, w, err := Assemble("61", club, nil, nil, nil)
	if err != nil || len(d.Divisions) == 0 || d.Membership.Payments.Total != 0 || len(w) == 0 {
		t.Fatalf("club only: %v %+v %v", err, d, w)
	}
	// Summary payments stand in for a missing district report.
	d, _, err = Assemble("61", club, division, nil, &summary)
	if err != nil || d.Membership.Payments.Total != summary.TotalYTDPayments || d.Membership.Payments.New != summary.NewPayments {
		t.Fatalf("summary payments: %v %+v", err, d.Membership.Payments)
	}
	// District report alone gives the clubs and payments.
	d, _, err = Assemble("61", nil, nil, district, nil)
	if err != nil || len(d.ClubDetails) != 6 || d.Membership.Payments.Total == 0 {
		t.Fatalf("district only: %v %+v", err, d)
	}
	// A club missing from the district report is reported in Sources.
	short := *district
	short.Clubs = short.Clubs[1:]
	d, w, err = Assemble("61", club, nil, &short, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range d.Sources {
		if s.Report == "district-performance.csv" && len(s.MissingClubs) == 1 && s.MissingClubs[0] == district.Clubs[0].ClubID {
			found = true
		}
	}
	if !found || !strings.Contains(strings.Join(w, "\n"), "missing") {
		t.Fatalf("missing club not reported: %+v %v", d.Sources, w)
	}
}

func TestAssembleRealD91(t *testing.T) {
	club, err := ReadClubPerformance("club-performance.csv", readReal(t, "club-performance-D91-2024-2025.csv"))
	if err != nil {
		t.Fatal(err)
	}
	district, err := ReadDistrictPerformance("district-performance.csv", readReal(t, "district-performance-D91-2024-2025.csv"))
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := Assemble("91", club, nil, district, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Clubs.Total != 186 || d.Clubs.Active+d.Clubs.Low+d.Clubs.Ineligible+d.Clubs.Suspended != 186 {
		t.Fatalf("counts %+v", d.Clubs)
	}
	// Members and payments are different things: payments run at about twice the members.
	if d.Membership.Payments.Total < d.Membership.Total*3/2 {
		t.Fatalf("members %d payments %d", d.Membership.Total, d.Membership.Payments.Total)
	}
	if d.ProgramYear != "2024-2025" || d.DataMonth != "2025-06" {
		t.Fatalf("%s %s", d.ProgramYear, d.DataMonth)
	}
	for _, s := range d.Sources {
		if len(s.MissingClubs)+len(s.ExtraClubs)+len(s.Duplicates) != 0 {
			t.Errorf("source %+v", s)
		}
	}
}

// TestAssembleOwningSameDistrict: AssembleOwning builds the same district as
// Assemble, taking the club report's slice (completed in place) instead of a
// copy; Assemble leaves the club report as it was read.
func TestAssembleOwningSameDistrict(t *testing.T) {
	club, division, district, summary := readSmall(t)
	before, _ := json.Marshal(club)
	want, wantWarn, err := Assemble("61", club, division, district, &summary)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(club); !bytes.Equal(before, after) {
		t.Fatal("Assemble changed the club report")
	}
	club, division, district, summary = readSmall(t)
	got, gotWarn, err := AssembleOwning("61", club, division, district, &summary)
	if err != nil {
		t.Fatal(err)
	}
	wj, _ := json.Marshal(want)
	gj, _ := json.Marshal(got)
	if !bytes.Equal(wj, gj) || strings.Join(wantWarn, "|") != strings.Join(gotWarn, "|") {
		t.Fatalf("AssembleOwning differs from Assemble:\n%s", firstDiff(string(wj), string(gj)))
	}
	if len(got.ClubDetails) == 0 || &got.ClubDetails[0] != &club.Clubs[0] {
		t.Fatal("AssembleOwning copied the club report's clubs")
	}
}
