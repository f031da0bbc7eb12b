package dashboardtest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/normalize"
)

// parsed is a report split with encoding/csv, footer separated.
type parsed struct {
	header []string
	rows   []map[string]string
	order  []string // club numbers in row order
	footer string
}

var footerRE = regexp.MustCompile(`^Month of ([A-Z][a-z]{2}), As of (\d{2})/(\d{2})/(\d{4})$`)

func parseReport(t testing.TB, b []byte) parsed {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("report does not end with CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	for i, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, `"`) || !strings.HasSuffix(l, `"`) {
			t.Fatalf("line %d not all-quoted: %q", i, l)
		}
	}
	var p parsed
	p.footer = lines[len(lines)-1]
	if !footerRE.MatchString(p.footer) {
		t.Fatalf("footer %q", p.footer)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	p.header = recs[0]
	if last := recs[len(recs)-1]; len(last) != 2 {
		t.Fatalf("footer should parse as two fields, got %q", last)
	}
	for _, rec := range recs[1 : len(recs)-1] {
		if len(rec) != len(p.header) {
			t.Fatalf("row has %d fields, header %d: %q", len(rec), len(p.header), rec)
		}
		m := map[string]string{}
		for i, h := range p.header {
			m[h] = rec[i]
		}
		p.rows = append(p.rows, m)
		if n, ok := m["Club Number"]; ok {
			p.order = append(p.order, m["Division"]+"/"+n)
		} else if n, ok := m["Club"]; ok {
			p.order = append(p.order, m["Division"]+"/"+n)
		}
	}
	return p
}

func atoi(t testing.TB, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not an integer: %q", s)
	}
	return n
}

func mustCSV(t testing.TB, w *World, kind normalize.ReportKind, id, asOf string) parsed {
	t.Helper()
	b, err := w.CSV(kind, id, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return parseReport(t, b)
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Districts: 6, ClubsPerDistrict: 15, Seed: 7, From: "2025-09-01", To: "2025-10-20"}
	a, b := NewWorld(cfg), NewWorld(cfg)
	cfg.Seed = 8
	c := NewWorld(cfg)
	for _, k := range normalize.Kinds {
		x, _ := a.CSV(k, "61", "2025-10-03")
		y, _ := b.CSV(k, "61", "2025-10-03")
		z, _ := c.CSV(k, "61", "2025-10-03")
		if !bytes.Equal(x, y) {
			t.Errorf("%s: same config gave different bytes", k)
		}
		if bytes.Equal(x, z) {
			t.Errorf("%s: different seed gave identical bytes", k)
		}
	}
	if got := a.Districts("2025-10-03"); strings.Join(got, ",") != "02,09,61,118,F,U" {
		t.Errorf("districts = %v", got)
	}
}

func TestErrors(t *testing.T) {
	w := NewWorld(Config{})
	if _, err := w.CSV(normalize.ReportClub, "61", "2024-01-01"); err == nil || !strings.Contains(err.Error(), ErrUnknownDate.Error()) {
		t.Errorf("unpublished date: %v", err)
	}
	if _, err := w.CSV(normalize.ReportClub, "999", "2025-08-01"); err == nil {
		t.Error("unknown district accepted")
	}
	if _, err := w.CSV("bogus", "61", "2025-08-01"); err == nil {
		t.Error("unknown report accepted")
	}
	if w.Districts("2030-01-01") != nil || w.DataMonth("nonsense") != "" {
		t.Error("unpublished date has districts or a data month")
	}
}

