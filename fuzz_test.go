package toaststats_test

import (
	"context"
	"os"
	"testing"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// FuzzBuildAnyReport puts arbitrary bytes in place of one district's club
// report and of the summary: the build never panics, never fails with an
// error (bad data is a status, not an error), and every configured district
// is either included or listed with a reason.
func FuzzBuildAnyReport(f *testing.F) {
	club, err := os.ReadFile("testdata/cache/2025-11-14/district-61/club-performance.csv")
	if err != nil {
		f.Fatal(err)
	}
	summary, err := os.ReadFile("testdata/cache/2025-11-14/all-districts.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(club, summary)
	f.Add([]byte("<html><body>error</body></html>"), summary)
	f.Add(club, []byte("\"REGION\",\"DISTRICT\"\r\nMonth of Dec, As of 01/05/2026\r\n"))
	f.Add([]byte("Month of Feb, As of 03/02/2024"), []byte("x"))
	f.Fuzz(func(t *testing.T, clubBytes, summaryBytes []byte) {
		if len(clubBytes) == 0 || len(summaryBytes) == 0 {
			return // the cache never stores empty files
		}
		ctx := context.Background()
		st, err := toaststats.OpenStore(t.TempDir(), store.Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() }) // each run's open directory handles, else thousands pile up
		const date = "2025-11-14"
		put := func(id string, r store.Report, b []byte) {
			if err := st.Raw().Put(ctx, date, id, r, b, store.PutInfo{}); err != nil {
				t.Fatal(err)
			}
		}
		put("", store.ReportSummary, summaryBytes)
		put("61", store.ReportClub, clubBytes)
		for _, r := range []store.Report{store.ReportDivision, store.ReportDistrict} {
			b, err := os.ReadFile("testdata/cache/2025-11-14/district-61/" + r.FileName())
			if err != nil {
				t.Fatal(err)
			}
			put("61", r, b)
		}
		res, err := newBuilder(st).Build(ctx, date)
		if err != nil {
			t.Fatalf("Build: %v", err)
		}
		if res.Skipped {
			return
		}
		switch res.Status {
		case snapshot.StatusSuccess, snapshot.StatusPartial, snapshot.StatusFailed:
		default:
			t.Fatalf("status %q", res.Status)
		}
		reasons := map[string]bool{}
		for _, de := range res.DistrictErrors {
			reasons[de.DistrictID] = true
		}
		for _, id := range res.DistrictsMissing {
			if !reasons[id] {
				t.Errorf("district %s missing without a reason", id)
			}
		}
		if res.Status == snapshot.StatusSuccess && len(res.DistrictsMissing) > 0 {
			t.Errorf("success with missing districts %v", res.DistrictsMissing)
		}
	})
}
