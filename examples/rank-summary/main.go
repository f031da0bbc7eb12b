// Command rank-summary ranks every district of one all-districts summary
// report with the Borda count and prints the ranking table. It shows the
// smallest useful pipeline built from the public library: read the report
// with normalize, rank it with ranking — no cache, no store, no network.
//
// Usage:
//
//	go run ./examples/rank-summary path/to/all-districts.csv
//
// The file is the dashboard's "All Districts" CSV export exactly as
// downloaded (for example raw-csv/<date>/all-districts.csv in a toaststats
// data directory).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/ranking"
)

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage: rank-summary <all-districts.csv>")

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "rank-summary:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run is the whole program, separate from main so that tests can call it.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return errUsage
	}
	path := args[0]
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}

	// ReadSummary checks that this really is a summary export (not an HTML
	// error page), reads the footer ("Month of Dec, As of 01/05/2026") and
	// returns one row per real district; the footer is never a row.
	report, err := normalize.ReadSummary(filepath.Base(path), b)
	if err != nil {
		return err
	}
	for _, w := range report.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}

	// Rank is the Borda count over club growth, payment growth and the
	// share of distinguished clubs; rows come back best first.
	rows := ranking.Rank(report.Rows)

	if report.Footer.Found {
		fmt.Fprintf(stdout, "All districts as of %s (data for %s): %d districts ranked\n\n",
			report.Footer.AsOfDate, report.Footer.DataMonth, len(rows))
	} else {
		fmt.Fprintf(stdout, "All districts (no footer: date unknown): %d districts ranked\n\n", len(rows))
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rank\tdistrict\tregion\tclub growth %\tpayment growth %\tdistinguished %\tclubs rank\tpayments rank\tdist. rank\tscore\tregion rank\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f\t%.2f\t%.2f\t%d\t%d\t%d\t%d\t%d\t\n",
			r.OverallRank, r.DistrictID, r.Region,
			r.ClubGrowthPercent, r.PaymentGrowthPercent, r.DistinguishedPercent,
			r.ClubsRank, r.PaymentsRank, r.DistinguishedRank, r.AggregateScore, r.RegionRank)
	}
	return tw.Flush()
}
