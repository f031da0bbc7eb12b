package api

import (
	"net/http"
	"regexp"
	"sync"

	"github.com/julienschmidt/httprouter"
	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/internal/openapi"
)

// access says who may call a route.
type access int

const (
	// public routes answer anyone (subject to rate limits).
	public access = iota
	// admin routes need the bearer token, always (403 when the server
	// has none).
	admin
)

// routeInfo describes one logical route of the API as the router and the
// middleware see it. Path uses httprouter syntax (":name" parameters).
type routeInfo struct {
	Method string
	Path   string
	Access access
}

// sharedPrefix is the subtree where static words ("rankings", "cache") and
// the :districtId parameter share a path position (httpkit.Router's
// dispatcher: static segments win over parameters, left to right).
// "rankings" and "cache" are therefore reserved words and can never be
// district ids.
const sharedPrefix = "/api/districts/"

// mux records the logical routes of the API and registers them, wrapped by
// wrap (route name, authorization), with an httpkit.Router.
type mux struct {
	kit    *httpkit.Router
	routes []routeInfo
	wrap   func(routeInfo, http.Handler) http.Handler
}

func newMux(wrap func(routeInfo, http.Handler) http.Handler) *mux {
	kit := httpkit.NewRouter(sharedPrefix)
	return &mux{kit: kit, wrap: wrap}
}

// handle registers one route of the API (a GET route answers HEAD too),
// admin when its doc says Bearer, at its path in httprouter syntax.
func (m *mux) handle(rt route) {
	ri := routeInfo{Method: rt.doc.Method, Path: openapi.PathParam.ReplaceAllString(rt.doc.Path, ":$1"), Access: public}
	if rt.doc.Bearer {
		ri.Access = admin
	}
	m.routes = append(m.routes, ri)
	m.kit.Handle(ri.Method, ri.Path, m.wrap(ri, rt.h))
}

func errNotFoundRoute(r *http.Request) *apiError {
	return errorf(http.StatusNotFound, "ROUTE_NOT_FOUND", "No route for "+r.Method+" "+truncate(r.URL.Path, 200), nil)
}

// paramsOf returns the route parameters of the request; param one of them.
func paramsOf(r *http.Request) httprouter.Params { return httpkit.Params(r) }

func param(r *http.Request, name string) string { return httpkit.Param(r, name) }

// truncate shortens s to at most n bytes for echoing in messages.
func truncate(s string, n int) string { return httpkit.Truncate(s, n) }

// lazyRegexp compiles its pattern on first use. The CLI links this package
// for demo and export-static, and every other command of it (build, scrape,
// verify) would otherwise compile these patterns at start-up for nothing.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
