package dashboardtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/toaststats/toaststats/normalize"
)

// Failure is a switchable misbehaviour of the imitation, seen on the real
// dashboard (spec/dashboard.md §1.5).
type Failure int

// The failure modes.
const (
	// FailNone serves normally.
	FailNone Failure = iota
	// FailRedirect answers 302 to /error.aspx?aspxerrorpath=<path> with an
	// "Object moved" body.
	FailRedirect
	// FailHTMLError answers 200 with the dashboard's HTML error page.
	FailHTMLError
	// Fail500 answers HTTP 500 with an ASP.NET runtime-error page.
	Fail500
	// FailEmpty answers 200 with the header and footer of the report that
	// would have been served, but no data rows.
	FailEmpty
	// FailSlow waits SlowDelay (or until the request is cancelled) and then
	// serves normally.
	FailSlow
	// FailRestatement serves the same footer with different numbers on every
	// call (intraday restatement).
	FailRestatement
	// Fail503 answers HTTP 503 with IIS's "Service Unavailable" page, as a
	// dashboard that is down (or an overloaded application pool) does.
	Fail503
)

var failureNames = [...]string{"none", "redirect", "html-error", "500", "empty", "slow", "restatement", "503"}

// String names the failure.
func (f Failure) String() string {
	if f >= 0 && int(f) < len(failureNames) {
		return failureNames[f]
	}
	return "Failure(" + strconv.Itoa(int(f)) + ")"
}

// FailureRule targets a failure at some requests. Empty fields match
// everything.
type FailureRule struct {
	Failure Failure
	// Page is the lower-case page name the rule applies to ("export.aspx",
	// "district.aspx", "default.aspx", ...); "" means export.aspx, "*" every
	// page.
	Page string
	// District limits the rule to one district id (from ?id= on pages, from
	// the descriptor on export.aspx).
	District string
	// Report limits the rule to one report kind.
	Report normalize.ReportKind
	// Times, when > 0, applies the rule to the next Times matching requests
	// only.
	Times int
}

// Server is a running imitation of dashboards.toastmasters.org on a
// loopback port, serving one World. Use it like httptest.Server.
type Server struct {
	// URL is the base URL, http://127.0.0.1:<port>, without a trailing
	// slash.
	URL string
	// World is the data the server publishes.
	World *World

	ln       net.Listener
	srv      *http.Server
	done     chan struct{}
	requests atomic.Int64
	exports  atomic.Int64
	salt     atomic.Int64

	mu        sync.Mutex
	rules     []*FailureRule
	latency   time.Duration
	slowDelay time.Duration
	log       []LoggedRequest
}

// LoggedRequest is one request the server received.
type LoggedRequest struct {
	// At is when the server received it (read from time.Now, so it carries
	// the monotonic clock), before any latency or failure.
	At time.Time
	// URI is the request URI, as RequestLog has it.
	URI string
	// Page is the lower-case path without the program-year prefix, as
	// FailureRule.Page names it: "default.aspx" for the root,
	// "district.aspx", "export.aspx", "error.aspx", ..., or whatever else
	// was asked for ("styles/site.css", "scripts/base.js", "favicon.ico").
	Page string
}

const maxLog = 10000

// NewServer starts a server for w on 127.0.0.1 with a free port. It panics
// only if no loopback port can be opened, like httptest.NewServer.
func NewServer(w *World) *Server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("dashboardtest: listen on loopback: %v", err))
	}
	s := &Server{URL: "http://" + ln.Addr().String(), World: w, ln: ln, done: make(chan struct{}), slowDelay: 30 * time.Second}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s
}

// NewHandler returns the imitation as a plain http.Handler that is not
// listening anywhere (URL is empty; Close does nothing), for callers that
// serve it themselves, e.g. the demo on a fixed address.
func NewHandler(w *World) *Server {
	return &Server{World: w, slowDelay: 30 * time.Second}
}

// Close stops the server, cancelling requests in flight, and waits for it.
func (s *Server) Close() {
	if s.srv == nil {
		return
	}
	_ = s.srv.Close()
	<-s.done
}

// SetFailure makes every export.aspx request fail with f (FailNone clears
// every failure, including rules added with AddFailure).
func (s *Server) SetFailure(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
	if f != FailNone {
		s.rules = []*FailureRule{{Failure: f}}
	}
}

// AddFailure adds a targeted failure rule; the first matching rule wins.
func (s *Server) AddFailure(r FailureRule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rr := r
	rr.Page = strings.ToLower(rr.Page)
	s.rules = append(s.rules, &rr)
}

