package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/scrape"
	"github.com/toaststats/toaststats/store"
)

// The exit codes of every toaststats command: the contract the README's
// exit-code table documents and TestExitCodeContract pins.
const (
	// exitOK: the work was done, or there was nothing to do.
	exitOK = 0
	// exitFailed: some of the work failed (districts, dates, a partial or
	// failed snapshot), or the store is unhealthy, empty or has nothing to
	// serve.
	exitFailed = 1
	// exitUsage: a usage or configuration error (bad flag or argument, a
	// data directory that does not exist, a district the dashboard does not
	// list, no browser).
	exitUsage = 2
	// exitUnreachable: the dashboard could not be reached (network error,
	// timeout or HTTP 502/503/504 after every retry, or the circuit breaker
	// opened).
	exitUnreachable = 3
)

// exitCodeText is the one-line form of the contract printed by -h.
const exitCodeText = "exit status: 0 success, 1 some of the work failed or the store is unhealthy, 2 usage or configuration error, 3 dashboard unreachable"

// addVerbose registers -v and --verbose (the same switch) on fs.
func addVerbose(fs *flag.FlagSet, v *bool) {
	fs.BoolVar(v, "v", false, "log details to stderr (same as --verbose)")
	fs.BoolVar(v, "verbose", false, "log details to stderr (same as -v)")
}

// progressLog is where long commands write one line per date or district
// when stderr is not a terminal (a terminal gets a progress bar instead).
func progressLog(e env) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// openExisting opens a data directory a command only reads (build,
// status, verify): it is never created, and a missing one is a
// configuration error (exit 2) naming the path, so a mistyped --data-dir
// cannot pass for an empty, healthy store.
func openExisting(dir string, opts toaststats.StoreOptions) (*store.Store, error) {
	if dir == "" {
		return nil, usageError("--data-dir is empty")
	}
	st, err := toaststats.OpenStore(dir, opts)
	if errors.Is(err, store.ErrNoDataDir) {
		return nil, exitCode(exitUsage, fmt.Errorf("data directory %s does not exist: check --data-dir / TOASTSTATS_DATA_DIR, or create it with `toaststats init --data-dir %s`", dir, dir))
	}
	if err != nil {
		return nil, exitCode(exitUsage, fmt.Errorf("open data directory %s: %w", dir, err))
	}
	return st, nil
}

// unreachable reports whether every error says the dashboard could not be
// reached (and there is at least one).
func unreachable(errs []error) bool {
	if len(errs) == 0 {
		return false
	}
	for _, err := range errs {
		if !errors.Is(err, scrape.ErrUnavailable) && !errors.Is(err, scrape.ErrCircuitOpen) {
			return false
		}
	}
	return true
}

// writeLeaseLost explains a write into the raw cache or the district
// configuration stopped by a lost lock lease (store.ErrLeaseLost, object
// storage), as leaseLost does for a build: what happened, and why running
// the command again is safe (rerun). what names the write ("writing into
// the raw cache").
func writeLeaseLost(what, rerun string, err error) error {
	return fmt.Errorf("%s stopped: the store's lock lease was lost (not renewed within its time to live: this process "+
		"stalled or lost the network), so another process may be writing there now; nothing more was written once "+
		"that was noticed, and what the other process wrote is left as it is. Running the command again is safe: %s. "+
		"Cause: %w", what, rerun, err)
}

// leaseLostAmong returns the first of errs that wraps store.ErrLeaseLost,
// or nil.
func leaseLostAmong(errs []error) error {
	for _, err := range errs {
		if errors.Is(err, store.ErrLeaseLost) {
			return err
		}
	}
	return nil
}

// unknownDistricts are the requested ids the dashboard's summary does not
// list, from a run's errors, each with how the dashboard writes it when
// it does ("2 (it writes 02)"); only those keep accepts, when it is set.
func unknownDistricts(r *scrape.Result, keep func(id string) bool) []string {
	var ids []string
	for _, f := range r.Errors {
		if !errors.Is(f.Err, scrape.ErrUnknownDistrict) || keep != nil && !keep(f.DistrictID) {
			continue
		}
		id := f.DistrictID
		var ue *scrape.UnknownDistrictError
		if errors.As(f.Err, &ue) && ue.Listed != "" {
			id += " (it writes " + ue.Listed + ")"
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// rememberDistricts makes --districts the districts the data directory
// tracks: config/districts.json (the same file the server's
// /api/admin/districts/config edits) is replaced by ids, or emptied for
// "all" (an empty list means every district). Build, status, verify and the
// server read that file, so what scrape collected is what they expect. A
// change is logged in config/district-changes.log and told on stderr.
func rememberDistricts(ctx context.Context, st *store.Store, ids []string, all bool, stderr io.Writer) error {
	if ids == nil && !all {
		return nil
	}
	cur, _, err := st.Config().Load(ctx)
	if err != nil {
		return fmt.Errorf("district configuration: %w", err)
	}
	next, err := store.NormalizeDistrictIDs(ids)
	if err != nil {
		return err
	}
	if slices.Equal(cur, next) {
		return nil
	}
	if _, err := st.Config().Replace(ctx, next, "toaststats cli --districts"); err != nil {
		if errors.Is(err, store.ErrLeaseLost) {
			return writeLeaseLost("remembering --districts in config/districts.json",
				"it sets the tracked districts again, unless they already are what --districts says", err)
		}
		return fmt.Errorf("remember --districts in config/districts.json: %w", err)
	}
	fmt.Fprintf(stderr, "toaststats: tracked districts now %s (was %s), saved in config/districts.json\n", districtWords(next), districtWords(cur))
	return nil
}

// districtWords prints a tracked-district list ("all" when empty).
func districtWords(ids []string) string {
	if len(ids) == 0 {
		return "all"
	}
	return strings.Join(ids, ",")
}
