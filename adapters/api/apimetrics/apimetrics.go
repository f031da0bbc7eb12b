// Package apimetrics is the Prometheus metrics of the API server, served
// at GET /metrics: toaststats-server sets api.Deps.Metrics to New.
//
// It is a package of its own so that the programs embedding the API
// without being scraped (toaststats demo, the static export) do not link
// Prometheus, whose package inits cost every process start a few
// milliseconds.
package apimetrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/toaststats/toaststats/adapters/api"
	"github.com/toaststats/toaststats/adapters/httpkit/httpmetrics"
)

// metrics are the server's Prometheus metrics, in a registry of their own.
type metrics struct {
	*httpmetrics.Metrics // requests by route, method and code; latency
	builds               *prometheus.CounterVec
	buildRunning         prometheus.Gauge
	buildSeconds         prometheus.Histogram
	handler              http.Handler
}

// New makes the server's metrics, in a registry of their own:
//
//   - toaststats_http_requests_total and
//     toaststats_http_request_duration_seconds (package httpmetrics);
//   - toaststats_response_cache_hits_total and _misses_total, read from src;
//   - toaststats_builds_total by status, toaststats_build_running and
//     toaststats_build_duration_seconds, of the background builds;
//   - the snapshot store's read statistics, read from src
//     (toaststats_store_*);
//   - the Go runtime and process collectors (go_*, process_*).
//
// Its signature is that of api.Deps.Metrics; src is read only when
// /metrics is scraped.
func New(src api.MetricsSource) api.Metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{Metrics: httpmetrics.New(reg, "toaststats")}
	respCacheHits := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "toaststats_response_cache_hits_total", Help: "Answers served from the encoded-response cache."},
		func() float64 { hits, _ := src.ResponseCacheStats(); return float64(hits) })
	respCacheMisses := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "toaststats_response_cache_misses_total", Help: "Answers built because the encoded-response cache lacked them."},
		func() float64 { _, misses := src.ResponseCacheStats(); return float64(misses) })
	m.builds = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "toaststats_builds_total", Help: "Background snapshot builds by outcome."}, []string{"status"})
	m.buildRunning = prometheus.NewGauge(prometheus.GaugeOpts{Name: "toaststats_build_running", Help: "1 while a snapshot build runs."})
	m.buildSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "toaststats_build_duration_seconds", Help: "Duration of background builds.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 14)})
	reg.MustRegister(respCacheHits, respCacheMisses, m.builds, m.buildRunning, m.buildSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{src: src})
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

// BuildStarted sets toaststats_build_running.
func (m *metrics) BuildStarted() { m.buildRunning.Set(1) }

// BuildFinished clears toaststats_build_running and counts the build by
// status, with its duration.
func (m *metrics) BuildFinished(status string, d time.Duration) {
	m.buildRunning.Set(0)
	m.builds.WithLabelValues(status).Inc()
	m.buildSeconds.Observe(d.Seconds())
}

// ServeHTTP answers GET /metrics in the Prometheus text format.
func (m *metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.handler.ServeHTTP(w, r) }

var (
	descStoreReads         = prometheus.NewDesc("toaststats_store_reads_total", "Snapshot store reads since the last reset.", nil, nil)
	descStoreHits          = prometheus.NewDesc("toaststats_store_cache_hits_total", "Snapshot store read-cache hits since the last reset.", nil, nil)
	descStoreMisses        = prometheus.NewDesc("toaststats_store_cache_misses_total", "Snapshot store read-cache misses since the last reset.", nil, nil)
	descStoreAvgLatency    = prometheus.NewDesc("toaststats_store_read_avg_seconds", "Average snapshot store read latency.", nil, nil)
	descStoreMaxLatency    = prometheus.NewDesc("toaststats_store_read_max_seconds", "Maximum snapshot store read latency.", nil, nil)
	descStoreConcurrent    = prometheus.NewDesc("toaststats_store_concurrent_reads", "Snapshot store reads in progress.", nil, nil)
	descStoreMaxConcurrent = prometheus.NewDesc("toaststats_store_max_concurrent_reads", "Most snapshot store reads seen at once.", nil, nil)
)

// storeCollector exports the snapshot store's plain counters at scrape
// time.
type storeCollector struct{ src api.MetricsSource }

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descStoreReads, descStoreHits, descStoreMisses, descStoreAvgLatency, descStoreMaxLatency, descStoreConcurrent, descStoreMaxConcurrent} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	st, ok := c.src.StoreReadStats()
	if !ok {
		return
	}
	ch <- prometheus.MustNewConstMetric(descStoreReads, prometheus.CounterValue, float64(st.Reads))
	ch <- prometheus.MustNewConstMetric(descStoreHits, prometheus.CounterValue, float64(st.CacheHits))
	ch <- prometheus.MustNewConstMetric(descStoreMisses, prometheus.CounterValue, float64(st.CacheMisses))
	ch <- prometheus.MustNewConstMetric(descStoreAvgLatency, prometheus.GaugeValue, st.AverageReadTime.Seconds())
	ch <- prometheus.MustNewConstMetric(descStoreMaxLatency, prometheus.GaugeValue, st.MaxReadTime.Seconds())
	ch <- prometheus.MustNewConstMetric(descStoreConcurrent, prometheus.GaugeValue, float64(st.ConcurrentReads))
	ch <- prometheus.MustNewConstMetric(descStoreMaxConcurrent, prometheus.GaugeValue, float64(st.MaxConcurrentReads))
}
