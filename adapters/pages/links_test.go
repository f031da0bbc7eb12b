package pages

import (
	"bytes"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
)

var (
	hrefRE   = regexp.MustCompile(`(?:href|action)="([^"]*)"`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="date" value="([^"]*)">`)
	formRE   = regexp.MustCompile(`(?s)<form .*?</form>`)
)

// linkPages are one page of every kind, drawn from snapshot 2025-10-01
// chosen with ?date=, with filters and a sort set.
func linkPages() map[string]any {
	f := func(title string, crumbs ...Link) Frame {
		return NewFrame("2025-10-01", snapshot.Metadata{}, true, title, crumbs, true, Link{Label: "j", Href: "/api/districts/61/clubs"})
	}
	club := analytics.ClubTrend{ClubID: "00001234", ClubName: "Speakers", DivisionID: "A", AreaID: "01", ClubStatus: "Active"}
	rows := []ClubRow{{ClubTrend: club}}
	unit := analytics.UnitStanding{DivisionID: "A", AreaID: "01"}
	div := &analytics.DivisionStanding{UnitStanding: analytics.UnitStanding{DivisionID: "A"}, Areas: []analytics.UnitStanding{unit}}
	crumbs := districtCrumbs("61")
	return map[string]any{
		"home": &HomePage{Frame: f("District rankings"), Rows: []HomeRow{{DistrictRanking: snapshot.DistrictRanking{DistrictID: "61", Region: "01", OverallRank: 1}, HasPage: true}},
			Regions: []string{"01"}, Region: "01", Sort: "payments"},
		"district": &DistrictPage{Frame: f("District 61"), DistrictID: "61",
			Changes:  []Change{{Label: "x", Report: &analytics.DailyReport{ClubChanges: []analytics.ClubChange{{ClubID: "00001234", ClubName: "Speakers", Change: "joined"}}}}},
			Standing: &analytics.StandingReport{Divisions: []analytics.DivisionStanding{*div}}},
		"clubs":    &ClubsPage{Frame: f("Clubs", crumbs...), DistrictID: "61", Clubs: rows, Division: "A", Area: "A:01", Health: "", Sort: "members"},
		"club":     &ClubPage{Frame: f("Speakers", crumbs...), DistrictID: "61", Club: &club},
		"division": &DivisionPage{Frame: f("Division A", crumbs...), DistrictID: "61", Division: div, Clubs: rows, Sort: "goals"},
		"area":     &AreaPage{Frame: f("Area 01", crumbs...), DistrictID: "61", Area: &unit, Clubs: rows, Sort: "level"},
	}
}

// TestPageLinksKeepDate: a leader page of a past snapshot (?date=) keeps
// that date on every link and form that leads to another page or to
// another sort, so a director reading October's standing does not land on
// today's numbers by clicking a club, a crumb or a column.
func TestPageLinksKeepDate(t *testing.T) {
	for name, pg := range linkPages() {
		var buf bytes.Buffer
		if err := Render(&buf, pg); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body := buf.String()
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			href := html.UnescapeString(m[1])
			if href == "data:," || href == "#main" {
				continue
			}
			u, err := url.Parse(href)
			if err != nil {
				t.Errorf("%s: bad href %q", name, href)
				continue
			}
			if strings.HasPrefix(m[0], "action=") {
				continue // forms: checked below
			}
			if got := u.Query().Get("date"); got != "2025-10-01" {
				t.Errorf("%s: link %q does not carry date=2025-10-01", name, href)
			}
		}
		for _, form := range formRE.FindAllString(body, -1) {
			if h := hiddenRE.FindStringSubmatch(form); h == nil || h[1] != "2025-10-01" {
				t.Errorf("%s: form does not send date=2025-10-01: %s", name, form)
			}
		}
	}
}

// TestCSVLinkKeepsFilters: "Download this table as CSV" downloads the table
// as shown: the page's filters and sort ride along with the date, the same
// query the sort links keep (url.Values.Encode orders keys).
func TestCSVLinkKeepsFilters(t *testing.T) {
	pgs := linkPages()
	for name, want := range map[string]string{
		"home":     "?date=2025-10-01&format=csv&region=01&sort=payments",
		"clubs":    "?area=A%3A01&date=2025-10-01&division=A&format=csv&sort=members",
		"division": "?date=2025-10-01&format=csv&sort=goals",
		"area":     "?date=2025-10-01&format=csv&sort=level",
		"club":     "?date=2025-10-01&format=csv",
	} {
		var buf bytes.Buffer
		if err := Render(&buf, pgs[name]); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), `<a href="`+html.EscapeString(want)+`" download>`) {
			t.Errorf("%s: no CSV link %q in %s", name, want, regexp.MustCompile(`<a href="[^"]*" download>`).FindString(buf.String()))
		}
	}
	// The clubs page's sort links keep the same filters and date.
	var buf bytes.Buffer
	if err := Render(&buf, pgs["clubs"]); err != nil {
		t.Fatal(err)
	}
	if want := html.EscapeString("?area=A%3A01&date=2025-10-01&division=A&sort=goals"); !strings.Contains(buf.String(), `<a href="`+want+`">Goals</a>`) {
		t.Errorf("clubs: no Goals sort link %q", want)
	}
}

// TestAsOfPermalinkKeepsFilters: the "data as of" line's snapshot link
// pins the page to its snapshot as shown: the page's filters and sort ride
// along with date= (the same query the CSV download and the sort links
// keep), also on a page of the current snapshot, which has no ?date= of
// its own.
func TestAsOfPermalinkKeepsFilters(t *testing.T) {
	asofRE := regexp.MustCompile(`<p class="asof">[^\n]*? snapshot <a href="([^"]*)">2025-10-01</a>`)
	want := map[string]string{
		"home":     "?date=2025-10-01&region=01&sort=payments",
		"clubs":    "?area=A%3A01&date=2025-10-01&division=A&sort=members",
		"division": "?date=2025-10-01&sort=goals",
		"area":     "?date=2025-10-01&sort=level",
		"club":     "?date=2025-10-01",
		"district": "?date=2025-10-01",
	}
	for _, byDate := range []bool{true, false} {
		for name, pg := range linkPages() {
			if !byDate {
				frameOf(pg).Date = "" // the current snapshot, asked for without ?date=
			}
			var buf bytes.Buffer
			if err := Render(&buf, pg); err != nil {
				t.Fatal(err)
			}
			m := asofRE.FindStringSubmatch(buf.String())
			if m == nil {
				t.Errorf("%s (by date %v): no data-as-of link in %s", name, byDate, regexp.MustCompile(`<p class="asof">.*`).FindString(buf.String()))
				continue
			}
			if got := html.UnescapeString(m[1]); got != want[name] {
				t.Errorf("%s (by date %v): data-as-of link %q, want %q", name, byDate, got, want[name])
			}
		}
	}
}

// frameOf is the Frame of one of linkPages' pages.
func frameOf(pg any) *Frame {
	switch p := pg.(type) {
	case *HomePage:
		return &p.Frame
	case *DistrictPage:
		return &p.Frame
	case *ClubsPage:
		return &p.Frame
	case *ClubPage:
		return &p.Frame
	case *DivisionPage:
		return &p.Frame
	case *AreaPage:
		return &p.Frame
	}
	panic("not a page")
}
