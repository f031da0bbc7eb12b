package httpmetrics_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/adapters/httpkit/httpmetrics"
)

var _ httpkit.RequestObserver = (*httpmetrics.Metrics)(nil)

// TestMetricsThroughChain: requests served by a real httpkit.Chain are
// counted by route, method and code, with their latency in the histogram's
// buckets; a method outside the standard ones counts as OTHER.
func TestMetricsThroughChain(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := (&httpkit.Chain{Metrics: httpmetrics.New(reg, "demo")}).Then(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/things/1" {
			httpkit.InfoOf(r.Context()).Route = "GET /things/:id"
			return
		}
		http.NotFound(w, r)
	}))
	for _, req := range []struct{ method, path string }{{"GET", "/things/1"}, {"GET", "/things/1"}, {"BREW", "/things/1"}, {"GET", "/nothing"}} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(req.method, req.path, nil))
	}

	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mf := range mfs {
		names = append(names, mf.GetName())
	}
	if !slices.Equal(names, []string{"demo_http_request_duration_seconds", "demo_http_requests_total"}) {
		t.Fatalf("gathered %v, want demo_http_request_duration_seconds and demo_http_requests_total", names)
	}
	duration, requests := mfs[0], mfs[1]
	if requests.GetHelp() != "HTTP requests by route, method and status code." || duration.GetHelp() != "HTTP request latency by route." {
		t.Errorf("help %q, %q", requests.GetHelp(), duration.GetHelp())
	}

	counts := map[string]float64{}
	for _, m := range requests.GetMetric() {
		l := map[string]string{}
		for _, lp := range m.GetLabel() {
			l[lp.GetName()] = lp.GetValue()
		}
		counts[l["route"]+" "+l["method"]+" "+l["code"]] = m.GetCounter().GetValue()
	}
	want := map[string]float64{"GET /things/:id GET 200": 2, "GET /things/:id OTHER 200": 1, "unmatched GET 404": 1}
	if len(counts) != len(want) {
		t.Errorf("requests_total %v, want %v", counts, want)
	}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("requests_total{%s} = %v, want %v (all: %v)", k, counts[k], v, counts)
		}
	}

	wantBounds := []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}
	samples := map[string]uint64{}
	for _, m := range duration.GetMetric() {
		var bounds []float64
		for _, b := range m.GetHistogram().GetBucket() {
			bounds = append(bounds, b.GetUpperBound())
		}
		if !slices.Equal(bounds, wantBounds) {
			t.Errorf("buckets %v, want %v", bounds, wantBounds)
		}
		for _, lp := range m.GetLabel() {
			samples[lp.GetName()+"="+lp.GetValue()] = m.GetHistogram().GetSampleCount()
		}
	}
	if len(samples) != 2 || samples["route=GET /things/:id"] != 3 || samples["route=unmatched"] != 1 {
		t.Errorf("duration samples by route %v, want 3 for GET /things/:id and 1 unmatched", samples)
	}
}
