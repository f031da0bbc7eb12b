package api

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/julienschmidt/httprouter"
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
// the :districtId parameter share a path position. httprouter cannot hold a
// static segment and a parameter at the same position, so every route
// below this prefix is registered as /api/districts/:p1/…/:pn and a
// dispatcher picks the logical route: static segments win over parameters,
// left to right. "rankings" and "cache" are therefore reserved words and
// can never be district ids.
const sharedPrefix = "/api/districts/"

// mux records the logical routes and registers them with httprouter.
type mux struct {
	hr     *httprouter.Router
	routes []routeInfo
	shared map[string]*dispatcher // key: method + "/" + segment count
	wrap   func(routeInfo, http.Handler) http.Handler
}

func newMux(wrap func(routeInfo, http.Handler) http.Handler) *mux {
	hr := httprouter.New()
	// Paths are matched as given: no redirects to "cleaned" paths, so a
	// path with ".." segments is a 4xx, never a 3xx to somewhere else.
	hr.RedirectTrailingSlash = false
	hr.RedirectFixedPath = false
	hr.HandleMethodNotAllowed = true
	hr.HandleOPTIONS = false
	return &mux{hr: hr, shared: map[string]*dispatcher{}, wrap: wrap}
}

// handle registers one logical route (a GET route answers HEAD too).
func (m *mux) handle(method, path string, acc access, h http.Handler) {
	ri := routeInfo{Method: method, Path: path, Access: acc}
	m.routes = append(m.routes, ri)
	h = m.wrap(ri, h)
	m.register(method, path, h)
	if method == http.MethodGet {
		m.register(http.MethodHead, path, h)
	}
}

// register adds h to httprouter, through a dispatcher below sharedPrefix.
func (m *mux) register(method, path string, h http.Handler) {
	if rest, ok := strings.CutPrefix(path, sharedPrefix); ok && rest != "" {
		segs := strings.Split(rest, "/")
		key := method + "/" + strconv.Itoa(len(segs))
		d := m.shared[key]
		if d == nil {
			d = &dispatcher{}
			m.shared[key] = d
			generic := make([]string, len(segs))
			for i := range segs {
				generic[i] = ":p" + strconv.Itoa(i+1)
			}
			m.hr.Handler(method, sharedPrefix+strings.Join(generic, "/"), d)
		}
		d.add(segs, h)
		return
	}
	m.hr.Handler(method, path, h)
}

// dispatcher chooses among logical routes of one shape below sharedPrefix.
type dispatcher struct {
	cands []candidate
}

type candidate struct {
	segs []string // "name" static, ":name" parameter
	h    http.Handler
}

func (d *dispatcher) add(segs []string, h http.Handler) {
	d.cands = append(d.cands, candidate{segs: segs, h: h})
	// Most specific first: at the first differing position a static
	// segment sorts before a parameter.
	sort.SliceStable(d.cands, func(i, j int) bool {
		a, b := d.cands[i].segs, d.cands[j].segs
		for k := range a {
			as, bs := strings.HasPrefix(a[k], ":"), strings.HasPrefix(b[k], ":")
			if as != bs {
				return !as
			}
		}
		return false
	})
}

func (d *dispatcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ps := httprouter.ParamsFromContext(r.Context())
	for _, c := range d.cands {
		if len(ps) != len(c.segs) {
			continue
		}
		var named httprouter.Params
		ok := true
		for i, s := range c.segs {
			if name, isParam := strings.CutPrefix(s, ":"); isParam {
				named = append(named, httprouter.Param{Key: name, Value: ps[i].Value})
			} else if s != ps[i].Value {
				ok = false
				break
			}
		}
		if ok {
			ctx := context.WithValue(r.Context(), httprouter.ParamsKey, named)
			c.h.ServeHTTP(w, r.WithContext(ctx))
			return
		}
	}
	respondError(w, r, errNotFoundRoute(r))
}

func errNotFoundRoute(r *http.Request) *apiError {
	return errorf(http.StatusNotFound, "ROUTE_NOT_FOUND", "No route for "+r.Method+" "+truncate(r.URL.Path, 200), nil)
}

// param returns a route parameter of the request.
func paramsOf(r *http.Request) httprouter.Params { return httprouter.ParamsFromContext(r.Context()) }

func param(r *http.Request, name string) string {
	return httprouter.ParamsFromContext(r.Context()).ByName(name)
}

// truncate shortens s to at most n bytes for echoing in messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
