package scrape

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
	"golang.org/x/time/rate"

	"github.com/toaststats/toaststats/normalize"
)

// DefaultBrowserPath is where Debian's chromium package puts its launcher.
const DefaultBrowserPath = "/usr/bin/chromium"

// BrowserEnv names the environment variable that points at a Chromium binary.
const BrowserEnv = "TOASTSTATS_BROWSER"

// FindBrowser returns the Chromium binary to drive: explicit if set (it must
// exist), else $TOASTSTATS_BROWSER, else /usr/bin/chromium, else chromium,
// chromium-browser or google-chrome on PATH. It never downloads anything;
// ErrNoBrowser says what was tried.
func FindBrowser(explicit string) (string, error) {
	if explicit == "" {
		explicit = os.Getenv(BrowserEnv)
	}
	if explicit != "" {
		if st, err := os.Stat(explicit); err != nil || st.IsDir() {
			return "", fmt.Errorf("%w: %q does not exist or is not a file", ErrNoBrowser, explicit)
		}
		return explicit, nil
	}
	if st, err := os.Stat(DefaultBrowserPath); err == nil && !st.IsDir() {
		return DefaultBrowserPath, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: tried --browser, $%s, %s and chromium/chromium-browser/google-chrome on PATH; install chromium (apt-get install chromium) or pass --browser", ErrNoBrowser, BrowserEnv, DefaultBrowserPath)
}

// BrowserOptions configures a browser Scraper. Zero values pick defaults.
type BrowserOptions struct {
	BaseURL     string // default DefaultBaseURL
	BrowserPath string // see FindBrowser
	Logger      *slog.Logger
	// Limiter, when set, is waited on before every request the scraper
	// makes Chromium send to the dashboard: each page navigation and each
	// export (the popup's download of export.aspx), in every retried
	// attempt too, so a report costs two tokens. The waits do not count
	// against PageTimeout or ExportTimeout. Requests Chromium makes by
	// itself are not seen and come on top: a page's scripts, styles and
	// images, its favicon, and the target of a redirect it follows
	// (error.aspx).
	Limiter *rate.Limiter
	// LaunchTimeout bounds starting Chromium (default 30 s; a launch
	// occasionally takes 10 s).
	LaunchTimeout time.Duration
	// PageTimeout bounds loading and reading one page (default 30 s).
	PageTimeout time.Duration
	// ExportTimeout bounds the wait for the CSV download after selecting
	// CSV in the export control (default 20 s).
	ExportTimeout time.Duration
	// LiveYearTTL is how long the live program year read from the root page
	// is trusted (default 10 min).
	LiveYearTTL time.Duration
	// Retries, RetryWaitMin and RetryWaitMax are HTTPOptions' (the same
	// policy and defaults: 3 retries after the first attempt, a jittered
	// backoff from 1 s to 30 s). An attempt opens the page and exports the
	// CSV; it is tried again when the page or the export could not be
	// reached or did not answer in time, or answered 429 or 5xx but 501.
	Retries                    int
	RetryWaitMin, RetryWaitMax time.Duration
	Now                        func() time.Time
}

// Scraper drives the real dashboard pages with a headless system Chromium
// (rod): it opens a report page for a month and as-of date, reads back what
// the page actually shows, and obtains the CSV through the page's export
// control, catching the popup's download with browser-level download
// events. It relies only on what the real pages have: controls matched by id
// suffix (_ddlMonth, _ddlAsOf, _ddlExport) and a "CSV" export option.
//
// One tab does the work and exports run one at a time (parallel tabs gain
// nothing on small machines); Fetch is safe for concurrent use. A Chromium
// that stops answering (a crash, the OOM killer) is replaced by a new one;
// when that fails too, every Fetch fails with ErrBrowser. Close it.
type Scraper struct {
	opts    BrowserOptions
	log     *slog.Logger
	retry   retryPolicy
	l       *launcher.Launcher
	browser *rod.Browser
	page    *rod.Page
	bin     string // the Chromium binary (FindBrowser)
	dlDir   string
	userDir string

	mu       sync.Mutex // one page operation at a time
	livePY   string
	liveSeen time.Time
	closed   bool
	broken   error // set when Chromium died and could not be started again
}

var _ Fetcher = (*Scraper)(nil)

// NewScraper launches Chromium (never downloading one) and opens a tab.
func NewScraper(ctx context.Context, opts BrowserOptions) (*Scraper, error) {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	if opts.LaunchTimeout <= 0 {
		opts.LaunchTimeout = 30 * time.Second
	}
	if opts.PageTimeout <= 0 {
		opts.PageTimeout = 30 * time.Second
	}
	if opts.ExportTimeout <= 0 {
		opts.ExportTimeout = 20 * time.Second
	}
	if opts.LiveYearTTL <= 0 {
		opts.LiveYearTTL = 10 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	retry := newRetryPolicy(opts.Retries, opts.RetryWaitMin, opts.RetryWaitMax, 0, opts.Now)
	opts.Retries, opts.RetryWaitMin, opts.RetryWaitMax = retry.retries, retry.waitMin, retry.waitMax
	bin, err := FindBrowser(opts.BrowserPath)
	if err != nil {
		return nil, err
	}
	s := &Scraper{opts: opts, log: log, retry: retry, bin: bin}
	if s.userDir, err = os.MkdirTemp("", "toaststats-chromium-"); err != nil {
		return nil, fmt.Errorf("browser profile dir: %w", err)
	}
	if s.dlDir, err = os.MkdirTemp("", "toaststats-downloads-"); err != nil {
		os.RemoveAll(s.userDir)
		return nil, fmt.Errorf("browser download dir: %w", err)
	}
	if err := s.launch(ctx); err != nil {
		s.cleanupDirs()
		return nil, err
	}
	return s, nil
}

// launch starts Chromium, connects to it and opens the scraper's tab. On
// error nothing it started is left running, and s is unchanged.
func (s *Scraper) launch(ctx context.Context) error {
	lctx, cancel := context.WithTimeout(ctx, s.opts.LaunchTimeout)
	defer cancel()
	// Bin is always set: without it rod would download a browser.
	l := launcher.New().Context(lctx).Bin(s.bin).Headless(true).NoSandbox(os.Geteuid() == 0).
		UserDataDir(s.userDir).
		Set("disable-background-networking").Set("disable-component-update").Set("disable-sync").
		Set("no-first-run").Set("disable-gpu")
	u, err := l.Launch()
	if err != nil {
		return fmt.Errorf("launch %s: %w", s.bin, err)
	}
	b := rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		l.Kill()
		l.Cleanup()
		return fmt.Errorf("connect to %s: %w", s.bin, err)
	}
	fail := func(err error) error {
		_ = b.Close()
		l.Kill()
		l.Cleanup()
		return err
	}
	if err := (proto.BrowserSetDownloadBehavior{
		Behavior:      proto.BrowserSetDownloadBehaviorBehaviorAllowAndName,
		DownloadPath:  s.dlDir,
		EventsEnabled: true,
	}).Call(b); err != nil {
		return fail(fmt.Errorf("set download behaviour: %w", err))
	}
	page, err := b.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		return fail(fmt.Errorf("open tab: %w", err))
	}
	s.l, s.browser, s.page = l, b, page
	s.log.Debug("chromium launched", "bin", s.bin, "pid", l.PID())
	return nil
}

