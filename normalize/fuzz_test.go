package normalize

import (
	"bytes"
	"errors"
	"github.com/toaststats/toaststats/snapshot"
	"regexp"
	"strings"
	"testing"
)

func addReportSeeds(f *testing.F, kind ReportKind) {
	footer := "Month of Jun, As of 09/13/2025"
	switch kind {
	case ReportClub:
		f.Add(realHead(f, "club-performance-D91-2024-2025.csv", 6))
		for _, era := range []string{EraCSP, EraEOM, EraTransition, EraTraditional} {
			f.Add(clubCSV(era, "61", randomClubs(1, 3, "2025-2026", era == EraCSP || era == EraEOM), footer))
		}
		f.Add(clubCSV(EraCSP, "61", nil, footer))
		// The exact 2019-20 and 2026-27 headers with a hand-made row each.
		f.Add(csvBytes(header2019_20, [][]string{{"61", "A", "01", "00000101", "Trad Club", "Active", "24", "25", "8", "2", "2", "1", "0", "1", "1", "0", "0", "0", "0", "0", "0", "4", "0", "4", "4", "1", "0", "1", "S"}}, "Month of Jun, As of 07/15/2020"))
		f.Add(csvBytes(header2026_27, [][]string{{"61", "A", "03", "04544358", "Stittsville Toastmasters Club", "Active", "Y", "37", "44", "7", "10", "4", "2", "3", "5", "1", "2", "4", "16", "7", "7", "1", "1", "1", "M"}}, "Month of Aug, As of 08/31/2026"))
	case ReportDistrict:
		f.Add(realHead(f, "district-performance-D91-2024-2025.csv", 6))
		f.Add(districtCSV("F", []DistrictClubRow{{DivisionID: "0D", AreaID: "0A", ClubID: "00000001"}, {DivisionID: "A", AreaID: "01", ClubID: "00000001"}},
			[]string{"Charter 09/30/25 Susp 03/31/26", " Susp 03/31/25"}, `"`+footer+`"`))
	case ReportDivision:
		f.Add(csvBytes(divisionHeader33, [][]string{divisionRow()}, footer))
	case ReportSummary:
		f.Add(worldSummary(5, footer))
	}
	f.Add([]byte("<!DOCTYPE html><html></html>"))
	f.Add([]byte(""))
	f.Add([]byte(footer + "\r\n"))
	f.Add([]byte("\"a\",\"b\"\r\n\"1\"\r\n"))
}

// realHead returns the header, the first n rows and the footer of a real
// fixture: small seeds keep the fuzzer fast.
func realHead(f testing.TB, name string, n int) []byte {
	lines := bytes.SplitAfter(readReal(f, name), []byte("\r\n"))
	out := bytes.Join(lines[:n+1], nil)
	return append(out, lines[len(lines)-2]...)
}

// checkErr asserts every failure is a *ReportError naming the file and
// wrapping one of the sentinels.
func checkErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var re *ReportError
	if !errors.As(err, &re) || re.File != "fuzz.csv" {
		t.Fatalf("error %v (%T) is not a *ReportError for the file", err, err)
	}
	for _, s := range []error{ErrHTMLPage, ErrNoRows, ErrWrongHeader, ErrFooterMismatch, ErrMalformed, ErrWrongDistrict} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error %v wraps no sentinel", err)
}

func FuzzParseFooter(f *testing.F) {
	for _, s := range []string{"Month of Jun, As of 09/13/2025", `"Month of Dec, As of 01/08/2026"`, "Month of March, As of 3/5/2024\r\n", "Month of Jun", "As of 09/13/2025", "Month of Feb, As of 02/29/2023"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		ft, err := ParseFooter(line)
		if err != nil {
			if ft.Found || !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v with footer %+v", err, ft)
			}
			return
		}
		if !ft.Found || len(ft.DataMonth) != 7 || len(ft.AsOfDate) != 10 || ft.DataMonth > ft.AsOfDate[:7] {
			t.Fatalf("footer %+v from %q", ft, line)
		}
		if ProgramYearOf(ft.DataMonth) != ft.ProgramYear() || ft.LogicalDate() == "" {
			t.Fatalf("footer %+v", ft)
		}
		again, err := ParseFooter(ft.String())
		if err != nil || again != ft {
			t.Fatalf("%q -> %+v -> %q -> %+v %v", line, ft, ft.String(), again, err)
		}
	})
}

