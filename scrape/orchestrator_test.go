package scrape

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

func newOrch(t *testing.T, f Fetcher, st *store.Store, opts OrchestratorOptions) *Orchestrator {
	t.Helper()
	opts.Fetcher, opts.Store = f, st
	o, err := NewOrchestrator(opts)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// checkCollected asserts that the cache holds, under date, the world's exact
// bytes for the summary and the three reports of every district in ids, with
// the metadata of the date.
func checkCollected(t *testing.T, st *store.Store, w *dashboardtest.World, date string, ids []string, source string) {
	t.Helper()
	ctx := context.Background()
	raw := st.Raw()
	want, _ := w.CSV(normalize.ReportSummary, "", date)
	got, err := raw.Get(ctx, date, "", store.ReportSummary)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("summary of %s: %v (equal %v)", date, err, bytes.Equal(got, want))
	}
	for _, id := range ids {
		for _, k := range DistrictReports {
			want, _ := w.CSV(k, id, date)
			got, err := raw.Get(ctx, date, id, storeReport(k))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s %s of %s: %v (equal %v)", id, k, date, err, bytes.Equal(got, want))
			}
		}
	}
	md, err := raw.Metadata(ctx, date)
	if err != nil {
		t.Fatal(err)
	}
	dm := w.DataMonth(date)
	if md.DataMonth != dm || md.ProgramYear != normalize.ProgramYearOf(dm) || md.Source != source || md.RequestedDate != date {
		t.Errorf("metadata: month %s PY %s source %s requested %s", md.DataMonth, md.ProgramYear, md.Source, md.RequestedDate)
	}
	if md.IsClosingPeriod == nil || *md.IsClosingPeriod != (dm != date[:7]) {
		t.Errorf("metadata isClosingPeriod %v for %s (data month %s)", md.IsClosingPeriod, date, dm)
	}
}

func TestOrchestratorScrapeHTTP(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{Districts: 4})
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		pick func(string, string) bool
	}{{"normal", normalDate}, {"closing period", closingDate}, {"June close in July", juneCloseInJuly}, {"new year July", newYearJuly}} {
		t.Run(tc.name, func(t *testing.T) {
			date := pickDate(t, w, tc.pick)
			st := openStore(t)
			var mu sync.Mutex
			var seen []Progress
			o := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{Concurrency: 3, Progress: func(p Progress) {
				mu.Lock()
				seen = append(seen, p)
				mu.Unlock()
			}})
			res, err := o.Scrape(ctx, date)
			if err != nil {
				t.Fatal(err)
			}
			ids := w.Districts(date)
			total, ok, failed, skipped := res.Counts()
			if res.Status() != StatusSuccess || total != len(ids) || ok != len(ids) || failed+skipped != 0 {
				t.Fatalf("status %s counts %d/%d/%d/%d errors %v", res.Status(), total, ok, failed, skipped, res.Errors)
			}
			if res.Date != date || res.FilesCreated != 1+3*len(ids) || res.BytesWritten == 0 {
				t.Errorf("date %s files %d bytes %d", res.Date, res.FilesCreated, res.BytesWritten)
			}
			checkCollected(t, st, w, date, ids, SourceHTTP)
			if len(seen) != 1+3*len(ids) || seen[len(seen)-1].Done != seen[len(seen)-1].Total {
				t.Errorf("%d progress calls, last %+v", len(seen), seen[len(seen)-1])
			}
			assertNoPartialFiles(t, st)

			// Again: everything is cached, nothing is downloaded.
			before := srv.ExportRequests()
			res, err = o.Scrape(ctx, date)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, _, skipped := res.Counts(); skipped != len(ids) || res.Status() != StatusSuccess || srv.ExportRequests() != before {
				t.Errorf("second run: skipped %d, status %s, %d requests", skipped, res.Status(), srv.ExportRequests()-before)
			}
		})
	}
}

