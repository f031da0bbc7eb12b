package api

import (
	"net/http"

	"github.com/julienschmidt/httprouter"
	"github.com/toaststats/toaststats/adapters/httpkit"
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

// routeInfo describes one logical route of the API, as routes.go declares
// it. Path uses httprouter syntax (":name" parameters).
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
	hr     *httprouter.Router
	routes []routeInfo
	wrap   func(routeInfo, http.Handler) http.Handler
}

func newMux(wrap func(routeInfo, http.Handler) http.Handler) *mux {
	kit := httpkit.NewRouter(sharedPrefix)
	return &mux{kit: kit, hr: kit.HTTPRouter(), wrap: wrap}
}

// handle registers one logical route (a GET route answers HEAD too).
func (m *mux) handle(method, path string, acc access, h http.Handler) {
	ri := routeInfo{Method: method, Path: path, Access: acc}
	m.routes = append(m.routes, ri)
	m.kit.Handle(method, path, m.wrap(ri, h))
}

func errNotFoundRoute(r *http.Request) *apiError {
	return errorf(http.StatusNotFound, "ROUTE_NOT_FOUND", "No route for "+r.Method+" "+truncate(r.URL.Path, 200), nil)
}

// paramsOf returns the route parameters of the request; param one of them.
func paramsOf(r *http.Request) httprouter.Params { return httpkit.Params(r) }

func param(r *http.Request, name string) string { return httpkit.Param(r, name) }

// truncate shortens s to at most n bytes for echoing in messages.
func truncate(s string, n int) string { return httpkit.Truncate(s, n) }
