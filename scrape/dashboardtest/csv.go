package dashboardtest

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/toaststats/toaststats/normalize"
)

// Headers per era, exactly as spec/dashboard.md §2.1–2.4.
var (
	summaryHeaderLegacy = []string{"REGION", "DISTRICT", "DSP", "Training", "New Payments", "April Payments",
		"October Payments", "Late Payments", "Charter Payments", "Total YTD Payments", "Payment Base",
		"% Payment Growth", "Paid Club Base", "Paid Clubs", "% Club Growth", "Active Clubs", "Distinguished Clubs",
		"Select Distinguished Clubs", "Presidents Distinguished Clubs", "Total Distinguished Clubs",
		"% Distinguished Clubs"}
	summaryHeader2025 = []string{"REGION", "DISTRICT", "DSP", "Training", "Market Analysis", "Communication Plan",
		"Region Advisor Visit", "New Payments", "April Payments", "October Payments", "Late Payments",
		"Charter Payments", "Total YTD Payments", "Payment Base", "% Payment Growth", "Paid Club Base", "Paid Clubs",
		"% Club Growth", "Active Clubs", "Distinguished Clubs", "Select Distinguished Clubs",
		"Presidents Distinguished Clubs", "Smedley Distinguished Clubs", "Total Distinguished Clubs",
		"% Distinguished Clubs"}
	summaryHeader2026 = without(summaryHeader2025, "Region Advisor Visit")

	districtHeader = []string{"District", "Division", "Area", "Club", "Club Name", "New", "Late Ren.", "Oct. Ren.",
		"Apr. Ren.", "Total Ren.", "Total Chart", "Total to Date", "Distinguished Status", "Charter Date/Suspend Date"}

	divisionHeader = []string{"District", "Division", "Area", "Club", "Club Name", "October Renewals",
		"April Renewals", "Nov Visit award", "May Visit award", "Membership to date", "Club Goals Met",
		"Distinguished Club", "Area Club Base", "Area Paid Club Goal for Dist.", "Area Paid Club Goal for Select Dist.",
		"Area Paid Club Goal for Pres. Dist.", "Total Paid Area Clubs", "Area Dist. Club Goal for Dist.",
		"Area Dist. Club Goal for Select Dist.", "Area Dist. Club Goal for Pres. Dist.", "Total Dist. Area Clubs",
		"Distinguished Area", "Division Club Base", "Division Paid Club Goal for Dist.",
		"Division Paid Club Goal for Select Dist.", "Division Paid Club Goal for Pres. Dist.",
		"Total Paid Division Clubs", "Division Dist. Club Goal for Dist.", "Division Dist. Club Goal for Select Dist.",
		"Division Dist. Club Goal for Pres. Dist.", "Total Dist. Division Clubs", "Distinguished Division",
		"Charter Date/Suspend Date"}

	clubHeaderLegacy = []string{"District", "Division", "Area", "Club Number", "Club Name", "Club Status",
		"Mem. Base", "Active Members", "Goals Met", "Level 1s", "Level 2s", "Add. Level 2s", "Level 3s",
		"Level 4s, Level 5s, or DTM award", "Add. Level 4s, Level 5s, or DTM award", "New Members",
		"Add. New Members", "Off. Trained Round 1", "Off. Trained Round 2", "Mem. dues on time Oct",
		"Mem. dues on time Apr", "Off. List On Time", "Club Distinguished Status"}
	clubHeader2025 = []string{"District", "Division", "Area", "Club Number", "Club Name", "Club Status", "CSP",
		"Mem. Base", "Active Members", "Net Growth", "Goals Met", "Level 1s", "Level 2s", "Add. Level 2s",
		"Level 3s", "Level 4s, Path Completions, or DTM Awards", "Add. Level 4s, Path Completions, or DTM award",
		"New Members", "Add. New Members", "Off. Trained Round 1", "Off. Trained Round 2", "Mem. dues on time Oct",
		"Mem. dues on time Apr", "Off. List On Time", "Club Distinguished Status"}
	clubHeader2026 = renamed(clubHeader2025, map[string]string{"Level 2s": "Level 2s or EOM", "Add. Level 2s": "Add. Level 2s or EOM"})
	// clubHeaderTransition is the exact PY 2019-20 header (spec §2.4, 29
	// columns); 2018-19 is taken to be the same (the spec gives no other).
	clubHeaderTransition = []string{"District", "Division", "Area", "Club Number", "Club Name", "Club Status",
		"Mem. Base", "Active Members", "Goals Met", "CCs", "Add. CCs", "ACs", "Add. ACs", "CL/AL/DTMs",
		"Add. CL/AL/DTMs", "Level 1s", "Level 2s", "Add. Level 2s", "Level 3s", "Level 4s", "Level 5s",
		"New Members", "Add. New Members", "Off. Trained Round 1", "Off. Trained Round 2", "Mem. dues on time Oct",
		"Mem. dues on time Apr", "Off. List On Time", "Club Distinguished Status"}
)