func TestOrchestratorLatestAndForceRestatement(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	st := openStore(t)
	ctx := context.Background()
	o := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{})
	res, err := o.Scrape(ctx, "")
	if err != nil || res.Status() != StatusSuccess || res.Date != w.Newest() {
		t.Fatalf("latest: %v %s %s", err, res.Status(), res.Date)
	}
	id := w.Districts(res.Date)[0]
	old, _ := st.Raw().Get(ctx, res.Date, id, store.ReportClub)

	// A restated report is stored only with Force, and then verbatim.
	srv.SetFailure(dashboardtest.FailRestatement)
	defer srv.SetFailure(dashboardtest.FailNone)
	o2 := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{Force: true, Districts: []string{id}})
	res, err = o2.Scrape(ctx, res.Date)
	if err != nil || res.Status() != StatusSuccess {
		t.Fatalf("forced: %v %s %v", err, res.Status(), res.Errors)
	}
	now, err := st.Raw().Get(ctx, res.Date, id, store.ReportClub)
	if err != nil || bytes.Equal(now, old) {
		t.Errorf("restated report not stored (err %v)", err)
	}
	f, _, err := normalize.CheckReportFor(normalize.ReportClub, "x", now, res.Date, "")
	if err != nil || !f.Found {
		t.Errorf("restated report: %v", err)
	}
}

func TestOrchestratorDistrictSelection(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{Districts: 5})
	ctx := context.Background()
	date := pickDate(t, w, normalDate)
	ids := w.Districts(date)

	t.Run("config file", func(t *testing.T) {
		st := openStore(t)
		if _, err := st.Config().Replace(ctx, []string{ids[1], ids[3], "999"}, "test"); err != nil {
			t.Fatal(err)
		}
		res, err := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{}).Scrape(ctx, date)
		if err != nil {
			t.Fatal(err)
		}
		if got := districtIDs(res); !equalStrings(got, []string{ids[1], ids[3]}) || res.Status() != StatusSuccess {
			t.Errorf("districts %v status %s", got, res.Status())
		}
		av, _ := st.Raw().Availability(ctx, date)
		if len(av.Districts) != 2 {
			t.Errorf("cached districts %v", av.Districts)
		}
	})
	t.Run("explicit with unknown", func(t *testing.T) {
		st := openStore(t)
		res, err := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{Districts: []string{ids[2], "777"}}).Scrape(ctx, date)
		if err != nil {
			t.Fatal(err)
		}
		total, ok, failed, _ := res.Counts()
		if total != 2 || ok != 1 || failed != 1 || res.Status() != StatusPartial {
			t.Errorf("counts %d/%d/%d status %s", total, ok, failed, res.Status())
		}
		if len(res.Errors) != 1 || !errors.Is(res.Errors[0].Err, ErrUnknownDistrict) {
			t.Errorf("errors %v", res.Errors)
		}
	})
	// The summary writes district 2 as "02" (spec §2.1): "2" is not listed,
	// and the error says how the dashboard writes it.
	t.Run("explicit, written without the leading zero", func(t *testing.T) {
		if ids[0] != "02" {
			t.Fatalf("setup: first district %q, want 02", ids[0])
		}
		res, err := newOrch(t, quickHTTP(srv.URL), openStore(t), OrchestratorOptions{Districts: []string{"2", ids[1]}}).Scrape(ctx, date)
		if err != nil {
			t.Fatal(err)
		}
		var ue *UnknownDistrictError
		if len(res.Errors) != 1 || !errors.As(res.Errors[0].Err, &ue) || !errors.Is(res.Errors[0].Err, ErrUnknownDistrict) ||
			ue.ID != "2" || ue.Listed != "02" || !strings.Contains(ue.Error(), "the dashboard writes it 02") {
			t.Errorf("errors %v", res.Errors)
		}
	})
	t.Run("config file, written without the leading zero", func(t *testing.T) {
		st := openStore(t)
		if _, err := st.Config().Replace(ctx, []string{"2"}, "test"); err != nil {
			t.Fatal(err)
		}
		res, err := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{}).Scrape(ctx, date)
		if err != nil {
			t.Fatal(err)
		}
		if res.Summary != Failed || res.SummaryErr == nil || !strings.Contains(res.SummaryErr.Error(), "2 (the dashboard writes it 02)") {
			t.Errorf("summary %s: %v", res.Summary, res.SummaryErr)
		}
	})
	t.Run("all ignores config", func(t *testing.T) {
		st := openStore(t)
		if _, err := st.Config().Replace(ctx, []string{ids[0]}, "test"); err != nil {
			t.Fatal(err)
		}
		res, err := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{AllDistricts: true}).Scrape(ctx, date)
		if err != nil {
			t.Fatal(err)
		}
		if got := districtIDs(res); !equalStrings(got, ids) {
			t.Errorf("districts %v, want %v", got, ids)
		}
	})
}

