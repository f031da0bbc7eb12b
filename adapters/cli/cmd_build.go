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
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/internal/hugeheap"
	"github.com/toaststats/toaststats/ranking"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

func init() {
	register("build", "build snapshots from the raw CSV cache", runBuild)
}

// snapshotDataDir is the --data-dir default: $TOASTSTATS_STORE, else
// $TOASTSTATS_DATA_DIR, else ./data.
func snapshotDataDir(e env) string {
	if d := dataLocationEnv(e); d != "" {
		return d
	}
	return "data"
}

// dataLocationEnv is $TOASTSTATS_STORE (a URL or path), else
// $TOASTSTATS_DATA_DIR.
func dataLocationEnv(e env) string {
	if d := e.getenv("TOASTSTATS_STORE"); d != "" {
		return d
	}
	return e.getenv("TOASTSTATS_DATA_DIR")
}

// addStoreFlag adds --store URL, which takes the place of --data-dir: the
// data directory as a path, file:// URL or object-store URL
// (s3://bucket/prefix?endpoint=...&region=...&use_path_style=true;
// credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the AWS
// credential chain, never from flags).
func addStoreFlag(fs *flag.FlagSet, dataDir *string) {
	fs.Func("store", "data location as a URL: s3://bucket/prefix?endpoint=...&region=...&use_path_style=true, file:///path or a path; replaces --data-dir (env TOASTSTATS_STORE; credentials from the AWS environment)", func(v string) error {
		if v == "" {
			return errors.New("empty")
		}
		*dataDir = v
		return nil
	})
}

// snapshotClock is the clock stamped into snapshots: time.Now, or the
// fixed instant $TOASTSTATS_NOW (RFC 3339) so that runs are reproducible.
func snapshotClock(e env) (func() time.Time, error) {
	v := e.getenv("TOASTSTATS_NOW")
	if v == "" {
		return time.Now, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, usageError("TOASTSTATS_NOW=%q: want an RFC 3339 time such as 2026-01-05T12:00:00Z", v)
	}
	return func() time.Time { return t }, nil
}

// snapshotLogger logs to stderr at warning level, or info with verbose.
func snapshotLogger(e env, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

// stderrIsTerminal reports whether progress may be drawn on stderr.
func stderrIsTerminal(e env) bool { return isTerminal(e.stderr) }

// newFlagSet returns a flag set for one command that reports errors
// instead of exiting.
func newSnapshotFlagSet(e env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: toaststats %s\n%s\n\nflags:\n", usage, exitCodeText)
		fs.PrintDefaults()
	}
	return fs
}

// parseSnapshotFlags parses args; -h gives a nil error with done=true.
func parseSnapshotFlags(fs *flag.FlagSet, args []string) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return true, usageError("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return true, usageError("%s: unexpected arguments %q", fs.Name(), fs.Args())
	}
	return false, nil
}

// buildOutput is the --json summary of the build command.
type buildOutput struct {
	DataDir string                    `json:"dataDir"`
	Results []*toaststats.BuildResult `json:"results"`
	// Message is set when there was nothing to build.
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
	// RawCompressed lists the collection dates whose raw reports were
	// compressed (--gzip-after-days).
	RawCompressed []store.CompressResult `json:"rawCompressed,omitempty"`
	// Incomplete lists (--all) the collection dates not built because the
	// cache lacks reports a successful build needs while their snapshot
	// is successful (toaststats.IncompleteCollection).
	Incomplete []toaststats.IncompleteCollection `json:"incomplete,omitempty"`
}

