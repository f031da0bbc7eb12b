package normalize

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

const footerJun = "Month of Jun, As of 07/20/2026"

func boolp(b bool) *bool { return &b }
func intp(i int) *int    { return &i }

func TestClubReportEras(t *testing.T) {
	tests := []struct {
		era, footer string
		wantPY      string
		csp         bool
	}{
		{EraPathways, "Month of Jun, As of 09/13/2025", "2024-2025", false},
		{EraCSP, footerJun, "2025-2026", true},
		{EraEOM, "Month of Aug, As of 09/05/2026", "2026-2027", true},
		{EraTransition, "Month of May, As of 05/31/2019", "2018-2019", false},
		{EraPathways, "", "2024-2025", false}, // no footer: the era's rules
		{EraCSP, "", "2025-2026", true},
	}
	for _, tc := range tests {
		t.Run(tc.era+"/"+tc.footer, func(t *testing.T) {
			clubs := randomClubs(7, 60, tc.wantPY, tc.csp)
			rep, err := ReadClubPerformance("club.csv", clubCSV(tc.era, "61", clubs, tc.footer))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Era != tc.era || rep.ProgramYear != tc.wantPY {
				t.Fatalf("era %q py %q, want %q %q", rep.Era, rep.ProgramYear, tc.era, tc.wantPY)
			}
			if rep.Footer.Found != (tc.footer != "") {
				t.Fatalf("footer %+v", rep.Footer)
			}
			if len(rep.Clubs) != len(clubs) {
				t.Fatalf("%d clubs", len(rep.Clubs))
			}
			for i, c := range rep.Clubs {
				w := clubs[i]
				if c.DCPGoals != w.DCPGoals || c.GoalsMet != w.GoalsMet || c.DistinguishedLevel != w.DistinguishedLevel || c.DistinguishedStatus != w.DistinguishedStatus {
					t.Fatalf("club %d: got goals %v met %d level %q/%q, want %v %d %q", i, c.DCPGoals, c.GoalsMet, c.DistinguishedLevel, c.DistinguishedStatus, w.DCPGoals, w.GoalsMet, w.DistinguishedLevel)
				}
				if (c.CSP != nil) != tc.csp {
					t.Fatalf("club %d: CSP %v in era %s", i, c.CSP, tc.era)
				}
			}
			for _, w := range rep.Warnings {
				t.Errorf("warning: %s", w)
			}
		})
	}
}

