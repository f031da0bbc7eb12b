package dashboardtest

import (
	"context"
	"io"
	"net/http"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/toaststats/toaststats/normalize"
)

var fullWorld = Config{Districts: 128, ClubsPerDistrict: 110, Seed: 1, From: "2025-07-01", To: "2026-06-30"}

// BenchmarkFullWorldDate generates, from a fresh full world (128 districts,
// ~14,000 clubs), one date's summary plus one district's three reports.
func BenchmarkFullWorldDate(b *testing.B) {
	for b.Loop() {
		w := NewWorld(fullWorld)
		for _, k := range normalize.Kinds {
			if _, err := w.CSV(k, "61", "2026-04-15"); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkFullWorldNextDate is the same on a world already built: one new
// date per iteration (the per-date state is not cached yet).
func BenchmarkFullWorldNextDate(b *testing.B) {
	w := NewWorld(fullWorld)
	dates := w.AsOfDates()
	i := 0
	for b.Loop() {
		d := dates[i%len(dates)]
		i++
		for _, k := range normalize.Kinds {
			if _, err := w.CSV(k, "61", d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkFullWorldExports fetches what a scraper fetches for one date of
// the full world over HTTP: the summary and 128 × 3 district reports, four
// at a time.
func BenchmarkFullWorldExports(b *testing.B) {
	w := NewWorld(fullWorld)
	s := NewServer(w)
	defer s.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	defer client.CloseIdleConnections()
	fetch := func(ctx context.Context, desc string) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/export.aspx?type=CSV&report="+desc, nil)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	dates := w.AsOfDates()
	i := 0
	for b.Loop() {
		asOf, _ := parseISO(dates[i%len(dates)])
		i++
		m := w.monthOf(asOf)
		slots := "~" + m.last().Format(unpadded) + "~" + asOf.Format(unpadded) + "~" + pyLabel(m.pyStart())
		g, ctx := errgroup.WithContext(context.Background())
		g.SetLimit(4)
		g.Go(func() error { return fetch(ctx, "districtsummary"+slots) })
		for _, id := range w.Districts(asOf.Format(isoDate)) {
			for _, k := range []normalize.ReportKind{normalize.ReportDistrict, normalize.ReportDivision, normalize.ReportClub} {
				g.Go(func() error { return fetch(ctx, string(k)+"~"+id+slots) })
			}
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}