func districtIDs(r *Result) []string {
	var out []string
	for _, d := range r.Districts {
		out = append(out, d.ID)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// One failing district never stops the others, and its reports are not stored.
func TestOrchestratorOneDistrictFails(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{Districts: 4})
	ctx := context.Background()
	date := pickDate(t, w, normalDate)
	ids := w.Districts(date)
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailHTMLError, District: ids[1]})
	defer srv.SetFailure(dashboardtest.FailNone)
	st := openStore(t)
	res, err := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{Concurrency: 2}).Scrape(ctx, date)
	if err != nil {
		t.Fatal(err)
	}
	total, ok, failed, _ := res.Counts()
	if res.Status() != StatusPartial || total != len(ids) || ok != len(ids)-1 || failed != 1 {
		t.Fatalf("status %s counts %d/%d/%d", res.Status(), total, ok, failed)
	}
	for _, e := range res.Errors {
		if e.DistrictID != ids[1] || !errors.Is(e.Err, normalize.ErrHTMLPage) {
			t.Errorf("unexpected error %s %s: %v", e.DistrictID, e.Report, e.Err)
		}
	}
	av, _ := st.Raw().Availability(ctx, date)
	if _, ok := av.Districts[ids[1]]; ok || len(av.Districts) != len(ids)-1 {
		t.Errorf("cached districts %v", av.Districts)
	}
	checkCollected(t, st, w, date, []string{ids[0], ids[2], ids[3]}, SourceHTTP)
}

// A dashboard failing everywhere opens the breaker: requests stop after a
// few failures, and the run fails.
func TestOrchestratorCircuitBreaker(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{Districts: 6})
	ctx := context.Background()
	date := pickDate(t, w, normalDate)
	st := openStore(t)
	c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL, Retries: -1})
	o := newOrch(t, c, st, OrchestratorOptions{Concurrency: 1, BreakerFailures: 3, BreakerCooldown: time.Hour})
	if _, err := o.Scrape(ctx, pickDate(t, w, closingDate)); err != nil { // warms the live-year probe
		t.Fatal(err)
	}
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailRedirect, Report: normalize.ReportClub})
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailRedirect, Report: normalize.ReportDivision})
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailRedirect, Report: normalize.ReportDistrict})
	defer srv.SetFailure(dashboardtest.FailNone)
	before := srv.ExportRequests()
	res, err := o.Scrape(ctx, date)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.ExportRequests() - before; n != 1+3 {
		t.Errorf("%d export requests, want the summary + 3 failures before the breaker opened", n)
	}
	if !o.BreakerOpen() || res.Status() != StatusFailed {
		t.Errorf("breaker open %v, status %s", o.BreakerOpen(), res.Status())
	}
	open := 0
	for _, e := range res.Errors {
		if errors.Is(e.Err, ErrCircuitOpen) {
			open++
		}
	}
	if open != 3*6-3 {
		t.Errorf("%d reports refused by the breaker, want %d", open, 3*6-3)
	}
}

// A run stopped by the caller's deadline (scrape --timeout) while the
// dashboard is slow is not the dashboard failing: the district reports in
// flight all end at the deadline, and the circuit breaker counts none of
// them, so the next run sharing the Orchestrator collects the date instead
// of being refused for the breaker's cooldown. The caller still gets the
// deadline as the error.
func TestOrchestratorCallerDeadlineIsNoDashboardFailure(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{Districts: 3})
	date := pickDate(t, w, normalDate)
	st := openStore(t)
	// An attempt may take a minute: only the caller's deadline ends one.
	c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL, Timeout: time.Minute, Retries: 2,
		RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond})
	o := newOrch(t, c, st, OrchestratorOptions{Concurrency: 2, BreakerFailures: 1, BreakerCooldown: time.Hour})
	// The summary answers at once; the district reports do not answer
	// before the caller gives up (the imitation stops waiting when the
	// request is cancelled).
	for _, k := range DistrictReports {
		srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailSlow, Report: k})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	res, err := o.Scrape(ctx, date)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the caller's deadline", err)
	}
	if len(res.Errors) == 0 {
		t.Fatal("a run stopped by its deadline reports no failed report")
	}
	for _, f := range res.Errors {
		var fe *FetchError
		if !errors.Is(f.Err, context.DeadlineExceeded) || !errors.As(f.Err, &fe) || errors.Is(f.Err, ErrCircuitOpen) ||
			errors.Is(f.Err, ErrUnavailable) || !strings.HasSuffix(f.Err.Error(), "context deadline exceeded") {
			t.Errorf("%s %s: %v; want the fetch error of the caller's deadline", f.DistrictID, f.Report, f.Err)
		}
	}
	if cnt := o.breaker.Counts(); o.BreakerOpen() || cnt.TotalFailures != 0 {
		t.Fatalf("after a run stopped by its own deadline: breaker open %v, %d failures counted", o.BreakerOpen(), cnt.TotalFailures)
	}

	srv.SetFailure(dashboardtest.FailNone)
	res, err = o.Scrape(context.Background(), date)
	if err != nil || res.Status() != StatusSuccess {
		t.Fatalf("next run: %v, status %s, errors %v", err, res.Status(), res.Errors)
	}
	checkCollected(t, st, w, date, w.Districts(date), SourceHTTP)
}

