package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

func init() {
	register("init", "create a data directory (and set the districts it tracks)", runInit)
}

// initOutput is the --json summary of the init command.
type initOutput struct {
	DataDir string `json:"dataDir"`
	// Created is false when the directory already existed.
	Created bool `json:"created"`
	// TrackedDistricts are the districts the directory tracks (empty: all).
	TrackedDistricts []string `json:"trackedDistricts"`
}

func runInit(ctx context.Context, e env) error {
	fs := newSnapshotFlagSet(e, "init", "init [--data-dir D] [--districts 42,61|all] [--json] [-v]\n\n"+
		"Creates the data directory deliberately (the read-only commands build, status and\n"+
		"verify never create one, so a mistyped path fails instead of looking empty and\n"+
		"healthy). --districts sets the districts it tracks (config/districts.json). Running it\n"+
		"on an existing data directory changes nothing but --districts.")
	dataDir := fs.String("data-dir", snapshotDataDir(e), "data directory (env TOASTSTATS_DATA_DIR)")
	addStoreFlag(fs, dataDir)
	districts := fs.String("districts", "", "districts to track: 42,61,F or all (default: leave config/districts.json as it is; none means all)")
	asJSON := fs.Bool("json", false, "print one JSON summary on stdout")
	var verbose bool
	addVerbose(fs, &verbose)
	if done, err := parseSnapshotFlags(fs, e.args); done {
		return err
	}
	if *dataDir == "" {
		return usageError("init: --data-dir is empty")
	}
	sf := scrapeFlags{districts: *districts}
	ids, all, err := sf.districtList()
	if err != nil {
		return err
	}
	out := initOutput{DataDir: *dataDir}
	if _, err := os.Stat(*dataDir); errors.Is(err, os.ErrNotExist) && !store.IsURL(*dataDir) {
		out.Created = true
	}
	st, err := toaststats.CreateStore(*dataDir, toaststats.StoreOptions{Logger: snapshotLogger(e, verbose)})
	if err != nil {
		return exitCode(exitUsage, fmt.Errorf("init: %w", err))
	}
	defer st.Close()
	if err := rememberDistricts(ctx, st, ids, all, e.stderr); err != nil {
		if errors.Is(err, store.ErrLeaseLost) { // not a configuration error: run it again
			return exitCode(exitFailed, fmt.Errorf("init: %w", err))
		}
		return exitCode(exitUsage, fmt.Errorf("init: %w", err))
	}
	if out.TrackedDistricts, _, err = st.Config().Load(ctx); err != nil {
		return exitCode(exitUsage, fmt.Errorf("init: %w", err))
	}
	if *asJSON {
		return writeJSON(e.stdout, out)
	}
	word := "exists"
	if out.Created {
		word = "created"
	}
	fmt.Fprintf(e.stdout, "data directory %s %s; tracking %s districts\n", *dataDir, word, districtWords(out.TrackedDistricts))
	fmt.Fprintf(e.stdout, "next: toaststats scrape --data-dir %s\n", *dataDir)
	return nil
}
