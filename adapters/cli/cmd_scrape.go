package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
	"golang.org/x/time/rate"

	"github.com/toaststats/toaststats/scrape"
	"github.com/toaststats/toaststats/store"
)

func init() {
	register("scrape", "collect one date of dashboard reports into the raw CSV cache", runScrape)
}

// scrapeFlags are the flags scrape and backfill share.
type scrapeFlags struct {
	dataDir     string
	districts   string
	mode        string
	baseURL     string
	browser     string
	concurrency int
	rate        float64
	force       bool
	json        bool
	verbose     bool
	timeout     time.Duration
}

// Defaults. The browser mode is the default because it is how the dashboard
// is meant to be used (it reads back the as-of date the page shows); the
// HTTP mode (--mode http) returns the same bytes, about 4x faster at the
// default rate limit (measured on the imitation; see the README).
const (
	defaultScrapeMode        = "browser"
	defaultScrapeConcurrency = 4
	defaultScrapeRate        = 10
)

func (f *scrapeFlags) register(fs *flag.FlagSet, e env) {
	f.dataDir = dataLocationEnv(e)
	if f.dataDir == "" {
		f.dataDir = "data"
	}
	base := e.getenv("TOASTSTATS_BASE_URL")
	if base == "" {
		base = scrape.DefaultBaseURL
	}
	fs.StringVar(&f.dataDir, "data-dir", f.dataDir, "data directory (env TOASTSTATS_DATA_DIR)")
	addStoreFlag(fs, &f.dataDir)
	fs.StringVar(&f.districts, "districts", "", "districts to track: 42,61,F or all; remembered in config/districts.json (default: config/districts.json, else all)")
	fs.StringVar(&f.mode, "mode", defaultScrapeMode, "browser (drive Chromium) or http (download export.aspx directly)")
	fs.StringVar(&f.baseURL, "base-url", base, "dashboard base URL (env TOASTSTATS_BASE_URL)")
	fs.StringVar(&f.browser, "browser", e.getenv(scrape.BrowserEnv), "Chromium binary (env TOASTSTATS_BROWSER; default /usr/bin/chromium)")
	fs.IntVar(&f.concurrency, "concurrency", defaultScrapeConcurrency, "exports at once (the browser mode runs one at a time)")
	fs.Float64Var(&f.rate, "rate", defaultScrapeRate, "at most this many requests per second to the dashboard (0: no limit)")
	fs.BoolVar(&f.force, "force", false, "download reports already in the cache again")
	fs.BoolVar(&f.json, "json", false, "print a JSON summary on stdout")
	addVerbose(fs, &f.verbose)
	fs.DurationVar(&f.timeout, "timeout", 0, "give up after this long (0: no limit)")
}

// check validates the shared flags.
func (f *scrapeFlags) check() error {
	if f.mode != "browser" && f.mode != "http" {
		return usageError("--mode %q: want browser or http", f.mode)
	}
	if f.concurrency < 1 || f.concurrency > 64 {
		return usageError("--concurrency %d: want 1..64", f.concurrency)
	}
	if f.rate < 0 {
		return usageError("--rate %v: want >= 0", f.rate)
	}
	if !strings.HasPrefix(f.baseURL, "http://") && !strings.HasPrefix(f.baseURL, "https://") {
		return usageError("--base-url %q: want an http(s) URL", f.baseURL)
	}
	if f.dataDir == "" {
		return usageError("--data-dir is empty")
	}
	if _, _, err := f.districtList(); err != nil {
		return err
	}
	return nil
}

// districtList parses --districts: nil for the default, all=true for "all".
func (f *scrapeFlags) districtList() (ids []string, all bool, err error) {
	v := strings.TrimSpace(f.districts)
	if v == "" {
		return nil, false, nil
	}
	if strings.EqualFold(v, "all") {
		return nil, true, nil
	}
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		id, err := store.ValidDistrictID(p)
		if err != nil {
			return nil, false, usageError("--districts: %q is not a district id", p)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, false, usageError("--districts %q lists no district", v)
	}
	return ids, false, nil
}

