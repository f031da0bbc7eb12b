package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/julienschmidt/httprouter"
)

// samplePath turns a route pattern into a concrete path.
func samplePath(pattern string) string {
	r := strings.NewReplacer(":districtId", "42", ":clubId", "10101", ":date", "2025-07-16", ":snapshotId", "2025-07-15", ":jobId", "job-0000000000000000", ":month", "2025-07", ":backfillId", "backfill_1")
	return r.Replace(pattern)
}

func TestAdminAuth(t *testing.T) {
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{})
	for _, rt := range ts.srv.routes {
		path := samplePath(rt.Path)
		const missing, invalid = `Bearer realm="toaststats admin"`, `Bearer realm="toaststats admin", error="invalid_token"`
		for _, tc := range []struct {
			name, header, challenge string
		}{
			{"missing", "", missing},
			{"wrong token", "Bearer not-the-token", invalid},
			{"token prefix", "Bearer " + testToken[:10], invalid},
			{"token longer", "Bearer " + testToken + "x", invalid},
			{"token in another case", "Bearer " + strings.ToUpper(testToken), invalid},
			{"no bearer scheme", testToken, missing},
			{"basic scheme", "Basic " + testToken, missing},
			{"scheme alone", "Bearer", missing},
		} {
			hdr := map[string]string{}
			if tc.header != "" {
				hdr["Authorization"] = tc.header
			}
			resp, b := ts.do(t, rt.Method, path, hdr, nil)
			if rt.Access == admin {
				if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), `"UNAUTHORIZED"`) {
					t.Errorf("%s %s with %s: %d %s, want 401 UNAUTHORIZED", rt.Method, path, tc.name, resp.StatusCode, b)
				}
				if got := resp.Header.Get("WWW-Authenticate"); got != tc.challenge {
					t.Errorf("%s %s with %s: WWW-Authenticate %q, want %q", rt.Method, path, tc.name, got, tc.challenge)
				}
			} else if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
				t.Errorf("public %s %s with %s: %d", rt.Method, path, tc.name, resp.StatusCode)
			}
		}
	}
}

// TestBearerSchemeAnyCase: the scheme name is case-insensitive (RFC 9110
// §11.1) and may be followed by more than one space; the token is exact.
func TestBearerSchemeAnyCase(t *testing.T) {
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{})
	for _, h := range []string{"bearer " + testToken, "BEARER " + testToken, "Bearer   " + testToken} {
		resp, b := ts.do(t, "GET", "/api/admin/districts/config", map[string]string{"Authorization": h}, nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("WWW-Authenticate") != "" {
			t.Errorf("Authorization %q: %d %s, want 200", h, resp.StatusCode, b)
		}
	}
}

// TestAdminWithoutTokenClosedEverywhere: with no token configured, every
// admin route answers 403 ADMIN_DISABLED, on a loopback listener too
// (behind a reverse proxy on the same host every request is "loopback").
func TestAdminWithoutTokenClosedEverywhere(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	for _, rt := range ts.srv.routes {
		resp, b := ts.do(t, rt.Method, samplePath(rt.Path), map[string]string{"Authorization": "Bearer "}, nil)
		if rt.Access == admin && (resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "ADMIN_DISABLED")) {
			t.Errorf("%s %s on loopback without a configured token: %d %s, want 403 ADMIN_DISABLED", rt.Method, rt.Path, resp.StatusCode, b)
		}
		if rt.Access == public && resp.StatusCode == http.StatusForbidden {
			t.Errorf("public %s %s refused", rt.Method, rt.Path)
		}
	}
}

