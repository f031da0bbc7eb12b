package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkPages measures the leader pages on the year fixture (365 daily
// snapshots, 128 ranked districts, 10 with 110 clubs each):
//   - cached/*: server time for a page already in the response cache
//     (target < 2 ms);
//   - district-first-render/cold: the district page with every cache
//     emptied first (list, series, answers): loading a year of history,
//     the analytics and the rendering (target < 300 ms);
//   - district-first-render/series-warm: the same with the history already
//     loaded: analytics and rendering only.
func BenchmarkPages(b *testing.B) {
	srv := benchServer(b)
	serve := func(b *testing.B, path string) {
		req := httptest.NewRequest("GET", path, nil)
		req.RemoteAddr = "127.0.0.1:1234"
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", path, rec.Code)
		}
	}
	for _, tc := range []struct{ name, path string }{
		{"home", "/"},
		{"district", "/districts/3"},
		{"clubs", "/districts/3/clubs"},
	} {
		b.Run("cached/"+tc.name, func(b *testing.B) { benchCached(b, srv, tc.path) })
	}
	b.Run("district-first-render/cold", func(b *testing.B) {
		for b.Loop() {
			srv.resps.Flush()
			srv.series.Clear()
			serve(b, "/districts/3")
		}
	})
	b.Run("district-first-render/series-warm", func(b *testing.B) {
		serve(b, "/districts/3")
		for b.Loop() {
			srv.resps.Flush()
			serve(b, "/districts/3")
		}
	})
}
