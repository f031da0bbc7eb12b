package scrape

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/store"
)

// ErrUnknownDistrict: a district asked for is not in the summary of the date.
var ErrUnknownDistrict = errors.New("district not in the summary of that date")

// UnknownDistrictError is a district asked for that the summary of the date
// does not list (errors.Is ErrUnknownDistrict). Listed is the summary's
// spelling of the same district number, when it has one: the dashboard
// writes district 2 as "02".
type UnknownDistrictError struct {
	ID, Date, Listed string
}

func (e *UnknownDistrictError) Error() string {
	return fmt.Sprintf("%v: %s on %s%s", ErrUnknownDistrict, e.ID, e.Date, writtenAs(e.Listed))
}

// Is makes errors.Is(err, ErrUnknownDistrict) true.
func (e *UnknownDistrictError) Is(target error) bool { return target == ErrUnknownDistrict }

// writtenAs is the hint " (the dashboard writes it 02)", or "".
func writtenAs(listed string) string {
	if listed == "" {
		return ""
	}
	return " (the dashboard writes it " + listed + ")"
}

// listedAs returns the id in ids with the same district number as id
// ("02" for "2"), or "" when there is none.
func listedAs(id string, ids []string) string {
	n, err := strconv.Atoi(id)
	if err != nil {
		return ""
	}
	for _, l := range ids {
		if m, err := strconv.Atoi(l); err == nil && m == n && l != id {
			return l
		}
	}
	return ""
}

// DistrictReports are the per-district reports, in the order they are fetched.
var DistrictReports = []normalize.ReportKind{normalize.ReportClub, normalize.ReportDivision, normalize.ReportDistrict}

// storeReport maps an export report to its raw cache name.
func storeReport(k normalize.ReportKind) store.Report {
	switch k {
	case normalize.ReportDistrict:
		return store.ReportDistrict
	case normalize.ReportDivision:
		return store.ReportDivision
	case normalize.ReportClub:
		return store.ReportClub
	}
	return store.ReportSummary
}

