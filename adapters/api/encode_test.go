package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestResponseCacheCountsGzipWhenMade: a cached answer counts its body and
// key at once and its gzip variant only once a gzip client made it; an
// answer no longer cached adds nothing.
func TestResponseCacheCountsGzipWhenMade(t *testing.T) {
	srv := newTestServer(t, false, Config{}, Deps{}).srv
	body := []byte(strings.Repeat(`{"club":"x"},`, 1000)) // 13,000 bytes
	build := func() (*encodedResponse, error) {
		return newEncoded(http.StatusOK, "application/json", body, "no-store"), nil
	}
	er, _ := srv.cachedResponse("k1", build)
	if got := srv.respBytes.Load(); got != 13000+2 {
		t.Fatalf("after caching: %d bytes counted, want 13002", got)
	}
	er.write(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if got := srv.respBytes.Load(); got != 13002 {
		t.Fatalf("after an identity answer: %d, want 13002 (no gzip made)", got)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	w := httptest.NewRecorder()
	er.write(w, r)
	gz := w.Body.Len()
	if w.Header().Get("Content-Encoding") != "gzip" || gz == 0 || gz >= 13000 {
		t.Fatalf("gzip answer: %q, %d bytes", w.Header().Get("Content-Encoding"), gz)
	}
	if got := srv.respBytes.Load(); got != int64(13002+gz) {
		t.Fatalf("after the first gzip answer: %d, want %d", got, 13002+gz)
	}
	er.write(httptest.NewRecorder(), r)
	if got := srv.respBytes.Load(); got != int64(13002+gz) {
		t.Fatalf("gzip counted twice: %d", got)
	}
	// Dropped from the cache before a gzip client came: nothing added.
	er2, _ := srv.cachedResponse("k2", build)
	srv.dropCaches()
	er2.write(httptest.NewRecorder(), r)
	if got := srv.respBytes.Load(); got != 0 {
		t.Fatalf("an answer no longer cached added %d bytes", got)
	}
}
