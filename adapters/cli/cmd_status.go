package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

func init() {
	register("status", "show what the raw cache holds for a date and its snapshot", runStatus)
}

// statusOutput is the --json summary of the status command.
type statusOutput struct {
	DataDir string `json:"dataDir"`
	// CachedDates are every collection date in the raw cache.
	CachedDates []string                `json:"cachedDates"`
	Status      *toaststats.CacheStatus `json:"status,omitempty"`
	// Current is the id current.json names ("" when none).
	Current string `json:"current"`
	// CurrentProblems are the damaged or missing files of the current
	// snapshot (the server answers SNAPSHOT_DAMAGED for them).
	CurrentProblems []string `json:"currentProblems,omitempty"`
	// TrackedDistricts are the districts the data directory tracks
	// (config/districts.json; empty means every district).
	TrackedDistricts []string `json:"trackedDistricts"`
	Message          string   `json:"message,omitempty"`
}

func runStatus(ctx context.Context, e env) error {
	fs := newSnapshotFlagSet(e, "status", "status [--data-dir D] [--date YYYY-MM-DD] [--json] [-v]\n\n"+
		"Shows what the raw cache holds for a collection date (default: the newest), per\n"+
		"district and report, the status of the snapshot the date maps to, and any damaged\n"+
		"file of the current snapshot. Exits 1 when the data directory holds nothing yet or\n"+
		"the current snapshot is damaged, 2 when it does not exist.")
	dataDir := fs.String("data-dir", snapshotDataDir(e), "data directory (env TOASTSTATS_DATA_DIR)")
	addStoreFlag(fs, dataDir)
	date := fs.String("date", "", "collection date YYYY-MM-DD (default: the newest cached date)")
	asJSON := fs.Bool("json", false, "print one JSON summary on stdout")
	var verbose bool
	addVerbose(fs, &verbose)
	if done, err := parseSnapshotFlags(fs, e.args); done {
		return err
	}
	if *date != "" {
		if err := store.ValidDate(*date); err != nil {
			return usageError("status: --date %q: %v", *date, err)
		}
	}
	log := snapshotLogger(e, verbose)
	st, err := openExisting(*dataDir, toaststats.StoreOptions{Logger: log, Now: time.Now})
	if err != nil {
		return err
	}
	out := statusOutput{DataDir: *dataDir}
	if out.TrackedDistricts, _, err = st.Config().Load(ctx); err != nil {
		return exitCode(exitUsage, fmt.Errorf("status: %w", err))
	}
	out.CachedDates, err = st.Raw().Dates(ctx)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	if out.CachedDates == nil {
		out.CachedDates = []string{}
	}
	if p, err := st.Snapshots().Pointer(ctx); err == nil {
		out.Current = p.SnapshotID
		if c, err := st.Snapshots().CheckSnapshot(ctx, p.SnapshotID); err != nil {
			out.CurrentProblems = []string{err.Error()}
		} else {
			out.CurrentProblems = c.Problems
		}
	} else if !errors.Is(err, store.ErrNoSnapshot) {
		out.CurrentProblems = []string{"current.json unreadable: " + err.Error()}
	}
	d := *date
	if d == "" && len(out.CachedDates) > 0 {
		d = out.CachedDates[len(out.CachedDates)-1]
	}
	empty := d == "" && out.Current == "" && len(out.CurrentProblems) == 0
	if d == "" {
		out.Message = "the raw cache is empty: run `toaststats scrape` first"
		if empty {
			out.Message = fmt.Sprintf("the data directory %s holds nothing yet (no collection, no snapshot): run `toaststats scrape --data-dir %s`", *dataDir, *dataDir)
		}
	} else {
		b := toaststats.NewBuilder(st, toaststats.BuilderOptions{Logger: log})
		out.Status, err = b.Status(ctx, d)
		if errors.Is(err, toaststats.ErrNothingCached) {
			out.Message = fmt.Sprintf("nothing cached for %s: run `toaststats scrape --date %s` first", d, d)
		} else if err != nil {
			return fmt.Errorf("status: %w", err)
		}
	}
	if *asJSON {
		if err := writeJSON(e.stdout, out); err != nil {
			return err
		}
	} else {
		printStatus(e.stdout, out)
	}
	switch {
	case empty:
		return exitCode(exitFailed, errors.New("status: the data directory holds nothing yet"))
	case len(out.CurrentProblems) > 0 && out.Current == "":
		return exitCode(exitFailed, errors.New("status: current.json, which names the current snapshot, cannot be read: run `toaststats verify --repair`"))
	case len(out.CurrentProblems) > 0:
		return exitCode(exitFailed, fmt.Errorf("status: the current snapshot %s is damaged: run `toaststats verify --repair`", out.Current))
	}
	return nil
}