// SetLatency adds d to every request (cut short when the request is
// cancelled).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetSlowDelay sets how long FailSlow waits (default 30 s).
func (s *Server) SetSlowDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slowDelay = d
}

// Requests is how many requests the server has received.
func (s *Server) Requests() int64 { return s.requests.Load() }

// ExportRequests is how many export.aspx requests the server has received.
func (s *Server) ExportRequests() int64 { return s.exports.Load() }

// RequestLog returns the request URIs received so far (the most recent
// 10,000), oldest first.
func (s *Server) RequestLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	uris := make([]string, len(s.log))
	for i, r := range s.log {
		uris[i] = r.URI
	}
	return uris
}

// LoggedRequests returns the requests received so far (the most recent
// 10,000), oldest first, with when they arrived and the page they asked
// for: the same entries as RequestLog.
func (s *Server) LoggedRequests() []LoggedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LoggedRequest(nil), s.log...)
}

// failureFor returns the failure for a request, consuming counted rules.
func (s *Server) failureFor(page, districtID string, kind normalize.ReportKind) Failure {
	if page == "" {
		page = "default.aspx"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.rules {
		switch {
		case r.Page == "" && page != "export.aspx":
			continue
		case r.Page != "" && r.Page != "*" && r.Page != page:
			continue
		case r.District != "" && !strings.EqualFold(r.District, districtID):
			continue
		case r.Report != "" && r.Report != kind:
			continue
		}
		if r.Times > 0 {
			r.Times--
			if r.Times == 0 {
				s.rules = append(s.rules[:i:i], s.rules[i+1:]...)
			}
		}
		return r.Failure
	}
	return FailNone
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pageKinds maps page names to the report they show.
var pageKinds = map[string]normalize.ReportKind{
	"":              normalize.ReportSummary,
	"default.aspx":  normalize.ReportSummary,
	"district.aspx": normalize.ReportDistrict,
	"division.aspx": normalize.ReportDivision,
	"club.aspx":     normalize.ReportClub,
}

// ServeHTTP routes a request like the dashboard does.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	at := time.Now()
	s.requests.Add(1)
	py, hasPY, page := splitPath(r.URL.Path)
	logged := page
	if logged == "" {
		logged = "default.aspx"
	}
	s.mu.Lock()
	s.log = append(s.log, LoggedRequest{At: at, URI: r.URL.RequestURI(), Page: logged})
	if len(s.log) > maxLog {
		s.log = s.log[len(s.log)-maxLog:]
	}
	latency, slow := s.latency, s.slowDelay
	s.mu.Unlock()
	if sleepCtx(r.Context(), latency) != nil {
		return
	}

	kind, isPage := pageKinds[page]
	if !isPage && page != "export.aspx" && page != "error.aspx" {
		writeHTML(rw, http.StatusNotFound, notFoundPage(r.URL.Path))
		return
	}
	if page == "error.aspx" {
		writeHTML(rw, http.StatusOK, errorPage(r.URL.Query().Get("aspxerrorpath")))
		return
	}

	if hasPY && page == "" && !strings.HasSuffix(r.URL.Path, "/") {
		loc := r.URL.Path + "/"
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		http.Redirect(rw, r, loc, http.StatusMovedPermanently)
		return
	}
	districtID := r.URL.Query().Get("id")
	var desc descriptor
	if page == "export.aspx" {
		s.exports.Add(1)
		desc = parseDescriptor(r.URL.Query().Get("report"))
		kind, districtID = desc.kind, desc.district
	}
	fail := s.failureFor(page, districtID, kind)
	switch fail {
	case FailRedirect:
		redirectToError(rw, r)
		return
	case FailHTMLError:
		writeHTML(rw, http.StatusOK, errorPage(r.URL.Path))
		return
	case Fail500:
		writeHTML(rw, http.StatusInternalServerError, runtimeErrorPage())
		return
	case Fail503:
		writeHTML(rw, http.StatusServiceUnavailable, serviceUnavailablePage())
		return
	case FailSlow:
		if sleepCtx(r.Context(), slow) != nil {
			return
		}
	}

	live := s.World.livePY()
	if hasPY && (py > live || py < 2008) {
		// A year the dashboard does not have (yet): the July rollover shape.
		redirectToError(rw, r)
		return
	}
	if page == "export.aspx" {
		if hasPY && py == live {
			writeText(rw, http.StatusInternalServerError, "URL Rewrite Module Error.")
			return
		}
		s.serveExport(rw, r, desc, hasPY, py, fail)
		return
	}
	ctxPY := live
	if hasPY {
		ctxPY = py
	}
	s.servePage(rw, r, kind, ctxPY, ctxPY == live && !hasPY)
}

// splitPath reads a request path: the program year of a /{PY}/ prefix, and
// the lower-case rest ("" for the root).
func splitPath(p string) (py int, hasPY bool, page string) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	if len(segs) > 0 {
		if y, ok := parsePY(segs[0]); ok {
			py, hasPY = y, true
			segs = segs[1:]
		}
	}
	return py, hasPY, strings.ToLower(strings.Join(segs, "/"))
}

