package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

func init() {
	register("verify", "check the snapshot store's integrity (--repair to recover)", runVerify)
}

// verifyOutput is the --json summary of the verify command.
type verifyOutput struct {
	DataDir string `json:"dataDir"`
	// Verdict is HEALTHY, UNHEALTHY, EMPTY (no snapshot at all) or NOT
	// SERVING (no complete successful snapshot is current).
	Verdict string `json:"verdict"`
	// TrackedDistricts are the districts the data directory tracks
	// (config/districts.json; empty: all); TrackedMissing those of them the
	// current snapshot lacks (reported, not a verdict).
	TrackedDistricts []string `json:"trackedDistricts"`
	TrackedMissing   []string `json:"trackedMissing,omitempty"`
	// ConfigError says why config/districts.json cannot be read (exit 2:
	// a configuration error, whatever the verdict).
	ConfigError string                 `json:"configError,omitempty"`
	Check       *store.IntegrityReport `json:"check,omitempty"`
	Recovery    *store.RecoveryReport  `json:"recovery,omitempty"`
	// History are the history index's problems (a note, not a verdict:
	// answers read the snapshots where the index falls short); with
	// --repair, those left after the index was rebuilt.
	History []toaststats.HistoryProblem `json:"history"`
	// Reindexed is set when --repair rebuilt the history index.
	Reindexed *toaststats.ReindexResult `json:"reindexed,omitempty"`
	// Raw lists the raw reports that are missing or do not match their
	// recorded checksum, plain or gzip-compressed (a note, not a verdict:
	// the raw cache is the only copy, so nothing is repaired or removed).
	Raw []store.RawProblem `json:"raw"`
	// InterruptedMoves are the raw-cache dates whose move to or from the
	// trash began and did not finish (with --repair, those left after
	// FinishedMoves): the date may be split between raw-csv/ and
	// raw-trash/, and is not read from the cache meanwhile. A note, not a
	// verdict; --repair finishes them.
	InterruptedMoves []store.InterruptedMove `json:"interruptedMoves"`
	// FinishedMoves are the interrupted moves --repair finished.
	FinishedMoves []store.InterruptedMove `json:"finishedMoves,omitempty"`
	// MovesError says why --repair could not finish some of them.
	MovesError string `json:"movesError,omitempty"`
	// SetAside are the damaged raw reports scrape set aside before
	// downloading them again (quarantine/raw-<time>/): kept on purpose, a
	// note, not a verdict; `trash purge` removes them.
	SetAside []store.SetAsideEntry `json:"setAside"`
	// Quarantined are the damaged snapshots and leftovers of interrupted
	// writes verify --repair moved to quarantine/ (this run or an earlier
	// one): kept for inspection, a note, not a verdict; `trash purge`
	// removes them.
	Quarantined []store.QuarantineEntry `json:"quarantined"`
	// RecoveryBackups are the backups of current.json and an inventory
	// verify --repair made in recovery-backups/ before changing the store
	// (this run or an earlier one): kept on purpose, a note, not a
	// verdict; `trash purge` removes them.
	RecoveryBackups []store.RecoveryBackup `json:"recoveryBackups"`
}

