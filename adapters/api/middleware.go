package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
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
