package store_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/toaststats/toaststats/ranking"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// exampleClock is the fixed clock of the examples: timestamps written into
// the data directory do not depend on when they run.
func exampleClock() time.Time { return time.Date(2026, 4, 12, 6, 0, 0, 0, time.UTC) }

// Publish a snapshot and read it back. The builder (package toaststats)
// normally makes the snapshot from the raw cache; here it is made by hand.
func ExampleSnapshotStore_Publish() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "toaststats-store-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	st, err := store.Open(dir, store.Options{Now: exampleClock})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	rows := []snapshot.SummaryRow{
		{DistrictID: "02", Region: "01", ClubGrowthPercent: 2.5, PaymentGrowthPercent: 1, ActiveClubs: 40, TotalDistinguishedClubs: 10},
		{DistrictID: "61", Region: "01", ClubGrowthPercent: 1, ActiveClubs: 30, TotalDistinguishedClubs: 15},
	}
	snap := &snapshot.Snapshot{
		Metadata: snapshot.Metadata{
			SnapshotID:          "2026-04-12",
			CreatedAt:           exampleClock(),
			SchemaVersion:       snapshot.SchemaVersion,
			CalculationVersion:  snapshot.CalculationVersion,
			Status:              snapshot.StatusSuccess,
			ConfiguredDistricts: []string{"02"},
			SuccessfulDistricts: []string{"02"},
			DataAsOfDate:        "2026-04-12",
			LogicalDate:         "2026-04-12",
			DataMonth:           "2026-04",
		},
		Districts: []snapshot.DistrictFile{{
			DistrictID:  "02",
			CollectedAt: exampleClock(),
			Status:      snapshot.StatusSuccess,
			Data:        snapshot.District{DistrictID: "02", AsOfDate: "2026-04-12", DataMonth: "2026-04", Summary: &rows[0]},
		}},
		Rankings: ranking.Ranker{Now: exampleClock}.File(rows, snapshot.RankingsMetadata{SnapshotID: "2026-04-12", SourceCsvDate: "2026-04-12"}),
	}
	// Publish writes every file atomically and, because the snapshot is a
	// success, points current.json at it.
	if err := st.Snapshots().Publish(ctx, snap); err != nil {
		log.Fatal(err)
	}

	// A View reads one consistent generation of the snapshot; every file is
	// checked against the manifest's sha256.
	view, err := st.Snapshots().Current(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("current:", view.ID, view.Metadata.Status, view.DistrictIDs())
	d, err := view.District(ctx, "02")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("district 02 as of", d.Data.AsOfDate, "club growth", d.Data.Summary.ClubGrowthPercent)
	rk, err := view.Rankings(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rk.Rankings {
		fmt.Println("rank", r.OverallRank, r.DistrictID, "score", r.AggregateScore)
	}
	// 61 is ranked (it is in the summary) but has no district file.
	_, err = view.District(ctx, "61")
	fmt.Println("district 61 not found:", errors.Is(err, store.ErrDistrictNotFound))
	list, err := st.Snapshots().List(ctx, store.ListFilter{})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range list {
		fmt.Println("listed:", e.SnapshotID, e.Status, e.DistrictCount, "district(s)")
	}
	// A reader asking for a date without a snapshot gets the newest earlier
	// one, and the reason.
	v, fb, err := st.Snapshots().Resolve(ctx, "2026-04-20", store.ResolveOptions{Fallback: true, Now: exampleClock})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("2026-04-20 answered by", v.ID, "("+fb.FallbackReason+")")
	// Output:
	// current: 2026-04-12 success [02]
	// district 02 as of 2026-04-12 club growth 2.5
	// rank 1 02 score 5
	// rank 2 61 score 4
	// district 61 not found: true
	// listed: 2026-04-12 success 1 district(s)
	// 2026-04-20 answered by 2026-04-12 (future_date)
}

// The raw cache keeps each download verbatim under its as-of date, with its
// sha256 recorded in the date's metadata.json.
func ExampleRawCache_Put() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "toaststats-raw-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(dir, store.Options{Now: exampleClock})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	csv := []byte("DISTRICT,REGION\r\n02,01\r\nMonth of Apr, As of 04/12/2026\r\n")
	if err := st.Raw().Put(ctx, "2026-04-12", "", store.ReportSummary, csv, store.PutInfo{
		DataMonth: "2026-04", ProgramYear: "2025-2026", Source: "example",
	}); err != nil {
		log.Fatal(err)
	}
	b, err := st.Raw().Get(ctx, "2026-04-12", "", store.ReportSummary)
	if err != nil {
		log.Fatal(err)
	}
	meta, err := st.Raw().Metadata(ctx, "2026-04-12")
	if err != nil {
		log.Fatal(err)
	}
	dates, _ := st.Raw().Dates(ctx)
	fmt.Println(dates, len(b), "bytes")
	fmt.Println(meta.DataMonth, meta.ProgramYear, meta.CSVFiles.AllDistricts, meta.Integrity.FileCount, "file(s)")
	fmt.Println(st.Raw().Has(ctx, "2026-04-12", "02", store.ReportClub))
	// Output:
	// [2026-04-12] 56 bytes
	// 2026-04 2025-2026 true 1 file(s)
	// false
}

// Query the district configuration's audit log: who changed what, over a
// range of days, with a summary.
func ExampleDistrictConfig_Query() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "toaststats-config-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := store.Create(dir, store.Options{Now: exampleClock})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := st.Config().Add(ctx, []string{"42", "61"}, "alice"); err != nil {
		log.Fatal(err)
	}
	if _, err := st.Config().Remove(ctx, "42", "bob"); err != nil {
		log.Fatal(err)
	}
	h, err := st.Config().Query(ctx, store.HistoryQuery{From: "2026-04-01", Limit: 10})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range h.Changes {
		fmt.Println(c.Timestamp.Format(time.DateOnly), c.Action, c.AdminUser, c.NewDistricts)
	}
	fmt.Printf("%d changes: %d added, %d removed, by %v\n", h.Summary.TotalChanges, h.Summary.AddedDistricts, h.Summary.RemovedDistricts, h.Summary.AdminUsers)
	// Output:
	// 2026-04-12 remove bob [61]
	// 2026-04-12 add alice [42 61]
	// 2 changes: 2 added, 1 removed, by [alice bob]
}