func runVerify(ctx context.Context, e env) error {
	fs := newSnapshotFlagSet(e, "verify", "verify [--data-dir D | --store URL] [--repair] [--json] [-v]\n\n"+
		"Checks every snapshot against its manifest (sizes, checksums, JSON) and current.json,\n"+
		"the history index, the raw cache's checksums and config/districts.json.\n"+
		"--repair quarantines damaged snapshots, repoints current.json at the newest complete\n"+
		"successful snapshot, moves leftovers of interrupted writes to quarantine and rebuilds\n"+
		"a damaged or stale history index: it never deletes anything (current.json is backed\n"+
		"up first).\n"+
		"Exits 0 when the store is healthy and serves a snapshot; 1 when it is unhealthy,\n"+
		"empty, or has no current snapshot; 2 when the data directory does not exist or\n"+
		"config/districts.json cannot be read.\n"+
		"A raw-cache date whose move to or from the trash was interrupted is listed;\n"+
		"--repair finishes the move.\n"+
		"Leftovers, what is kept in quarantine/ (damaged snapshots and leftovers moved\n"+
		"there by --repair, damaged raw reports set aside by scrape) and the backups --repair\n"+
		"keeps in recovery-backups/ are listed but do not make the store unhealthy;\n"+
		"`toaststats trash` lists and purges them.")
	dataDir := fs.String("data-dir", snapshotDataDir(e), "data directory (env TOASTSTATS_DATA_DIR)")
	addStoreFlag(fs, dataDir)
	repair := fs.Bool("repair", false, "repair the store (quarantine damaged snapshots, fix current.json)")
	asJSON := fs.Bool("json", false, "print one JSON summary on stdout")
	var verbose bool
	addVerbose(fs, &verbose)
	if done, err := parseSnapshotFlags(fs, e.args); done {
		return err
	}
	now, err := snapshotClock(e)
	if err != nil {
		return err
	}
	st, err := openExisting(*dataDir, toaststats.StoreOptions{Logger: snapshotLogger(e, verbose), Now: now})
	if err != nil {
		return err
	}
	out := verifyOutput{DataDir: *dataDir}
	var final *store.IntegrityReport
	if *repair {
		out.Recovery, err = st.Snapshots().Recover(ctx)
		if err != nil {
			return fmt.Errorf("verify: recover: %w", err)
		}
		final = out.Recovery.After
	} else {
		out.Check, err = st.Snapshots().Check(ctx)
		if err != nil {
			return fmt.Errorf("verify: check: %w", err)
		}
		final = out.Check
	}
	out.Verdict = verdict(final)
	h := toaststats.NewHistory(st, nil)
	if out.History, err = h.Verify(ctx); err != nil {
		return fmt.Errorf("verify: history index: %w", err)
	}
	if *repair && len(out.History) > 0 {
		if out.Reindexed, err = h.Reindex(ctx); err != nil {
			return fmt.Errorf("verify: reindex: %w", err)
		}
		if out.History, err = h.Verify(ctx); err != nil {
			return fmt.Errorf("verify: history index: %w", err)
		}
	}
	if *repair {
		var ferr error
		if out.FinishedMoves, ferr = st.Raw().FinishInterruptedMoves(ctx); ferr != nil {
			out.MovesError = ferr.Error()
		}
	}
	if out.InterruptedMoves, err = st.Raw().InterruptedMoves(ctx); err != nil {
		return fmt.Errorf("verify: raw cache: %w", err)
	}
	if out.Raw, err = st.Raw().Check(ctx); err != nil {
		return fmt.Errorf("verify: raw cache: %w", err)
	}
	if out.Raw == nil {
		out.Raw = []store.RawProblem{}
	}
	if out.SetAside, err = st.Raw().SetAsideList(ctx); err != nil {
		return fmt.Errorf("verify: raw cache: %w", err)
	}
	if out.Quarantined, err = quarantinedByRepair(ctx, st.Raw()); err != nil {
		return fmt.Errorf("verify: quarantine: %w", err)
	}
	if out.Quarantined == nil {
		out.Quarantined = []store.QuarantineEntry{}
	}
	if out.RecoveryBackups, err = st.Raw().RecoveryBackupList(ctx); err != nil {
		return fmt.Errorf("verify: recovery backups: %w", err)
	}
	var configErr error
	out.TrackedDistricts, out.TrackedMissing, configErr = trackedCoverage(ctx, st)
	if configErr != nil {
		out.ConfigError = configErr.Error()
	}
	if *asJSON {
		if err := writeJSON(e.stdout, out); err != nil {
			return err
		}
	} else {
		printVerify(e.stdout, out)
	}
	if configErr != nil {
		return exitCode(exitUsage, fmt.Errorf("verify: %w", configErr))
	}
	if out.Verdict != verdictHealthy {
		return exitCode(exitFailed, nil)
	}
	return nil
}

// The verdicts of verify; only verdictHealthy exits 0.
const (
	verdictHealthy   = "HEALTHY"
	verdictUnhealthy = "UNHEALTHY"
	verdictEmpty     = "EMPTY"
	verdictNoCurrent = "NOT SERVING"
)

// verdict sums up an integrity report: a store is fine only when nothing
// is damaged and current.json names a complete successful snapshot.
// Leftovers never change the verdict.
func verdict(r *store.IntegrityReport) string {
	switch {
	case r == nil || !r.Healthy:
		return verdictUnhealthy
	case len(r.Snapshots) == 0:
		return verdictEmpty
	case !r.Pointer.Valid:
		return verdictNoCurrent
	}
	return verdictHealthy
}

