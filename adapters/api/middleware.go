package api

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/toaststats/toaststats/adapters/httpkit"
)

// clientIP is the client IP of the request, as the outer middleware worked
// it out (Config.TrustedProxies).
func clientIP(r *http.Request) string { return httpkit.ClientIP(r) }

// maxQueryBytes bounds the query string of every request.
const maxQueryBytes = 2048

// outerMiddleware wraps the router in the server's middleware (an
// httpkit.Chain), outermost first: request id and client IP, access log
// and metrics, CORS, the rate limit (never on /health) and the query
// limit; the errors they answer use the API's error envelope.
func (s *Server) outerMiddleware(next http.Handler) http.Handler {
	c := &httpkit.Chain{
		Proxies: httpkit.Proxies(s.cfg.TrustedProxies),
		Logger:  s.log,
		Metrics: s.observer(),
		CORS: &httpkit.CORS{
			Origins:       s.cfg.CORSOrigins,
			ExposeHeaders: "ETag, X-Request-ID, Retry-After",
			AllowHeaders:  "Authorization, Content-Type, If-None-Match, X-Request-ID",
			MaxAge:        "600",
			Methods:       s.methodsFor,
		},
		Limiter:       s.limiter,
		Unlimited:     func(r *http.Request) bool { return r.URL.Path == "/health" },
		MaxQueryBytes: maxQueryBytes,
		Fail:          respondError,
	}
	return c.Then(next)
}

// observer is what the chain reports requests to: the Metrics, or nil
// (no Metrics) rather than an interface holding a nil Metrics.
func (s *Server) observer() httpkit.RequestObserver {
	if s.metrics == nil {
		return nil
	}
	return s.metrics
}

// methodsFor lists the methods the routes matching path answer, for CORS
// preflight; the routes table is the only source, so a new method shows
// without touching CORS.
func (s *Server) methodsFor(path string) string { return s.router.MethodsFor(path) }

// routeMiddleware wraps each logical route: it names the route for logs and
// metrics and enforces admin access.
func (s *Server) routeMiddleware(ri routeInfo, next http.Handler) http.Handler {
	name := ri.Method + " " + ri.Path
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := httpkit.InfoOf(r.Context()); info != nil {
			info.Route = name
		}
		if ri.Access == admin {
			if err := s.authorize(r); err != nil {
				if err.Status == http.StatusUnauthorized {
					// RFC 9110 §11.6.1: a 401 names the scheme it wants
					// (RFC 6750 §3 for a token that was sent and refused).
					challenge := `Bearer realm="toaststats admin"`
					if err.Message == invalidToken {
						challenge += `, error="invalid_token"`
					}
					w.Header().Set("WWW-Authenticate", challenge)
				}
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
	// The scheme is case-insensitive (RFC 9110 §11.1), the token is not.
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimLeft(tok, " ")
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return errorf(http.StatusUnauthorized, "UNAUTHORIZED", "Missing bearer token", nil)
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.AdminToken)) != 1 {
		return errorf(http.StatusUnauthorized, "UNAUTHORIZED", invalidToken, nil)
	}
	return nil
}

// invalidToken is the message of the 401 for a token that was sent and
// is not the admin token.
const invalidToken = "Invalid bearer token"
