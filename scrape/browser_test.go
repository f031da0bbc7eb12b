package scrape

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

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
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines left running after the tests:", err)
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
	// One retry, at once (TestBrowserRetries checks the default policy).
	oldRetry := s.retry
	s.retry = newRetryPolicy(1, time.Millisecond, time.Millisecond, 0, nil)
	defer func() { s.retry = oldRetry }()
	date := pickDate(t, w, normalDate)
	id := w.Districts(date)[0]
	// As in HTTP mode (TestHTTPFailureModes): a 500 and a slow export are
	// tried again, then fail with the status or as unavailable; the others
	// fail at once.
	cases := []struct {
		fail     dashboardtest.Failure
		want     error
		attempts int
	}{
		{dashboardtest.FailRedirect, ErrRedirect, 1},
		{dashboardtest.FailHTMLError, ErrNoDownload, 1},
		{dashboardtest.Fail500, ErrStatus, 2},
		{dashboardtest.FailEmpty, normalize.ErrNoRows, 1},
		{dashboardtest.FailSlow, ErrUnavailable, 2},
	}
	for _, tc := range cases {
		t.Run(tc.fail.String(), func(t *testing.T) {
			srv.SetFailure(dashboardtest.FailNone)
			srv.AddFailure(dashboardtest.FailureRule{Failure: tc.fail, District: id})
			defer srv.SetFailure(dashboardtest.FailNone)
			before := srv.ExportRequests()
			d, err := s.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: id, Date: date})
			if d != nil || !errors.Is(err, tc.want) {
				t.Fatalf("got %v, %v; want error %v", d, err, tc.want)
			}
			if n := srv.ExportRequests() - before; n != int64(tc.attempts) {
				t.Errorf("%d export requests, want %d", n, tc.attempts)
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

// The browser mode too: a fetch that the caller's deadline ends (here while
// the export is slow) is not counted against the dashboard, so the breaker
// stays closed and the next fetch works; an export that does not answer
// within ExportTimeout while the caller still waits is, and opens it.
func TestBrowserBreakerCallerDeadline(t *testing.T) {
	w, srv, s := sharedBrowser(t)
	// A slow answer the browser does not abort stays open on the shared
	// imitation for the whole delay (see TestBrowserFailureModes).
	srv.SetSlowDelay(3 * time.Second)
	defer srv.SetSlowDelay(30 * time.Second) // the imitation's default
	defer srv.SetFailure(dashboardtest.FailNone)
	oldRetry := s.retry
	s.retry = newRetryPolicy(-1, time.Millisecond, time.Millisecond, 0, nil) // one attempt
	defer func() { s.retry = oldRetry }()
	date := pickDate(t, w, normalDate)
	ids := w.Districts(date)
	club := func(i int) Request { return Request{Kind: normalize.ReportClub, DistrictID: ids[i], Date: date} }
	o := newOrch(t, s, openStore(t), OrchestratorOptions{BreakerFailures: 1, BreakerCooldown: time.Hour})

	srv.SetFailure(dashboardtest.FailSlow)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	_, err := o.fetch(ctx, club(0))
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrUnavailable) || o.BreakerOpen() {
		t.Fatalf("caller's deadline: %v; breaker open %v, want closed", err, o.BreakerOpen())
	}
	srv.SetFailure(dashboardtest.FailNone)
	if d, err := o.fetch(context.Background(), club(1)); err != nil || d.AsOfDate != date || d.Request.DistrictID != ids[1] {
		t.Fatalf("next fetch: %v", err)
	}

	s.opts.ExportTimeout = time.Second
	defer func() { s.opts.ExportTimeout = 10 * time.Second }()
	srv.SetFailure(dashboardtest.FailSlow)
	_, err = o.fetch(context.Background(), club(2))
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "did not answer within 1s") || !o.BreakerOpen() {
		t.Errorf("export timeout: %v; breaker open %v, want open", err, o.BreakerOpen())
	}
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
	s, err := NewScraper(context.Background(), BrowserOptions{BaseURL: srv.URL, BrowserPath: bin, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
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
		var se *StatusError
		if err == nil || errors.Is(err, ErrUnavailable) != tc.unavailable || !strings.Contains(err.Error(), "Service Unavailable") ||
			!errors.As(err, &se) || se.Code != int(tc.code) || se.Attempts != 4 {
			t.Errorf("HTTP %d pages: %v; want ErrUnavailable %v after 4 attempts, naming the page's title", tc.code, err, tc.unavailable)
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

// logRecords is a slog.Handler that keeps every record (all levels), and
// calls onRecord, when set, with each.
type logRecords struct {
	mu       sync.Mutex
	recs     []slog.Record
	onRecord func(slog.Record)
}

func (h *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecords) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.recs = append(h.recs, r.Clone())
	f := h.onRecord
	h.mu.Unlock()
	if f != nil {
		f(r)
	}
	return nil
}
func (h *logRecords) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logRecords) WithGroup(string) slog.Handler      { return h }

// take returns the records so far and forgets them.
func (h *logRecords) take() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.recs
	h.recs = nil
	return r
}

// count tells how many records have msg, and how many are at Warn or above.
func count(recs []slog.Record, msg string) (n, warnOrWorse int) {
	for _, r := range recs {
		if r.Message == msg {
			n++
		}
		if r.Level >= slog.LevelWarn {
			warnOrWorse++
		}
	}
	return n, warnOrWorse
}

// requestsFor counts the requests of srv's log since from that contain every part.
func requestsFor(srv *dashboardtest.Server, from int, parts ...string) int {
	n := 0
	for _, u := range srv.RequestLog()[from:] {
		lu := strings.ToLower(u)
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(lu, strings.ToLower(p))
		}
		if ok {
			n++
		}
	}
	return n
}

