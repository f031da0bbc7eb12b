package normalize

import (
	"errors"
	"strings"
	"testing"
)

const districtHeader = `"District","Division","Area","Club","Club Name","New","Late Ren.","Oct. Ren.","Apr. Ren.","Total Ren.","Total Chart","Total to Date","Distinguished Status","Charter Date/Suspend Date"`

func crlf(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n") + "\r\n") }

func TestCheckReport(t *testing.T) {
	row1 := `"91","A","01","00005774","Solent Speakers Club","6","0","19","17","36","0","42","D",""`
	row2 := `"91","C","02","28677278","LSEG London Toastmasters Club","8","0","11","13","24","20","52","","Charter 08/05/24"`
	footer := "Month of Jun, As of 09/13/2025"
	tests := []struct {
		name     string
		kind     ReportKind
		body     []byte
		rows     int
		found    bool
		sentinel error
	}{
		{"ok", ReportDistrict, crlf(districtHeader, row1, row2, footer), 2, true, nil},
		{"quoted footer", ReportDistrict, crlf(districtHeader, row1, `"`+footer+`"`), 1, true, nil},
		{"no footer", ReportDistrict, crlf(districtHeader, row1), 1, false, nil},
		{"LF only", ReportDistrict, []byte(districtHeader + "\n" + row1 + "\n" + footer + "\n"), 1, true, nil},
		{"no final newline", ReportDistrict, []byte(districtHeader + "\r\n" + row1 + "\r\n" + footer), 1, true, nil},
		{"BOM", ReportDistrict, append([]byte("\xEF\xBB\xBF"), crlf(districtHeader, row1, footer)...), 1, true, nil},
		{"html 200", ReportDistrict, []byte("\r\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\r\n<html><head><title>Toastmasters International</title>"), 0, false, ErrHTMLPage},
		{"html no doctype", ReportClub, []byte("<html><body>error</body></html>"), 0, false, ErrHTMLPage},
		{"header and footer only", ReportDistrict, crlf(districtHeader, footer), 0, true, ErrNoRows},
		{"header only", ReportDistrict, crlf(districtHeader), 0, false, ErrNoRows},
		{"wrong report", ReportClub, crlf(districtHeader, row1, footer), 0, true, ErrWrongHeader},
		{"summary asked, district given", ReportSummary, crlf(districtHeader, row1, footer), 0, true, ErrWrongHeader},
		{"json", ReportDistrict, []byte(`{"error":"x"}`), 0, false, ErrWrongHeader},
		{"empty", ReportDistrict, nil, 0, false, ErrMalformed},
		{"footer only", ReportDistrict, crlf(footer), 0, true, ErrWrongHeader},
		{"short row", ReportDistrict, crlf(districtHeader, `"91","A","01"`, footer), 0, false, ErrMalformed},
		{"bad footer date", ReportDistrict, crlf(districtHeader, row1, "Month of Jun, As of 13/45/2025"), 0, false, ErrMalformed},
		{"bad quote", ReportDistrict, crlf(districtHeader, `"91","A","01","0000"5774"`), 0, false, ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, n, err := CheckReport(tc.kind, "d/"+tc.kind.FileName(), tc.body)
			if tc.sentinel == nil {
				if err != nil {
					t.Fatalf("CheckReport: %v", err)
				}
			} else {
				if !errors.Is(err, tc.sentinel) {
					t.Fatalf("CheckReport error = %v, want %v", err, tc.sentinel)
				}
				var re *ReportError
				if !errors.As(err, &re) || re.File != "d/"+tc.kind.FileName() || re.Kind != tc.kind {
					t.Fatalf("error %v is not a *ReportError naming the file", err)
				}
				if !strings.Contains(err.Error(), "d/"+tc.kind.FileName()) {
					t.Fatalf("error text %q does not name the file", err)
				}
			}
			if n != tc.rows || f.Found != tc.found {
				t.Fatalf("rows=%d found=%v, want %d %v", n, f.Found, tc.rows, tc.found)
			}
			if f.Found && f.AsOfDate != "2025-09-13" {
				t.Fatalf("footer %+v", f)
			}
		})
	}
}

