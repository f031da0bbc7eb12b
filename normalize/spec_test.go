package normalize

import (
	"reflect"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// Spec-fidelity tests: the header lines, example rows and footers below are
// copied verbatim from spec/dashboard.md (quoted cells, unquoted footer),
// joined with CRLF as export.aspx writes them, and every expected value is
// worked by hand from the spec text, not from the code.

// specCSV joins lines copied from the spec into a report body: CRLF line
// ends, the footer (if any) last and unquoted.
func specCSV(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// spec §2.1: "PY 2026-27: the same header without "Region Advisor Visit"
// (24 columns)", with the example first row of the year and its footer.
func TestSpecSummary2026_27Row(t *testing.T) {
	const header2025 = `"REGION","DISTRICT","DSP","Training","Market Analysis","Communication Plan","Region Advisor Visit","New Payments","April Payments","October Payments","Late Payments","Charter Payments","Total YTD Payments","Payment Base","% Payment Growth","Paid Club Base","Paid Clubs","% Club Growth","Active Clubs","Distinguished Clubs","Select Distinguished Clubs","Presidents Distinguished Clubs","Smedley Distinguished Clubs","Total Distinguished Clubs","% Distinguished Clubs"`
	header2026 := strings.Replace(header2025, `"Region Advisor Visit",`, "", 1)
	if n := strings.Count(header2026, `","`) + 1; n != 24 {
		t.Fatalf("the 2026-27 header has %d columns, the spec says 24", n)
	}
	rep, err := ReadSummary("all-districts.csv", specCSV(header2026,
		`"01","02","N","N","N","N","71","326","735","7","0","1139","6290","-81.89%","193","193","0%","203","0","0","0","0","0","0%"`,
		"Month of Jul, As of 07/30/2026"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 1 || len(rep.Warnings) != 0 {
		t.Fatalf("%d rows, warnings %q", len(rep.Rows), rep.Warnings)
	}
	no := false
	zero := 0
	want := snapshot.SummaryRow{
		Region: "01", DistrictID: "02",
		DSP: &no, Training: &no, MarketAnalysis: &no, CommunicationPlan: &no, // "N" four times
		RegionAdvisorVisit: nil, // retired in 2026-27: no column, unknown
		NewPayments:        71, AprilPayments: 326, OctoberPayments: 735, LatePayments: 7, CharterPayments: 0,
		// 71 + 326 + 735 + 7 + 0 = 1139, the row's own Total YTD Payments.
		TotalYTDPayments: 1139, PaymentBase: 6290,
		// (1139 − 6290) / 6290 = −81.892 % → "-81.89%".
		PaymentGrowthPercent: -81.89,
		PaidClubBase:         193, PaidClubs: 193, ClubGrowthPercent: 0, ActiveClubs: 203,
		SmedleyDistinguishedClubs: &zero,
	}
	if got := rep.Rows[0]; !reflect.DeepEqual(got, want) {
		t.Fatalf("row\n got %+v\nwant %+v", got, want)
	}
	// July data as of July 30: not a closing period, program year 2026-27
	// (spec §1.1: the first PY 2026-27 data was published 2026-07-26).
	f := rep.Footer
	closing, known := f.IsClosingPeriod()
	if f.DataMonth != "2026-07" || f.AsOfDate != "2026-07-30" || closing || !known || f.ProgramYear() != "2026-2027" || f.LogicalDate() != "2026-07-30" {
		t.Fatalf("footer %+v closing %v/%v py %q logical %q", f, closing, known, f.ProgramYear(), f.LogicalDate())
	}
}

// spec §2.2: the 14-column header, the two SHU example rows and the
// suspended club of "A suspended club shows all zeros", under the SHU
// footer "Month of Jun, As of 09/13/2025" (an archived year's final body).
func TestSpecDistrictPerformanceRows(t *testing.T) {
	b := specCSV(
		`"District","Division","Area","Club","Club Name","New","Late Ren.","Oct. Ren.","Apr. Ren.","Total Ren.","Total Chart","Total to Date","Distinguished Status","Charter Date/Suspend Date"`,
		`"91","A","01","00005774","Solent Speakers Club","6","0","19","17","36","0","42","D",""`,
		`"91","C","02","28677278","LSEG London Toastmasters Club","8","0","11","13","24","20","52","","Charter 08/05/24"`,
		`"91","C","02","00001234","Gone Club","0","0","0","0","0","0","0",""," Susp 03/31/25"`,
		"Month of Jun, As of 09/13/2025")
	rep, err := ReadDistrictPerformance("district-performance.csv", b)
	if err != nil {
		t.Fatal(err)
	}
	// Every row adds up (Total Ren. = Late + Oct. + Apr.: 0+19+17 = 36,
	// 0+11+13 = 24; Total to Date = New + Total Ren. + Total Chart: 6+36+0 =
	// 42, 8+24+20 = 52), so there is nothing to warn about.
	if len(rep.Warnings) != 0 || len(rep.Clubs) != 3 {
		t.Fatalf("%d clubs, warnings %q", len(rep.Clubs), rep.Warnings)
	}
	want := []DistrictClubRow{
		{DistrictID: "91", DivisionID: "A", AreaID: "01", ClubID: "00005774", ClubName: "Solent Speakers Club",
			Payments:            snapshot.ClubPayments{New: 6, LateRenewals: 0, OctRenewals: 19, AprRenewals: 17, TotalRenewals: 36, Charter: 0, TotalToDate: 42},
			DistinguishedStatus: "D"},
		// "Charter MM/DD/YY": 2-digit year 24 is 2024.
		{DistrictID: "91", DivisionID: "C", AreaID: "02", ClubID: "28677278", ClubName: "LSEG London Toastmasters Club",
			Payments:    snapshot.ClubPayments{New: 8, LateRenewals: 0, OctRenewals: 11, AprRenewals: 13, TotalRenewals: 24, Charter: 20, TotalToDate: 52},
			CharterDate: "2024-08-05"},
		// " Susp MM/DD/YY" with its leading space.
		{DistrictID: "91", DivisionID: "C", AreaID: "02", ClubID: "00001234", ClubName: "Gone Club", SuspendDate: "2025-03-31"},
	}
	if !reflect.DeepEqual(rep.Clubs, want) {
		t.Fatalf("clubs\n got %+v\nwant %+v", rep.Clubs, want)
	}
	// June data as of September 13: closing data of June 2025, program year
	// 2024-25 (from the data month, never the as-of date), logical date
	// June 30.
	f := rep.Footer
	if closing, _ := f.IsClosingPeriod(); f.DataMonth != "2025-06" || !closing || f.ProgramYear() != "2024-2025" || f.LogicalDate() != "2025-06-30" {
		t.Fatalf("footer %+v", f)
	}
}

// The footer rules of spec §2.0 at the edges of a closing period (§3.8):
// the first day of month M+1 still carrying month M, the June close that
// crosses the program year, the last day of a month, leap years and the
// December/January year change. Columns: footer, data month, as-of date,
// closing period, program year (of the data month), logical date (last day
// of the data month when closing, else the as-of date).
func TestSpecFooterClosingEdges(t *testing.T) {
	tests := []struct {
		line, month, asOf string
		closing           bool
		py, logical       string
	}{
		// First day of a closing period: "Month of <M>, As of <date in M+1>".
		{"Month of Nov, As of 12/01/2025", "2025-11", "2025-12-01", true, "2025-2026", "2025-11-30"},
		// Ordinary months close on day 1–18 of the next month.
		{"Month of Nov, As of 12/18/2025", "2025-11", "2025-12-18", true, "2025-2026", "2025-11-30"},
		// The last day of a month is not a closing period.
		{"Month of Dec, As of 12/31/2025", "2025-12", "2025-12-31", false, "2025-2026", "2025-12-31"},
		// December data as of January: the previous year.
		{"Month of Dec, As of 01/01/2026", "2025-12", "2026-01-01", true, "2025-2026", "2025-12-31"},
		// June's close falls in July and belongs to the old program year.
		{"Month of Jun, As of 07/01/2026", "2026-06", "2026-07-01", true, "2025-2026", "2026-06-30"},
		{"Month of Jun, As of 07/25/2026", "2026-06", "2026-07-25", true, "2025-2026", "2026-06-30"},
		// July 1 with July data is the new program year.
		{"Month of Jul, As of 07/01/2026", "2026-07", "2026-07-01", false, "2026-2027", "2026-07-01"},
		// The last day of the program year.
		{"Month of Jun, As of 06/30/2026", "2026-06", "2026-06-30", false, "2025-2026", "2026-06-30"},
		// Leap years: February's close ends on the 29th in 2024 and 2028,
		// on the 28th in 2025; February 29 itself parses.
		{"Month of Feb, As of 03/01/2024", "2024-02", "2024-03-01", true, "2023-2024", "2024-02-29"},
		{"Month of Feb, As of 03/09/2025", "2025-02", "2025-03-09", true, "2024-2025", "2025-02-28"},
		{"Month of Feb, As of 02/29/2028", "2028-02", "2028-02-29", false, "2027-2028", "2028-02-29"},
		// April 2022 closed inside April (spec §3.8): not a closing period.
		{"Month of Apr, As of 04/30/2022", "2022-04", "2022-04-30", false, "2021-2022", "2022-04-30"},
	}
	for _, tc := range tests {
		f, err := ParseFooter(tc.line)
		if err != nil {
			t.Errorf("%q: %v", tc.line, err)
			continue
		}
		closing, known := f.IsClosingPeriod()
		if f.DataMonth != tc.month || f.AsOfDate != tc.asOf || closing != tc.closing || !known || f.ProgramYear() != tc.py || f.LogicalDate() != tc.logical {
			t.Errorf("%q: month %s as-of %s closing %v py %s logical %s; want %s %s %v %s %s", tc.line,
				f.DataMonth, f.AsOfDate, closing, f.ProgramYear(), f.LogicalDate(), tc.month, tc.asOf, tc.closing, tc.py, tc.logical)
		}
	}
	// February 29 of a common year is not a date.
	if _, err := ParseFooter("Month of Feb, As of 02/29/2025"); err == nil {
		t.Error("02/29/2025 accepted")
	}
}
