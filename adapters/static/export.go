package static

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/toaststats/toaststats/adapters/api"
	"github.com/toaststats/toaststats/store"
)

// DistrictAnswers are the per-district answers exported for the current
// snapshot, as the last segment of /api/districts/{id}/{answer}.
var DistrictAnswers = []string{
	"statistics", "clubs", "membership-history", "educational-awards", "rank-history", "cached-dates",
	"membership-analytics", "analytics", "vulnerable-clubs", "leadership-insights", "distinguished-club-analytics",
}

// SnapshotDistrictAnswers are the per-district answers exported for every
// past snapshot (?date=): the answers of that one snapshot.
var SnapshotDistrictAnswers = []string{"statistics", "clubs"}

// Options tune Export. The zero value exports everything, incrementally.
type Options struct {
	// Since limits the per-date files (api/snapshots/<date>/) to snapshots
	// of this date (YYYY-MM-DD) and later; "" keeps every snapshot.
	Since string
	// NoHistory exports no per-date files at all (only the current
	// snapshot's answers); per-date files of an earlier export are deleted.
	NoHistory bool
	// Full writes every file again, whatever the previous index says, and
	// deletes files under api/ that the new index does not name (also those
	// no index names). Use it when the destination was changed by hand.
	Full bool
	// Parallel is how many answers are rendered and written at once
	// (default 8).
	Parallel int
	// Logger receives a line per pass and per failed answer (default:
	// none).
	Logger *slog.Logger
	// Progress, when set, is called after each answer, one call at a time,
	// with the answers done and the answers known so far (the total grows
	// as the lists of dates and districts are read, and with each pass).
	Progress func(done, total int)
}

// Result counts what an export did.
type Result struct {
	// SnapshotID is the current snapshot the export reflects.
	SnapshotID string `json:"snapshotId"`
	// Files is the number of files the index lists; Bytes their total size.
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// Written files got new bytes; Unchanged files already had them.
	Written   int `json:"written"`
	Unchanged int `json:"unchanged"`
	// Deleted files were listed by the previous index (or, with Full,
	// found under api/) and answer nothing any more.
	Deleted int `json:"deleted"`
	// Absent counts requests the API answers with 404 (for example the
	// statistics of a district that is only ranked): no file.
	Absent int `json:"absent"`
	// BytesWritten is the size of the files written.
	BytesWritten int64 `json:"bytesWritten"`
	// IndexWritten is false when index.json already had these bytes.
	IndexWritten bool `json:"indexWritten"`
	// Passes is how many times the answers were rendered: more than one
	// when a snapshot was published during the export.
	Passes int `json:"passes"`
	// Failed lists the answers the API could not give (5xx and other
	// unexpected statuses); the previous file, if any, is kept and listed.
	Failed []Failure `json:"failed,omitempty"`
	// IndexProblem says why the previous index.json could not be used
	// (every file was then written again).
	IndexProblem string `json:"indexProblem,omitempty"`
	// Duration is the wall time of the export.
	Duration time.Duration `json:"duration"`
}

// Failure is an answer that could not be exported.
type Failure struct {
	Request string `json:"request"`
	Status  int    `json:"status"`
	// Body is the start of the answer (the API's error envelope).
	Body string `json:"body"`
}

var (
	// ErrNoSnapshot reports a store with no snapshot to export yet.
	ErrNoSnapshot = errors.New("static: the store has no snapshot to export yet")
	// ErrIncomplete reports an export in which some answers failed (see
	// Result.Failed); everything else was exported and indexed, and the
	// index says it is not complete and lists the failures.
	ErrIncomplete = errors.New("static: some answers could not be exported")
	// ErrSnapshotChanged reports snapshots published during every one of
	// the export's passes; the index written names each file's snapshot.
	ErrSnapshotChanged = errors.New("static: snapshots kept being published during the export")
)

// maxPasses bounds the renders of one export when snapshots keep being
// published meanwhile.
const maxPasses = 3

