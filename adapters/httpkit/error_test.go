package httpkit

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestErrorWriteJSON: the envelope byte for byte (details left out when
// nil, "<" not escaped), its headers, Retry-After when set, and HEAD
// without a body.
func TestErrorWriteJSON(t *testing.T) {
	for _, c := range []struct {
		e          *Error
		method     string
		body       string
		retryAfter string
	}{
		{Errorf(http.StatusNotFound, "NOT_FOUND", "No <thing>", nil), "GET", `{"error":{"code":"NOT_FOUND","message":"No <thing>"}}` + "\n", ""},
		{&Error{Status: 429, Code: "RATE_LIMITED", Message: "Slow down", Details: map[string]int{"limit": 5}, RetryAfter: 3}, "GET",
			`{"error":{"code":"RATE_LIMITED","message":"Slow down","details":{"limit":5}}}` + "\n", "3"},
		{Errorf(http.StatusBadRequest, "BAD", "Bad", "x"), "HEAD", "", ""},
	} {
		w := httptest.NewRecorder()
		c.e.WriteJSON(w, httptest.NewRequest(c.method, "/", nil))
		h := w.Header()
		if w.Code != c.e.Status || w.Body.String() != c.body || h.Get("Retry-After") != c.retryAfter ||
			h.Get("Content-Type") != "application/json; charset=utf-8" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: %d %q %v", c.method, c.e.Code, w.Code, w.Body.String(), h)
		}
	}
	// HEAD carries the Content-Length of GET: {"error": (9)
	// {"code":"BAD", (14) "message":"Bad", (16) "details":"x" (13) }} (2)
	// and a newline: 55 bytes.
	w := httptest.NewRecorder()
	Errorf(http.StatusBadRequest, "BAD", "Bad", "x").WriteJSON(w, httptest.NewRequest("HEAD", "/", nil))
	if got := w.Header().Get("Content-Length"); got != "55" {
		t.Errorf("HEAD Content-Length %s, want 55", got)
	}
}
