package api

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
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// reqInfo travels with a request: its id, the logical route that served it
// and the error answered, for the access log and metrics.
type reqInfo struct {
	id     string
	route  string
	err    *apiError
	client string // the client IP (see Server.clientAddr)
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
	var b [32]byte
	out := append(b[:0], g.prefix...)
	out = append(out, '-')
	hex := strconv.FormatUint(g.n.Add(1), 16)
	for range 8 - len(hex) {
		out = append(out, '0')
	}
	return string(append(out, hex...))
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

// outerMiddleware wraps the router in the server's middleware, outermost
// first: withRequestInfo, withAccessLog, withCORS, withRateLimit and
// withQueryLimit.
func (s *Server) outerMiddleware(next http.Handler) http.Handler {
	for _, mw := range []func(http.Handler) http.Handler{withQueryLimit, s.withRateLimit, s.withCORS, s.withAccessLog, s.withRequestInfo} {
		next = mw(next)
	}
	return next
}

// withRequestInfo gives the request its id (a plain X-Request-ID the client
// sent, or a new one, echoed in the answer) and its reqInfo with the client
// address (Server.clientAddr).
func (s *Server) withRequestInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := &reqInfo{}
		if v := r.Header["X-Request-Id"]; len(v) > 0 { // the canonical form of X-Request-ID
			ri.id = v[0]
		}
		if !validRequestID(ri.id) {
			ri.id = ids.next()
		}
		w.Header()["X-Request-Id"] = []string{ri.id}
		ri.client = s.clientAddr(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), reqInfoKey, ri)))
	})
}

// withAccessLog records what became of the request: a panic is answered
// 500 INTERNAL_SERVER_ERROR (unless the answer had begun), then the request
// is counted in the metrics and logged with its status, size, duration and
// the error answered.
func (s *Server) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := infoFrom(r.Context())
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
			s.logRequest(r, ri, sw, time.Since(start))
		}()
		next.ServeHTTP(sw, r)
	})
}

// logRequest counts a served request and writes its access log line.
func (s *Server) logRequest(r *http.Request, ri *reqInfo, sw *statusWriter, d time.Duration) {
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
	if peer := remoteIP(r); peer != ri.client {
		attrs = append(attrs, slog.String("peer", peer)) // the trusted proxy
	}
	if ri.err != nil {
		attrs = append(attrs, slog.String("error_code", ri.err.Code))
		if ri.err.Err != nil {
			attrs = append(attrs, slog.String("error", ri.err.Err.Error()))
		}
	}
	s.log.LogAttrs(r.Context(), level, "request", attrs...)
}

// withRateLimit answers 429 RATE_LIMITED (with Retry-After) to a client
// over its rate; /health is never limited.
func (s *Server) withRateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			if ok, retry := s.limiter.allow(clientIP(r)); !ok {
				ae := errorf(http.StatusTooManyRequests, "RATE_LIMITED", "Too many requests", nil)
				ae.RetryAfter = retry
				respondError(w, r, ae)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// withQueryLimit answers 414 QUERY_TOO_LONG to a query string over
// maxQueryBytes.
func withQueryLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.RawQuery) > maxQueryBytes {
			respondError(w, r, errorf(http.StatusRequestURITooLong, "QUERY_TOO_LONG", fmt.Sprintf("Query string exceeds %d bytes", maxQueryBytes), nil))
			return
		}
		next.ServeHTTP(w, r)
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

