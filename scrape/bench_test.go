package scrape

import (
	"context"
	"testing"
	"time"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
)

// BenchmarkHTTPWholeWorld collects one date of the full-size world (128
// districts, ~14,000 clubs: 1 + 128×3 exports) in HTTP mode at concurrency 4,
// with 100 ms of latency on every request. Target: under 30 s per op.
// Run with: go test -run '^$' -bench HTTPWholeWorld -benchtime 1x ./scrape/
func BenchmarkHTTPWholeWorld(b *testing.B) {
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 128, ClubsPerDistrict: 110, Seed: 1})
	srv := dashboardtest.NewServer(w)
	defer srv.Close()
	date := w.Newest()
	// Generate the date's world state before timing.
	if _, err := w.CSV(normalize.ReportSummary, "", date); err != nil {
		b.Fatal(err)
	}
	srv.SetLatency(100 * time.Millisecond)
	b.ResetTimer()
	var exports int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := openStore(b)
		c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL})
		o, err := NewOrchestrator(OrchestratorOptions{Fetcher: c, Store: st, Concurrency: 4})
		if err != nil {
			b.Fatal(err)
		}
		before := srv.ExportRequests()
		b.StartTimer()
		res, err := o.Scrape(context.Background(), date)
		b.StopTimer()
		if err != nil || res.Status() != StatusSuccess || res.FilesCreated != 1+3*len(w.Districts(date)) {
			b.Fatalf("status %s files %d err %v %v", res.Status(), res.FilesCreated, err, res.Errors)
		}
		exports += srv.ExportRequests() - before
		c.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(exports)/float64(b.N), "exports/op")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/date")
}

// BenchmarkBrowserExport measures one export in browser mode (open the page
// for a date, read back the as-of date, select CSV, capture the popup's
// download, check the footer) against full-size districts with 100 ms of
// latency on every request. Target: under 3 s per export on average.
// Run with: go test -run '^$' -bench BrowserExport -benchtime 20x ./scrape/
func BenchmarkBrowserExport(b *testing.B) {
	bin := requireBrowser(b)
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 4, ClubsPerDistrict: 110, Seed: 1})
	srv := dashboardtest.NewServer(w)
	defer srv.Close()
	date := w.Newest()
	ids := w.Districts(date)
	s, err := NewScraper(context.Background(), BrowserOptions{BaseURL: srv.URL, BrowserPath: bin})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// Warm the live-year probe and the world state, then add latency.
	if _, err := s.Fetch(context.Background(), Request{Kind: normalize.ReportSummary, Date: date}); err != nil {
		b.Fatal(err)
	}
	srv.SetLatency(100 * time.Millisecond)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := Request{Kind: DistrictReports[i%3], DistrictID: ids[(i/3)%len(ids)], Date: date}
		if _, err := s.Fetch(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/export")
}