// printVerify prints the human form of the verify command.
func printVerify(w io.Writer, out verifyOutput) {
	fmt.Fprintf(w, "data directory: %s\n", out.DataDir)
	if r := out.Recovery; r != nil {
		if r.Before != nil {
			fmt.Fprintln(w, "before:")
			printIntegrity(w, r.Before)
		}
		if len(r.Actions) == 0 {
			fmt.Fprintln(w, "nothing to repair")
		}
		for _, a := range r.Actions {
			fmt.Fprintln(w, "  "+actionLine(a))
		}
		if r.BackupDir != "" {
			fmt.Fprintf(w, "backup: %s\n", r.BackupDir)
		}
		if r.After != nil {
			fmt.Fprintln(w, "after:")
			printIntegrity(w, r.After)
		}
	} else if out.Check != nil {
		printIntegrity(w, out.Check)
	}
	if r := out.Reindexed; r != nil {
		fmt.Fprintf(w, "  history index rebuilt: %d log(s) from %d snapshot(s), %d removed\n", r.Logs, r.Snapshots, len(r.Removed))
	}
	printHistoryProblems(w, out.History)
	if len(out.Raw) == 0 {
		fmt.Fprintln(w, "  raw cache: every recorded report reads back with its checksum")
	}
	for i, p := range out.Raw {
		if i == 5 {
			fmt.Fprintf(w, "  raw cache: … %d more\n", len(out.Raw)-5)
			break
		}
		fmt.Fprintf(w, "  raw cache: %s %s/%s %s\n", p.Problem, p.Date, p.File, p.Detail)
	}
	if len(out.Raw) > 0 {
		fmt.Fprintln(w, "  note: the raw cache is the only copy of what the dashboard published: nothing is repaired or removed; scrape the date again to replace a report")
	}
	for _, m := range out.FinishedMoves {
		if m.Move == store.MoveFromTrash {
			fmt.Fprintf(w, "  raw cache: finished the interrupted restore of %s from the trash entry %s: raw-csv/%s/ is whole again\n", m.Date, m.TrashID, m.Date)
		} else {
			fmt.Fprintf(w, "  raw cache: finished the interrupted move of %s to the trash: it is the trash entry %s\n", m.Date, m.TrashID)
		}
	}
	for _, m := range out.InterruptedMoves {
		switch {
		case m.Problem != "":
			fmt.Fprintf(w, "  raw cache: MOVE INTERRUPTED: %s: %s: the date is not read from the cache; look at raw-csv/%s/ and raw-trash/, then remove the marker by hand\n", m.Date, m.Problem, m.Date)
		case m.Move == store.MoveFromTrash:
			fmt.Fprintf(w, "  raw cache: RESTORE INTERRUPTED: %s from the trash entry %s (begun %s): the date may be split between raw-trash/ and raw-csv/ and is not read from the cache; `toaststats verify --repair` finishes it\n", m.Date, m.TrashID, m.StartedAt.Format("2006-01-02 15:04:05Z"))
		default:
			fmt.Fprintf(w, "  raw cache: TRASH INTERRUPTED: %s to the trash entry %s (begun %s): the date may be split between raw-csv/ and raw-trash/ and is not read from the cache; `toaststats verify --repair` finishes the move\n", m.Date, m.TrashID, m.StartedAt.Format("2006-01-02 15:04:05Z"))
		}
	}
	if out.MovesError != "" {
		fmt.Fprintf(w, "  raw cache: could not finish every interrupted move: %s\n", out.MovesError)
	}
	var aside []string
	for _, sa := range out.SetAside {
		for _, f := range sa.Files {
			aside = append(aside, fmt.Sprintf("set aside %s: quarantine/%s/%s", sa.SetAsideAt.Format("2006-01-02 15:04:05Z"), sa.ID, f))
		}
	}
	for i, l := range aside {
		if i == 5 {
			fmt.Fprintf(w, "  raw cache: … %d more set aside\n", len(aside)-5)
			break
		}
		fmt.Fprintln(w, "  raw cache: damaged copy "+l)
	}
	if len(out.SetAside) > 0 {
		fmt.Fprintln(w, "  note: damaged raw reports are set aside when scrape downloads them again, and kept on purpose (never a failure): `toaststats trash list` shows them, `toaststats trash purge ID` removes them")
	}
	for i, q := range out.Quarantined {
		if i == 5 {
			fmt.Fprintf(w, "  quarantine: … %d more\n", len(out.Quarantined)-5)
			break
		}
		fmt.Fprintf(w, "  quarantine: %s, moved aside %s: %s\n", quarantinedWhat(q), q.At.Format("2006-01-02 15:04:05Z"), q.Path)
	}
	if len(out.Quarantined) > 0 {
		fmt.Fprintln(w, "  note: verify --repair moves damaged snapshots and leftovers of interrupted writes to quarantine/ and keeps them for inspection (never a failure): `toaststats trash list` shows them, `toaststats trash purge ID` removes them")
	}
	for i, b := range out.RecoveryBackups {
		if i == 5 {
			fmt.Fprintf(w, "  recovery backup: … %d more\n", len(out.RecoveryBackups)-5)
			break
		}
		fmt.Fprintf(w, "  recovery backup made %s: %s (%s)\n", b.At.Format("2006-01-02 15:04:05Z"), b.Path, backupWhat(b))
	}
	if len(out.RecoveryBackups) > 0 {
		fmt.Fprintln(w, "  note: before it changes anything, verify --repair backs up current.json and an inventory of the snapshots to recovery-backups/ and keeps them (never a failure; putting an old current.json back is an operator's decision, made by hand): `toaststats trash list` shows them, `toaststats trash purge ID` removes them")
	}
	if len(out.TrackedMissing) > 0 {
		fmt.Fprintf(w, "  note: the current snapshot lacks tracked district %s (tracking %s): run `toaststats scrape` and `toaststats build`\n",
			strings.Join(out.TrackedMissing, ", "), districtWords(out.TrackedDistricts))
	}
	if out.ConfigError != "" {
		fmt.Fprintf(w, "  CONFIG  %s\n", out.ConfigError)
	}
	switch out.Verdict {
	case verdictEmpty:
		fmt.Fprintln(w, "verdict: EMPTY: no snapshot yet: run `toaststats scrape` then `toaststats build`")
	case verdictNoCurrent:
		fmt.Fprintln(w, "verdict: NOT SERVING: no complete successful snapshot is current: see `toaststats status`, then `toaststats build`")
	default:
		fmt.Fprintf(w, "verdict: %s\n", out.Verdict)
	}
}