func TestNoSnapshotYet(t *testing.T) {
	ts := newTestServer(t, false, Config{}, Deps{})
	for _, rt := range ts.srv.routes {
		if rt.Access != public || !strings.HasPrefix(rt.Path, "/api/districts") {
			continue
		}
		path := samplePath(rt.Path)
		if strings.HasSuffix(path, "/export") {
			path += "?format=csv"
		}
		if strings.HasSuffix(path, "/daily-reports") {
			path += "?startDate=2025-07-01&endDate=2025-07-16"
		}
		resp, b := ts.do(t, rt.Method, path, nil, nil)
		switch rt.Path {
		case "/api/districts/cache/dates", "/api/districts/:districtId/cached-dates":
			if resp.StatusCode != 200 || !strings.Contains(string(b), `"dates":[]`) {
				t.Errorf("%s before the first snapshot: %d %s, want 200 with no dates", path, resp.StatusCode, b)
			}
		case "/api/districts/backfill", "/api/districts/backfill/:backfillId", "/api/districts/:districtId/backfill", "/api/districts/:districtId/backfill/:backfillId":
			if resp.StatusCode != 501 || !strings.Contains(string(b), `"code":"BACKFILL_NOT_IN_SERVER"`) {
				t.Errorf("%s %s before the first snapshot: %d %s, want 501 BACKFILL_NOT_IN_SERVER", rt.Method, path, resp.StatusCode, b)
			}
		default:
			var eb errorBody
			_ = json.Unmarshal(b, &eb)
			if resp.StatusCode != 503 || eb.Error.Code != "NO_SNAPSHOT_AVAILABLE" || eb.Error.Message != "No data snapshot available yet" {
				t.Errorf("%s before the first snapshot: %d %s, want 503 NO_SNAPSHOT_AVAILABLE", path, resp.StatusCode, b)
			}
		}
	}
	resp, b := ts.do(t, "GET", "/health", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"ready":false`) {
		t.Errorf("health before the first snapshot: %d %s", resp.StatusCode, b)
	}
}

// The current snapshot asked for by date first (kept long) must not hand
// its Cache-Control to the same answer asked for as the current one (kept a
// minute): the response cache holds them apart. 2025-08-31 is the fixture's
// current snapshot.
func TestCacheControlOfCurrentNotTakenFromDated(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	for _, tc := range []struct{ dated, datedCC, current string }{
		{"/api/districts/42/statistics?date=2025-08-31", "public, max-age=31536000, immutable", "/api/districts/42/statistics"},
		{"/api/districts/rankings?date=2025-08-31", "public, max-age=31536000, immutable", "/api/districts/rankings"},
		{"/api/districts/42/analytics?date=2025-08-31", "public, max-age=3600", "/api/districts/42/analytics"},
		{"/districts/42?date=2025-08-31", "public, max-age=3600", "/districts/42"},
	} {
		for i, step := range []struct{ path, want string }{{tc.dated, tc.datedCC}, {tc.current, "public, max-age=60"}, {tc.dated, tc.datedCC}} {
			resp, body := ts.do(t, "GET", step.path, nil, nil)
			if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != step.want {
				t.Errorf("%s (request %d): %d Cache-Control %q, want %q (%.100s)", step.path, i+1, resp.StatusCode, resp.Header.Get("Cache-Control"), step.want, body)
			}
		}
	}
}

func TestCachingHeaders(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	for _, tc := range []struct {
		path, cacheControl string
	}{
		{"/api/districts/rankings", "public, max-age=60"},
		{"/api/districts/42/statistics", "public, max-age=60"},
		{"/api/districts/rankings?date=2025-07-15", "public, max-age=31536000, immutable"},
		{"/api/districts/42/statistics?date=2025-06-30", "public, max-age=31536000, immutable"},
		{"/api/districts/42/analytics?date=2025-07-16", "public, max-age=3600"},
		{"/api/districts/42/analytics", "public, max-age=60"},
	} {
		resp, b := ts.do(t, "GET", tc.path, nil, nil)
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || etag == "" || resp.Header.Get("Cache-Control") != tc.cacheControl {
			t.Errorf("%s: %d ETag %q Cache-Control %q, want %q", tc.path, resp.StatusCode, etag, resp.Header.Get("Cache-Control"), tc.cacheControl)
			continue
		}
		resp2, b2 := ts.do(t, "GET", tc.path, map[string]string{"If-None-Match": etag}, nil)
		if resp2.StatusCode != http.StatusNotModified || len(b2) != 0 || resp2.Header.Get("ETag") != etag {
			t.Errorf("%s with If-None-Match: %d (%d bytes)", tc.path, resp2.StatusCode, len(b2))
		}
		resp3, _ := ts.do(t, "GET", tc.path, map[string]string{"If-None-Match": `"other", W/` + etag}, nil)
		if resp3.StatusCode != http.StatusNotModified {
			t.Errorf("%s with a list in If-None-Match: %d", tc.path, resp3.StatusCode)
		}
		resp4, _ := ts.do(t, "GET", tc.path, map[string]string{"If-None-Match": `"other"`}, nil)
		if resp4.StatusCode != 200 {
			t.Errorf("%s with another ETag: %d", tc.path, resp4.StatusCode)
		}
		// gzip when accepted, same content.
		resp5, zb := ts.do(t, "GET", tc.path, map[string]string{"Accept-Encoding": "br, gzip;q=0.8"}, nil)
		if len(b) >= gzipMinBytes {
			if resp5.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("%s: no gzip for a %d-byte body", tc.path, len(b))
				continue
			}
			zr, err := gzip.NewReader(bytes.NewReader(zb))
			if err != nil {
				t.Fatal(err)
			}
			plain, _ := io.ReadAll(zr)
			if !bytes.Equal(plain, b) {
				t.Errorf("%s: gzip body differs from the plain body", tc.path)
			}
		}
		resp6, _ := ts.do(t, "GET", tc.path, map[string]string{"Accept-Encoding": "gzip;q=0"}, nil)
		if resp6.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: gzip sent though refused", tc.path)
		}
	}
	// Errors are never cached.
	resp, _ := ts.do(t, "GET", "/api/districts/999/statistics", nil, nil)
	if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("ETag") != "" {
		t.Errorf("error response caching headers: %q %q", resp.Header.Get("Cache-Control"), resp.Header.Get("ETag"))
	}
}

// TestNewSnapshotVisibleAtOnce: a newly published snapshot (or a rebuilt
// one) is served at once, by the latest routes and the series routes.
func TestNewSnapshotVisibleAtOnce(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	get := func(path string) map[string]any {
		resp, b := ts.do(t, "GET", path, nil, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	snapID := func(m map[string]any) string { return m["_snapshot_metadata"].(map[string]any)["snapshot_id"].(string) }
	if id := snapID(get("/api/districts/rankings")); id != "2025-08-31" {
		t.Fatalf("current before publish: %s", id)
	}
	before := get("/api/districts/42/membership-history")
	if n := len(before["data"].(map[string]any)["membershipHistory"].([]any)); n != 5 {
		t.Fatalf("history points before: %d", n)
	}
	snap := makeSnapshot("2025-09-01", 9)
	if err := ts.store.Snapshots().Publish(context.Background(), snap); err != nil {
		t.Fatal(err)
	}
	if id := snapID(get("/api/districts/rankings")); id != "2025-09-01" {
		t.Errorf("rankings after publish still serve %s", id)
	}
	if id := snapID(get("/api/districts/42/statistics")); id != "2025-09-01" {
		t.Errorf("statistics after publish still serve %s", id)
	}
	after := get("/api/districts/42/membership-history")
	if n := len(after["data"].(map[string]any)["membershipHistory"].([]any)); n != 6 {
		t.Errorf("history points after publish: %d, want 6", n)
	}
	// An older snapshot published by another process (a backfill, not
	// moving the current pointer) appears in series answers within toaststats.ListTTL.
	if err := ts.store.Snapshots().Publish(context.Background(), makeSnapshot("2025-07-20", 7)); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		m := get("/api/districts/42/membership-history")
		if len(m["data"].(map[string]any)["membershipHistory"].([]any)) == 7 {
			break
		}
		if i > 300 {
			t.Fatal("backfilled snapshot never appeared in the history")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Rebuild the same id with different numbers: served at once.
	snap = makeSnapshot("2025-09-01", 9)
	snap.Metadata.CreatedAt = snap.Metadata.CreatedAt.Add(time.Hour)
	snap.Districts[0].Data.Membership.Total = 4242
	if err := ts.store.Snapshots().Publish(context.Background(), snap); err != nil {
		t.Fatal(err)
	}
	stats := get("/api/districts/42/statistics")
	if got := stats["data"].(map[string]any)["membership"].(map[string]any)["total"].(float64); got != 4242 {
		t.Errorf("rebuilt snapshot not served: membership total %v", got)
	}
}

func TestRateLimit(t *testing.T) {
	ts := newTestServer(t, true, Config{RateLimit: 0.5, RateBurst: 3}, Deps{})
	codes := []int{}
	var last *http.Response
	for range 5 {
		resp, _ := ts.do(t, "GET", "/api/districts/rankings", nil, nil)
		codes = append(codes, resp.StatusCode)
		last = resp
	}
	if codes[0] != 200 || codes[2] != 200 || codes[3] != 429 || codes[4] != 429 {
		t.Fatalf("codes %v, want 3×200 then 429", codes)
	}
	if last.Header.Get("Retry-After") != "2" {
		t.Errorf("Retry-After %q, want 2", last.Header.Get("Retry-After"))
	}
	// Health probes are never limited.
	if resp, _ := ts.do(t, "GET", "/health", nil, nil); resp.StatusCode != 200 {
		t.Errorf("health limited: %d", resp.StatusCode)
	}
}

func TestCORS(t *testing.T) {
	ts := newTestServer(t, true, Config{CORSOrigins: []string{"https://dash.example"}}, Deps{})
	resp, _ := ts.do(t, "GET", "/api/districts", map[string]string{"Origin": "https://dash.example"}, nil)
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://dash.example" {
		t.Errorf("allowed origin not echoed: %q", resp.Header.Get("Access-Control-Allow-Origin"))
	}
	resp, _ = ts.do(t, "GET", "/api/districts", map[string]string{"Origin": "https://evil.example"}, nil)
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin allowed: %q", resp.Header.Get("Access-Control-Allow-Origin"))
	}
	resp, _ = ts.do(t, "OPTIONS", "/api/districts", map[string]string{"Origin": "https://dash.example", "Access-Control-Request-Method": "GET"}, nil)
	if resp.StatusCode != 204 || !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = ts.do(t, "OPTIONS", "/api/districts", map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}, nil)
	if resp.Header.Get("Access-Control-Allow-Methods") != "" || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin got CORS headers")
	}
}

func TestHead(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	resp, b := ts.do(t, "HEAD", "/api/districts/rankings", nil, nil)
	if resp.StatusCode != 200 || len(b) != 0 || resp.Header.Get("ETag") == "" || resp.Header.Get("Content-Length") == "0" {
		t.Errorf("HEAD rankings: %d, %d bytes, headers %v", resp.StatusCode, len(b), resp.Header)
	}
	if resp, _ := ts.do(t, "HEAD", "/api/districts/999/statistics", nil, nil); resp.StatusCode != 404 {
		t.Errorf("HEAD unknown district: %d", resp.StatusCode)
	}
}

func TestRequestID(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	resp, _ := ts.do(t, "GET", "/health", map[string]string{"X-Request-ID": "abc-123"}, nil)
	if resp.Header.Get("X-Request-ID") != "abc-123" {
		t.Errorf("client request id not echoed: %q", resp.Header.Get("X-Request-ID"))
	}
	resp, _ = ts.do(t, "GET", "/health", map[string]string{"X-Request-ID": "bad id <script>"}, nil)
	if id := resp.Header.Get("X-Request-ID"); id == "" || strings.ContainsAny(id, " <>") {
		t.Errorf("unsafe request id echoed: %q", id)
	}
	a, _ := ts.do(t, "GET", "/health", nil, nil)
	b, _ := ts.do(t, "GET", "/health", nil, nil)
	if a.Header.Get("X-Request-ID") == b.Header.Get("X-Request-ID") {
		t.Errorf("request ids repeat")
	}
}

// TestDispatcherPrefersStatic checks the shared-prefix dispatcher picks
// static words over the district parameter and hands the right params.
func TestDispatcherPrefersStatic(t *testing.T) {
	var got []string
	m := newMux(func(_ routeInfo, h http.Handler) http.Handler { return h })
	rec := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ps := httprouter.ParamsFromContext(r.Context())
			s := name
			for _, p := range ps {
				s += " " + p.Key + "=" + p.Value
			}
			got = append(got, s)
		})
	}
	m.handle(route{rec("stats"), opDoc{Method: "GET", Path: "/api/districts/{districtId}/statistics"}})
	m.handle(route{rec("cache-stats"), opDoc{Method: "GET", Path: "/api/districts/cache/statistics"}})
	m.handle(route{rec("daily"), opDoc{Method: "GET", Path: "/api/districts/{districtId}/daily-reports/{date}"}})
	m.handle(route{rec("cache-meta"), opDoc{Method: "GET", Path: "/api/districts/cache/metadata/{date}"}})
	for _, p := range []string{"/api/districts/42/statistics", "/api/districts/cache/statistics", "/api/districts/cache/metadata/2025-01-01", "/api/districts/7/daily-reports/2025-01-02", "/api/districts/cache/daily-reports/x"} {
		m.kit.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	want := []string{"stats districtId=42", "cache-stats", "cache-meta date=2025-01-01", "daily districtId=7 date=2025-01-02", "daily districtId=cache date=x"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("dispatch:\n got %q\nwant %q", got, want)
	}
}

// TestMethodNotAllowedNamesTheRoutesMethods: a known path asked with
// another method is 405 METHOD_NOT_ALLOWED whose Allow lists that path's
// methods only, for API routes below the shared prefix and for pages.
func TestMethodNotAllowedNamesTheRoutesMethods(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	for _, tc := range []struct{ method, path, allow string }{
		{"POST", "/api/districts/42/statistics", "GET, HEAD"},
		{"DELETE", "/api/districts/42/statistics", "GET, HEAD"},
		{"PUT", "/api/districts/cache", "DELETE"},
		{"GET", "/api/districts/42/backfill", "POST"},
		{"POST", "/api/districts/rankings", "GET, HEAD"},
		{"POST", "/districts/42/clubs", "GET, HEAD"},
	} {
		resp, b := ts.do(t, tc.method, tc.path, nil, nil)
		if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(string(b), `"METHOD_NOT_ALLOWED"`) || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q %s, want 405 Allow %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), b, tc.allow)
		}
	}
	if resp, b := ts.do(t, "DELETE", "/api/districts/42/nothing", nil, nil); resp.StatusCode != http.StatusNotFound || resp.Header.Get("Allow") != "" {
		t.Errorf("DELETE of an unknown path: %d %s, want 404", resp.StatusCode, b)
	}
}

// TestMonthsWindowOfMonthEnd: ?months=n reads the snapshots from n months
// before the snapshot (analytics.MonthsBefore). On the current snapshot
// 2025-08-31, two months back is "June 31", which is June 30 (not July 1),
// so 2025-06-30 is in the window; one month back is 2025-07-31. On
// 2025-07-16, two months back is 2025-05-16: every earlier fixture date.
func TestMonthsWindowOfMonthEnd(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	for _, c := range []struct{ query, want string }{
		{"months=2", "2025-06-30 2025-07-15 2025-07-16 2025-08-31"},
		{"months=1", "2025-08-31"},
		{"months=2&date=2025-07-16", "2025-06-29 2025-06-30 2025-07-15 2025-07-16"},
	} {
		resp, b := ts.do(t, "GET", "/api/districts/42/membership-history?"+c.query, nil, nil)
		var body struct {
			Data struct {
				MembershipHistory []struct{ Date string } `json:"membershipHistory"`
			} `json:"data"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(b, &body) != nil {
			t.Fatalf("%s: %d %s", c.query, resp.StatusCode, b)
		}
		var got []string
		for _, p := range body.Data.MembershipHistory {
			got = append(got, p.Date)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("membership-history?%s dates %q, want %q", c.query, got, c.want)
		}
	}
}

