package httpkit

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRouterSharedPrefix: below the shared prefix static words win over
// parameters position by position and handlers get their own parameter
// names; elsewhere httprouter rules (405, no redirects) hold.
func TestRouterSharedPrefix(t *testing.T) {
	var got []string
	rec := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := name
			for _, p := range Params(r) {
				s += " " + p.Key + "=" + p.Value
			}
			got = append(got, s)
		})
	}
	m := NewRouter("/d/")
	m.Handle("GET", "/d/:id/stats", rec("stats"))
	m.Handle("GET", "/d/cache/stats", rec("cache-stats"))
	m.Handle("GET", "/d/:id/day/:date", rec("day"))
	m.Handle("GET", "/d/cache/meta/:date", rec("cache-meta"))
	m.Handle("POST", "/other", rec("other"))
	m.NotFound = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = append(got, "404 "+r.URL.Path) })
	for _, p := range []string{"/d/42/stats", "/d/cache/stats", "/d/cache/meta/2025-01-01", "/d/7/day/2025-01-02", "/d/cache/day/x", "/d/42/nope", "/d/42/stats/"} {
		m.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	want := []string{"stats id=42", "cache-stats", "cache-meta date=2025-01-01", "day id=7 date=2025-01-02", "day id=cache date=x", "404 /d/42/nope", "404 /d/42/stats/"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("dispatch:\n got %q\nwant %q", got, want)
	}
	w := httptest.NewRecorder()
	m.ServeHTTP(w, httptest.NewRequest("HEAD", "/d/9/stats", nil))
	if got[len(got)-1] != "stats id=9" {
		t.Errorf("HEAD not routed to the GET route: %q", got)
	}
	w = httptest.NewRecorder()
	m.ServeHTTP(w, httptest.NewRequest("GET", "/other", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /other: %d, want 405", w.Code)
	}
	if r := m.Routes(); len(r) != 5 || r[1] != (Route{"GET", "/d/cache/stats"}) {
		t.Errorf("routes %v", r)
	}
	if got := m.MethodsFor("/d/cache/stats"); got != "GET, HEAD, OPTIONS" {
		t.Errorf("methods %q", got)
	}
	if got := m.MethodsFor("/other"); got != "POST, OPTIONS" {
		t.Errorf("methods %q", got)
	}
	if got := m.MethodsFor("/nothing"); got != "OPTIONS" {
		t.Errorf("methods %q", got)
	}
}

// TestRouterAllow: a path routes match with other methods only is 405 with
// an Allow header of exactly their methods, below the shared prefix too
// (where httprouter alone would list every method of the same path
// length, or answer 404 for a method whose other routes share the shape).
func TestRouterAllow(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	m := NewRouter("/d/")
	m.Handle("GET", "/d/:id/stats", ok)
	m.Handle("DELETE", "/d/cache/:date", ok)
	m.Handle("POST", "/d/:id/jobs", ok)
	m.Handle("GET", "/page/:id", ok)
	m.MethodNotAllowed = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(499) })
	for _, tc := range []struct {
		method, path string
		code         int
		allow        string
	}{
		{"DELETE", "/d/42/stats", 499, "GET, HEAD"},
		{"POST", "/d/42/stats", 499, "GET, HEAD"},
		{"GET", "/d/42/jobs", 499, "POST"},
		{"GET", "/d/cache/2025-01-01", 499, "DELETE"},
		{"GET", "/d/cache/stats", 200, ""},
		{"PUT", "/d/cache/stats", 499, "GET, HEAD, DELETE"},
		{"GET", "/d/42/stats/", 404, ""},
		{"DELETE", "/d/42/nope", 404, ""},
		{"POST", "/page/1", 499, "GET, HEAD"},
		{"POST", "/page/1/x", 404, ""},
	} {
		w := httptest.NewRecorder()
		m.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
		if w.Code != tc.code || w.Header().Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want %d Allow %q", tc.method, tc.path, w.Code, w.Header().Get("Allow"), tc.code, tc.allow)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("abcdef", 3); got != "abc…" {
		t.Errorf("%q", got)
	}
	if got := Truncate("abc", 3); got != "abc" {
		t.Errorf("%q", got)
	}
}
