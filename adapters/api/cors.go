package api

import (
	"net/http"
	"strings"
)

// CORS for the configured browser origins.

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
