package apimetrics_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/adapters/api"
	"github.com/toaststats/toaststats/adapters/api/apimetrics"
	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

// worldDate is the collection date the tests cache and build: the newest
// of a small imitation dashboard.
const worldDate = "2026-04-12"

const adminToken = "apimetrics-test-admin-token"

// cacheWorld opens a store in a temporary directory and puts the four
// reports of every district of worldDate into its raw cache, as the
// scraper would have stored them.
func cacheWorld(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Create(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 3, ClubsPerDistrict: 8, From: "2026-04-01", To: worldDate})
	put := func(kind normalize.ReportKind, r store.Report, id string) {
		t.Helper()
		b, err := w.CSV(kind, id, worldDate)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Raw().Put(ctx, worldDate, id, r, b, store.PutInfo{DataMonth: w.DataMonth(worldDate)}); err != nil {
			t.Fatalf("put %s %s: %v", kind, id, err)
		}
	}
	put(normalize.ReportSummary, store.ReportSummary, "")
	for _, id := range w.Districts(worldDate) {
		put(normalize.ReportClub, store.ReportClub, id)
		put(normalize.ReportDivision, store.ReportDivision, id)
		put(normalize.ReportDistrict, store.ReportDistrict, id)
	}
	return st
}

// serve runs a real api.Server with apimetrics over st on a loopback
// listener.
func serve(t *testing.T, st *store.Store, build api.BuildFunc, pending api.PendingFunc) string {
	t.Helper()
	srv := api.NewServer(api.Config{AdminToken: adminToken, Version: "test"}, api.Deps{
		Store: st, Build: build, Pending: pending, Logger: slog.New(slog.DiscardHandler), Metrics: apimetrics.New,
	})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return hs.URL
}

func do(t *testing.T, method, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s %s: %v", method, url, err)
	}
	return resp, string(b)
}

// TestMetrics: the real server's /metrics has the request metrics by
// route (unknown methods folded into OTHER), the response cache's hits,
// the store's read statistics and the build gauge.
func TestMetrics(t *testing.T) {
	st := cacheWorld(t)
	if _, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{}).Build(context.Background(), worldDate); err != nil {
		t.Fatalf("build %s: %v", worldDate, err)
	}
	base := serve(t, st, nil, nil)
	for _, method := range []string{"GET", "GET"} {
		if resp, b := do(t, method, base+"/api/districts/rankings"); resp.StatusCode != 200 {
			t.Fatalf("rankings: %d %s", resp.StatusCode, b)
		}
	}
	do(t, "BREW", base+"/api/districts")
	resp, b := do(t, "GET", base+"/metrics")
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	if strings.Contains(b, "BREW") || !strings.Contains(b, `method="OTHER"`) {
		t.Errorf("unknown methods are not folded into OTHER")
	}
	for _, want := range []string{
		`toaststats_http_requests_total{code="200",method="GET",route="GET /api/districts/rankings"} 2`,
		`toaststats_response_cache_hits_total 1`,
		`toaststats_response_cache_misses_total 1`,
		`toaststats_store_reads_total`,
		`toaststats_store_max_concurrent_reads`,
		`toaststats_http_request_duration_seconds_bucket{route="GET /api/districts/rankings"`,
		`toaststats_build_running 0`,
		`go_goroutines `,
		`process_start_time_seconds `,
	} {
		if !strings.Contains(b, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", b)
	}
}

// TestBuildMetrics: a build started through POST /api/admin/refresh is
// counted by status, with its duration, and the running gauge falls back
// to 0.
func TestBuildMetrics(t *testing.T) {
	st := cacheWorld(t)
	build, pending := api.NewBuilder(st, nil)
	base := serve(t, st, build, pending)
	resp, b := do(t, "POST", base+"/api/admin/refresh", "Authorization", "Bearer "+adminToken)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("refresh: %d %s", resp.StatusCode, b)
	}
	var started struct {
		Data toaststats.Job `json:"data"`
	}
	if err := json.Unmarshal([]byte(b), &started); err != nil || started.Data.ID == "" {
		t.Fatalf("refresh answer %s: %v", b, err)
	}

	// The job's status is set before the metrics hear of its end: wait for
	// the counter.
	const done = `toaststats_builds_total{status="succeeded"} 1`
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(b, done) {
		if time.Now().After(deadline) {
			_, job := do(t, "GET", base+"/api/admin/refresh/"+started.Data.ID, "Authorization", "Bearer "+adminToken)
			t.Fatalf("no %s after 30 s; job %s\n/metrics:\n%s", done, job, b)
		}
		time.Sleep(10 * time.Millisecond)
		_, b = do(t, "GET", base+"/metrics")
	}
	for _, want := range []string{
		`toaststats_build_running 0`,
		`toaststats_build_duration_seconds_count 1`,
		`toaststats_build_duration_seconds_bucket{le="0.05"}`,
		`toaststats_build_duration_seconds_bucket{le="409.6"}`,
	} {
		if !strings.Contains(b, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(b, `toaststats_builds_total{status="failed"}`) {
		t.Errorf("a build failed:\n%s", b)
	}
}