func FuzzCheckReport(f *testing.F) {
	addReportSeeds(f, ReportClub)
	addReportSeeds(f, ReportSummary)
	f.Fuzz(func(t *testing.T, b []byte) {
		k := Kinds[len(b)%len(Kinds)]
		_, n, err := CheckReport(k, "fuzz.csv", b)
		checkErr(t, err)
		if err == nil && n <= 0 {
			t.Fatalf("%s: no error with %d rows", k, n)
		}
		_, _, err = CheckReportFor(k, "fuzz.csv", b, "2025-09-13", "2025-06")
		checkErr(t, err)
		// Asking for a district only adds a check: whatever passes it
		// passes without it, with the same rows.
		_, nw, werr := CheckReportWant(k, "fuzz.csv", b, Want{DistrictID: "91"})
		checkErr(t, werr)
		_, n0, err0 := CheckReport(k, "fuzz.csv", b)
		if werr == nil && (err0 != nil || nw != n0) {
			t.Fatalf("%s: passes with a district (%d rows) but not without (%d rows, %v)", k, nw, n0, err0)
		}
		if errors.Is(werr, ErrWrongDistrict) && k == ReportSummary {
			t.Fatalf("summary refused for a district: %v", werr)
		}
	})
}

func FuzzReadClubPerformance(f *testing.F) {
	addReportSeeds(f, ReportClub)
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := ReadClubPerformance("fuzz.csv", b)
		checkErr(t, err)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, c := range rep.Clubs {
			if n := CountGoals(c.DCPGoals); n < 0 || n > 10 || snapshot.LevelRank(c.DistinguishedLevel) < 0 || seen[c.ClubID] || c.ClubID == "" {
				t.Fatalf("club %+v", c)
			}
			seen[c.ClubID] = true
		}
		id := rep.DistrictID
		if id == "" {
			id = "X"
		}
		if _, _, err := Assemble(id, rep, nil, nil, nil); err != nil {
			t.Fatalf("assemble: %v", err)
		}
	})
}

func FuzzReadDistrictPerformance(f *testing.F) {
	addReportSeeds(f, ReportDistrict)
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := ReadDistrictPerformance("fuzz.csv", b)
		checkErr(t, err)
		if err == nil && len(rep.Clubs) == 0 {
			t.Fatal("no error and no clubs")
		}
	})
}

func FuzzReadDivisionPerformance(f *testing.F) {
	addReportSeeds(f, ReportDivision)
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := ReadDivisionPerformance("fuzz.csv", b)
		checkErr(t, err)
		if err != nil {
			return
		}
		n := 0
		for _, d := range rep.Divisions {
			for _, a := range d.Areas {
				n += len(a.ClubIDs)
			}
		}
		if n != len(rep.Clubs) {
			t.Fatalf("%d clubs in areas, %d rows", n, len(rep.Clubs))
		}
	})
}

func FuzzReadSummary(f *testing.F) {
	addReportSeeds(f, ReportSummary)
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := ReadSummary("fuzz.csv", b)
		checkErr(t, err)
		if err != nil {
			return
		}
		for _, r := range rep.Rows {
			if !districtIDSpec.MatchString(r.DistrictID) {
				t.Fatalf("row with district %q", r.DistrictID)
			}
		}
	})
}

// districtIDSpec is the spec's form of a district id (1-8 ASCII letters or
// digits), an oracle independent of snapshot.IsDistrictID.
var districtIDSpec = regexp.MustCompile(`^[A-Za-z0-9]{1,8}$`)

// FuzzParseCharterSuspend: an accepted cell gives calendar dates
// (YYYY-MM-DD) and at least one of them unless blank, and the dates
// written back in the dashboard's form read back the same.
func FuzzParseCharterSuspend(f *testing.F) {
	for _, s := range []string{"", "Charter 08/05/24", " Susp 03/31/25", "Charter 09/30/25 Susp 03/31/26", "Charter 04/15/2026", "Charter 02/30/25", "Susp", "Charter 1/2/3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		charter, susp, err := ParseCharterSuspend(cell)
		if err != nil {
			if charter != "" || susp != "" {
				t.Fatalf("%q: error %v with dates %q %q", cell, err, charter, susp)
			}
			return
		}
		if charter == "" && susp == "" && strings.TrimSpace(cell) != "" {
			t.Fatalf("%q accepted with no date", cell)
		}
		var again []string
		for _, d := range []struct{ word, date string }{{"Charter", charter}, {"Susp", susp}} {
			if d.date == "" {
				continue
			}
			if _, ok := snapshot.ParseDate(d.date); !ok {
				t.Fatalf("%q: %s date %q is not a calendar date", cell, d.word, d.date)
			}
			again = append(again, d.word+" "+d.date[5:7]+"/"+d.date[8:10]+"/"+d.date[0:4])
		}
		c2, s2, err := ParseCharterSuspend(strings.Join(again, " "))
		if err != nil || c2 != charter || s2 != susp {
			t.Fatalf("%q -> %q %q -> %q -> %q %q %v", cell, charter, susp, strings.Join(again, " "), c2, s2, err)
		}
	})
}