// A summary the run's own deadline cut off is logged as the run being
// stopped (a warning), not as the error "summary failed": nothing is
// wrong with the dashboard.
func TestOrchestratorSummaryCutOffByDeadlineIsNoError(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{Districts: 2})
	date := pickDate(t, w, normalDate)
	c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL, Timeout: time.Minute, Retries: -1})
	var logs bytes.Buffer
	o := newOrch(t, c, openStore(t), OrchestratorOptions{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailSlow, Report: normalize.ReportSummary})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res, err := o.Scrape(ctx, date)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(res.SummaryErr, context.DeadlineExceeded) {
		t.Fatalf("Scrape = %v, summary %v; want the caller's deadline", err, res.SummaryErr)
	}
	if out := logs.String(); strings.Contains(out, "level=ERROR") || !strings.Contains(out, `level=WARN msg="summary not collected: the run was stopped"`) {
		t.Fatalf("log:\n%s\nwant a warning that the run was stopped, and no error", out)
	}
}

// setAttemptTimeout changes the per-attempt timeout of c
// (HTTPOptions.Timeout) between fetches.
func setAttemptTimeout(c *HTTPClient, d time.Duration) {
	c.hc.Transport.(*attemptTransport).timeout = d
}

// Attempts that time out while the caller still waits are the dashboard
// failing, and open the breaker. A fetch ended by the caller's deadline or
// cancellation between them counts neither as a failure (the deadline used
// to open the breaker here) nor as a success (a cancellation used to reset
// the count of consecutive failures).
func TestOrchestratorAttemptTimeoutsOpenBreaker(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{Districts: 5})
	date := pickDate(t, w, normalDate)
	ids := w.Districts(date)
	c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL, Retries: -1})
	o := newOrch(t, c, openStore(t), OrchestratorOptions{BreakerFailures: 2, BreakerCooldown: time.Hour})
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailSlow, Report: normalize.ReportClub})
	club := func(i int) Request { return Request{Kind: normalize.ReportClub, DistrictID: ids[i], Date: date} }
	failures := func() uint32 { return o.breaker.Counts().ConsecutiveFailures }

	// 1. An attempt timeout, the caller still waiting: one failure.
	setAttemptTimeout(c, 100*time.Millisecond)
	_, err := o.fetch(context.Background(), club(0))
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "attempt timed out after 100ms") || failures() != 1 {
		t.Fatalf("attempt timeout: %v; %d consecutive failures, want 1", err, failures())
	}

	// 2. and 3. The caller's deadline, then its cancellation, end a fetch
	// whose attempt would wait a minute: the count stays as it was.
	setAttemptTimeout(c, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	_, err = o.fetch(ctx, club(1))
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || o.BreakerOpen() || failures() != 1 {
		t.Fatalf("caller's deadline: %v; breaker open %v, %d consecutive failures, want 1", err, o.BreakerOpen(), failures())
	}
	ctx, cancel = context.WithCancel(context.Background())
	stop := time.AfterFunc(200*time.Millisecond, cancel)
	_, err = o.fetch(ctx, club(2))
	stop.Stop()
	cancel()
	if cnt := o.breaker.Counts(); !errors.Is(err, context.Canceled) || cnt.ConsecutiveFailures != 1 || cnt.TotalSuccesses != 0 {
		t.Fatalf("caller's cancellation: %v; %d consecutive failures (want 1), %d successes (want 0)", err, cnt.ConsecutiveFailures, cnt.TotalSuccesses)
	}

	// 4. A second attempt timeout opens the breaker, which then refuses.
	setAttemptTimeout(c, 100*time.Millisecond)
	_, err = o.fetch(context.Background(), club(3))
	if !errors.Is(err, ErrUnavailable) || !o.BreakerOpen() {
		t.Fatalf("second attempt timeout: %v; breaker open %v", err, o.BreakerOpen())
	}
	before := srv.ExportRequests()
	_, err = o.fetch(context.Background(), club(4))
	if !errors.Is(err, ErrCircuitOpen) || srv.ExportRequests() != before {
		t.Errorf("with the breaker open: %v after %d requests", err, srv.ExportRequests()-before)
	}
}