func redirectToError(rw http.ResponseWriter, r *http.Request) {
	loc := "/error.aspx?aspxerrorpath=" + r.URL.Path
	rw.Header().Set("Location", loc)
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(http.StatusFound)
	fmt.Fprintf(rw, "<html><head><title>Object moved</title></head><body>\r\n<h2>Object moved to <a href=\"%s\">here</a>.</h2>\r\n</body></html>\r\n", htmlEscape(loc))
}

func writeHTML(rw http.ResponseWriter, status int, body string) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = rw.Write([]byte(body))
}

func writeText(rw http.ResponseWriter, status int, body string) {
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = rw.Write([]byte(body))
}

// descriptor is a parsed export report descriptor.
type descriptor struct {
	kind           normalize.ReportKind
	district       string
	monthEnd, asOf string // raw slots
	programYear    string
	ok             bool
}

// parseDescriptor reads districtsummary~{monthEnd}~{asOf}~{PY} or
// {report}~{id}~{monthEnd}~{asOf}~{PY}; missing trailing slots are empty.
func parseDescriptor(s string) descriptor {
	parts := strings.Split(s, "~")
	at := func(i int) string {
		if i < len(parts) {
			return strings.TrimSpace(parts[i])
		}
		return ""
	}
	d := descriptor{kind: normalize.ReportKind(strings.ToLower(at(0)))}
	switch d.kind {
	case normalize.ReportSummary:
		d.monthEnd, d.asOf, d.programYear, d.ok = at(1), at(2), at(3), true
	case normalize.ReportDistrict, normalize.ReportDivision, normalize.ReportClub:
		d.district, d.monthEnd, d.asOf, d.programYear = strings.ToUpper(at(1)), at(2), at(3), at(4)
		d.ok = d.district != ""
	}
	return d
}

var fileNames = map[normalize.ReportKind]string{
	normalize.ReportSummary:  "District_Summary.csv",
	normalize.ReportDistrict: "District_Performance.csv",
	normalize.ReportDivision: "Division_Performance.csv",
	normalize.ReportClub:     "Club_Performance.csv",
}

// exportPlan is what export.aspx decided to serve.
type exportPlan struct {
	t        time.Time // data date to render; zero: empty report
	m        month     // footer month of an empty report
	footerAt time.Time // footer as-of of an empty report, or the stamp of a final-June body
	restamp  bool      // final June body with a "today" footer
}

// planExport applies rules B–E of spec §1.5.
func (w *World) planExport(d descriptor, archive bool, py int) exportPlan {
	me, meOK := parseSlashDate(d.monthEnd)
	asOf, asOfOK := parseSlashDate(d.asOf)
	if archive {
		if !meOK {
			jun := month((py+1)*12 + 5)
			return exportPlan{t: w.finalClose(jun), m: jun, footerAt: w.newest, restamp: true}
		}
		m := monthOf(me)
		if m.pyStart() != py {
			return w.emptyPlan(m, me, asOf, asOfOK)
		}
		return w.planMonth(m, me, asOf, asOfOK, d.asOf == "")
	}
	// Root: the live year only; the ~PY token is ignored (rule B).
	if !meOK || w.newest.IsZero() {
		return exportPlan{t: w.newest} // rule C: today's data
	}
	m := monthOf(me)
	newestMonth := w.dataMonth[w.newest]
	switch {
	case m > newestMonth:
		return w.emptyPlan(m, me, asOf, asOfOK) // not published yet: zero rows
	case m.pyStart() < w.livePY():
		return exportPlan{t: w.newest} // a past year at root: current data, silently
	}
	return w.planMonth(m, me, asOf, asOfOK, d.asOf == "")
}

