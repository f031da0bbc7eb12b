package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/toaststats/toaststats/store"
)

func init() {
	register("verify", "check the snapshot store's integrity (--repair to recover)", runVerify)
}

// verifyOutput is the --json summary of the verify command.
type verifyOutput struct {
	DataDir  string                 `json:"dataDir"`
	Check    *store.IntegrityReport `json:"check,omitempty"`
	Recovery *store.RecoveryReport  `json:"recovery,omitempty"`
}

func runVerify(ctx context.Context, e env) error {
	fs := newSnapshotFlagSet(e, "verify", "verify [--data-dir D] [--repair] [--json]\n\n"+
		"Checks every snapshot against its manifest (sizes, sha256, JSON) and current.json.\n"+
		"--repair quarantines damaged snapshots, repoints current.json at the newest complete\n"+
		"successful snapshot and removes leftovers of interrupted writes (backup first).\n"+
		"Exit status: 0 healthy (or repaired), 1 unhealthy, 2 usage error.")
	dataDir := fs.String("data-dir", snapshotDataDir(e), "data directory (env TOASTSTATS_DATA_DIR)")
	repair := fs.Bool("repair", false, "repair the store (quarantine damaged snapshots, fix current.json)")
	asJSON := fs.Bool("json", false, "print one JSON summary on stdout")
	if done, err := parseSnapshotFlags(fs, e.args); done {
		return err
	}
	now, err := snapshotClock(e)
	if err != nil {
		return err
	}
	st, err := openSnapshotStore(e, *dataDir, now, snapshotLogger(e, false))
	if err != nil {
		return err
	}
	out := verifyOutput{DataDir: *dataDir}
	healthy := false
	if *repair {
		out.Recovery, err = st.Snapshots().Recover(ctx)
		if err != nil {
			return fmt.Errorf("verify: recover: %w", err)
		}
		healthy = out.Recovery.Recovered
	} else {
		out.Check, err = st.Snapshots().Check(ctx)
		if err != nil {
			return fmt.Errorf("verify: check: %w", err)
		}
		healthy = out.Check.Healthy
	}
	if *asJSON {
		if err := writeJSON(e.stdout, out); err != nil {
			return err
		}
	} else {
		printVerify(e.stdout, out)
	}
	if !healthy {
		return exitCode(1, nil)
	}
	return nil
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
			fmt.Fprintf(w, "  %s %s", a.Action, a.SnapshotID)
			if a.From != "" || a.To != "" {
				fmt.Fprintf(w, " (%s -> %s)", a.From, a.To)
			}
			if a.Reason != "" {
				fmt.Fprintf(w, ": %s", a.Reason)
			}
			fmt.Fprintln(w)
		}
		if r.BackupDir != "" {
			fmt.Fprintf(w, "backup: %s\n", r.BackupDir)
		}
		if r.After != nil {
			fmt.Fprintln(w, "after:")
			printIntegrity(w, r.After)
		}
		return
	}
	if out.Check != nil {
		printIntegrity(w, out.Check)
	}
}

func printIntegrity(w io.Writer, r *store.IntegrityReport) {
	word := "HEALTHY"
	if !r.Healthy {
		word = "UNHEALTHY"
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
		fmt.Fprintf(w, "    leftover: %s\n", l)
	}
}
