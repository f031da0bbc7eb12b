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
// to "cleaned" paths or trailing slashes, no automatic OPTIONS answers.
//
// A path no route matches with any method is answered by NotFound; a path
// that routes match with other methods only by MethodNotAllowed, with an
// Allow header listing those methods. Both are worked out from the routes
// as registered, never from httprouter's generic shapes below the prefix
// (whose methods are those of every route of the same length).
type Router struct {
	// NotFound and MethodNotAllowed answer unmatched requests; nil
	// answers plain 404 and 405.
	NotFound, MethodNotAllowed http.Handler

	hr     *httprouter.Router
	prefix string
	shared map[string]*dispatcher // key: method + "/" + segment count
	routes []Route
}

// NewRouter makes a Router whose shared subtree is below sharedPrefix (for
// example "/api/districts/"; "" for none).
func NewRouter(sharedPrefix string) *Router {
	hr := httprouter.New()
	hr.RedirectTrailingSlash = false
	hr.RedirectFixedPath = false
	// Unmatched requests all reach unmatched, which knows the real routes.
	hr.HandleMethodNotAllowed = false
	hr.HandleOPTIONS = false
	m := &Router{hr: hr, prefix: sharedPrefix, shared: map[string]*dispatcher{}}
	hr.NotFound = http.HandlerFunc(m.unmatched)
	return m
}

// ServeHTTP routes the request.
func (m *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.hr.ServeHTTP(w, r) }

// unmatched answers a request no route took: 405 with Allow when routes
// match the path with other methods, otherwise 404.
func (m *Router) unmatched(w http.ResponseWriter, r *http.Request) {
	if allow := m.methods(r.URL.Path); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		if m.MethodNotAllowed != nil {
			m.MethodNotAllowed.ServeHTTP(w, r)
			return
		}
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	if m.NotFound != nil {
		m.NotFound.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}

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
			d = &dispatcher{unmatched: m.unmatched}
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
	return strings.Join(append(m.methods(path), http.MethodOptions), ", ")
}

// methods lists the methods the routes matching path answer (HEAD with
// GET), in the order GET, HEAD, POST, PUT, PATCH, DELETE.
func (m *Router) methods(path string) []string {
	segs := segments(path)
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
	return out
}

// routeMatches reports whether a route pattern (":name" parameters)
// matches the path segments as httprouter would: segment by segment, a
// parameter never empty, a trailing slash significant.
func routeMatches(pattern string, segs []string) bool {
	ps := segments(pattern)
	if len(ps) != len(segs) {
		return false
	}
	for i, p := range ps {
		if strings.HasPrefix(p, ":") {
			if segs[i] == "" {
				return false
			}
		} else if p != segs[i] {
			return false
		}
	}
	return true
}

// segments splits a path after its leading slash ("/a/b/" is "a", "b", "").
func segments(path string) []string {
	return strings.Split(strings.TrimPrefix(path, "/"), "/")
}

// dispatcher chooses among routes of one shape below the shared prefix.
type dispatcher struct {
	unmatched http.HandlerFunc
	cands     []candidate
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
	d.unmatched(w, r)
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
