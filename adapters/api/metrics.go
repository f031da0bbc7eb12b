package api

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/toaststats/toaststats/adapters/httpkit/httpmetrics"
)

// metrics are the server's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg          *prometheus.Registry
	http         *httpmetrics.Metrics // requests by route, method and code; latency
	builds       *prometheus.CounterVec
	buildRunning prometheus.Gauge
	buildSeconds prometheus.Histogram
	handler      http.Handler
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.http = httpmetrics.New(m.reg, "toaststats")
	respCacheHits := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "toaststats_response_cache_hits_total", Help: "Answers served from the encoded-response cache."},
		func() float64 { return float64(s.resps.Hits()) })
	respCacheMisses := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "toaststats_response_cache_misses_total", Help: "Answers built because the encoded-response cache lacked them."},
		func() float64 { return float64(s.resps.Misses()) })
	m.builds = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "toaststats_builds_total", Help: "Background snapshot builds by outcome."}, []string{"status"})
	m.buildRunning = prometheus.NewGauge(prometheus.GaugeOpts{Name: "toaststats_build_running", Help: "1 while a snapshot build runs."})
	m.buildSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "toaststats_build_duration_seconds", Help: "Duration of background builds.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 14)})
	m.reg.MustRegister(respCacheHits, respCacheMisses, m.builds, m.buildRunning, m.buildSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{s: s})
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

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
type storeCollector struct{ s *Server }

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descStoreReads, descStoreHits, descStoreMisses, descStoreAvgLatency, descStoreMaxLatency, descStoreConcurrent, descStoreMaxConcurrent} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	if c.s.store == nil {
		return
	}
	st := c.s.store.Snapshots().Stats()
	ch <- prometheus.MustNewConstMetric(descStoreReads, prometheus.CounterValue, float64(st.Reads))
	ch <- prometheus.MustNewConstMetric(descStoreHits, prometheus.CounterValue, float64(st.CacheHits))
	ch <- prometheus.MustNewConstMetric(descStoreMisses, prometheus.CounterValue, float64(st.CacheMisses))
	ch <- prometheus.MustNewConstMetric(descStoreAvgLatency, prometheus.GaugeValue, st.AverageReadTime.Seconds())
	ch <- prometheus.MustNewConstMetric(descStoreMaxLatency, prometheus.GaugeValue, st.MaxReadTime.Seconds())
	ch <- prometheus.MustNewConstMetric(descStoreConcurrent, prometheus.GaugeValue, float64(st.ConcurrentReads))
	ch <- prometheus.MustNewConstMetric(descStoreMaxConcurrent, prometheus.GaugeValue, float64(st.MaxConcurrentReads))
}

func (s *Server) handleMetrics() http.Handler { return s.metrics.handler }
