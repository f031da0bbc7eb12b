package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/toaststats/toaststats/scrape"
)

func init() {
	register("backfill", "collect every date of a range into the raw CSV cache (resumable)", runBackfill)
}

// backfillSummary is the JSON summary of a backfill.
type backfillSummary struct {
	Timestamp string             `json:"timestamp"`
	From      string             `json:"from"`
	To        string             `json:"to"`
	Mode      string             `json:"mode"`
	Status    scrape.RunStatus   `json:"status"`
	Dates     backfillDateCount  `json:"dates"`
	Cache     scrapeCacheInfo    `json:"cache"`
	Errors    []scrapeErrorEntry `json:"errors"`
	// SetAside are the cached reports found damaged: copied aside, then
	// replaced by a new download (as in scrape's summary).
	SetAside []scrapeSetAside `json:"setAside,omitempty"`
	Stopped  string           `json:"stopped,omitempty"`
	// DurationMS is the wall time of the whole backfill.
	DurationMS int64 `json:"duration_ms"`
}

type backfillDateCount struct {
	Total       int `json:"total"`
	Collected   int `json:"collected"`
	Complete    int `json:"complete"` // already complete in the cache
	Partial     int `json:"partial"`
	Failed      int `json:"failed"`
	Unpublished int `json:"unpublished"` // the dashboard has no data for the date
}

func runBackfill(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("backfill", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f scrapeFlags
	f.register(fs, e)
	from := fs.String("from", "", "first as-of date YYYY-MM-DD (required)")
	to := fs.String("to", "", "last as-of date YYYY-MM-DD (required)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: toaststats backfill --from YYYY-MM-DD --to YYYY-MM-DD [--districts 42,61|all] [--mode browser|http] [--base-url URL] [--browser PATH] [--concurrency N] [--rate R] [--force] [--timeout D] [--json] [-v] [--data-dir DIR]")
		fmt.Fprintln(e.stderr, "\nDates already complete in the cache are skipped, so an interrupted backfill resumes by running it again.\n--districts is remembered in config/districts.json, as with scrape.")
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
		return usageError("backfill takes no arguments (got %q)", fs.Args())
	}
	if err := f.check(); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usageError("backfill needs --from and --to")
	}
	ft, err := scrape.ParseDate(*from)
	if err != nil {
		return usageError("--from: %v", err)
	}
	tt, err := scrape.ParseDate(*to)
	if err != nil {
		return usageError("--to: %v", err)
	}
	if tt.Before(ft) {
		return usageError("--from %s is after --to %s", *from, *to)
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
	o, st, closeFn, err := f.setup(runCtx, e, log, nil)
	if err != nil {
		return err
	}
	days := int(tt.Sub(ft).Hours()/24) + 1
	bar := newScrapeBar(e, days, "backfill")
	plog := progressLog(e)
	res, runErr := o.Backfill(runCtx, *from, *to, func(p scrape.BackfillProgress) {
		if bar != nil {
			bar.Describe(fmt.Sprintf("backfill %s %s", p.Date, p.Status))
			_ = bar.Set(p.Index)
			return
		}
		plog.Info("backfill date", "date", p.Date, "status", string(p.Status), "index", p.Index, "total", p.Total)
	})
	closeFn()
	if bar != nil {
		_ = bar.Finish()
	}
	if runErr != nil && errors.Is(runErr, scrape.ErrInvalidDate) {
		return usageError("%v", runErr)
	}
	sum := backfillSummarize(res, f.mode, st.Dir(), days, time.Now())
	if f.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		printBackfillSummary(e.stdout, sum)
	}
	msg := fmt.Sprintf("backfill %s..%s: %s", *from, *to, sum.Status)
	if stopped := stoppedByTimeout(runCtx, f.timeout); stopped != "" {
		msg += "; " + stopped
	} else if sum.Stopped != "" {
		msg += " (stopped: " + sum.Stopped + ")"
	}
	var errs []error
	// Only a district no date of the range lists is a usage error: one
	// renumbered, new or closed within the range makes its other dates
	// partial.
	unlisted := res.UnlistedDistricts()
	var unknown []string
	for _, d := range res.Dates {
		if d.Result != nil {
			errs = append(errs, runErrors(d.Result)...)
			for _, id := range unknownDistricts(d.Result, func(id string) bool { return slices.Contains(unlisted, id) }) {
				if !slices.Contains(unknown, id) {
					unknown = append(unknown, id)
				}
			}
		}
	}
	if len(unknown) > 0 {
		return exitCode(exitUsage, fmt.Errorf("backfill: the dashboard does not list district %s: check --districts (config/districts.json is unchanged)", strings.Join(unknown, ", ")))
	}
	if res.Stopped != nil {
		errs = append(errs, res.Stopped)
	}
	if sum.Status != scrape.StatusFailed {
		ids, all, _ := f.districtList()
		if err := rememberDistricts(ctx, st, ids, all, e.stderr); err != nil {
			return exitCode(exitFailed, fmt.Errorf("backfill: %w", err))
		}
	}
	return exitFor(sum.Status, errs, msg)
}

