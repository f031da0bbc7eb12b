package httpkit

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/julienschmidt/httprouter"
)

// Route is one registered route: a method and an httprouter path
// (":name" parameters).
type Route struct {
	Method, Path string
}

// Router is an httprouter.Router that lets static words and a parameter
// share a path position below one prefix. httprouter cannot hold a static
// segment and a parameter at the same position, so every route below the
// shared prefix is registered as prefix/:p1/…/:pn and a dispatcher picks
// the route: at the first position where two routes differ a static
// segment wins over a parameter. Paths are matched as given: no redirects
// to "cleaned" paths or trailing slashes, 405 for a known path with
// another method, no automatic OPTIONS answers.
type Router struct {
	hr     *httprouter.Router
	prefix string
	shared map[string]*dispatcher // key: method + "/" + segment count
	routes []Route
}

// NewRouter makes a Router whose shared subtree is below sharedPrefix (for
// example "/api/districts/"; "" for none). Set NotFound and
// MethodNotAllowed on HTTPRouter to choose those answers; a path below the
// prefix that no route matches gets NotFound too.
func NewRouter(sharedPrefix string) *Router {
	hr := httprouter.New()
	hr.RedirectTrailingSlash = false
	hr.RedirectFixedPath = false
	hr.HandleMethodNotAllowed = true
	hr.HandleOPTIONS = false
	return &Router{hr: hr, prefix: sharedPrefix, shared: map[string]*dispatcher{}}
}

// HTTPRouter is the underlying router, for its NotFound and
// MethodNotAllowed handlers and for routes outside the dispatcher.
func (m *Router) HTTPRouter() *httprouter.Router { return m.hr }

// ServeHTTP routes the request.
func (m *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.hr.ServeHTTP(w, r) }

// Handle registers h for method and path (httprouter syntax); a GET route
// answers HEAD too. Handlers read parameters with [Param].
func (m *Router) Handle(method, path string, h http.Handler) {
	m.routes = append(m.routes, Route{Method: method, Path: path})
	m.register(method, path, h)
	if method == http.MethodGet {
		m.register(http.MethodHead, path, h)
	}
}

// Routes lists the routes registered with Handle, in order.
func (m *Router) Routes() []Route { return m.routes }

// register adds h to httprouter, through a dispatcher below the prefix.
func (m *Router) register(method, path string, h http.Handler) {
	if rest, ok := strings.CutPrefix(path, m.prefix); ok && m.prefix != "" && rest != "" {
		segs := strings.Split(rest, "/")
		key := method + "/" + strconv.Itoa(len(segs))
		d := m.shared[key]
		if d == nil {
			d = &dispatcher{hr: m.hr}
			m.shared[key] = d
			generic := make([]string, len(segs))
			for i := range segs {
				generic[i] = ":p" + strconv.Itoa(i+1)
			}
			m.hr.Handler(method, m.prefix+strings.Join(generic, "/"), d)
		}
		d.add(segs, h)
		return
	}
	m.hr.Handler(method, path, h)
}

// MethodsFor lists the methods the routes matching path answer (HEAD with
// GET, and OPTIONS always), in the order GET, HEAD, POST, PUT, PATCH,
// DELETE, OPTIONS, as Access-Control-Allow-Methods wants them.
func (m *Router) MethodsFor(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	seen := map[string]bool{}
	for _, ri := range m.routes {
		if routeMatches(ri.Path, segs) {
			seen[ri.Method] = true
			if ri.Method == http.MethodGet {
				seen[http.MethodHead] = true
			}
		}
	}
	var out []string
	for _, meth := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if seen[meth] {
			out = append(out, meth)
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

// dispatcher chooses among routes of one shape below the shared prefix.
type dispatcher struct {
	hr    *httprouter.Router
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
	if d.hr.NotFound != nil {
		d.hr.NotFound.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}

// Params returns the route parameters of the request.
func Params(r *http.Request) httprouter.Params { return httprouter.ParamsFromContext(r.Context()) }

// Param returns one route parameter of the request ("" when absent).
func Param(r *http.Request, name string) string {
	return httprouter.ParamsFromContext(r.Context()).ByName(name)
}

// Truncate shortens s to at most n bytes followed by "…", for echoing
// client input in messages and logs.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
