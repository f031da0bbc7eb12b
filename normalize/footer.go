package normalize

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// Footer is what the report's last line says: `Month of Jun, As of
// 09/13/2025`. A report without that line has Found false, which means
// "unknown" (never "not a closing period").
type Footer struct {
	// Found is false when the report has no footer line.
	Found bool `json:"found"`
	// DataMonth is the month the data belongs to (YYYY-MM).
	DataMonth string `json:"dataMonth,omitempty"`
	// AsOfDate is the dashboard's as-of date (YYYY-MM-DD).
	AsOfDate string `json:"asOfDate,omitempty"`
}

// footerRE matches the footer with an optional surrounding quote. The month
// is a word (the dashboard prints the 3-letter abbreviation; full names are
// accepted too), the date is M/D/YYYY (the dashboard pads it).
var footerRE = regexp.MustCompile(`^"?\s*Month of\s+([A-Za-z]+)\s*,\s*As of\s+(\d{1,2})/(\d{1,2})/(\d{4})\s*"?$`)

var monthNames = [...]string{"january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december"}

// monthNumber maps "Jun", "jun", "June" to 6; 0 when not a month.
func monthNumber(s string) int {
	s = strings.ToLower(s)
	if len(s) < 3 {
		return 0
	}
	for i, full := range monthNames {
		if s == full || s == full[:3] {
			return i + 1
		}
	}
	if s == "sept" {
		return 9
	}
	return 0
}

// looksLikeFooter reports whether a line is meant to be the footer (starts
// with "Month of", optionally quoted), whether or not it parses.
func looksLikeFooter(line string) bool {
	s := strings.TrimSpace(line)
	s = strings.TrimPrefix(s, `"`)
	return strings.HasPrefix(strings.TrimSpace(s), "Month of")
}

// ParseFooter parses the footer line `Month of Jun, As of 09/13/2025`, with
// or without surrounding quotes and trailing CR/LF. The data month takes the
// as-of date's year, or the year before when the footer month is later in
// the calendar than the as-of month (December data as of January;
// snapshot.DataMonthOf). A line
// that is not a valid footer gives an error wrapping ErrMalformed and a
// Footer with Found false.
func ParseFooter(line string) (Footer, error) {
	s := strings.TrimRight(line, "\r\n")
	m := footerRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Footer{}, fmt.Errorf("%w: footer %q is not `Month of Mmm, As of MM/DD/YYYY`", ErrMalformed, clip(s, 80))
	}
	month := monthNumber(m[1])
	if month == 0 {
		return Footer{}, fmt.Errorf("%w: footer %q: %q is not a month", ErrMalformed, clip(s, 80), m[1])
	}
	mm, _ := strconv.Atoi(m[2])
	dd, _ := strconv.Atoi(m[3])
	yy, _ := strconv.Atoi(m[4])
	asOf := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if mm < 1 || mm > 12 || dd < 1 || asOf.Day() != dd || int(asOf.Month()) != mm || yy < 1900 {
		return Footer{}, fmt.Errorf("%w: footer %q: %s/%s/%s is not a calendar date", ErrMalformed, clip(s, 80), m[2], m[3], m[4])
	}
	return Footer{
		Found:     true,
		DataMonth: snapshot.DataMonthOf(time.Month(month), asOf),
		AsOfDate:  asOf.Format("2006-01-02"),
	}, nil
}

// String renders the footer as the dashboard prints it, or "" when not
// found.
func (f Footer) String() string {
	if !f.Found || len(f.DataMonth) < 7 || len(f.AsOfDate) < 10 {
		return ""
	}
	m, _ := strconv.Atoi(f.DataMonth[5:7])
	if m < 1 || m > 12 {
		return ""
	}
	name := strings.ToUpper(monthNames[m-1][:1]) + monthNames[m-1][1:3]
	return fmt.Sprintf("Month of %s, As of %s/%s/%s", name, f.AsOfDate[5:7], f.AsOfDate[8:10], f.AsOfDate[0:4])
}

// IsClosingPeriod reports whether the file is closing-period data (the data
// month is earlier than the as-of month; snapshot.ClosingPeriod). known is
// false when there is no footer: then closing is false but means nothing.
func (f Footer) IsClosingPeriod() (closing, known bool) {
	if !f.Found {
		return false, false
	}
	return snapshot.ClosingPeriod(f.DataMonth, f.AsOfDate)
}

// ProgramYear returns the program year of the data month ("2025-2026"),
// never of the as-of date (June's close is published in July). "" when the
// footer was not found.
func (f Footer) ProgramYear() string {
	if !f.Found {
		return ""
	}
	return ProgramYearOf(f.DataMonth)
}

// LogicalDate returns the date the data stands for: the last day of the data
// month for closing-period data, else the as-of date; "" when unknown.
func (f Footer) LogicalDate() string {
	closing, known := f.IsClosingPeriod()
	if !known {
		return ""
	}
	if closing {
		return LastDayOfMonth(f.DataMonth)
	}
	return f.AsOfDate
}

// ProgramYearOf returns the Toastmasters program year (July–June) of a
// month "YYYY-MM" or date "YYYY-MM-DD": "2025-07" and "2026-06-30" are both
// "2025-2026". It returns "" for input it cannot read. It is
// snapshot.ProgramYearOf.
func ProgramYearOf(dateOrMonth string) string {
	return snapshot.ProgramYearOf(dateOrMonth)
}

// LastDayOfMonth returns the last day of the month "YYYY-MM" (or of the month
// of a date "YYYY-MM-DD"): "2024-02" gives "2024-02-29". It returns "" for
// input it cannot read. It is snapshot.LastDayOfMonth.
func LastDayOfMonth(month string) string {
	return snapshot.LastDayOfMonth(month)
}

// startYear returns the first year of a program year "2025-2026", or 0.
func startYear(programYear string) int {
	y, _ := snapshot.ProgramYearStart(programYear)
	return y
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
