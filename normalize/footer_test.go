package normalize

import (
	"errors"
	"testing"
)

func TestParseFooter(t *testing.T) {
	tests := []struct {
		line      string
		dataMonth string
		asOf      string
		closing   bool
		py        string
		logical   string
		wantErr   bool
	}{
		{line: "Month of Jun, As of 09/13/2025", dataMonth: "2025-06", asOf: "2025-09-13", closing: true, py: "2024-2025", logical: "2025-06-30"},
		{line: `"Month of Jun, As of 07/26/2026"`, dataMonth: "2026-06", asOf: "2026-07-26", closing: true, py: "2025-2026", logical: "2026-06-30"},
		{line: "Month of Jun, As of 07/26/2026\r\n", dataMonth: "2026-06", asOf: "2026-07-26", closing: true, py: "2025-2026", logical: "2026-06-30"},
		{line: "Month of Mar, As of 03/15/2026", dataMonth: "2026-03", asOf: "2026-03-15", closing: false, py: "2025-2026", logical: "2026-03-15"},
		// December data as of January: the data month is in the previous year.
		{line: "Month of Dec, As of 01/08/2026", dataMonth: "2025-12", asOf: "2026-01-08", closing: true, py: "2025-2026", logical: "2025-12-31"},
		{line: "Month of Jul, As of 07/30/2026", dataMonth: "2026-07", asOf: "2026-07-30", closing: false, py: "2026-2027", logical: "2026-07-30"},
		{line: "Month of Feb, As of 03/05/2024", dataMonth: "2024-02", asOf: "2024-03-05", closing: true, py: "2023-2024", logical: "2024-02-29"},
		{line: "Month of March, As of 03/05/2024", dataMonth: "2024-03", asOf: "2024-03-05", closing: false, py: "2023-2024", logical: "2024-03-05"},
		{line: "  Month of jun ,  As of 7/1/2024  ", dataMonth: "2024-06", asOf: "2024-07-01", closing: true, py: "2023-2024", logical: "2024-06-30"},
		{line: "Month of Jun, As of 02/30/2025", wantErr: true},
		{line: "Month of Foo, As of 02/03/2025", wantErr: true},
		{line: "Month of Jun", wantErr: true},
		{line: `"91","A","01","00005774"`, wantErr: true},
		{line: "", wantErr: true},
	}
	for _, tc := range tests {
		f, err := ParseFooter(tc.line)
		if tc.wantErr {
			if err == nil || !errors.Is(err, ErrMalformed) || f.Found {
				t.Errorf("ParseFooter(%q) = %+v, %v; want ErrMalformed", tc.line, f, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseFooter(%q): %v", tc.line, err)
			continue
		}
		if !f.Found || f.DataMonth != tc.dataMonth || f.AsOfDate != tc.asOf {
			t.Errorf("ParseFooter(%q) = %+v, want %s %s", tc.line, f, tc.dataMonth, tc.asOf)
		}
		closing, known := f.IsClosingPeriod()
		if !known || closing != tc.closing {
			t.Errorf("%q: closing=%v known=%v, want %v", tc.line, closing, known, tc.closing)
		}
		if got := f.ProgramYear(); got != tc.py {
			t.Errorf("%q: ProgramYear = %q, want %q", tc.line, got, tc.py)
		}
		if got := f.LogicalDate(); got != tc.logical {
			t.Errorf("%q: LogicalDate = %q, want %q", tc.line, got, tc.logical)
		}
		g, err := ParseFooter(f.String())
		if err != nil || g != f {
			t.Errorf("%q: String() %q does not round-trip: %+v %v", tc.line, f.String(), g, err)
		}
	}
}

func TestFooterNotFoundIsUnknown(t *testing.T) {
	var f Footer
	if closing, known := f.IsClosingPeriod(); closing || known {
		t.Fatalf("missing footer: closing=%v known=%v, want unknown", closing, known)
	}
	if f.ProgramYear() != "" || f.LogicalDate() != "" {
		t.Fatalf("missing footer gives PY %q logical %q", f.ProgramYear(), f.LogicalDate())
	}
}

func TestProgramYearAndLastDay(t *testing.T) {
	for in, want := range map[string]string{
		"2025-07": "2025-2026", "2025-07-14": "2025-2026", "2026-06-30": "2025-2026",
		"2026-01": "2025-2026", "2008-12": "2008-2009", "bad": "", "2025-13": "", "": "",
	} {
		if got := ProgramYearOf(in); got != want {
			t.Errorf("ProgramYearOf(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"2024-02": "2024-02-29", "2023-02": "2023-02-28", "2025-06": "2025-06-30",
		"2025-12": "2025-12-31", "2025-12-05": "2025-12-31", "x": "", "2025-00": "",
	} {
		if got := LastDayOfMonth(in); got != want {
			t.Errorf("LastDayOfMonth(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReportKindFileName(t *testing.T) {
	want := map[ReportKind]string{
		ReportSummary: "all-districts.csv", ReportDistrict: "district-performance.csv",
		ReportDivision: "division-performance.csv", ReportClub: "club-performance.csv",
	}
	for k, w := range want {
		if k.FileName() != w || !k.Valid() {
			t.Errorf("%s.FileName() = %q, want %q", k, k.FileName(), w)
		}
	}
	if ReportKind("x").FileName() != "" || ReportKind("x").Valid() {
		t.Error("unknown kind has a file name")
	}
}
