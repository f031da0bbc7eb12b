package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/assess"
	"github.com/toaststats/toaststats/readcheck"
	"github.com/toaststats/toaststats/store"
)

// BuildFunc builds snapshots from the raw cache: for one collection date,
// or for every pending date when date is "". The result is reported as JSON
// in the refresh job status. In production it is toaststats.Builder.Func.
type BuildFunc = toaststats.BuildFunc

// PendingFunc lists the raw-cache dates with no up-to-date snapshot.
type PendingFunc func(ctx context.Context) ([]string, error)

// Config is the server's behaviour that does not depend on other parts.
type Config struct {
	// AdminToken is the bearer token admin and cache-management routes
	// require. When empty those routes are closed (403 ADMIN_DISABLED) to
	// every client: the server program always sets one (see adminToken).
	AdminToken string
	// TrustedProxies are the reverse proxies whose forwarding headers
	// (Forwarded, X-Forwarded-For, X-Real-IP) are believed for the client
	// IP used by rate limiting and logs. Empty: the peer address is the
	// client, whatever the headers say.
	TrustedProxies []netip.Prefix
	// CORSOrigins are the browser origins allowed to call the API; empty
	// means no CORS headers at all.
	CORSOrigins []string
	// RateLimit is the steady requests per second allowed per client IP
	// (0 disables rate limiting); RateBurst is the burst size.
	RateLimit float64
	RateBurst int
	// Version is reported by /health and /api.
	Version string
}

// Deps are the parts the server is wired to.
type Deps struct {
	Store *store.Store
	// Build and Pending come from toaststats.Builder; Build may be nil (the
	// refresh route then answers 503 BUILDER_UNAVAILABLE).
	Build   BuildFunc
	Pending PendingFunc
	Logger  *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Metrics, when set, makes the server's metrics: NewServer calls it
	// once with the server itself, which the Metrics may read from when it
	// is scraped (not during the call: the server is not wired yet).
	// toaststats-server sets apimetrics.New. Nil (or a nil result): the
	// server keeps no metrics, and GET /metrics is neither routed (404) nor
	// in the OpenAPI document.
	Metrics func(MetricsSource) Metrics
}

// Server is the API server: an http.Handler serving the snapshot store, and
// the background builder that keeps it fresh.
type Server struct {
	cfg     Config
	store   *store.Store
	log     *slog.Logger
	now     func() time.Time
	started time.Time

	handler http.Handler
	routes  []routeInfo
	router  *httpkit.Router

	builds   *toaststats.Jobs
	metrics  Metrics // nil: none, and no GET /metrics
	limiter  *httpkit.Limiter
	resps    *httpkit.ResponseCache // encoded responses, keyed by snapshot generation
	series   *toaststats.Series
	book     *assess.Book
	reads    *readcheck.Recorder
	apiDocs  []route // the operations openapi.json describes
	openapi  *httpkit.Response
	openOnce sync.Once

	watchMu   sync.Mutex
	watchStop context.CancelFunc // stops the current-pointer watcher
	watchDone chan struct{}
}

// maxCachedResponseBytes bounds the memory of the response cache (plain
// and gzip bodies); the cache is flushed when an insert would exceed it.
const maxCachedResponseBytes = 32 << 20

// NewServer wires the API. The returned Server is an http.Handler; call
// Start to run scheduled builds and Close to stop them.
func NewServer(cfg Config, deps Deps) *Server {
	s := &Server{
		cfg:   cfg,
		store: deps.Store,
		log:   deps.Logger,
		now:   deps.Now,
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.started = time.Now()
	// Expired answers are dropped by the byte budget and on every build
	// (dropCaches).
	s.resps = httpkit.NewResponseCache(maxCachedResponseBytes, 10*time.Minute)
	s.series = toaststats.NewSeries(s.store, s.log)
	s.reads = readcheck.NewRecorder(2048)
	if deps.Metrics != nil {
		s.metrics = deps.Metrics(s)
	}
	s.limiter = httpkit.NewLimiter(cfg.RateLimit, cfg.RateBurst)
	s.builds = toaststats.NewJobs(deps.Build, toaststats.JobsOptions{Store: s.store, Pending: deps.Pending, Logger: s.log, Now: s.now,
		OnStart: s.buildStarted, OnFinish: s.buildFinished})
	s.book = assess.NewBook(s.store, assess.Options{Now: s.now, SnapshotIDs: s.series.SuccessfulIDs})

	m := newMux(s.routeMiddleware)
	s.apiDocs = s.apiRoutes()
	addRoutes(m, s, s.apiDocs)
	s.routes, s.router = m.routes, m.kit
	s.handler = s.outerMiddleware(m.kit)
	return s
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Close stops background work (scheduled builds, running jobs) and waits
// for it.
func (s *Server) Close() {
	s.builds.Close()
	s.limiter.Close()
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	if s.watchStop != nil {
		s.watchStop()
		<-s.watchDone
		s.watchStop = nil
	}
}

// Start runs the scheduled builds: once now if the raw cache holds data no
// snapshot covers, then every interval (0 = never again).
// It also keeps the current snapshot pointer checked off the request path
// (store.SnapshotStore.Watch), so snapshots published by another process
// reach readers within a second and no request waits for the check.
func (s *Server) Start(interval time.Duration) {
	s.watchMu.Lock()
	if s.watchStop == nil {
		ctx, cancel := context.WithCancel(context.Background())
		s.watchStop, s.watchDone = cancel, make(chan struct{})
		go func(done chan struct{}) {
			defer close(done)
			s.warmSeries(ctx)
			s.store.Snapshots().Watch(ctx, 0)
		}(s.watchDone)
	}
	s.watchMu.Unlock()
	s.builds.Schedule(interval)
}

// warmSeries reads the snapshot metadata every district's first analytics
// answer needs (Series.Warm): at start and after each build, off the
// request path.
func (s *Server) warmSeries(ctx context.Context) {
	if err := s.series.Warm(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("history: could not read the snapshot metadata ahead of the first answer; it is read then", "err", err)
	}
}

// buildStarted tells the metrics a build started.
func (s *Server) buildStarted(toaststats.Job) {
	if s.metrics != nil {
		s.metrics.BuildStarted()
	}
}

// buildFinished tells the metrics a build ended and drops the cached
// answers: they are keyed by snapshot generation, so nothing is stale, but
// the old generations only hold memory.
func (s *Server) buildFinished(j toaststats.Job, d time.Duration) {
	if s.metrics != nil {
		s.metrics.BuildFinished(j.Status, d)
	}
	s.dropCaches()
	s.warmSeries(context.Background())
}

// dropCaches empties the server's in-memory caches (encoded answers,
// loaded series, the snapshot listing); they refill on demand.
func (s *Server) dropCaches() {
	s.resps.Flush()
	s.series.Clear()
}