// The browser mode retries as the HTTP mode does: the same number of
// attempts, the same rule of what is worth another attempt, the same
// "dashboard unavailable" after the last one. A report whose first
// attempts fail (a 503 export, a page that does not load in time) is
// fetched, and the failed attempts are logged at Info only; one that fails
// every attempt still fails, with the attempt count; what no retry can mend
// is not retried; cancelling ends the wait for a retry.
func TestBrowserRetries(t *testing.T) {
	bin := requireBrowser(t)
	w, srv := smallWorld(t, dashboardtest.Config{})
	logs := &logRecords{}
	s, err := NewScraper(context.Background(), BrowserOptions{BaseURL: srv.URL, BrowserPath: bin, ExportTimeout: 10 * time.Second,
		Logger: slog.New(logs), RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if h := NewHTTPClient(HTTPOptions{}); s.opts.Retries != h.opts.Retries || s.opts.Retries != 3 {
		t.Fatalf("browser retries %d, HTTP retries %d; want the same, 3", s.opts.Retries, h.opts.Retries)
	}
	ctx := context.Background()
	date := pickDate(t, w, normalDate)
	id := w.Districts(date)[0]
	req := Request{Kind: normalize.ReportClub, DistrictID: id, Date: date}
	want, err := w.CSV(normalize.ReportClub, id, date)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Fetch(ctx, Request{Kind: normalize.ReportSummary, Date: date}); err != nil { // learns the live year
		t.Fatal(err)
	}
	exportsOf := "clubperformance~" + id + "~"
	pagesOf := "id=" + id + "&" // Club.aspx?day=…&id=…&month=…

	t.Run("first two exports answer 503", func(t *testing.T) {
		defer srv.SetFailure(dashboardtest.FailNone)
		srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.Fail503, District: id, Report: normalize.ReportClub, Times: 2})
		from := len(srv.RequestLog())
		logs.take()
		d, err := s.Fetch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(d.Data, want) || d.AsOfDate != date {
			t.Errorf("got %d bytes as of %s, want the world's %d bytes as of %s", len(d.Data), d.AsOfDate, len(want), date)
		}
		if n := requestsFor(srv, from, "export.aspx", exportsOf); n != 3 {
			t.Errorf("%d exports of the report, want 3 (two failed attempts, one good)", n)
		}
		if failed, bad := count(logs.take(), "attempt failed"); failed != 2 || bad != 0 {
			t.Errorf("%d 'attempt failed' records, %d at Warn or above; want 2 at Info, none above", failed, bad)
		}
	})

	t.Run("a page too slow once", func(t *testing.T) {
		defer srv.SetFailure(dashboardtest.FailNone)
		srv.SetSlowDelay(5 * time.Second)
		defer srv.SetSlowDelay(30 * time.Second)
		s.opts.PageTimeout = time.Second
		defer func() { s.opts.PageTimeout = 30 * time.Second }()
		srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailSlow, Page: "club.aspx", District: id, Times: 1})
		from := len(srv.RequestLog())
		logs.take()
		d, err := s.Fetch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(d.Data, want) {
			t.Errorf("got %d bytes, want the world's %d", len(d.Data), len(want))
		}
		if p, e := requestsFor(srv, from, "/club.aspx?", pagesOf), requestsFor(srv, from, "export.aspx", exportsOf); p != 2 || e != 1 {
			t.Errorf("%d page loads and %d exports, want 2 and 1", p, e)
		}
		if failed, bad := count(logs.take(), "attempt failed"); failed != 1 || bad != 0 {
			t.Errorf("%d 'attempt failed' records, %d at Warn or above; want 1 at Info, none above", failed, bad)
		}
	})

	for _, tc := range []struct {
		fail        dashboardtest.Failure
		code        int
		unavailable bool
	}{{dashboardtest.Fail503, 503, true}, {dashboardtest.Fail500, 500, false}} {
		t.Run(fmt.Sprintf("every attempt answers %d", tc.code), func(t *testing.T) {
			defer srv.SetFailure(dashboardtest.FailNone)
			srv.AddFailure(dashboardtest.FailureRule{Failure: tc.fail, District: id, Report: normalize.ReportClub})
			from := len(srv.RequestLog())
			logs.take()
			d, err := s.Fetch(ctx, req)
			var se *StatusError
			if d != nil || !errors.As(err, &se) || se.Code != tc.code || se.Attempts != 4 ||
				errors.Is(err, ErrUnavailable) != tc.unavailable || !errors.Is(err, ErrStatus) {
				t.Fatalf("got %v, %v; want HTTP %d after 4 attempts, ErrUnavailable %v", d, err, tc.code, tc.unavailable)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("HTTP %d after 4 attempt(s)", tc.code)) {
				t.Errorf("error %q does not say the status and the attempts", err)
			}
			if n := requestsFor(srv, from, "export.aspx", exportsOf); n != 4 {
				t.Errorf("%d exports of the report, want 4", n)
			}
			if failed, bad := count(logs.take(), "attempt failed"); failed != 3 || bad != 0 {
				t.Errorf("%d 'attempt failed' records, %d at Warn or above; want 3 at Info (the caller logs the failure)", failed, bad)
			}
			// The scraper is fine afterwards.
			if _, err := s.Fetch(ctx, Request{Kind: normalize.ReportClub, DistrictID: w.Districts(date)[1], Date: date}); err != nil {
				t.Errorf("next export: %v", err)
			}
		})
	}

	t.Run("a redirect to error.aspx is not retried", func(t *testing.T) {
		defer srv.SetFailure(dashboardtest.FailNone)
		srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailRedirect, District: id, Report: normalize.ReportClub})
		from := len(srv.RequestLog())
		if _, err := s.Fetch(ctx, req); !errors.Is(err, ErrRedirect) {
			t.Fatalf("got %v, want ErrRedirect", err)
		}
		if n := requestsFor(srv, from, "export.aspx", exportsOf); n != 1 {
			t.Errorf("%d exports, want 1", n)
		}
	})

	t.Run("cancel while waiting to retry", func(t *testing.T) {
		defer srv.SetFailure(dashboardtest.FailNone)
		srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.Fail503, District: id, Report: normalize.ReportClub})
		old := s.retry
		s.retry = newRetryPolicy(3, time.Hour, time.Hour, 0, nil)
		defer func() { s.retry = old }()
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		logs.mu.Lock()
		logs.onRecord = func(r slog.Record) {
			if r.Message == "attempt failed" {
				cancel() // the hour's wait has begun
			}
		}
		logs.mu.Unlock()
		defer func() { logs.mu.Lock(); logs.onRecord = nil; logs.mu.Unlock() }()
		if _, err := s.Fetch(cctx, req); !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnavailable) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	})
}