func runBuild(ctx context.Context, e env) error {
	fs := newSnapshotFlagSet(e, "build", "build [--data-dir D] [--date YYYY-MM-DD | --all] [--json] [-v]\n\n"+
		"Builds the snapshot of one collection date of the raw cache (default: the newest),\n"+
		"or of every date without an up-to-date snapshot (--all), for the districts the data\n"+
		"directory tracks (config/districts.json, else every district of the summary).\n"+
		"A snapshot already built from exactly the same input is left alone (a no-op).\n"+
		"The data directory must exist (see toaststats init); an empty cache exits 1.\n"+
		"TOASTSTATS_NOW=<RFC 3339> fixes the clock stamped into snapshots (reproducible builds).")
	dataDir := fs.String("data-dir", snapshotDataDir(e), "data directory (env TOASTSTATS_DATA_DIR)")
	addStoreFlag(fs, dataDir)
	date := fs.String("date", "", "collection date YYYY-MM-DD to build (default: the newest cached date)")
	all := fs.Bool("all", false, "build every cached date without an up-to-date snapshot, in date order")
	asJSON := fs.Bool("json", false, "print one JSON summary on stdout")
	gzipDays := fs.Int("gzip-after-days", 0, "gzip each snapshot published more than this many days after its date (backfills of settled data), and, after the build, the raw reports of every collection date older than that (verified first; reads decompress); 0 = never")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the build to this file (go tool pprof)")
	var verbose bool
	addVerbose(fs, &verbose)
	if done, err := parseSnapshotFlags(fs, e.args); done {
		return err
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if *gzipDays < 0 {
		return usageError("build: --gzip-after-days must be >= 0")
	}
	_ = buildMemory(e) // an optimisation only: a build without huge pages is as correct
	if *all && *date != "" {
		return usageError("build: --date and --all are exclusive")
	}
	if *date != "" {
		if err := store.ValidDate(*date); err != nil {
			return usageError("build: --date %q: %v", *date, err)
		}
	}
	now, err := snapshotClock(e)
	if err != nil {
		return err
	}
	log := snapshotLogger(e, verbose)
	st, err := openExisting(*dataDir, toaststats.StoreOptions{Logger: log, Now: now, GzipAfter: time.Duration(*gzipDays) * 24 * time.Hour})
	if err != nil {
		return err
	}
	opts := toaststats.BuilderOptions{Logger: log, Now: now}
	var bar *progressbar.ProgressBar
	switch {
	case *all && stderrIsTerminal(e):
		opts.Progress = func(done, total int, _ *toaststats.BuildResult) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(e.stderr),
					progressbar.OptionSetDescription("building snapshots"), progressbar.OptionShowCount(),
					progressbar.OptionClearOnFinish())
			}
			_ = bar.Set(done)
		}
	case *all:
		plog := progressLog(e)
		opts.Progress = func(done, total int, r *toaststats.BuildResult) {
			if r != nil {
				plog.Info("build date", "collection", r.CollectionDate, "snapshot", r.SnapshotID, "status", string(r.Status), "done", done, "total", total)
			}
		}
	}
	b := toaststats.NewBuilder(st, opts)
	out := buildOutput{DataDir: *dataDir, Results: []*toaststats.BuildResult{}}

	var buildErr error
	switch {
	case *all:
		out.Results, buildErr = b.BuildAll(ctx)
		if out.Results == nil {
			out.Results = []*toaststats.BuildResult{}
		}
		if buildErr == nil {
			var err error
			if out.Incomplete, err = b.Incomplete(ctx); err != nil {
				buildErr = err
			}
		}
		if buildErr == nil && len(out.Results) == 0 {
			out.Message = "every cached date has an up-to-date snapshot; nothing to build"
			if len(out.Incomplete) > 0 {
				out.Message = "nothing to build"
			}
		}
	default:
		d := *date
		if d == "" {
			dates, err := st.Raw().Dates(ctx)
			if err != nil {
				return fmt.Errorf("build: list cache dates: %w", err)
			}
			if len(dates) == 0 {
				buildErr = fmt.Errorf("the raw cache in %s is empty: %w", *dataDir, toaststats.ErrNothingCached)
				break
			}
			d = dates[len(dates)-1]
		}
		var res *toaststats.BuildResult
		res, buildErr = b.Build(ctx, d)
		if res != nil {
			out.Results = append(out.Results, res)
		}
	}
	if errors.Is(buildErr, store.ErrLeaseLost) {
		buildErr = leaseLost(buildErr)
	}
	if buildErr != nil {
		out.Error = buildErr.Error()
	} else if *gzipDays > 0 {
		var err error
		out.RawCompressed, err = st.Raw().CompressSettled(ctx, time.Duration(*gzipDays)*24*time.Hour)
		if errors.Is(err, store.ErrLeaseLost) {
			buildErr = writeLeaseLost("compressing the raw cache", "a report compressed already is left as it is", err)
			out.Error = buildErr.Error()
		} else if err != nil {
			buildErr = fmt.Errorf("compress the raw cache: %w", err)
			out.Error = buildErr.Error()
		}
	}

	if *asJSON {
		if err := writeJSON(e.stdout, out); err != nil {
			return err
		}
	} else {
		printBuildResults(e.stdout, out)
	}

	if buildErr != nil {
		// An empty cache is "nothing to serve" (1), like status and verify.
		return exitCode(exitFailed, buildErr)
	}
	for _, r := range out.Results {
		// A skip without a status is an older collection: nothing wrong.
		if r.Status != snapshot.StatusSuccess && !(r.Skipped && r.Status == "") {
			return exitCode(exitFailed, nil)
		}
	}
	return nil
}

