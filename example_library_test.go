package toaststats_test

// Examples of the public library over an imitation dashboard
// (scrape/dashboardtest): a generated world of three districts whose newest
// as-of date is 2026-04-12. Every clock is fixed, so the output is the same
// on every run.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// exampleWorld is the imitation dashboard's data: districts 02, 61 and 118,
// about eight clubs each, one as-of date a day from 2026-03-20 to 2026-04-12.
func exampleWorld() *dashboardtest.World {
	return dashboardtest.NewWorld(dashboardtest.Config{
		Districts: 3, ClubsPerDistrict: 8, From: "2026-03-20", To: "2026-04-12",
	})
}

// exampleNow is the fixed clock of the examples.
func exampleNow() time.Time { return time.Date(2026, 4, 12, 7, 30, 0, 0, time.UTC) }

// cacheWorld puts the four reports of every district of date into the raw
// cache, as the scraper would have stored them.
func cacheWorld(ctx context.Context, st *toaststats.Store, w *dashboardtest.World, date string) error {
	put := func(kind normalize.ReportKind, r store.Report, id string) error {
		b, err := w.CSV(kind, id, date)
		if err != nil {
			return err
		}
		return st.Raw().Put(ctx, date, id, r, b, store.PutInfo{DataMonth: w.DataMonth(date)})
	}
	if err := put(normalize.ReportSummary, store.ReportSummary, ""); err != nil {
		return err
	}
	for _, id := range w.Districts(date) {
		for _, k := range []struct {
			kind normalize.ReportKind
			r    store.Report
		}{
			{normalize.ReportClub, store.ReportClub},
			{normalize.ReportDivision, store.ReportDivision},
			{normalize.ReportDistrict, store.ReportDistrict},
		} {
			if err := put(k.kind, k.r, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// A Builder turns one collection date of the raw cache into a published
// snapshot: normalise each district, validate, rank all districts of the
// summary, publish atomically. A fixed clock (BuilderOptions.Now) makes the
// snapshot's files byte-for-byte reproducible.
func ExampleBuilder() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "toaststats-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := toaststats.OpenStore(dir, toaststats.StoreOptions{Now: exampleNow})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	if err := cacheWorld(ctx, st, exampleWorld(), "2026-04-12"); err != nil {
		log.Fatal(err)
	}

	b := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: exampleNow})
	pending, _ := b.Pending(ctx)
	fmt.Println("pending:", pending)

	res, err := b.Build(ctx, "2026-04-12")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("snapshot:", res.SnapshotID, res.Status)
	fmt.Println("districts:", res.DistrictsIncluded, "missing:", res.DistrictsMissing)

	// The snapshot is current now; nothing is left to build.
	view, err := st.Snapshots().Current(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("current:", view.ID, "created", view.Metadata.CreatedAt.Format(time.RFC3339))
	pending, _ = b.Pending(ctx)
	fmt.Println("pending:", pending)
	// Output:
	// pending: [2026-04-12]
	// snapshot: 2026-04-12 success
	// districts: [02 61 118] missing: []
	// current: 2026-04-12 created 2026-04-12T07:30:00Z
	// pending: []
}

// OpenStore opens a data directory; its snapshot store serves what the
// Builder published. A View reads one consistent generation of a snapshot,
// every file checked against the manifest.
func ExampleOpenStore() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "toaststats-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := toaststats.OpenStore(dir, toaststats.StoreOptions{Now: exampleNow})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	// Publish: fill the raw cache for two dates and build both.
	w := exampleWorld()
	for _, date := range []string{"2026-04-11", "2026-04-12"} {
		if err := cacheWorld(ctx, st, w, date); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: exampleNow}).BuildAll(ctx); err != nil {
		log.Fatal(err)
	}

	// Read back: the list, newest first, and the current snapshot.
	list, err := st.Snapshots().List(ctx, store.ListFilter{Status: snapshot.StatusSuccess})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range list {
		fmt.Println("snapshot", e.SnapshotID, e.Status, e.DistrictCount, "districts")
	}
	view, err := st.Snapshots().Current(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("current:", view.ID, view.DistrictIDs())

	d, err := view.District(ctx, "61")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("district %s as of %s (data month %s): %d clubs\n",
		d.DistrictID, d.Data.AsOfDate, d.Data.DataMonth, len(d.Data.ClubDetails))

	rk, err := view.Rankings(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rk.Rankings {
		fmt.Printf("#%d %s score %d\n", r.OverallRank, r.DistrictID, r.AggregateScore)
	}
	// Output:
	// snapshot 2026-04-12 success 3 districts
	// snapshot 2026-04-11 success 3 districts
	// current: 2026-04-12 [02 61 118]
	// district 61 as of 2026-04-12 (data month 2026-04): 9 clubs
	// #1 61 score 9
	// #2 02 score 7
	// #3 118 score 5
}

// A Ranker ranks the districts of one all-districts summary with the Borda
// count: in each of club growth, payment growth and share of distinguished
// clubs, rank r of N districts is worth N − r + 1 points; the score is the
// sum. Equal values share a rank.
func ExampleRanker() {
	rows := []snapshot.SummaryRow{
		{DistrictID: "F", ClubGrowthPercent: 1.5, PaymentGrowthPercent: -2, ActiveClubs: 20, TotalDistinguishedClubs: 8},
		{DistrictID: "09", ClubGrowthPercent: -0.5, PaymentGrowthPercent: 4, ActiveClubs: 50, TotalDistinguishedClubs: 10},
		{DistrictID: "118", ClubGrowthPercent: 3, PaymentGrowthPercent: 4, ActiveClubs: 30, TotalDistinguishedClubs: 6},
	}
	// F and 09 tie on 6 points and share rank 2; F comes first on the
	// tie-break (the larger distinguished share).
	for _, r := range (toaststats.Ranker{}).Rank(rows) {
		fmt.Printf("#%d %-3s club growth #%d, payment growth #%d, distinguished %.0f%% #%d: score %d\n",
			r.OverallRank, r.DistrictID, r.ClubsRank, r.PaymentsRank,
			r.DistinguishedPercent, r.DistinguishedRank, r.AggregateScore)
	}
	// Output:
	// #1 118 club growth #1, payment growth #1, distinguished 20% #2: score 8
	// #2 F   club growth #2, payment growth #3, distinguished 40% #1: score 6
	// #2 09  club growth #3, payment growth #1, distinguished 20% #2: score 6
}

// A Scraper drives a headless Chromium through the dashboard's own pages and
// export control; an Orchestrator uses it to fill the raw cache for a date,
// and the Builder turns the cache into a snapshot. Here the dashboard is the
// imitation; in production BaseURL is left empty (the real dashboard).
// This example needs Chromium (/usr/bin/chromium or $TOASTSTATS_BROWSER), so
// it has no Output comment; TestExampleScraper runs it when a browser is
// installed and checks that it prints
//
//	2026-04-10 success 2 districts collected, 0 failed
//	snapshot 2026-04-10 success
func ExampleScraper() {
	ctx := context.Background()
	dash := dashboardtest.NewServer(exampleWorld())
	defer dash.Close()

	dir, err := os.MkdirTemp("", "toaststats-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := toaststats.OpenStore(dir, toaststats.StoreOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	sc, err := toaststats.NewScraper(ctx, toaststats.ScraperOptions{BaseURL: dash.URL})
	if err != nil {
		log.Fatal(err) // scrape.ErrNoBrowser when no Chromium is installed
	}
	defer sc.Close()

	// Collect and build two districts only: config/districts.json names
	// them (without it, every district of the summary is collected).
	if _, err := st.Config().Replace(ctx, []string{"02", "61"}, "example"); err != nil {
		log.Fatal(err)
	}
	orch, err := scrape.NewOrchestrator(scrape.OrchestratorOptions{Fetcher: sc, Store: st})
	if err != nil {
		log.Fatal(err)
	}
	res, err := orch.Scrape(ctx, "2026-04-10")
	if err != nil {
		log.Fatal(err)
	}
	_, ok, failed, _ := res.Counts()
	fmt.Println(res.Date, res.Status(), ok, "districts collected,", failed, "failed")

	built, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{}).Build(ctx, res.Date)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("snapshot", built.SnapshotID, built.Status)
}

// The whole pipeline without a browser: the HTTP export client downloads
// the reports (building the export descriptors itself), the Orchestrator
// stores them in the raw cache under the dashboard's as-of date, and the
// Builder publishes the snapshot.
func Example_collectOverHTTP() {
	ctx := context.Background()
	dash := dashboardtest.NewServer(exampleWorld())
	defer dash.Close()

	dir, err := os.MkdirTemp("", "toaststats-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := toaststats.OpenStore(dir, toaststats.StoreOptions{Now: exampleNow})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	client := scrape.NewHTTPClient(scrape.HTTPOptions{BaseURL: dash.URL, Now: exampleNow})
	defer client.Close()
	orch, err := scrape.NewOrchestrator(scrape.OrchestratorOptions{
		Fetcher: client, Store: st, AllDistricts: true, Now: exampleNow,
	})
	if err != nil {
		log.Fatal(err)
	}

	// "" asks for whatever the dashboard shows now; the date comes from
	// the summary's footer.
	res, err := orch.Scrape(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	total, ok, failed, _ := res.Counts()
	fmt.Printf("collected %s (data month %s): %s, %d/%d districts, %d failed, %d files\n",
		res.Date, res.DataMonth, res.Status(), ok, total, failed, res.FilesCreated)

	// A second run finds everything cached and downloads nothing.
	before := dash.ExportRequests()
	again, err := orch.Scrape(ctx, res.Date)
	if err != nil {
		log.Fatal(err)
	}
	_, _, _, skipped := again.Counts()
	fmt.Println("again:", skipped, "districts skipped,", dash.ExportRequests()-before, "new downloads")

	built, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: exampleNow}).Build(ctx, res.Date)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("snapshot", built.SnapshotID, built.Status, built.DistrictsIncluded)
	// Output:
	// collected 2026-04-12 (data month 2026-04): success, 3/3 districts, 0 failed, 10 files
	// again: 3 districts skipped, 0 new downloads
	// snapshot 2026-04-12 success [02 61 118]
}

// TestExampleScraper runs ExampleScraper, which needs Chromium, and checks
// what it prints. It skips without a browser unless
// TOASTSTATS_REQUIRE_BROWSER=1.
func TestExampleScraper(t *testing.T) {
	if _, err := scrape.FindBrowser(""); err != nil {
		if os.Getenv("TOASTSTATS_REQUIRE_BROWSER") == "1" {
			t.Fatalf("TOASTSTATS_REQUIRE_BROWSER=1 but: %v", err)
		}
		t.Skipf("no browser: %v", err)
	}
	if testing.Short() {
		t.Skip("starts Chromium; skipped with -short")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		done <- b
	}()
	func() {
		defer func() { os.Stdout = stdout; w.Close() }()
		ExampleScraper()
	}()
	got := string(<-done)
	r.Close()
	want := "2026-04-10 success 2 districts collected, 0 failed\nsnapshot 2026-04-10 success\n"
	if got != want {
		t.Errorf("ExampleScraper printed\n%s\nwant\n%s", got, want)
	}
}

// Reading a snapshot needs only this package: OpenStore, the current
// snapshot's View, its Rankings and one District. (Importing
// github.com/toaststats/toaststats/store alone would do too, without rod.)
func Example_readSnapshot() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "toaststats-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if _, err := toaststats.OpenStore(dir+"/typo", toaststats.StoreOptions{}); errors.Is(err, toaststats.ErrNoDataDir) {
		fmt.Println("OpenStore never creates a directory")
	}
	st, err := toaststats.OpenStore(dir, toaststats.StoreOptions{Now: exampleNow})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Snapshots().Current(ctx); errors.Is(err, toaststats.ErrNoSnapshot) {
		fmt.Println("no snapshot yet")
	}
	if err := cacheWorld(ctx, st, exampleWorld(), "2026-04-12"); err != nil {
		log.Fatal(err)
	}
	if _, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: exampleNow}).BuildAll(ctx); err != nil {
		log.Fatal(err)
	}

	var view *toaststats.View
	view, err = st.Snapshots().Current(ctx)
	if err != nil {
		log.Fatal(err)
	}
	rankings, err := view.Rankings(ctx)
	if err != nil {
		log.Fatal(err)
	}
	d61, err := view.District(ctx, "61")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("current snapshot", view.ID, "ranks", len(rankings.Rankings), "districts")
	fmt.Println("district", d61.DistrictID, "has", len(d61.Data.ClubDetails), "clubs")
	// Output:
	// OpenStore never creates a directory
	// no snapshot yet
	// current snapshot 2026-04-12 ranks 3 districts
	// district 61 has 9 clubs
}
