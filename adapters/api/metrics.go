package api

import (
	"net/http"
	"time"

	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/store"
)

// Metrics receives what the server measures, and serves GET /metrics.
// Package adapters/api/apimetrics is the Prometheus one toaststats-server
// uses (Deps.Metrics = apimetrics.New). It is an interface so that the
// programs that embed the API without being scraped (toaststats demo, the
// static export) link no metrics library: Prometheus's package inits cost
// every process start a few milliseconds.
//
// Its methods are called concurrently: Observe from the serving goroutines,
// BuildStarted and BuildFinished from the build jobs.
type Metrics interface {
	// Observe is told of every request the server answered, by route
	// ("GET /api/districts/:districtId/statistics", or "unmatched").
	httpkit.RequestObserver
	// BuildStarted is called when a background snapshot build starts.
	BuildStarted()
	// BuildFinished is called when it ends, with the job's status
	// (toaststats.Job.Status) and how long it ran.
	BuildFinished(status string, d time.Duration)
	// ServeHTTP answers GET /metrics.
	http.Handler
}

// MetricsSource is what a Metrics may read from the server when it is
// scraped. *Server implements it.
type MetricsSource interface {
	// ResponseCacheStats counts the answers served from the
	// encoded-response cache (hits) and those built because it lacked
	// them (misses), since the server started.
	ResponseCacheStats() (hits, misses uint64)
	// StoreReadStats are the snapshot store's read statistics since their
	// last reset; ok is false when the server has no store.
	StoreReadStats() (st store.Stats, ok bool)
}

// ResponseCacheStats implements MetricsSource.
func (s *Server) ResponseCacheStats() (hits, misses uint64) {
	return s.resps.Hits(), s.resps.Misses()
}

// StoreReadStats implements MetricsSource.
func (s *Server) StoreReadStats() (st store.Stats, ok bool) {
	if s.store == nil {
		return store.Stats{}, false
	}
	return s.store.Snapshots().Stats(), true
}

// handleMetrics serves GET /metrics from the Metrics (only routed when
// there are some, see apiRoutes).
func (s *Server) handleMetrics() http.Handler { return s.metrics }