// Export writes the read-only API of the snapshot store st to dst (see the
// package documentation for the files): it serves the requests with
// api.NewServer over st, in process, and writes only what changed since the
// previous export to dst. The Result is returned also with an error when
// something was done.
func Export(ctx context.Context, st *store.Store, dst store.Objects, opts Options) (*Result, error) {
	// A long-lived store may hold a current view up to two seconds old:
	// export the snapshot the pointer names now.
	if _, err := st.Snapshots().Refresh(ctx); err != nil && !errors.Is(err, store.ErrNoSnapshot) {
		return nil, fmt.Errorf("static: read the current snapshot: %w", err)
	}
	srv := api.NewServer(api.Config{}, api.Deps{Store: st})
	defer srv.Close()
	return ExportHandler(ctx, srv, dst, opts)
}

// ExportHandler is Export over any handler that serves the toaststats API,
// for example an *api.Server a program already runs (its caches are then
// shared with its clients).
func ExportHandler(ctx context.Context, h http.Handler, dst store.Objects, opts Options) (*Result, error) {
	start := time.Now()
	if opts.Since != "" {
		if err := store.ValidDate(opts.Since); err != nil {
			return nil, fmt.Errorf("static: Options.Since: %w", err)
		}
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 8
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	x := &exporter{h: h, dst: dst, opts: opts, log: log, res: &Result{}, have: map[string]IndexEntry{}, written: map[string]bool{}}
	prevRaw, err := dst.Read(ctx, IndexKey)
	switch {
	case err == nil:
		idx, perr := ParseIndex(prevRaw)
		if perr != nil {
			x.res.IndexProblem = perr.Error()
			log.Warn("static export: previous index unusable, writing every file", "err", perr)
			prevRaw = nil
			break
		}
		for _, e := range idx.Files {
			x.have[e.Path] = e
		}
	case isNotExist(err):
	default:
		return nil, fmt.Errorf("static: read the previous %s: %w", IndexKey, err)
	}
	prevPaths := make([]string, 0, len(x.have))
	for p := range x.have {
		prevPaths = append(prevPaths, p)
	}

	var ps *passState
	for {
		x.res.Passes++
		ps, err = x.pass(ctx)
		if err != nil {
			x.res.Duration = time.Since(start)
			return x.res, err
		}
		log.Info("static export pass", "pass", x.res.Passes, "snapshot", ps.pinned, "files", len(ps.entries), "mixed", len(ps.mixed))
		if len(ps.mixed) == 0 || x.res.Passes >= maxPasses {
			break
		}
	}

	if len(ps.failures) > 0 {
		// An answer that failed may be the list that names other files
		// (the dates, a date's districts): an incomplete export deletes
		// nothing, and its index keeps listing what it could not check.
		x.mu.Lock()
		for p, e := range x.have {
			if _, ok := ps.entries[p]; !ok {
				ps.entries[p] = e
			}
		}
		x.mu.Unlock()
	}

	// The index, last of the writes; it says what failed.
	idx := &Index{Format: FormatVersion, SnapshotID: ps.pinned, Complete: len(ps.failures) == 0, Files: make([]IndexEntry, 0, len(ps.entries))}
	for _, f := range ps.failures {
		idx.Failures = append(idx.Failures, IndexFailure{Path: KeyOf(f.Request), Request: f.Request, Status: f.Status, Error: ps.failureText[f.Request]})
	}
	for _, e := range ps.entries {
		idx.Files = append(idx.Files, e)
	}
	sort.Slice(idx.Files, func(i, j int) bool { return idx.Files[i].Path < idx.Files[j].Path })
	raw, err := idx.Marshal()
	if err != nil {
		return x.res, err
	}
	if !bytes.Equal(raw, prevRaw) {
		if err := dst.Write(ctx, IndexKey, raw); err != nil {
			x.res.Duration = time.Since(start)
			return x.res, fmt.Errorf("static: write %s: %w", IndexKey, err)
		}
		x.res.IndexWritten = true
	}

	// Then the files no index names any more.
	gone := map[string]bool{}
	for _, p := range prevPaths {
		if _, ok := ps.entries[p]; !ok {
			gone[p] = true
		}
	}
	for p := range x.written {
		if _, ok := ps.entries[p]; !ok {
			gone[p] = true
		}
	}
	if opts.Full {
		found, err := listTree(ctx, dst, "api/")
		if err != nil {
			x.res.Duration = time.Since(start)
			return x.res, fmt.Errorf("static: list the destination: %w", err)
		}
		for _, p := range found {
			if _, ok := ps.entries[p]; !ok {
				gone[p] = true
			}
		}
	}
	if err := x.deleteAll(ctx, gone, ps.entries); err != nil {
		x.res.Duration = time.Since(start)
		return x.res, err
	}

	x.res.SnapshotID = ps.pinned
	x.res.Files = len(ps.entries)
	x.res.Absent = ps.absent
	x.res.Failed = ps.failures
	for p, e := range ps.entries {
		x.res.Bytes += e.Size
		if x.written[p] {
			x.res.Written++
		}
	}
	x.res.Unchanged = x.res.Files - x.res.Written
	x.res.Duration = time.Since(start)
	switch {
	case len(ps.mixed) > 0:
		return x.res, fmt.Errorf("%w (%d passes; for example %s named another snapshot than %s): run the export again", ErrSnapshotChanged, x.res.Passes, ps.mixed[0], ps.pinned)
	case len(ps.failures) > 0:
		f := ps.failures[0]
		return x.res, fmt.Errorf("%w: %d failed, for example GET %s: status %d %s", ErrIncomplete, len(ps.failures), f.Request, f.Status, f.Body)
	}
	return x.res, nil
}

// exporter is one run of ExportHandler.
type exporter struct {
	h    http.Handler
	dst  store.Objects
	opts Options
	log  *slog.Logger
	res  *Result

	mu sync.Mutex
	// have is what the destination holds, by path: the previous index,
	// then what this run wrote.
	have map[string]IndexEntry
	// written are the paths this run wrote.
	written map[string]bool

	// done and total count answers for Options.Progress.
	progressMu  sync.Mutex
	done, total int
}

// progress notes n more requests to render (done false) or one rendered.
func (x *exporter) progress(n int, rendered bool) {
	if x.opts.Progress == nil {
		return
	}
	x.progressMu.Lock()
	defer x.progressMu.Unlock()
	if rendered {
		x.done += n
	} else {
		x.total += n
	}
	x.opts.Progress(x.done, x.total)
}

// passState is one rendering of the whole API.
type passState struct {
	mu sync.Mutex
	// pinned is the current snapshot, as /api/districts names it.
	pinned   string
	entries  map[string]IndexEntry
	failures []Failure
	// failureText is what the index says of each failed request
	// (errorText of its whole answer).
	failureText map[string]string
	absent      int
	// mixed are requests for the current snapshot whose answer named
	// another one (a snapshot was published meanwhile).
	mixed []string
}

// answer is one rendered request.
type answer struct {
	request string
	date    string // the ?date= of the request, "" for the current snapshot
	status  int
	body    []byte
}

// pass renders every request and writes the changed files.
func (x *exporter) pass(ctx context.Context) (*passState, error) {
	ps := &passState{entries: map[string]IndexEntry{}, failureText: map[string]string{}}

	// The district list names the current snapshot and its districts.
	x.progress(1, false)
	first := x.render(ctx, "/api/districts")
	x.progress(1, true)
	if first.status != http.StatusOK {
		if first.status == http.StatusServiceUnavailable && bytes.Contains(first.body, []byte(`"NO_SNAPSHOT_AVAILABLE"`)) {
			return nil, ErrNoSnapshot
		}
		return nil, fmt.Errorf("static: GET /api/districts: status %d %s", first.status, clip(first.body))
	}
	var list districtListBody
	if err := json.Unmarshal(first.body, &list); err != nil || list.Meta == nil || list.Meta.SnapshotID == "" {
		return nil, fmt.Errorf("static: GET /api/districts: not a district list: %v", err)
	}
	ps.pinned = list.Meta.SnapshotID
	if err := x.keep(ctx, ps, first); err != nil {
		return nil, err
	}

	ids := map[string]bool{}
	for _, d := range list.Data.Districts {
		ids[d.ID] = true
	}
	var dates []string
	err := x.renderAll(ctx, ps, []string{"/api/districts/rankings", "/api/districts/cache/dates"}, func(a answer) {
		switch {
		case a.status != http.StatusOK:
		case strings.HasSuffix(a.request, "/rankings"):
			var rk rankingsBody
			if json.Unmarshal(a.body, &rk) == nil {
				for _, r := range rk.Rankings {
					ids[r.DistrictID] = true
				}
			}
		default:
			var dl datesBody
			if json.Unmarshal(a.body, &dl) == nil {
				dates = dl.Data.Dates
			}
		}
	})
	if err != nil {
		return nil, err
	}

	// Past snapshots: their district lists first, to know their districts.
	var datedLists []string
	if !x.opts.NoHistory {
		for _, d := range dates {
			if store.ValidDate(d) == nil && d >= x.opts.Since {
				datedLists = append(datedLists, "/api/districts?date="+d)
			}
		}
	}
	var jobs []string
	err = x.renderAll(ctx, ps, datedLists, func(a answer) {
		if a.status != http.StatusOK {
			return
		}
		var dl districtListBody
		if json.Unmarshal(a.body, &dl) != nil {
			return
		}
		jobs = append(jobs, "/api/districts/rankings?date="+a.date)
		for _, d := range dl.Data.Districts {
			for _, name := range SnapshotDistrictAnswers {
				jobs = append(jobs, "/api/districts/"+url.PathEscape(d.ID)+"/"+name+"?date="+a.date)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		if c, err := store.ValidDistrictID(id); err == nil {
			sorted = append(sorted, c)
		}
	}
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	for _, id := range sorted {
		for _, name := range DistrictAnswers {
			jobs = append(jobs, "/api/districts/"+url.PathEscape(id)+"/"+name)
		}
	}
	if err := x.renderAll(ctx, ps, jobs, nil); err != nil {
		return nil, err
	}
	slices.Sort(ps.mixed)
	sort.Slice(ps.failures, func(i, j int) bool { return ps.failures[i].Request < ps.failures[j].Request })
	return ps, nil
}

// renderAll renders and keeps requests, Parallel at a time; then (when
// not nil) each answer is passed to seen, one at a time.
func (x *exporter) renderAll(ctx context.Context, ps *passState, requests []string, seen func(answer)) error {
	x.progress(len(requests), false)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(x.opts.Parallel)
	var mu sync.Mutex
	for _, req := range requests {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			a := x.render(gctx, req)
			if err := x.keep(gctx, ps, a); err != nil {
				return err
			}
			x.progress(1, true)
			if seen != nil {
				mu.Lock()
				seen(a)
				mu.Unlock()
			}
			return nil
		})
	}
	return g.Wait()
}

// render answers one GET request with the API handler.
func (x *exporter) render(ctx context.Context, request string) answer {
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, request, nil)
	rec := httptest.NewRecorder()
	x.h.ServeHTTP(rec, req)
	return answer{request: request, date: req.URL.Query().Get("date"), status: rec.Code, body: rec.Body.Bytes()}
}

// keep turns an answer into an index entry: written to the destination
// when its bytes are new, counted as absent (404) or failed (anything else
// but 200; the previous file then stays listed).
func (x *exporter) keep(ctx context.Context, ps *passState, a answer) error {
	key := KeyOf(a.request)
	switch {
	case a.status == http.StatusNotFound:
		ps.mu.Lock()
		ps.absent++
		ps.mu.Unlock()
		return nil
	case a.status != http.StatusOK:
		x.log.Warn("static export: answer failed", "request", a.request, "status", a.status, "body", clip(a.body))
		x.mu.Lock()
		old, had := x.have[key]
		x.mu.Unlock()
		ps.mu.Lock()
		ps.failures = append(ps.failures, Failure{Request: a.request, Status: a.status, Body: clip(a.body)})
		ps.failureText[a.request] = errorText(a.body)
		if had {
			ps.entries[key] = old
		}
		ps.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	sum := sha256.Sum256(a.body)
	e := IndexEntry{Path: key, Request: a.request, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(a.body)), SnapshotID: snapshotOf(a.body)}
	mixed := false
	switch {
	case e.SnapshotID == "" && a.date != "":
		e.SnapshotID = a.date
	case e.SnapshotID == "":
		e.SnapshotID = ps.pinned
	case a.date == "" && e.SnapshotID != ps.pinned:
		mixed = true
	}

	x.mu.Lock()
	old, had := x.have[key]
	same := had && old.SHA256 == e.SHA256 && old.Size == e.Size && (!x.opts.Full || x.written[key])
	x.mu.Unlock()
	if !same {
		if err := x.dst.Write(ctx, key, a.body); err != nil {
			return fmt.Errorf("static: write %s: %w", key, err)
		}
		x.mu.Lock()
		x.have[key] = e
		x.written[key] = true
		x.res.BytesWritten += e.Size
		x.mu.Unlock()
	}
	ps.mu.Lock()
	ps.entries[key] = e
	if mixed {
		ps.mixed = append(ps.mixed, a.request)
	}
	ps.mu.Unlock()
	return nil
}

// deleteAll deletes the files in gone, then the folders left empty that
// hold no file of keep.
func (x *exporter) deleteAll(ctx context.Context, gone map[string]bool, keep map[string]IndexEntry) error {
	paths := make([]string, 0, len(gone))
	for p := range gone {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	dirs := map[string]bool{}
	for _, p := range paths {
		if err := x.dst.Delete(ctx, p); err != nil {
			return fmt.Errorf("static: delete %s: %w", p, err)
		}
		x.res.Deleted++
		for d := path.Dir(p); d != "." && d != "api"; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	if len(dirs) == 0 {
		return nil
	}
	used := map[string]bool{}
	for p := range keep {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			used[d] = true
		}
	}
	// Deepest first, so a parent is looked at after its children.
	order := make([]string, 0, len(dirs))
	for d := range dirs {
		if !used[d] {
			order = append(order, d)
		}
	}
	sort.Slice(order, func(i, j int) bool { return strings.Count(order[i], "/") > strings.Count(order[j], "/") })
	for _, d := range order {
		left, err := x.dst.List(ctx, d+"/")
		if err != nil {
			return fmt.Errorf("static: list %s: %w", d, err)
		}
		if len(left) == 0 {
			if err := x.dst.Delete(ctx, d+"/"); err != nil {
				return fmt.Errorf("static: delete %s/: %w", d, err)
			}
		}
	}
	return nil
}

// listTree lists every object under the folder prefix, recursively.
func listTree(ctx context.Context, dst store.Objects, prefix string) ([]string, error) {
	ents, err := dst.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e, "/") {
			sub, err := listTree(ctx, dst, e)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// KeyOf is the object key (file path) of the answer to request, a path of
// the API with an optional ?date= query (see the package documentation).
func KeyOf(request string) string {
	p, q, _ := strings.Cut(request, "?")
	p = strings.TrimPrefix(p, "/")
	if v, err := url.ParseQuery(q); err == nil && v.Get("date") != "" {
		return "api/snapshots/" + v.Get("date") + "/" + strings.TrimPrefix(p, "api/") + ".json"
	}
	return p + ".json"
}

// snapshotOf reads _snapshot_metadata.snapshot_id of an answer ("" when it
// has none). The block is the answer's last field, so the tail from its key
// on is decoded alone (an answer of megabytes is not scanned twice); when
// that tail is not a JSON object by itself, the whole answer is decoded.
func snapshotOf(body []byte) string {
	var v struct {
		Meta *struct {
			SnapshotID string `json:"snapshot_id"`
		} `json:"_snapshot_metadata"`
	}
	const key = `,"_snapshot_metadata":`
	if i := bytes.LastIndex(body, []byte(key)); i >= 0 {
		tail := append([]byte{'{'}, body[i+1:]...)
		if json.Unmarshal(tail, &v) == nil && v.Meta != nil {
			return v.Meta.SnapshotID
		}
		v.Meta = nil
	}
	if json.Unmarshal(body, &v) != nil || v.Meta == nil {
		return ""
	}
	return v.Meta.SnapshotID
}

// The few fields of the API's answers the export reads to find what else
// to request.
type (
	snapshotMetaBody struct {
		SnapshotID string `json:"snapshot_id"`
	}
	districtListBody struct {
		Data struct {
			Districts []struct {
				ID string `json:"id"`
			} `json:"districts"`
		} `json:"data"`
		Meta *snapshotMetaBody `json:"_snapshot_metadata"`
	}
	rankingsBody struct {
		Rankings []struct {
			DistrictID string `json:"districtId"`
		} `json:"rankings"`
	}
	datesBody struct {
		Data struct {
			Dates []string `json:"dates"`
		} `json:"data"`
	}
)

// errorText is what went wrong with a failed answer, in one line: "CODE:
// message" of the API's error envelope, else the start of the body.
func errorText(body []byte) string {
	var env struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && env.Error != nil && env.Error.Code != "" {
		if env.Error.Message == "" {
			return env.Error.Code
		}
		return env.Error.Code + ": " + env.Error.Message
	}
	return clip(body)
}

// clip shortens an answer body for an error message.
func clip(b []byte) string {
	const max = 300
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