// TestPathDateOnSnapshot: ?date= chooses the snapshot a route with a date
// in its path reads, as on every data route: the answer holds nothing after
// that snapshot. A path date on or before it is answered (and says it was
// read on that snapshot); a path date after it contradicts the request and
// is 400 INVALID_DATE_RANGE, not the later data under the earlier
// snapshot's _snapshot_metadata.
func TestPathDateOnSnapshot(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	for _, route := range []string{"year-over-year", "daily-reports"} {
		for _, c := range []struct {
			path, query string
			status      int
			code, snap  string
		}{
			{"2025-07-15", "date=2025-07-16", 200, "", "2025-07-16"},
			{"2025-07-16", "date=2025-07-16", 200, "", "2025-07-16"},
			{"2025-07-16", "", 200, "", "2025-08-31"},
			{"2025-08-31", "date=2025-06-29", 400, "INVALID_DATE_RANGE", ""},
			{"2025-07-16", "date=2025-07-15", 400, "INVALID_DATE_RANGE", ""},
		} {
			p := "/api/districts/42/" + route + "/" + c.path + "?" + c.query
			resp, b := ts.do(t, "GET", p, nil, nil)
			var body struct {
				Meta struct {
					SnapshotID string `json:"snapshot_id"`
				} `json:"_snapshot_metadata"`
				errorBody
			}
			if err := json.Unmarshal(b, &body); err != nil || resp.StatusCode != c.status {
				t.Errorf("%s: %d %s, want %d", p, resp.StatusCode, clip(b), c.status)
				continue
			}
			if body.Error.Code != c.code || body.Meta.SnapshotID != c.snap {
				t.Errorf("%s: code %q on snapshot %q, want %q on %q", p, body.Error.Code, body.Meta.SnapshotID, c.code, c.snap)
			}
		}
	}
}