// stopBrowser closes Chromium (killing it if it does not exit) and waits
// for it to end.
func (s *Scraper) stopBrowser() error {
	var err error
	if s.browser != nil {
		err = s.browser.Close()
	}
	if s.l != nil {
		done := make(chan struct{})
		go func() { s.l.Cleanup(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			s.l.Kill()
		}
	}
	return err
}

// alive reports whether Chromium still answers on its DevTools connection.
func (s *Scraper) alive() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := proto.BrowserGetVersion{}.Call(s.browser.Context(ctx))
	return err == nil
}

func (s *Scraper) cleanupDirs() {
	if s.dlDir != "" {
		os.RemoveAll(s.dlDir)
	}
	if s.userDir != "" {
		os.RemoveAll(s.userDir)
	}
}

// Close closes Chromium and removes its profile and download directories.
func (s *Scraper) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.stopBrowser()
	s.cleanupDirs()
	return err
}

// pageState is what a dashboard page shows in its controls.
type pageState struct {
	AsOf       string `json:"asOf"`       // selected as-of option text
	Month      string `json:"month"`      // selected month option value
	MonthText  string `json:"monthText"`  // selected month option text
	HasExport  bool   `json:"hasExport"`  // an _ddlExport select exists
	ExportsCSV bool   `json:"exportsCSV"` // and it has a CSV option
	Title      string `json:"title"`
	URL        string `json:"url"`
	Status     int    `json:"status"` // HTTP status of the page (0 when unknown)
}

