package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/store"
)

// TestRateLimitKeysOnForwardedClient: behind a trusted proxy each
// forwarded client has its own bucket; from an untrusted peer the header
// is ignored and every request shares the peer's bucket.
func TestRateLimitKeysOnForwardedClient(t *testing.T) {
	for _, trusted := range []bool{true, false} {
		cfg := Config{RateLimit: 0.001, RateBurst: 2}
		if trusted {
			cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		}
		ts := newTestServer(t, true, cfg, Deps{})
		// Burst 2, refill one per 1000 s: the third request of one
		// bucket is refused, the first of another bucket is not.
		codes := []int{}
		for _, ip := range []string{"203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.2"} {
			resp, _ := ts.do(t, "GET", "/api", map[string]string{"X-Forwarded-For": ip}, nil)
			codes = append(codes, resp.StatusCode)
		}
		want := []int{200, 200, 429, 200}
		if !trusted {
			want = []int{200, 200, 429, 429} // one bucket: the loopback peer
		}
		if !slices.Equal(codes, want) {
			t.Errorf("trusted=%v: codes %v, want %v", trusted, codes, want)
		}
	}
}

// TestCORSHeaders: Vary keeps Origin next to Accept-Encoding on cacheable
// answers, and preflight lists exactly the methods of the route's path.
func TestCORSHeaders(t *testing.T) {
	ts := newTestServer(t, true, Config{CORSOrigins: []string{"https://a.example"}, AdminToken: testToken}, Deps{})
	resp, _ := ts.do(t, "GET", "/api/districts/rankings", map[string]string{"Origin": "https://a.example", "Accept-Encoding": "gzip"}, nil)
	vary := strings.Join(resp.Header.Values("Vary"), ",")
	if !strings.Contains(vary, "Origin") || !strings.Contains(vary, "Accept-Encoding") {
		t.Errorf("Vary = %q, want Origin and Accept-Encoding", vary)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://a.example" {
		t.Errorf("Allow-Origin = %q", got)
	}
	// A disallowed origin gets no Allow-Origin but still Vary: Origin, so
	// a shared cache never hands one origin's answer to another.
	resp, _ = ts.do(t, "GET", "/api/districts/rankings", map[string]string{"Origin": "https://evil.example"}, nil)
	if resp.Header.Get("Access-Control-Allow-Origin") != "" || !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Origin") {
		t.Errorf("disallowed origin: Allow-Origin %q, Vary %q", resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Values("Vary"))
	}
	// Preflight: worked out by hand from routes.go.
	cases := map[string]string{
		"/api/assessment/monthly/42/2025-07": "GET, HEAD, PUT, DELETE, OPTIONS",
		"/api/assessment/monthly/42":         "GET, HEAD, POST, OPTIONS",
		"/api/districts/cache":               "DELETE, OPTIONS",
		"/api/districts/rankings":            "GET, HEAD, OPTIONS",
		"/api/admin/districts/config":        "GET, HEAD, POST, OPTIONS",
		"/api/admin/districts/config/42":     "DELETE, OPTIONS",
	}
	for path, want := range cases {
		resp, _ := ts.do(t, "OPTIONS", path, map[string]string{"Origin": "https://a.example", "Access-Control-Request-Method": "PUT"}, nil)
		if got := resp.Header.Get("Access-Control-Allow-Methods"); resp.StatusCode != 204 || got != want {
			t.Errorf("preflight %s: %d %q, want 204 %q", path, resp.StatusCode, got, want)
		}
	}
	// Every method of every route is in its path's preflight answer.
	for _, rt := range ts.srv.routes {
		got := ts.srv.methodsFor(samplePath(rt.Path))
		if !slices.Contains(strings.Split(got, ", "), rt.Method) {
			t.Errorf("preflight of %s lacks %s: %q", rt.Path, rt.Method, got)
		}
	}
}