// A half-open breaker's probe that the caller cancels proves nothing: the
// breaker stays half-open (a cancellation used to count as a success and
// close it; a deadline as a failure and open it again), and the next probe
// decides.
func TestOrchestratorCancelledProbeKeepsBreakerHalfOpen(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	date := pickDate(t, w, normalDate)
	id := w.Districts(date)[0]
	req := Request{Kind: normalize.ReportClub, DistrictID: id, Date: date}
	c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL, Retries: -1})
	o := newOrch(t, c, openStore(t), OrchestratorOptions{BreakerFailures: 1, BreakerCooldown: 50 * time.Millisecond})
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.Fail503, Report: normalize.ReportClub, Times: 1})
	if _, err := o.fetch(context.Background(), req); !errors.Is(err, ErrUnavailable) || o.breaker.State() != gobreaker.StateOpen {
		t.Fatalf("503: %v, breaker %s", err, o.breaker.State())
	}
	halfOpen := func() {
		t.Helper()
		for i := 0; o.breaker.State() != gobreaker.StateHalfOpen; i++ {
			if i == 1000 {
				t.Fatalf("breaker still %s", o.breaker.State())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	halfOpen()
	srv.SetFailure(dashboardtest.FailSlow)
	for _, end := range []string{"cancel", "deadline"} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		if end == "cancel" {
			cancel()
			ctx, cancel = context.WithCancel(context.Background())
			stop := time.AfterFunc(200*time.Millisecond, cancel)
			defer stop.Stop()
		}
		_, err := o.fetch(ctx, req)
		cancel()
		if !errors.Is(err, ctx.Err()) || o.breaker.State() != gobreaker.StateHalfOpen {
			t.Fatalf("probe ended by the caller's %s: %v; breaker %s, want half-open", end, err, o.breaker.State())
		}
	}
	srv.SetFailure(dashboardtest.FailNone)
	d, err := o.fetch(context.Background(), req)
	if err != nil || d.AsOfDate != date || o.breaker.State() != gobreaker.StateClosed {
		t.Fatalf("probe: %v; breaker %s, want closed", err, o.breaker.State())
	}
}

// Cancelling mid-run stops cleanly: no partial or temporary file, every
// stored file verifies, and the run reports the cancellation.
func TestOrchestratorCancel(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{Districts: 6})
	date := pickDate(t, w, normalDate)
	srv.SetLatency(20 * time.Millisecond)
	defer srv.SetLatency(0)
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	o := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{Concurrency: 2, Progress: func(p Progress) {
		if p.Done >= 5 {
			once.Do(cancel)
		}
	}})
	res, err := o.Scrape(ctx, date)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	_, ok, failed, _ := res.Counts()
	if failed == 0 || res.Status() == StatusSuccess {
		t.Errorf("cancelled run: %d ok %d failed status %s", ok, failed, res.Status())
	}
	n := assertNoPartialFiles(t, st)
	if n != res.FilesCreated || n == 0 || n >= 1+3*6 {
		t.Errorf("%d files on disk, %d reported written", n, res.FilesCreated)
	}
}

