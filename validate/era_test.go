package validate

import (
	"os"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/snapshot"
)

// The archive trap (spec §1.5): the real D91 2024-25 club report (no CSP
// column) with a footer of 2025-26 data. normalize warns and applies the
// 2024-25 level rules; the district then carries that year, so validate
// recomputes the same levels and finds no LEVEL_MISMATCH (it used to
// find 24 clubs "P" that the 2025-26 rules make Smedley).
func TestFooterContradictingTheEraKeepsOneProgramYear(t *testing.T) {
	b, err := os.ReadFile("../normalize/testdata/real/club-performance-D91-2024-2025.csv")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	const footer = "Month of Jun, As of 09/13/2025\r\n"
	if !strings.HasSuffix(s, footer) {
		t.Fatalf("the fixture no longer ends with %q", footer)
	}
	s = strings.TrimSuffix(s, footer) + "Month of Jun, As of 07/20/2026\r\n"
	club, err := normalize.ReadClubPerformance("club-performance.csv", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	if club.ProgramYear != "2024-2025" || len(club.Warnings) == 0 || !strings.Contains(strings.Join(club.Warnings, "\n"), "2024-2025 level rules are used") {
		t.Fatalf("club report: year %s, warnings %q", club.ProgramYear, club.Warnings)
	}
	d, _, err := normalize.Assemble("91", club, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.ProgramYear != "2024-2025" || d.DataMonth != "2026-06" {
		t.Fatalf("district: program year %s, data month %s; want 2024-2025 (the rules applied), 2026-06 (the footer)", d.ProgramYear, d.DataMonth)
	}
	for _, f := range Validate(Input{Districts: []snapshot.District{*d}, DataAsOfDate: d.AsOfDate}) {
		if f.Code == "LEVEL_MISMATCH" {
			t.Errorf("%s: %s", f.Code, f.Message)
		}
	}
}