const readPageJS = `() => {
  const sel = (s) => document.querySelector('select[id$="' + s + '"]');
  const opt = (el) => (el && el.selectedIndex >= 0) ? el.options[el.selectedIndex] : null;
  const asOf = opt(sel('_ddlAsOf')), month = opt(sel('_ddlMonth')), exp = sel('_ddlExport');
  return {
    asOf: asOf ? asOf.text.trim() : '',
    month: month ? String(month.value).trim() : '',
    monthText: month ? month.text.trim() : '',
    hasExport: !!exp,
    exportsCSV: !!exp && Array.from(exp.options).some(o => o.value.trim() === 'CSV' || o.text.trim() === 'CSV'),
    title: document.title, url: location.href,
    status: (performance.getEntriesByType('navigation')[0] || {}).responseStatus || 0,
  };
}`

// open waits its turn on the limiter, navigates the tab and reads the
// page's controls.
func (s *Scraper) open(ctx context.Context, u string) (*pageState, error) {
	if err := waitTurn(ctx, s.opts.Limiter); err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, s.opts.PageTimeout)
	defer cancel()
	p := s.page.Context(pctx)
	if err := p.Navigate(u); err != nil {
		return nil, s.ctxErr(ctx, fmt.Errorf("%w: open %s: %v", ErrUnavailable, u, err))
	}
	if err := p.WaitLoad(); err != nil {
		return nil, s.ctxErr(ctx, fmt.Errorf("%w: load %s: %v", ErrUnavailable, u, err))
	}
	obj, err := p.Eval(readPageJS)
	if err != nil {
		return nil, s.ctxErr(ctx, fmt.Errorf("read %s: %w", u, err))
	}
	var st pageState
	if err := obj.Value.Unmarshal(&st); err != nil {
		return nil, fmt.Errorf("read %s: %w", u, err)
	}
	if st.Month == "" || !st.HasExport {
		if st.Status >= 400 {
			// An error answer (a gateway's "down" page, an ASP.NET error):
			// the same *StatusError as in HTTP mode, retried alike.
			return &st, &StatusError{URL: st.URL, Code: st.Status, Attempts: 1, Detail: fmt.Sprintf("title %q", st.Title)}
		}
		return &st, fmt.Errorf("%w: %s (title %q) has no month or export control", ErrPage, st.URL, st.Title)
	}
	s.log.DebugContext(ctx, "page", "url", u, "asOf", st.AsOf, "month", st.Month)
	return &st, nil
}

// ctxErr prefers the caller's context error, so cancellation reads as such.
func (s *Scraper) ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}

// shown is the as-of date and data month a page displays.
func (st *pageState) shown() (asOf, dataMonth string, err error) {
	asOf, err = ParseAsOfOption(st.AsOf)
	if err != nil {
		return "", "", err
	}
	m, err := strconv.Atoi(st.Month)
	if err != nil {
		if t, perr := time.Parse("Jan", st.MonthText); perr == nil {
			m, err = int(t.Month()), nil
		}
	}
	if err != nil {
		return "", "", fmt.Errorf("%w: month option %q/%q", ErrPage, st.Month, st.MonthText)
	}
	dataMonth, err = dataMonthFromPage(m, asOf)
	return asOf, dataMonth, err
}

