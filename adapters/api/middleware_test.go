package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMiddlewareRecovers: a handler that panics is answered 500
// INTERNAL_SERVER_ERROR with its request id; http.ErrAbortHandler is
// passed on to net/http, which aborts the connection.
func TestMiddlewareRecovers(t *testing.T) {
	h := newTestServer(t, false, Config{}, Deps{}).srv.outerMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/abort" {
			panic(http.ErrAbortHandler)
		}
		panic("boom")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"code":"INTERNAL_SERVER_ERROR"`) || strings.Contains(rec.Body.String(), "boom") || rec.Header().Get("X-Request-ID") == "" {
		t.Errorf("panic answered %d %q (request id %q)", rec.Code, rec.Body, rec.Header().Get("X-Request-ID"))
	}
	func() {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("abort: recovered %v, want http.ErrAbortHandler", p)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/abort", nil))
	}()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x?q="+strings.Repeat("a", maxQueryBytes), nil))
	if rec.Code != http.StatusRequestURITooLong || !strings.Contains(rec.Body.String(), "QUERY_TOO_LONG") {
		t.Errorf("long query: %d %s", rec.Code, rec.Body)
	}
}

// TestUnparsableQueryRefused: a query string that does not parse (a ';',
// a bad %-escape) is refused 400 INVALID_QUERY naming it. Go's url.Values
// drops such a pair, so the rankings of the newest snapshot were served
// for "?date=2025-13-01;" as if no date were asked, where "?date=2025-13-01"
// is refused.
func TestUnparsableQueryRefused(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	if res, body := ts.do(t, "GET", "/api/districts/rankings?date=2025-13-01", nil, nil); res.StatusCode != 400 || !strings.Contains(string(body), `"INVALID_DATE_FORMAT"`) {
		t.Fatalf("?date=2025-13-01: %d %s", res.StatusCode, body)
	}
	for _, q := range []string{"date=2025-13-01;", "date=2025-07-15&x=%zz", "startDate=2025-07-01;endDate=2025-06-01"} {
		res, body := ts.do(t, "GET", "/api/districts/rankings?"+q, nil, nil)
		var env struct {
			Error struct{ Code, Message, Details string }
		}
		if err := json.Unmarshal(body, &env); err != nil || res.StatusCode != 400 || env.Error.Code != "INVALID_QUERY" ||
			!strings.HasPrefix(env.Error.Message, "Query string does not parse: ") || env.Error.Details != "Received: "+q {
			t.Errorf("?%s: %d %s", q, res.StatusCode, body)
		}
	}
}
