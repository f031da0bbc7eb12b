package api

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const testToken = "test-admin-token-0123456789"

// adminAuth is the header that opens admin routes of a test server made
// with Config{AdminToken: testToken}.
var adminAuth = map[string]string{"Authorization": "Bearer " + testToken}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// routeOf finds, in the JSON access log, the route that served requestID.
// The access log is written after the response, so it polls briefly.
func (b *syncBuffer) routeOf(requestID string) string {
	for range 200 {
		if r := b.findRoute(requestID); r != "" {
			return r
		}
		time.Sleep(5 * time.Millisecond)
	}
	return ""
}

func (b *syncBuffer) findRoute(requestID string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, line := range strings.Split(b.buf.String(), "\n") {
		if !strings.Contains(line, requestID) {
			continue
		}
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "request" && rec["request_id"] == requestID {
			s, _ := rec["route"].(string)
			return s
		}
	}
	return ""
}

// volatileKeys name JSON fields whose values change from run to run
// (clocks, durations, ids, live measurements); golden files hold a
// placeholder instead.
var volatileKeys = map[string]bool{
	"operation_id": true, "timestamp": true, "uptime": true, "jobId": true, "startedAt": true, "finishedAt": true, "durationMs": true,
	"p50_ms": true, "p95_ms": true, "p99_ms": true, "max_ms": true, "count": false,
	"averageReadTime": true, "maxReadTime": true, "totalReads": true, "cacheHits": true, "cacheMisses": true, "concurrentReads": true,
	"maxConcurrentReads": true, "cache_hit_rate_percent": true, "cache_efficiency": true, "p99RatioDuringBuildIdle": true, "cachedBytes": true,
	"checkedAt": true, "duration": true, "durationMillis": true, "averageDurationMs": true,
	"responseEntriesDropped": true, "responseBytesDropped": true,
}

var volatileSuffix = regexp.MustCompile(`(_duration_ms|_at)$`)

// normalizeVolatile replaces volatile values in a decoded JSON document.
func normalizeVolatile(v any, parentKey string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if volatileKeys[k] || (volatileSuffix.MatchString(k) && k != "created_at" && k != "updated_at") || (parentKey == "probe_reads" || parentKey == "requests_idle" || parentKey == "requests_during_build") && k == "count" {
				x[k] = "<volatile>"
				continue
			}
			x[k] = normalizeVolatile(val, k)
		}
		return x
	case []any:
		for i := range x {
			x[i] = normalizeVolatile(x[i], parentKey)
		}
		return x
	}
	return v
}

// golden compares got with testdata/golden/name (or rewrites it with
// -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden %s (run go test -update): %v", path, err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from golden file (run go test -update to accept):\n--- got ---\n%s\n--- want ---\n%s", name, clip(got), clip(want))
	}
}

func clip(b []byte) string {
	if len(b) > 3000 {
		return string(b[:3000]) + "\n…"
	}
	return string(b)
}

// goldenResponse renders a response for a golden file: status, the
// headers that are part of the contract, and the normalised body.
func goldenResponse(t *testing.T, resp *http.Response, body []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("status: " + resp.Status + "\n")
	for _, h := range []string{"Content-Type", "Cache-Control", "Content-Disposition", "Location"} {
		if v := resp.Header.Get(h); v != "" {
			out.WriteString(h + ": " + v + "\n")
		}
	}
	out.WriteString("\n")
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		var doc any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("body is not JSON: %v\n%s", err, body)
		}
		doc = normalizeVolatile(doc, "")
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			t.Fatal(err)
		}
	} else {
		out.Write(body)
	}
	return out.Bytes()
}

// contractCase is one request of the contract table.
type contractCase struct {
	name   string // golden file name ("" = no golden)
	method string
	path   string
	body   string
	noAuth bool // send no Authorization header
	status int
	code   string // expected error code
}

