// Command club-health prints a club-health report for one district from a
// toaststats data directory: which clubs are thriving, which are vulnerable
// or need intervention (and why), and what each club still needs for its
// next Distinguished level. It uses only the public library: the store to
// read the current snapshot, and analytics to judge the clubs.
//
// Usage:
//
//	go run ./examples/club-health -data-dir ./data -district 61
//	go run ./examples/club-health -data-dir ./data -district 61 -date 2026-03-31
//
// Without -date the current snapshot (current.json) is used.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/store"
)

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage: club-health -data-dir DIR -district ID [-date YYYY-MM-DD]")

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "club-health:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run is the whole program, separate from main so that tests can call it.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("club-health", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dataDir := fs.String("data-dir", os.Getenv("TOASTSTATS_DATA_DIR"), "toaststats data directory")
	district := fs.String("district", "", "district id, e.g. 61")
	date := fs.String("date", "", "snapshot date (default: the current snapshot)")
	if err := fs.Parse(args); err != nil || *dataDir == "" || *district == "" || fs.NArg() > 0 {
		return errUsage
	}

	// Open the data directory. The store only reads here: snapshots are
	// immutable and current.json names the newest complete one.
	st, err := store.Open(*dataDir, store.Options{})
	if err != nil {
		return err
	}
	var view *store.View
	if *date == "" {
		view, err = st.Snapshots().Current(ctx)
	} else {
		view, err = st.Snapshots().Get(ctx, *date)
	}
	if err != nil {
		return err
	}
	df, err := view.District(ctx, *district)
	if err != nil {
		return err
	}

	// An analytics.Point is one district on one logical date. The ranking
	// row is optional; club health does not need it.
	p := analytics.Point{Date: view.ID, Metadata: view.Metadata, District: &df.Data}

	// VulnerableClubs judges every club on the snapshot's date: members,
	// net growth, DCP goals against the month's checkpoint and (from
	// 2025-26) the Club Success Plan. Intervention clubs are always listed.
	vul, err := analytics.VulnerableClubs([]analytics.Point{p})
	if err != nil {
		return err
	}
	clubs := len(df.Data.ClubDetails)
	fmt.Fprintf(stdout, "District %s club health on %s (program year %s)\n", df.DistrictID, view.ID, analytics.ProgramYearOf(view.ID))
	fmt.Fprintf(stdout, "clubs: %d  thriving: %d  vulnerable: %d  intervention required: %d\n\n",
		clubs, clubs-vul.TotalVulnerableClubs, vul.VulnerableClubs, vul.InterventionRequiredClubs)

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	if len(vul.Clubs) > 0 {
		fmt.Fprintln(tw, "club\tname\thealth\treasons")
		for _, c := range vul.Clubs {
			for i, r := range c.RiskFactors {
				if i == 0 {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ClubID, c.ClubName, c.Status, r)
				} else {
					fmt.Fprintf(tw, "\t\t\t%s\n", r)
				}
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(stdout)
	}

	// ClubNeeds says what each club still needs for its next level. New
	// members count toward goals 7 and 8 and the membership test at once,
	// so "new members" is one number, never a sum.
	fmt.Fprintln(tw, "club\tname\tlevel\tnext\tgoals needed\tmembers needed\tplan")
	for _, n := range analytics.ClubNeeds(p) {
		level, next := n.CurrentLevel, n.TargetLevel
		if level == "" {
			level = "-"
		}
		plan := "top level reached"
		if next != "" {
			plan = describe(n)
		} else {
			next = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", n.ClubID, n.ClubName, level, next, n.GoalsNeeded, n.MembersNeeded, plan)
	}
	return tw.Flush()
}

// describe turns a need into a short plan.
func describe(n analytics.ClubNeed) string {
	var s string
	switch {
	case n.NewMembersNeeded > 0 && n.OtherGoalsNeeded > 0:
		s = fmt.Sprintf("recruit %d new members and earn %d more goals", n.NewMembersNeeded, n.OtherGoalsNeeded)
	case n.NewMembersNeeded > 0:
		s = fmt.Sprintf("recruit %d new members", n.NewMembersNeeded)
	case n.OtherGoalsNeeded > 0:
		s = fmt.Sprintf("earn %d more goals", n.OtherGoalsNeeded)
	default:
		s = "nothing more"
	}
	if n.CSPNeeded {
		s += "; submit the Club Success Plan"
	}
	return s
}
