package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

func init() {
	register("trash", "list, restore or purge raw-cache dates deleted over HTTP; list or purge what is kept in quarantine/ and recovery-backups/ (list|restore|purge)", runTrash)
}

const trashUsage = `usage: toaststats trash list    [--data-dir D] [--json]
       toaststats trash restore [--data-dir D] [--json] ID...
       toaststats trash purge   [--data-dir D] [--json] (ID... | --all)

Deleting raw-cache dates (DELETE /api/districts/cache) moves them to
DATA-DIR/raw-trash/: the dashboard keeps no history, so the raw cache is the
only copy. "list" shows what is there, "restore" puts a date back (never over
a date collected again), "purge" destroys it for good: the only way to.
A purge stopped half-way (killed, crashed) leaves the entry listed as PURGE
INTERRUPTED: restore refuses it (some of its reports may be gone), purge
finishes it. A delete or restore stopped part-way (on object storage a
date moves object by object) leaves it listed as TRASH INTERRUPTED or
RESTORE INTERRUPTED, and the date is not read from the cache meanwhile:
restore finishes the move and puts the date back, purge finishes it and
purges what is in the trash, verify --repair finishes it.
What is kept in DATA-DIR/quarantine/ is listed and purged the same way, by
the ID list prints (its folder there), and never restored: damaged raw
reports that scrape set aside before downloading them again (raw-<time>),
and damaged snapshots (<snapshot-id>-<time>) and leftovers of interrupted
writes (leftovers-<time>) that verify --repair moved aside. So are the
backups verify --repair makes in DATA-DIR/recovery-backups/ before it
changes anything (backup-<time>-<rand>: the current.json it found and an
inventory); putting an old current.json back is an operator's decision,
made by hand.
Exit status: 0 done, 1 some ID failed, 2 usage error.`

// trashOutput is the --json summary of the trash command.
type trashOutput struct {
	DataDir string             `json:"dataDir"`
	Trash   []store.TrashEntry `json:"trash,omitempty"`
	// SetAside are the damaged raw reports scrape set aside (list).
	SetAside []store.SetAsideEntry `json:"setAside,omitempty"`
	// Quarantined are the damaged snapshots and leftovers verify --repair
	// moved to quarantine/ (list).
	Quarantined []store.QuarantineEntry `json:"quarantined,omitempty"`
	// RecoveryBackups are the backups of current.json and an inventory
	// verify --repair made in recovery-backups/ (list).
	RecoveryBackups []store.RecoveryBackup `json:"recoveryBackups,omitempty"`
	Restored        []store.TrashEntry     `json:"restored,omitempty"`
	Purged          []string               `json:"purged,omitempty"`
	Failed          map[string]string      `json:"failed,omitempty"`
}

