package validate_test

import (
	"testing"
	"time"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/validate"
)

// TestValidateGeneratedWorld runs the real pipeline — the dashboard
// imitation's CSV exports, normalize's readers and Assemble — over a year
// and a half of a generated world (two header eras, closing periods) and
// checks that validation finds no errors and no warnings other than the
// ones the world really contains: a club listed twice (the dashboard's
// 0D/0A duplicate). A rule that fires on consistent real-shaped data is a
// false alarm that would fail or clutter every snapshot.
func TestValidateGeneratedWorld(t *testing.T) {
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 6, ClubsPerDistrict: 30, Seed: 7, From: "2025-01-10", To: "2026-07-20"})
	allowed := map[string]bool{validate.CodeSourceDuplicateClubs: true}
	dates := w.AsOfDates()
	checked := 0
	for i, asOf := range dates {
		if i%11 != 0 && i != len(dates)-1 {
			continue
		}
		checked++
		in := readWorld(t, w, asOf)
		for _, f := range validate.Validate(in) {
			if !allowed[f.Code] {
				t.Errorf("%s: unexpected finding %s %s: %s", asOf, f.Severity, f.Code, f.Message)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d dates checked", checked)
	}
}

// readWorld builds the validation input of one as-of date of w.
func readWorld(t *testing.T, w *dashboardtest.World, asOf string) validate.Input {
	t.Helper()
	sb, err := w.CSV(normalize.ReportSummary, "", asOf)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := normalize.ReadSummary("all-districts.csv", sb)
	if err != nil {
		t.Fatal(err)
	}
	in := validate.Input{Summary: sum.Rows, DataAsOfDate: sum.Footer.AsOfDate, CollectionDate: asOf, Now: time.Now()}
	for _, id := range w.Districts(asOf) {
		var row *snapshot.SummaryRow
		for j := range sum.Rows {
			if sum.Rows[j].DistrictID == id {
				row = &sum.Rows[j]
			}
		}
		read := func(kind normalize.ReportKind) []byte {
			b, err := w.CSV(kind, id, asOf)
			if err != nil {
				t.Fatalf("%s %s %s: %v", asOf, id, kind, err)
			}
			return b
		}
		club, err := normalize.ReadClubPerformance("club-performance.csv", read(normalize.ReportClub))
		if err != nil {
			t.Fatal(err)
		}
		dist, err := normalize.ReadDistrictPerformance("district-performance.csv", read(normalize.ReportDistrict))
		if err != nil {
			t.Fatal(err)
		}
		div, err := normalize.ReadDivisionPerformance("division-performance.csv", read(normalize.ReportDivision))
		if err != nil {
			t.Fatal(err)
		}
		d, _, err := normalize.Assemble(id, club, div, dist, row)
		if err != nil {
			t.Fatal(err)
		}
		in.Districts = append(in.Districts, *d)
	}
	return in
}
