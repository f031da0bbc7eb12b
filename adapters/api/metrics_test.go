package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
)

// recordingMetrics is a Metrics that remembers what the server told it,
// and answers GET /metrics with a fixed text.
type recordingMetrics struct {
	src MetricsSource

	mu       sync.Mutex
	requests []string // "method route status"
	started  int
	finished []string // statuses
}

func (m *recordingMetrics) Observe(method, route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d < 0 {
		route += " (negative duration)"
	}
	m.requests = append(m.requests, method+" "+route+" "+strconv.Itoa(status))
}

func (m *recordingMetrics) BuildStarted() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.started++
}

func (m *recordingMetrics) BuildFinished(status string, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d < 0 {
		status += " (negative duration)"
	}
	m.finished = append(m.finished, status)
}

func (m *recordingMetrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "recorded\n")
}

// observed counts the requests recorded as "method route status"; the
// chain reports a request after answering it, so it waits briefly for
// want of them.
func (m *recordingMetrics) observed(key string, want int) int {
	n := 0
	for range 200 {
		m.mu.Lock()
		n = 0
		for _, r := range m.requests {
			if r == key {
				n++
			}
		}
		m.mu.Unlock()
		if n >= want {
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
	return n
}

// metricsOf makes the Deps.Metrics of a test server recording into m.
func metricsOf(m *recordingMetrics) func(MetricsSource) Metrics {
	return func(src MetricsSource) Metrics {
		m.src = src
		return m
	}
}

// openAPIPaths lists the paths of the server's OpenAPI document.
func openAPIPaths(t *testing.T, ts *testServer) []string {
	t.Helper()
	resp, b := ts.do(t, "GET", "/api/openapi.json", nil, nil)
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); resp.StatusCode != 200 || err != nil {
		t.Fatalf("openapi.json: %d %v", resp.StatusCode, err)
	}
	var paths []string
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	return paths
}

// TestWithoutMetrics: a server without Deps.Metrics has no GET /metrics,
// neither routed nor documented, and serves and builds as usual.
func TestWithoutMetrics(t *testing.T) {
	build := func(ctx context.Context, date string) (any, error) { return "built", nil }
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{Build: build})
	if ts.srv.metrics != nil {
		t.Fatalf("metrics %v without Deps.Metrics", ts.srv.metrics)
	}
	resp, b := ts.do(t, "GET", "/metrics", nil, nil)
	if resp.StatusCode != 404 || !json.Valid(b) || !containsCode(b, "ROUTE_NOT_FOUND") {
		t.Errorf("GET /metrics without metrics: %d %s, want 404 ROUTE_NOT_FOUND", resp.StatusCode, b)
	}
	paths := openAPIPaths(t, ts)
	if slices.Contains(paths, "/metrics") || !slices.Contains(paths, "/health") {
		t.Errorf("OpenAPI paths %v: want /health and no /metrics", paths)
	}
	if resp, b := ts.do(t, "GET", "/api/districts/rankings", nil, nil); resp.StatusCode != 200 {
		t.Errorf("rankings: %d %s", resp.StatusCode, clip(b))
	}
	resp, b = ts.do(t, "POST", "/api/admin/refresh", adminAuth, nil)
	var acc struct {
		Data toaststats.Job `json:"data"`
	}
	if err := json.Unmarshal(b, &acc); resp.StatusCode != 202 || err != nil {
		t.Fatalf("refresh: %d %s", resp.StatusCode, b)
	}
	if job, _ := ts.srv.builds.Wait(context.Background(), acc.Data.ID); job.Status != toaststats.JobSucceeded {
		t.Errorf("build without metrics: %+v", job)
	}
}

func containsCode(b []byte, code string) bool {
	var eb struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	return json.Unmarshal(b, &eb) == nil && eb.Error.Code == code
}

// TestMetricsWiring: the server hands itself to Deps.Metrics as the
// MetricsSource, reports every request by route name and status, tells of
// each build's start and end with its status, and serves GET /metrics (in
// the OpenAPI document too) from the Metrics.
func TestMetricsWiring(t *testing.T) {
	rec := &recordingMetrics{}
	var fail atomic.Bool
	build := func(ctx context.Context, date string) (any, error) {
		if fail.Load() {
			return nil, errors.New("no reports")
		}
		return "built", nil
	}
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{Build: build, Metrics: metricsOf(rec)})
	if rec.src != MetricsSource(ts.srv) {
		t.Fatalf("Deps.Metrics was given %v, want the server", rec.src)
	}

	for range 2 {
		if resp, b := ts.do(t, "GET", "/api/districts/rankings", nil, nil); resp.StatusCode != 200 {
			t.Fatalf("rankings: %d %s", resp.StatusCode, clip(b))
		}
	}
	ts.do(t, "GET", "/api/districts/42/statistics", nil, nil)
	ts.do(t, "GET", "/api/nothing-here", nil, nil)
	ts.do(t, "BREW", "/api/districts", nil, nil)
	ts.do(t, "GET", "/api/districts/cache/statistics", nil, nil) // no token
	resp, b := ts.do(t, "GET", "/metrics", nil, nil)
	if resp.StatusCode != 200 || string(b) != "recorded\n" {
		t.Errorf("GET /metrics: %d %q, want the Metrics' own answer", resp.StatusCode, b)
	}
	for key, want := range map[string]int{
		"GET GET /api/districts/rankings 200":               2,
		"GET GET /api/districts/:districtId/statistics 200": 1,
		"GET unmatched 404":                                 1,
		"BREW unmatched 405":                                1, // the Metrics folds methods itself
		"GET GET /api/districts/cache/statistics 401":       1,
		"GET GET /metrics 200":                              1,
	} {
		if got := rec.observed(key, want); got != want {
			t.Errorf("%q observed %d times, want %d (all: %q)", key, got, want, rec.requests)
		}
	}
	if !slices.Contains(openAPIPaths(t, ts), "/metrics") {
		t.Errorf("OpenAPI document lacks /metrics with Metrics set")
	}

	// What the Metrics may read when scraped.
	if hits, misses := rec.src.ResponseCacheStats(); hits != 1 || misses < 1 {
		t.Errorf("response cache: %d hits, %d misses; want 1 hit (the second rankings) and a miss", hits, misses)
	}
	if st, ok := rec.src.StoreReadStats(); !ok || st.Reads == 0 {
		t.Errorf("store read stats %+v, %v: want reads", st, ok)
	}

	// A build that succeeds, then one that fails.
	for _, want := range []string{toaststats.JobSucceeded, toaststats.JobFailed} {
		fail.Store(want == toaststats.JobFailed)
		resp, b := ts.do(t, "POST", "/api/admin/refresh", adminAuth, nil)
		var acc struct {
			Data toaststats.Job `json:"data"`
		}
		if err := json.Unmarshal(b, &acc); resp.StatusCode != 202 || err != nil {
			t.Fatalf("refresh: %d %s", resp.StatusCode, b)
		}
		if job, _ := ts.srv.builds.Wait(context.Background(), acc.Data.ID); job.Status != want {
			t.Fatalf("build %s, want %s: %+v", job.Status, want, job)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.started != 2 || !slices.Equal(rec.finished, []string{toaststats.JobSucceeded, toaststats.JobFailed}) {
		t.Errorf("builds: %d started, finished %q; want 2 started, finished [succeeded failed]", rec.started, rec.finished)
	}
}
