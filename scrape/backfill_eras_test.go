package scrape

import (
	"context"
	"testing"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

// A backfill of the 2018-19 and 2019-20 transition years (the 29-column
// club header) runs end to end against the imitation over loopback: every
// published date is collected byte for byte, and the stored club reports
// read back in their era, with the breakdown (new-club credits included)
// explaining every Goals Met and the level matching every letter.
func TestBackfillTransitionYears(t *testing.T) {
	for _, span := range []struct{ from, to, wantEra string }{
		{"2018-09-20", "2018-10-12", normalize.EraTransition}, // PY 2018-19
		{"2020-06-20", "2020-08-05", ""},                      // PY 2019-20, its June close, into 2020-21
	} {
		w, srv := smallWorld(t, dashboardtest.Config{Districts: 2, ClubsPerDistrict: 12, From: span.from, To: span.to})
		ctx := context.Background()
		st := openStore(t)
		o := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{Concurrency: 2})
		res, err := o.Backfill(ctx, span.from, span.to, nil)
		if err != nil {
			t.Fatal(err)
		}
		eras := map[string]int{}
		for _, d := range w.AsOfDates() {
			checkCollected(t, st, w, d, w.Districts(d), SourceHTTP)
			for _, id := range w.Districts(d) {
				cb, err := st.Raw().Get(ctx, d, id, store.ReportClub)
				if err != nil {
					t.Fatal(err)
				}
				db, err := st.Raw().Get(ctx, d, id, store.ReportDistrict)
				if err != nil {
					t.Fatal(err)
				}
				club, err := normalize.ReadClubPerformance("club-performance.csv", cb)
				if err != nil {
					t.Fatalf("%s %s: %v", d, id, err)
				}
				dist, err := normalize.ReadDistrictPerformance("district-performance.csv", db)
				if err != nil {
					t.Fatalf("%s %s: %v", d, id, err)
				}
				dd, _, err := normalize.Assemble(id, club, nil, dist, nil)
				if err != nil {
					t.Fatalf("%s %s: %v", d, id, err)
				}
				eras[club.Era]++
				wantEra := normalize.EraTransition
				if normalize.ProgramYearOf(w.DataMonth(d)) == "2020-2021" {
					wantEra = normalize.EraPathways
				}
				if club.Era != wantEra {
					t.Errorf("%s %s: era %q, want %q", d, id, club.Era, wantEra)
				}
				for _, c := range dd.ClubDetails {
					if c.GoalsUnexplained() != 0 || c.DistinguishedLevel != c.DistinguishedStatus {
						t.Errorf("%s %s %s: Goals Met %d explained %d, level %q reported %q", d, id, c.ClubID, c.GoalsMet, c.GoalsComputed(), c.DistinguishedLevel, c.DistinguishedStatus)
					}
				}
			}
		}
		if eras[normalize.EraTransition] == 0 || res.Tally()[DateCollected] != len(w.AsOfDates()) {
			t.Errorf("%s..%s: eras read %v, tally %v for %d published dates", span.from, span.to, eras, res.Tally(), len(w.AsOfDates()))
		}
		if span.wantEra == "" && eras[normalize.EraPathways] == 0 {
			t.Errorf("%s..%s: the 2020-21 header never read: %v", span.from, span.to, eras)
		}
		t.Logf("%s..%s: %d dates, reports by era %v", span.from, span.to, len(w.AsOfDates()), eras)
	}
}
