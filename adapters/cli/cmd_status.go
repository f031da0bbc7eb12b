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
	Message string `json:"message,omitempty"`
}

func runStatus(ctx context.Context, e env) error {
	fs := newSnapshotFlagSet(e, "status", "status [--data-dir D] [--date YYYY-MM-DD] [--json]\n\n"+
		"Shows what the raw cache holds for a collection date (default: the newest), per\n"+
		"district and report, and the status of the snapshot the date maps to.")
	dataDir := fs.String("data-dir", snapshotDataDir(e), "data directory (env TOASTSTATS_DATA_DIR)")
	date := fs.String("date", "", "collection date YYYY-MM-DD (default: the newest cached date)")
	asJSON := fs.Bool("json", false, "print one JSON summary on stdout")
	if done, err := parseSnapshotFlags(fs, e.args); done {
		return err
	}
	if *date != "" {
		if err := store.ValidDate(*date); err != nil {
			return usageError("status: --date %q: %v", *date, err)
		}
	}
	log := snapshotLogger(e, false)
	st, err := openSnapshotStore(e, *dataDir, time.Now, log)
	if err != nil {
		return err
	}
	out := statusOutput{DataDir: *dataDir}
	out.CachedDates, err = st.Raw().Dates(ctx)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	if out.CachedDates == nil {
		out.CachedDates = []string{}
	}
	if cur, err := st.Snapshots().Current(ctx); err == nil {
		out.Current = cur.ID
	} else if !errors.Is(err, store.ErrNoSnapshot) {
		out.Message = "current snapshot unreadable: " + err.Error()
	}
	d := *date
	if d == "" && len(out.CachedDates) > 0 {
		d = out.CachedDates[len(out.CachedDates)-1]
	}
	if d == "" {
		out.Message = "the raw cache is empty: run `toaststats scrape` first"
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
		return writeJSON(e.stdout, out)
	}
	printStatus(e.stdout, out)
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
	}
	if s.Pending {
		fmt.Fprintf(w, "pending: run `toaststats build --date %s`\n", s.CollectionDate)
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