// printStatus prints the human form of the status command.
func printStatus(w io.Writer, out statusOutput) {
	fmt.Fprintf(w, "data directory: %s\n", out.DataDir)
	fmt.Fprintf(w, "cached dates:   %d %s\n", len(out.CachedDates), dateSpan(out.CachedDates))
	cur := out.Current
	if cur == "" {
		cur = "(none)"
	}
	fmt.Fprintf(w, "current:        %s\n", cur)
	for _, p := range out.CurrentProblems {
		fmt.Fprintf(w, "  DAMAGED: %s\n", p)
	}
	fmt.Fprintf(w, "tracking:       %s\n", districtWords(out.TrackedDistricts))
	if out.Message != "" {
		fmt.Fprintln(w, out.Message)
	}
	s := out.Status
	if s == nil {
		return
	}
	closing := "unknown"
	if s.IsClosingPeriod != nil {
		closing = fmt.Sprint(*s.IsClosingPeriod)
	}
	fmt.Fprintf(w, "\ncollection %s: data month %s, as of %s, closing period %s -> snapshot %s\n",
		s.CollectionDate, s.DataMonth, s.DataAsOfDate, closing, s.LogicalDate)
	src := "every district of the summary (no config/districts.json)"
	if s.ConfigFile {
		src = "config/districts.json"
	}
	fmt.Fprintf(w, "districts from %s\n", src)
	fmt.Fprintf(w, "  summary %-24s %s\n", s.Summary.File, reportWord(s.Summary))
	for _, d := range s.Districts {
		var parts []string
		for _, r := range d.Reports {
			parts = append(parts, strings.TrimSuffix(r.File, "-performance.csv")+" "+reportWord(r))
		}
		flags := ""
		if !d.Configured {
			flags += " (not configured)"
		}
		if !d.InSummary {
			flags += " (not in summary)"
		}
		fmt.Fprintf(w, "  district %-4s %s%s\n", d.DistrictID, strings.Join(parts, ", "), flags)
	}
	for _, msg := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", msg)
	}
	if s.Snapshot == nil {
		fmt.Fprintf(w, "snapshot %s: not built\n", s.LogicalDate)
	} else {
		sn := s.Snapshot
		fmt.Fprintf(w, "snapshot %s: %s, from collection %s, %d districts, %d errors, %d warnings, up to date %v\n",
			sn.ID, sn.Status, sn.CollectionDate, sn.DistrictCount, sn.ErrorCount, sn.WarningCount, sn.UpToDate)
		for _, p := range sn.Problems {
			fmt.Fprintf(w, "  DAMAGED: %s\n", p)
		}
		if sn.CollectionDate > s.CollectionDate {
			// "up to date false" alone reads as work to do; an older
			// collection of the snapshot's date is never built.
			fmt.Fprintf(w, "  collection %s is not built: the snapshot comes from the newer collection %s (the newest collection of a date wins; nothing to do)\n",
				s.CollectionDate, sn.CollectionDate)
		}
	}
	if s.Pending {
		fmt.Fprintf(w, "pending: run `toaststats build --date %s`\n", s.CollectionDate)
	}
	if s.Incomplete != nil {
		fmt.Fprintf(w, "not pending: a build would be partial and never replaces the successful snapshot; %s\n", s.Incomplete.Remedy())
	}
}

// reportWord is "ok" or the problem of one report.
func reportWord(r toaststats.ReportState) string {
	if r.State == "ok" {
		return "ok"
	}
	return strings.ToUpper(r.State)
}

// dateSpan prints "first … last".
func dateSpan(dates []string) string {
	switch len(dates) {
	case 0:
		return ""
	case 1:
		return "(" + dates[0] + ")"
	}
	return "(" + dates[0] + " … " + dates[len(dates)-1] + ")"
}
