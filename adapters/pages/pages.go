// Package pages renders the leader pages of toaststats: server-side HTML
// (html/template, embedded) with SVG charts, for district, division and area
// directors who do not read JSON.
//
// It is presentation only: every number on a page comes from what the
// analytics package and the snapshot store return, passed in through the
// page structs below or put on them by the New… constructors and Unit from
// a district's series (assemble.go). The package lays numbers out, sorts and
// filters table rows and draws charts; it computes no statistics. Pages need no
// JavaScript, print cleanly and keep every chart's numbers in a table.
package pages

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
)

//go:embed templates/*.html templates/*.css
var files embed.FS

// AsOf is the "data as of" line every page carries. Render links its
// snapshot id to the page as shown (its filters and sort) pinned to that
// snapshot with date=.
type AsOf struct {
	// SnapshotID is the snapshot the page was rendered from.
	SnapshotID string
	// DataAsOf is the dashboard's as-of date; DataMonth the month its
	// numbers belong to.
	DataAsOf  string
	DataMonth string
	// ClosingPeriod is true when the data is a month-end close (the as-of
	// date lies in the month after DataMonth).
	ClosingPeriod bool
	// Requested is the ?date= asked for when no snapshot has that date and
	// the page shows the newest one before it instead ("" otherwise): the
	// page says so.
	Requested string
}

// Link is a labelled href.
type Link struct {
	Label string
	Href  string
}

// Frame is what every page has around its content.
type Frame struct {
	// Title is the page's heading and <title>.
	Title string
	// Crumbs lead from the home page to this one (this page excluded).
	Crumbs []Link
	AsOf   AsOf
	// JSON links the API answers the page is made from.
	JSON []Link
	// CSV is the href of the page's CSV download ("" = none) and CSVLabel
	// its link text (default "Download this table as CSV"). A CSV href that
	// is a query of the page itself ("?format=csv…") gets the page's
	// filters and sort when rendered, so it downloads the table as shown.
	CSV, CSVLabel string
	// Date is the snapshot id when the page was chosen with ?date= ("" for
	// the current snapshot): every link and form of the page to another
	// page or another sort then carries date= too.
	Date string
}

// HomeRow is one district of the home page's ranking.
type HomeRow struct {
	snapshot.DistrictRanking
	// WeekMove and MonthMove are the places climbed since the snapshot a
	// week and a month earlier (analytics.RankMoves); nil when unknown.
	WeekMove, MonthMove *int
	// HasPage is true when the snapshot holds the district's statistics,
	// so its district page exists.
	HasPage bool
}

// HomePage is the Borda ranking of all districts.
type HomePage struct {
	Frame
	Rows []HomeRow
	// Region filters the rows ("" = all); Regions lists the choices.
	Region  string
	Regions []string
	// Sort is the column the rows are ordered by (see HomeSorts).
	Sort string
	// WeekDate and MonthDate are the snapshots the moves compare with.
	WeekDate, MonthDate string
}

// Change is one "what changed" block of a district page.
type Change struct {
	Label  string
	Report *analytics.DailyReport
}

// DistrictPage is where a district stands today and how it got there.
type DistrictPage struct {
	Frame
	DistrictID string
	// Ranking is the district's row of the Borda ranking (nil: not ranked).
	Ranking             *snapshot.DistrictRanking
	WeekMove, MonthMove *int
	// WeekDate and MonthDate are the snapshots the moves compare with (the
	// newest a week and a month older, which may be older still; "" none).
	WeekDate, MonthDate string
	Recognition         *analytics.DistrictRecognitionReport
	// ThisYear and LastYear are the district's membership histories of the
	// current and previous program year (LastYear nil when not stored).
	ThisYear, LastYear *analytics.MembershipHistoryReport
	// Levels is distinguished clubs by level at each snapshot of the year.
	Levels        []analytics.DatedLevelCounts
	Distinguished *analytics.DistinguishedReport
	Ranks         *analytics.RankHistoryReport
	Changes       []Change
	Standing      *analytics.StandingReport
}