func without(h []string, drop string) []string {
	var out []string
	for _, s := range h {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

func renamed(h []string, m map[string]string) []string {
	out := make([]string, len(h))
	for i, s := range h {
		if n, ok := m[s]; ok {
			s = n
		}
		out[i] = s
	}
	return out
}

func headerFor(kind normalize.ReportKind, e era) []string {
	switch kind {
	case normalize.ReportSummary:
		switch e {
		case eraLegacy, eraTransition:
			return summaryHeaderLegacy
		case era2025:
			return summaryHeader2025
		}
		return summaryHeader2026
	case normalize.ReportDistrict:
		return districtHeader
	case normalize.ReportDivision:
		return divisionHeader
	case normalize.ReportClub:
		switch e {
		case eraTransition:
			return clubHeaderTransition
		case eraLegacy:
			return clubHeaderLegacy
		case era2025:
			return clubHeader2025
		}
		return clubHeader2026
	}
	return nil
}

// csvWriter writes all-quoted cells with CRLF line ends, like TI.
type csvWriter struct{ b bytes.Buffer }

func (cw *csvWriter) row(cells ...string) {
	for i, c := range cells {
		if i > 0 {
			cw.b.WriteByte(',')
		}
		cw.b.WriteByte('"')
		cw.b.WriteString(strings.ReplaceAll(c, `"`, `""`))
		cw.b.WriteByte('"')
	}
	cw.b.WriteString("\r\n")
}

func itoa(n int) string { return strconv.Itoa(n) }

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

// pct prints (num/den)*100 with at most 2 decimals, "0%" for zero.
func pct(num, den int) string {
	if den == 0 || num == 0 {
		return "0%"
	}
	v := math.Round(float64(num)*10000/float64(den)) / 100
	if v == 0 {
		return "0%"
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + "%"
}

// ceilPct is ceil(p% of n) in integers.
func ceilPct(p, n int) int { return (p*n + 99) / 100 }

// render writes one report of the state: header, rows, footer.
func (st *dayState) render(kind normalize.ReportKind, ds *districtState) []byte {
	cw := &csvWriter{}
	cw.row(headerFor(kind, st.era)...)
	switch kind {
	case normalize.ReportSummary:
		for _, d := range st.list {
			st.summaryRow(cw, &d.sum)
		}
	case normalize.ReportDistrict:
		for _, r := range ds.rows {
			cw.row(ds.id, r.div, r.area, r.c.number, r.c.name, itoa(r.newPay), itoa(r.late), itoa(r.oct),
				itoa(r.apr), itoa(r.totalRen()), itoa(r.chart), itoa(r.totalPaid()), r.letter, r.charterCell)
		}
	case normalize.ReportDivision:
		renderDivision(cw, ds)
	case normalize.ReportClub:
		for _, r := range ds.rows {
			cells := []string{ds.id, r.div, r.area, r.c.number, r.c.name, r.status}
			if !st.era.classic() {
				cells = append(cells, yn(r.csp))
			}
			cells = append(cells, itoa(r.base), itoa(r.members))
			if !st.era.classic() {
				cells = append(cells, itoa(r.net))
			}
			cells = append(cells, itoa(r.goals))
			if st.era == eraTransition {
				for _, n := range r.trad {
					cells = append(cells, itoa(n))
				}
			}
			// In 2018-20 the goal-5 pair is "Level 4s", "Level 5s".
			cells = append(cells, itoa(r.l1), itoa(r.l2), itoa(r.addL2), itoa(r.l3), itoa(r.l4),
				itoa(r.addL4), itoa(r.newM), itoa(r.addNew), itoa(r.r1), itoa(r.r2), itoa(r.duesOct),
				itoa(r.duesApr), itoa(r.offList), r.letter)
			cw.row(cells...)
		}
	}
	cw.b.WriteString(footerLine(st.month, st.asOf))
	return cw.b.Bytes()
}

func (st *dayState) summaryRow(cw *csvWriter, s *summaryRow) {
	cells := []string{s.region, s.id, yn(s.flags[0]), yn(s.flags[1])}
	switch st.era {
	case era2025:
		cells = append(cells, yn(s.flags[2]), yn(s.flags[3]), yn(s.flags[4]))
	case era2026:
		cells = append(cells, yn(s.flags[2]), yn(s.flags[3]))
	}
	cells = append(cells, itoa(s.newP), itoa(s.aprP), itoa(s.octP), itoa(s.lateP), itoa(s.chart), itoa(s.total()),
		itoa(s.payBase), pct(s.total()-s.payBase, s.payBase), itoa(s.paidBase), itoa(s.paid),
		pct(s.paid-s.paidBase, s.paidBase), itoa(s.active), itoa(s.dD), itoa(s.dS), itoa(s.dP))
	if !st.era.classic() {
		cells = append(cells, itoa(s.dM))
	}
	// % Distinguished Clubs is measured on Paid Clubs, not on Paid Club
	// Base: D91 at the end of PY 2024-25 had 99 distinguished of 173 paid
	// clubs (base 180) and the dashboard printed 57.23 (99/180 would be
	// 55.00). With no paid clubs the column prints "0%", as pct does for
	// any zero denominator: the spec does not say what TI prints then.
	cells = append(cells, itoa(s.totalDist()), pct(s.totalDist(), s.paid))
	cw.row(cells...)
}

// groupStats are the area or division figures the division report repeats
// on each club row.
type groupStats struct{ base, paid, dist int }

func renderDivision(cw *csvWriter, ds *districtState) {
	areas := map[[2]string]*groupStats{}
	divs := map[string]*groupStats{}
	for _, r := range ds.rows {
		ak := [2]string{r.div, r.area}
		a, d := areas[ak], divs[r.div]
		if a == nil {
			a = &groupStats{}
			areas[ak] = a
		}
		if d == nil {
			d = &groupStats{}
			divs[r.div] = d
		}
		for _, g := range []*groupStats{a, d} {
			if r.atStart {
				g.base++
			}
			if r.status == "Active" {
				g.paid++
			}
			if r.letter != "" {
				g.dist++
			}
		}
	}
	for _, r := range ds.rows {
		a, d := areas[[2]string{r.div, r.area}], divs[r.div]
		ap := [3]int{a.base, a.base, a.base + 1}
		half := ceilPct(50, a.base)
		ad := [3]int{half, half + 1, half + 1}
		dp := [3]int{d.base, d.base + 1, d.base + 2}
		dd := [3]int{ceilPct(45, d.base), ceilPct(50, d.base), ceilPct(55, d.base)}
		cw.row(ds.id, r.div, r.area, r.c.number, r.c.name, itoa(r.duesOct), itoa(r.duesApr), itoa(r.nov),
			itoa(r.may), itoa(r.members), itoa(r.goals), r.letter,
			itoa(a.base), itoa(ap[0]), itoa(ap[1]), itoa(ap[2]), itoa(a.paid), itoa(ad[0]), itoa(ad[1]), itoa(ad[2]),
			itoa(a.dist), recognition(a, ap, ad),
			itoa(d.base), itoa(dp[0]), itoa(dp[1]), itoa(dp[2]), itoa(d.paid), itoa(dd[0]), itoa(dd[1]), itoa(dd[2]),
			itoa(d.dist), recognition(d, dp, dd), r.charterCell)
	}
}

// recognition is the area/division level word from the published goals.
func recognition(g *groupStats, paid, dist [3]int) string {
	if g.base == 0 {
		return ""
	}
	switch {
	case g.paid >= paid[2] && g.dist >= dist[2]:
		return "President's Distinguished"
	case g.paid >= paid[1] && g.dist >= dist[1]:
		return "Select Distinguished"
	case g.paid >= paid[0] && g.dist >= dist[0]:
		return "Distinguished"
	}
	return ""
}

// emptyReport is rule E: the header of the era, no rows, and a footer that
// echoes the requested month end and as-of.
func emptyReport(kind normalize.ReportKind, e era, m month, asOf time.Time) []byte {
	cw := &csvWriter{}
	cw.row(headerFor(kind, e)...)
	cw.b.WriteString(footerLine(m, asOf))
	return cw.b.Bytes()
}

// CSV returns exactly the bytes export.aspx serves for a report of a
// district (ignored for the summary) on a published as-of date.
func (w *World) CSV(kind normalize.ReportKind, districtID, asOf string) ([]byte, error) {
	t, err := parseISO(asOf)
	if err != nil || !w.published[t] {
		return nil, fmt.Errorf("CSV %s %s %s: %w", kind, districtID, asOf, ErrUnknownDate)
	}
	b, err := w.csvOn(kind, districtID, t, 0)
	return bytes.Clone(b), err
}

func (w *World) csvOn(kind normalize.ReportKind, districtID string, t time.Time, salt int) ([]byte, error) {
	if headerFor(kind, eraLegacy) == nil {
		return nil, fmt.Errorf("CSV %q: %w", kind, ErrUnknownReport)
	}
	if kind == normalize.ReportSummary {
		districtID = ""
	} else if d := w.districtIn(districtID, w.monthOf(t).pyStart()); d != nil {
		districtID = d.idIn(w.monthOf(t).pyStart())
	} else {
		return nil, fmt.Errorf("CSV %s %q on %s: %w", kind, districtID, t.Format(isoDate), ErrUnknownDistrict)
	}
	e := w.state(t, salt)
	key := string(kind) + "~" + districtID
	e.mu.Lock()
	b, ok := e.csv[key]
	e.mu.Unlock()
	if ok {
		return b, nil
	}
	b = e.st.render(kind, e.st.byID[districtID])
	e.mu.Lock()
	e.csv[key] = b
	e.mu.Unlock()
	return b, nil
}
