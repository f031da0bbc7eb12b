// Command build-from-folder builds a toaststats snapshot from a folder of
// dashboard CSV reports downloaded by hand (or copied from another machine),
// without any network access. It shows the whole offline pipeline built from
// the public library: check each report and read its footer (normalize), put
// the bytes verbatim into the raw cache of a data directory (store), build,
// validate, rank and publish the snapshot (toaststats.Builder), and read the
// published snapshot back.
//
// Usage:
//
//	go run ./examples/build-from-folder [-top N] <csv-folder> <data-dir>
//
// The folder has the layout the raw cache itself uses for one date (for
// example a copy of raw-csv/<date>/ from a data directory):
//
//	all-districts.csv
//	district-<id>/club-performance.csv
//	district-<id>/division-performance.csv
//	district-<id>/district-performance.csv
//
// The as-of date is read from the summary's footer line ("Month of Mar,
// As of 04/02/2026"); every district report must carry the same date. The
// snapshot is written under <data-dir>/snapshots/<date>/ and, when it is a
// success, becomes the current one (<data-dir>/current.json).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/store"
)

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage: build-from-folder [-top N] <csv-folder> <data-dir>")

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "build-from-folder:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// districtReports pairs the three per-district reports as normalize checks
// them with the name the raw cache stores them under.
var districtReports = []struct {
	kind   normalize.ReportKind
	report store.Report
}{
	{normalize.ReportClub, store.ReportClub},
	{normalize.ReportDivision, store.ReportDivision},
	{normalize.ReportDistrict, store.ReportDistrict},
}

// run is the whole program, separate from main so that tests can call it.
func run(args []string, stdout, stderr io.Writer) error {
	ctx := context.Background()
	fl := flag.NewFlagSet("build-from-folder", flag.ContinueOnError)
	fl.SetOutput(stderr)
	top := fl.Int("top", 5, "how many districts of the rankings to print")
	if err := fl.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fl.NArg() != 2 || *top < 0 {
		return errUsage
	}
	folder, dataDir := fl.Arg(0), fl.Arg(1)
	if fi, err := os.Stat(folder); err != nil {
		return fmt.Errorf("CSV folder: %w", err)
	} else if !fi.IsDir() {
		return fmt.Errorf("CSV folder %s is not a directory", folder)
	}

	// 1. The summary comes first: its footer says which date the folder
	// holds. CheckReport is the guard the scraper runs before storing
	// anything: a CSV (not an HTML error page), the summary's own header,
	// at least one data row, and a footer that parses.
	summaryPath := filepath.Join(folder, normalize.ReportSummary.FileName())
	summary, err := os.ReadFile(summaryPath)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("folder %s has no %s: expected the dashboard's all-districts summary and district-<id>/ folders",
			folder, normalize.ReportSummary.FileName())
	}
	if err != nil {
		return err
	}
	footer, _, err := normalize.CheckReport(normalize.ReportSummary, summaryPath, summary)
	if err != nil {
		return err
	}
	if !footer.Found {
		// Without the footer line the date of the data is unknown, and
		// data is never stored under a guessed date.
		return fmt.Errorf("%s has no footer line (\"Month of ..., As of ...\"): its date is unknown", summaryPath)
	}
	date := footer.AsOfDate
	closing, known := footer.IsClosingPeriod()
	info := store.PutInfo{
		RequestedDate: date,
		DataMonth:     footer.DataMonth,
		ProgramYear:   footer.ProgramYear(),
		Source:        "build-from-folder",
	}
	if known {
		info.IsClosingPeriod = &closing
	}

	// 2. Open (or create) the data directory and put the bytes, exactly as
	// read, into the raw cache for that date. The cache records a sha256 of
	// each file; the builder verifies it when it reads the file back.
	st, err := toaststats.CreateStore(dataDir, toaststats.StoreOptions{})
	if err != nil {
		return err
	}
	defer st.Close()
	raw := st.Raw()
	if err := raw.Put(ctx, date, "", store.ReportSummary, summary, info); err != nil {
		return fmt.Errorf("store %s: %w", summaryPath, err)
	}
	files := 1

	entries, err := os.ReadDir(folder)
	if err != nil {
		return err
	}
	for _, e := range entries {
		id, ok := strings.CutPrefix(e.Name(), "district-")
		if !e.IsDir() || !ok {
			continue
		}
		id, err := store.ValidDistrictID(id)
		if err != nil {
			fmt.Fprintf(stderr, "warning: skipping %s: %v\n", e.Name(), err)
			continue
		}
		for _, r := range districtReports {
			path := filepath.Join(folder, e.Name(), r.kind.FileName())
			b, err := os.ReadFile(path)
			if errors.Is(err, fs.ErrNotExist) {
				// The builder reports the district as incomplete
				// (missing_report); the rest still gets built.
				fmt.Fprintf(stderr, "warning: %s is missing\n", path)
				continue
			}
			if err != nil {
				return err
			}
			// The report must be the folder's district's, for the same
			// as-of date and data month as the summary: a file from
			// another day would silently mix two dates into one snapshot.
			want := normalize.Want{DistrictID: id, AsOfDate: date, DataMonth: footer.DataMonth}
			if _, _, err := normalize.CheckReportWant(r.kind, path, b, want); err != nil {
				return err
			}
			if err := raw.Put(ctx, date, id, r.report, b, info); err != nil {
				return fmt.Errorf("store %s: %w", path, err)
			}
			files++
		}
	}
	fmt.Fprintf(stdout, "Cached %d files from %s as of %s (data month %s)\n", files, folder, date, footer.DataMonth)

	// 3. Build: normalise every district, validate, rank all districts of
	// the summary and publish the snapshot atomically. Problems with the
	// data are in the result (status, errors, warnings), not in err.
	res, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{}).Build(ctx, date)
	if err != nil {
		return err
	}
	if res.Skipped {
		fmt.Fprintf(stdout, "Nothing published: %s\n", res.SkipReason)
		return nil
	}
	fmt.Fprintf(stdout, "Snapshot %s: %s\n", res.SnapshotID, res.Status)
	fmt.Fprintf(stdout, "Districts: %s\n", strings.Join(res.DistrictsIncluded, " "))
	if len(res.DistrictsMissing) > 0 {
		fmt.Fprintf(stdout, "Missing: %s\n", strings.Join(res.DistrictsMissing, " "))
	}
	for _, de := range res.DistrictErrors {
		fmt.Fprintf(stderr, "district %s: %s: %s\n", de.DistrictID, de.Reason, de.Error)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}

	// 4. Read the published snapshot back through the store, as the API
	// server would, and print the top of the rankings.
	view, err := st.Snapshots().Get(ctx, res.SnapshotID)
	if err != nil {
		return err
	}
	rankings, err := view.Rankings(ctx)
	if errors.Is(err, store.ErrNoRankings) {
		fmt.Fprintln(stdout, "No rankings in this snapshot.")
		return nil
	}
	if err != nil {
		return err
	}
	n := min(*top, len(rankings.Rankings))
	fmt.Fprintf(stdout, "\nTop %d of %d districts:\n", n, rankings.Metadata.TotalDistricts)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rank\tdistrict\tregion\tclub growth %\tpayment growth %\tdistinguished %\tscore\t")
	for _, r := range rankings.Rankings[:n] {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f\t%.2f\t%.2f\t%d\t\n",
			r.OverallRank, r.DistrictID, r.Region,
			r.ClubGrowthPercent, r.PaymentGrowthPercent, r.DistinguishedPercent, r.AggregateScore)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nPublished %s\n", filepath.Join(st.Dir(), "snapshots", res.SnapshotID))
	return nil
}