func runTrash(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("trash", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(e.stderr, trashUsage+"\n\nflags:"); fs.PrintDefaults() }
	dataDir := fs.String("data-dir", dataLocationEnv(e), "data directory (env TOASTSTATS_DATA_DIR; required)")
	addStoreFlag(fs, dataDir)
	asJSON := fs.Bool("json", false, "print one JSON summary on stdout")
	all := fs.Bool("all", false, "purge: every entry list shows (trash, quarantine and recovery backups)")
	var verbose bool
	addVerbose(fs, &verbose)
	if len(e.args) == 0 || strings.HasPrefix(e.args[0], "-") {
		// "trash -h" (or flags before the action): print the usage with
		// the flags; without an action that is a usage error.
		err := fs.Parse(e.args)
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		fs.Usage()
		return usageError("trash: want list, restore or purge")
	}
	sub := e.args[0]
	if err := fs.Parse(e.args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("trash %s: %v", sub, err)
	}
	ids := fs.Args()
	switch {
	case sub != "list" && sub != "restore" && sub != "purge":
		return usageError("trash: unknown action %q (want list, restore or purge)", sub)
	case *dataDir == "":
		return usageError("trash %s: --data-dir (or TOASTSTATS_DATA_DIR) is required", sub)
	case sub == "list" && (len(ids) > 0 || *all):
		return usageError("trash list takes no IDs")
	case sub == "restore" && (len(ids) == 0 || *all):
		return usageError("trash restore: name the IDs to restore (see trash list)")
	case sub == "purge" && len(ids) == 0 && !*all:
		return usageError("trash purge: name the IDs to purge, or --all")
	case sub == "purge" && len(ids) > 0 && *all:
		return usageError("trash purge: IDs or --all, not both")
	}
	st, err := openExisting(*dataDir, toaststats.StoreOptions{Logger: snapshotLogger(e, verbose)})
	if err != nil {
		return err
	}
	defer st.Close()
	raw := st.Raw()
	out := trashOutput{DataDir: *dataDir, Failed: map[string]string{}}
	switch sub {
	case "list":
		if out.Trash, err = raw.TrashList(ctx); err != nil {
			return fmt.Errorf("trash list: %w", err)
		}
		if out.SetAside, err = raw.SetAsideList(ctx); err != nil {
			return fmt.Errorf("trash list: %w", err)
		}
		if out.Quarantined, err = quarantinedByRepair(ctx, raw); err != nil {
			return fmt.Errorf("trash list: %w", err)
		}
		if out.RecoveryBackups, err = raw.RecoveryBackupList(ctx); err != nil {
			return fmt.Errorf("trash list: %w", err)
		}
	case "restore":
		for _, id := range ids {
			if te, err := raw.Restore(ctx, id); err != nil {
				out.Failed[id] = err.Error()
			} else {
				out.Restored = append(out.Restored, te)
			}
		}
	case "purge":
		if *all {
			list, err := raw.TrashList(ctx)
			if err != nil {
				return fmt.Errorf("trash purge: %w", err)
			}
			for _, te := range list {
				ids = append(ids, te.ID)
			}
			q, err := raw.QuarantineList(ctx)
			if err != nil {
				return fmt.Errorf("trash purge: %w", err)
			}
			for _, e := range q {
				ids = append(ids, e.ID)
			}
			backups, err := raw.RecoveryBackupList(ctx)
			if err != nil {
				return fmt.Errorf("trash purge: %w", err)
			}
			for _, b := range backups {
				ids = append(ids, b.ID)
			}
		}
		for _, id := range ids {
			if err := raw.Purge(ctx, id); err != nil {
				out.Failed[id] = err.Error()
			} else {
				out.Purged = append(out.Purged, id)
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		printTrash(e, sub, out)
	}
	if len(out.Failed) > 0 {
		var msgs []string
		for id, m := range out.Failed {
			msgs = append(msgs, id+": "+m)
		}
		return exitCode(1, fmt.Errorf("trash %s: %s", sub, strings.Join(msgs, "; ")))
	}
	return nil
}

// printTrash prints the human form of the trash command.
func printTrash(e env, sub string, out trashOutput) {
	w := e.stdout
	switch sub {
	case "list":
		if len(out.Trash) == 0 && len(out.SetAside) == 0 && len(out.Quarantined) == 0 && len(out.RecoveryBackups) == 0 {
			fmt.Fprintln(w, "the raw-cache trash is empty")
		}
		for _, te := range out.Trash {
			line := fmt.Sprintf("%s  date %s  deleted %s", te.ID, te.Date, te.DeletedAt.Format("2006-01-02 15:04:05Z"))
			if te.PurgeInterrupted {
				line += "  PURGE INTERRUPTED: some files may be gone, it cannot be restored; `toaststats trash purge " + te.ID + "` finishes the purge"
			}
			if te.MoveInterrupted {
				line += "  " + interruptedMoveNote(te.InterruptedMove, te.ID)
			}
			fmt.Fprintln(w, line)
		}
		for _, sa := range out.SetAside {
			fmt.Fprintf(w, "%s  damaged %s  set aside %s\n", sa.ID, strings.Join(sa.Files, ", "), sa.SetAsideAt.Format("2006-01-02 15:04:05Z"))
		}
		for _, q := range out.Quarantined {
			fmt.Fprintf(w, "%s  %s  quarantined %s  in %s\n", q.ID, quarantinedWhat(q), q.At.Format("2006-01-02 15:04:05Z"), q.Path)
		}
		for _, b := range out.RecoveryBackups {
			fmt.Fprintf(w, "%s  recovery backup: %s  backed up %s  in %s\n", b.ID, backupWhat(b), b.At.Format("2006-01-02 15:04:05Z"), b.Path)
		}
	case "restore":
		for _, te := range out.Restored {
			fmt.Fprintf(w, "restored %s as raw-csv/%s\n", te.ID, te.Date)
		}
	case "purge":
		if len(out.Purged) == 0 && len(out.Failed) == 0 {
			fmt.Fprintln(w, "the raw-cache trash is empty")
		}
		for _, id := range out.Purged {
			fmt.Fprintf(w, "purged %s\n", id)
		}
	}
}

// interruptedMoveNote says what a move of a date to the trash (store.MoveToTrash)
// or back (store.MoveFromTrash) that began and did not finish left, and
// what finishes it, for trash list.
func interruptedMoveNote(move, id string) string {
	if move == store.MoveFromTrash {
		return "RESTORE INTERRUPTED: the date may be split between raw-trash/ and raw-csv/ and is not read from the cache; `toaststats trash restore " + id + "` finishes the restore"
	}
	return "TRASH INTERRUPTED: the date may be split between raw-csv/ and raw-trash/ and is not read from the cache; `toaststats trash restore " + id + "` finishes the move and puts the date back, `toaststats verify --repair` finishes the move"
}

// quarantinedByRepair lists the quarantine entries verify --repair made:
// damaged snapshots and leftovers (the raw reports scrape set aside are
// SetAsideList's).
func quarantinedByRepair(ctx context.Context, raw *store.RawCache) ([]store.QuarantineEntry, error) {
	list, err := raw.QuarantineList(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.QuarantineEntry
	for _, e := range list {
		if e.Kind != store.QuarantineRawReports {
			out = append(out, e)
		}
	}
	return out, nil
}

// quarantinedWhat says what a quarantine entry verify --repair made holds.
func quarantinedWhat(e store.QuarantineEntry) string {
	if e.Kind == store.QuarantineSnapshot {
		return "damaged snapshot " + e.SnapshotID
	}
	return "leftovers of interrupted writes (" + strings.Join(e.Folders, ", ") + ")"
}

// backupWhat says what a recovery backup holds, e.g. "current.json naming
// 2025-12-03; inventory of 4 snapshots, corrupted 2025-11-30".
func backupWhat(b store.RecoveryBackup) string {
	cur := "no current.json"
	switch {
	case b.CurrentSnapshotID != "":
		cur = "current.json naming " + b.CurrentSnapshotID
	case b.CurrentProblem != "":
		cur = "current.json unreadable (" + b.CurrentProblem + ")"
	}
	inv := "no inventory (" + b.InventoryProblem + ")"
	if i := b.Inventory; i != nil {
		inv = fmt.Sprintf("inventory of %d snapshot(s)", i.SnapshotCount)
		if len(i.Corrupted) > 0 {
			inv += ", corrupted " + strings.Join(i.Corrupted, ", ")
		}
	}
	return cur + "; " + inv
}