func TestClubReportTraditionalEra(t *testing.T) {
	c := snapshot.Club{ClubID: "00001234", ClubName: "Old Club", DivisionID: "A", AreaID: "01", Status: "Active", MembershipBase: 20, ActiveMembers: 22,
		GoalsMet: 7, DistinguishedStatus: "S",
		// clubCells writes CCs=Level1s, Add. CCs=Level2s, ACs=AddLevel2s, Add. ACs=Level3s.
		Goals: snapshot.GoalCounts{Level1s: 2, Level2s: 2, AddLevel2s: 1, Level3s: 0, Level4s: 1, AddLevel4s: 0, NewMembers: 4, AddNewMembers: 1,
			OfficersRound1: 4, OfficersRound2: 4, DuesOnTimeOct: 1, OfficerListOnTime: 1}}
	rep, err := ReadClubPerformance("old.csv", clubCSV(EraTraditional, "61", []snapshot.Club{c}, "Month of Jun, As of 07/10/2016"))
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Clubs[0]
	want := [10]bool{true, true, true, false, true, false, true, false, true, true}
	if rep.Era != EraTraditional || got.DCPGoals != want || got.DistinguishedLevel != "S" {
		t.Fatalf("era %s goals %v level %q", rep.Era, got.DCPGoals, got.DistinguishedLevel)
	}
	if got.Goals.Level4s != 1 || got.Goals.DuesOnTimeApr != 1 {
		t.Fatalf("CL/AL/DTMs or combined dues column not read: %+v", got.Goals)
	}
	// The education figures count the CL/AL/DTMs under their own names,
	// and agree with the top clubs (1 award); CCs and ACs are not awards
	// the snapshot keeps.
	if rep.AwardColumns != [6]string{"", "", "", "", "CL/AL/DTMs", "Add. CL/AL/DTMs"} {
		t.Fatalf("award columns %q", rep.AwardColumns)
	}
	d, _, err := Assemble("61", rep, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := d.Education
	if e.TotalAwards != 1 || len(e.ByType) != 2 || e.ByType[0] != (snapshot.AwardCount{Type: "CL/AL/DTMs", Count: 1}) ||
		len(e.TopClubs) != 1 || e.TopClubs[0].Awards != 1 {
		t.Fatalf("education %+v", e)
	}
}

// The 2025-26 example row of spec §2.4 and the 2024-25 one.
func TestClubReportSpecRows(t *testing.T) {
	b := csvBytes(clubHeaders[EraCSP], [][]string{{"61", "A", "03", "04544358", "Stittsville Toastmasters Club", "Active", "Y", "37", "44", "7", "10", "4", "2", "3", "5", "1", "2", "4", "16", "7", "7", "1", "1", "1", "M"}}, footerJun)
	rep, err := ReadClubPerformance("c.csv", b)
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Clubs[0]
	if c.ClubID != "04544358" || c.NetGrowth != 7 || c.GoalsMet != 10 || CountGoals(c.DCPGoals) != 10 || c.DistinguishedLevel != "M" || c.DistinguishedStatus != "M" || c.CSP == nil || !*c.CSP {
		t.Fatalf("%+v", c)
	}
	b = csvBytes(clubHeaders[EraPathways], [][]string{{"91", "A", "01", "01279299", "Hamwic Speakers", "Active", "43", "45", "10", "8", "2", "4", "8", "1", "8", "4", "24", "7", "4", "1", "1", "1", "P"}}, "")
	rep, err = ReadClubPerformance("c.csv", b)
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Clubs[0]; c.DistinguishedLevel != "P" || CountGoals(c.DCPGoals) != 10 {
		t.Fatalf("%+v", c)
	}
}

func TestComputeLevelTable(t *testing.T) {
	y, n := boolp(true), boolp(false)
	tests := []struct {
		py                 string
		goals, active, net int
		csp                *bool
		want               string
	}{
		{"2024-2025", 5, 20, 0, nil, "D"},
		{"2024-2025", 5, 19, 2, nil, ""},
		{"2024-2025", 5, 10, 3, nil, "D"},
		{"2024-2025", 7, 21, 0, nil, "S"},
		{"2024-2025", 9, 21, 0, nil, "P"},
		{"2024-2025", 10, 30, 0, nil, "P"}, // no Smedley before 2025-26
		{"2024-2025", 10, 30, 0, n, "P"},   // no CSP gate before 2025-26
		{"2024-2025", 4, 40, 9, nil, ""},
		{"2025-2026", 10, 25, 0, y, "M"},
		{"2025-2026", 10, 24, 10, y, "P"},
		{"2025-2026", 9, 20, 0, y, "P"},
		{"2025-2026", 9, 19, 9, y, "S"}, // President's has no growth alternative
		{"2025-2026", 7, 15, 5, y, "S"},
		{"2025-2026", 7, 15, 4, y, "D"}, // Select needs growth 5, D needs 3
		{"2025-2026", 5, 15, 3, y, "D"},
		{"2025-2026", 5, 15, 2, y, ""},
		{"2025-2026", 10, 40, 10, n, ""}, // CSP gate
		{"2025-2026", 10, 40, 10, nil, "M"},
		{"2026-2027", 10, 25, 0, y, "M"},
		{"", 10, 25, 0, y, "M"},   // unknown year, CSP known: new rules
		{"", 10, 25, 0, nil, "P"}, // unknown year, no CSP: old rules
	}
	for _, tc := range tests {
		if got := ComputeLevel(tc.py, tc.goals, tc.active, tc.net, tc.csp); got != tc.want {
			t.Errorf("ComputeLevel(%q, %d, %d, %d, %v) = %q, want %q", tc.py, tc.goals, tc.active, tc.net, tc.csp, got, tc.want)
		}
	}
}

func TestComputeGoalsTable(t *testing.T) {
	tests := []struct {
		g    snapshot.GoalCounts
		want [10]bool
	}{
		{snapshot.GoalCounts{}, [10]bool{}},
		{snapshot.GoalCounts{Level1s: 4}, [10]bool{0: true}},
		{snapshot.GoalCounts{Level2s: 2, AddLevel2s: 1}, [10]bool{1: true}},
		{snapshot.GoalCounts{Level2s: 1, AddLevel2s: 5}, [10]bool{}},
		{snapshot.GoalCounts{Level2s: 2, AddLevel2s: 2}, [10]bool{1: true, 2: true}},
		{snapshot.GoalCounts{Level3s: 2}, [10]bool{3: true}},
		{snapshot.GoalCounts{Level4s: 1, AddLevel4s: 1}, [10]bool{4: true, 5: true}},
		{snapshot.GoalCounts{AddLevel4s: 3}, [10]bool{}},
		{snapshot.GoalCounts{NewMembers: 4, AddNewMembers: 3}, [10]bool{6: true}},
		{snapshot.GoalCounts{NewMembers: 4, AddNewMembers: 4}, [10]bool{6: true, 7: true}},
		{snapshot.GoalCounts{OfficersRound1: 4, OfficersRound2: 3}, [10]bool{}},
		{snapshot.GoalCounts{OfficersRound1: 0, OfficersRound2: 7}, [10]bool{}},
		{snapshot.GoalCounts{OfficersRound1: 4, OfficersRound2: 4}, [10]bool{8: true}},
		{snapshot.GoalCounts{OfficerListOnTime: 1}, [10]bool{}},
		{snapshot.GoalCounts{OfficerListOnTime: 2, DuesOnTimeApr: 1}, [10]bool{9: true}},
		{snapshot.GoalCounts{DuesOnTimeOct: 1, DuesOnTimeApr: 1}, [10]bool{}},
	}
	for _, tc := range tests {
		if got := ComputeGoals(tc.g); got != tc.want {
			t.Errorf("ComputeGoals(%+v) = %v, want %v", tc.g, got, tc.want)
		}
	}
}

func TestHeaderTraps(t *testing.T) {
	clubs := randomClubs(3, 12, "2025-2026", true)
	h := append([]string(nil), clubHeaders[EraCSP]...)
	t.Run("columns in another order", func(t *testing.T) {
		rev := make([]string, len(h))
		for i := range h {
			rev[i] = h[len(h)-1-i]
		}
		rows := make([][]string, len(clubs))
		for i, c := range clubs {
			rows[i] = clubCells(rev, "61", c)
		}
		a, err := ReadClubPerformance("a.csv", clubCSV(EraCSP, "61", clubs, footerJun))
		if err != nil {
			t.Fatal(err)
		}
		b, err := ReadClubPerformance("b.csv", csvBytes(rev, rows, footerJun))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a.Clubs, b.Clubs) {
			t.Fatal("reading by position: reordered columns changed the result")
		}
	})
	t.Run("header names with trailing spaces and other case", func(t *testing.T) {
		h2 := append([]string(nil), h...)
		h2[4] = "Club Name "
		h2[13] = "add. level 2s"
		rows := make([][]string, len(clubs))
		for i, c := range clubs {
			rows[i] = clubCells(h, "61", c)
		}
		rep, err := ReadClubPerformance("c.csv", csvBytes(h2, rows, footerJun))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Clubs[0].ClubName != strings.TrimSpace(clubs[0].ClubName) || rep.Clubs[0].Goals.AddLevel2s != clubs[0].Goals.AddLevel2s {
			t.Fatalf("%+v", rep.Clubs[0])
		}
	})
	t.Run("missing required column is an error", func(t *testing.T) {
		for _, drop := range []string{"Goals Met", "Level 4s, Path Completions, or DTM Awards", "Off. List On Time", "CSP", "Mem. dues on time Apr"} {
			h2 := []string{}
			for _, x := range h {
				if x != drop {
					h2 = append(h2, x)
				}
			}
			rows := make([][]string, len(clubs))
			for i, c := range clubs {
				rows[i] = clubCells(h2, "61", c)
			}
			_, err := ReadClubPerformance("c.csv", csvBytes(h2, rows, footerJun))
			if !errors.Is(err, ErrWrongHeader) || !strings.Contains(err.Error(), drop) || !strings.Contains(err.Error(), "c.csv") {
				t.Errorf("without %q: %v", drop, err)
			}
		}
	})
	t.Run("missing optional column is a warning, not a zero", func(t *testing.T) {
		h2 := []string{}
		for _, x := range divisionHeader33 {
			if x != "May Visit award" {
				h2 = append(h2, x)
			}
		}
		row := divisionRow()
		row2 := append(append([]string(nil), row[:8]...), row[9:]...)
		rep, err := ReadDivisionPerformance("v.csv", csvBytes(h2, [][]string{row2}, footerJun))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Clubs[0].MayVisit != nil || rep.Clubs[0].NovVisit == nil || !*rep.Clubs[0].NovVisit {
			t.Fatalf("visits %v %v", rep.Clubs[0].NovVisit, rep.Clubs[0].MayVisit)
		}
		if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "May Visit award") {
			t.Fatalf("warnings %v", rep.Warnings)
		}
	})
	t.Run("Net Growth missing in 2025-26 warns and computes", func(t *testing.T) {
		h2 := []string{}
		for _, x := range h {
			if x != "Net Growth" {
				h2 = append(h2, x)
			}
		}
		rows := make([][]string, len(clubs))
		for i, c := range clubs {
			rows[i] = clubCells(h2, "61", c)
		}
		rep, err := ReadClubPerformance("c.csv", csvBytes(h2, rows, footerJun))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Era != EraCSP || rep.Clubs[1].NetGrowth != clubs[1].ActiveMembers-clubs[1].MembershipBase || len(rep.Warnings) == 0 {
			t.Fatalf("era %s warnings %v", rep.Era, rep.Warnings)
		}
	})
	t.Run("a value that is not a number names file, line and column", func(t *testing.T) {
		rows := make([][]string, len(clubs))
		for i, c := range clubs {
			rows[i] = clubCells(h, "61", c)
		}
		rows[2][8] = "lots"
		_, err := ReadClubPerformance("c.csv", csvBytes(h, rows, footerJun))
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "Active Members") {
			t.Fatalf("%v", err)
		}
	})
}