// OrchestratorOptions configures an Orchestrator.
type OrchestratorOptions struct {
	// Fetcher downloads exports (an *HTTPClient or a browser *Scraper). Required.
	Fetcher Fetcher
	// Store receives the bytes (Raw().Put) and holds config/districts.json. Required.
	Store *store.Store
	// Districts, when set, is the exact set to collect (ids not in the
	// date's summary are failures). Otherwise config/districts.json filters
	// the summary's districts, unless AllDistricts is set or the file is
	// missing or empty, in which case every district of the summary is collected.
	Districts    []string
	AllDistricts bool
	// Concurrency is how many exports run at once (default 2).
	Concurrency int
	// Force re-downloads reports already in the cache.
	Force bool
	// BreakerFailures consecutive dashboard failures open the circuit
	// breaker (default 5); it stays open for BreakerCooldown (default 60 s)
	// and then lets one request through. A fetch that failed because the
	// caller's context was cancelled or passed its deadline counts neither
	// as a failure nor as a success; an attempt timeout is a failure.
	BreakerFailures int
	BreakerCooldown time.Duration
	Logger          *slog.Logger
	// Progress, when set, is called after each report (from several
	// goroutines, never at once).
	Progress func(Progress)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Progress reports one finished report of a collection run.
type Progress struct {
	Date       string
	DistrictID string // "" for the summary
	Report     normalize.ReportKind
	Done       int   // reports finished so far (fetched, skipped or failed)
	Total      int   // reports in this run (known once the summary is in)
	Skipped    bool  // already cached
	Err        error // nil on success
}

// Outcome is the result of one district (or the summary) in a run.
type Outcome string

// Outcomes.
const (
	Succeeded Outcome = "succeeded"
	Failed    Outcome = "failed"
	Skipped   Outcome = "skipped" // everything was already cached
)

// RunStatus sums up a run.
type RunStatus string

// Run statuses, as in the predecessor's summary JSON.
const (
	StatusSuccess RunStatus = "success"
	StatusPartial RunStatus = "partial"
	StatusFailed  RunStatus = "failed"
)

// DistrictResult is what happened to one district.
type DistrictResult struct {
	ID      string
	Outcome Outcome
	Fetched int // reports downloaded and stored
	Cached  int // reports skipped because cached
	Errors  []error
}

// ReportFailure is one failed report.
type ReportFailure struct {
	DistrictID string // "" for the summary
	Report     normalize.ReportKind
	Err        error
}

// Result is the outcome of collecting one date.
type Result struct {
	RequestedDate string // "" when the latest data was asked for
	// Date is the dashboard as-of date everything was stored under ("" when
	// the summary could not be obtained).
	Date            string
	DataMonth       string
	ProgramYear     string
	IsClosingPeriod *bool
	Summary         Outcome
	SummaryErr      error
	Districts       []DistrictResult
	Errors          []ReportFailure
	// SetAside are the cached reports found damaged, copied aside and
	// replaced by a new download (see Orchestrator).
	SetAside     []SetAside
	FilesCreated int
	BytesWritten int64
	Started      time.Time
	Duration     time.Duration
}

// Counts returns the district tallies.
func (r *Result) Counts() (total, succeeded, failed, skipped int) {
	for _, d := range r.Districts {
		total++
		switch d.Outcome {
		case Succeeded:
			succeeded++
		case Failed:
			failed++
		case Skipped:
			skipped++
		}
	}
	return
}

// Status is success when the summary and every district are in the cache,
// failed when the summary is missing or no district is, partial otherwise.
func (r *Result) Status() RunStatus {
	total, ok, failed, skipped := r.Counts()
	switch {
	case r.Summary == Failed || total == 0 || ok+skipped == 0:
		return StatusFailed
	case failed > 0:
		return StatusPartial
	}
	return StatusSuccess
}

// SetAside is a cached report that did not verify against the checksum its
// date's metadata records, copied aside before a new download replaced it.
type SetAside struct {
	DistrictID string // "" for the summary
	Report     normalize.ReportKind
	// File is the damaged object's key ("raw-csv/<date>/district-<id>/<report>.csv",
	// or its .gz), To the key of the copy ("quarantine/raw-<time>/" + File).
	File, To string
	Reason   string // why it does not verify
}

// Orchestrator fills the raw cache from the dashboard: the summary of a date,
// then the three reports of every selected district of that summary, with a
// concurrency limit and a circuit breaker. One district's failure never stops
// the others. Rate limiting is the Fetcher's (HTTPOptions.Limiter,
// BrowserOptions.Limiter). Safe for concurrent use.
//
// A report already cached is verified before it is skipped, by the store's
// own check (the sha256 its date's metadata records, as `toaststats verify`
// reads it). An intact one is skipped (unless forced). A damaged one
// (truncated, bits flipped, a gzip that does not decompress) is logged at
// Warn and downloaded again; once the new download is verified, the damaged
// bytes are copied to quarantine/raw-<time>/<its key> (logged at Warn) and
// only then replaced, so nothing stored is lost. When the download fails the
// damaged file stays as it is. A move of the date to or from the raw-cache
// trash that was cut short is finished before anything is read of the date
// (see settle): a date on its way to the trash is then collected again, a
// date on its way back is cached.
type Orchestrator struct {
	opts    OrchestratorOptions
	log     *slog.Logger
	breaker *gobreaker.CircuitBreaker[*Download]
}

// NewOrchestrator checks opts and returns an Orchestrator.
func NewOrchestrator(opts OrchestratorOptions) (*Orchestrator, error) {
	if opts.Fetcher == nil || opts.Store == nil {
		return nil, errors.New("scrape: orchestrator needs a Fetcher and a Store")
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 2
	}
	if opts.BreakerFailures <= 0 {
		opts.BreakerFailures = 5
	}
	if opts.BreakerCooldown <= 0 {
		opts.BreakerCooldown = time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Districts = append([]string(nil), opts.Districts...)
	for i, id := range opts.Districts {
		v, err := store.ValidDistrictID(id)
		if err != nil {
			return nil, fmt.Errorf("scrape: district %q: %w", id, err)
		}
		opts.Districts[i] = v
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	o := &Orchestrator{opts: opts, log: log}
	n := uint32(opts.BreakerFailures)
	o.breaker = gobreaker.NewCircuitBreaker[*Download](gobreaker.Settings{
		Name:        "dashboard",
		MaxRequests: 1,
		Timeout:     opts.BreakerCooldown,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= n },
		IsSuccessful: func(err error) bool {
			return !dashboardFailure(err)
		},
		IsExcluded: func(err error) bool {
			_, ok := err.(*callerEndedError)
			return ok
		},
		OnStateChange: func(name string, from, to gobreaker.State) {
			log.Warn("circuit breaker", "name", name, "from", from.String(), "to", to.String())
		},
	})
	return o, nil
}

// BreakerOpen reports whether the circuit breaker currently refuses requests.
func (o *Orchestrator) BreakerOpen() bool { return o.breaker.State() == gobreaker.StateOpen }

// fetch runs one request through the circuit breaker. A fetch the caller's
// context ended (callerEnded) is left out of the breaker's counts, so a
// run stopped by its deadline or cancelled does not open the breaker for
// the next run sharing the Orchestrator; its error is returned as the
// Fetcher gave it.
func (o *Orchestrator) fetch(ctx context.Context, req Request) (*Download, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := o.breaker.Execute(func() (*Download, error) {
		d, err := o.opts.Fetcher.Fetch(ctx, req)
		if callerEnded(ctx, err) {
			return d, &callerEndedError{err}
		}
		return d, err
	})
	if ce, ok := err.(*callerEndedError); ok {
		return d, ce.err
	}
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return nil, &FetchError{Request: req, Err: fmt.Errorf("%w (%v)", ErrCircuitOpen, err)}
	}
	return d, err
}

// callerEndedError carries, through the circuit breaker, the error of a
// fetch the caller's context ended, marking it for the breaker's
// IsExcluded; fetch unwraps it again.
type callerEndedError struct{ err error }

func (e *callerEndedError) Error() string { return e.err.Error() }
func (e *callerEndedError) Unwrap() error { return e.err }

// put stores a verified download under its as-of date. It runs to the end
// even when ctx is cancelled: the bytes are complete and verified, and the
// store writes atomically.
func (o *Orchestrator) put(ctx context.Context, d *Download) error {
	var closing *bool
	if c, known := d.IsClosingPeriod(); known {
		closing = &c
	}
	info := store.PutInfo{RequestedDate: d.Request.Date, DataMonth: d.DataMonth, ProgramYear: d.ProgramYear,
		IsClosingPeriod: closing, Source: d.Source}
	return o.opts.Store.Raw().Put(context.WithoutCancel(ctx), d.AsOfDate, d.Request.DistrictID, storeReport(d.Request.Kind), d.Data, info)
}

// settle finishes an interrupted move of date to or from the raw-cache
// trash (store.RawCache.FinishInterruptedMove) before what the cache
// holds of the date is read: reports left at the source of the move
// would otherwise pass for cached and be skipped, leaving the move
// unfinished and the date not read as cached. An error (the move could
// not be finished) fails the summary, which names it.
func (o *Orchestrator) settle(ctx context.Context, date string) error {
	_, err := o.opts.Store.Raw().FinishInterruptedMove(ctx, date)
	return err
}

// cachedReport is what the raw cache holds of one report.
type cachedReport struct {
	data   []byte // the verified bytes; nil when absent, damaged or unreadable
	damage error  // the cached copy does not verify (a *store.ChecksumError)
	err    error  // the cached copy could not be read (a failure of the report)
}

// metadata is the date's raw metadata, read once to verify its reports;
// nil when the date has none (nothing to verify against, as for a
// predecessor cache) or it is unreadable (logged: its reports are then
// taken as they are).
func (o *Orchestrator) metadata(ctx context.Context, log *slog.Logger, date string) *store.RawMetadata {
	md, err := o.opts.Store.Raw().Metadata(ctx, date)
	if err != nil && !errors.Is(err, store.ErrNotCached) {
		log.Warn("raw metadata unreadable: cached reports of the date cannot be verified", "date", date, "err", err)
	}
	if err != nil {
		return nil
	}
	return md
}

// cached reads and verifies a cached report with the store's check (the
// sha256 md records; a report without one reads as intact, as in every
// reader). A damaged one is logged at Warn, naming the file and why.
func (o *Orchestrator) cached(ctx context.Context, log *slog.Logger, md *store.RawMetadata, date, id string, r store.Report) cachedReport {
	raw := o.opts.Store.Raw()
	if !raw.Has(ctx, date, id, r) {
		return cachedReport{}
	}
	b, err := raw.GetWith(ctx, md, date, id, r)
	var ce *store.ChecksumError
	switch {
	case err == nil:
		return cachedReport{data: b}
	case errors.As(err, &ce):
		log.Warn("cached report damaged; downloading it again", "file", ce.Key, "err", err)
		return cachedReport{damage: err}
	case errors.Is(err, store.ErrNotCached):
		return cachedReport{}
	}
	// Neither intact nor known damaged: not replaced blindly.
	return cachedReport{err: fmt.Errorf("the cached copy cannot be read to verify it, so it is not replaced: %w", err)}
}

// putReplacing puts a verified download into the raw cache. When the cached copy
// it replaces is damaged, that copy is first set aside (setAside); if that
// fails, nothing is replaced. Like put, it runs to the end even when ctx is
// cancelled.
func (o *Orchestrator) putReplacing(ctx context.Context, log *slog.Logger, d *Download, damage error) (*SetAside, error) {
	var sa *SetAside
	if damage != nil {
		ctx := context.WithoutCancel(ctx)
		from, to, err := o.opts.Store.Raw().SetAside(ctx, d.AsOfDate, d.Request.DistrictID, storeReport(d.Request.Kind), damage)
		if err != nil {
			return nil, fmt.Errorf("set aside the damaged cached copy (it was not replaced): %w", err)
		}
		if to != "" {
			log.Warn("damaged cached report set aside and replaced by a new download", "file", from, "to", to, "reason", damage.Error())
			sa = &SetAside{DistrictID: d.Request.DistrictID, Report: d.Request.Kind, File: from, To: to, Reason: damage.Error()}
		}
	}
	return sa, o.put(ctx, d)
}

// Scrape collects one date: date is the dashboard as-of date (YYYY-MM-DD),
// or "" for whatever the dashboard shows now. The returned Result says what
// happened to every district; the error is non-nil only for a bad date or a
// cancelled context (the Result is still filled).
func (o *Orchestrator) Scrape(ctx context.Context, date string) (*Result, error) {
	res := &Result{RequestedDate: date, Started: o.opts.Now()}
	defer func() { res.Duration = o.opts.Now().Sub(res.Started) }()
	if date != "" {
		if _, err := ParseDate(date); err != nil {
			return res, err
		}
	}
	log := o.log.With("op", "scrape", "date", date)

	// 1. The summary: the date and its districts.
	var (
		summary []byte
		cachedS cachedReport // what the cache holds of the date's summary
	)
	if date != "" {
		if err := o.settle(ctx, date); err != nil {
			cachedS.err = err
		} else {
			md := o.metadata(ctx, log, date)
			cachedS = o.cached(ctx, log, md, date, "", store.ReportSummary)
			if cachedS.data != nil && !o.opts.Force {
				summary, res.Date, res.Summary = cachedS.data, date, Skipped
				if md != nil {
					res.DataMonth, res.ProgramYear, res.IsClosingPeriod = md.DataMonth, md.ProgramYear, md.IsClosingPeriod
				}
			}
		}
	}
	if summary == nil {
		var d *Download
		err := cachedS.err
		if err == nil {
			d, err = o.fetch(ctx, Request{Kind: normalize.ReportSummary, Date: date})
		}
		if err == nil && date == "" {
			// Now the date is known: what does the cache hold of it?
			if err = o.settle(ctx, d.AsOfDate); err == nil {
				cachedS = o.cached(ctx, log, o.metadata(ctx, log, d.AsOfDate), d.AsOfDate, "", store.ReportSummary)
				err = cachedS.err
				if cachedS.data != nil && !o.opts.Force {
					res.Summary = Skipped
				}
			}
		}
		if err == nil && res.Summary != Skipped {
			var sa *SetAside
			sa, err = o.putReplacing(ctx, log, d, cachedS.damage)
			res.Summary = Succeeded
			if sa != nil {
				res.SetAside = append(res.SetAside, *sa)
			}
			if err == nil {
				res.FilesCreated++
				res.BytesWritten += int64(len(d.Data))
			}
		}
		if err != nil {
			res.Summary, res.SummaryErr = Failed, err
			res.Errors = append(res.Errors, ReportFailure{Report: normalize.ReportSummary, Err: err})
			switch {
			case errors.Is(err, ErrNotPublished):
				log.Info("no data published for the date", "err", err)
			case callerEnded(ctx, err):
				log.Warn("summary not collected: the run was stopped", "err", err)
			default:
				log.Error("summary failed", "err", err)
			}
			return res, ctx.Err()
		}
		summary, res.Date = d.Data, d.AsOfDate
		res.DataMonth, res.ProgramYear = d.DataMonth, d.ProgramYear
		if c, known := d.IsClosingPeriod(); known {
			res.IsClosingPeriod = &c
		}
	}
	o.progress(Progress{Date: res.Date, Report: normalize.ReportSummary, Done: 1, Total: 1, Skipped: res.Summary == Skipped})

	// 2. The districts of that date's summary, filtered.
	ids, err := DistrictsFromSummary(summary)
	if err != nil {
		res.Summary, res.SummaryErr = Failed, fmt.Errorf("districts of the summary of %s: %w", res.Date, err)
		res.Errors = append(res.Errors, ReportFailure{Report: normalize.ReportSummary, Err: res.SummaryErr})
		return res, nil
	}
	targets, missing, err := o.targets(ctx, ids)
	if err != nil {
		res.Summary, res.SummaryErr = Failed, err
		res.Errors = append(res.Errors, ReportFailure{Report: normalize.ReportSummary, Err: err})
		return res, nil
	}

	// 3. Three reports per district, concurrently; a cached one is
	// verified, and skipped only when intact.
	type job struct {
		di     int
		kind   normalize.ReportKind
		damage error // the cached copy does not verify
	}
	res.Districts = make([]DistrictResult, len(targets)+len(missing))
	var jobs []job
	md := o.metadata(ctx, log, res.Date)
	for i, id := range targets {
		res.Districts[i] = DistrictResult{ID: id}
		for _, k := range DistrictReports {
			c := o.cached(ctx, log, md, res.Date, id, storeReport(k))
			if c.err != nil {
				err := fmt.Errorf("%s: %w", Request{Kind: k, DistrictID: id, Date: res.Date}, c.err)
				log.Warn("report failed", "district", id, "report", string(k), "err", err)
				res.Districts[i].Errors = append(res.Districts[i].Errors, err)
				res.Errors = append(res.Errors, ReportFailure{DistrictID: id, Report: k, Err: err})
				continue
			}
			if c.data != nil && !o.opts.Force {
				res.Districts[i].Cached++
				continue
			}
			jobs = append(jobs, job{i, k, c.damage})
		}
	}
	for j, id := range missing {
		err := &UnknownDistrictError{ID: id, Date: res.Date, Listed: listedAs(id, ids)}
		res.Districts[len(targets)+j] = DistrictResult{ID: id, Outcome: Failed, Errors: []error{err}}
		res.Errors = append(res.Errors, ReportFailure{DistrictID: id, Err: err})
	}
	total := len(jobs) + 1
	var (
		mu   sync.Mutex
		done = 1
		wg   sync.WaitGroup
		sem  = make(chan struct{}, o.opts.Concurrency)
	)
	finish := func(j job, d *Download, sa *SetAside, err error) {
		mu.Lock()
		defer mu.Unlock()
		dr := &res.Districts[j.di]
		if sa != nil {
			res.SetAside = append(res.SetAside, *sa)
		}
		if err != nil {
			dr.Errors = append(dr.Errors, err)
			res.Errors = append(res.Errors, ReportFailure{DistrictID: dr.ID, Report: j.kind, Err: err})
		} else {
			dr.Fetched++
			res.FilesCreated++
			res.BytesWritten += int64(len(d.Data))
		}
		done++
		o.progress(Progress{Date: res.Date, DistrictID: dr.ID, Report: j.kind, Done: done, Total: total, Err: err})
	}
	for _, j := range jobs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			finish(j, nil, nil, &FetchError{Request: Request{Kind: j.kind, DistrictID: res.Districts[j.di].ID, Date: res.Date}, Err: ctx.Err()})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			req := Request{Kind: j.kind, DistrictID: res.Districts[j.di].ID, Date: res.Date, DataMonth: res.DataMonth}
			d, err := o.fetch(ctx, req)
			if err == nil && d.AsOfDate != res.Date {
				err = &FetchError{Request: req, Err: fmt.Errorf("%w: got as of %s", normalize.ErrFooterMismatch, d.AsOfDate)}
			}
			var sa *SetAside
			if err == nil {
				var perr error
				if sa, perr = o.putReplacing(ctx, log, d, j.damage); perr != nil {
					err = fmt.Errorf("store %s: %w", req, perr)
				}
			}
			if err != nil {
				log.Warn("report failed", "district", req.DistrictID, "report", string(req.Kind), "err", err)
			}
			finish(j, d, sa, err)
		}()
	}
	wg.Wait()
	for i := range targets {
		dr := &res.Districts[i]
		switch {
		case len(dr.Errors) > 0:
			dr.Outcome = Failed
		case dr.Fetched == 0:
			dr.Outcome = Skipped
		default:
			dr.Outcome = Succeeded
		}
	}
	t, s, f, k := res.Counts()
	log.Info("scrape done", "asOf", res.Date, "districts", t, "succeeded", s, "failed", f, "skipped", k,
		"files", res.FilesCreated, "bytes", res.BytesWritten)
	return res, ctx.Err()
}

