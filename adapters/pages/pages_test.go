package pages

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
)

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   []float64
	}{
		// (37-0)/5 = 7.4 → step 10 (1, 2, 5 are too small): 0..40.
		{0, 37, []float64{0, 10, 20, 30, 40}},
		// (237-225)/5 = 2.4 → step 5: floor(225/5)*5 = 225 .. 240.
		{225, 237, []float64{225, 230, 235, 240}},
		// One value: the span becomes 1, step 1 (0.2 rounds up to whole clubs).
		{4, 4, []float64{4, 5}},
	} {
		if got := niceTicks(tc.lo, tc.hi, 5); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("niceTicks(%v, %v) = %v, want %v", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestLineChartTableAndAccessibility(t *testing.T) {
	c := LineChart{ID: "m", Title: `Members & "guests"`, Desc: "d", YLabel: "Members", Series: []Series{
		{Name: "This year", Values: []DatedValue{{"2025-07-01", 10}, {"2025-08-01", 12}}},
		{Name: "Last year", Dashed: true, Values: []DatedValue{{"2025-07-01", 9}}},
	}}
	v := c.render()
	// Rows are the union of dates; a series without the date shows a dash.
	want := [][]string{{"2025-07-01", "10", "9"}, {"2025-08-01", "12", "–"}}
	if !reflect.DeepEqual(v.Rows, want) || !reflect.DeepEqual(v.Head, []string{"Date", "This year", "Last year"}) {
		t.Fatalf("table %v %v", v.Head, v.Rows)
	}
	svg := string(v.SVG)
	for _, s := range []string{`role="img"`, `aria-labelledby="m-t m-d"`, `<title id="m-t">Members &amp; &#34;guests&#34;</title>`, `stroke-dasharray`, `>Jul 2025<`, `>Aug 2025<`} {
		if !strings.Contains(svg, s) {
			t.Errorf("svg lacks %s", s)
		}
	}
	// Two points: x from chartLeft (64) to chartW-chartRight (704).
	if !strings.Contains(svg, `points="64.0,`) || !strings.Contains(svg, ` 704.0,`) {
		t.Errorf("line does not span the plot: %s", svg)
	}
}

var hostile = `<script>alert("x")</script> & Tom's "Club" Клуб`

func TestRenderEscapesNames(t *testing.T) {
	club := analytics.ClubTrend{ClubID: "1", ClubName: hostile, DivisionID: "A", AreaID: "01", ClubStatus: "Active"}
	club.Status = analytics.HealthThriving
	pages := []any{
		&ClubsPage{Frame: Frame{Title: "Clubs"}, DistrictID: "61", Clubs: []ClubRow{{ClubTrend: club}}},
		&ClubPage{Frame: Frame{Title: hostile}, DistrictID: "61", Club: &club},
		&DistrictPage{Frame: Frame{Title: "District 61"}, DistrictID: "61", Changes: []Change{{Label: "x", Report: &analytics.DailyReport{
			ClubChanges: []analytics.ClubChange{{ClubID: "1", ClubName: hostile, Change: "status", From: "<b>", To: "Active"}}}}}},
		&ErrorPage{Frame: Frame{Title: "Not Found"}, Message: hostile},
	}
	for _, p := range pages {
		var buf bytes.Buffer
		if err := Render(&buf, p); err != nil {
			t.Fatalf("%T: %v", p, err)
		}
		out := buf.String()
		if strings.Contains(out, "<script") || strings.Contains(out, "<b>") {
			t.Errorf("%T: markup from the data reached the page", p)
		}
		if !strings.Contains(out, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Tom&#39;s &#34;Club&#34; Клуб`) {
			t.Errorf("%T: the name is not shown escaped and whole", p)
		}
	}
}

func TestClubsFilterSortAndCSV(t *testing.T) {
	mk := func(id, name, div, area, health string, members int) ClubRow {
		r := ClubRow{ClubTrend: analytics.ClubTrend{ClubID: id, ClubName: name, DivisionID: div, AreaID: area, ActiveMembers: members, ClubStatus: "Active"}}
		r.Status = health
		return r
	}
	p := &ClubsPage{DistrictID: "61", Clubs: []ClubRow{
		mk("1", "=SUM(A1)", "A", "01", analytics.HealthThriving, 20),
		mk("2", "beta", "A", "02", analytics.HealthVulnerable, 30),
		mk("3", "alpha", "B", "01", analytics.HealthThriving, 10),
	}, Division: "A", Sort: "members"}
	rows := p.ClubsRows()
	if len(rows) != 2 || rows[0].ClubID != "2" || rows[1].ClubID != "1" {
		t.Fatalf("division A by members: %+v", rows)
	}
	var buf bytes.Buffer
	if err := WriteClubsCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Header + 2 clubs; a name starting with = is neutralised.
	if len(recs) != 3 || recs[2][1] != "'=SUM(A1)" || recs[1][5] != "30" {
		t.Fatalf("csv %v", recs)
	}
}

// Areas are numbered within their division in some districts (spec
// §3.3): the area filter tells A's area 01 from B's, and lists both.
func TestClubsAreaFilterKeepsDivisions(t *testing.T) {
	mk := func(id, div, area string) ClubRow {
		return ClubRow{ClubTrend: analytics.ClubTrend{ClubID: id, ClubName: "Club " + id, DivisionID: div, AreaID: area}}
	}
	p := &ClubsPage{DistrictID: "61", Clubs: []ClubRow{mk("1", "A", "01"), mk("2", "B", "02"), mk("3", "B", "01")}}
	want := []AreaChoice{{"A:01", "01 (Division A)"}, {"B:01", "01 (Division B)"}, {"B:02", "02 (Division B)"}}
	if got := p.Filters().Areas; !reflect.DeepEqual(got, want) {
		t.Fatalf("area choices %+v, want %+v", got, want)
	}
	ids := func(area string) []string {
		p.Area = area
		var out []string
		for _, r := range p.ClubsRows() {
			out = append(out, r.ClubID)
		}
		sort.Strings(out)
		return out
	}
	for area, want := range map[string][]string{"B:01": {"3"}, "A:01": {"1"}, "B:02": {"2"}, "01": {"1", "3"}, "": {"1", "2", "3"}} {
		if got := ids(area); !reflect.DeepEqual(got, want) {
			t.Errorf("area %q: clubs %v, want %v", area, got, want)
		}
	}
	var buf bytes.Buffer
	p.Area = "B:01"
	if err := Render(&buf, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<option value="B:01" selected>01 (Division B)</option>`) {
		t.Errorf("the form does not show B:01 selected: %s", buf.String())
	}
}

func TestHomeRegionAndMoves(t *testing.T) {
	up, down := 3, -2
	p := &HomePage{Rows: []HomeRow{
		{DistrictRanking: snapshot.DistrictRanking{DistrictID: "2", Region: "1", OverallRank: 2}, WeekMove: &down},
		{DistrictRanking: snapshot.DistrictRanking{DistrictID: "10", Region: "2", OverallRank: 1}, WeekMove: &up},
		{DistrictRanking: snapshot.DistrictRanking{DistrictID: "3", Region: "1", OverallRank: 3}},
	}, Region: "1", Sort: "week"}
	rows := p.rows()
	// Region 1 only; by week move: -2 before unknown.
	if len(rows) != 2 || rows[0].DistrictID != "2" || rows[1].DistrictID != "3" {
		t.Fatalf("rows %+v", rows)
	}
	if moveText(&up) != "▲ 3" || moveText(&down) != "▼ 2" || moveText(nil) != "–" {
		t.Fatal("move wording")
	}
}

func TestLastYearCurveShifted(t *testing.T) {
	pay := 100
	last := &analytics.MembershipHistoryReport{History: []analytics.HistoryPoint{{Date: "2024-07-15", Members: 90, Payments: &pay}, {Date: "2024-02-29", Members: 80}}}
	s := historySeries("Last year", last, false, true)
	// Shifted a year so it lies under this year's curve; Feb 29 2024 + 1 year = Mar 1 2025.
	if !s.Dashed || len(s.Values) != 2 || s.Values[0] != (DatedValue{"2025-07-15", 90}) || s.Values[1].Date != "2025-03-01" {
		t.Fatalf("%+v", s)
	}
	// Payments: a point without payments is left out.
	if p := historySeries("x", last, true, false); len(p.Values) != 1 || p.Values[0] != (DatedValue{"2024-07-15", 100}) {
		t.Fatalf("%+v", p)
	}
}

// TestBarChartWhisker draws a range over one bar: the table says "12 (7–18)"
// and the SVG has a whisker from 7 to 18. The axis reaches the range's top
// (18 → ticks to 20), so y(v) = chartTop + ph·(1 − v/20).
func TestBarChartWhisker(t *testing.T) {
	c := BarChart{ID: "p", Title: "t", Desc: "d", Keys: []string{"Now", "Projected"}, Bars: []Bar{
		{Label: "All levels", Values: []float64{6, 12}, Ranges: []*[2]float64{nil, {7, 18}}},
	}}
	v := c.render()
	if want := [][]string{{"All levels", "6", "12 (7–18)"}}; !reflect.DeepEqual(v.Rows, want) {
		t.Fatalf("table rows %v, want %v", v.Rows, want)
	}
	svg := string(v.SVG)
	ph := float64(chartH - chartTop - chartBottom)
	y := func(val float64) string { return fmt.Sprintf("%.1f", chartTop+ph*(1-val/20)) }
	if strings.Count(svg, `class="whisker"`) != 1 || !strings.Contains(svg, `y1="`+y(7)+`" y2="`+y(18)+`"`) ||
		!strings.Contains(svg, "All levels, Projected: 7 to 18") {
		t.Errorf("no whisker from 7 to 18 in %s", svg)
	}
}

// A suspended club earns no level: its need says so, not "At the top level".
func TestNeedTextOfSuspendedClub(t *testing.T) {
	for _, tc := range []struct {
		n    *analytics.ClubNeed
		want string
	}{
		{&analytics.ClubNeed{Kind: analytics.NeedSuspended}, "Suspended: no level can be earned"},
		{&analytics.ClubNeed{Kind: analytics.NeedNone, CurrentLevel: "P"}, "At the top level"},
		{&analytics.ClubNeed{Kind: analytics.NeedGoals, TargetLevel: "S", OtherGoalsNeeded: 2}, "2 more goals for Select Distinguished"},
		{nil, "–"},
	} {
		if got := needText(tc.n); got != tc.want {
			t.Errorf("needText(%+v) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// TestXAxisLabelsStayInsideTheChart: a span shorter than two month starts
// is labelled with its first and last dates. The last one's tick is at
// chartW-chartRight = 704, 16 units from the edge; "12 Apr" is ~43 units
// wide (6 × 7.2), so centred it would run to ~726 and be cut off: it ends
// at its tick instead. The first, at 64, stays centred.
func TestXAxisLabelsStayInsideTheChart(t *testing.T) {
	c := LineChart{ID: "m", Title: "Members", Series: []Series{
		{Name: "This year", Values: []DatedValue{{"2026-03-20", 440}, {"2026-04-12", 419}}},
	}}
	svg := string(c.render().SVG)
	for _, want := range []string{
		`<text x="64.0" y="242.0" text-anchor="middle">20 Mar</text>`,
		`<text x="704.0" y="242.0" text-anchor="end">12 Apr</text>`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %s:\n%s", want, svg)
		}
	}
	// A month start well inside the plot stays centred.
	if got := tickAnchor(400, "Jan 2026"); got != "middle" {
		t.Errorf("tickAnchor(400) = %q, want middle", got)
	}
	// "Jun 2026" at 704: 704 + 8×7.2/2 = 732.8 > 720.
	if got := tickAnchor(704, "Jun 2026"); got != "end" {
		t.Errorf("tickAnchor(704) = %q, want end", got)
	}
}