func TestBackfill(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{Districts: 2, ClubsPerDistrict: 5, From: "2025-07-08", To: "2025-07-31"})
	ctx := context.Background()
	st := openStore(t)
	o := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{Concurrency: 2})
	from, to := "2025-07-09", "2025-08-02" // runs past the world's newest date
	var prog []BackfillProgress
	res, err := o.Backfill(ctx, from, to, func(p BackfillProgress) { prog = append(prog, p) })
	if err != nil {
		t.Fatal(err)
	}
	published := 0
	for _, d := range w.AsOfDates() {
		if d >= from && d <= to {
			published++
			checkCollected(t, st, w, d, w.Districts(d), SourceHTTP)
		}
	}
	tally := res.Tally()
	if tally[DateCollected] != published || tally[DateUnpublished] != 25-published || len(prog) != 25 || prog[24].Index != 25 {
		t.Errorf("tally %v (published %d), %d progress calls", tally, published, len(prog))
	}
	if published == 25 || published == 0 {
		t.Fatalf("world publishes %d of 25 dates: the test wants a dark window", published)
	}
	// Resumable: a second run downloads nothing for the complete dates.
	dates, _ := st.Raw().Dates(ctx)
	victim := dates[3]
	if err := st.Raw().DeleteDate(ctx, victim); err != nil {
		t.Fatal(err)
	}
	before := srv.ExportRequests()
	res, err = o.Backfill(ctx, from, to, nil)
	if err != nil {
		t.Fatal(err)
	}
	tally = res.Tally()
	if tally[DateComplete] != published-1 || tally[DateCollected] != 1 {
		t.Errorf("resume tally %v", tally)
	}
	// The re-collected date costs 1 (or 2 in a closing period) + 3×districts
	// exports (the summary fixes the data month); unpublished dates
	// cost at most two probes each.
	if n := srv.ExportRequests() - before; n > int64(2+3*len(w.Districts(victim))+2*(25-published)) {
		t.Errorf("resume made %d export requests: %v", n, srv.RequestLog()[len(srv.RequestLog())-int(n):])
	}
	checkCollected(t, st, w, victim, w.Districts(victim), SourceHTTP)

	if _, err := o.Backfill(ctx, "2025-08-02", "2025-07-01", nil); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("reversed range: %v", err)
	}
}

// A backfill across the 2026-27 renumbering: district 07 is 201 from the
// first as-of date with July 2026 data (2026-07-20 in this world). 07 and
// 201 are each listed on some dates, so neither is an unlisted district;
// 999 is listed on none.
func TestBackfillDistrictRenumbered(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{Districts: 14, ClubsPerDistrict: 4, Seed: 11, From: "2026-07-14", To: "2026-07-23"})
	if d := w.Districts("2026-07-17"); !slices.Contains(d, "07") || slices.Contains(d, "201") {
		t.Fatalf("setup: districts on 2026-07-17: %v", d)
	}
	if d := w.Districts("2026-07-20"); slices.Contains(d, "07") || !slices.Contains(d, "201") {
		t.Fatalf("setup: districts on 2026-07-20: %v", d)
	}
	o := newOrch(t, quickHTTP(srv.URL), openStore(t), OrchestratorOptions{Districts: []string{"07", "201", "02", "999"}})
	res, err := o.Backfill(context.Background(), "2026-07-16", "2026-07-21", nil)
	if err != nil {
		t.Fatal(err)
	}
	// 16, 17: 07 and 02 collected; 18, 19: not published; 20, 21: 201 and 02.
	if tally := res.Tally(); tally[DatePartial] != 4 || tally[DateUnpublished] != 2 {
		t.Errorf("tally %v", tally)
	}
	if got := res.UnlistedDistricts(); !slices.Equal(got, []string{"999"}) {
		t.Errorf("unlisted districts %v, want [999]", got)
	}
}