// leaseLost explains a build stopped by a lost lock lease
// (store.ErrLeaseLost): what happened, and that building again is safe.
func leaseLost(err error) error {
	return fmt.Errorf("build stopped: the store's lock lease was lost (not renewed within its time to live: this "+
		"process stalled or lost the network), so another process may be publishing into the store now; this build "+
		"wrote nothing more once that was noticed. Running the build again is safe: it waits for the lock, then "+
		"finishes or rolls back the interrupted publish, and moves current.json forward if the snapshot was in place "+
		"before it could. Cause: %w", err)
}

// buildGCPercent is the garbage collector's GOGC during a build, unless
// $GOGC says otherwise. A build's live heap is small (each district's data
// is let go once it is published: 3-7 MB for the world) while it allocates
// ~45 MB for the world, so at the default 100 the collector runs often and
// its work (and the write barriers while it runs) costs more than the
// memory it saves. 200 was best when the live heap was ~10 MB; at 300 the
// world build's median is ~5 ms lower than at 200 (15 interleaved runs,
// twice), for a peak RSS of ~53 MB instead of ~45 (400: no better).
const buildGCPercent = 300

// buildHugeHeap is how much of a build's heap is asked to be backed by
// transparent huge pages (internal/hugeheap): a world build's heap peaks at
// ~25 MB in use (~50 MB resident with the program), so 40 MB holds nearly
// all of it. Nothing is resident until used.
const buildHugeHeap = 40 << 20

// buildMemory sets the collector for a build (buildGCPercent) and has the heap
// it is about to fill backed by huge pages where the system allows (a build
// first-touches ~45 MB, and on virtual machines each 4 KiB page fault costs
// ~10 µs: ~80 ms of a ~250 ms world build before, see internal/hugeheap).
// It returns hugeheap.Prepare's error: hugeheap.ErrUnavailable where there
// are no huge pages to ask for (GODEBUG=disablethp=1 turns it off).
func buildMemory(e env) error {
	if e.getenv("GOGC") == "" {
		debug.SetGCPercent(buildGCPercent)
	}
	_, _, err := hugeheap.Prepare(buildHugeHeap)
	return err
}

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printIncomplete says which collection dates build --all left out for
// lack of reports, and what collects them.
func printIncomplete(w io.Writer, inc []toaststats.IncompleteCollection) {
	if len(inc) == 0 {
		return
	}
	var (
		districts []string
		summary   bool
	)
	for _, ic := range inc {
		summary = summary || ic.MissingSummary
		for _, d := range ic.MissingDistricts {
			if !slices.Contains(districts, d) {
				districts = append(districts, d)
			}
		}
	}
	slices.SortFunc(districts, ranking.CompareDistrictIDs)
	var what []string
	if summary {
		what = append(what, "the All Districts summary")
	}
	if len(districts) > 0 {
		what = append(what, "reports of district "+strings.Join(districts, ", "))
	}
	first, last := inc[0].CollectionDate, inc[len(inc)-1].CollectionDate
	span := first
	if last != first {
		span = first + " … " + last
	}
	fmt.Fprintf(w, "not built, for lack of %s (a successful build needs them; the successful snapshots stay as they are): collection dates %s (%d)\n",
		strings.Join(what, " and "), span, len(inc))
	fmt.Fprintf(w, "  `toaststats backfill --from %s --to %s` collects them (reports already cached are kept), then `toaststats build --all`.\n", first, last)
}

