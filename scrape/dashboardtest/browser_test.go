package dashboardtest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"

	"github.com/toaststats/toaststats/normalize"
)

// browserBin finds Chromium (TOASTSTATS_BROWSER, else /usr/bin/chromium).
// Without one the test skips, unless TOASTSTATS_REQUIRE_BROWSER=1.
func browserBin(t *testing.T) string {
	t.Helper()
	p := os.Getenv("TOASTSTATS_BROWSER")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(p); err != nil {
		if os.Getenv("TOASTSTATS_REQUIRE_BROWSER") == "1" {
			t.Fatalf("no browser at %s and TOASTSTATS_REQUIRE_BROWSER=1: %v", p, err)
		}
		t.Skipf("no browser at %s (set TOASTSTATS_BROWSER, or install chromium): %v", p, err)
	}
	return p
}

// launch starts a headless Chromium; it is closed when the test ends.
func launch(t *testing.T, ctx context.Context) *rod.Browser {
	t.Helper()
	l := launcher.New().Bin(browserBin(t)).Headless(true).
		Set("disable-background-networking").Set("disable-component-update").Set("disable-sync").
		Set("no-first-run").Set("disable-gpu").UserDataDir(t.TempDir()).Context(ctx)
	if os.Geteuid() == 0 {
		l = l.NoSandbox(true)
	}
	u, err := l.Launch()
	if err != nil {
		t.Fatalf("launch chromium: %v", err)
	}
	b := rod.New().ControlURL(u).Context(ctx)
	if err := b.Connect(); err != nil {
		l.Cleanup()
		t.Fatalf("connect to chromium: %v", err)
	}
	t.Cleanup(func() {
		_ = b.Close()
		l.Cleanup()
	})
	return b
}

