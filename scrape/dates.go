package scrape

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/snapshot"
)

const dateLayout = "2006-01-02"

// ParseDate parses a calendar date YYYY-MM-DD (UTC) by snapshot.ParseDate,
// the one date reader; anything else is ErrInvalidDate, naming it.
func ParseDate(s string) (time.Time, error) {
	t, ok := snapshot.ParseDate(s)
	if !ok {
		return time.Time{}, fmt.Errorf("%w: %q (want YYYY-MM-DD)", ErrInvalidDate, s)
	}
	return t, nil
}

// programYear is the program year (July–June) holding month m of year y
// (snapshot.ProgramYearFor).
func programYear(y int, m time.Month) string { return snapshot.ProgramYearFor(y, m) }

// monthOf returns "YYYY-MM" for t.
func monthOf(t time.Time) string { return t.Format("2006-01") }

// lastDay is the last day of t's month.
func lastDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC)
}

// dashDate writes t the way the dashboard's pages and descriptors do: M/D/YYYY, unpadded.
func dashDate(t time.Time) string {
	return fmt.Sprintf("%d/%d/%d", int(t.Month()), t.Day(), t.Year())
}

// Candidate is one way of asking the dashboard for an as-of date: the data
// month whose as-of list should hold it, that month's program year, and
// whether that year is served from the root path (the live year) or from
// /{PY}/ (a closed year).
type Candidate struct {
	DataMonth   string // YYYY-MM
	MonthEnd    time.Time
	ProgramYear string
	Live        bool
}

// Candidates lists, in order, the data months to try for as-of date asOf
// given the live program year the dashboard serves at its root: the date's
// own month, then the previous month (a closing period: month M's as-of list
// runs into month M+1), which for July lies in the previous program year.
// Months of program years after livePY are not published yet and are left
// out (the dark window after the July rollover).
func Candidates(asOf time.Time, livePY string) []Candidate {
	first := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC)
	var out []Candidate
	for _, m := range []time.Time{first, first.AddDate(0, -1, 0)} {
		py := programYear(m.Year(), m.Month())
		if livePY != "" && py > livePY {
			continue
		}
		out = append(out, Candidate{DataMonth: monthOf(m), MonthEnd: lastDay(m), ProgramYear: py, Live: py == livePY})
	}
	return out
}

// Descriptor builds the export descriptor of spec §1.5:
// districtsummary~{monthEnd}~{asOf}~{PY} or {report}~{id}~{monthEnd}~{asOf}~{PY}.
// Zero times leave their slot empty.
func Descriptor(kind normalize.ReportKind, districtID string, monthEnd, asOf time.Time, py string) string {
	slot := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return dashDate(t)
	}
	parts := []string{string(kind)}
	if kind != normalize.ReportSummary {
		parts = append(parts, districtID)
	}
	parts = append(parts, slot(monthEnd), slot(asOf), py)
	return strings.Join(parts, "~")
}

// basePath is the base URL of the live year (root) or of closed year py.
func basePath(base string, py string, live bool) string {
	base = strings.TrimRight(base, "/")
	if live {
		return base
	}
	return base + "/" + py
}

// ExportURL is {base}[/{PY}]/export.aspx?type=CSV&report={descriptor}.
func ExportURL(base, py string, live bool, descriptor string) string {
	// The descriptor's "/" and "~" are left raw, as the pages' dll_onchange
	// writes them; district ids are validated alphanumeric before this.
	return basePath(base, py, live) + "/export.aspx?type=CSV&report=" + descriptor
}

// pageName is the dashboard page showing a report.
func pageName(kind normalize.ReportKind) string {
	switch kind {
	case normalize.ReportDistrict:
		return "District.aspx"
	case normalize.ReportDivision:
		return "Division.aspx"
	case normalize.ReportClub:
		return "Club.aspx"
	default:
		return "Default.aspx"
	}
}

// PageURL is the page of a report, navigated by URL parameters
// (?id=&month=&day=). A zero asOf leaves month and day out (the page's
// default: the current data).
func PageURL(base string, c Candidate, kind normalize.ReportKind, districtID string, asOf time.Time) string {
	q := url.Values{}
	if kind != normalize.ReportSummary {
		q.Set("id", districtID)
	}
	if !asOf.IsZero() {
		q.Set("month", strconv.Itoa(int(c.MonthEnd.Month())))
		q.Set("day", dashDate(asOf))
	}
	u := basePath(base, c.ProgramYear, c.Live) + "/" + pageName(kind)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

var (
	asOfTextRe  = regexp.MustCompile(`As of\s+(\d{1,2})-([A-Za-z]{3})[A-Za-z]*-(\d{4})`)
	asOfSlashRe = regexp.MustCompile(`As of\s+(\d{1,2})/(\d{1,2})/(\d{4})`)
)

// ParseAsOfOption reads the as-of dropdown text `As of 11-Aug-2023` (also
// `As of 8/11/2023`) as YYYY-MM-DD.
func ParseAsOfOption(text string) (string, error) {
	if m := asOfTextRe.FindStringSubmatch(text); m != nil {
		t, err := time.Parse("2-Jan-2006", m[1]+"-"+strings.ToUpper(m[2][:1])+strings.ToLower(m[2][1:])+"-"+m[3])
		if err == nil {
			return t.Format(dateLayout), nil
		}
	}
	if m := asOfSlashRe.FindStringSubmatch(text); m != nil {
		t, err := time.Parse("1/2/2006", m[1]+"/"+m[2]+"/"+m[3])
		if err == nil {
			return t.Format(dateLayout), nil
		}
	}
	return "", fmt.Errorf("%w: as-of option %q", ErrPage, text)
}

// dataMonthFromPage infers the data month from the month dropdown (1–12) and
// the as-of date by the footer's rule (snapshot.DataMonthOf): the data month
// is in the as-of year, or the year before when the month number is later
// than the as-of month (December data as of January).
func dataMonthFromPage(month int, asOf string) (string, error) {
	t, err := ParseDate(asOf)
	if err != nil {
		return "", err
	}
	if month < 1 || month > 12 {
		return "", fmt.Errorf("%w: month %d", ErrPage, month)
	}
	return snapshot.DataMonthOf(time.Month(month), t), nil
}

// programYearOfMonth is the program year of a YYYY-MM month.
func programYearOfMonth(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return ""
	}
	return programYear(t.Year(), t.Month())
}

// requestCandidates are the Candidates of a request with a date, narrowed to
// its DataMonth when that is set.
func requestCandidates(req Request, asOf time.Time, livePY string) []Candidate {
	all := Candidates(asOf, livePY)
	if req.DataMonth == "" {
		return all
	}
	var out []Candidate
	for _, c := range all {
		if c.DataMonth == req.DataMonth {
			out = append(out, c)
		}
	}
	return out
}
