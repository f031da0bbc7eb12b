package scrape

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// smallWorld is the default test world: a few districts over a span that
// crosses the 2025 program-year rollover (June closes in mid-July).
func smallWorld(t testing.TB, cfg dashboardtest.Config) (*dashboardtest.World, *dashboardtest.Server) {
	t.Helper()
	if cfg.Districts == 0 {
		cfg.Districts = 3
	}
	if cfg.ClubsPerDistrict == 0 {
		cfg.ClubsPerDistrict = 8
	}
	if cfg.Seed == 0 {
		cfg.Seed = 7
	}
	w := dashboardtest.NewWorld(cfg)
	srv := dashboardtest.NewServer(w)
	t.Cleanup(srv.Close)
	return w, srv
}

// pickDate returns the first published as-of date of w for which ok holds.
func pickDate(t testing.TB, w *dashboardtest.World, ok func(asOf, dataMonth string) bool) string {
	t.Helper()
	for _, d := range w.AsOfDates() {
		if ok(d, w.DataMonth(d)) {
			return d
		}
	}
	t.Fatal("no as-of date in the world matches")
	return ""
}

// normalDate: an as-of date inside its own data month.
func normalDate(asOf, dm string) bool { return asOf[:7] == dm && asOf[5:7] == "08" }

// closingDate: an August as-of date still carrying July's data.
func closingDate(asOf, dm string) bool { return asOf[:7] == "2025-08" && dm == "2025-07" }

// juneCloseInJuly: a July as-of date carrying June's data (previous program year).
func juneCloseInJuly(asOf, dm string) bool { return asOf[:7] == "2025-07" && dm == "2025-06" }

// newYearJuly: the first as-of date with data of July 2025 (program year 2025-2026).
func newYearJuly(asOf, dm string) bool { return dm == "2025-07" }

func quickHTTP(base string) *HTTPClient {
	return NewHTTPClient(HTTPOptions{BaseURL: base, Timeout: 2 * time.Second, Retries: 2,
		RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond})
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// assertNoPartialFiles walks the data directory: no temporary files, every
// CSV present is recorded in its date's metadata with a matching checksum
// (store.Get verifies it), and reads as its report.
func assertNoPartialFiles(t *testing.T, st *store.Store) int {
	t.Helper()
	ctx := context.Background()
	n := 0
	err := filepath.WalkDir(st.Dir(), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(st.Dir(), p)
		rel = filepath.ToSlash(rel)
		if strings.Contains(d.Name(), ".tmp") || strings.HasPrefix(d.Name(), ".") && !strings.HasPrefix(rel, ".locks/") {
			t.Errorf("leftover temporary file %s", rel)
		}
		if !strings.HasPrefix(rel, "raw-csv/") || !strings.HasSuffix(rel, ".csv") {
			return nil
		}
		parts := strings.Split(rel, "/")
		date := parts[1]
		var id string
		var rep store.Report
		var kind normalize.ReportKind
		if len(parts) == 3 {
			rep, kind = store.ReportSummary, normalize.ReportSummary
		} else {
			id = strings.TrimPrefix(parts[2], "district-")
			rep = store.Report(strings.TrimSuffix(parts[3], ".csv"))
			for _, k := range DistrictReports {
				if storeReport(k) == rep {
					kind = k
				}
			}
		}
		b, err := st.Raw().Get(ctx, date, id, rep)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		f, _, err := normalize.CheckReportFor(kind, rel, b, date, "")
		if err != nil {
			t.Errorf("%s: %v", rel, err)
		}
		if !f.Found {
			t.Errorf("%s: no footer", rel)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// requireBrowser returns the Chromium path, or skips (fails when
// TOASTSTATS_REQUIRE_BROWSER=1).
func requireBrowser(t testing.TB) string {
	t.Helper()
	p, err := FindBrowser("")
	if err != nil {
		if os.Getenv("TOASTSTATS_REQUIRE_BROWSER") == "1" {
			t.Fatalf("TOASTSTATS_REQUIRE_BROWSER=1 but no browser: %v", err)
		}
		t.Skipf("skipping browser test: %v (set TOASTSTATS_BROWSER or install chromium; TOASTSTATS_REQUIRE_BROWSER=1 makes this a failure)", err)
	}
	return p
}
