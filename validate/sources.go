package validate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/toaststats/toaststats/snapshot"
)

// sourceRules compares the per-district reports recorded in
// District.Sources with one another: footers (data month and as-of date),
// clubs, members and payments.
func (v *validator) sourceRules(d *snapshot.District) {
	// The summary's entry (all-districts.csv) counts active clubs, not all
	// clubs, and its payments are compared by SUMMARY_PAYMENTS_MISMATCH and
	// SUMMARY_ACTIVE_CLUBS_MISMATCH; only the three per-district reports
	// are compared here.
	sources := make([]snapshot.ReportSource, 0, len(d.Sources))
	for _, s := range d.Sources {
		if s.Report != summaryFile {
			sources = append(sources, s)
		}
	}
	if len(sources) == 0 {
		return
	}
	id := d.DistrictID

	// Footers. An empty value is a report without a footer: unknown, not a
	// disagreement. The district's own values take part too.
	months := newTally()
	dates := newTally()
	months.add("district", d.DataMonth)
	dates.add("district", d.AsOfDate)
	for _, s := range sources {
		months.add(s.Report, s.DataMonth)
		dates.add(s.Report, s.AsOfDate)
	}
	if months.distinct() > 1 {
		v.errorf(CodeSourceDataMonthMismatch, id, "the reports are of different data months: %s", months)
	}
	if dates.distinct() > 1 {
		v.warnf(CodeSourceAsOfMismatch, id, "the reports have different as-of dates: %s", dates)
	}

	// Clubs: the same number in every report and nothing missing or extra.
	clubs := newTally()
	var missing, extra []string
	dups := newTally() // club id -> the reports listing it twice
	for _, s := range sources {
		clubs.add(s.Report, strconv.Itoa(s.Clubs))
		for _, c := range s.MissingClubs {
			missing = append(missing, c+" not in "+s.Report)
		}
		for _, c := range s.ExtraClubs {
			extra = append(extra, c+" only in "+s.Report)
		}
		for _, c := range s.Duplicates {
			dups.add(c, s.Report)
		}
	}
	if clubs.distinct() > 1 || len(missing) > 0 || len(extra) > 0 {
		var parts []string
		if clubs.distinct() > 1 {
			parts = append(parts, "club counts "+clubs.String())
		}
		if len(missing) > 0 {
			parts = append(parts, fmt.Sprintf("%d missing: %s", len(missing), list(missing)))
		}
		if len(extra) > 0 {
			parts = append(parts, fmt.Sprintf("%d extra: %s", len(extra), list(extra)))
		}
		v.warnf(CodeSourceClubsMismatch, id, "the reports list different clubs: %s", strings.Join(parts, "; "))
	}
	if dups.distinct() > 0 {
		v.warnf(CodeSourceDuplicateClubs, id, "%d club(s) listed more than once: %s", len(dups.byName()), list(dups.byName()))
	}

	// Members and payments, among the reports that carry them (-1 = the
	// report has no such column).
	members := newTally()
	payments := newTally()
	for _, s := range sources {
		if s.Members >= 0 {
			members.add(s.Report, strconv.Itoa(s.Members))
		}
		if s.Payments >= 0 {
			payments.add(s.Report, strconv.Itoa(s.Payments))
		}
	}
	if members.distinct() > 1 {
		v.warnf(CodeSourceMembersMismatch, id, "the reports disagree on total members: %s", members)
	}
	if payments.distinct() > 1 {
		v.warnf(CodeSourcePaymentsMismatch, id, "the reports disagree on total payments: %s", payments)
	}
}

// summaryFile is the summary report's file name in District.Sources.
const summaryFile = "all-districts.csv"

// tally records which value each report gave, in order, ignoring empty
// values.
type tally struct {
	names, values []string
	seen          map[string]bool
}

func newTally() *tally { return &tally{seen: map[string]bool{}} }

func (t *tally) add(name, value string) {
	if value == "" {
		return
	}
	t.names = append(t.names, name)
	t.values = append(t.values, value)
	t.seen[value] = true
}

func (t *tally) distinct() int { return len(t.seen) }

// byName lists each name once with its values: "name in v1, v2".
func (t *tally) byName() []string {
	var order []string
	values := map[string][]string{}
	for i, n := range t.names {
		if values[n] == nil {
			order = append(order, n)
		}
		values[n] = append(values[n], t.values[i])
	}
	out := make([]string, len(order))
	for i, n := range order {
		out[i] = n + " in " + strings.Join(values[n], " and ")
	}
	return out
}

// String lists "name value" pairs.
func (t *tally) String() string {
	parts := make([]string, len(t.names))
	for i := range t.names {
		parts[i] = t.names[i] + " " + t.values[i]
	}
	return strings.Join(parts, ", ")
}