// ClubRow is one club of a clubs table.
type ClubRow struct {
	analytics.ClubTrend
	// Need is what the club still needs for its next level (nil when the
	// analytics had no answer).
	Need *analytics.ClubNeed
}

// ClubsPage is the table of a district's clubs.
type ClubsPage struct {
	Frame
	DistrictID string
	Clubs      []ClubRow
	// Filters (query parameters) and sort column (see ClubSorts). Area is
	// "<division>:<area>" (AreaKey): areas are numbered within their
	// division in some districts; a bare area id matches that id in any
	// division (links made before).
	Division, Area, Health, Sort string
}

// AreaKey is the clubs page's area filter value of an area: its division
// and its id, since two divisions may each have an area "01".
func AreaKey(divisionID, areaID string) string { return divisionID + ":" + areaID }

// inArea reports whether a club of division div and area area passes the
// area filter f ("" passes all).
func inArea(f, div, area string) bool {
	if f == "" {
		return true
	}
	if d, a, ok := strings.Cut(f, ":"); ok {
		return d == div && a == area
	}
	return f == area
}

// ClubPage is one club and its history.
type ClubPage struct {
	Frame
	DistrictID string
	Club       *analytics.ClubTrend
	Need       *analytics.ClubNeed
}

// DivisionPage is one division, its areas and its clubs.
type DivisionPage struct {
	Frame
	DistrictID string
	Division   *analytics.DivisionStanding
	Clubs      []ClubRow
	Sort       string
}

// AreaPage is one area and its clubs.
type AreaPage struct {
	Frame
	DistrictID string
	Area       *analytics.UnitStanding
	Clubs      []ClubRow
	Sort       string
}

// ErrorPage is an HTML error answer.
type ErrorPage struct {
	Frame
	Status  int
	Message string
}

var funcs = template.FuncMap{
	"pct":  func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" },
	"num":  fmtNum,
	"move": moveText,
	"moveClass": func(m *int) string {
		switch {
		case m == nil || *m == 0:
			return "same"
		case *m > 0:
			return "up"
		}
		return "down"
	},
	"level":    levelName,
	"health":   healthName,
	"yesno":    yesNo,
	"ptr":      intOrDash,
	"needText": needText,
	"gapText":  gapText,
	"query":    queryWith,
	"path":     url.PathEscape,
	"change":   changeText,
	"add":      func(a, b int) int { return a + b },
	"crit":     criterionText,
	"css":      func() template.CSS { return template.CSS(CSS()) },
	"clubs": func(districtID, date string, rows []ClubRow) clubTable {
		return clubTable{DistrictID: districtID, Date: date, Rows: rows}
	},
}

// clubTable is what the clubtable template draws: Date is the page's
// Frame.Date, which its links carry.
type clubTable struct {
	DistrictID, Date string
	Rows             []ClubRow
}

// tmpl parses the page templates on first use, not at program start: every
// program that links this package (the toaststats command, for
// export-static) would otherwise pay ~1.5 ms and ~650 KB of heap at start,
// a build included.
var tmpl = sync.OnceValue(func() map[string]*template.Template {
	m := map[string]*template.Template{}
	for _, name := range []string{"home", "district", "clubs", "club", "division", "area", "error"} {
		t := template.New("layout.html").Funcs(funcs)
		m[name] = template.Must(t.ParseFS(files, "templates/layout.html", "templates/parts.html", "templates/"+name+".html"))
	}
	return m
})

// CSS is the stylesheet every page carries inline.
func CSS() []byte { return css }

var css, _ = files.ReadFile("templates/pages.css")

type view struct {
	Page   any
	Charts map[string]chartView
	Sorts  []sortLink
	Rows   any
	// CSV is the href of the page's CSV download with the page's state
	// (state) added.
	CSV string
	// Permalink is the "data as of" line's link: this page as shown (its
	// filters and sort), pinned to its snapshot with date=.
	Permalink string
}

