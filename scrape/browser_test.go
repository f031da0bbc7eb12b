package scrape

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
)

var shared struct {
	once sync.Once
	w    *dashboardtest.World
	srv  *dashboardtest.Server
	s    *Scraper
	err  error
}

// sharedBrowser is one Chromium and one small world for every browser test
// of the package (a launch can take seconds on a loaded machine). Tests using
// it must restore the server's failure mode and the scraper's options.
func sharedBrowser(t testing.TB) (*dashboardtest.World, *dashboardtest.Server, *Scraper) {
	t.Helper()
	bin := requireBrowser(t)
	shared.once.Do(func() {
		shared.w = dashboardtest.NewWorld(dashboardtest.Config{Districts: 3, ClubsPerDistrict: 8, Seed: 7})
		shared.srv = dashboardtest.NewServer(shared.w)
		shared.s, shared.err = NewScraper(context.Background(), BrowserOptions{BaseURL: shared.srv.URL, BrowserPath: bin, ExportTimeout: 10 * time.Second})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	shared.srv.SetFailure(dashboardtest.FailNone)
	return shared.w, shared.srv, shared.s
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if shared.s != nil {
		if err := shared.s.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "close scraper:", err)
			code = 1
		}
		for _, d := range []string{shared.s.userDir, shared.s.dlDir} {
			if _, err := os.Stat(d); !os.IsNotExist(err) {
				fmt.Fprintln(os.Stderr, d, "left behind after Close")
				code = 1
			}
		}
		shared.srv.Close()
	}
	if code == 0 {
		if err := checkGoroutines(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

func TestBrowserFetchDates(t *testing.T) {
	w, srv, s := sharedBrowser(t)
	id := w.Districts(w.Newest())[1]
	cases := []struct {
		name     string
		pick     func(string, string) bool
		wantPath string
	}{
		{"normal date", normalDate, "/export.aspx"},
		{"closing period", closingDate, "/export.aspx"},
		{"June close collected in July", juneCloseInJuly, "/2024-2025/export.aspx"},
		{"July of the new program year", newYearJuly, "/export.aspx"},
	}
	for _, tc := range cases {
		date := pickDate(t, w, tc.pick)
		for _, kind := range []normalize.ReportKind{normalize.ReportSummary, normalize.ReportClub} {
			t.Run(tc.name+"/"+string(kind), func(t *testing.T) {
				did := id
				if kind == normalize.ReportSummary {
					did = ""
				}
				d, err := s.Fetch(context.Background(), Request{Kind: kind, DistrictID: did, Date: date})
				if err != nil {
					t.Fatal(err)
				}
				want, err := w.CSV(kind, did, date)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(d.Data, want) {
					t.Errorf("bytes differ from the world's export (%d vs %d bytes)", len(d.Data), len(want))
				}
				if d.AsOfDate != date || d.DataMonth != w.DataMonth(date) || d.Source != SourceBrowser {
					t.Errorf("as of %s month %s source %s, want %s %s", d.AsOfDate, d.DataMonth, d.Source, date, w.DataMonth(date))
				}
				if !strings.HasPrefix(d.URL, srv.URL+tc.wantPath) {
					t.Errorf("download URL %s, want prefix %s", d.URL, tc.wantPath)
				}
			})
		}
	}
	t.Run("latest", func(t *testing.T) {
		d, err := s.Fetch(context.Background(), Request{Kind: normalize.ReportDivision, DistrictID: id})
		if err != nil {
			t.Fatal(err)
		}
		if d.AsOfDate != w.Newest() {
			t.Errorf("latest as of %s, want %s", d.AsOfDate, w.Newest())
		}
	})
	t.Run("unpublished date", func(t *testing.T) {
		_, err := s.Fetch(context.Background(), Request{Kind: normalize.ReportSummary, Date: "2025-09-20"})
		if !errors.Is(err, ErrNotPublished) {
			t.Errorf("got %v, want ErrNotPublished", err)
		}
	})
}

func TestBrowserFailureModes(t *testing.T) {
	w, srv, s := sharedBrowser(t)
	// A slow export here only has to outlast the scraper's 2 s wait (and
	// the 300 ms of "cancel"). An answer the browser does not abort keeps
	// its request open on the shared imitation for the whole delay. With
	// 20 s it outlived this test, and once in CI the next test's exports
	// (TestBrowserOrchestrator, 10 s each) timed out twice, 20.07 s in all:
	// most likely while such a request was pending. 5 s ends before any
	// later export gives up.
	srv.SetSlowDelay(5 * time.Second)
	defer srv.SetSlowDelay(30 * time.Second) // the imitation's default
	s.opts.ExportTimeout = 2 * time.Second
	defer func() { s.opts.ExportTimeout = 10 * time.Second }()
	date := pickDate(t, w, normalDate)
	id := w.Districts(date)[0]
	cases := []struct {
		fail dashboardtest.Failure
		want error
	}{
		{dashboardtest.FailRedirect, ErrRedirect},
		{dashboardtest.FailHTMLError, ErrNoDownload},
		{dashboardtest.Fail500, ErrNoDownload},
		{dashboardtest.FailEmpty, normalize.ErrNoRows},
		{dashboardtest.FailSlow, ErrNoDownload},
	}
	for _, tc := range cases {
		t.Run(tc.fail.String(), func(t *testing.T) {
			srv.SetFailure(dashboardtest.FailNone)
			srv.AddFailure(dashboardtest.FailureRule{Failure: tc.fail, District: id})
			defer srv.SetFailure(dashboardtest.FailNone)
			d, err := s.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: id, Date: date})
			if d != nil || !errors.Is(err, tc.want) {
				t.Fatalf("got %v, %v; want error %v", d, err, tc.want)
			}
			// The scraper recovers: the next export works.
			other := w.Districts(date)[1]
			if _, err := s.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: other, Date: date}); err != nil {
				t.Errorf("next export: %v", err)
			}
		})
	}
	t.Run("restatement", func(t *testing.T) {
		srv.SetFailure(dashboardtest.FailRestatement)
		defer srv.SetFailure(dashboardtest.FailNone)
		a, err := s.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: id, Date: date})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: id, Date: date})
		if err != nil {
			t.Fatal(err)
		}
		if a.Footer != b.Footer || bytes.Equal(a.Data, b.Data) {
			t.Errorf("restatement: footers %v/%v, equal bytes %v", a.Footer, b.Footer, bytes.Equal(a.Data, b.Data))
		}
	})
	t.Run("cancel", func(t *testing.T) {
		srv.SetFailure(dashboardtest.FailSlow)
		defer srv.SetFailure(dashboardtest.FailNone)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		_, err := s.Fetch(ctx, Request{Kind: normalize.ReportClub, DistrictID: id, Date: date})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}

// A download that begins late, in a popup left over from an earlier export,
// must never be taken for the current export's. Here a popup of the
// scraper's tab asks for district A's club report, which the imitation
// answers slowly; district B's export of the same report and date is still
// waiting when A's answer arrives. Taking the first download that begins
// would store A's report as B's: same header, same footer, wrong district.
// (Once in CI, such a leftover answer reached the next test's first export.)
func TestBrowserLateDownloadIsNotTaken(t *testing.T) {
	w, srv, s := sharedBrowser(t)
	date := pickDate(t, w, normalDate)
	ids := w.Districts(date)
	a, b := ids[0], ids[1]
	ctx := context.Background()
	da, err := s.Fetch(ctx, Request{Kind: normalize.ReportClub, DistrictID: a, Date: date})
	if err != nil {
		t.Fatal(err)
	}

	// Both answers come this late. A's request starts first, so it arrives
	// while B's export waits, as long as B's page loads in less than this.
	const slow = 3 * time.Second
	srv.SetSlowDelay(slow)
	defer srv.SetSlowDelay(30 * time.Second)
	defer srv.SetFailure(dashboardtest.FailNone)
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailSlow, District: a, Times: 1})
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailSlow, District: b, Times: 1})
	if _, err := s.page.Eval(`u => { window.open(u); }`, da.URL); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	d, err := s.Fetch(ctx, Request{Kind: normalize.ReportClub, DistrictID: b, Date: date})
	if err != nil {
		t.Fatalf("export of %s: %v", b, err)
	}
	want, err := w.CSV(normalize.ReportClub, b, date)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.Data, want) {
		t.Fatalf("export of %s got %d bytes, not its own report (%d bytes; equal to %s's: %v); URL %s",
			b, len(d.Data), len(want), a, bytes.Equal(d.Data, da.Data), d.URL)
	}
	if !strings.Contains(d.URL, "~"+b+"~") {
		t.Errorf("download URL %s does not name district %s", d.URL, b)
	}
	if !strings.Contains(da.URL, "~"+a+"~") {
		t.Fatalf("setup: district %s's URL %s", a, da.URL)
	}
	if el := time.Since(start); el < slow {
		t.Errorf("export of %s returned after %s, before its own slow answer (%s)", b, el, slow)
	}
	// The late download was cancelled or removed, not left in the folder.
	time.Sleep(300 * time.Millisecond)
	if left, _ := os.ReadDir(s.dlDir); len(left) != 0 {
		t.Errorf("%d file(s) left in the download folder: %v", len(left), left)
	}
	// A download that began with nobody listening is cleared by the next
	// export.
	stale := filepath.Join(s.dlDir, "stale-download")
	if err := os.WriteFile(stale, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Fetch(ctx, Request{Kind: normalize.ReportClub, DistrictID: b, Date: date}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale download still there after the next export: %v", err)
	}
}

