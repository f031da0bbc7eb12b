package httpkit

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestResponseCacheCountsGzipWhenMade: a cached answer counts its body and
// key at once and its gzip variant only once a gzip client made it; an
// answer no longer cached adds nothing.
func TestResponseCacheCountsGzipWhenMade(t *testing.T) {
	c := NewResponseCache(32<<20, time.Minute)
	body := []byte(strings.Repeat(`{"club":"x"},`, 1000)) // 13,000 bytes
	build := func() (*Response, error) {
		return NewResponse(http.StatusOK, "application/json", body, "no-store"), nil
	}
	er, _ := c.Get("k1", build)
	if got := c.Bytes(); got != 13000+2 {
		t.Fatalf("after caching: %d bytes counted, want 13002", got)
	}
	er.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if got := c.Bytes(); got != 13002 {
		t.Fatalf("after an identity answer: %d, want 13002 (no gzip made)", got)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	w := httptest.NewRecorder()
	er.ServeHTTP(w, r)
	gz := w.Body.Len()
	if w.Header().Get("Content-Encoding") != "gzip" || gz == 0 || gz >= 13000 {
		t.Fatalf("gzip answer: %q, %d bytes", w.Header().Get("Content-Encoding"), gz)
	}
	if got := c.Bytes(); got != int64(13002+gz) {
		t.Fatalf("after the first gzip answer: %d, want %d", got, 13002+gz)
	}
	er.ServeHTTP(httptest.NewRecorder(), r)
	if got := c.Bytes(); got != int64(13002+gz) {
		t.Fatalf("gzip counted twice: %d", got)
	}
	// Dropped from the cache before a gzip client came: nothing added.
	er2, _ := c.Get("k2", build)
	if n, b := c.Flush(); n != 2 || b != int64(2*13002+gz) {
		t.Fatalf("flush: %d entries, %d bytes; want 2, %d", n, b, 2*13002+gz)
	}
	er2.ServeHTTP(httptest.NewRecorder(), r)
	if got := c.Bytes(); got != 0 {
		t.Fatalf("an answer no longer cached added %d bytes", got)
	}
}

// TestResponseCacheBudget: with a budget of 1,000 bytes an answer of 398
// bytes under a 3-byte key (401 > 3/8 of 1,000 = 375) is built every time
// and never kept; answers of 300 bytes under 2-byte keys (302 each) fit
// three to the budget (906), and the fourth (1,208 > 1,000) flushes the
// others first.
func TestResponseCacheBudget(t *testing.T) {
	c := NewResponseCache(1000, time.Minute)
	builds := 0
	build := func(n int) func() (*Response, error) {
		return func() (*Response, error) {
			builds++
			return NewResponse(http.StatusOK, "text/plain", make([]byte, n), ""), nil
		}
	}
	c.Get("big", build(398))
	c.Get("big", build(398))
	if builds != 2 || c.Bytes() != 0 {
		t.Fatalf("too big: %d builds, %d bytes counted", builds, c.Bytes())
	}
	for _, k := range []string{"k1", "k2", "k3", "k1"} {
		c.Get(k, build(300))
	}
	if builds != 5 || c.Bytes() != 906 || c.Hits() != 1 || c.Misses() != 5 {
		t.Fatalf("three fit: %d builds, %d bytes, %d hits, %d misses", builds, c.Bytes(), c.Hits(), c.Misses())
	}
	c.Get("k4", build(300))
	c.Get("k1", build(300))
	// k4 flushed k1..k3 and counted itself (302); k1 came back (604).
	if builds != 7 || c.Bytes() != 604 {
		t.Fatalf("after the flush: %d builds, %d bytes", builds, c.Bytes())
	}
	boom := errors.New("boom")
	if _, err := c.Get("k5", func() (*Response, error) { return nil, boom }); err != boom {
		t.Fatalf("failed build: %v", err)
	}
	if _, err := c.Get("k5", build(10)); err != nil || builds != 8 {
		t.Fatalf("a failed build was cached: %v, %d builds", err, builds)
	}
}

// TestResponseSetHeader: a header set on a Response goes with every
// answer, 304 included.
func TestResponseSetHeader(t *testing.T) {
	e := NewResponse(http.StatusOK, "text/csv", []byte("a,b\n"), "no-cache")
	e.SetHeader("content-disposition", `attachment; filename="x.csv"`)
	for _, inm := range []string{"", e.ETag()} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("If-None-Match", inm)
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		if got := w.Header().Get("Content-Disposition"); got != `attachment; filename="x.csv"` {
			t.Errorf("If-None-Match %q: %d, Content-Disposition %q", inm, w.Code, got)
		}
	}
}
