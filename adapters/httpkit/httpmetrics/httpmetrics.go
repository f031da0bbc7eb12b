// Package httpmetrics counts the requests an httpkit.Chain serves as
// Prometheus metrics: set Chain.Metrics to New(reg, namespace).
//
// It is a package of its own so that httpkit links no Prometheus: its
// package inits cost every process start a few milliseconds, and only
// long-running servers are scraped.
package httpmetrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are Prometheus request metrics: <namespace>_http_requests_total
// by route, method and code, and <namespace>_http_request_duration_seconds
// by route. A *Metrics is an httpkit.RequestObserver.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// New makes the request metrics and registers them with reg; it panics,
// as prometheus.MustRegister does, if reg already has metrics of those
// names.
func New(reg prometheus.Registerer, namespace string) *Metrics {
	m := &Metrics{}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: namespace + "_http_requests_total", Help: "HTTP requests by route, method and status code.",
	}, []string{"route", "method", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    namespace + "_http_request_duration_seconds",
		Help:    "HTTP request latency by route.",
		Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
	}, []string{"route"})
	reg.MustRegister(m.requests, m.duration)
	return m
}

// Observe counts one request. Methods outside the standard ones count as
// "OTHER": clients choose methods, the label set stays bounded.
func (m *Metrics) Observe(method, route string, status int, d time.Duration) {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete, http.MethodPut, http.MethodPatch, http.MethodOptions:
	default:
		method = "OTHER"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}
