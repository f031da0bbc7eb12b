package dashboardtest

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/normalize"
)

// pctCell is a summary percentage as TI prints it: "0%" or 2 decimals.
var pctCell = regexp.MustCompile(`^(0|-?\d+\.\d\d)%$`)

// TestSummaryDistinguishedPercentOnPaidClubs: the summary's "% Distinguished
// Clubs" is Total Distinguished Clubs / Paid Clubs (not Paid Club Base, not
// Active Clubs), for every district on every date of a world whose dates
// publish distinguished counts (April to June's close) in both eras that
// have them.
func TestSummaryDistinguishedPercentOnPaidClubs(t *testing.T) {
	discriminating := 0 // rows where Paid Clubs and Paid Club Base give different answers
	for _, span := range [][2]string{{"2025-03-25", "2025-07-20"}, {"2026-03-25", "2026-07-20"}} {
		w := NewWorld(Config{Districts: 10, ClubsPerDistrict: 25, Seed: 19, From: span[0], To: span[1]})
		for _, asOf := range w.AsOfDates() {
			if mon := atoi(t, w.DataMonth(asOf)[5:]); mon < 4 || mon > 6 {
				continue
			}
			for _, s := range mustCSV(t, w, normalize.ReportSummary, "", asOf).rows {
				dist, paid, base := atoi(t, s["Total Distinguished Clubs"]), atoi(t, s["Paid Clubs"]), atoi(t, s["Paid Club Base"])
				cell := s["% Distinguished Clubs"]
				if !pctCell.MatchString(cell) {
					t.Fatalf("%s %s: %% Distinguished Clubs = %q, not TI's format", asOf, s["DISTRICT"], cell)
				}
				got, _ := strconv.ParseFloat(strings.TrimSuffix(cell, "%"), 64)
				want := 0.0
				if paid > 0 {
					want = float64(dist) * 100 / float64(paid)
				}
				if math.Abs(got-want) > 0.005001 || (want == 0) != (cell == "0%") {
					t.Errorf("%s %s: %% Distinguished Clubs = %q, want %d/%d paid clubs = %.4f (paid club base %d)",
						asOf, s["DISTRICT"], cell, dist, paid, want, base)
				}
				if dist > 0 && paid != base && math.Abs(float64(dist)*100/float64(paid)-float64(dist)*100/float64(base)) > 0.01 {
					discriminating++
				}
			}
		}
	}
	if discriminating < 10 {
		t.Fatalf("only %d rows tell Paid Clubs from Paid Club Base: the world does not test the denominator", discriminating)
	}
}

// TestSummaryDistinguishedPercentWorkedByHand checks one district by hand:
// the golden world's D61 on 2025-07-14 (June's close), whose club report
// (testdata/2025-07-14-club-performance.csv) lists 9 clubs: 8 Active, one
// Suspended; letters D, D, D, D, S = 5 distinguished. 5 / 8 paid clubs =
// 62.50 % (on its Paid Club Base of 9 it would be 55.56 %).
func TestSummaryDistinguishedPercentWorkedByHand(t *testing.T) {
	w := NewWorld(Config{Districts: 4, ClubsPerDistrict: 8, Seed: 2026, From: "2025-06-01", To: "2025-07-14"})
	for _, s := range mustCSV(t, w, normalize.ReportSummary, "", "2025-07-14").rows {
		if s["DISTRICT"] != "61" {
			continue
		}
		got := [4]string{s["Total Distinguished Clubs"], s["Paid Clubs"], s["Paid Club Base"], s["% Distinguished Clubs"]}
		if want := [4]string{"5", "8", "9", "62.50%"}; got != want {
			t.Fatalf("D61 total distinguished, paid clubs, paid club base, %%: %q, want %q", got, want)
		}
		return
	}
	t.Fatal("no D61 row")
}

// TestSummaryRowDistinguishedPercent renders summary rows directly: the real
// D91 year end of PY 2024-25 (99 distinguished, 173 paid clubs, base 180;
// the dashboard printed 57.23, 99/180 would be 55.00), and a district with
// no paid clubs, which prints "0%" like every zero-denominator percentage
// here (the spec does not say what TI prints then).
func TestSummaryRowDistinguishedPercent(t *testing.T) {
	for _, c := range []struct {
		row  summaryRow
		want string
	}{
		{summaryRow{region: "01", id: "91", payBase: 8500, paidBase: 180, paid: 173, active: 176, dD: 60, dS: 25, dP: 14}, "57.23%"},
		{summaryRow{region: "01", id: "91", paidBase: 3, paid: 0, active: 2}, "0%"},
		{summaryRow{region: "01", id: "91", paidBase: 0, paid: 0}, "0%"},
	} {
		st := &dayState{era: eraLegacy}
		cw := &csvWriter{}
		st.summaryRow(cw, &c.row)
		cells := strings.Split(strings.TrimSuffix(cw.b.String(), "\r\n"), ",")
		if len(cells) != len(summaryHeaderLegacy) {
			t.Fatalf("%d cells, header has %d", len(cells), len(summaryHeaderLegacy))
		}
		if got := strings.Trim(cells[len(cells)-1], `"`); got != c.want {
			t.Errorf("paid %d base %d distinguished %d: %% Distinguished Clubs = %q, want %q",
				c.row.paid, c.row.paidBase, c.row.totalDist(), got, c.want)
		}
	}
}