func divisionRow() []string {
	// Spec §2.3 example row.
	return []string{"61", "A", "02", "00002959", "Seaway Toastmasters Club of Cornwall", "1", "1", "1", "1", "23", "5", "D", "4", "4", "4", "5", "4", "2", "3", "3", "3", "Select Distinguished", "18", "18", "19", "20", "17", "9", "9", "10", "6", "", ""}
}

func TestDivisionReportSpecRow(t *testing.T) {
	rep, err := ReadDivisionPerformance("v.csv", csvBytes(divisionHeader33, [][]string{divisionRow()}, footerJun))
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Clubs[0]
	if c.ClubID != "00002959" || !c.OctRenewal || !c.AprRenewal || c.NovVisit == nil || !*c.NovVisit || c.MayVisit == nil || !*c.MayVisit ||
		c.MembershipToDate != 23 || c.GoalsMet != 5 || c.DistinguishedClub != "D" {
		t.Fatalf("%+v", c)
	}
	if len(rep.Divisions) != 1 || len(rep.Divisions[0].Areas) != 1 {
		t.Fatalf("%+v", rep.Divisions)
	}
	a := rep.Divisions[0].Areas[0]
	want := snapshot.Standing{ClubBase: 4, PaidGoals: tg(4, 4, 5), PaidClubs: 4, DistinguishedGoals: tg(2, 3, 3), DistinguishedClubs: 3,
		ReportedStatus: "Select Distinguished", Level: "",
		// One club of the area is in the file, with both visits; 3 of 4 are
		// needed per round. The data is June 2026's (logical date
		// 2026-06-30): the November round closed on 2025-11-30 with 1 of 3,
		// so the area can reach no tier and no visit is listed as a need.
		Blocked: "November club visits: 1 of 3 required by 2025-11-30; the round has closed"}
	if !reflect.DeepEqual(a.Standing, want) || a.NovVisits != 1 || a.MayVisits != 1 || a.AreaID != "02" || a.DivisionID != "A" {
		t.Fatalf("area %+v next %+v", a, a.Next)
	}
	d := rep.Divisions[0]
	if d.ClubBase != 18 || d.PaidClubs != 17 || d.DistinguishedClubs != 6 || d.Level != "" || d.Next == nil ||
		*d.Next != (snapshot.TierGap{Tier: "D", PaidClubsNeeded: 1, DistinguishedClubsNeeded: 3}) {
		t.Fatalf("division %+v next %+v", d.Standing, d.Next)
	}
}

