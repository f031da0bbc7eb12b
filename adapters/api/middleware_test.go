package api

import (
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