// backfillSummarize tallies a backfill. Status: success when every date
// that was reached is collected, complete or unpublished and the run was not
// stopped; failed when no date was collected, complete or partial (a
// partial date collected some districts); partial otherwise.
func backfillSummarize(res *scrape.BackfillResult, mode, dir string, days int, now time.Time) backfillSummary {
	out := backfillSummary{
		Timestamp: now.UTC().Format(time.RFC3339), From: res.From, To: res.To, Mode: mode,
		Cache:      scrapeCacheInfo{Directory: dir, FilesCreated: res.FilesCreated, TotalSize: res.BytesWritten},
		Errors:     []scrapeErrorEntry{},
		SetAside:   setAsideEntries(res.SetAside),
		DurationMS: res.Duration.Milliseconds(),
	}
	out.Dates.Total = days
	for _, d := range res.Dates {
		switch d.Status {
		case scrape.DateCollected:
			out.Dates.Collected++
		case scrape.DateComplete:
			out.Dates.Complete++
		case scrape.DatePartial:
			out.Dates.Partial++
		case scrape.DateFailed:
			out.Dates.Failed++
		case scrape.DateUnpublished:
			out.Dates.Unpublished++
		}
		if d.Status == scrape.DatePartial || d.Status == scrape.DateFailed {
			for _, er := range scrapeErrors(d.Result) {
				er.Date = d.Date
				out.Errors = append(out.Errors, er)
			}
		}
	}
	if res.Stopped != nil {
		out.Stopped = res.Stopped.Error()
	}
	good := out.Dates.Collected + out.Dates.Complete + out.Dates.Partial
	switch {
	case good == 0:
		out.Status = scrape.StatusFailed
	case out.Dates.Partial+out.Dates.Failed > 0 || res.Stopped != nil:
		out.Status = scrape.StatusPartial
	default:
		out.Status = scrape.StatusSuccess
	}
	return out
}

func printBackfillSummary(w io.Writer, s backfillSummary) {
	fmt.Fprintf(w, "backfill %s..%s (%s mode): %s\n", s.From, s.To, s.Mode, s.Status)
	fmt.Fprintf(w, "  dates: %d in range, %d collected, %d already complete, %d partial, %d failed, %d not published\n",
		s.Dates.Total, s.Dates.Collected, s.Dates.Complete, s.Dates.Partial, s.Dates.Failed, s.Dates.Unpublished)
	fmt.Fprintf(w, "  cache: %s, %d files written, %d bytes\n", s.Cache.Directory, s.Cache.FilesCreated, s.Cache.TotalSize)
	printSetAside(w, s.SetAside)
	if s.Stopped != "" {
		fmt.Fprintf(w, "  stopped early: %s (run again to resume)\n", s.Stopped)
	}
	for i, er := range s.Errors {
		if i == 20 {
			fmt.Fprintf(w, "  ... and %d more errors\n", len(s.Errors)-20)
			break
		}
		fmt.Fprintf(w, "  error %s %s %s: %s\n", er.Date, er.DistrictID, er.Report, er.Error)
	}
}