func TestContract(t *testing.T) {
	logs := &syncBuffer{}
	built := make(chan struct{}, 10)
	build := func(ctx context.Context, date string) (any, error) {
		if date == "2025-07-16" { // the reconciliation job below: runs until cancelled
			<-ctx.Done()
			return nil, ctx.Err()
		}
		built <- struct{}{}
		return map[string]any{"built": []string{}, "date": date}, nil
	}
	// A recording Metrics, so that GET /metrics is routed and documented
	// (its Prometheus answer is apimetrics' test).
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{Build: build, Logger: slog.New(slog.NewJSONHandler(logs, nil)), Metrics: metricsOf(&recordingMetrics{})})
	// One raw cache date, for the cache-management routes.
	if err := ts.store.Raw().Put(context.Background(), "2025-08-31", "", store.ReportSummary, []byte("REGION,DISTRICT\n05,42\n"), store.PutInfo{DataMonth: "2025-08", ProgramYear: "2025-2026", Source: "test"}); err != nil {
		t.Fatalf("put raw: %v", err)
	}
	if err := ts.store.Raw().Put(context.Background(), "2025-07-16", "", store.ReportSummary, []byte("REGION,DISTRICT\n05,42\n"), store.PutInfo{DataMonth: "2025-07", ProgramYear: "2025-2026", Source: "test"}); err != nil {
		t.Fatalf("put raw: %v", err)
	}

	_, doc := ts.do(t, "GET", "/api/openapi.json", nil, nil)
	schemas := newResponseSchemas(t, doc)
	cases := []contractCase{
		{name: "health", method: "GET", path: "/health", status: 200},
		{method: "GET", path: "/metrics", status: 200},
		{name: "api-index", method: "GET", path: "/api", status: 200},
		{method: "GET", path: "/api/openapi.json", status: 200},

		{name: "districts", method: "GET", path: "/api/districts", status: 200},
		{name: "districts-by-date", method: "GET", path: "/api/districts?date=2025-07-15", status: 200},
		{name: "rankings", method: "GET", path: "/api/districts/rankings", status: 200},
		{name: "rankings-by-date", method: "GET", path: "/api/districts/rankings?date=2025-07-15", status: 200},
		{name: "rankings-fallback", method: "GET", path: "/api/districts/rankings?date=2025-07-20", status: 200},
		{name: "rankings-fallback-future", method: "GET", path: "/api/districts/rankings?date=2026-12-31", status: 200},
		{method: "GET", path: "/api/districts/rankings?date=2025-07-20&fallback=false", status: 404, code: "SNAPSHOT_NOT_FOUND"},
		{method: "GET", path: "/api/districts/rankings?date=2024-01-01", status: 404, code: "SNAPSHOT_NOT_FOUND"},
		{name: "error-invalid-date", method: "GET", path: "/api/districts/rankings?date=2025-13-01", status: 400, code: "INVALID_DATE_FORMAT"},
		{method: "GET", path: "/api/districts/rankings?date=2025-02-29", status: 400, code: "INVALID_DATE_FORMAT"},
		{method: "GET", path: "/api/districts/rankings?fallback=maybe", status: 400, code: "INVALID_FALLBACK_PARAMETER"},
		{name: "statistics", method: "GET", path: "/api/districts/42/statistics", status: 200},
		{name: "statistics-by-date", method: "GET", path: "/api/districts/F/statistics?date=2025-06-30", status: 200},
		{method: "GET", path: "/api/districts/f/statistics", status: 200},
		{name: "error-district-not-found", method: "GET", path: "/api/districts/999/statistics", status: 404, code: "DISTRICT_NOT_FOUND"},
		{name: "error-invalid-district", method: "GET", path: "/api/districts/4-2/statistics", status: 400, code: "INVALID_DISTRICT_ID"},
		{method: "GET", path: "/api/districts/123456789/statistics", status: 400, code: "INVALID_DISTRICT_ID"},
		{method: "GET", path: "/api/districts/42/statistics?date=2025-07-01", status: 404, code: "SNAPSHOT_NOT_FOUND"},
		{name: "membership-history", method: "GET", path: "/api/districts/42/membership-history", status: 200},
		{name: "membership-history-division", method: "GET", path: "/api/districts/42/membership-history?months=2&divisionId=A", status: 200},
		{method: "GET", path: "/api/districts/42/membership-history?months=0", status: 400, code: "INVALID_MONTHS_PARAMETER"},
		{method: "GET", path: "/api/districts/42/membership-history?months=abc", status: 400, code: "INVALID_MONTHS_PARAMETER"},
		{method: "GET", path: "/api/districts/42/membership-history?areaId=1", status: 400, code: "INVALID_SCOPE"},
		{method: "GET", path: "/api/districts/42/membership-history?divisionId=Z", status: 404, code: "SCOPE_NOT_FOUND"},
		{method: "GET", path: "/api/districts/42/membership-history?divisionId=A&areaId=99", status: 404, code: "SCOPE_NOT_FOUND"},
		{method: "GET", path: "/api/districts/42/membership-history?clubId=99999", status: 404, code: "CLUB_NOT_FOUND"},
		{name: "clubs", method: "GET", path: "/api/districts/61/clubs", status: 200},
		{name: "educational-awards", method: "GET", path: "/api/districts/42/educational-awards?months=3", status: 200},
		{name: "daily-reports", method: "GET", path: "/api/districts/42/daily-reports?startDate=2025-06-30&endDate=2025-07-16", status: 200},
		{method: "GET", path: "/api/districts/42/daily-reports", status: 400, code: "MISSING_DATE_PARAMETERS"},
		{method: "GET", path: "/api/districts/42/daily-reports?startDate=2025-01-01&endDate=2025-07-16", status: 400, code: "DATE_RANGE_TOO_LARGE"},
		{method: "GET", path: "/api/districts/42/daily-reports?startDate=2025-07-16&endDate=2025-07-01", status: 400, code: "INVALID_DATE_RANGE"},
		{name: "daily-report", method: "GET", path: "/api/districts/42/daily-reports/2025-07-16", status: 200},
		{method: "GET", path: "/api/districts/42/daily-reports/2099-01-01", status: 400, code: "FUTURE_DATE_NOT_ALLOWED"},
		{method: "GET", path: "/api/districts/42/daily-reports/2025-07-01", status: 404, code: "SNAPSHOT_NOT_FOUND"},
		{method: "GET", path: "/api/districts/42/daily-reports/2025-02-30", status: 400, code: "INVALID_DATE_FORMAT"},
		{name: "rank-history", method: "GET", path: "/api/districts/42/rank-history", status: 200},
		{name: "rank-history-ranked-only", method: "GET", path: "/api/districts/U/rank-history?startDate=2024-07-01&endDate=2025-06-30", status: 200},
		{method: "GET", path: "/api/districts/42/rank-history?startDate=yesterday", status: 400, code: "INVALID_DATE_FORMAT"},
		{name: "cached-dates", method: "GET", path: "/api/districts/42/cached-dates", status: 200},
		{name: "cached-dates-unknown", method: "GET", path: "/api/districts/999/cached-dates", status: 200},
		{name: "snapshot-dates", method: "GET", path: "/api/districts/cache/dates", status: 200},

		{name: "membership-analytics", method: "GET", path: "/api/districts/42/membership-analytics", status: 200},
		{name: "analytics", method: "GET", path: "/api/districts/42/analytics", status: 200},
		{name: "analytics-range", method: "GET", path: "/api/districts/61/analytics?startDate=2025-06-01&endDate=2025-07-15", status: 200},
		{method: "GET", path: "/api/districts/999/analytics", status: 404, code: "DISTRICT_NOT_FOUND"},
		{method: "GET", path: "/api/districts/42/analytics?startDate=2025-09-01", status: 404, code: "NO_DATA_AVAILABLE"},
		{name: "club-trends", method: "GET", path: "/api/districts/42/clubs/10101/trends", status: 200},
		{method: "GET", path: "/api/districts/42/clubs/99999/trends", status: 404, code: "CLUB_NOT_FOUND"},
		{method: "GET", path: "/api/districts/42/clubs/12%2134/trends", status: 400, code: "INVALID_CLUB_ID"},
		{name: "club-needs", method: "GET", path: "/api/districts/42/clubs/10101/needs", status: 200},
		{method: "GET", path: "/api/districts/42/clubs/99999/needs", status: 404, code: "CLUB_NOT_FOUND"},
		{method: "GET", path: "/api/districts/42/clubs/12%2134/needs", status: 400, code: "INVALID_CLUB_ID"},
		{name: "vulnerable-clubs", method: "GET", path: "/api/districts/42/vulnerable-clubs", status: 200},
		{name: "leadership-insights", method: "GET", path: "/api/districts/42/leadership-insights", status: 200},
		{name: "distinguished-club-analytics", method: "GET", path: "/api/districts/42/distinguished-club-analytics", status: 200},
		{name: "year-over-year", method: "GET", path: "/api/districts/42/year-over-year/2025-07-16", status: 200},
		{method: "GET", path: "/api/districts/42/year-over-year/2025-07-17", status: 404, code: "SNAPSHOT_NOT_FOUND"},
		{name: "export-csv", method: "GET", path: "/api/districts/42/export?format=csv", status: 200},
		{method: "GET", path: "/api/districts/42/export?format=xlsx", status: 400, code: "INVALID_FORMAT"},
		{method: "GET", path: "/api/districts/42/export", status: 400, code: "INVALID_FORMAT"},

		{name: "cache-statistics", method: "GET", path: "/api/districts/cache/statistics", status: 200},
		{name: "cache-metadata", method: "GET", path: "/api/districts/cache/metadata/2025-08-31", status: 200},
		{method: "GET", path: "/api/districts/cache/metadata/2025-08-30", status: 404, code: "CACHE_DATE_NOT_FOUND"},
		{method: "GET", path: "/api/districts/cache/metadata/latest", status: 400, code: "INVALID_DATE_FORMAT"},
		{name: "cache-version", method: "GET", path: "/api/districts/cache/version", status: 200},
		{name: "cache-stats", method: "GET", path: "/api/districts/cache/stats", status: 200},
		{name: "error-cache-delete-unconfirmed", method: "DELETE", path: "/api/districts/cache", status: 400, code: "CONFIRMATION_REQUIRED"},
		{method: "DELETE", path: "/api/districts/cache?all=true", status: 400, code: "CONFIRMATION_REQUIRED"},
		{method: "DELETE", path: "/api/districts/cache?date=2025-01-01", status: 404, code: "CACHE_DATE_NOT_FOUND"},
		{method: "GET", path: "/api/districts/cache/statistics", noAuth: true, status: 401, code: "UNAUTHORIZED"},

		{name: "admin-snapshots", method: "GET", path: "/api/admin/snapshots?limit=3", status: 200},
		{name: "admin-snapshots-filtered", method: "GET", path: "/api/admin/snapshots?status=success&created_after=2025-08-20&min_district_count=3", status: 200},
		{method: "GET", path: "/api/admin/snapshots?limit=0", status: 400, code: "INVALID_LIMIT"},
		{method: "GET", path: "/api/admin/snapshots?limit=99999999999999999999", status: 400, code: "INVALID_LIMIT"},
		{method: "GET", path: "/api/admin/snapshots?status=weird", status: 400, code: "INVALID_STATUS"},
		{method: "GET", path: "/api/admin/snapshots?created_after=yesterday", status: 400, code: "INVALID_DATE_FORMAT"},
		{method: "GET", path: "/api/admin/snapshots?schema_version=%3Cscript%3E", status: 400, code: "INVALID_VERSION"},
		{name: "admin-snapshot-inspect", method: "GET", path: "/api/admin/snapshots/2025-07-15", status: 200},
		{name: "error-snapshot-not-found", method: "GET", path: "/api/admin/snapshots/2024-01-01", status: 404, code: "SNAPSHOT_NOT_FOUND"},
		{method: "GET", path: "/api/admin/snapshots/abc", status: 400, code: "INVALID_SNAPSHOT_ID"},
		{name: "admin-snapshot-payload", method: "GET", path: "/api/admin/snapshots/2025-06-29/payload", status: 200},
		{method: "GET", path: "/api/admin/snapshots/2024-01-01/payload", status: 404, code: "SNAPSHOT_NOT_FOUND"},
		{name: "store-health", method: "GET", path: "/api/admin/snapshot-store/health", status: 200},
		{name: "store-integrity", method: "GET", path: "/api/admin/snapshot-store/integrity", status: 200},
		{name: "store-performance", method: "GET", path: "/api/admin/snapshot-store/performance", status: 200},
		{name: "store-performance-reset", method: "POST", path: "/api/admin/snapshot-store/performance/reset", status: 200},
		{name: "process-validate", method: "GET", path: "/api/admin/process-separation/validate", status: 200},
		{name: "process-monitor", method: "GET", path: "/api/admin/process-separation/monitor", status: 200},
		{name: "process-compliance", method: "GET", path: "/api/admin/process-separation/compliance", status: 200},
		{name: "process-independence", method: "GET", path: "/api/admin/process-separation/independence", status: 200},
		{name: "config-get-empty", method: "GET", path: "/api/admin/districts/config", status: 200},
		{name: "config-add", method: "POST", path: "/api/admin/districts/config", body: `{"districtIds":["42","61","f"]}`, status: 200},
		{name: "config-replace", method: "POST", path: "/api/admin/districts/config", body: `{"districtIds":["42","61","99"],"replace":true}`, status: 200},
		{name: "config-get", method: "GET", path: "/api/admin/districts/config", status: 200},
		{method: "POST", path: "/api/admin/districts/config", body: `{}`, status: 400, code: "MISSING_DISTRICT_IDS"},
		{method: "POST", path: "/api/admin/districts/config", body: `{"districtIds":"42"}`, status: 400, code: "INVALID_DISTRICT_IDS_FORMAT"},
		{method: "POST", path: "/api/admin/districts/config", body: `{"districtIds":[]}`, status: 400, code: "EMPTY_DISTRICT_IDS"},
		{method: "POST", path: "/api/admin/districts/config", body: `{"districtIds":["4/2"]}`, status: 400, code: "INVALID_DISTRICT_ID"},
		{method: "POST", path: "/api/admin/districts/config", body: `{"districtIds":["cache"]}`, status: 400, code: "INVALID_DISTRICT_ID"},
		{method: "POST", path: "/api/admin/districts/config", body: `{"districtIds":[`, status: 400, code: "INVALID_JSON"},
		{method: "POST", path: "/api/admin/districts/config", body: `{"districtIds":["42"],"extra":1}`, status: 400, code: "INVALID_JSON"},
		{method: "POST", path: "/api/admin/districts/config", status: 400, code: "MISSING_BODY"},
		{method: "POST", path: "/api/admin/districts/config/validate", body: `{"allDistrictIds":["42","61","F","99"]}`, status: 200},
		{method: "POST", path: "/api/admin/districts/config/validate", body: `{"allDistrictIds":["4/2"]}`, status: 400, code: "INVALID_DISTRICT_ID"},
		{method: "POST", path: "/api/districts/backfill", body: `{"startDate":"2025-07-01"}`, status: 501, code: "BACKFILL_NOT_IN_SERVER", noAuth: true},
		{method: "GET", path: "/api/districts/backfill/backfill_1", status: 501, code: "BACKFILL_NOT_IN_SERVER", noAuth: true},
		{method: "DELETE", path: "/api/districts/backfill/backfill_1", status: 501, code: "BACKFILL_NOT_IN_SERVER", noAuth: true},
		{method: "POST", path: "/api/districts/42/backfill", status: 501, code: "BACKFILL_NOT_IN_SERVER", noAuth: true},
		{method: "GET", path: "/api/districts/42/backfill/backfill_1", status: 501, code: "BACKFILL_NOT_IN_SERVER", noAuth: true},
		{method: "DELETE", path: "/api/districts/42/backfill/backfill_1", status: 501, code: "BACKFILL_NOT_IN_SERVER", noAuth: true},
		{method: "GET", path: "/api/districts/4-2/backfill/backfill_1", status: 400, code: "INVALID_DISTRICT_ID", noAuth: true},
		{method: "GET", path: "/api/districts/backfill/a%20b", status: 400, code: "INVALID_BACKFILL_ID", noAuth: true},
		{name: "config-remove", method: "DELETE", path: "/api/admin/districts/config/99", status: 200},
		{name: "config-history", method: "GET", path: "/api/admin/districts/config/history?include_summary=true", status: 200},
		{method: "GET", path: "/api/admin/districts/config/history?limit=0", status: 400, code: "INVALID_LIMIT"},
		{method: "GET", path: "/api/admin/districts/config/history?start_date=2026-02-30", status: 400, code: "INVALID_DATE_FORMAT"},
		{method: "GET", path: "/api/admin/districts/config/history?start_date=2026-03-02&end_date=2026-03-01", status: 400, code: "INVALID_DATE_RANGE"},
		{method: "DELETE", path: "/api/admin/districts/config/99", status: 404, code: "DISTRICT_NOT_CONFIGURED"},
		{method: "DELETE", path: "/api/admin/districts/config/..", status: 400, code: "INVALID_DISTRICT_ID"},
		{method: "GET", path: "/api/admin/refresh/job-0000000000000000", status: 404, code: "JOB_NOT_FOUND"},
		{method: "GET", path: "/api/admin/refresh/nope", status: 400, code: "INVALID_JOB_ID"},
		{method: "POST", path: "/api/admin/refresh", body: `{"date":"2025-13-01"}`, status: 400, code: "INVALID_DATE_FORMAT"},

		{name: "reconciliation-jobs-empty", method: "GET", path: "/api/reconciliation/jobs", status: 200},
		{method: "POST", path: "/api/reconciliation/jobs", body: `{"targetMonth":"2025-13"}`, status: 400, code: "INVALID_TARGET_MONTH"},
		{method: "POST", path: "/api/reconciliation/jobs", body: `{"targetMonth":"../.."}`, status: 400, code: "INVALID_TARGET_MONTH"},
		{method: "POST", path: "/api/reconciliation/jobs", body: `{"targetMonth":"2024-01"}`, status: 404, code: "NO_COLLECTIONS_FOR_MONTH"},
		{method: "GET", path: "/api/reconciliation/jobs/job-0000000000000000", status: 404, code: "JOB_NOT_FOUND"},
		{method: "DELETE", path: "/api/reconciliation/jobs/job-0000000000000000", status: 404, code: "JOB_NOT_FOUND"},
		{method: "GET", path: "/api/reconciliation/jobs/x/progress", status: 400, code: "INVALID_JOB_ID"},
		{name: "reconciliation-optimization", method: "POST", path: "/api/reconciliation/performance/optimization", status: 200},

		{method: "GET", path: "/api/assessment/district-leader-goals/42?programYear=2025-2026", status: 404, code: "GOALS_NOT_FOUND"},
		{name: "assessment-goals-set", method: "POST", path: "/api/assessment/district-leader-goals/42", body: `{"programYear":"2025-2026","membershipPaymentsTarget":100,"paidClubsTarget":10,"distinguishedClubsTarget":4}`, status: 200},
		{name: "assessment-goals-get", method: "GET", path: "/api/assessment/district-leader-goals/42?programYear=2025-2026", status: 200},
		{method: "GET", path: "/api/assessment/district-leader-goals/42?programYear=2025-2027", status: 400, code: "INVALID_PROGRAM_YEAR"},
		{method: "POST", path: "/api/assessment/district-leader-goals/42", body: `{"programYear":"2025-2026","paidClubsTarget":-1}`, status: 400, code: "INVALID_TARGET"},
		{method: "POST", path: "/api/assessment/district-leader-goals/4-2", body: `{"programYear":"2025-2026"}`, status: 400, code: "INVALID_DISTRICT_ID"},
		{name: "assessment-create", method: "POST", path: "/api/assessment/monthly/42", body: `{"month":"2025-07","notes":"first"}`, status: 201},
		{method: "POST", path: "/api/assessment/monthly/42", body: `{"month":"2025-07"}`, status: 409, code: "ASSESSMENT_EXISTS"},
		{method: "POST", path: "/api/assessment/monthly/42", body: `{"month":"2024-01"}`, status: 404, code: "NO_DATA_FOR_MONTH"},
		{method: "POST", path: "/api/assessment/monthly/42", body: `{"month":"2025-7"}`, status: 400, code: "INVALID_MONTH"},
		{name: "assessment-list", method: "GET", path: "/api/assessment/monthly/42", status: 200},
		{name: "assessment-get", method: "GET", path: "/api/assessment/monthly/42/2025-07", status: 200},
		{method: "GET", path: "/api/assessment/monthly/42/2025-13", status: 400, code: "INVALID_MONTH"},
		{name: "assessment-update", method: "PUT", path: "/api/assessment/monthly/42/2025-07", body: `{"notes":"second"}`, status: 200},
		{name: "assessment-report", method: "GET", path: "/api/assessment/reports/42/2025-07", status: 200},
		{name: "assessment-report-unstored", method: "GET", path: "/api/assessment/reports/61/2025-08", status: 200},
		{method: "GET", path: "/api/assessment/reports/61/2024-08", status: 404, code: "NO_DATA_FOR_MONTH"},
		{name: "assessment-delete", method: "DELETE", path: "/api/assessment/monthly/42/2025-07", status: 200},
		{method: "GET", path: "/api/assessment/monthly/42/2025-07", status: 404, code: "ASSESSMENT_NOT_FOUND"},
		{method: "DELETE", path: "/api/assessment/monthly/42/2025-07", status: 404, code: "ASSESSMENT_NOT_FOUND"},

		{name: "error-route-not-found", method: "GET", path: "/api/nothing-here", status: 404, code: "ROUTE_NOT_FOUND"},
		{method: "GET", path: "/api/districts/42/nothing", status: 404, code: "ROUTE_NOT_FOUND"},
		{method: "PUT", path: "/api/districts", status: 405, code: "METHOD_NOT_ALLOWED"},

		// Last: deleting the raw cache date.
		{name: "cache-delete-date", method: "DELETE", path: "/api/districts/cache?date=2025-08-31", status: 200},
		{method: "GET", path: "/api/districts/cache/metadata/2025-08-31", status: 404, code: "CACHE_DATE_NOT_FOUND"},
	}

	served := map[string]bool{}
	seenGolden := map[string]bool{}
	for _, c := range cases {
		hdr := map[string]string{}
		if !c.noAuth {
			hdr["Authorization"] = "Bearer " + testToken
		}
		if c.body != "" {
			hdr["Content-Type"] = "application/json"
		}
		var body *strings.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		} else {
			body = strings.NewReader("")
		}
		resp, b := ts.do(t, c.method, c.path, hdr, body)
		label := c.method + " " + c.path
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d\n%s", label, resp.StatusCode, c.status, clip(b))
			continue
		}
		if id := resp.Header.Get("X-Request-ID"); id == "" {
			t.Errorf("%s: no X-Request-ID", label)
		} else if resp.StatusCode < 300 {
			served[schemas.check(t, logs.routeOf(id), resp, b)] = true
		} else if resp.StatusCode == http.StatusNotImplemented {
			// The predecessor's routes this server documents and never
			// serves: their one answer is 501.
			served[logs.routeOf(id)] = true
		}
		if c.code != "" {
			var eb struct {
				Error struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if err := json.Unmarshal(b, &eb); err != nil || eb.Error.Code != c.code || eb.Error.Message == "" {
				t.Errorf("%s: error body %s, want code %s", label, b, c.code)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s: error Content-Type %q", label, ct)
			}
		}
		if c.name != "" {
			if seenGolden[c.name] {
				t.Fatalf("golden name %s used twice", c.name)
			}
			seenGolden[c.name] = true
			golden(t, c.name+".golden", goldenResponse(t, resp, b))
		}
	}

	// The refresh job routes: start a job and read its status.
	resp, b := ts.do(t, "POST", "/api/admin/refresh", map[string]string{"Authorization": "Bearer " + testToken}, nil)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("refresh: %d %s", resp.StatusCode, b)
	}
	served[schemas.check(t, logs.routeOf(resp.Header.Get("X-Request-ID")), resp, b)] = true
	<-built
	var acc struct {
		Data toaststats.Job `json:"data"`
	}
	if err := json.Unmarshal(b, &acc); err != nil || !jobIDPattern().MatchString(acc.Data.ID) || resp.Header.Get("Location") != "/api/admin/refresh/"+acc.Data.ID {
		t.Fatalf("refresh body %s (Location %q)", b, resp.Header.Get("Location"))
	}
	ts.srv.builds.Wait(context.Background(), acc.Data.ID)
	resp, b = ts.do(t, "GET", "/api/admin/refresh/"+acc.Data.ID, map[string]string{"Authorization": "Bearer " + testToken}, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"status":"succeeded"`) {
		t.Fatalf("refresh status: %d %s", resp.StatusCode, b)
	}
	served[schemas.check(t, logs.routeOf(resp.Header.Get("X-Request-ID")), resp, b)] = true

	// A reconciliation job: start, read, follow, cancel.
	authH := map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "application/json"}
	resp, b = ts.do(t, "POST", "/api/reconciliation/jobs", authH, strings.NewReader(`{"targetMonth":"2025-07"}`))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("reconciliation: %d %s", resp.StatusCode, b)
	}
	served[schemas.check(t, logs.routeOf(resp.Header.Get("X-Request-ID")), resp, b)] = true
	var rj struct {
		Data toaststats.Job `json:"data"`
	}
	if err := json.Unmarshal(b, &rj); err != nil || rj.Data.TargetMonth != "2025-07" || strings.Join(rj.Data.Dates, ",") != "2025-07-16" {
		t.Fatalf("reconciliation job: %s", b)
	}
	for _, p := range []string{"/api/reconciliation/jobs", "/api/reconciliation/jobs/" + rj.Data.ID, "/api/reconciliation/jobs/" + rj.Data.ID + "/progress"} {
		resp, b = ts.do(t, "GET", p, authH, nil)
		if resp.StatusCode != 200 || !strings.Contains(string(b), rj.Data.ID) || !strings.Contains(string(b), `"status":"running"`) {
			t.Fatalf("GET %s: %d %s", p, resp.StatusCode, b)
		}
		served[schemas.check(t, logs.routeOf(resp.Header.Get("X-Request-ID")), resp, b)] = true
	}
	if !strings.Contains(string(b), `"current":"2025-07-16"`) || !strings.Contains(string(b), `"total":1`) {
		t.Errorf("progress: %s", b)
	}
	resp, b = ts.do(t, "DELETE", "/api/reconciliation/jobs/"+rj.Data.ID, authH, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("cancel: %d %s", resp.StatusCode, b)
	}
	served[schemas.check(t, logs.routeOf(resp.Header.Get("X-Request-ID")), resp, b)] = true
	ts.srv.builds.Wait(context.Background(), rj.Data.ID)
	resp, b = ts.do(t, "GET", "/api/reconciliation/jobs/"+rj.Data.ID, authH, nil)
	if !strings.Contains(string(b), `"status":"cancelled"`) {
		t.Errorf("job after cancel: %s", b)
	}
	resp, b = ts.do(t, "DELETE", "/api/reconciliation/jobs/"+rj.Data.ID, authH, nil)
	if resp.StatusCode != 409 || !strings.Contains(string(b), "CANNOT_CANCEL_JOB") {
		t.Errorf("second cancel: %d %s", resp.StatusCode, b)
	}
	resp, b = ts.do(t, "GET", "/api/reconciliation/performance/metrics", authH, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"byStatus":{"cancelled":1,"succeeded":1}`) {
		t.Errorf("build metrics: %d %s", resp.StatusCode, b)
	}
	served[schemas.check(t, logs.routeOf(resp.Header.Get("X-Request-ID")), resp, b)] = true

	// Every JSON answer of every route was checked against its schema.
	for route := range schemas.byRoute {
		if !schemas.checked[route] {
			t.Errorf("%s: no successful answer was checked against its OpenAPI schema", route)
		}
	}
	// Every route of the router answered a successful request above.
	var missing []string
	for _, r := range ts.srv.routes {
		if !served[r.Method+" "+r.Path] {
			missing = append(missing, r.Method+" "+r.Path)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes never served successfully by the contract table: %v", missing)
	}
}