func (w *World) planMonth(m month, me, asOf time.Time, asOfOK, asOfEmpty bool) exportPlan {
	if asOfEmpty {
		if list := w.asOfList(m); len(list) > 0 {
			return exportPlan{t: list[0]}
		}
		return w.emptyPlan(m, me, asOf, false)
	}
	if asOfOK && w.published[asOf] && w.dataMonth[asOf] == m {
		return exportPlan{t: asOf}
	}
	return w.emptyPlan(m, me, asOf, asOfOK)
}

// emptyPlan is rule E: the footer echoes the month-end slot and the
// requested as-of.
func (w *World) emptyPlan(m month, me, asOf time.Time, asOfOK bool) exportPlan {
	if !asOfOK {
		asOf = me
	}
	return exportPlan{m: m, footerAt: asOf}
}

func (s *Server) serveExport(rw http.ResponseWriter, r *http.Request, d descriptor, archive bool, py int, fail Failure) {
	typ := strings.ToUpper(r.URL.Query().Get("type"))
	if !d.ok || (typ != "CSV" && typ != "PDF") {
		redirectToError(rw, r)
		return
	}
	w := s.World
	plan := w.planExport(d, archive, py)
	id := d.district
	known := true
	if d.kind != normalize.ReportSummary && !plan.t.IsZero() {
		py := w.monthOf(plan.t).pyStart()
		dd := w.districtIn(d.district, py)
		if known = dd != nil; known {
			id = dd.idIn(py)
		}
	}
	var body []byte
	switch {
	case plan.t.IsZero() || !known:
		m, at := plan.m, plan.footerAt
		if !plan.t.IsZero() {
			m, _ = w.monthForAsOf(plan.t)
			at = plan.t
		}
		body = emptyReport(d.kind, w.eraFor(m.pyStart()), m, at)
	case fail == FailEmpty:
		m, _ := w.monthForAsOf(plan.t)
		at := plan.t
		if plan.restamp {
			at = plan.footerAt
		}
		body = emptyReport(d.kind, w.eraFor(m.pyStart()), m, at)
	case fail == FailRestatement:
		body = s.restated(d.kind, id, plan.t)
	default:
		var err error
		body, err = w.csvOn(d.kind, id, plan.t, 0)
		if err != nil {
			writeHTML(rw, http.StatusOK, errorPage(r.URL.Path))
			return
		}
	}
	if plan.restamp {
		body = restamp(body, plan.footerAt)
	}
	if typ == "PDF" {
		rw.Header().Set("Content-Type", "application/pdf")
		rw.Header().Set("Content-Disposition", "attachment; filename="+strings.TrimSuffix(fileNames[d.kind], ".csv")+".pdf")
		_, _ = rw.Write([]byte("%PDF-1.4\n% dashboardtest placeholder\n%%EOF\n"))
		return
	}
	rw.Header().Set("Content-Type", "application/octet-stream")
	rw.Header().Set("Content-Disposition", "attachment; filename="+fileNames[d.kind])
	rw.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = rw.Write(body)
}

// restated renders a fresh intraday restatement of the report: same footer,
// different bytes from the plain report and from the previous restatement.
func (s *Server) restated(kind normalize.ReportKind, id string, t time.Time) []byte {
	plain, _ := s.World.csvOn(kind, id, t, 0)
	var b []byte
	for i := 0; i < 50; i++ {
		salt := int(s.salt.Add(1))
		st := s.World.generate(t, s.World.monthOf(t), salt)
		b = st.render(kind, st.byID[id])
		if !bytes.Equal(b, plain) {
			return b
		}
	}
	return b
}

// restamp replaces the footer's as-of date (the archive's "final June body
// stamped today").
func restamp(body []byte, at time.Time) []byte {
	i := bytes.LastIndex(bytes.TrimSuffix(body, []byte("\r\n")), []byte("\r\n"))
	if i < 0 {
		return body
	}
	footer := string(body[i+2:])
	j := strings.Index(footer, ", As of ")
	if j < 0 {
		return body
	}
	out := append([]byte(nil), body[:i+2]...)
	out = append(out, footer[:j]...)
	out = append(out, ", As of "+at.Format(padded)+"\r\n"...)
	return out
}

// monthOf returns the data month of any as-of date (published or not).
func (w *World) monthOf(t time.Time) month {
	m, _ := w.monthForAsOf(t)
	return m
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")
	return r.Replace(s)
}

func queryEscape(s string) string { return url.QueryEscape(s) }