// Chromium dying in the middle of a run (a crash, the OOM killer) is not
// the dashboard being unreachable: the scraper starts a new Chromium and the
// export succeeds. When no new one can be started, the error says the
// browser failed (ErrBrowser, which the circuit breaker does not count),
// never ErrUnavailable, which would make the command exit 3 "dashboard
// unreachable" and stop a backfill with "dashboard failing".
func TestBrowserDiesMidRun(t *testing.T) {
	bin := requireBrowser(t)
	w, srv := smallWorld(t, dashboardtest.Config{})
	s, err := NewScraper(context.Background(), BrowserOptions{BaseURL: srv.URL, BrowserPath: bin, ExportTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	date := pickDate(t, w, normalDate)
	ids := w.Districts(date)
	if _, err := s.Fetch(ctx, Request{Kind: normalize.ReportClub, DistrictID: ids[0], Date: date}); err != nil {
		t.Fatal(err)
	}
	kill := func() {
		t.Helper()
		p, err := os.FindProcess(s.l.PID())
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Kill(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 50 && p.Signal(syscall.Signal(0)) == nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	}

	kill()
	old := s.l.PID()
	d, err := s.Fetch(ctx, Request{Kind: normalize.ReportClub, DistrictID: ids[1], Date: date})
	if err != nil {
		t.Fatalf("export after Chromium was killed: %v", err)
	}
	if want, _ := w.CSV(normalize.ReportClub, ids[1], date); !bytes.Equal(d.Data, want) {
		t.Errorf("export after relaunch: %d bytes, not district %s's report", len(d.Data), ids[1])
	}
	if s.l.PID() == old {
		t.Errorf("still Chromium pid %d", old)
	}

	// No Chromium can be started any more.
	kill()
	s.bin = filepath.Join(t.TempDir(), "chromium-gone")
	for i := 0; i < 2; i++ {
		_, err = s.Fetch(ctx, Request{Kind: normalize.ReportClub, DistrictID: ids[2], Date: date})
		if !errors.Is(err, ErrBrowser) || errors.Is(err, ErrUnavailable) || dashboardFailure(err) || !strings.Contains(err.Error(), "chromium-gone") {
			t.Errorf("fetch %d with Chromium dead: %v; want ErrBrowser naming the failed start, not ErrUnavailable", i+1, err)
		}
	}
}

// A dashboard down behind its gateway serves its pages as 503 (or
// 502/504): in browser mode too that is the dashboard being unavailable
// (the CLI's exit 3), as in HTTP mode, not "an unexpected page". A 500
// page stays a failed page.
func TestBrowserPageStatus(t *testing.T) {
	bin := requireBrowser(t)
	var status atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html")
		rw.WriteHeader(int(status.Load()))
		_, _ = rw.Write([]byte("<html><head><title>Service Unavailable</title></head><body>The service is unavailable.</body></html>"))
	}))
	defer srv.Close()
	s, err := NewScraper(context.Background(), BrowserOptions{BaseURL: srv.URL, BrowserPath: bin})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		code        int32
		unavailable bool
	}{{503, true}, {502, true}, {504, true}, {500, false}} {
		status.Store(tc.code)
		_, err := s.Fetch(context.Background(), Request{Kind: normalize.ReportSummary})
		if err == nil || errors.Is(err, ErrUnavailable) != tc.unavailable || !strings.Contains(err.Error(), "Service Unavailable") {
			t.Errorf("HTTP %d pages: %v; want ErrUnavailable %v, naming the page's title", tc.code, err, tc.unavailable)
		}
	}
}