// liveYear reads the program year the root page serves now (its data month).
func (s *Scraper) liveYear(ctx context.Context) (string, error) {
	if s.livePY != "" && s.opts.Now().Sub(s.liveSeen) < s.opts.LiveYearTTL {
		return s.livePY, nil
	}
	u := strings.TrimRight(s.opts.BaseURL, "/") + "/"
	var dm string
	err := s.retrying(ctx, u, func() error {
		st, err := s.open(ctx, u)
		if err != nil {
			return err
		}
		_, dm, err = st.shown()
		if err != nil {
			return fmt.Errorf("%s: %w", u, err)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("learn the live program year: %w", err)
	}
	s.livePY, s.liveSeen = programYearOfMonth(dm), s.opts.Now()
	return s.livePY, nil
}

// Fetch opens the report's page for the requested as-of date (the date's
// month, then the previous month for closing periods; root for the live
// year, /{PY}/ for closed ones), checks that the page shows that date, and
// downloads the CSV through the export control. The footer must match the
// date and month the page showed.
func (s *Scraper) Fetch(ctx context.Context, req Request) (*Download, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, &FetchError{Request: req, Err: errors.New("scraper closed")}
	}
	if s.broken != nil {
		return nil, &FetchError{Request: req, Err: s.broken}
	}
	d, err := s.fetch(ctx, req)
	if err != nil && ctx.Err() == nil && !s.alive() {
		// Chromium died (a crash, the OOM killer) or its DevTools
		// connection broke: not the dashboard's fault. Start a new one and
		// try once more, so a long backfill goes on.
		s.log.WarnContext(ctx, "chromium stopped answering; relaunching", "pid", s.l.PID(), "err", err)
		pid := s.l.PID()
		if rerr := s.relaunch(ctx); rerr != nil {
			// Every later Fetch fails at once with this error.
			s.broken = fmt.Errorf("%w: chromium (pid %d) stopped answering (%v), and starting it again failed: %v", ErrBrowser, pid, err, rerr)
			err = s.broken
		} else {
			d, err = s.fetch(ctx, req)
		}
	}
	if err != nil {
		return nil, &FetchError{Request: req, Err: err}
	}
	return d, nil
}

// relaunch replaces a Chromium that stopped answering with a new one.
func (s *Scraper) relaunch(ctx context.Context) error {
	_ = s.stopBrowser()
	s.l, s.browser, s.page = nil, nil, nil
	if err := os.MkdirAll(s.userDir, 0o700); err != nil {
		return fmt.Errorf("browser profile dir: %w", err)
	}
	s.livePY = ""
	return s.launch(ctx)
}

func (s *Scraper) fetch(ctx context.Context, req Request) (*Download, error) {
	if err := validRequest(req); err != nil {
		return nil, err
	}
	if req.Date == "" {
		now := s.opts.Now().UTC()
		c := Candidate{ProgramYear: programYear(now.Year(), now.Month()), Live: true}
		u := PageURL(s.opts.BaseURL, c, req.Kind, req.DistrictID, time.Time{})
		var d *Download
		err := s.retrying(ctx, u, func() error {
			st, err := s.open(ctx, u)
			if err != nil {
				return err
			}
			asOf, dm, err := st.shown()
			if err != nil {
				return err
			}
			d, err = s.export(ctx, req, st, asOf, dm)
			return err
		})
		if err != nil {
			return nil, err
		}
		s.livePY, s.liveSeen = d.ProgramYear, s.opts.Now()
		return d, nil
	}
	asOf, _ := ParseDate(req.Date)
	live, err := s.liveYear(ctx)
	if err != nil {
		return nil, err
	}
	var shown []string
	for _, c := range requestCandidates(req, asOf, live) {
		u := PageURL(s.opts.BaseURL, c, req.Kind, req.DistrictID, asOf)
		var (
			d    *Download
			note string
		)
		err := s.retrying(ctx, u, func() error {
			d, note = nil, ""
			st, err := s.open(ctx, u)
			if err != nil {
				return err
			}
			if st.AsOf == "" {
				// A month with no published as-of date yet.
				note = fmt.Sprintf("month %s shows no as-of date", c.DataMonth)
				return nil
			}
			got, dm, err := st.shown()
			if err != nil {
				return err
			}
			if got != req.Date || dm != c.DataMonth {
				// The page quietly fell back to another as-of date: not this month.
				note = fmt.Sprintf("month %s shows %s", c.DataMonth, got)
				return nil
			}
			d, err = s.export(ctx, req, st, got, dm)
			return err
		})
		if err != nil {
			return nil, err
		}
		if d != nil {
			return d, nil
		}
		shown = append(shown, note)
	}
	return nil, fmt.Errorf("%w: as of %s (live year %s; %s)", ErrNotPublished, req.Date, live, strings.Join(shown, ", "))
}

// retrying runs one attempt (open a page, export its CSV) under the retry
// policy both modes share (retry.go). A Chromium that stopped answering is
// not retried here: Fetch replaces it and tries once more.
func (s *Scraper) retrying(ctx context.Context, what string, attempt func() error) error {
	return s.retry.do(ctx, s.log, what, func(err error) bool { return retryableErr(err) && s.alive() }, attempt)
}

// export waits its turn on the limiter, selects CSV in the page's export
// control and captures the download the popup starts, with browser-level
// download events set up before the selection. Only a download begun by a
// popup this selection opened (or by the scraper's own tab) counts: a late
// answer to an export given up on earlier is a download of another report,
// and is cancelled. The bytes must be the report's, with a footer matching
// what the page showed.
func (s *Scraper) export(ctx context.Context, req Request, st *pageState, asOf, dataMonth string) (d *Download, err error) {
	if !st.ExportsCSV {
		return nil, fmt.Errorf("%w: %s: export control has no CSV option", ErrPage, st.URL)
	}
	// The download is a request to the dashboard like a page load: it
	// waits its turn, before ExportTimeout starts.
	if err := waitTurn(ctx, s.opts.Limiter); err != nil {
		return nil, err
	}
	s.clearDownloads()
	ectx, cancel := context.WithTimeout(ctx, s.opts.ExportTimeout)
	defer cancel()
	wctx, stop := context.WithCancel(ectx)
	defer stop()
	var (
		mu                 sync.Mutex
		guid, dlURL, state string
		popupURL           string
		popupID            proto.TargetTargetID
		grace              *time.Timer
		ours               = map[proto.TargetTargetID]bool{s.page.TargetID: true}
		popups             int      // windows the selection opened
		foreign            []string // GUIDs of downloads other exports began
	)
	wait := s.browser.Context(wctx).EachEvent(
		func(e *proto.TargetTargetCreated) bool {
			ti := e.TargetInfo
			if ti.Type == proto.TargetTargetInfoTypePage && ti.OpenerID == s.page.TargetID {
				mu.Lock()
				ours[ti.TargetID] = true
				popups++
				mu.Unlock()
			}
			return false
		},
		func(e *proto.BrowserDownloadWillBegin) bool {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case !ours[proto.TargetTargetID(e.FrameID)]:
				s.log.WarnContext(ctx, "download from an earlier export ignored", "url", e.URL)
				foreign = append(foreign, e.GUID)
			case guid == "":
				guid, dlURL = e.GUID, e.URL
			}
			return false
		},
		func(e *proto.BrowserDownloadProgress) bool {
			mu.Lock()
			defer mu.Unlock()
			if e.GUID != guid {
				return false
			}
			switch e.State {
			case proto.BrowserDownloadProgressStateCompleted:
				state = "completed"
				return true
			case proto.BrowserDownloadProgressStateCanceled:
				state = "canceled"
				return true
			}
			return false
		},
		func(e *proto.TargetTargetInfoChanged) bool {
			// A download never commits a document in the popup; a popup that
			// shows a page (error.aspx after a redirect, an HTML error page,
			// an HTTP error) means the export failed. Allow a short grace for
			// a download that might still begin.
			ti := e.TargetInfo
			if ti.Type != proto.TargetTargetInfoTypePage || ti.TargetID == s.page.TargetID || ti.URL == "" || ti.URL == "about:blank" {
				return false
			}
			mu.Lock()
			defer mu.Unlock()
			if ours[ti.TargetID] && popupURL == "" && guid == "" {
				popupURL, popupID = ti.URL, ti.TargetID
				grace = time.AfterFunc(exportGrace, func() {
					mu.Lock()
					defer mu.Unlock()
					if guid == "" {
						stop()
					}
				})
			}
			return false
		},
	)
	defer func() {
		mu.Lock()
		if grace != nil {
			grace.Stop()
		}
		stray := foreign
		mu.Unlock()
		s.dropDownloads(stray)
		if err != nil {
			// A failed export can leave its popup open (it would stall the
			// next selection) and its request pending.
			s.closePopups()
		}
	}()
	el, err := s.page.Context(ectx).Element(`select[id$="_ddlExport"]`)
	if err != nil {
		return nil, s.ctxErr(ctx, fmt.Errorf("%w: %s: export control: %v", ErrPage, st.URL, err))
	}
	if err := el.Select([]string{"CSV"}, true, rod.SelectorTypeText); err != nil {
		return nil, s.ctxErr(ctx, fmt.Errorf("%w: %s: select CSV: %v", ErrPage, st.URL, err))
	}
	wait()
	mu.Lock()
	if grace != nil {
		grace.Stop()
	}
	guidNow, stateNow, popupNow, popupIDNow, opened := guid, state, popupURL, popupID, popups
	mu.Unlock()
	if stateNow != "completed" {
		detail, status, what := "", 0, ""
		if popupIDNow != "" {
			if detail, status = s.describePopup(popupIDNow); detail != "" {
				what = " (" + detail + ")"
			}
		}
		if guidNow != "" {
			s.dropDownloads([]string{guidNow})
		}
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case strings.Contains(strings.ToLower(popupNow), "/error.aspx"):
			return nil, fmt.Errorf("%w: the export from %s went to %s%s", ErrRedirect, st.URL, popupNow, what)
		case popupNow != "" && status >= 400:
			// export.aspx answered with an error status: the same
			// *StatusError as in HTTP mode, retried alike.
			return nil, &StatusError{URL: popupNow, Code: status, Attempts: 1, Detail: detail}
		case popupNow != "":
			return nil, fmt.Errorf("%w: the export opened a page instead of a download: %s%s", ErrNoDownload, popupNow, what)
		case stateNow == "canceled":
			// Chromium cancels a download whose connection broke.
			return nil, fmt.Errorf("%w: %w: download of %s was cancelled", ErrUnavailable, ErrNoDownload, dlURL)
		case guidNow != "" || opened > 0:
			// The export window opened but its answer did not come (or not
			// all of it) in time: the export timed out, as an HTTP attempt
			// would.
			return nil, fmt.Errorf("%w: %w: the export from %s did not answer within %s", ErrUnavailable, ErrNoDownload, st.URL, s.opts.ExportTimeout)
		}
		return nil, fmt.Errorf("%w: selecting CSV on %s opened no export window within %s", ErrNoDownload, st.URL, s.opts.ExportTimeout)
	}
	path := filepath.Join(s.dlDir, guidNow)
	body, err := os.ReadFile(path)
	os.Remove(path)
	if err != nil {
		return nil, fmt.Errorf("read download: %w", err)
	}
	footer, rows, err := normalize.CheckReportWant(req.Kind, dlURL, body, normalize.Want{DistrictID: req.DistrictID, AsOfDate: asOf, DataMonth: dataMonth})
	if err != nil {
		return nil, err
	}
	return &Download{Request: req, Data: body, Footer: footer, AsOfDate: asOf, DataMonth: dataMonth,
		ProgramYear: programYearOfMonth(dataMonth), Rows: rows, URL: dlURL, Source: SourceBrowser}, nil
}

