package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/scrape"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/snapshot"
)

// pagesOut is where the browser tests write their screenshots (git-ignored).
var pagesOut = filepath.Join("testdata", "pages-out")

// launchChromium starts the Debian chromium (never a downloaded one) or
// skips; TOASTSTATS_REQUIRE_BROWSER=1 turns the skip into a failure.
func launchChromium(t *testing.T) *rod.Browser {
	t.Helper()
	bin, err := scrape.FindBrowser("")
	if err != nil {
		if os.Getenv("TOASTSTATS_REQUIRE_BROWSER") == "1" {
			t.Fatalf("TOASTSTATS_REQUIRE_BROWSER=1 but no browser: %v", err)
		}
		t.Skipf("skipping browser test: %v (set TOASTSTATS_BROWSER or install chromium)", err)
	}
	l := launcher.New().Bin(bin).Headless(true).NoSandbox(os.Geteuid() == 0).
		Set("disable-background-networking").Set("disable-component-update").Set("no-first-run").Set("disable-gpu")
	u, err := l.Launch()
	if err != nil {
		t.Fatalf("launch %s: %v", bin, err)
	}
	b := rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		l.Kill()
		t.Fatalf("connect to %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = b.Close()
		l.Kill()
		l.Cleanup()
	})
	return b
}

// pageProblems records console errors, uncaught exceptions, dialogs and
// failed requests of one tab.
type pageProblems struct {
	jsOff bool
	mu    sync.Mutex
	list  []string
}

func (pp *pageProblems) add(format string, args ...any) {
	pp.mu.Lock()
	pp.list = append(pp.list, fmt.Sprintf(format, args...))
	pp.mu.Unlock()
}

func (pp *pageProblems) take() []string {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	out := pp.list
	pp.list = nil
	return out
}

// watchedTab opens a tab that records every problem of the pages it loads.
func watchedTab(t *testing.T, b *rod.Browser, jsOff bool) (*rod.Page, *pageProblems) {
	t.Helper()
	page, err := b.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		t.Fatal(err)
	}
	pp := &pageProblems{jsOff: jsOff}
	for _, req := range []proto.Request{proto.RuntimeEnable{}, proto.NetworkEnable{}, proto.LogEnable{}} {
		if err := req.(interface{ Call(proto.Client) error }).Call(page); err != nil {
			t.Fatal(err)
		}
	}
	if jsOff {
		if err := (proto.EmulationSetScriptExecutionDisabled{Value: true}).Call(page); err != nil {
			t.Fatal(err)
		}
	}
	go page.EachEvent(
		func(e *proto.RuntimeConsoleAPICalled) {
			if e.Type == proto.RuntimeConsoleAPICalledTypeError || e.Type == proto.RuntimeConsoleAPICalledTypeWarning {
				pp.add("console %s", e.Type)
			}
		},
		func(e *proto.RuntimeExceptionThrown) { pp.add("exception: %s", e.ExceptionDetails.Text) },
		func(e *proto.LogEntryAdded) {
			if e.Entry.Level == proto.LogLogEntryLevelError {
				pp.add("log error: %s %s", e.Entry.Text, e.Entry.URL)
			}
		},
		func(e *proto.NetworkLoadingFailed) { pp.add("request failed: %s", e.ErrorText) },
		func(e *proto.NetworkResponseReceived) {
			if e.Response.Status >= 400 {
				pp.add("HTTP %d for %s", e.Response.Status, e.Response.URL)
			}
		},
		func(e *proto.PageJavascriptDialogOpening) {
			pp.add("dialog opened: %q", e.Message)
			_ = proto.PageHandleJavaScriptDialog{Accept: false}.Call(page)
		},
	)()
	t.Cleanup(func() { _ = page.Close() })
	return page, pp
}

