package dashboardtest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// Date layouts used by the dashboard and by this package.
const (
	isoDate      = "2006-01-02"
	unpadded     = "1/2/2006"   // descriptors and ?day=
	padded       = "01/02/2006" // footers
	shortCharter = "01/02/06"   // Charter/Susp cells
	asOfOption   = "2-Jan-2006" // "As of 11-Aug-2023"
)

var monthAbbr = [...]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// day is a calendar date at UTC midnight.
func parseISO(s string) (time.Time, error) {
	t, err := time.Parse(isoDate, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("dashboardtest: date %q: %w", s, err)
	}
	return t, nil
}

// parseSlashDate reads M/D/YYYY or MM/DD/YYYY strictly (a real calendar date).
func parseSlashDate(s string) (time.Time, bool) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) != 3 || len(parts[2]) != 4 || len(parts[0]) == 0 || len(parts[0]) > 2 || len(parts[1]) == 0 || len(parts[1]) > 2 {
		return time.Time{}, false
	}
	m, err1 := strconv.Atoi(parts[0])
	d, err2 := strconv.Atoi(parts[1])
	y, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false
	}
	return t, true
}

// month is a calendar month as year*12 + (month-1).
type month int

func monthOf(t time.Time) month { return month(t.Year()*12 + int(t.Month()) - 1) }

func (m month) year() int      { return int(m) / 12 }
func (m month) num() int       { return int(m)%12 + 1 }
func (m month) String() string { return fmt.Sprintf("%04d-%02d", m.year(), m.num()) }
func (m month) first() time.Time {
	return time.Date(m.year(), time.Month(m.num()), 1, 0, 0, 0, 0, time.UTC)
}
func (m month) last() time.Time { return m.first().AddDate(0, 1, -1) }

// pyStart is the calendar year in which the month's program year begins.
func (m month) pyStart() int {
	if m.num() >= 7 {
		return m.year()
	}
	return m.year() - 1
}

func pyLabel(start int) string { return fmt.Sprintf("%d-%d", start, start+1) }

// parsePY reads "2025-2026" (snapshot.ProgramYearStart) and returns 2025;
// the imitation has no data before 1900.
func parsePY(s string) (int, bool) {
	y, ok := snapshot.ProgramYearStart(s)
	return y, ok && y >= 1900
}

func pyStartDate(start int) time.Time { return time.Date(start, time.July, 1, 0, 0, 0, 0, time.UTC) }

func daysBetween(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }

func footerLine(dataMonth month, asOf time.Time) string {
	return "Month of " + monthAbbr[dataMonth.num()] + ", As of " + asOf.Format(padded) + "\r\n"
}