// authorize checks admin access: the request must carry
// "Authorization: Bearer <token>" (constant-time compare). Without a token
// configured admin routes are closed to everyone: where the request came
// from is no proof of anything behind a reverse proxy on the same host.
func (s *Server) authorize(r *http.Request) *apiError {
	if s.cfg.AdminToken == "" {
		return errorf(http.StatusForbidden, "ADMIN_DISABLED", "Admin routes are disabled: the server has no admin token", nil)
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

// clientIP is the client IP of the request, as the outer middleware worked
// it out (see Server.clientAddr).
func clientIP(r *http.Request) string {
	if ri := infoFrom(r.Context()); ri != nil && ri.client != "" {
		return ri.client
	}
	return remoteIP(r)
}

// remoteIP is the IP of the peer that connected.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clientAddr is the client IP used for rate limiting and logs. Forwarding
// headers are believed only when the peer is a trusted proxy
// (Config.TrustedProxies); then the client is the right-most address of
// the forwarding chain that is not itself a trusted proxy (addresses left
// of it were written by the client and prove nothing). Forwarded (RFC 7239)
// wins over X-Forwarded-For, which wins over X-Real-IP.
func (s *Server) clientAddr(r *http.Request) string {
	peer := remoteIP(r)
	if len(s.cfg.TrustedProxies) == 0 || !s.trusted(peer) {
		return peer
	}
	var chain []string
	if fw := r.Header.Values("Forwarded"); len(fw) > 0 {
		chain = forwardedFor(fw)
	} else if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		for _, v := range xff {
			for _, a := range strings.Split(v, ",") {
				chain = append(chain, strings.TrimSpace(a))
			}
		}
	} else if xr := strings.TrimSpace(r.Header.Get("X-Real-IP")); xr != "" {
		chain = []string{xr}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		ip, ok := parseForwardedIP(chain[i])
		if !ok {
			// Garbage in the chain: nothing left of it can be believed.
			return peer
		}
		if !s.trusted(ip) {
			return ip
		}
		peer = ip
	}
	return peer // every hop was a trusted proxy: the left-most one
}

// trusted reports whether ip is inside one of the trusted proxy ranges.
func (s *Server) trusted(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor returns the for= values of Forwarded headers, in order.
func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for _, elem := range strings.Split(v, ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					out = append(out, strings.Trim(val, `"`))
				}
			}
		}
	}
	return out
}

// parseForwardedIP parses one hop of a forwarding chain: an IP, an IP with
// a port, or a bracketed IPv6 with or without a port. Obfuscated or
// "unknown" hops are not IPs.
func parseForwardedIP(v string) (string, bool) {
	if a, err := netip.ParseAddr(v); err == nil {
		return a.Unmap().String(), true
	}
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().Unmap().String(), true
	}
	if h, ok := strings.CutPrefix(v, "["); ok {
		if h, ok = strings.CutSuffix(h, "]"); ok {
			if a, err := netip.ParseAddr(h); err == nil {
				return a.String(), true
			}
		}
	}
	return "", false
}

// withCORS adds CORS headers for configured origins and answers preflight
// requests itself.
func (s *Server) withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.cors(w, r) {
			next.ServeHTTP(w, r)
		}
	})
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
	if len(s.cfg.CORSOrigins) > 0 {
		// The answer depends on Origin whenever CORS is on, allowed or not.
		addVary(w.Header(), "Origin")
	}
	if allowed {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", "ETag, X-Request-ID, Retry-After")
	}
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		if allowed {
			h := w.Header()
			h.Set("Access-Control-Allow-Methods", s.methodsFor(r.URL.Path))
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

// addVary adds name to the Vary header, keeping what is there.
func addVary(h http.Header, name string) {
	for _, v := range h["Vary"] {
		for _, n := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(n), name) {
				return
			}
		}
	}
	h["Vary"] = append(h["Vary"], name)
}

// methodsFor lists the methods the routes matching path answer (HEAD with
// GET, and OPTIONS), for CORS preflight; the routes table is the only
// source, so a new method shows without touching CORS.
func (s *Server) methodsFor(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	seen := map[string]bool{}
	for _, ri := range s.routes {
		if routeMatches(ri.Path, segs) {
			seen[ri.Method] = true
			if ri.Method == http.MethodGet {
				seen[http.MethodHead] = true
			}
		}
	}
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if seen[m] {
			out = append(out, m)
		}
	}
	return strings.Join(append(out, http.MethodOptions), ", ")
}

// routeMatches reports whether a route pattern (":name" parameters)
// matches the path segments.
func routeMatches(pattern string, segs []string) bool {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	if len(ps) != len(segs) {
		return false
	}
	for i, p := range ps {
		if !strings.HasPrefix(p, ":") && p != segs[i] {
			return false
		}
	}
	return true
}