func visit(t *testing.T, page *rod.Page, pp *pageProblems, u string) {
	t.Helper()
	p := page.Timeout(60 * time.Second)
	if err := p.Navigate(u); err != nil {
		t.Fatalf("navigate %s: %v", u, err)
	}
	if err := p.WaitLoad(); err != nil {
		t.Fatalf("load %s: %v", u, err)
	}
	if !pp.jsOff { // requestIdleCallback needs JavaScript
		if err := p.WaitIdle(5 * time.Second); err != nil {
			t.Logf("idle %s: %v", u, err)
		}
	}
	if probs := pp.take(); len(probs) > 0 {
		t.Errorf("%s: %v", u, probs)
	}
}

// field reads the text of the element matching selector.
func field(t *testing.T, page *rod.Page, selector string) string {
	t.Helper()
	el, err := page.Timeout(10 * time.Second).Element(selector)
	if err != nil {
		t.Fatalf("%s: %v", selector, err)
	}
	txt, err := el.Text()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(txt)
}

// firstInt is the first whole number of s ("42 of base 40" → 42).
func firstInt(t *testing.T, s string) int {
	t.Helper()
	f := strings.Fields(s)
	if len(f) == 0 {
		t.Fatalf("no number in %q", s)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil {
		t.Fatalf("no number in %q: %v", s, err)
	}
	return n
}

func apiGet(t *testing.T, u string, out any) { t.Helper(); apiGetAs(t, u, "", out) }

// apiGetAs is apiGet with a bearer token (admin routes).
func apiGetAs(t *testing.T, u, token string, out any) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

func screenshot(t *testing.T, page *rod.Page, name string, fullPage bool) {
	t.Helper()
	png, err := page.Screenshot(fullPage, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(pagesOut, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pagesOut, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLeaderPagesInChromium loads every kind of leader page in Chromium at
// desktop and phone widths over a generated world with hostile club names:
// no console error, no failed request, the numbers equal the API's, the
// names are shown literally, and the pages work with JavaScript off.
func TestLeaderPagesInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a world and drives Chromium")
	}
	b := launchChromium(t)
	st, _ := worldStore(t, dashboardtest.Config{Districts: 3, ClubsPerDistrict: 14, Seed: 7, From: "2026-02-20", To: "2026-04-12", HostileNames: true})
	const token = "pages-test"
	srv := NewServer(Config{AdminToken: token}, Deps{Store: st})
	t.Cleanup(srv.Close)
	base := newLoopbackServer(t, srv).URL

	var rankings apitypes.Rankings
	apiGet(t, base+"/api/districts/rankings", &rankings)
	if len(rankings.Rankings) < 3 {
		t.Fatalf("rankings: %d rows", len(rankings.Rankings))
	}
	const d = "61"
	var clubs struct {
		Data struct {
			Clubs []snapshot.Club `json:"clubs"`
		} `json:"data"`
	}
	apiGet(t, base+"/api/districts/"+d+"/clubs", &clubs)
	var an struct {
		Data struct {
			DivisionRecognition struct {
				Divisions []struct {
					DivisionID         string `json:"divisionId"`
					PaidClubs          int    `json:"paidClubs"`
					DistinguishedClubs int    `json:"distinguishedClubs"`
					Areas              []struct {
						AreaID             string `json:"areaId"`
						PaidClubs          int    `json:"paidClubs"`
						DistinguishedClubs int    `json:"distinguishedClubs"`
					} `json:"areas"`
				} `json:"divisions"`
			} `json:"divisionRecognition"`
		} `json:"data"`
	}
	apiGet(t, base+"/api/districts/"+d+"/analytics", &an)
	divs := an.Data.DivisionRecognition.Divisions
	if len(divs) == 0 || len(divs[0].Areas) == 0 || len(clubs.Data.Clubs) < 2 {
		t.Fatalf("world too small: %d divisions, %d clubs", len(divs), len(clubs.Data.Clubs))
	}
	div, area := divs[0], divs[0].Areas[0]
	club := clubs.Data.Clubs[0] // hostile: every third generated club is
	pagesToVisit := map[string]string{
		"home":     "/",
		"district": "/districts/" + d,
		"clubs":    "/districts/" + d + "/clubs",
		"club":     "/districts/" + d + "/clubs/" + club.ClubID,
		"division": "/districts/" + d + "/divisions/" + div.DivisionID,
		"area":     "/districts/" + d + "/divisions/" + div.DivisionID + "/areas/" + area.AreaID,
	}
	desktop := &proto.EmulationSetDeviceMetricsOverride{Width: 1280, Height: 900, DeviceScaleFactor: 1}
	phone := &proto.EmulationSetDeviceMetricsOverride{Width: 390, Height: 844, DeviceScaleFactor: 2, Mobile: true}
	page, pp := watchedTab(t, b, false)
	for name, path := range pagesToVisit {
		for _, vp := range []struct {
			name string
			m    *proto.EmulationSetDeviceMetricsOverride
		}{{"desktop", desktop}, {"phone", phone}} {
			if err := page.SetViewport(vp.m); err != nil {
				t.Fatal(err)
			}
			visit(t, page, pp, base+path)
			screenshot(t, page, name+"-"+vp.name, true)
			if vp.name == "phone" {
				screenshot(t, page, name+"-phone-first-screen", false)
			}
		}
		// No markup from the data ever runs or renders: the pages carry no
		// script element at all.
		if n := len(page.MustElements("script")); n != 0 {
			t.Errorf("%s: %d script elements", path, n)
		}
	}

	// Keyboard: the first Tab reaches the skip link; printing the district
	// page (print media) drops the forms and keeps the charts.
	visit(t, page, pp, base+"/districts/"+d)
	pressKey(t, page, "Tab", 9)
	if got := page.MustEval(`() => document.activeElement.className`).String(); got != "skip" {
		t.Errorf("first Tab focuses %q, want the skip link", got)
	}
	if err := (proto.EmulationSetEmulatedMedia{Media: "print"}).Call(page); err != nil {
		t.Fatal(err)
	}
	if got := page.MustEval(`() => getComputedStyle(document.querySelector("form.search")).display`).String(); got != "none" {
		t.Errorf("print: the search form is %q, want hidden", got)
	}
	screenshot(t, page, "district-print", true)
	if err := (proto.EmulationSetEmulatedMedia{Media: ""}).Call(page); err != nil {
		t.Fatal(err)
	}
	// The number checks read the desktop layout (the phone layout hides
	// some ranking columns).
	if err := page.SetViewport(desktop); err != nil {
		t.Fatal(err)
	}
	// Home: every district's rank, score, paid clubs and payments equal the API's.
	visit(t, page, pp, base+"/")
	for _, r := range rankings.Rankings {
		row := `tr[data-district="` + r.DistrictID + `"] `
		for sel, want := range map[string]int{"overallRank": r.OverallRank, "aggregateScore": r.AggregateScore, "paidClubs": r.PaidClubs, "totalPayments": r.TotalPayments, "regionRank": r.RegionRank} {
			if got := firstInt(t, field(t, page, row+`[data-field="`+sel+`"]`)); got != want {
				t.Errorf("home, district %s %s = %d, API %d", r.DistrictID, sel, got, want)
			}
		}
	}

	// District: rank and summary numbers equal the rankings row; the tier
	// gaps equal the assessment report's recognition (an admin route).
	visit(t, page, pp, base+"/districts/"+d)
	var row snapshot.DistrictRanking
	for _, r := range rankings.Rankings {
		if r.DistrictID == d {
			row = r
		}
	}
	if got := firstInt(t, field(t, page, `[data-field="overallRank"]`)); got != row.OverallRank {
		t.Errorf("district overall rank %d, API %d", got, row.OverallRank)
	}
	if got := firstInt(t, field(t, page, `[data-field="paidClubs"]`)); got != row.PaidClubs {
		t.Errorf("district paid clubs %d, API %d", got, row.PaidClubs)
	}
	if got := firstInt(t, field(t, page, `[data-field="payments"]`)); got != row.TotalPayments {
		t.Errorf("district payments %d, API %d", got, row.TotalPayments)
	}
	var rep struct {
		Data struct {
			SnapshotID  string `json:"snapshotId"`
			Recognition struct {
				Tiers []struct {
					Tier     string `json:"tier"`
					Criteria []struct {
						Name   string `json:"name"`
						Known  bool   `json:"known"`
						Met    bool   `json:"met"`
						Needed int    `json:"needed"`
					} `json:"criteria"`
				} `json:"tiers"`
			} `json:"recognition"`
		} `json:"data"`
	}
	apiGetAs(t, base+"/api/assessment/reports/"+d+"/"+rankings.Meta.SnapshotID[:7], token, &rep)
	if rep.Data.SnapshotID != rankings.Meta.SnapshotID {
		t.Fatalf("assessment report from %s, page from %s", rep.Data.SnapshotID, rankings.Meta.SnapshotID)
	}
	checked := 0
	for _, tier := range rep.Data.Recognition.Tiers {
		for _, c := range tier.Criteria {
			if !c.Known {
				continue
			}
			sel := `#district-tiers tr[data-tier="` + tier.Tier + `"][data-criterion="` + c.Name + `"] [data-field="needed"]`
			got := field(t, page, sel)
			if c.Met && !strings.HasSuffix(got, "met") || !c.Met && firstInt(t, got) != c.Needed {
				t.Errorf("tier %s, %s: page says %q still missing, API met=%v needed=%d", tier.Tier, c.Name, got, c.Met, c.Needed)
			}
			checked++
		}
	}
	if checked < 4 {
		t.Errorf("only %d tier criteria checked", checked)
	}
	// Division and area standing rows equal the analytics' divisionRecognition.
	for _, dv := range divs {
		sel := `tr[data-unit="` + dv.DivisionID + `"] td`
		cells := page.MustElements(sel)
		if got := firstInt(t, cells[1].MustText()); got != dv.PaidClubs {
			t.Errorf("division %s paid clubs %d, API %d", dv.DivisionID, got, dv.PaidClubs)
		}
		if got := firstInt(t, cells[2].MustText()); got != dv.DistinguishedClubs {
			t.Errorf("division %s distinguished %d, API %d", dv.DivisionID, got, dv.DistinguishedClubs)
		}
	}

	// Clubs: every club's members and net growth equal the API's, and its
	// name is shown literally, whatever characters it has.
	visit(t, page, pp, base+"/districts/"+d+"/clubs")
	hostile := 0
	for _, c := range clubs.Data.Clubs {
		row := `tr[data-club="` + c.ClubID + `"] `
		if got := firstInt(t, field(t, page, row+`[data-field="members"]`)); got != c.ActiveMembers {
			t.Errorf("club %s members %d, API %d", c.ClubID, got, c.ActiveMembers)
		}
		if got := firstInt(t, field(t, page, row+`[data-field="growth"]`)); got != c.NetGrowth {
			t.Errorf("club %s net growth %d, API %d", c.ClubID, got, c.NetGrowth)
		}
		if got := field(t, page, row+`th a`); got != strings.TrimSpace(c.ClubName) {
			t.Errorf("club %s name shown as %q, API %q", c.ClubID, got, c.ClubName)
		}
		if strings.ContainsAny(c.ClubName, `<>&"'`) || strings.ContainsFunc(c.ClubName, func(r rune) bool { return r > 0x400 }) {
			hostile++
		}
	}
	if hostile < 3 {
		t.Errorf("only %d hostile club names in the world", hostile)
	}
	// Goals of a few clubs equal /needs.
	for _, c := range clubs.Data.Clubs[:3] {
		var need struct {
			Data struct {
				GoalsMet int `json:"goalsMet"`
			} `json:"data"`
		}
		apiGet(t, base+"/api/districts/"+d+"/clubs/"+c.ClubID+"/needs", &need)
		if got := firstInt(t, field(t, page, `tr[data-club="`+c.ClubID+`"] [data-field="goals"]`)); got != need.Data.GoalsMet {
			t.Errorf("club %s goals %d, API %d", c.ClubID, got, need.Data.GoalsMet)
		}
	}
	// The club page's title is the name, literally.
	visit(t, page, pp, base+"/districts/"+d+"/clubs/"+club.ClubID)
	if got := field(t, page, "h1"); got != strings.TrimSpace(club.ClubName) {
		t.Errorf("club page heading %q, API %q", got, club.ClubName)
	}
	if got := firstInt(t, field(t, page, `[data-field="members"]`)); got != club.ActiveMembers {
		t.Errorf("club page members %d, API %d", got, club.ActiveMembers)
	}
	// Area page: its numbers equal the analytics'.
	visit(t, page, pp, base+pagesToVisit["area"])
	if got := firstInt(t, field(t, page, `[data-field="paidClubs"]`)); got != area.PaidClubs {
		t.Errorf("area paid clubs %d, API %d", got, area.PaidClubs)
	}
	if got := firstInt(t, field(t, page, `[data-field="distinguishedClubs"]`)); got != area.DistinguishedClubs {
		t.Errorf("area distinguished clubs %d, API %d", got, area.DistinguishedClubs)
	}

	// With JavaScript off: the filter form, the sort links and the search
	// box all work (plain HTML forms and links). The tab is driven through
	// the DOM and Input protocol domains only, as a person would: keys and
	// clicks.
	off, offp := watchedTab(t, b, true)
	visit(t, off, offp, base+"/districts/"+d+"/clubs")
	if n := len(domQuery(t, off, "tr[data-club]")); n != len(clubs.Data.Clubs) {
		t.Errorf("JS off: %d club rows, want %d", n, len(clubs.Data.Clubs))
	}
	// Choose the first division with the keyboard, then click Filter.
	domFocus(t, off, "#f-division")
	pressKey(t, off, "ArrowDown", 40)
	domClick(t, off, `form.filters button[type="submit"]`)
	u := waitURL(t, off, func(u *url.URL) bool { return u.Query().Get("division") != "" })
	got := u.Query().Get("division")
	rows := domQuery(t, off, "tr[data-club]")
	if len(rows) == 0 || len(rows) >= len(clubs.Data.Clubs) && len(divs) > 1 {
		t.Errorf("JS off: filter by division %s left %d of %d rows", got, len(rows), len(clubs.Data.Clubs))
	}
	want := 0
	for _, c := range clubs.Data.Clubs {
		if c.DivisionID == got {
			want++
		}
	}
	if len(rows) != want {
		t.Errorf("JS off: division %s shows %d clubs, API has %d", got, len(rows), want)
	}
	// A sort link.
	domClick(t, off, `.sorts a[href*="sort=members"]`)
	waitURL(t, off, func(u *url.URL) bool { return u.Query().Get("sort") == "members" })
	// The search box: type the district and press Enter.
	visit(t, off, offp, base+"/")
	domFocus(t, off, "#district-search")
	if err := (proto.InputInsertText{Text: d}).Call(off); err != nil {
		t.Fatal(err)
	}
	pressKey(t, off, "Enter", 13)
	waitURL(t, off, func(u *url.URL) bool { return strings.HasSuffix(u.Path, "/districts/"+d) })
	if probs := offp.take(); len(probs) > 0 {
		t.Errorf("JS off: %v", probs)
	}
	screenshot(t, off, "district-js-off", true)
	t.Logf("screenshots in %s", pagesOut)
}

// domQuery finds nodes with the DOM domain (no page JavaScript involved).
func domQuery(t *testing.T, page *rod.Page, selector string) []proto.DOMNodeID {
	t.Helper()
	ids, err := tryDOMQuery(page, selector)
	if err != nil {
		t.Fatalf("%s: %v", selector, err)
	}
	return ids
}

// tryDOMQuery is domQuery returning its error: while a navigation replaces
// the document, the node DOMGetDocument returned can be gone by the time
// the query runs ("Could not find node with given id").
func tryDOMQuery(page *rod.Page, selector string) ([]proto.DOMNodeID, error) {
	depth := -1
	doc, err := proto.DOMGetDocument{Depth: &depth}.Call(page)
	if err != nil {
		return nil, err
	}
	res, err := proto.DOMQuerySelectorAll{NodeID: doc.Root.NodeID, Selector: selector}.Call(page)
	if err != nil {
		return nil, err
	}
	return res.NodeIDs, nil
}

func domOne(t *testing.T, page *rod.Page, selector string) proto.DOMNodeID {
	t.Helper()
	ids := domQuery(t, page, selector)
	if len(ids) == 0 {
		t.Fatalf("no %s on the page", selector)
	}
	return ids[0]
}

func domFocus(t *testing.T, page *rod.Page, selector string) {
	t.Helper()
	if err := (proto.DOMFocus{NodeID: domOne(t, page, selector)}).Call(page); err != nil {
		t.Fatalf("focus %s: %v", selector, err)
	}
}

// domClick clicks the middle of the element with the mouse.
func domClick(t *testing.T, page *rod.Page, selector string) {
	t.Helper()
	id := domOne(t, page, selector)
	_ = proto.DOMScrollIntoViewIfNeeded{NodeID: id}.Call(page)
	box, err := proto.DOMGetBoxModel{NodeID: id}.Call(page)
	if err != nil {
		t.Fatalf("box of %s: %v", selector, err)
	}
	q := box.Model.Content
	x, y := (q[0]+q[2]+q[4]+q[6])/4, (q[1]+q[3]+q[5]+q[7])/4
	for _, typ := range []proto.InputDispatchMouseEventType{proto.InputDispatchMouseEventTypeMousePressed, proto.InputDispatchMouseEventTypeMouseReleased} {
		if err := (proto.InputDispatchMouseEvent{Type: typ, X: x, Y: y, Button: proto.InputMouseButtonLeft, ClickCount: 1}).Call(page); err != nil {
			t.Fatalf("click %s: %v", selector, err)
		}
	}
}

func pressKey(t *testing.T, page *rod.Page, key string, code int) {
	t.Helper()
	for _, typ := range []proto.InputDispatchKeyEventType{proto.InputDispatchKeyEventTypeRawKeyDown, proto.InputDispatchKeyEventTypeKeyUp} {
		ev := proto.InputDispatchKeyEvent{Type: typ, Key: key, Code: key, WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code}
		if key == "Enter" && typ == proto.InputDispatchKeyEventTypeRawKeyDown {
			ev.Type, ev.Text = proto.InputDispatchKeyEventTypeKeyDown, "\r"
		}
		if err := ev.Call(page); err != nil {
			t.Fatalf("key %s: %v", key, err)
		}
	}
}

// waitURL waits (up to 30 s) until the tab's URL satisfies ok and its
// document has loaded.
func waitURL(t *testing.T, page *rod.Page, ok func(*url.URL) bool) *url.URL {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h, err := proto.PageGetNavigationHistory{}.Call(page)
		if err == nil && len(h.Entries) > 0 {
			if u, err := url.Parse(h.Entries[h.CurrentIndex].URL); err == nil && ok(u) {
				// The page has loaded to its end; a query that raced the
				// navigation is asked again.
				if ids, err := tryDOMQuery(page, "footer.site"); err == nil && len(ids) > 0 {
					return u
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the tab never reached the expected page (history %+v)", h)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