func TestCharterSuspend(t *testing.T) {
	tests := []struct{ in, charter, susp string }{
		{"", "", ""},
		{"Charter 08/05/24", "2024-08-05", ""},
		{" Susp 03/31/25", "", "2025-03-31"},
		{"Charter 09/30/25 Susp 03/31/26", "2025-09-30", "2026-03-31"},
		{"Charter 04/15/2026", "2026-04-15", ""},
	}
	for _, tc := range tests {
		c, s, err := ParseCharterSuspend(tc.in)
		if err != nil || c != tc.charter || s != tc.susp {
			t.Errorf("ParseCharterSuspend(%q) = %q %q %v", tc.in, c, s, err)
		}
	}
	for _, bad := range []string{"Chartered", "Charter 13/45/25", "Susp 02/30/25"} {
		if _, _, err := ParseCharterSuspend(bad); err == nil {
			t.Errorf("ParseCharterSuspend(%q): no error", bad)
		}
	}
}

func TestDistrictReportTraps(t *testing.T) {
	rows := []DistrictClubRow{
		{DivisionID: "0D", AreaID: "0A", ClubID: "00001111", ClubName: "Moved Club", Payments: snapshot.ClubPayments{New: 1, TotalToDate: 1}},
		{DivisionID: "A", AreaID: "01", ClubID: "00002222", ClubName: "Club Two", Payments: snapshot.ClubPayments{New: 2, OctRenewals: 3, TotalRenewals: 3, TotalToDate: 5}},
		{DivisionID: "B", AreaID: "05", ClubID: "00001111", ClubName: "Moved Club", Payments: snapshot.ClubPayments{New: 4, AprRenewals: 1, TotalRenewals: 1, TotalToDate: 5}},
		{DivisionID: "B", AreaID: "05", ClubID: "00003333", ClubName: "New And Gone", Payments: snapshot.ClubPayments{Charter: 20, TotalToDate: 20}},
	}
	cells := []string{"", "", "", "Charter 09/30/25 Susp 03/31/26"}
	rep, err := ReadDistrictPerformance("d.csv", districtCSV("118", rows, cells, "Month of Mar, As of 03/15/2026"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Clubs) != 3 || rep.Clubs[0].ClubID != "00002222" || rep.Clubs[1].ClubID != "00001111" || rep.Clubs[1].DivisionID != "B" || rep.Clubs[1].Payments.New != 4 {
		t.Fatalf("dedupe: %+v", rep.Clubs)
	}
	if !reflect.DeepEqual(rep.Duplicates, []string{"00001111"}) {
		t.Fatalf("duplicates %v", rep.Duplicates)
	}
	if c := rep.Clubs[2]; c.CharterDate != "2025-09-30" || c.SuspendDate != "2026-03-31" || c.DistrictID != "118" {
		t.Fatalf("%+v", c)
	}
	// Total to Date that does not add up is reported.
	rows[1].Payments.TotalToDate = 9
	rep, err = ReadDistrictPerformance("d.csv", districtCSV("118", rows, cells, ""))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(rep.Warnings, "\n"), "Total to Date") {
		t.Fatalf("warnings %v", rep.Warnings)
	}
}

