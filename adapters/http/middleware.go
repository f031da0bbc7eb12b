package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// reqInfo travels with a request: its id, the logical route that served it
// and the error answered, for the access log and metrics.
type reqInfo struct {
	id    string
	route string
	err   *apiError
}

type ctxKey int

const reqInfoKey ctxKey = 1

func infoFrom(ctx context.Context) *reqInfo {
	ri, _ := ctx.Value(reqInfoKey).(*reqInfo)
	return ri
}

// noteError records the error answered, for the access log.
func noteError(r *http.Request, ae *apiError) {
	if ri := infoFrom(r.Context()); ri != nil {
		ri.err = ae
	}
}

// requestIDs makes unique request ids: a random per-process prefix and a
// counter.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

var ids = func() *requestIDs {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &requestIDs{prefix: hex.EncodeToString(b)}
}()

func (g *requestIDs) next() string {
	return fmt.Sprintf("%s-%08x", g.prefix, g.n.Add(1))
}

// validRequestID accepts a client-sent X-Request-ID only when it is short
// and plain, so it can be echoed and logged safely.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// outerMiddleware wraps the router: request id, recovery, access log,
// metrics, CORS and per-client rate limiting.
func (s *Server) outerMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: r.Header.Get("X-Request-ID")}
		if !validRequestID(ri.id) {
			ri.id = ids.next()
		}
		w.Header().Set("X-Request-ID", ri.id)
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey, ri))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic serving request", "request_id", ri.id, "panic", fmt.Sprint(p))
				if sw.status == 0 {
					respondError(sw, r, internal("INTERNAL_SERVER_ERROR", fmt.Errorf("panic: %v", p)))
				}
			}
			d := time.Since(start)
			route := ri.route
			if route == "" {
				route = "unmatched"
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			s.metrics.observe(r.Method, route, sw.status, d)
			level := slog.LevelInfo
			if ri.err != nil && sw.status >= 500 {
				level = slog.LevelError
			}
			if !s.log.Enabled(r.Context(), level) {
				return
			}
			attrs := []slog.Attr{
				slog.String("request_id", ri.id),
				slog.String("method", r.Method),
				slog.String("path", truncate(r.URL.Path, 256)),
				slog.String("route", route),
				slog.Int("status", sw.status),
				slog.Int("bytes", sw.bytes),
				slog.Duration("duration", d),
				slog.String("remote", clientIP(r)),
			}
			if ri.err != nil {
				attrs = append(attrs, slog.String("error_code", ri.err.Code))
				if ri.err.Err != nil {
					attrs = append(attrs, slog.String("error", ri.err.Err.Error()))
				}
			}
			s.log.LogAttrs(r.Context(), level, "request", attrs...)
		}()

		if s.cors(sw, r) {
			return
		}
		if r.URL.Path != "/health" {
			if ok, retry := s.limiter.allow(clientIP(r)); !ok {
				ae := errorf(http.StatusTooManyRequests, "RATE_LIMITED", "Too many requests", nil)
				ae.RetryAfter = retry
				respondError(sw, r, ae)
				return
			}
		}
		if len(r.URL.RawQuery) > maxQueryBytes {
			respondError(sw, r, errorf(http.StatusRequestURITooLong, "QUERY_TOO_LONG", fmt.Sprintf("Query string exceeds %d bytes", maxQueryBytes), nil))
			return
		}
		next.ServeHTTP(sw, r)
	})
}

// maxQueryBytes bounds the query string of every request.
const maxQueryBytes = 2048

// routeMiddleware wraps each logical route: it names the route for logs and
// metrics and enforces admin access.
func (s *Server) routeMiddleware(ri routeInfo, next http.Handler) http.Handler {
	name := ri.Method + " " + ri.Path
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoFrom(r.Context()); info != nil {
			info.route = name
		}
		if ri.Access == admin {
			if err := s.authorize(r); err != nil {
				respondError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// authorize checks admin access: with a token configured the request must
// carry "Authorization: Bearer <token>" (constant-time compare); without
// one, only requests that arrived on a loopback listener are allowed.
func (s *Server) authorize(r *http.Request) *apiError {
	if s.cfg.AdminToken == "" {
		if addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && isLoopbackAddr(addr.String()) {
			return nil
		}
		return errorf(http.StatusForbidden, "ADMIN_DISABLED", "Admin routes are disabled: no admin token is configured and the server is not on a loopback address", nil)
	}
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		ae := errorf(http.StatusUnauthorized, "UNAUTHORIZED", "Missing bearer token", nil)
		return ae
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.AdminToken)) != 1 {
		return errorf(http.StatusUnauthorized, "UNAUTHORIZED", "Invalid bearer token", nil)
	}
	return nil
}

func isLoopbackAddr(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// clientIP is the remote IP of the request (proxies are not trusted).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// cors adds CORS headers for configured origins and answers preflight
// requests. It reports whether the request was fully answered.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	allowed := false
	if origin != "" {
		for _, o := range s.cfg.CORSOrigins {
			if o == origin || o == "*" {
				allowed = true
				break
			}
		}
	}
	if allowed {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Expose-Headers", "ETag, X-Request-ID, Retry-After")
	}
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		if allowed {
			h := w.Header()
			h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match, X-Request-ID")
			h.Set("Access-Control-Max-Age", "600")
		}
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}

// clientLimiter is a token bucket per client IP.
type clientLimiter struct {
	limit rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*limiterEntry
	stop  chan struct{}
	done  chan struct{}
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newClientLimiter(perSecond float64, burst int) *clientLimiter {
	c := &clientLimiter{limit: rate.Limit(perSecond), burst: burst, m: map[string]*limiterEntry{}, stop: make(chan struct{}), done: make(chan struct{})}
	if c.burst < 1 {
		c.burst = 1
	}
	if perSecond <= 0 {
		close(c.done)
		return c
	}
	go c.sweep()
	return c
}

// allow reports whether the client may proceed and, if not, how many
// seconds it should wait.
func (c *clientLimiter) allow(ip string) (bool, int) {
	if c.limit <= 0 {
		return true, 0
	}
	now := time.Now()
	c.mu.Lock()
	e := c.m[ip]
	if e == nil {
		e = &limiterEntry{lim: rate.NewLimiter(c.limit, c.burst)}
		c.m[ip] = e
	}
	e.seen = now
	c.mu.Unlock()
	if e.lim.AllowN(now, 1) {
		return true, 0
	}
	wait := math.Ceil(1 / float64(c.limit))
	if wait < 1 {
		wait = 1
	}
	return false, int(wait)
}

// sweep forgets clients idle for ten minutes.
func (c *clientLimiter) sweep() {
	defer close(c.done)
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case now := <-t.C:
			c.mu.Lock()
			for ip, e := range c.m {
				if now.Sub(e.seen) > 10*time.Minute {
					delete(c.m, ip)
				}
			}
			c.mu.Unlock()
		}
	}
}

func (c *clientLimiter) close() {
	select {
	case <-c.stop:
	default:
		if c.limit > 0 {
			close(c.stop)
		}
	}
	<-c.done
}
