package httpkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Chain is the middleware stack of a server, outermost first:
//
//  1. request info: the request id (a plain X-Request-ID the client sent,
//     or a new one, echoed in the answer) and the client IP (Proxies), in
//     the request's [Info];
//  2. the access log: a panic is answered 500 INTERNAL_SERVER_ERROR
//     (unless the answer had begun; http.ErrAbortHandler passes through),
//     then the request is reported to Metrics and logged with its route,
//     status, size, duration, client and the error noted ([Note]);
//  3. CORS (when set);
//  4. the rate limit (when Limiter is set): 429 RATE_LIMITED with
//     Retry-After to a client over its rate, keyed by client IP;
//  5. the query checks (when MaxQueryBytes > 0): 414 QUERY_TOO_LONG over
//     the limit, 400 INVALID_QUERY for a query string that does not parse
//     (a bad %-escape, a ';'), whose parameters every handler would
//     otherwise silently not see (url.Values drops them).
type Chain struct {
	// Proxies are the trusted reverse proxies (see Proxies.ClientIP).
	Proxies Proxies
	// Logger writes the access log (nil: none).
	Logger *slog.Logger
	// Metrics is told of every request served (nil: none); package
	// httpkit/httpmetrics counts them for Prometheus.
	Metrics RequestObserver
	// CORS answers cross-origin requests (nil: no CORS handling).
	CORS *CORS
	// Limiter limits each client's rate (nil: no limit); requests for
	// which Unlimited reports true are never limited.
	Limiter   *Limiter
	Unlimited func(*http.Request) bool
	// MaxQueryBytes bounds the raw query string (0: no bound, and no
	// check that it parses).
	MaxQueryBytes int
	// Fail writes the errors the chain answers itself (always an *Error);
	// nil writes "code: message" as text/plain. A Fail should pass err
	// through [Note] so the access log names it.
	Fail func(w http.ResponseWriter, r *http.Request, err error)
}

// RequestObserver is told of each request the chain served, after the
// answer: its method as the client sent it (any token: an observer that
// labels by it bounds it itself), its route (Info.Route, or "unmatched"),
// its status and how long it took. Observe is called from the serving
// goroutines, concurrently. It is an interface so that httpkit links no
// metrics library into every program that serves HTTP: package
// httpkit/httpmetrics is the Prometheus one.
type RequestObserver interface {
	Observe(method, route string, status int, d time.Duration)
}

// Then wraps h in the chain.
func (c *Chain) Then(h http.Handler) http.Handler {
	for _, mw := range []func(http.Handler) http.Handler{c.withQueryLimit, c.withRateLimit, c.withCORS, c.withAccessLog, c.withRequestInfo} {
		h = mw(h)
	}
	return h
}

func (c *Chain) fail(w http.ResponseWriter, r *http.Request, err *Error) {
	if c.Fail != nil {
		c.Fail(w, r, err)
		return
	}
	e := Note(r, err)
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(e.Status)
	_, _ = io.WriteString(w, e.Code+": "+e.Message+"\n")
}

func (c *Chain) withRequestInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := &Info{}
		if v := r.Header["X-Request-Id"]; len(v) > 0 { // the canonical form of X-Request-ID
			ri.ID = v[0]
		}
		if !validRequestID(ri.ID) {
			ri.ID = ids().next()
		}
		w.Header()["X-Request-Id"] = []string{ri.ID}
		ri.Client = c.Proxies.ClientIP(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), infoKey, ri)))
	})
}

func (c *Chain) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := InfoOf(r.Context())
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				if c.Logger != nil {
					c.Logger.Error("panic serving request", "request_id", ri.ID, "panic", fmt.Sprint(p))
				}
				if sw.status == 0 {
					c.fail(sw, r, Internal("INTERNAL_SERVER_ERROR", fmt.Errorf("panic: %v", p)))
				}
			}
			c.logRequest(r, ri, sw, time.Since(start))
		}()
		next.ServeHTTP(sw, r)
	})
}

// logRequest counts a served request and writes its access log line.
func (c *Chain) logRequest(r *http.Request, ri *Info, sw *statusWriter, d time.Duration) {
	route := ri.Route
	if route == "" {
		route = "unmatched"
	}
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	if c.Metrics != nil {
		c.Metrics.Observe(r.Method, route, sw.status, d)
	}
	level := slog.LevelInfo
	if ri.Err != nil && sw.status >= 500 {
		level = slog.LevelError
	}
	if c.Logger == nil || !c.Logger.Enabled(r.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("request_id", ri.ID),
		slog.String("method", r.Method),
		slog.String("path", Truncate(r.URL.Path, 256)),
		slog.String("route", route),
		slog.Int("status", sw.status),
		slog.Int("bytes", sw.bytes),
		slog.Duration("duration", d),
		slog.String("remote", ri.Client),
	}
	if peer := RemoteIP(r); peer != ri.Client {
		attrs = append(attrs, slog.String("peer", peer)) // the trusted proxy
	}
	if ri.Err != nil {
		attrs = append(attrs, slog.String("error_code", ri.Err.Code))
		if ri.Err.Err != nil {
			attrs = append(attrs, slog.String("error", ri.Err.Err.Error()))
		}
	}
	c.Logger.LogAttrs(r.Context(), level, "request", attrs...)
}

func (c *Chain) withCORS(next http.Handler) http.Handler {
	if c.CORS == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !c.CORS.Handle(w, r) {
			next.ServeHTTP(w, r)
		}
	})
}

func (c *Chain) withRateLimit(next http.Handler) http.Handler {
	if c.Limiter == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.Unlimited == nil || !c.Unlimited(r) {
			if ok, retry := c.Limiter.Allow(ClientIP(r)); !ok {
				e := Errorf(http.StatusTooManyRequests, "RATE_LIMITED", "Too many requests", nil)
				e.RetryAfter = retry
				c.fail(w, r, e)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (c *Chain) withQueryLimit(next http.Handler) http.Handler {
	if c.MaxQueryBytes <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.RawQuery) > c.MaxQueryBytes {
			c.fail(w, r, Errorf(http.StatusRequestURITooLong, "QUERY_TOO_LONG", fmt.Sprintf("Query string exceeds %d bytes", c.MaxQueryBytes), nil))
			return
		}
		if r.URL.RawQuery != "" {
			if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
				c.fail(w, r, Errorf(http.StatusBadRequest, "INVALID_QUERY", "Query string does not parse: "+err.Error(), "Received: "+Truncate(r.URL.RawQuery, 40)))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// requestIDs makes unique request ids: a random per-process prefix and a
// counter of at least 8 hex digits. The prefix is drawn on the first
// request, not at start-up: reading the random source first is ~0.4 ms
// that CLI commands which never serve HTTP would pay.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

var ids = sync.OnceValue(func() *requestIDs {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &requestIDs{prefix: hex.EncodeToString(b)}
})

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
// and plain (1-64 of A-Z a-z 0-9 - _ .), so it can be echoed and logged
// safely.
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

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
