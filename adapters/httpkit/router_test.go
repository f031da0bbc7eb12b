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
	m.HTTPRouter().NotFound = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = append(got, "404 "+r.URL.Path) })
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

func TestTruncate(t *testing.T) {
	if got := Truncate("abcdef", 3); got != "abc…" {
		t.Errorf("%q", got)
	}
	if got := Truncate("abc", 3); got != "abc" {
		t.Errorf("%q", got)
	}
}
