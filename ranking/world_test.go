package ranking_test

import (
	"strings"
	"testing"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/ranking"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
)

// TestRankGeneratedWorldSummaries ranks the dashboard imitation's summary
// exports, read by normalize, footer and all: every district is ranked once
// and N is the number of districts; before April (when the dashboard
// reports no distinguished clubs) everybody shares distinguished rank 1,
// and in May the distinguished category separates districts again.
func TestRankGeneratedWorldSummaries(t *testing.T) {
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 12, ClubsPerDistrict: 20, Seed: 3, From: "2026-02-01", To: "2026-05-31"})
	var sawPreApril, sawMay bool
	for _, asOf := range w.AsOfDates() {
		b, err := w.CSV(normalize.ReportSummary, "", asOf)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "Month of") {
			t.Fatalf("%s: the export has no footer line", asOf)
		}
		rep, err := normalize.ReadSummary("all-districts.csv", b)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Footer.DataMonth) != 7 {
			t.Fatalf("%s: footer data month %q", asOf, rep.Footer.DataMonth)
		}
		got := ranking.Rank(rep.Rows)
		ids := w.Districts(asOf)
		if len(got) != len(ids) {
			t.Fatalf("%s: ranked %d districts, the world has %d", asOf, len(got), len(ids))
		}
		allFirst := true
		for _, r := range got {
			if r.AggregateScore < 3 || r.AggregateScore > 3*len(ids) {
				t.Errorf("%s: district %s score %d out of [3, %d]", asOf, r.DistrictID, r.AggregateScore, 3*len(ids))
			}
			if r.DistinguishedRank != 1 {
				allFirst = false
			}
		}
		switch month := rep.Footer.DataMonth[5:]; {
		case month == "02" || month == "03":
			sawPreApril = true
			if !allFirst {
				t.Errorf("%s (data month %s): distinguished ranks differ before April", asOf, rep.Footer.DataMonth)
			}
		case month == "05":
			sawMay = true
			if allFirst {
				t.Errorf("%s (data month %s): every district shares distinguished rank 1 in May", asOf, rep.Footer.DataMonth)
			}
		}
	}
	if !sawPreApril || !sawMay {
		t.Fatalf("the world's dates did not cover both periods (pre-April %v, May %v)", sawPreApril, sawMay)
	}
}