func TestFindBrowser(t *testing.T) {
	if _, err := FindBrowser("/nonexistent/chromium"); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("missing explicit browser: %v", err)
	}
	t.Setenv(BrowserEnv, "/nonexistent/chromium-env")
	if _, err := FindBrowser(""); !errors.Is(err, ErrNoBrowser) || !strings.Contains(err.Error(), "chromium-env") {
		t.Errorf("missing env browser: %v", err)
	}
	if _, err := NewScraper(context.Background(), BrowserOptions{BrowserPath: t.TempDir()}); !errors.Is(err, ErrNoBrowser) {
		t.Errorf("a directory as browser: %v", err)
	}
}

// The orchestrator in browser mode, end to end: a closing-period date into a
// fresh cache, then a cancelled run that leaves no partial file.
func TestBrowserOrchestrator(t *testing.T) {
	w, srv, s := sharedBrowser(t)
	ctx := context.Background()
	date := pickDate(t, w, closingDate)
	ids := w.Districts(date)[:2]
	st := openStore(t)
	o := newOrch(t, s, st, OrchestratorOptions{Districts: ids})
	res, err := o.Scrape(ctx, date)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status() != StatusSuccess || res.FilesCreated != 1+3*len(ids) || res.DataMonth != w.DataMonth(date) {
		t.Fatalf("status %s files %d month %s errors %v", res.Status(), res.FilesCreated, res.DataMonth, res.Errors)
	}
	checkCollected(t, st, w, date, ids, SourceBrowser)
	assertNoPartialFiles(t, st)

	t.Run("cancel", func(t *testing.T) {
		st := openStore(t)
		srv.SetLatency(30 * time.Millisecond)
		defer srv.SetLatency(0)
		ctx, cancel := context.WithCancel(context.Background())
		var once sync.Once
		o := newOrch(t, s, st, OrchestratorOptions{Progress: func(p Progress) {
			if p.Done >= 3 {
				once.Do(cancel)
			}
		}})
		res, err := o.Scrape(ctx, date)
		if !errors.Is(err, context.Canceled) || res.Status() == StatusSuccess {
			t.Fatalf("got %v, status %s", err, res.Status())
		}
		if n := assertNoPartialFiles(t, st); n != res.FilesCreated || n == 0 {
			t.Errorf("%d files on disk, %d reported", n, res.FilesCreated)
		}
		// The scraper is still usable after a cancelled export.
		if _, err := s.Fetch(context.Background(), Request{Kind: normalize.ReportSummary, Date: date}); err != nil {
			t.Errorf("after cancel: %v", err)
		}
	})
}

// checkGoroutines fails when goroutines outlive the tests: it waits a few
// seconds for them to end, then reports the stacks of those still running.
func checkGoroutines() error {
	var stacks string
	for i := 0; i < 50; i++ {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaked []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "testing.(*M).Run") || strings.Contains(g, "runtime.Stack") || strings.Contains(g, "scrape.checkGoroutines") ||
				strings.Contains(g, "testing.runFuzzing") || strings.Contains(g, "os/signal.signal_recv") ||
				strings.Contains(g, "runtime.ensureSigM") || strings.TrimSpace(g) == "" {
				continue
			}
			leaked = append(leaked, g)
		}
		if len(leaked) == 0 {
			return nil
		}
		stacks = strings.Join(leaked, "\n\n")
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("goroutines left running after the tests:\n%s", stacks)
}