func (o *Orchestrator) progress(p Progress) {
	if o.opts.Progress != nil {
		o.opts.Progress(p)
	}
}

// targets filters the summary's district ids: the explicit list, else the
// configured districts, else all. missing are explicit ids absent from the summary.
func (o *Orchestrator) targets(ctx context.Context, ids []string) (targets, missing []string, err error) {
	in := make(map[string]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	want := o.opts.Districts
	explicit := len(want) > 0
	if !explicit && !o.opts.AllDistricts {
		configured, exists, err := o.opts.Store.Config().Load(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("read district configuration: %w", err)
		}
		if exists && len(configured) > 0 {
			want = configured
		}
	}
	if len(want) == 0 {
		return ids, nil, nil
	}
	seen := map[string]bool{}
	var notListed []string
	for _, id := range want {
		id = strings.ToUpper(id)
		if seen[id] {
			continue
		}
		seen[id] = true
		switch {
		case in[id]:
			targets = append(targets, id)
		case explicit:
			missing = append(missing, id)
		default:
			o.log.Warn("configured district not in the summary; skipped", "district", id, "listedAs", listedAs(id, ids))
			notListed = append(notListed, id+writtenAs(listedAs(id, ids)))
		}
	}
	if len(targets) == 0 && len(missing) == 0 {
		return nil, nil, fmt.Errorf("no configured district is in the summary of that date (configured: %s)", strings.Join(notListed, ", "))
	}
	return targets, missing, nil
}
