package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

func init() {
	register("migrate", "copy a data directory between a path and object storage (either way)", runMigrate)
}

// migrateOutput is the --json summary of the migrate command.
type migrateOutput struct {
	From string `json:"from"`
	To   string `json:"to"`
	*store.MigrateReport
	// Kept is the report's Kept, each with the flag that takes the
	// source's version instead.
	Kept []keptOutput `json:"kept"`
	// Reindex is the destination's rebuilt history index (nil when the
	// source had no snapshot or a file failed).
	Reindex *toaststats.ReindexResult `json:"reindex,omitempty"`
}

// keptOutput is one store.MigrateKept of the migrate command's output.
type keptOutput struct {
	store.MigrateKept
	// TakeSource is the flag that takes the source's version instead.
	TakeSource string `json:"takeSource"`
}

func runMigrate(ctx context.Context, e env) error {
	fs := newSnapshotFlagSet(e, "migrate", "migrate --from SRC --to DST [--take-source KEY,...] [--parallel N] [--json] [-v]\n\n"+
		"Copies a data directory: SRC and DST are paths or URLs (file:///path,\n"+
		"s3://bucket/prefix?endpoint=...&region=...&use_path_style=true; credentials from\n"+
		"AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the AWS credential chain). Every file is\n"+
		"checked against the checksum the source records for it (raw metadata, snapshot\n"+
		"manifests), written, and read back. Files already in DST with the same bytes are\n"+
		"skipped, so running it again after an interruption finishes the job. Snapshot\n"+
		"manifests and current.json are copied last. A predecessor's data directory is a\n"+
		"valid source. Stop the writers (scraper, server builds) while it runs.\n"+
		"Then the destination's history index is rebuilt from its snapshots: the index\n"+
		"names each snapshot by its stamp on the storage it lives on, which a copy changes.\n"+
		"What DST holds newer than SRC (a raw date written later, a snapshot built from a\n"+
		"newer collection, a current.json naming a newer snapshot, a goals or assessment\n"+
		"record updated later) is kept and listed as KEPT; so is a configuration file\n"+
		"(config/) that differs from SRC's, and a goals or assessment record not shown to\n"+
		"be older. --take-source names what to take from SRC instead (the KEPT keys, or\n"+
		"folders such as config/ or assessments/).\n"+
		"Exits 0 when everything was copied and verified; 1 when a file failed to copy or\n"+
		"does not match its recorded checksum (it is copied verbatim where DST has no copy;\n"+
		"a copy DST has is never replaced by it);\n"+
		"2 when SRC does not exist, a location is not usable, or --take-source names\n"+
		"nothing of SRC.")
	from := fs.String("from", "", "source: a data directory path or a URL (required)")
	to := fs.String("to", "", "destination: a path (created if missing) or a URL (required)")
	parallel := fs.Int("parallel", 8, "files copied at once")
	var take []string
	fs.Func("take-source", "take SRC's version of these files or folders (comma-separated; repeatable) where DST's would be KEPT", func(v string) error {
		for t := range strings.SplitSeq(v, ",") {
			if t = strings.TrimSpace(t); t == "" {
				continue
			}
			if err := store.ValidKey(strings.TrimSuffix(t, "/")); err != nil {
				return fmt.Errorf("%q is not a file or folder of a data directory (as KEPT lines name them)", t)
			}
			take = append(take, t)
		}
		return nil
	})
	asJSON := fs.Bool("json", false, "print one JSON summary on stdout")
	var verbose bool
	addVerbose(fs, &verbose)
	if done, err := parseSnapshotFlags(fs, e.args); done {
		return err
	}
	if *from == "" || *to == "" {
		return usageError("migrate: --from and --to are required")
	}
	if *from == *to {
		return usageError("migrate: --from and --to are the same location")
	}
	if *parallel < 1 {
		return usageError("migrate: --parallel must be >= 1")
	}
	log := snapshotLogger(e, verbose)
	src, err := openExisting(*from, toaststats.StoreOptions{Logger: log})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Create(*to, store.Options{Logger: log})
	if err != nil {
		return exitCode(exitUsage, fmt.Errorf("migrate: open destination %s: %w", *to, err))
	}
	defer dst.Close()

	opts := store.MigrateOptions{Parallel: *parallel, TakeSource: take}
	if bar := newScrapeBar(e, -1, "migrating"); bar != nil {
		opts.Progress = func(done, total int) {
			bar.ChangeMax(total)
			_ = bar.Set(done)
		}
	} else {
		plog := progressLog(e)
		opts.Progress = func(done, total int) {
			if done == total || done%500 == 0 {
				plog.Info("migrate", "done", done, "total", total)
			}
		}
	}
	rep, err := store.Migrate(ctx, src.Objects(), dst.Objects(), opts)
	if errors.Is(err, store.ErrNotInSource) {
		return exitCode(exitUsage, fmt.Errorf("migrate: --take-source: %w", err))
	}
	if err != nil {
		return fmt.Errorf("migrate: %w (run it again to finish: what is copied is skipped)", err)
	}
	out := migrateOutput{From: *from, To: *to, MigrateReport: rep, Kept: []keptOutput{}}
	for _, k := range rep.Kept {
		out.Kept = append(out.Kept, keptOutput{MigrateKept: k, TakeSource: "--take-source " + k.Key})
	}
	if len(rep.Problems) == 0 {
		// The index records each snapshot's stamp (size and time of its
		// manifest, as the destination stores them): rebuild it there, or
		// every history answer would read the snapshots instead.
		ids, err := dst.Snapshots().IDs(ctx)
		if err != nil {
			return fmt.Errorf("migrate: list the copied snapshots: %w", err)
		}
		if len(ids) > 0 {
			if out.Reindex, err = toaststats.NewHistory(dst, log).Reindex(ctx); err != nil {
				return fmt.Errorf("migrate: every file copied, but rebuilding the destination's history index failed (run `toaststats reindex` there): %w", err)
			}
		}
	}
	if *asJSON {
		if err := writeJSON(e.stdout, out); err != nil {
			return err
		}
	} else {
		printMigrate(e.stdout, out)
	}
	if len(rep.Problems) > 0 {
		return exitCode(exitFailed, nil)
	}
	return nil
}

func printMigrate(w io.Writer, out migrateOutput) {
	r := out.MigrateReport
	fmt.Fprintf(w, "migrated %s -> %s\n", out.From, out.To)
	fmt.Fprintf(w, "  files: %d, copied %d (%d bytes), already there %d, checksums verified %d\n", r.Objects, r.Copied, r.Bytes, r.Skipped, r.Verified)
	for _, k := range out.Kept {
		fmt.Fprintf(w, "  KEPT %s: %s (to take the source's: %s)\n", k.Key, k.Reason, k.TakeSource)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  PROBLEM %s: %s\n", p.Key, p.Problem)
	}
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "  every file copied and verified")
	}
	if x := out.Reindex; x != nil {
		fmt.Fprintf(w, "  history index rebuilt at the destination: %d log(s) from %d snapshot(s)\n", x.Logs, x.Snapshots)
	}
}