// clearDownloads empties the download folder before an export. Exports run
// one at a time (s.mu), so whatever is there is a download that began after
// its export had ended, with nobody listening for it.
func (s *Scraper) clearDownloads() {
	entries, _ := os.ReadDir(s.dlDir)
	for _, e := range entries {
		os.Remove(filepath.Join(s.dlDir, e.Name()))
	}
}

// dropDownloads cancels downloads nobody will read and removes what they
// wrote so far. One that completes anyway is removed by the next export
// (clearDownloads) or by Close.
func (s *Scraper) dropDownloads(guids []string) {
	if len(guids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, g := range guids {
		_ = proto.BrowserCancelDownload{GUID: g}.Call(s.browser.Context(ctx))
		os.Remove(filepath.Join(s.dlDir, g))
	}
}

// exportGrace is how long a download may still begin after the export
// popup showed a page.
const exportGrace = 400 * time.Millisecond

// describePopup returns the title and start of the text of a popup page,
// for error messages, and the HTTP status it was served with (0 when
// unknown).
func (s *Scraper) describePopup(id proto.TargetTargetID) (string, int) {
	ctx0, cancel0 := context.WithTimeout(context.Background(), time.Second)
	defer cancel0()
	p, err := s.browser.Context(ctx0).PageFromTarget(id)
	if err != nil {
		return "", 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	obj, err := p.Context(ctx).Eval(`() => ({title: document.title || '', text: document.body ? document.body.innerText.slice(0, 160) : '',
  status: (performance.getEntriesByType('navigation')[0] || {}).responseStatus || 0})`)
	if err != nil {
		return "", 0
	}
	var v struct {
		Title, Text string
		Status      int
	}
	if obj.Value.Unmarshal(&v) != nil {
		return "", 0
	}
	return fmt.Sprintf("title %q, text %q", v.Title, strings.Join(strings.Fields(v.Text), " ")), v.Status
}

// closePopups closes every tab but the scraper's own (a failed export
// leaves its popup open, which would stall the next selection). It closes
// targets directly, without attaching to them: attaching to a popup that is
// still loading would wait for it.
func (s *Scraper) closePopups() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b := s.browser.Context(ctx)
	list, err := proto.TargetGetTargets{}.Call(b)
	if err != nil {
		return
	}
	for _, ti := range list.TargetInfos {
		if ti.Type == proto.TargetTargetInfoTypePage && ti.TargetID != s.page.TargetID {
			_, _ = proto.TargetCloseTarget{TargetID: ti.TargetID}.Call(b)
		}
	}
}