func render(w io.Writer, name string, v view) error {
	var buf bytes.Buffer
	if err := tmpl()[name].Execute(&buf, v); err != nil {
		return fmt.Errorf("render %s page: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// state is the query of a page's table: its filters q, its sort and the
// snapshot date of f, the non-empty ones.
func state(f *Frame, q url.Values, sortKey string) url.Values {
	out := url.Values{}
	for name, v := range q {
		if len(v) > 0 && v[0] != "" {
			out.Set(name, v[0])
		}
	}
	if sortKey != "" {
		out.Set("sort", sortKey)
	}
	if f.Date != "" {
		out.Set("date", f.Date)
	}
	return out
}

// tableView is the view of a page with a sortable table: its sort links,
// its CSV download and its permalink keep the page's filters q and date.
func tableView(f *Frame, v view, all []sortKey, sortKey string, q url.Values) view {
	v.Sorts = sortLinks(all, sortKey, "", state(f, q, ""))
	return stateView(f, v, state(f, q, sortKey))
}

// stateView sets the links of v that keep the page's state st (state):
// the CSV download and the permalink.
func stateView(f *Frame, v view, st url.Values) view {
	v.CSV = csvHref(f, st)
	v.Permalink = permalink(f, st)
	return v
}

// permalink is the href of the page in state st pinned to its snapshot:
// st with date= the snapshot id, whether or not the page was chosen by
// date ("" for a page drawn from no snapshot).
func permalink(f *Frame, st url.Values) string {
	if f.AsOf.SnapshotID == "" {
		return ""
	}
	q := url.Values{}
	for name, v := range st {
		q[name] = v
	}
	q.Set("date", f.AsOf.SnapshotID)
	return "?" + q.Encode()
}

// csvHref is f.CSV with st added when f.CSV is a query of the page itself
// ("?format=csv…"); another href (an API export) is kept as it is.
func csvHref(f *Frame, st url.Values) string {
	rest, ok := strings.CutPrefix(f.CSV, "?")
	if !ok {
		return f.CSV
	}
	q, err := url.ParseQuery(rest)
	if err != nil {
		return f.CSV
	}
	for name, v := range st {
		if q.Get(name) == "" {
			q[name] = v
		}
	}
	return "?" + q.Encode()
}

// Render writes the page as HTML. page is one of *HomePage, *DistrictPage,
// *ClubsPage, *ClubPage, *DivisionPage, *AreaPage or *ErrorPage.
func Render(w io.Writer, page any) error {
	switch p := page.(type) {
	case *HomePage:
		return render(w, "home", tableView(&p.Frame, view{Page: p, Rows: p.rows()}, homeSorts, p.Sort, url.Values{"region": {p.Region}}))
	case *DistrictPage:
		return render(w, "district", stateView(&p.Frame, view{Page: p, Charts: p.charts()}, state(&p.Frame, nil, "")))
	case *ClubsPage:
		q := url.Values{"division": {p.Division}, "area": {p.Area}, "health": {p.Health}}
		return render(w, "clubs", tableView(&p.Frame, view{Page: p, Rows: p.rows()}, clubSorts, p.Sort, q))
	case *ClubPage:
		return render(w, "club", stateView(&p.Frame, view{Page: p, Charts: p.charts()}, state(&p.Frame, nil, "")))
	case *DivisionPage:
		return render(w, "division", tableView(&p.Frame, view{Page: p, Rows: sortClubs(p.Clubs, p.Sort)}, clubSorts, p.Sort, nil))
	case *AreaPage:
		return render(w, "area", tableView(&p.Frame, view{Page: p, Rows: sortClubs(p.Clubs, p.Sort)}, clubSorts, p.Sort, nil))
	case *ErrorPage:
		return render(w, "error", view{Page: p, CSV: p.CSV, Permalink: permalink(&p.Frame, state(&p.Frame, nil, ""))})
	}
	return fmt.Errorf("render: unknown page type %T", page)
}

// ---- sorting and filtering (presentation only) ----

type sortKey struct {
	key, label string
}

type sortLink struct {
	Key, Label, Href string
	Active           bool
}

var homeSorts = []sortKey{{"rank", "Overall rank"}, {"district", "District"}, {"region", "Region"}, {"clubs", "Paid clubs"}, {"payments", "Payments"}, {"distinguished", "% Distinguished"}, {"week", "Move (week)"}, {"month", "Move (month)"}}

// HomeSorts are the sort keys of the home page.
func HomeSorts() []string { return keys(homeSorts) }

var clubSorts = []sortKey{{"club", "Club"}, {"division", "Division/area"}, {"members", "Members"}, {"growth", "Net growth"}, {"goals", "Goals"}, {"level", "Level"}, {"health", "Health"}}

// ClubSorts are the sort keys of the clubs tables.
func ClubSorts() []string { return keys(clubSorts) }

func keys(s []sortKey) []string {
	out := make([]string, len(s))
	for i := range s {
		out[i] = s[i].key
	}
	return out
}

func sortLinks(all []sortKey, active, base string, q url.Values) []sortLink {
	out := make([]sortLink, 0, len(all))
	for i, k := range all {
		qq := url.Values{}
		for name, v := range q {
			if len(v) > 0 && v[0] != "" {
				qq.Set(name, v[0])
			}
		}
		qq.Del("sort")
		if i > 0 {
			qq.Set("sort", k.key)
		}
		href := base + "?" + qq.Encode()
		if len(qq) == 0 {
			href = base + "?"
		}
		out = append(out, sortLink{Key: k.key, Label: k.label, Href: href, Active: active == k.key || (active == "" && i == 0)})
	}
	return out
}

func (p *HomePage) rows() []HomeRow {
	out := make([]HomeRow, 0, len(p.Rows))
	for _, r := range p.Rows {
		if p.Region == "" || r.Region == p.Region {
			out = append(out, r)
		}
	}
	mv := func(m *int) int {
		if m == nil {
			return -1 << 30
		}
		return *m
	}
	less := map[string]func(a, b *HomeRow) bool{
		"district": func(a, b *HomeRow) bool { return snapshot.CompareDistrictIDs(a.DistrictID, b.DistrictID) < 0 },
		"region": func(a, b *HomeRow) bool {
			return a.Region < b.Region || a.Region == b.Region && a.OverallRank < b.OverallRank
		},
		"clubs":         func(a, b *HomeRow) bool { return a.PaidClubs > b.PaidClubs },
		"payments":      func(a, b *HomeRow) bool { return a.TotalPayments > b.TotalPayments },
		"distinguished": func(a, b *HomeRow) bool { return a.DistinguishedPercent > b.DistinguishedPercent },
		"week":          func(a, b *HomeRow) bool { return mv(a.WeekMove) > mv(b.WeekMove) },
		"month":         func(a, b *HomeRow) bool { return mv(a.MonthMove) > mv(b.MonthMove) },
	}[p.Sort]
	if less == nil {
		less = func(a, b *HomeRow) bool { return a.OverallRank < b.OverallRank }
	}
	sort.SliceStable(out, func(i, j int) bool { return less(&out[i], &out[j]) })
	return out
}

func (p *ClubsPage) rows() []ClubRow {
	out := make([]ClubRow, 0, len(p.Clubs))
	for _, c := range p.Clubs {
		if (p.Division == "" || c.DivisionID == p.Division) && inArea(p.Area, c.DivisionID, c.AreaID) && (p.Health == "" || c.Status == p.Health) {
			out = append(out, c)
		}
	}
	return sortClubs(out, p.Sort)
}

// ClubFilters are the choices of the clubs page's filter form.
type ClubFilters struct {
	Divisions, Health []string
	Areas             []AreaChoice
}

// AreaChoice is one area of the filter form: Value is its AreaKey, Label
// what the form shows ("01 (Division B)").
type AreaChoice struct{ Value, Label string }

// Filters lists the divisions, areas and health classes of the clubs, for
// the filter form.
func (p *ClubsPage) Filters() ClubFilters {
	var divisions, health []string
	var areas []AreaChoice
	seen := map[string]bool{}
	for _, c := range p.Clubs {
		if k := AreaKey(c.DivisionID, c.AreaID); !seen["a"+k] {
			seen["a"+k] = true
			areas = append(areas, AreaChoice{Value: k, Label: c.AreaID + " (Division " + c.DivisionID + ")"})
		}
		for _, v := range []string{"d" + c.DivisionID, "h" + c.Status} {
			if !seen[v] {
				seen[v] = true
				switch v[0] {
				case 'd':
					divisions = append(divisions, v[1:])
				default:
					health = append(health, v[1:])
				}
			}
		}
	}
	sortStrings(divisions)
	sort.Slice(areas, func(i, j int) bool { return areas[i].Value < areas[j].Value })
	sortStrings(health)
	return ClubFilters{Divisions: divisions, Areas: areas, Health: health}
}

var healthOrder = map[string]int{analytics.HealthIntervention: 0, analytics.HealthVulnerable: 1, analytics.HealthThriving: 2}

func sortClubs(in []ClubRow, key string) []ClubRow {
	out := append([]ClubRow(nil), in...)
	less := map[string]func(a, b *ClubRow) bool{
		"division": func(a, b *ClubRow) bool {
			if a.DivisionID != b.DivisionID {
				return a.DivisionID < b.DivisionID
			}
			if a.AreaID != b.AreaID {
				return a.AreaID < b.AreaID
			}
			return a.ClubName < b.ClubName
		},
		"members": func(a, b *ClubRow) bool { return a.ActiveMembers > b.ActiveMembers },
		"growth":  func(a, b *ClubRow) bool { return a.NetGrowth > b.NetGrowth },
		"goals":   func(a, b *ClubRow) bool { return goalsOf(a) > goalsOf(b) },
		"level": func(a, b *ClubRow) bool {
			return snapshot.LevelRank(a.DistinguishedLevel) > snapshot.LevelRank(b.DistinguishedLevel)
		},
		"health": func(a, b *ClubRow) bool { return healthOrder[a.Status] < healthOrder[b.Status] },
	}[key]
	if less == nil {
		less = func(a, b *ClubRow) bool { return strings.ToLower(a.ClubName) < strings.ToLower(b.ClubName) }
	}
	sort.SliceStable(out, func(i, j int) bool { return less(&out[i], &out[j]) })
	return out
}

func goalsOf(c *ClubRow) int {
	if c.Need != nil {
		return c.Need.GoalsMet
	}
	if n := len(c.DCPGoalsTrend); n > 0 {
		return c.DCPGoalsTrend[n-1].GoalsAchieved
	}
	return 0
}

func sortStrings(s []string) { sort.Strings(s) }

// ---- wording ----

func moveText(m *int) string {
	switch {
	case m == nil:
		return "–"
	case *m > 0:
		return "▲ " + strconv.Itoa(*m)
	case *m < 0:
		return "▼ " + strconv.Itoa(-*m)
	}
	return "="
}

func levelName(l string) string {
	switch l {
	case snapshot.LevelDistinguished:
		return "Distinguished"
	case snapshot.LevelSelect:
		return "Select Distinguished"
	case snapshot.LevelPresidents:
		return "President's Distinguished"
	case snapshot.LevelSmedley:
		return "Smedley Distinguished"
	case "":
		return "Not yet distinguished"
	}
	return l
}

func healthName(h string) string {
	switch h {
	case analytics.HealthThriving:
		return "Thriving"
	case analytics.HealthVulnerable:
		return "Vulnerable"
	case analytics.HealthIntervention:
		return "Intervention required"
	}
	return h
}

func needText(n *analytics.ClubNeed) string {
	if n == nil {
		return "–"
	}
	if n.Kind == analytics.NeedSuspended {
		return "Suspended: no level can be earned"
	}
	if n.TargetLevel == "" {
		return "At the top level"
	}
	var parts []string
	if n.NewMembersNeeded > 0 {
		parts = append(parts, plural(n.NewMembersNeeded, "new member", "new members"))
	}
	if n.OtherGoalsNeeded > 0 {
		parts = append(parts, plural(n.OtherGoalsNeeded, "more goal", "more goals"))
	}
	if n.CSPNeeded {
		parts = append(parts, "the Club Success Plan")
	}
	if len(parts) == 0 {
		return "Nothing more for " + levelName(n.TargetLevel)
	}
	return strings.Join(parts, " + ") + " for " + levelName(n.TargetLevel)
}

func gapText(g *snapshot.TierGap) string {
	if g == nil {
		return "–"
	}
	var parts []string
	if g.PaidClubsNeeded > 0 {
		parts = append(parts, plural(g.PaidClubsNeeded, "paid club", "paid clubs"))
	}
	if g.DistinguishedClubsNeeded > 0 {
		parts = append(parts, plural(g.DistinguishedClubsNeeded, "distinguished club", "distinguished clubs"))
	}
	if g.VisitsNeeded > 0 {
		parts = append(parts, plural(g.VisitsNeeded, "club visit", "club visits"))
	}
	if len(parts) == 0 {
		return levelName(g.Tier) + ": met"
	}
	return strings.Join(parts, " + ") + " for " + levelName(g.Tier)
}

// changeText words a club change for a leader: levels by their names, goals
// met or no longer met; other changes as kind, from and to.
func changeText(c analytics.ClubChange) string {
	switch c.Change {
	case analytics.ChangeLevelGained:
		if c.From == "" {
			return "became " + levelName(c.To)
		}
		return "moved up from " + levelName(c.From) + " to " + levelName(c.To)
	case analytics.ChangeLevelLost:
		if c.To == "" {
			return "no longer " + levelName(c.From)
		}
		return "moved down from " + levelName(c.From) + " to " + levelName(c.To)
	case analytics.ChangeGoalGained:
		return "met " + c.To
	case analytics.ChangeGoalLost:
		return "no longer meets " + c.From
	}
	switch {
	case c.From != "" && c.To != "":
		return c.Change + ": " + c.From + " → " + c.To
	case c.To != "":
		return c.Change + ": " + c.To
	case c.From != "":
		return c.Change + " (was " + c.From + ")"
	}
	return c.Change
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func queryWith(base string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func intOrDash(p *int) string {
	if p == nil {
		return "–"
	}
	return strconv.Itoa(*p)
}

// criterionView is a district tier criterion in words.
type criterionView struct {
	Label, Need, Now, Gap string
}

// criterionText words a criterion: growth and share criteria are measured
// in percent, net clubs in clubs; the gap is the count still missing.
func criterionText(c analytics.Criterion) criterionView {
	v := criterionView{Label: c.Name}
	percent := true
	switch c.Name {
	case "paymentGrowth":
		v.Label = "Payment growth"
	case "clubGrowth":
		v.Label = "Paid-club growth"
	case "distinguishedClubs":
		v.Label = "Share of distinguished clubs"
	case "netClubs":
		v.Label, percent = "Net paid clubs", false
	}
	unit := ""
	if percent {
		unit = "%"
	}
	v.Need = "≥ " + signed(c.Threshold, !percent) + unit
	v.Now = "unknown"
	if c.Known {
		v.Now = signed(c.Actual, !percent) + unit
	}
	switch {
	case !c.Known:
		v.Gap = c.Reason
	case c.Met:
		v.Gap = "met"
	default:
		v.Gap = plural(c.Needed, unitOne(c.Unit), c.Unit)
	}
	return v
}

// unitOne is the singular of a criterion's unit ("paid clubs" → "paid
// club"), for a gap of exactly one.
func unitOne(unit string) string {
	switch unit {
	case "payments", "paid clubs", "distinguished clubs":
		return strings.TrimSuffix(unit, "s")
	}
	return unit
}

func signed(v float64, plus bool) string {
	s := fmtNum(v)
	if plus && v > 0 {
		s = "+" + s
	}
	return s
}
