package apitypes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/toaststats/toaststats/adapters/api"
	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// A Go client decodes the API's answers into apitypes: here the district
// list and the rankings of a server on loopback over a data directory with
// one snapshot of two districts.
func Example_client() {
	url, stop := exampleServer("2026-04-12", "42", "61")
	defer stop()

	var districts apitypes.Envelope[apitypes.DistrictList]
	get(url+"/api/districts", &districts)
	for _, d := range districts.Data.Districts {
		fmt.Println(d.ID, d.Name, d.Status)
	}
	fmt.Println("snapshot", districts.Meta.SnapshotID)

	var rankings apitypes.Rankings
	get(url+"/api/districts/rankings", &rankings)
	for _, r := range rankings.Rankings {
		fmt.Println(r.DistrictID, "rank", r.OverallRank, "score", r.AggregateScore)
	}
	fmt.Println("source", rankings.Meta.DataSource, "as of", rankings.Date)
	// Output:
	// 42 District 42 success
	// 61 District 61 success
	// snapshot 2026-04-12
	// 42 rank 2 score 3
	// 61 rank 1 score 6
	// source all-districts-rankings-file as of 2026-04-12
}

// exampleServer serves, on loopback, the API over a new data directory
// holding one snapshot of date with the districts ids; stop shuts it down
// and removes the directory.
func exampleServer(date string, ids ...string) (url string, stop func()) {
	dir, err := os.MkdirTemp("", "toaststats-apitypes-example-")
	if err != nil {
		log.Fatal(err)
	}
	st, err := store.Create(dir, store.Options{})
	if err == nil {
		err = st.Snapshots().Publish(context.Background(), exampleSnapshot(date, ids...))
	}
	if err != nil {
		os.RemoveAll(dir)
		log.Fatal(err)
	}
	srv := api.NewServer(api.Config{}, api.Deps{Store: st})
	hs := httptest.NewServer(srv)
	return hs.URL, func() {
		hs.Close()
		srv.Close()
		st.Close()
		os.RemoveAll(dir)
	}
}

// get decodes the JSON answer of url into v.
func get(url string, v any) {
	resp, err := http.Get(url)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		log.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		log.Fatal(err)
	}
}

// exampleSnapshot is a successful snapshot of date with the districts ids
// (no clubs) and their rankings, the last id ranked first.
func exampleSnapshot(date string, ids ...string) *snapshot.Snapshot {
	made := time.Date(2026, 4, 12, 7, 0, 0, 0, time.UTC)
	snap := &snapshot.Snapshot{Metadata: snapshot.Metadata{
		SnapshotID: date, CreatedAt: made, SchemaVersion: snapshot.SchemaVersion, CalculationVersion: snapshot.CalculationVersion,
		RankingVersion: snapshot.RankingVersion, Status: snapshot.StatusSuccess, ConfiguredDistricts: ids, SuccessfulDistricts: ids,
		FailedDistricts: []string{}, Errors: []string{}, Warnings: []string{}, DistrictErrors: []snapshot.DistrictError{},
		Source: "example", DataAsOfDate: date, CollectionDate: date, LogicalDate: date, DataMonth: date[:7], ProgramYear: snapshot.ProgramYearOf(date),
	}, Rankings: &snapshot.RankingsFile{Metadata: snapshot.RankingsMetadata{
		SnapshotID: date, CalculatedAt: made, SchemaVersion: snapshot.SchemaVersion, CalculationVersion: snapshot.CalculationVersion,
		RankingVersion: snapshot.RankingVersion, SourceCsvDate: date, CsvFetchedAt: made, TotalDistricts: len(ids),
	}}}
	for i, id := range ids {
		snap.Districts = append(snap.Districts, snapshot.DistrictFile{DistrictID: id, Data: snapshot.District{DistrictID: id, AsOfDate: date, ProgramYear: snap.Metadata.ProgramYear}})
		rank := len(ids) - i
		snap.Rankings.Rankings = append(snap.Rankings.Rankings, snapshot.DistrictRanking{DistrictID: id, DistrictName: "District " + id,
			OverallRank: rank, AggregateScore: 3 * (len(ids) - rank + 1)})
	}
	return snap
}