func TestBackfillCancel(t *testing.T) {
	_, srv := smallWorld(t, dashboardtest.Config{Districts: 2, ClubsPerDistrict: 5})
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	o := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{})
	res, err := o.Backfill(ctx, "2025-08-01", "2025-08-31", func(p BackfillProgress) {
		if p.Index == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || len(res.Dates) != 2 {
		t.Fatalf("got %v after %d dates", err, len(res.Dates))
	}
	assertNoPartialFiles(t, st)
}

// A cached report whose bytes no longer match the sha256 its date's
// metadata records (truncated; one byte flipped at the same size; a gzip
// that no longer decompresses) is not skipped: it is logged at Warn naming
// the file and why, downloaded again, and its damaged bytes are kept under
// quarantine/ before the new copy replaces them. Intact reports are not
// downloaded again.
func TestOrchestratorDamagedCacheIsFetchedAgain(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	ctx := context.Background()
	date := pickDate(t, w, normalDate)
	ids := w.Districts(date)[:2]
	a, b := ids[0], ids[1]
	st := openStore(t)
	if res, err := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{Districts: ids}).Scrape(ctx, date); err != nil || res.Status() != StatusSuccess {
		t.Fatalf("first scrape: %v %v", err, res.Errors)
	}
	file := func(rel string) string { return filepath.Join(st.Dir(), "raw-csv", date, filepath.FromSlash(rel)) }
	damage := func(rel string, f func([]byte) []byte) []byte {
		t.Helper()
		good, err := os.ReadFile(file(rel))
		if err != nil {
			t.Fatal(err)
		}
		bad := f(append([]byte(nil), good...))
		if err := os.WriteFile(file(rel), bad, 0o644); err != nil {
			t.Fatal(err)
		}
		return bad
	}
	truncate := func(b []byte) []byte { return b[:len(b)/2] }
	flip := func(b []byte) []byte { b[len(b)/3] ^= 0x20; return b }
	damaged := map[string][]byte{ // key -> damaged bytes
		"raw-csv/" + date + "/all-districts.csv":                           damage("all-districts.csv", flip),
		"raw-csv/" + date + "/district-" + a + "/club-performance.csv":     damage("district-"+a+"/club-performance.csv", truncate),
		"raw-csv/" + date + "/district-" + a + "/division-performance.csv": damage("district-"+a+"/division-performance.csv", flip),
	}
	if probs, err := st.Raw().Check(ctx); err != nil || len(probs) != 3 {
		t.Fatalf("setup: verify finds %d problems (%v), want 3", len(probs), err)
	}

	logs := &logRecords{}
	from := len(srv.RequestLog())
	o := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{Districts: ids, Logger: slog.New(logs)})
	res, err := o.Scrape(ctx, date)
	if err != nil || res.Status() != StatusSuccess {
		t.Fatalf("second scrape: %v %s %v", err, res.Status(), res.Errors)
	}
	if res.Summary != Succeeded || res.FilesCreated != 3 || res.Districts[0].Fetched != 2 || res.Districts[0].Cached != 1 || res.Districts[1].Cached != 3 {
		t.Errorf("summary %s, %d files; district %s fetched %d cached %d; %s cached %d; want succeeded, 3, 2, 1, 3",
			res.Summary, res.FilesCreated, a, res.Districts[0].Fetched, res.Districts[0].Cached, b, res.Districts[1].Cached)
	}
	// Only the damaged reports were asked for again.
	exports := func(part string) int { return requestsFor(srv, from, "export.aspx", part) }
	if n := exports("districtsummary~"); n != 2 { // the live year, then the date's
		t.Errorf("%d summary exports, want 2", n)
	}
	for _, c := range []struct {
		part string
		want int
	}{{"clubperformance~" + a + "~", 1}, {"divisionperformance~" + a + "~", 1}, {"districtperformance~" + a + "~", 0}, {"~" + b + "~", 0}} {
		if n := exports(c.part); n != c.want {
			t.Errorf("%d exports of %s, want %d", n, c.part, c.want)
		}
	}
	// The new copies verify and are the dashboard's bytes; the damaged ones
	// are kept, byte for byte, where the result says.
	checkCollected(t, st, w, date, ids, SourceHTTP)
	if probs, err := st.Raw().Check(ctx); err != nil || len(probs) != 0 {
		t.Errorf("verify after the scrape: %v %v", probs, err)
	}
	if len(res.SetAside) != 3 {
		t.Fatalf("%d reports set aside, want 3: %+v", len(res.SetAside), res.SetAside)
	}
	for _, sa := range res.SetAside {
		want, ok := damaged[sa.File]
		if !ok || !strings.HasPrefix(sa.To, "quarantine/raw-") || !strings.HasSuffix(sa.To, "/"+sa.File) || !strings.Contains(sa.Reason, "checksum mismatch") {
			t.Errorf("set aside %+v", sa)
			continue
		}
		got, err := os.ReadFile(filepath.Join(st.Dir(), filepath.FromSlash(sa.To)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: the copy aside is not the damaged bytes (%v)", sa.To, err)
		}
		delete(damaged, sa.File)
	}
	// Each damaged file is named at Warn, with why, when found and when set aside.
	found, aside := map[string]bool{}, map[string]bool{}
	for _, r := range logs.take() {
		var file, why string
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "file":
				file = a.Value.String()
			case "err", "reason":
				why = a.Value.String()
			}
			return true
		})
		switch {
		case r.Level == slog.LevelWarn && r.Message == "cached report damaged; downloading it again" && strings.Contains(why, "checksum mismatch"):
			found[file] = true
		case r.Level == slog.LevelWarn && r.Message == "damaged cached report set aside and replaced by a new download":
			aside[file] = true
		case r.Level >= slog.LevelWarn:
			t.Errorf("unexpected %s %q", r.Level, r.Message)
		}
	}
	if len(found) != 3 || len(aside) != 3 {
		t.Errorf("warned of %d damaged files and %d set aside, want 3 and 3: %v %v", len(found), len(aside), found, aside)
	}

	// Once mended, the date is complete: nothing is downloaded again.
	from = len(srv.RequestLog())
	res, err = o.Scrape(ctx, date)
	if n := len(srv.RequestLog()) - from; err != nil || res.Summary != Skipped || res.FilesCreated != 0 || len(res.SetAside) != 0 || n != 0 {
		t.Errorf("third scrape: %v, summary %s, %d files, %d set aside, %d requests", err, res.Summary, res.FilesCreated, len(res.SetAside), n)
	}
}