// printHistoryProblems prints the history index's problems, at most a few
// of each kind.
func printHistoryProblems(w io.Writer, probs []toaststats.HistoryProblem) {
	if len(probs) == 0 {
		fmt.Fprintln(w, "  history index: current")
		return
	}
	count := map[string]int{}
	for _, p := range probs {
		count[p.Problem]++
		if count[p.Problem] <= 3 {
			fmt.Fprintf(w, "  history index: %s: %s %s: %s\n", p.Problem, p.Log, p.SnapshotID, p.Detail)
		}
	}
	kinds := make([]string, 0, len(count))
	for k := range count {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		if n := count[k]; n > 3 {
			fmt.Fprintf(w, "  history index: … %d more %s\n", n-3, k)
		}
	}
	fmt.Fprintln(w, "  note: the history index is behind the snapshots (answers read the snapshots meanwhile): run `toaststats reindex` or `verify --repair`")
}

func printIntegrity(w io.Writer, r *store.IntegrityReport) {
	word := "files intact"
	if !r.Healthy {
		word = "DAMAGED"
	}
	fmt.Fprintf(w, "  store %s (checked %s)\n", word, r.CheckedAt.Format(time.RFC3339))
	p := r.Pointer
	switch {
	case !p.Present:
		fmt.Fprintf(w, "  current.json: absent\n")
	case p.Valid:
		fmt.Fprintf(w, "  current.json: %s ok\n", p.SnapshotID)
	default:
		fmt.Fprintf(w, "  current.json: %s INVALID: %s\n", p.SnapshotID, p.Problem)
	}
	complete := 0
	for _, s := range r.Snapshots {
		if s.Complete {
			complete++
		}
	}
	fmt.Fprintf(w, "  snapshots: %d, complete %d, corrupted %d", len(r.Snapshots), complete, len(r.Corrupted))
	if r.NewestSuccess != "" {
		fmt.Fprintf(w, ", newest success %s", r.NewestSuccess)
	}
	fmt.Fprintln(w)
	for _, s := range r.Snapshots {
		for _, pr := range s.Problems {
			fmt.Fprintf(w, "    %s: %s\n", s.ID, pr)
		}
	}
	for _, l := range r.Leftovers {
		fmt.Fprintf(w, "    leftover (harmless; --repair moves it to quarantine): %s\n", l)
	}
}

// actionLine prints one repair action, e.g.
// "repoint current.json: (none) -> 2026-04-12: current.json missing".
func actionLine(a store.RecoveryAction) string {
	subject := a.SnapshotID
	if a.Action == "repoint" || a.Action == "remove-pointer" {
		subject = "current.json"
	}
	line := a.Action
	if subject != "" {
		line += " " + subject
	}
	from := a.From
	if from == "" {
		from = "(none)"
	}
	switch {
	case a.To != "":
		line += ": " + from + " -> " + a.To
	case a.From != "":
		line += ": was " + a.From
	}
	if a.Reason != "" {
		line += " (" + a.Reason + ")"
	}
	return line
}

// trackedCoverage returns the tracked districts and those the current
// snapshot has no data for (nil when nothing is current or everything is
// tracked), or why the configuration cannot be read.
func trackedCoverage(ctx context.Context, st *store.Store) (tracked, missing []string, err error) {
	tracked, _, err = st.Config().Load(ctx)
	if err != nil || len(tracked) == 0 {
		return nonNilIDs(tracked), nil, err
	}
	v, err := st.Snapshots().Current(ctx)
	if err != nil {
		return tracked, nil, nil
	}
	have := v.DistrictIDs()
	for _, id := range tracked {
		if !slices.Contains(have, id) {
			missing = append(missing, id)
		}
	}
	return tracked, missing, nil
}

func nonNilIDs(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}
