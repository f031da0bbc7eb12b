package main

import (
	"context"
	"fmt"
	"time"

	"github.com/toaststats/toaststats"
)

func init() {
	register("reindex", "rebuild the history index from the snapshots", runReindex)
}

// reindexOutput is the --json summary of the reindex command.
type reindexOutput struct {
	DataDir string                      `json:"dataDir"`
	Result  *toaststats.ReindexResult   `json:"result"`
	Before  []toaststats.HistoryProblem `json:"problemsBefore"`
	Seconds float64                     `json:"seconds"`
}

func runReindex(ctx context.Context, e env) error {
	fs := newSnapshotFlagSet(e, "reindex", "reindex [--data-dir D] [--json] [-v]\n\n"+
		"Rewrites the history index (history/<program-year>/district_<id>.log: the daily\n"+
		"points analytics read) from the snapshots, and removes logs no snapshot backs.\n"+
		"The Builder keeps the index up to date as it publishes; run this after `verify`\n"+
		"reports the index damaged or stale (answers stay right meanwhile: they read the\n"+
		"snapshots, only slower). A snapshot whose files are damaged is skipped and\n"+
		"listed: run `toaststats verify --repair`, then reindex again. Exits 0 on success,\n"+
		"1 when a snapshot was skipped, 2 when the data directory does not exist.")
	dataDir := fs.String("data-dir", snapshotDataDir(e), "data directory (env TOASTSTATS_DATA_DIR)")
	addStoreFlag(fs, dataDir)
	asJSON := fs.Bool("json", false, "print one JSON summary on stdout")
	var verbose bool
	addVerbose(fs, &verbose)
	if done, err := parseSnapshotFlags(fs, e.args); done {
		return err
	}
	log := snapshotLogger(e, verbose)
	st, err := openExisting(*dataDir, toaststats.StoreOptions{Logger: log, Now: time.Now})
	if err != nil {
		return err
	}
	h := toaststats.NewHistory(st, log)
	start := time.Now()
	before, err := h.Verify(ctx)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	res, err := h.Reindex(ctx)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	out := reindexOutput{DataDir: *dataDir, Result: res, Before: before, Seconds: time.Since(start).Seconds()}
	if *asJSON {
		if err := writeJSON(e.stdout, out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "data directory: %s\n", out.DataDir)
		fmt.Fprintf(e.stdout, "history index: %d problem(s) before; rewrote %d log(s) from %d snapshot(s), removed %d, in %.1fs\n",
			len(before), res.Logs, res.Snapshots, len(res.Removed), out.Seconds)
		for _, sk := range res.Skipped {
			fmt.Fprintf(e.stdout, "  SKIPPED %s: %s\n", sk.SnapshotID, sk.Reason)
		}
	}
	if len(res.Skipped) > 0 {
		return exitCode(exitFailed, fmt.Errorf("reindex: %d damaged snapshot(s) not indexed: run `toaststats verify --repair`, then `toaststats reindex`", len(res.Skipped)))
	}
	return nil
}
