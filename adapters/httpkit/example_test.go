package httpkit_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/adapters/httpkit/httpmetrics"
)

// A small server: a router with a shared prefix, the middleware chain
// behind a trusted proxy, and an encoded answer served with ETag and gzip.
func Example() {
	rt := httpkit.NewRouter("/users/")
	rt.Handle("GET", "/users/:id", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpkit.InfoOf(r.Context()).Route = "GET /users/:id" // for the access log and metrics
		er, err := httpkit.JSON(http.StatusOK, map[string]string{"id": httpkit.Param(r, "id"), "client": httpkit.ClientIP(r)}, "public, max-age=60")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		er.ServeHTTP(w, r)
	}))
	rt.Handle("GET", "/users/me", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "the static word wins\n")
	}))
	lim := httpkit.NewLimiter(10, 20)
	defer lim.Close()
	chain := &httpkit.Chain{
		Proxies:       httpkit.Proxies{netip.MustParsePrefix("127.0.0.0/8")},
		Logger:        slog.New(slog.DiscardHandler),
		Metrics:       httpmetrics.New(prometheus.NewRegistry(), "example"), // Prometheus request metrics
		Limiter:       lim,
		MaxQueryBytes: 1024,
	}
	srv := httptest.NewServer(chain.Then(rt))
	defer srv.Close()

	get := func(path string, hdr ...string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultTransport.RoundTrip(req) // no automatic gzip
		if err != nil {
			panic(err)
		}
		return resp
	}
	resp := get("/users/42", "X-Forwarded-For", "203.0.113.7")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(resp.StatusCode, " ", string(b))
	resp = get("/users/42", "If-None-Match", resp.Header.Get("ETag"), "X-Forwarded-For", "203.0.113.7")
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	resp = get("/users/me")
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(string(b))
	// Output:
	// 200 {"client":"203.0.113.7","id":"42"}
	// 304
	// the static word wins
}
