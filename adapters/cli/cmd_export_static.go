package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/adapters/static"
	"github.com/toaststats/toaststats/store"
)

func init() {
	register("export-static", "write the read-only API as files for a static host or CDN", runExportStatic)
}

// exportStaticOutput is the --json summary of the export-static command.
type exportStaticOutput struct {
	DataDir string         `json:"dataDir"`
	To      string         `json:"to"`
	Result  *static.Result `json:"result"`
	Seconds float64        `json:"seconds"`
	Error   string         `json:"error,omitempty"`
}

func runExportStatic(ctx context.Context, e env) error {
	fs := newSnapshotFlagSet(e, "export-static", "export-static --to DIR|URL [--data-dir D | --store URL] [--since YYYY-MM-DD] [--no-history] [--full] [--json] [-v]\n\n"+
		"Writes the read-only API (rankings, districts, statistics, clubs, analytics answers: the\n"+
		"bytes the server sends) as files under DIR/api/ plus DIR/index.json, for any static host\n"+
		"or CDN: GET /api/X is the file /api/X.json, GET /api/X?date=D is /api/snapshots/D/X.json.\n"+
		"Run it again after a build: only files whose bytes changed are written, files no longer\n"+
		"answered are deleted, and index.json is written last. When some answers fail, index.json\n"+
		"says \"complete\": false and lists them under \"failures\", and the exit status is 1.")
	dataDir := fs.String("data-dir", snapshotDataDir(e), "data directory (env TOASTSTATS_DATA_DIR)")
	addStoreFlag(fs, dataDir)
	to := fs.String("to", "", "where to write the export: a directory (created if needed) or a bucket URL such as s3://bucket/site?endpoint=...")
	since := fs.String("since", "", "per-date files only for snapshots of this date (YYYY-MM-DD) and later (default: every snapshot)")
	noHistory := fs.Bool("no-history", false, "no per-date files (api/snapshots/), only the current snapshot's answers")
	full := fs.Bool("full", false, "write every file again and delete files under api/ the index does not name")
	asJSON := fs.Bool("json", false, "print one JSON summary on stdout")
	var verbose bool
	addVerbose(fs, &verbose)
	if done, err := parseSnapshotFlags(fs, e.args); done {
		return err
	}
	if *to == "" {
		return usageError("export-static: --to is required")
	}
	if *since != "" {
		if err := store.ValidDate(*since); err != nil {
			return usageError("export-static: --since: %v", err)
		}
	}
	if *since != "" && *noHistory {
		return usageError("export-static: --since and --no-history exclude each other")
	}
	if same(*to, *dataDir) {
		return usageError("export-static: --to %s is the data directory itself", *to)
	}
	log := snapshotLogger(e, verbose)
	st, err := openExisting(*dataDir, toaststats.StoreOptions{Logger: log, Now: time.Now})
	if err != nil {
		return err
	}
	dst, err := store.OpenBackend(ctx, *to)
	if err != nil {
		return exitCode(exitUsage, fmt.Errorf("export-static: --to %s: %w", *to, err))
	}
	if c, ok := dst.(io.Closer); ok {
		defer c.Close()
	}

	opts := static.Options{Since: *since, NoHistory: *noHistory, Full: *full, Logger: log}
	if bar := newScrapeBar(e, -1, "exporting answers"); bar != nil {
		opts.Progress = func(done, total int) {
			if bar.GetMax() != total {
				bar.ChangeMax(total)
			}
			_ = bar.Set(done)
		}
		defer bar.Finish()
	}
	res, err := static.Export(ctx, st, dst, opts)
	out := exportStaticOutput{DataDir: *dataDir, To: *to, Result: res}
	if res != nil {
		out.Seconds = res.Duration.Seconds()
	}
	if err != nil {
		out.Error = err.Error()
	}
	if *asJSON {
		if jerr := writeJSON(e.stdout, out); jerr != nil {
			return jerr
		}
	} else if res != nil {
		printExportStatic(e, out, err)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, static.ErrNoSnapshot):
		return exitCode(exitFailed, fmt.Errorf("export-static: data directory %s has no snapshot to export yet: run `toaststats build` first", *dataDir))
	default:
		return exitCode(exitFailed, fmt.Errorf("export-static: %w", err))
	}
}

// printExportStatic prints the human summary of an export; an export with
// failed answers ends with a line saying it is incomplete. An export that
// stopped before it finished (err, and no snapshot in the result) says so
// instead of summing up files it did not account for: with no snapshot to
// export, nothing was written.
func printExportStatic(e env, out exportStaticOutput, err error) {
	r := out.Result
	if r.SnapshotID == "" {
		switch {
		case errors.Is(err, static.ErrNoSnapshot):
			fmt.Fprintf(e.stdout, "nothing exported: %s has no snapshot yet; nothing was written to %s\n", out.DataDir, out.To)
		case r.IndexWritten:
			fmt.Fprintf(e.stdout, "export from %s to %s did not finish (%.1fs): %s was written, but files it no longer names may remain; run the export again\n", out.DataDir, out.To, out.Seconds, static.IndexKey)
		default:
			fmt.Fprintf(e.stdout, "export from %s to %s stopped after %.1fs, before writing %s: nothing was exported (files written so far are not listed in it); run the export again\n", out.DataDir, out.To, out.Seconds, static.IndexKey)
		}
		return
	}
	fmt.Fprintf(e.stdout, "exported snapshot %s from %s to %s in %.1fs\n", r.SnapshotID, out.DataDir, out.To, out.Seconds)
	fmt.Fprintf(e.stdout, "  files: %d (%s): %d written (%s), %d unchanged, %d deleted; index %s\n",
		r.Files, byteSize(r.Bytes), r.Written, byteSize(r.BytesWritten), r.Unchanged, r.Deleted, map[bool]string{true: "written", false: "unchanged"}[r.IndexWritten])
	if r.IndexProblem != "" {
		fmt.Fprintf(e.stdout, "  the previous index was unusable (%s): every file was written again\n", r.IndexProblem)
	}
	for i, f := range r.Failed {
		if i == 10 {
			fmt.Fprintf(e.stdout, "  … and %d more failed answers\n", len(r.Failed)-10)
			break
		}
		fmt.Fprintf(e.stdout, "  failed: GET %s: %d %s\n", f.Request, f.Status, f.Body)
	}
	if n := len(r.Failed); n > 0 {
		fmt.Fprintf(e.stdout, "INCOMPLETE export: %d %s could not be exported (their files are missing or from an earlier export); %s says \"complete\": false and lists them under \"failures\"\n",
			n, map[bool]string{true: "answer", false: "answers"}[n == 1], static.IndexKey)
	}
}

// byteSize prints n bytes in a unit a person reads at a glance.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// same reports whether two paths name the same directory (after making
// them absolute and clean).
func same(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}