// A compressed cached report that no longer decompresses is set aside as
// the compressed bytes it is, and downloaded again.
func TestOrchestratorDamagedGzipIsFetchedAgain(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	ctx := context.Background()
	date := pickDate(t, w, normalDate)
	id := w.Districts(date)[0]
	st := openStore(t)
	o := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{Districts: []string{id}})
	if res, err := o.Scrape(ctx, date); err != nil || res.Status() != StatusSuccess {
		t.Fatalf("first scrape: %v %v", err, res.Errors)
	}
	if c, err := st.Raw().Compress(ctx, date); err != nil || c.Files != 4 {
		t.Fatalf("compress: %+v %v", c, err)
	}
	key := "raw-csv/" + date + "/district-" + id + "/club-performance.csv.gz"
	gz, err := os.ReadFile(filepath.Join(st.Dir(), filepath.FromSlash(key)))
	if err != nil {
		t.Fatal(err)
	}
	bad := gz[:len(gz)-10]
	if err := os.WriteFile(filepath.Join(st.Dir(), filepath.FromSlash(key)), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	from := len(srv.RequestLog())
	res, err := o.Scrape(ctx, date)
	if err != nil || res.Status() != StatusSuccess || res.FilesCreated != 1 || len(res.SetAside) != 1 {
		t.Fatalf("second scrape: %v %s, %d files, set aside %+v", err, res.Status(), res.FilesCreated, res.SetAside)
	}
	if n := requestsFor(srv, from, "export.aspx", "performance~"+id+"~"); n != 1 {
		t.Errorf("%d district exports, want 1", n)
	}
	sa := res.SetAside[0]
	got, err := os.ReadFile(filepath.Join(st.Dir(), filepath.FromSlash(sa.To)))
	if sa.File != key || !strings.HasSuffix(sa.To, "/"+key) || err != nil || !bytes.Equal(got, bad) {
		t.Errorf("set aside %+v: copy equal %v (%v)", sa, bytes.Equal(got, bad), err)
	}
	checkCollected(t, st, w, date, []string{id}, SourceHTTP)
}

// When the new download of a damaged report fails, the damaged file stays
// where it is (verify keeps reporting it; the next scrape tries again) and
// nothing is copied aside.
func TestOrchestratorDamagedCacheDownloadFails(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	ctx := context.Background()
	date := pickDate(t, w, normalDate)
	id := w.Districts(date)[0]
	st := openStore(t)
	o := newOrch(t, quickHTTP(srv.URL), st, OrchestratorOptions{Districts: []string{id}})
	if res, err := o.Scrape(ctx, date); err != nil || res.Status() != StatusSuccess {
		t.Fatalf("first scrape: %v %v", err, res.Errors)
	}
	path := filepath.Join(st.Dir(), "raw-csv", date, "district-"+id, "club-performance.csv")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := good[:len(good)-7]
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.Fail500, District: id, Report: normalize.ReportClub})
	defer srv.SetFailure(dashboardtest.FailNone)
	res, err := o.Scrape(ctx, date)
	if err != nil || res.Status() != StatusFailed || len(res.Errors) != 1 || !errors.Is(res.Errors[0].Err, ErrStatus) || len(res.SetAside) != 0 {
		t.Fatalf("got %v, status %s, errors %v, set aside %v; want the club report failed with HTTP 500, nothing set aside", err, res.Status(), res.Errors, res.SetAside)
	}
	if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, bad) {
		t.Errorf("the damaged file changed (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(st.Dir(), "quarantine")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("quarantine/ written: %v", err)
	}
}