func TestCheckReportFor(t *testing.T) {
	body := crlf(districtHeader, `"91","A","01","00005774","Solent Speakers Club","6","0","19","17","36","0","42","D",""`, "Month of Jun, As of 09/13/2025")
	if _, _, err := CheckReportFor(ReportDistrict, "x.csv", body, "2025-09-13", "2025-06"); err != nil {
		t.Fatalf("matching footer: %v", err)
	}
	if _, _, err := CheckReportFor(ReportDistrict, "x.csv", body, "", ""); err != nil {
		t.Fatalf("no wants: %v", err)
	}
	if _, _, err := CheckReportFor(ReportDistrict, "x.csv", body, "2025-09-12", ""); !errors.Is(err, ErrFooterMismatch) {
		t.Fatalf("as-of mismatch: %v", err)
	}
	if _, _, err := CheckReportFor(ReportDistrict, "x.csv", body, "", "2025-09"); !errors.Is(err, ErrFooterMismatch) {
		t.Fatalf("data-month mismatch: %v", err)
	}
	// No footer: nothing to compare, not refused.
	noFooter := crlf(districtHeader, `"91","A","01","00005774","Solent Speakers Club","6","0","19","17","36","0","42","D",""`)
	if f, n, err := CheckReportFor(ReportDistrict, "x.csv", noFooter, "2025-09-13", ""); err != nil || f.Found || n != 1 {
		t.Fatalf("no footer: %+v %d %v", f, n, err)
	}
	// Zero rows with a footer echoing another date: the mismatch is reported first.
	empty := crlf(districtHeader, "Month of Jul, As of 07/20/2026")
	if _, _, err := CheckReportFor(ReportDistrict, "x.csv", empty, "2026-07-21", ""); !errors.Is(err, ErrFooterMismatch) {
		t.Fatalf("empty + mismatch: %v", err)
	}
	if _, _, err := CheckReportFor(ReportDistrict, "x.csv", empty, "2026-07-20", ""); !errors.Is(err, ErrNoRows) {
		t.Fatalf("empty + match: %v", err)
	}
}

func TestCheckReportWant(t *testing.T) {
	row91 := `"91","A","01","00005774","Solent Speakers Club","6","0","19","17","36","0","42","D",""`
	row61 := `"61","C","02","28677278","LSEG London Toastmasters Club","8","0","11","13","24","20","52","","Charter 08/05/24"`
	footer := "Month of Jun, As of 09/13/2025"
	body := crlf(districtHeader, row91, row91, footer)
	for _, id := range []string{"91", " 91", "091"} {
		if _, n, err := CheckReportWant(ReportDistrict, "x.csv", body, Want{DistrictID: id, AsOfDate: "2025-09-13", DataMonth: "2025-06"}); err != nil || n != 2 {
			t.Errorf("district %q: %d rows, %v", id, n, err)
		}
	}
	// The third line is a row of district 61: refused, naming the line and both districts.
	mixed := crlf(districtHeader, row91, row61, footer)
	_, _, err := CheckReportWant(ReportDistrict, "x.csv", mixed, Want{DistrictID: "91"})
	if !errors.Is(err, ErrWrongDistrict) || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), `"61"`) || !strings.Contains(err.Error(), `"91"`) {
		t.Errorf("a row of another district: %v", err)
	}
	if _, _, err := CheckReportWant(ReportDistrict, "x.csv", body, Want{DistrictID: "61"}); !errors.Is(err, ErrWrongDistrict) {
		t.Errorf("a whole report of another district: %v", err)
	}
	// Without a district, the same bodies pass: the check is the caller's choice.
	if _, n, err := CheckReportWant(ReportDistrict, "x.csv", mixed, Want{}); err != nil || n != 2 {
		t.Errorf("no district asked: %d rows, %v", n, err)
	}
	// The other checks still run with a district.
	if _, _, err := CheckReportWant(ReportDistrict, "x.csv", body, Want{DistrictID: "91", AsOfDate: "2025-09-12"}); !errors.Is(err, ErrFooterMismatch) {
		t.Errorf("as-of mismatch with a district: %v", err)
	}
	// The club report: its District column too.
	club := csvBytes(header2019_20, [][]string{{"61", "A", "01", "00000101", "Trad Club", "Active", "24", "25", "8", "2", "2", "1", "0", "1", "1", "0", "0", "0", "0", "0", "0", "4", "0", "4", "4", "1", "0", "1", "S"}}, footer)
	if _, _, err := CheckReportWant(ReportClub, "c.csv", club, Want{DistrictID: "61"}); err != nil {
		t.Errorf("club report of its district: %v", err)
	}
	if _, _, err := CheckReportWant(ReportClub, "c.csv", club, Want{DistrictID: "02"}); !errors.Is(err, ErrWrongDistrict) {
		t.Errorf("club report of another district: %v", err)
	}
}