func (f *scrapeFlags) logger(e env) *slog.Logger {
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

// setup opens the store and the fetcher and builds the orchestrator. The
// returned close function releases the fetcher (it closes Chromium).
func (f *scrapeFlags) setup(ctx context.Context, e env, log *slog.Logger, progress func(scrape.Progress)) (*scrape.Orchestrator, *store.Store, func(), error) {
	st, err := store.Create(f.dataDir, store.Options{Logger: log})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("open data directory %s: %w", f.dataDir, err)
	}
	var lim *rate.Limiter
	if f.rate > 0 {
		lim = rate.NewLimiter(rate.Limit(f.rate), max(1, int(f.rate)))
	}
	var fetcher scrape.Fetcher
	closeFn := func() {}
	switch f.mode {
	case "http":
		c := scrape.NewHTTPClient(scrape.HTTPOptions{BaseURL: f.baseURL, Limiter: lim, Logger: log})
		fetcher, closeFn = c, func() { _ = c.Close() }
	default:
		s, err := scrape.NewScraper(ctx, scrape.BrowserOptions{BaseURL: f.baseURL, BrowserPath: f.browser, Limiter: lim, Logger: log})
		if err != nil {
			if errors.Is(err, scrape.ErrNoBrowser) {
				return nil, nil, nil, usageError("%v (or use --mode http)", err)
			}
			return nil, nil, nil, err
		}
		fetcher, closeFn = s, func() { _ = s.Close() }
	}
	ids, all, _ := f.districtList()
	o, err := scrape.NewOrchestrator(scrape.OrchestratorOptions{
		Fetcher: fetcher, Store: st, Districts: ids, AllDistricts: all,
		Concurrency: f.concurrency, Force: f.force, Logger: log, Progress: progress,
	})
	if err != nil {
		closeFn()
		return nil, nil, nil, err
	}
	return o, st, closeFn, nil
}