func TestSummaryReport(t *testing.T) {
	rows := [][]string{
		{"01", "02", "Y", "Y", "Y", "Y", "Y", "1134", "2472", "2553", "10", "114", "6283", "6851", "-8.29%", "212", "192", "-9.43%", "200", "10", "5", "4", "2", "21", "10.5%"},
		{"07", "118", "N", "Y", "N", "Y", "N", "1", "2", "3", "0", "0", "6", "0", "N/A", "0", "0", "N/A", "1", "0", "0", "0", "0", "0", "0%"},
		{"02", "F", "Y", "N", "Y", "N", "Y", "5", "5", "5", "0", "0", "15", "10", "50%", "3", "3", "0%", "3", "1", "0", "0", "0", "1", "33.33%"},
		{"DNAR", "U", "N", "N", "N", "N", "N", "5", "5", "5", "0", "0", "15", "10", "50%", "3", "3", "0%", "3", "0", "0", "0", "0", "0", "0%"},
	}
	// The footer read as CSV by a lax parser becomes a "district" named
	// ` As of 07/01/2026`; it must never be a row here.
	rep, err := ReadSummary("all-districts.csv", csvBytes(summaryHeader25, rows, "Month of Jun, As of 07/01/2026"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 4 || len(rep.Warnings) != 0 {
		t.Fatalf("%d rows, warnings %v", len(rep.Rows), rep.Warnings)
	}
	r := rep.Rows[0]
	if r.DistrictID != "02" || r.Region != "01" || r.PaymentGrowthPercent != -8.29 || r.TotalYTDPayments != 6283 || r.SmedleyDistinguishedClubs == nil || *r.SmedleyDistinguishedClubs != 2 || *r.RegionAdvisorVisit != true {
		t.Fatalf("%+v", r)
	}
	if rep.Rows[1].DistrictID != "118" || rep.Rows[1].PaymentGrowthPercent != 0 || *rep.Rows[1].DSP != false {
		t.Fatalf("%+v", rep.Rows[1])
	}
	if rep.Rows[3].DistrictID != "U" || rep.Rows[3].Region != "DNAR" || rep.Rows[2].DistrictID != "F" {
		t.Fatal("F/U rows")
	}
	// 2026-27: no Region Advisor Visit column: nil, no warning.
	h := []string{}
	var rows2 [][]string
	for i, x := range summaryHeader25 {
		if x != "Region Advisor Visit" {
			h = append(h, x)
		} else {
			for _, r := range rows {
				rows2 = append(rows2, append(append([]string(nil), r[:i]...), r[i+1:]...))
			}
		}
	}
	rep, err = ReadSummary("all-districts.csv", csvBytes(h, rows2, "Month of Jul, As of 07/30/2026"))
	if err != nil || rep.Rows[0].RegionAdvisorVisit != nil || len(rep.Warnings) != 0 || rep.Rows[0].MarketAnalysis == nil {
		t.Fatalf("2026-27: %v %+v", err, rep)
	}
	// Older era (RG's 21 names): flags and Smedley are nil.
	old := []string{"REGION", "DISTRICT", "DSP", "Training", "New Payments", "April Payments", "October Payments", "Late Payments", "Charter Payments", "Total YTD Payments", "Payment Base", "% Payment Growth", "Paid Club Base", "Paid Clubs", "% Club Growth", "Active Clubs", "Distinguished Clubs", "Select Distinguished Clubs", "Presidents Distinguished Clubs", "Total Distinguished Clubs", "% Distinguished Clubs"}
	rep, err = ReadSummary("s.csv", csvBytes(old, [][]string{{"01", "42", "Y", "N", "1", "2", "3", "4", "5", "15", "10", "50%", "3", "3", "0%", "3", "1", "0", "0", "1", "33.33%"}}, ""))
	if err != nil || rep.Rows[0].SmedleyDistinguishedClubs != nil || rep.Rows[0].MarketAnalysis != nil || *rep.Rows[0].DSP != true || len(rep.Warnings) != 0 {
		t.Fatalf("old era: %v %+v", err, rep)
	}
	// A row whose DISTRICT is not an id is dropped with a warning.
	bad := append([][]string{}, rows...)
	bad = append(bad, append([]string{"", " As of 07/01/2026"}, make([]string, 23)...))
	rep, err = ReadSummary("s.csv", csvBytes(summaryHeader25, bad, ""))
	if err != nil || len(rep.Rows) != 4 || len(rep.Warnings) != 1 {
		t.Fatalf("%v %d %v", err, len(rep.Rows), rep.Warnings)
	}
}

func TestReadersRejectBadInput(t *testing.T) {
	html := []byte("<!DOCTYPE html>\r\n<html><head><title>Toastmasters International</title></head><body><form action=\"./error.aspx?aspxerrorpath=%2f2018-2019%2fexport.aspx\"></form></body></html>")
	empty := csvBytes(clubHeaders[EraCSP], nil, "Month of Jul, As of 07/20/2026")
	readers := map[ReportKind]func(string, []byte) error{
		ReportSummary:  func(n string, b []byte) error { _, err := ReadSummary(n, b); return err },
		ReportDistrict: func(n string, b []byte) error { _, err := ReadDistrictPerformance(n, b); return err },
		ReportDivision: func(n string, b []byte) error { _, err := ReadDivisionPerformance(n, b); return err },
		ReportClub:     func(n string, b []byte) error { _, err := ReadClubPerformance(n, b); return err },
	}
	for kind, read := range readers {
		name := "district-61/" + kind.FileName()
		if err := read(name, html); !errors.Is(err, ErrHTMLPage) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s html: %v", kind, err)
		}
		if kind != ReportClub {
			if err := read(name, empty); !errors.Is(err, ErrWrongHeader) {
				t.Errorf("%s given a club header: %v", kind, err)
			}
		}
	}
	if err := readers[ReportClub]("club-performance.csv", empty); !errors.Is(err, ErrNoRows) {
		t.Errorf("no rows: %v", err)
	}
}

func tg(d, s, p int) snapshot.TierGoals {
	return snapshot.TierGoals{Distinguished: d, Select: s, Presidents: p}
}

func TestClubColumnNames(t *testing.T) {
	// The district report names the club id column "Club", the club report
	// "Club Number"; either name is read by both.
	h := append([]string(nil), districtHeader14...)
	h[3] = "Club Number"
	b := csvBytes(h, [][]string{{"02", "A", "01", "00005774", "Solent Speakers Club", "6", "0", "19", "17", "36", "0", "42", "D", ""}}, "")
	rep, err := ReadDistrictPerformance("d.csv", b)
	if err != nil || rep.Clubs[0].ClubID != "00005774" || rep.Clubs[0].DistrictID != "02" || rep.Footer.Found {
		t.Fatalf("%v %+v", err, rep)
	}
	ch := append([]string(nil), clubHeaders[EraPathways]...)
	ch[3] = "Club"
	rows := [][]string{clubCells(clubHeaders[EraPathways], "F", randomClubs(1, 1, "2024-2025", false)[0])}
	club, err := ReadClubPerformance("c.csv", csvBytes(ch, rows, ""))
	if err != nil || club.Clubs[0].ClubID != rows[0][3] {
		t.Fatalf("%v %+v", err, club)
	}
	// An HTML-looking club name in the first row is data, not an error page.
	b = csvBytes(districtHeader14, [][]string{{"02", "A", "01", "00005774", "<html> Speakers", "6", "0", "19", "17", "36", "0", "42", "D", ""}}, "")
	if _, err := ReadDistrictPerformance("d.csv", b); err != nil {
		t.Fatal(err)
	}
}

func TestDivisionDuplicatesAndPendingAlignment(t *testing.T) {
	row := func(div, area, id string, nov, may string) []string {
		r := divisionRow()
		r[1], r[2], r[3], r[7], r[8] = div, area, id, nov, may
		return r
	}
	h := append([]string(nil), divisionHeader33...)
	h[8] = "May visit award" // the lower-case spelling a consumer once used
	b := csvBytes(h, [][]string{
		row("0D", "0A", "00000001", "0", "0"), // listed twice: dropped
		row("0D", "0A", "00000009", "0", "0"), // pending alignment only: kept
		row("A", "02", "00000001", "1", "1"),
		row("A", "02", "00000002", "1", "0"),
	}, footerJun)
	rep, err := ReadDivisionPerformance("v.csv", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Clubs) != 3 || rep.Clubs[0].ClubID != "00000009" || rep.Clubs[1].ClubID != "00000001" || rep.Clubs[1].DivisionID != "A" {
		t.Fatalf("clubs %+v", rep.Clubs)
	}
	if len(rep.Divisions) != 2 || rep.Divisions[0].DivisionID != "0D" || rep.Divisions[1].DivisionID != "A" {
		t.Fatalf("divisions %+v", rep.Divisions)
	}
	a := rep.Divisions[1].Areas[0]
	if a.NovVisits != 2 || a.MayVisits != 1 || strings.Join(a.ClubIDs, ",") != "00000001,00000002" {
		t.Fatalf("area %+v", a)
	}
	// Base 4: 3 awards needed per round; November has 2 and closed on
	// 2025-11-30 (June 2026 data), so the area is blocked, with no visit need.
	if a.Next != nil || a.Blocked != "November club visits: 2 of 3 required by 2025-11-30; the round has closed" {
		t.Fatalf("next %+v blocked %q", a.Next, a.Blocked)
	}
	if !reflect.DeepEqual(rep.Duplicates, []string{"00000001"}) {
		t.Fatalf("duplicates %v", rep.Duplicates)
	}
}