// TestBrowserExport drives the District page in real Chromium like the
// real scraper: navigate with the as-of dropdown, read back the selected
// date, pick CSV in the export dropdown, and catch the popup's download.
func TestBrowserExport(t *testing.T) {
	browserBin(t) // skip before starting anything
	w := testWorld()
	s := NewServer(w)
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	browser := launch(t, ctx)

	dir := t.TempDir()
	if err := (proto.BrowserSetDownloadBehavior{Behavior: proto.BrowserSetDownloadBehaviorBehaviorAllowAndName,
		DownloadPath: dir, EventsEnabled: true}).Call(browser); err != nil {
		t.Fatalf("download behaviour: %v", err)
	}

	aug := monthDates(w, "2025-08")
	page, err := browser.Page(proto.TargetCreateTarget{URL: s.URL + "/District.aspx?id=61&month=8"})
	if err != nil {
		t.Fatal(err)
	}
	if err := page.WaitLoad(); err != nil {
		t.Fatal(err)
	}
	// Default: the month's newest (closing) date is selected.
	asOf, err := page.Element(`select[id$="_ddlAsOf"]`)
	if err != nil {
		t.Fatal(err)
	}
	txt, err := asOf.Eval(`() => this.options[this.selectedIndex].text`)
	if err != nil {
		t.Fatal(err)
	}
	closeT, _ := parseISO(aug[len(aug)-1])
	if got := txt.Value.String(); got != "As of "+closeT.Format(asOfOption) {
		t.Errorf("default as-of %q", got)
	}

	// Navigate to another date with the dropdown (JS navigation).
	want := aug[4]
	wantT, _ := parseISO(want)
	nav := page.WaitNavigation(proto.PageLifecycleEventNameLoad)
	if err := asOf.Select([]string{"As of " + wantT.Format(asOfOption)}, true, rod.SelectorTypeText); err != nil {
		t.Fatalf("select as-of: %v", err)
	}
	nav()
	info, err := page.Info()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(info.URL, "day="+wantT.Format(unpadded)) || !strings.Contains(info.URL, "month=8") || !strings.Contains(info.URL, "id=61") {
		t.Errorf("navigated to %s", info.URL)
	}

	wantURI := "/export.aspx?type=CSV&report=districtperformance~61~8/31/2025~" + wantT.Format(unpadded) + "~2025-2026"
	b := exportCSV(t, ctx, browser, page, s, dir, wantURI)
	if wantB := worldCSV(t, w, normalize.ReportDistrict, "61", want); !bytes.Equal(b, wantB) {
		t.Errorf("downloaded %d bytes, footer %q; want footer %q", len(b), lastLine(b), lastLine(wantB))
	}

	// An archived year's page exports through /{PY}/export.aspx.
	june := monthDates(w, "2025-06")
	juneClose, _ := parseISO(june[len(june)-1])
	page2, err := browser.Page(proto.TargetCreateTarget{URL: s.URL + "/2024-2025/club.aspx?id=61&month=6"})
	if err != nil {
		t.Fatal(err)
	}
	if err := page2.WaitLoad(); err != nil {
		t.Fatal(err)
	}
	b = exportCSV(t, ctx, browser, page2, s, dir, "/2024-2025/export.aspx?type=CSV&report=clubperformance~61~6/30/2025~"+juneClose.Format(unpadded)+"~2024-2025")
	if wantB := worldCSV(t, w, normalize.ReportClub, "61", june[len(june)-1]); !bytes.Equal(b, wantB) {
		t.Errorf("archived download: footer %q; want %q", lastLine(b), lastLine(wantB))
	}

	// The summary page (TopControls2) at the root.
	page3, err := browser.Page(proto.TargetCreateTarget{URL: s.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if err := page3.WaitLoad(); err != nil {
		t.Fatal(err)
	}
	newest, _ := parseISO(w.Newest())
	b = exportCSV(t, ctx, browser, page3, s, dir, "/export.aspx?type=CSV&report=districtsummary~9/30/2025~"+newest.Format(unpadded)+"~2025-2026")
	if wantB := worldCSV(t, w, normalize.ReportSummary, "", w.Newest()); !bytes.Equal(b, wantB) {
		t.Errorf("summary download: footer %q; want %q", lastLine(b), lastLine(wantB))
	}
}

// exportCSV picks CSV in the page's export dropdown, waits for the popup's
// download through browser-level events, checks the server saw wantURI and
// returns the downloaded bytes.
func exportCSV(t *testing.T, ctx context.Context, browser *rod.Browser, page *rod.Page, s *Server, dir, wantURI string) []byte {
	t.Helper()
	// Export: the download starts in a popup window.
	exportsBefore := s.ExportRequests()
	var guid string
	done := make(chan string, 1)
	wait := browser.Context(ctx).EachEvent(
		func(e *proto.BrowserDownloadWillBegin) { guid = e.GUID },
		func(e *proto.BrowserDownloadProgress) bool {
			if e.State == proto.BrowserDownloadProgressStateCompleted && (guid == "" || e.GUID == guid) {
				done <- e.GUID
				return true
			}
			return e.State == proto.BrowserDownloadProgressStateCanceled
		})
	exp, err := page.Element(`select[id$="_ddlExport"]`)
	if err != nil {
		t.Fatal(err)
	}
	if err := exp.Select([]string{"CSV"}, true, rod.SelectorTypeText); err != nil {
		t.Fatalf("select CSV: %v", err)
	}
	wait()
	var got string
	select {
	case got = <-done:
	default:
		t.Fatal("download did not complete")
	}
	if s.ExportRequests() != exportsBefore+1 {
		t.Errorf("export requests %d -> %d", exportsBefore, s.ExportRequests())
	}
	found := false
	for _, u := range s.RequestLog() {
		if u == wantURI {
			found = true
		}
	}
	if !found {
		t.Errorf("no request for %s in %v", wantURI, s.RequestLog())
	}
	b, err := os.ReadFile(filepath.Join(dir, got))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