// TestAdminAnswersCarryFreshMetadata: two identical admin requests get two
// different operation ids (their request ids), also where the payload is
// cached.
func TestAdminAnswersCarryFreshMetadata(t *testing.T) {
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{})
	for _, path := range []string{"/api/admin/snapshots/2025-07-15/payload", "/api/admin/snapshot-store/performance", "/api/districts/cache/stats"} {
		var ops []string
		for i := 0; i < 2; i++ {
			resp, b := ts.do(t, "GET", path, adminAuth, nil)
			var body struct {
				Metadata struct {
					OperationID string `json:"operation_id"`
					RetrievedAt string `json:"retrieved_at"`
				} `json:"metadata"`
			}
			if err := json.Unmarshal(b, &body); err != nil || resp.StatusCode != 200 {
				t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
			}
			if body.Metadata.OperationID != resp.Header.Get("X-Request-ID") || body.Metadata.RetrievedAt == "" {
				t.Errorf("%s: operation_id %q, request id %q, retrieved_at %q", path, body.Metadata.OperationID, resp.Header.Get("X-Request-ID"), body.Metadata.RetrievedAt)
			}
			ops = append(ops, body.Metadata.OperationID)
		}
		if ops[0] == ops[1] {
			t.Errorf("%s: both answers carry operation_id %q", path, ops[0])
		}
	}
}

// TestCacheDeleteMovesToTrash: DELETE over HTTP leaves every byte in the
// raw-cache trash, restorable by the library.
func TestCacheDeleteMovesToTrash(t *testing.T) {
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{})
	ctx := context.Background()
	csv := []byte("REGION,DISTRICT\n05,42\n")
	if err := ts.store.Raw().Put(ctx, "2025-08-31", "", store.ReportSummary, csv, store.PutInfo{}); err != nil {
		t.Fatal(err)
	}
	resp, b := ts.do(t, "DELETE", "/api/districts/cache?all=true&confirm=delete-all-raw-cache", adminAuth, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("delete: %d %s", resp.StatusCode, b)
	}
	if dates, _ := ts.store.Raw().Dates(ctx); len(dates) != 0 {
		t.Fatalf("dates after delete: %v", dates)
	}
	list, err := ts.store.Raw().TrashList(ctx)
	if err != nil || len(list) != 1 || list[0].Date != "2025-08-31" {
		t.Fatalf("trash = %+v %v", list, err)
	}
	if _, err := ts.store.Raw().Restore(ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if got, err := ts.store.Raw().Get(ctx, "2025-08-31", "", store.ReportSummary); err != nil || string(got) != string(csv) {
		t.Fatalf("restored: %q %v", got, err)
	}
	if resp, _ := ts.do(t, "DELETE", "/api/districts/cache?date=2025-08-31", map[string]string{"X-Forwarded-For": "203.0.113.9"}, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("delete without token: %d", resp.StatusCode)
	}
}

// TestAccessLogNamesForwardedClient: behind a trusted proxy the access log
// records the forwarded client as remote and the proxy as peer.
func TestAccessLogNamesForwardedClient(t *testing.T) {
	var logs syncBuffer
	ts := newTestServer(t, true, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}},
		Deps{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if resp, _ := ts.do(t, "GET", "/api", map[string]string{"X-Forwarded-For": "203.0.113.7"}, nil); resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	var line struct{ Remote, Peer string }
	text := ""
	for range 200 { // the access log is written after the response
		logs.mu.Lock()
		text = logs.buf.String()
		logs.mu.Unlock()
		if strings.Contains(text, `"msg":"request"`) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, `"msg":"request"`) {
			_ = json.Unmarshal([]byte(l), &line)
		}
	}
	if line.Remote != "203.0.113.7" || line.Peer != "127.0.0.1" {
		t.Fatalf("access log remote %q peer %q, want 203.0.113.7 and 127.0.0.1:\n%s", line.Remote, line.Peer, text)
	}
}