// isTerminal reports whether w is a terminal (progress bars only there).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newScrapeBar returns a progress bar on stderr when it is a terminal, else nil.
func newScrapeBar(e env, total int, what string) *progressbar.ProgressBar {
	if !isTerminal(e.stderr) {
		return nil
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
}

// scrapeSummary is the JSON summary of one scrape (the predecessor's §9
// shape plus requestedDate, dataMonth, isClosingPeriod and mode).
type scrapeSummary struct {
	Timestamp       string              `json:"timestamp"`
	Date            string              `json:"date"`
	RequestedDate   string              `json:"requestedDate,omitempty"`
	DataMonth       string              `json:"dataMonth,omitempty"`
	IsClosingPeriod *bool               `json:"isClosingPeriod,omitempty"`
	Mode            string              `json:"mode"`
	Status          scrape.RunStatus    `json:"status"`
	Districts       scrapeDistrictCount `json:"districts"`
	Cache           scrapeCacheInfo     `json:"cache"`
	Errors          []scrapeErrorEntry  `json:"errors"`
	// SetAside are the cached reports found damaged: copied aside, then
	// replaced by a new download.
	SetAside   []scrapeSetAside `json:"setAside,omitempty"`
	DurationMS int64            `json:"duration_ms"`
}

type scrapeSetAside struct {
	File   string `json:"file"` // the damaged file's key in the data directory
	To     string `json:"to"`   // where its bytes were copied
	Reason string `json:"reason"`
}

// setAsideEntries are the summary entries (scrape's and backfill's) of the
// damaged cached reports a run set aside; nil when there are none.
func setAsideEntries(list []scrape.SetAside) []scrapeSetAside {
	var out []scrapeSetAside
	for _, sa := range list {
		out = append(out, scrapeSetAside{File: sa.File, To: sa.To, Reason: sa.Reason})
	}
	return out
}

// printSetAside prints one line per damaged cached report set aside (the
// text summaries of scrape and backfill).
func printSetAside(w io.Writer, list []scrapeSetAside) {
	for _, sa := range list {
		fmt.Fprintf(w, "  damaged cached report %s downloaded again; the damaged copy is kept as %s\n", sa.File, sa.To)
	}
}

type scrapeDistrictCount struct {
	Total     int `json:"total"`
	Succeeded int `json:"succeeded"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
}

type scrapeCacheInfo struct {
	Directory    string `json:"directory"`
	FilesCreated int    `json:"filesCreated"`
	TotalSize    int64  `json:"totalSize"` // bytes of that date's cached CSVs
}

type scrapeErrorEntry struct {
	Date       string `json:"date,omitempty"`
	DistrictID string `json:"districtId"`
	Report     string `json:"report,omitempty"`
	Error      string `json:"error"`
}

// summarize turns a Result into the JSON summary.
func summarize(ctx context.Context, st *store.Store, mode string, r *scrape.Result, now time.Time) scrapeSummary {
	total, ok, failed, skipped := r.Counts()
	date := r.Date
	if date == "" {
		date = r.RequestedDate
	}
	out := scrapeSummary{
		Timestamp: now.UTC().Format(time.RFC3339), Date: date, RequestedDate: r.RequestedDate,
		DataMonth: r.DataMonth, IsClosingPeriod: r.IsClosingPeriod, Mode: mode, Status: r.Status(),
		Districts:  scrapeDistrictCount{Total: total, Succeeded: ok, Failed: failed, Skipped: skipped},
		Cache:      scrapeCacheInfo{Directory: st.Dir(), FilesCreated: r.FilesCreated},
		Errors:     scrapeErrors(r),
		DurationMS: r.Duration.Milliseconds(),
	}
	out.SetAside = setAsideEntries(r.SetAside)
	if r.Date != "" {
		if md, err := st.Raw().Metadata(ctx, r.Date); err == nil {
			out.Cache.TotalSize = md.Integrity.TotalSize
		}
	}
	return out
}

func scrapeErrors(r *scrape.Result) []scrapeErrorEntry {
	out := []scrapeErrorEntry{}
	for _, f := range r.Errors {
		id := f.DistrictID
		if id == "" {
			id = "all-districts"
		}
		out = append(out, scrapeErrorEntry{DistrictID: id, Report: string(f.Report), Error: f.Err.Error()})
	}
	return out
}

// stoppedByTimeout says that a run was stopped by its own --timeout, not by
// the dashboard ("" when it was not): the run's errors then read "context
// deadline exceeded", which alone does not name the cause.
func stoppedByTimeout(ctx context.Context, timeout time.Duration) string {
	if timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("stopped by --timeout %s before it finished (running it again goes on from what is cached)", timeout)
	}
	return ""
}

// exitFor maps a run status to the exit code: 0 success, 1 partial or
// failed, 3 when every failure was the dashboard being unreachable. A
// report whose write into the raw cache was stopped by a lost lock lease
// (store.ErrLeaseLost) is told as such, with why running again is safe.
func exitFor(s scrape.RunStatus, errs []error, msg string) error {
	switch {
	case s == scrape.StatusSuccess:
		return nil
	case s == scrape.StatusFailed && unreachable(errs):
		return exitCode(exitUnreachable, errors.New(msg+" (dashboard unreachable)"))
	}
	if lost := leaseLostAmong(errs); lost != nil {
		return exitCode(exitFailed, fmt.Errorf("%s: %w", msg, writeLeaseLost("writing into the raw cache",
			"reports already cached intact are skipped and the others downloaded again", lost)))
	}
	return exitCode(exitFailed, errors.New(msg))
}

// runErrors are the errors of a run's failed reports.
func runErrors(r *scrape.Result) []error {
	var errs []error
	for _, f := range r.Errors {
		errs = append(errs, f.Err)
	}
	return errs
}

// districtProgress turns per-report progress into one log line per
// district (and one for the summary) when stderr is not a terminal.
func districtProgress(log *slog.Logger) func(scrape.Progress) {
	type tally struct {
		n    int
		errs []string
	}
	seen := map[string]*tally{}
	return func(p scrape.Progress) {
		if p.DistrictID == "" {
			state := "ok"
			if p.Skipped {
				state = "cached"
			}
			if p.Err != nil {
				log.Info("scrape summary", "date", p.Date, "state", "failed", "err", p.Err)
				return
			}
			log.Info("scrape summary", "date", p.Date, "state", state, "total", p.Total)
			return
		}
		t := seen[p.Date+"/"+p.DistrictID]
		if t == nil {
			t = &tally{}
			seen[p.Date+"/"+p.DistrictID] = t
		}
		t.n++
		if p.Err != nil {
			t.errs = append(t.errs, string(p.Report)+": "+p.Err.Error())
		}
		if t.n < len(scrape.DistrictReports) {
			return
		}
		if len(t.errs) > 0 {
			log.Info("scrape district", "date", p.Date, "district", p.DistrictID, "state", "failed", "done", p.Done, "total", p.Total, "err", strings.Join(t.errs, "; "))
			return
		}
		log.Info("scrape district", "date", p.Date, "district", p.DistrictID, "state", "ok", "done", p.Done, "total", p.Total)
	}
}

func runScrape(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("scrape", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f scrapeFlags
	f.register(fs, e)
	date := fs.String("date", "", "dashboard as-of date YYYY-MM-DD (default: the latest the dashboard shows)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: toaststats scrape [--date YYYY-MM-DD] [--districts 42,61|all] [--mode browser|http] [--base-url URL] [--browser PATH] [--concurrency N] [--rate R] [--force] [--timeout D] [--json] [-v] [--data-dir DIR]")
		fmt.Fprintln(e.stderr, "\nCreates the data directory when it does not exist. --districts is remembered: it\nbecomes the districts the data directory tracks (config/districts.json), which build,\nstatus and the server use.")
		fmt.Fprintln(e.stderr, exitCodeText+"\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("%v", err)
	}
	if fs.NArg() > 0 {
		return usageError("scrape takes no arguments (got %q)", fs.Args())
	}
	if err := f.check(); err != nil {
		return err
	}
	if *date != "" {
		if _, err := scrape.ParseDate(*date); err != nil {
			return usageError("--date: %v", err)
		}
	}
	// --timeout bounds the collection; what follows it (the summary,
	// remembering --districts) still runs when it stopped the collection.
	runCtx := ctx
	if f.timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	log := f.logger(e)
	var bar *progressbar.ProgressBar
	var progress func(scrape.Progress)
	if isTerminal(e.stderr) {
		progress = func(p scrape.Progress) {
			if bar == nil {
				bar = newScrapeBar(e, p.Total, "scrape "+p.Date)
			}
			bar.ChangeMax(p.Total)
			_ = bar.Set(p.Done)
		}
	} else {
		progress = districtProgress(progressLog(e))
	}
	o, st, closeFn, err := f.setup(runCtx, e, log, progress)
	if err != nil {
		return err
	}
	res, runErr := o.Scrape(runCtx, *date)
	closeFn()
	if bar != nil {
		_ = bar.Finish()
	}
	if errors.Is(runErr, scrape.ErrInvalidDate) {
		return usageError("%v", runErr)
	}
	sum := summarize(ctx, st, f.mode, res, time.Now())
	if f.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		printScrapeSummary(e.stdout, sum)
	}
	what := sum.Date
	if what == "" {
		what = "latest"
	}
	msg := fmt.Sprintf("scrape %s: %s (%d of %d districts failed)", what, sum.Status, sum.Districts.Failed, sum.Districts.Total)
	if res.SummaryErr != nil {
		msg = fmt.Sprintf("scrape %s: summary report: %v", what, res.SummaryErr)
	}
	if stopped := stoppedByTimeout(runCtx, f.timeout); stopped != "" {
		msg += "; " + stopped
	}
	if unknown := unknownDistricts(res, nil); len(unknown) > 0 {
		return exitCode(exitUsage, fmt.Errorf("scrape %s: the dashboard does not list district %s on that date: check --districts (config/districts.json is unchanged)",
			sum.Date, strings.Join(unknown, ", ")))
	}
	if res.SummaryErr == nil && res.Date != "" {
		ids, all, _ := f.districtList()
		if err := rememberDistricts(ctx, st, ids, all, e.stderr); err != nil {
			return exitCode(exitFailed, fmt.Errorf("scrape %s: %w", sum.Date, err))
		}
	}
	if runErr != nil && sum.Status == scrape.StatusSuccess {
		return exitCode(exitFailed, runErr)
	}
	return exitFor(sum.Status, runErrors(res), msg)
}

func printScrapeSummary(w io.Writer, s scrapeSummary) {
	date := s.Date
	if date == "" {
		date = "latest"
	}
	fmt.Fprintf(w, "scrape %s (%s mode): %s\n", date, s.Mode, s.Status)
	if s.DataMonth != "" {
		closing := ""
		if s.IsClosingPeriod != nil && *s.IsClosingPeriod {
			closing = " (month-end closing period)"
		}
		fmt.Fprintf(w, "  data month %s%s\n", s.DataMonth, closing)
	}
	fmt.Fprintf(w, "  districts: %d total, %d succeeded, %d failed, %d already cached\n",
		s.Districts.Total, s.Districts.Succeeded, s.Districts.Failed, s.Districts.Skipped)
	fmt.Fprintf(w, "  cache: %s, %d files written, %d bytes for the date\n", s.Cache.Directory, s.Cache.FilesCreated, s.Cache.TotalSize)
	printSetAside(w, s.SetAside)
	for i, er := range s.Errors {
		if i == 20 {
			fmt.Fprintf(w, "  ... and %d more errors\n", len(s.Errors)-20)
			break
		}
		fmt.Fprintf(w, "  error %s %s: %s\n", er.DistrictID, er.Report, er.Error)
	}
}