// printBuildResults prints the human summary of build results.
func printBuildResults(w io.Writer, out buildOutput) {
	if out.Message != "" {
		fmt.Fprintln(w, out.Message)
	}
	defer func() {
		if len(out.RawCompressed) == 0 {
			return
		}
		var files, skipped, dates int
		var before, after int64
		for _, c := range out.RawCompressed {
			files, skipped = files+c.Files, skipped+len(c.Skipped)
			before, after = before+c.Before, after+c.After
			if c.Problem == "" { // a date left plain is named below, not counted
				dates++
			}
		}
		fmt.Fprintf(w, "raw cache: gzipped %d reports of %d dates (%.1f MB -> %.1f MB)\n", files, dates, float64(before)/1e6, float64(after)/1e6)
		if skipped > 0 {
			fmt.Fprintf(w, "raw cache: %d reports left plain: their bytes do not match the recorded checksum (toaststats verify lists them)\n", skipped)
		}
		for _, c := range out.RawCompressed {
			if c.Problem != "" {
				fmt.Fprintf(w, "raw cache: %s left plain: %s\n", c.Date, c.Problem)
			}
		}
	}()
	defer printIncomplete(w, out.Incomplete)
	for _, r := range out.Results {
		status := string(r.Status)
		if status == "" { // skipped before anything was built (an older collection)
			status = "not built"
		}
		fmt.Fprintf(w, "snapshot %s  status %s  (collection %s)\n", r.SnapshotID, status, r.CollectionDate)
		switch {
		case r.UpToDate:
			fmt.Fprintf(w, "  up to date, not rebuilt: %s\n", r.SkipReason)
		case r.Skipped:
			fmt.Fprintf(w, "  not published: %s\n", r.SkipReason)
		}
		if len(r.DistrictsIncluded) > 0 || len(r.DistrictsMissing) > 0 {
			fmt.Fprintf(w, "  districts included: %d %s\n", len(r.DistrictsIncluded), shortList(r.DistrictsIncluded, 20))
			fmt.Fprintf(w, "  districts missing:  %d %s\n", len(r.DistrictsMissing), shortList(r.DistrictsMissing, 20))
		}
		for _, de := range r.DistrictErrors {
			rep := de.Report
			if rep != "" {
				rep = " " + rep
			}
			fmt.Fprintf(w, "    district %s%s: %s: %s\n", de.DistrictID, rep, de.Reason, de.Error)
		}
		if len(r.Errors) > 0 || len(r.Warnings) > 0 {
			fmt.Fprintf(w, "  errors: %d  warnings: %d\n", len(r.Errors), len(r.Warnings))
		}
		for _, msg := range r.Errors {
			fmt.Fprintf(w, "    error: %s\n", msg)
		}
		fmt.Fprintf(w, "  took %s\n", r.Duration.Round(time.Millisecond))
	}
}

// shortList prints ids in brackets, cut after max.
func shortList(ids []string, max int) string {
	if len(ids) == 0 {
		return ""
	}
	if len(ids) <= max {
		return "[" + strings.Join(ids, " ") + "]"
	}
	return "[" + strings.Join(ids[:max], " ") + fmt.Sprintf(" … +%d]", len(ids)-max)
}