func TestFullWorldIDs(t *testing.T) {
	w := NewWorld(Config{Districts: 128, ClubsPerDistrict: 2, From: "2025-09-01", To: "2025-09-02"})
	ids := w.Districts("2025-09-02")
	if len(ids) != 128 || ids[0] != "01" || ids[len(ids)-2] != "F" || ids[len(ids)-1] != "U" || ids[len(ids)-3] != "130" {
		t.Fatalf("ids = %v", ids)
	}
	p := mustCSV(t, w, normalize.ReportSummary, "", "2025-09-02")
	if len(p.rows) != 128 {
		t.Fatalf("summary rows = %d", len(p.rows))
	}
	regions := map[string]bool{}
	for _, r := range p.rows {
		regions[r["REGION"]] = true
		if r["DISTRICT"] == "U" && r["REGION"] != "DNAR" {
			t.Errorf("U region %q", r["REGION"])
		}
	}
	if len(regions) != 15 { // 01..14 + DNAR
		t.Errorf("regions = %v", regions)
	}
}

func TestHeadersPerEra(t *testing.T) {
	cases := []struct {
		from, asOf         string
		clubCols, sumCols  int
		clubHas, sumHasNot string
	}{
		{"2025-03-01", "2025-03-20", 23, 21, "Level 4s, Level 5s, or DTM award", "Market Analysis"},
		{"2025-10-01", "2025-10-20", 25, 25, "Level 4s, Path Completions, or DTM Awards", ""},
		{"2026-10-01", "2026-10-20", 25, 24, "Level 2s or EOM", "Region Advisor Visit"},
	}
	for _, c := range cases {
		w := NewWorld(Config{From: c.from, To: c.asOf})
		club := mustCSV(t, w, normalize.ReportClub, "61", c.asOf)
		sum := mustCSV(t, w, normalize.ReportSummary, "", c.asOf)
		if len(club.header) != c.clubCols || len(sum.header) != c.sumCols {
			t.Errorf("%s: club %d cols, summary %d cols", c.asOf, len(club.header), len(sum.header))
		}
		if !contains(club.header, c.clubHas) {
			t.Errorf("%s: club header lacks %q", c.asOf, c.clubHas)
		}
		if c.sumHasNot != "" && contains(sum.header, c.sumHasNot) {
			t.Errorf("%s: summary header has %q", c.asOf, c.sumHasNot)
		}
		if d := mustCSV(t, w, normalize.ReportDistrict, "61", c.asOf); len(d.header) != 14 {
			t.Errorf("district header %d", len(d.header))
		}
		if d := mustCSV(t, w, normalize.ReportDivision, "61", c.asOf); len(d.header) != 33 {
			t.Errorf("division header %d", len(d.header))
		}
	}
	// Era override.
	w := NewWorld(Config{From: "2025-10-01", To: "2025-10-05", Era: normalize.EraPathways})
	if h := mustCSV(t, w, normalize.ReportClub, "61", "2025-10-05").header; len(h) != 23 {
		t.Errorf("era override: %d cols", len(h))
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func TestCalendar(t *testing.T) {
	w := NewWorld(Config{From: "2025-05-01", To: "2025-09-30", Seed: 3})
	dates := w.AsOfDates()
	months := map[string][]string{}
	for _, d := range dates {
		m := w.DataMonth(d)
		months[m] = append(months[m], d)
	}
	for _, m := range []string{"2025-05", "2025-06", "2025-07", "2025-08"} {
		list := months[m]
		last := list[len(list)-1]
		if last[:7] == m {
			t.Errorf("%s: list %v does not run into the next month", m, list)
		}
		day := atoi(t, last[8:])
		if m == "2025-06" && (day < 12 || day > 20) {
			t.Errorf("June closes on %s", last)
		}
		if m != "2025-06" && (day < 5 || day > 10) {
			t.Errorf("%s closes on %s", m, last)
		}
	}
	// The July dark window: a few days after June's close publish nothing.
	julyFirst := months["2025-07"][0]
	juneLast := months["2025-06"][len(months["2025-06"])-1]
	if gap := atoi(t, julyFirst[8:]) - atoi(t, juneLast[8:]); gap < 3 {
		t.Errorf("dark window too short: June ends %s, July starts %s", juneLast, julyFirst)
	}
	if w.LiveProgramYear() != "2025-2026" || w.Newest() != "2025-09-30" {
		t.Errorf("live %s newest %s", w.LiveProgramYear(), w.Newest())
	}
}

// checkConsistency verifies every cross-report invariant of one date.
func checkConsistency(t *testing.T, w *World, asOf string) {
	t.Helper()
	dm := w.DataMonth(asOf)
	mon := atoi(t, dm[5:])
	sum := mustCSV(t, w, normalize.ReportSummary, "", asOf)
	wantFooter := fmt.Sprintf("Month of %s, As of %s/%s/%s", monthAbbr[mon], asOf[5:7], asOf[8:10], asOf[:4])
	if sum.footer != wantFooter {
		t.Fatalf("%s: footer %q, want %q", asOf, sum.footer, wantFooter)
	}
	legacy := !contains(sum.header, "CSP") && !contains(sum.header, "Market Analysis")
	for _, s := range sum.rows {
		id := s["DISTRICT"]
		club := mustCSV(t, w, normalize.ReportClub, id, asOf)
		dist := mustCSV(t, w, normalize.ReportDistrict, id, asOf)
		div := mustCSV(t, w, normalize.ReportDivision, id, asOf)
		if strings.Join(club.order, ",") != strings.Join(dist.order, ",") || strings.Join(club.order, ",") != strings.Join(div.order, ",") {
			t.Fatalf("%s %s: reports list different clubs", asOf, id)
		}
		for _, p := range []parsed{club, dist, div} {
			if p.footer != wantFooter {
				t.Fatalf("%s %s: footer %q", asOf, id, p.footer)
			}
		}
		// Per-club checks; sums over de-duplicated clubs (the last copy wins).
		seen := map[string]bool{}
		var newP, late, oct, apr, chart, paid, active int
		letters := map[string]int{}
		for i := len(club.rows) - 1; i >= 0; i-- {
			c, d, v := club.rows[i], dist.rows[i], div.rows[i]
			num := c["Club Number"]
			checkClubRow(t, asOf, id, c, d, v, legacy)
			if seen[num] {
				continue
			}
			seen[num] = true
			newP += atoi(t, d["New"])
			late += atoi(t, d["Late Ren."])
			oct += atoi(t, d["Oct. Ren."])
			apr += atoi(t, d["Apr. Ren."])
			chart += atoi(t, d["Total Chart"])
			switch c["Club Status"] {
			case "Active":
				paid++
				active++
			case "Low", "Ineligible":
				active++
			}
			letters[c["Club Distinguished Status"]]++
		}
		eq := func(col string, want int) {
			if got := atoi(t, s[col]); got != want {
				t.Errorf("%s %s: summary %s = %d, clubs sum to %d", asOf, id, col, got, want)
			}
		}
		eq("New Payments", newP)
		eq("Late Payments", late)
		eq("October Payments", oct)
		eq("April Payments", apr)
		eq("Charter Payments", chart)
		eq("Total YTD Payments", newP+late+oct+apr+chart)
		eq("Paid Clubs", paid)
		eq("Active Clubs", active)
		if mon >= 4 && mon <= 6 {
			eq("Distinguished Clubs", letters["D"])
			eq("Select Distinguished Clubs", letters["S"])
			eq("Presidents Distinguished Clubs", letters["P"])
			if !legacy {
				eq("Smedley Distinguished Clubs", letters["M"])
			}
			eq("Total Distinguished Clubs", letters["D"]+letters["S"]+letters["P"]+letters["M"])
		} else {
			eq("Total Distinguished Clubs", 0)
			eq("Distinguished Clubs", 0)
		}
		pctIs := func(col string, num, den int) {
			v, err := strconv.ParseFloat(strings.TrimSuffix(s[col], "%"), 64)
			if err != nil || !strings.HasSuffix(s[col], "%") {
				t.Errorf("%s %s: %s = %q", asOf, id, col, s[col])
				return
			}
			if want := float64(num) * 100 / float64(den); den > 0 && math.Abs(v-want) > 0.005001 {
				t.Errorf("%s %s: %s = %q, want %.4f", asOf, id, col, s[col], want)
			}
		}
		pctIs("% Payment Growth", atoi(t, s["Total YTD Payments"])-atoi(t, s["Payment Base"]), atoi(t, s["Payment Base"]))
		pctIs("% Club Growth", atoi(t, s["Paid Clubs"])-atoi(t, s["Paid Club Base"]), atoi(t, s["Paid Club Base"]))
		// Measured on Paid Clubs, as the real dashboard does (D91 2024-25:
		// 99 distinguished of 173 paid clubs, base 180, printed 57.23).
		pctIs("% Distinguished Clubs", atoi(t, s["Total Distinguished Clubs"]), atoi(t, s["Paid Clubs"]))
		if atoi(t, s["Paid Clubs"]) == 0 && s["% Distinguished Clubs"] != "0%" {
			t.Errorf("%s %s: no paid clubs, %% Distinguished Clubs = %q, want 0%%", asOf, id, s["% Distinguished Clubs"])
		}
		checkDivisionGoals(t, asOf, id, div)
	}
}

func checkClubRow(t *testing.T, asOf, id string, c, d, v map[string]string, legacy bool) {
	t.Helper()
	n := func(col string) int { return atoi(t, c[col]) }
	where := asOf + " " + id + " " + c["Club Number"]
	if c["District"] != id || d["District"] != id || v["District"] != id {
		t.Errorf("%s: district column", where)
	}
	if len(c["Club Number"]) != 8 || len(c["Area"]) != 2 {
		t.Errorf("%s: club number %q area %q", where, c["Club Number"], c["Area"])
	}
	l2col, addL2col := "Level 2s", "Add. Level 2s"
	if contains(keys(c), "Level 2s or EOM") {
		l2col, addL2col = "Level 2s or EOM", "Add. Level 2s or EOM"
	}
	g5, addG5 := "Level 4s, Path Completions, or DTM Awards", "Add. Level 4s, Path Completions, or DTM award"
	if legacy {
		g5, addG5 = "Level 4s, Level 5s, or DTM award", "Add. Level 4s, Level 5s, or DTM award"
	}
	gi := goalInputs{n("Level 1s"), n(l2col), n(addL2col), n("Level 3s"), n(g5), n(addG5), n("New Members"),
		n("Add. New Members"), n("Off. Trained Round 1"), n("Off. Trained Round 2"), n("Mem. dues on time Oct"),
		n("Mem. dues on time Apr"), n("Off. List On Time")}
	goals := gi.goals()
	// TI's new-club credits, read back from the district report's charter
	// cell (present only for clubs chartered in this program year).
	cspCredit := false
	if m := regexp.MustCompile(`^Charter (\d\d/\d\d/\d\d)`).FindStringSubmatch(d["Charter Date/Suspend Date"]); m != nil && c["Club Status"] != "Suspended" {
		born, err := time.Parse(shortCharter, m[1])
		if err != nil {
			t.Fatalf("%s: charter %q: %v", where, m[1], err)
		}
		py := born.Year()
		if born.Month() < time.July {
			py--
		}
		after := func(y int, mo time.Month) bool { return born.After(time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)) }
		goals[8] = goals[8] || (after(py, time.September) && n("Off. Trained Round 2") >= 4)
		goals[9] = goals[9] || after(py, time.October)
		cspCredit = after(py+1, time.April)
	}
	met := 0
	for _, g := range goals {
		if g {
			met++
		}
	}
	if n("Goals Met") != met {
		t.Errorf("%s: Goals Met %d, goals computed %d", where, n("Goals Met"), met)
	}
	if n(l2col) > 2 || n(g5) > 1 || n("New Members") > 4 || n("Off. List On Time") > 2 {
		t.Errorf("%s: capped column over its cap", where)
	}
	members := n("Active Members")
	switch c["Club Status"] {
	case "Active":
		if members < 8 {
			t.Errorf("%s: Active with %d members", where, members)
		}
	case "Low":
		if members < 4 || members > 7 {
			t.Errorf("%s: Low with %d members", where, members)
		}
	case "Ineligible", "Suspended":
		if members != 0 {
			t.Errorf("%s: %s with %d members", where, c["Club Status"], members)
		}
	default:
		t.Errorf("%s: status %q", where, c["Club Status"])
	}
	net := members - n("Mem. Base")
	csp := true
	if !legacy {
		if n("Net Growth") != net {
			t.Errorf("%s: Net Growth", where)
		}
		csp = c["CSP"] == "Y" || cspCredit
	}
	e := eraLegacy
	if !legacy {
		e = era2025
	}
	if want := clubLevel(e, met, members, net, csp); c["Club Distinguished Status"] != want {
		t.Errorf("%s: level %q want %q", where, c["Club Distinguished Status"], want)
	}
	// District report.
	dn := func(col string) int { return atoi(t, d[col]) }
	if dn("Total Ren.") != dn("Late Ren.")+dn("Oct. Ren.")+dn("Apr. Ren.") {
		t.Errorf("%s: Total Ren.", where)
	}
	if dn("Total to Date") != dn("New")+dn("Total Ren.")+dn("Total Chart") {
		t.Errorf("%s: Total to Date", where)
	}
	if d["Distinguished Status"] != c["Club Distinguished Status"] || d["Club Name"] != c["Club Name"] {
		t.Errorf("%s: district report disagrees with club report", where)
	}
	cell := d["Charter Date/Suspend Date"]
	if c["Club Status"] == "Suspended" {
		if !strings.Contains(cell, " Susp ") || dn("Total to Date") != 0 {
			t.Errorf("%s: suspended club cell %q total %d", where, cell, dn("Total to Date"))
		}
	}
	if cell != "" && !regexp.MustCompile(`^(Charter \d\d/\d\d/\d\d)?( Susp \d\d/\d\d/\d\d)?$`).MatchString(cell) {
		t.Errorf("%s: charter cell %q", where, cell)
	}
	if v["Charter Date/Suspend Date"] != cell {
		t.Errorf("%s: division report charter cell", where)
	}
	// Division report.
	if v["Membership to date"] != c["Active Members"] || v["Club Goals Met"] != c["Goals Met"] ||
		v["Distinguished Club"] != c["Club Distinguished Status"] {
		t.Errorf("%s: division report disagrees with club report", where)
	}
	if v["October Renewals"] != c["Mem. dues on time Oct"] || v["April Renewals"] != c["Mem. dues on time Apr"] {
		t.Errorf("%s: renewal flags", where)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func checkDivisionGoals(t *testing.T, asOf, id string, div parsed) {
	t.Helper()
	type agg struct{ paid, dist int }
	areas, divs := map[string]*agg{}, map[string]*agg{}
	for _, r := range div.rows {
		for _, k := range []struct {
			m   map[string]*agg
			key string
		}{{areas, r["Division"] + r["Area"]}, {divs, r["Division"]}} {
			a := k.m[k.key]
			if a == nil {
				a = &agg{}
				k.m[k.key] = a
			}
			if r["Distinguished Club"] != "" {
				a.dist++
			}
		}
	}
	for _, r := range div.rows {
		n := func(col string) int { return atoi(t, r[col]) }
		where := asOf + " " + id + " " + r["Club"]
		ab, db := n("Area Club Base"), n("Division Club Base")
		if n("Area Paid Club Goal for Dist.") != ab || n("Area Paid Club Goal for Select Dist.") != ab ||
			n("Area Paid Club Goal for Pres. Dist.") != ab+1 {
			t.Errorf("%s: area paid goals", where)
		}
		half := (ab + 1) / 2
		if n("Area Dist. Club Goal for Dist.") != half || n("Area Dist. Club Goal for Select Dist.") != half+1 ||
			n("Area Dist. Club Goal for Pres. Dist.") != half+1 {
			t.Errorf("%s: area dist goals", where)
		}
		if n("Division Paid Club Goal for Dist.") != db || n("Division Paid Club Goal for Select Dist.") != db+1 ||
			n("Division Paid Club Goal for Pres. Dist.") != db+2 {
			t.Errorf("%s: division paid goals", where)
		}
		for _, g := range []struct {
			col string
			p   int
		}{{"Division Dist. Club Goal for Dist.", 45}, {"Division Dist. Club Goal for Select Dist.", 50}, {"Division Dist. Club Goal for Pres. Dist.", 55}} {
			if want := (g.p*db + 99) / 100; n(g.col) != want {
				t.Errorf("%s: %s = %d want %d", where, g.col, n(g.col), want)
			}
		}
		if n("Total Dist. Area Clubs") != areas[r["Division"]+r["Area"]].dist || n("Total Dist. Division Clubs") != divs[r["Division"]].dist {
			t.Errorf("%s: distinguished totals", where)
		}
	}
}

func TestConsistencyEveryDate(t *testing.T) {
	w := NewWorld(Config{Districts: 5, ClubsPerDistrict: 25, Seed: 11, From: "2025-03-25", To: "2025-08-10"})
	for _, d := range w.AsOfDates() {
		checkConsistency(t, w, d)
	}
}

func TestConsistencyEras(t *testing.T) {
	for _, span := range [][2]string{{"2025-11-01", "2026-06-10"}, {"2026-07-01", "2026-10-31"}} {
		w := NewWorld(Config{Districts: 8, ClubsPerDistrict: 30, Seed: 5, From: span[0], To: span[1]})
		dates := w.AsOfDates()
		for i := 0; i < len(dates); i += 9 {
			checkConsistency(t, w, dates[i])
		}
	}
}

// Education and payments accumulate through the program year: for the same
// club, later dates of one program year never show less (suspensions aside).
func TestAccumulates(t *testing.T) {
	w := NewWorld(Config{Districts: 4, ClubsPerDistrict: 40, Seed: 2, From: "2025-07-20", To: "2026-06-30"})
	cols := []string{"Level 1s", "Level 3s", "Add. Level 2s", "Add. New Members", "Off. Trained Round 2"}
	prev := map[string]map[string]string{}
	changes := 0
	for _, d := range w.AsOfDates() {
		p := mustCSV(t, w, normalize.ReportClub, "61", d)
		for _, r := range p.rows {
			if old, ok := prev[r["Club Number"]]; ok && r["Club Status"] != "Suspended" {
				for _, c := range cols {
					if atoi(t, r[c]) < atoi(t, old[c]) {
						t.Errorf("%s %s: %s went %s -> %s", d, r["Club Number"], c, old[c], r[c])
					}
					if r[c] != old[c] {
						changes++
					}
				}
			}
			prev[r["Club Number"]] = r
		}
	}
	if changes < 50 {
		t.Errorf("only %d changes over a program year", changes)
	}
}

// The world contains the real-data quirks the scraper and normalize must
// handle.
func TestQuirksPresent(t *testing.T) {
	w := NewWorld(Config{Districts: 30, ClubsPerDistrict: 60, Seed: 1, From: "2025-03-01", To: "2025-06-30"})
	var trailing, amp, apos, dup, charter, susp, both, low, inelig, letters int
	for _, id := range w.Districts("2025-06-30") {
		p := mustCSV(t, w, normalize.ReportDistrict, id, "2025-06-30")
		seen := map[string]bool{}
		for _, r := range p.rows {
			name := r["Club Name"]
			if strings.HasSuffix(name, " ") {
				trailing++
			}
			if strings.Contains(name, "&") {
				amp++
			}
			if strings.Contains(name, "'") {
				apos++
			}
			if seen[r["Club"]] && r["Division"] != "0D" || r["Division"] == "0D" && r["Area"] == "0A" {
				dup++
			}
			seen[r["Club"]] = true
			cell := r["Charter Date/Suspend Date"]
			switch {
			case strings.HasPrefix(cell, "Charter") && strings.Contains(cell, "Susp"):
				both++
			case strings.HasPrefix(cell, "Charter"):
				charter++
			case strings.HasPrefix(cell, " Susp"):
				susp++
			}
			if r["Distinguished Status"] != "" {
				letters++
			}
		}
		c := mustCSV(t, w, normalize.ReportClub, id, "2025-06-30")
		for _, r := range c.rows {
			switch r["Club Status"] {
			case "Low":
				low++
			case "Ineligible":
				inelig++
			}
		}
	}
	t.Logf("trailing=%d amp=%d apos=%d dup=%d charter=%d susp=%d both=%d low=%d inelig=%d letters=%d",
		trailing, amp, apos, dup, charter, susp, both, low, inelig, letters)
	for name, n := range map[string]int{"trailing space": trailing, "&": amp, "'": apos, "0D/0A duplicate": dup,
		"Charter": charter, " Susp": susp, "Low": low, "Ineligible": inelig, "letters": letters} {
		if n == 0 {
			t.Errorf("no %s in a 30-district world", name)
		}
	}
}

// From PY 2026-27 thirty districts carry the new ids 201–231 (204 absent);
// the district set is per date.
func TestRenumbering2026(t *testing.T) {
	w := NewWorld(Config{Districts: 128, ClubsPerDistrict: 3, Seed: 4, From: "2026-06-25", To: "2026-08-31"})
	old, cur := w.Districts("2026-06-30"), w.Districts("2026-08-31")
	if len(old) != 128 || len(cur) != 128 {
		t.Fatalf("%d and %d districts", len(old), len(cur))
	}
	if !contains(old, "07") || contains(old, "201") || contains(cur, "07") || !contains(cur, "201") || !contains(cur, "231") || contains(cur, "204") {
		t.Errorf("renumbering wrong: 2026-06-30 %v\n2026-08-31 %v", old, cur)
	}
	if !contains(cur, "61") || !contains(cur, "02") || cur[len(cur)-1] != "U" {
		t.Errorf("kept ids missing: %v", cur)
	}
	if _, err := w.CSV(normalize.ReportClub, "201", "2026-06-30"); err == nil || !strings.Contains(err.Error(), ErrUnknownDistrict.Error()) {
		t.Errorf("201 before the renumbering: %v", err)
	}
	// The same clubs, under the new id.
	a := mustCSV(t, w, normalize.ReportClub, "07", "2026-06-30")
	b := mustCSV(t, w, normalize.ReportClub, "201", "2026-08-31")
	if a.rows[len(a.rows)-1]["Club Number"] != b.rows[len(b.rows)-1]["Club Number"] || b.rows[0]["District"] != "201" {
		t.Errorf("district 201 is not the old 07")
	}
	sum := mustCSV(t, w, normalize.ReportSummary, "", "2026-08-31")
	var ids []string
	for _, r := range sum.rows {
		ids = append(ids, r["DISTRICT"])
	}
	if strings.Join(ids, ",") != strings.Join(cur, ",") {
		t.Errorf("summary order %v", ids)
	}
}

// Very large districts keep single-letter divisions and 2-digit areas.
func TestLargeDistricts(t *testing.T) {
	w := NewWorld(Config{Districts: 2, ClubsPerDistrict: 1500, Seed: 3, From: "2025-10-10", To: "2025-10-10"})
	for _, id := range w.Districts("2025-10-10") {
		p := mustCSV(t, w, normalize.ReportClub, id, "2025-10-10")
		for _, r := range p.rows {
			if d := r["Division"]; d != "0D" && (len(d) != 1 || d < "A" || d > "Z") || len(r["Area"]) != 2 {
				t.Fatalf("district %s: division %q area %q", id, r["Division"], r["Area"])
			}
		}
	}
	checkConsistency(t, w, "2025-10-10")
}
