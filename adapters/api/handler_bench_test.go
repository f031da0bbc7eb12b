package api

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/toaststats/toaststats/store"
)

// benchServer serves the year fixture in-process.
func benchServer(b *testing.B) *Server {
	b.Helper()
	dir := os.Getenv("TOASTSTATS_LOADTEST_DIR")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "data")
	}
	yearFixture(b, dir)
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := NewServer(Config{}, Deps{Store: st})
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkHandler measures the cost of serving cached reads through the
// whole handler chain (no network).
func BenchmarkHandler(b *testing.B) {
	srv := benchServer(b)
	for _, tc := range []struct{ name, path string }{
		{"rankings", "/api/districts/rankings"},
		{"statistics", "/api/districts/3/statistics"},
		{"analytics", "/api/districts/1/analytics"},
	} {
		b.Run(tc.name, func(b *testing.B) { benchCached(b, srv, tc.path) })
	}
}

// benchCached serves path once (filling the response cache), then measures
// serving it again from many goroutines.
func benchCached(b *testing.B, srv *Server, path string) {
	req := httptest.NewRequest("GET", path, nil)
	req.RemoteAddr = "127.0.0.1:1234"
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: %d", path, rec.Code)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: http.Header{}}
		for pb.Next() {
			clear(w.h)
			srv.ServeHTTP(w, req)
		}
	})
}

// discardWriter is a ResponseWriter that drops the body, so the benchmark
// measures the handler chain rather than copying bodies.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkFirstAnswer measures a history route's first answer: every
// cache of the server emptied (answers, series, snapshot listing), so each
// iteration reads the district's year from the history index and runs the
// analytics, as after a server start or a new snapshot (issue 17's target:
// ≤ 100 ms for a year of daily snapshots).
func BenchmarkFirstAnswer(b *testing.B) {
	srv := benchServer(b)
	for _, tc := range []struct{ name, path string }{
		{"membership-analytics", "/api/districts/1/membership-analytics"},
		{"analytics", "/api/districts/1/analytics"},
		{"distinguished-club-analytics", "/api/districts/1/distinguished-club-analytics"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", tc.path, nil)
			req.RemoteAddr = "127.0.0.1:1234"
			for b.Loop() {
				srv.resps.Flush()
				srv.series.Clear()
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", tc.path, rec.Code, rec.Body.String())
				}
			}
		})
	}
}
