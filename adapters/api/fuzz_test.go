package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

var (
	fuzzOnce sync.Once
	fuzzSrv  *Server
)

// FuzzServeRequest sends arbitrary methods, paths, queries and bodies
// through the whole handler: it must never panic or answer 5xx. Every error
// under /api/ is the JSON error envelope; elsewhere it is either that or,
// from a leader page's route (/districts/rankings is the page of a district
// "rankings"), a whole HTML page.
func FuzzServeRequest(f *testing.F) {
	for _, s := range []string{"/api/districts/42/statistics", "/api/districts/rankings?date=2025-07-15", "/api/districts/..%2f../statistics",
		"/api/districts/cache/metadata/2025-08-31", "/api/districts/42/daily-reports?startDate=2025-06-01&endDate=2025-07-01",
		"/api/admin/snapshots/2025-07-15/payload", "/api/districts/42/clubs/10101/trends?startDate=2025-07-01", "/api/admin/districts/config"} {
		f.Add("GET", s, "")
	}
	f.Add("POST", "/api/admin/districts/config", `{"districtIds":["42"]}`)
	f.Add("DELETE", "/api/districts/cache", "")
	dir := f.TempDir()
	fuzzOnce.Do(func() {
		st := openFixtureStore(f, dir, true)
		fuzzSrv = NewServer(Config{}, Deps{Store: st, Now: clock})
	})
	f.Fuzz(func(t *testing.T, method, target, body string) {
		if method == "DELETE" || method == "POST" {
			method = "GET" // keep the fixture intact: mutations are tested elsewhere
		}
		if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \r\n\t#") || len(target) > 4096 {
			return
		}
		if method == "" || strings.ContainsAny(method, " \r\n\t/()<>@,;:\\\"[]?={}") {
			return
		}
		req, err := http.NewRequest(method, "http://127.0.0.1"+target, strings.NewReader(body))
		if err != nil {
			return
		}
		req.RemoteAddr = "127.0.0.1:1"
		rec := httptest.NewRecorder()
		fuzzSrv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: %d %s", method, target, rec.Code, rec.Body)
		}
		if rec.Code < 400 || method == "HEAD" {
			return
		}
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			if strings.HasPrefix(req.URL.Path, "/api/") || !strings.HasPrefix(rec.Body.String(), "<!doctype html>") {
				t.Fatalf("%s %q: %d as HTML, not the error envelope: %.300s", method, target, rec.Code, rec.Body)
			}
			return
		}
		if !strings.Contains(rec.Body.String(), `{"error":{"code":`) {
			t.Fatalf("%s %q: %d without the error envelope: %s", method, target, rec.Code, rec.Body)
		}
	})
}
