package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

// scrapeCLI runs the program in-process and returns stdout, stderr and the exit code.
func scrapeCLI(t *testing.T, environ map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return environ[k] }, strings.NewReader(""), &out, &errb)
	code := exitCodeOf(err)
	if err != nil {
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), code
}

func scrapeTestWorld(t *testing.T, districts int) (*dashboardtest.World, *dashboardtest.Server) {
	t.Helper()
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: districts, ClubsPerDistrict: 6, Seed: 11})
	srv := dashboardtest.NewServer(w)
	t.Cleanup(srv.Close)
	return w, srv
}

func decodeScrapeSummary(t *testing.T, stdout string) scrapeSummary {
	t.Helper()
	var s scrapeSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("stdout is not the JSON summary: %v\n%s", err, stdout)
	}
	// The predecessor's field names, exactly.
	var raw map[string]any
	_ = json.Unmarshal([]byte(stdout), &raw)
	for _, k := range []string{"timestamp", "date", "status", "districts", "cache", "errors", "duration_ms"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
	return s
}

func TestScrapeCommandHTTP(t *testing.T) {
	w, srv := scrapeTestWorld(t, 3)
	dir := t.TempDir()
	date := w.AsOfDates()[len(w.AsOfDates())-5]
	environ := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_BASE_URL": srv.URL}
	stdout, stderr, code := scrapeCLI(t, environ, "scrape", "--mode", "http", "--date", date, "--json", "--rate", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	s := decodeScrapeSummary(t, stdout)
	n := len(w.Districts(date))
	if s.Date != date || s.Status != scrape.StatusSuccess || s.Districts != (scrapeDistrictCount{n, n, 0, 0}) ||
		s.Cache.FilesCreated != 1+3*n || s.Cache.TotalSize == 0 || s.Cache.Directory != dir || len(s.Errors) != 0 || s.Mode != "http" {
		t.Errorf("summary %+v", s)
	}
	if s.DataMonth != w.DataMonth(date) {
		t.Errorf("data month %s", s.DataMonth)
	}
	want, _ := w.CSV(normalize.ReportClub, w.Districts(date)[0], date)
	got, err := os.ReadFile(filepath.Join(dir, "raw-csv", date, "district-"+w.Districts(date)[0], "club-performance.csv"))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("club report on disk: %v", err)
	}

	// Again: everything cached.
	stdout, _, code = scrapeCLI(t, environ, "scrape", "--mode", "http", "--date", date, "--json")
	s = decodeScrapeSummary(t, stdout)
	if code != 0 || s.Districts.Skipped != n || s.Cache.FilesCreated != 0 {
		t.Errorf("second run exit %d summary %+v", code, s)
	}

	// Human output without --json, latest date.
	stdout, stderr, code = scrapeCLI(t, environ, "scrape", "--mode", "http", "--districts", w.Districts(date)[1])
	if code != 0 || !strings.Contains(stdout, "scrape "+w.Newest()) || !strings.Contains(stdout, "1 succeeded") {
		t.Errorf("exit %d stdout %q stderr %q", code, stdout, stderr)
	}
}

func TestScrapeCommandExitCodes(t *testing.T) {
	w, srv := scrapeTestWorld(t, 3)
	date := w.Newest()
	ids := w.Districts(date)
	args := func(dir string, more ...string) []string {
		return append([]string{"scrape", "--mode", "http", "--base-url", srv.URL, "--data-dir", dir, "--date", date, "--json", "--rate", "0"}, more...)
	}

	// One district failing: exit 1, partial.
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailHTMLError, District: ids[2]})
	stdout, _, code := scrapeCLI(t, nil, args(t.TempDir())...)
	srv.SetFailure(dashboardtest.FailNone)
	s := decodeScrapeSummary(t, stdout)
	if code != 1 || s.Status != scrape.StatusPartial || s.Districts.Failed != 1 || len(s.Errors) == 0 || s.Errors[0].DistrictID != ids[2] {
		t.Errorf("partial: exit %d summary %+v", code, s)
	}

	// The summary failing (the dashboard answers, with an error page):
	// nothing collected, exit 1.
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailRedirect, Report: normalize.ReportSummary})
	stdout, _, code = scrapeCLI(t, nil, args(t.TempDir())...)
	srv.SetFailure(dashboardtest.FailNone)
	s = decodeScrapeSummary(t, stdout)
	if code != 1 || s.Status != scrape.StatusFailed || len(s.Errors) != 1 || s.Errors[0].DistrictID != "all-districts" {
		t.Errorf("failed: exit %d summary %+v", code, s)
	}

	// An unknown district among the requested ones is a configuration
	// error (exit 2): the others are collected, the tracked districts are
	// not changed.
	dir := t.TempDir()
	stdout, stderr, code := scrapeCLI(t, nil, args(dir, "--districts", ids[0]+",999")...)
	s = decodeScrapeSummary(t, stdout)
	if code != 2 || s.Districts.Total != 2 || s.Districts.Succeeded != 1 || !strings.Contains(stderr, "999") {
		t.Errorf("unknown district: exit %d summary %+v\n%s", code, s, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "config", "districts.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed --districts was remembered: %v", err)
	}

	// District 2 written without the dashboard's leading zero: the
	// message says how the dashboard writes it.
	_, stderr, code = scrapeCLI(t, nil, args(t.TempDir(), "--districts", "2")...)
	if ids[0] != "02" || code != 2 || !strings.Contains(stderr, "does not list district 2 (it writes 02)") {
		t.Errorf("--districts 2: exit %d\n%s", code, stderr)
	}

	for _, bad := range [][]string{
		{"--mode", "ftp"},
		{"--date", "2025-02-30"},
		{"--districts", "4 2"},
		{"--concurrency", "0"},
		{"--rate", "-1"},
		{"--base-url", "dashboards.toastmasters.org"},
		{"extra-argument"},
		{"--no-such-flag"},
	} {
		_, stderr, code := scrapeCLI(t, nil, args(t.TempDir(), bad...)...)
		if code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", bad, code, stderr)
		}
	}
	if _, stderr, code := scrapeCLI(t, nil, "scrape", "--mode", "browser", "--browser", "/nonexistent/chromium", "--data-dir", t.TempDir()); code != 2 || !strings.Contains(stderr, "Chromium") {
		t.Errorf("missing browser: exit %d %s", code, stderr)
	}
	if _, _, code := scrapeCLI(t, nil, "scrape", "-h"); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
}

// A dashboard down behind its gateway (503 to every attempt, like a
// refused connection) is "dashboard unreachable": exit 3, so that a cron
// wrapper retries later instead of alerting on a failed scrape. A 500 to
// every attempt stays exit 1.
func TestScrapeCommandDashboardDown(t *testing.T) {
	for _, tc := range []struct {
		status, exit int
	}{
		{http.StatusServiceUnavailable, exitUnreachable},
		{http.StatusInternalServerError, exitFailed},
	} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			rw.Header().Set("Retry-After", "0") // no waiting between the retries
			http.Error(rw, "Service Unavailable", tc.status)
		}))
		stdout, stderr, code := scrapeCLI(t, nil, "scrape", "--mode", "http", "--base-url", srv.URL, "--data-dir", t.TempDir(), "--rate", "0", "--json")
		srv.Close()
		s := decodeScrapeSummary(t, stdout)
		if code != tc.exit || s.Status != scrape.StatusFailed || calls.Load() != 4 || !strings.Contains(stderr, fmt.Sprintf("HTTP %d after 4 attempt(s)", tc.status)) {
			t.Errorf("HTTP %d from every request (%d requests): exit %d, want %d; status %s\n%s", tc.status, calls.Load(), code, tc.exit, s.Status, stderr)
		}
	}
}

// A scrape or backfill that its own --timeout stops (the dashboard here
// slow to send the club reports) says so, exits 1 and does not blame the
// dashboard; the summary counts what it wrote and --districts is
// remembered, as for any run that read the date's summary (the deadline
// used to stop those too: "district configuration: ... context deadline
// exceeded", 0 bytes for the date). Running it again goes on from there.
func TestScrapeCommandStoppedByTimeout(t *testing.T) {
	w, srv := scrapeTestWorld(t, 2)
	dates := w.AsOfDates()
	date := dates[len(dates)-1]
	id := w.Districts(date)[0]
	dir := t.TempDir()
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailSlow, Report: normalize.ReportClub})
	const stopped = "stopped by --timeout 2s before it finished (running it again goes on from what is cached)"

	stdout, stderr, code := scrapeCLI(t, nil, "scrape", "--mode", "http", "--base-url", srv.URL, "--data-dir", dir, "--rate", "0",
		"--date", date, "--districts", id, "--timeout", "2s", "--json")
	s := decodeScrapeSummary(t, stdout)
	if want := fmt.Sprintf("scrape %s: failed (1 of 1 districts failed); %s", date, stopped); code != exitFailed || !strings.HasSuffix(stderr, want) {
		t.Errorf("exit %d, want %d, and a message ending %q:\n%s", code, exitFailed, want, stderr)
	}
	if len(s.Errors) != 1 || s.Errors[0].Report != string(normalize.ReportClub) || !strings.HasSuffix(s.Errors[0].Error, "context deadline exceeded") {
		t.Errorf("errors %+v, want the club report's stopped by the deadline", s.Errors)
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	md, err := st.Raw().Metadata(context.Background(), date)
	if err != nil || s.Cache.FilesCreated != 3 || s.Cache.TotalSize != md.Integrity.TotalSize || md.Integrity.FileCount != 3 {
		t.Errorf("summary cache %+v; metadata %+v (err %v): want the summary and 2 reports", s.Cache, md, err)
	}
	if ids, _, err := st.Config().Load(context.Background()); err != nil || !slices.Equal(ids, []string{id}) {
		t.Errorf("tracked districts %v (err %v), want [%s]", ids, err, id)
	}

	srv.SetFailure(dashboardtest.FailNone)
	stdout, stderr, code = scrapeCLI(t, nil, "scrape", "--mode", "http", "--base-url", srv.URL, "--data-dir", dir, "--rate", "0",
		"--date", date, "--timeout", "1m", "--json")
	if s := decodeScrapeSummary(t, stdout); code != 0 || s.Cache.FilesCreated != 1 || s.Districts.Succeeded != 1 {
		t.Errorf("run again: exit %d, summary %+v\n%s", code, s, stderr)
	}

	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailSlow, Report: normalize.ReportClub})
	from := dates[len(dates)-3]
	stdout, stderr, code = scrapeCLI(t, nil, "backfill", "--mode", "http", "--base-url", srv.URL, "--data-dir", t.TempDir(), "--rate", "0",
		"--from", from, "--to", date, "--timeout", "2s", "--json")
	var b backfillSummary
	if err := json.Unmarshal([]byte(stdout), &b); err != nil {
		t.Fatalf("backfill summary: %v\n%s", err, stdout)
	}
	if want := fmt.Sprintf("backfill %s..%s: failed; %s", from, date, stopped); code != exitFailed || !strings.HasSuffix(stderr, want) || b.Stopped != "context deadline exceeded" {
		t.Errorf("backfill: exit %d, stopped %q, want exit %d and a message ending %q:\n%s", code, b.Stopped, exitFailed, want, stderr)
	}
}

// A connection dropped once and retried successfully is no error: a cron'd
// scrape that succeeds writes no ERROR line to stderr (cron mails any
// output, and an ERROR there reads as a failed run). The dropped attempt
// is still logged with -v.
func TestScrapeCommandRetriedAttemptIsNoError(t *testing.T) {
	w, _ := scrapeTestWorld(t, 2)
	imitation := dashboardtest.NewHandler(w)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			conn, _, err := rw.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // the client sees EOF: a network error, retried
			}
			return
		}
		imitation.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	for _, verbose := range []bool{false, true} {
		calls.Store(0)
		args := []string{"scrape", "--mode", "http", "--base-url", srv.URL, "--data-dir", t.TempDir(), "--rate", "0", "--date", w.Newest()}
		if verbose {
			args = append(args, "-v")
		}
		_, stderr, code := scrapeCLI(t, nil, args...)
		// The dropped one, its retry (the live year), the date's summary,
		// 3 reports of 2 districts.
		if code != 0 || calls.Load() != 1+1+1+3*2 {
			t.Fatalf("exit %d after %d requests\n%s", code, calls.Load(), stderr)
		}
		if strings.Contains(stderr, "level=ERROR") {
			t.Errorf("a retried attempt logged an error in a successful run (-v %v):\n%s", verbose, stderr)
		}
		if logged := strings.Contains(stderr, "attempt failed"); logged != verbose {
			t.Errorf("-v %v: the dropped attempt logged %v, want %v:\n%s", verbose, logged, verbose, stderr)
		}
	}
}

func TestScrapeCommandBrowser(t *testing.T) {
	if _, err := scrape.FindBrowser(""); err != nil {
		if os.Getenv("TOASTSTATS_REQUIRE_BROWSER") == "1" {
			t.Fatalf("TOASTSTATS_REQUIRE_BROWSER=1 but no browser: %v", err)
		}
		t.Skipf("skipping browser test: %v", err)
	}
	w, srv := scrapeTestWorld(t, 3)
	dir := t.TempDir()
	date := w.AsOfDates()[len(w.AsOfDates())-3]
	id := w.Districts(date)[0]
	stdout, stderr, code := scrapeCLI(t, nil, "scrape", "--base-url", srv.URL, "--data-dir", dir, "--date", date, "--districts", id, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	s := decodeScrapeSummary(t, stdout)
	if s.Mode != "browser" || s.Status != scrape.StatusSuccess || s.Cache.FilesCreated != 4 || s.Date != date {
		t.Errorf("summary %+v", s)
	}
	md, err := os.ReadFile(filepath.Join(dir, "raw-csv", date, "metadata.json"))
	if err != nil || !strings.Contains(string(md), scrape.SourceBrowser) {
		t.Errorf("metadata: %v %s", err, md)
	}
}

// The browser mode retries as the HTTP mode does: a report whose first two
// exports answer 503 is collected, exit 0, its failed attempts logged at
// INFO with -v and nothing at WARN or ERROR; a dashboard answering 503 to
// every page is "dashboard unreachable", exit 3, after four attempts.
func TestScrapeCommandBrowserRetries(t *testing.T) {
	if _, err := scrape.FindBrowser(""); err != nil {
		if os.Getenv("TOASTSTATS_REQUIRE_BROWSER") == "1" {
			t.Fatalf("TOASTSTATS_REQUIRE_BROWSER=1 but no browser: %v", err)
		}
		t.Skipf("skipping browser test: %v", err)
	}
	w, srv := scrapeTestWorld(t, 2)
	date := w.AsOfDates()[len(w.AsOfDates())-3]
	id := w.Districts(date)[0]
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.Fail503, District: id, Report: normalize.ReportClub, Times: 2})
	from := len(srv.RequestLog())
	stdout, stderr, code := scrapeCLI(t, nil, "scrape", "--mode", "browser", "--base-url", srv.URL, "--data-dir", t.TempDir(),
		"--date", date, "--districts", id, "--rate", "0", "--json", "-v")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if s := decodeScrapeSummary(t, stdout); s.Status != scrape.StatusSuccess || s.Cache.FilesCreated != 4 {
		t.Errorf("summary %+v", s)
	}
	exports := 0
	for _, u := range srv.RequestLog()[from:] {
		if strings.Contains(u, "clubperformance~"+id+"~") {
			exports++
		}
	}
	if exports != 3 {
		t.Errorf("%d exports of the club report, want 3", exports)
	}
	if n := strings.Count(stderr, `level=INFO msg="attempt failed"`); n != 2 || strings.Contains(stderr, "level=WARN") || strings.Contains(stderr, "level=ERROR") {
		t.Errorf("%d failed attempts logged at INFO (want 2), and WARN or ERROR lines in a successful run:\n%s", n, stderr)
	}

	srv.SetFailure(dashboardtest.FailNone)
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.Fail503, Page: "*"})
	defer srv.SetFailure(dashboardtest.FailNone)
	from = len(srv.RequestLog())
	stdout, stderr, code = scrapeCLI(t, nil, "scrape", "--mode", "browser", "--base-url", srv.URL, "--data-dir", t.TempDir(),
		"--date", date, "--rate", "0", "--json")
	s := decodeScrapeSummary(t, stdout)
	if code != exitUnreachable || s.Status != scrape.StatusFailed || !strings.Contains(stderr, "HTTP 503 after 4 attempt(s)") {
		t.Errorf("503 everywhere: exit %d (want %d), status %s\n%s", code, exitUnreachable, s.Status, stderr)
	}
	roots := 0
	for _, u := range srv.RequestLog()[from:] {
		if u == "/" {
			roots++
		}
	}
	if roots != 4 {
		t.Errorf("%d loads of the root page, want 4: %q", roots, srv.RequestLog()[from:])
	}
}

// A damaged cached report (one byte flipped) is downloaded again by a
// plain scrape, not only with --force: a WARN line names it, the JSON
// summary says where its damaged bytes were kept, and verify is clean
// afterwards.
func TestScrapeCommandDamagedCachedReport(t *testing.T) {
	w, srv := scrapeTestWorld(t, 2)
	dir := t.TempDir()
	date := w.AsOfDates()[len(w.AsOfDates())-3]
	id := w.Districts(date)[0]
	args := []string{"scrape", "--mode", "http", "--base-url", srv.URL, "--data-dir", dir, "--date", date, "--districts", id, "--rate", "0", "--json"}
	if _, stderr, code := scrapeCLI(t, nil, args...); code != 0 {
		t.Fatalf("first scrape: exit %d: %s", code, stderr)
	}
	rel := "raw-csv/" + date + "/district-" + id + "/division-performance.csv"
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), b, 0o644); err != nil {
		t.Fatal(err)
	}
	before := srv.ExportRequests()
	stdout, stderr, code := scrapeCLI(t, nil, args...)
	if code != 0 {
		t.Fatalf("second scrape: exit %d: %s", code, stderr)
	}
	s := decodeScrapeSummary(t, stdout)
	if s.Cache.FilesCreated != 1 || len(s.SetAside) != 1 || s.SetAside[0].File != rel || !strings.HasPrefix(s.SetAside[0].To, "quarantine/") {
		t.Fatalf("summary: %d files, set aside %+v", s.Cache.FilesCreated, s.SetAside)
	}
	if n := srv.ExportRequests() - before; n != 2 { // the live year's summary, the damaged report
		t.Errorf("%d exports, want 2", n)
	}
	if kept, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(s.SetAside[0].To))); err != nil || !bytes.Equal(kept, b) {
		t.Errorf("the damaged bytes were not kept (%v)", err)
	}
	if !strings.Contains(stderr, "level=WARN") || !strings.Contains(stderr, rel) || strings.Contains(stderr, "level=ERROR") {
		t.Errorf("stderr does not warn of %s (or has an ERROR):\n%s", rel, stderr)
	}
	if out, stderr, code := scrapeCLI(t, nil, "verify", "--data-dir", dir, "--json"); !strings.Contains(out, `"raw": []`) {
		t.Errorf("verify after the scrape (exit %d): %s %s", code, out, stderr)
	}
}

// A backfill meets a damaged cached report as a scrape does: it downloads
// it again, keeps the damaged bytes under quarantine/, and its --json
// summary lists it under setAside; the text summary names it too.
func TestBackfillCommandDamagedCachedReport(t *testing.T) {
	w, srv := scrapeTestWorld(t, 2)
	dir := t.TempDir()
	dates := w.AsOfDates()
	from, to := dates[len(dates)-3], dates[len(dates)-2]
	id := w.Districts(from)[0]
	args := []string{"backfill", "--mode", "http", "--base-url", srv.URL, "--data-dir", dir, "--from", from, "--to", to, "--districts", id, "--rate", "0"}
	if _, stderr, code := scrapeCLI(t, nil, append(args, "--json")...); code != 0 {
		t.Fatalf("first backfill: exit %d: %s", code, stderr)
	}
	damage := func(rel string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 1
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return b
	}
	rel := "raw-csv/" + to + "/district-" + id + "/division-performance.csv"
	b := damage(rel)
	stdout, stderr, code := scrapeCLI(t, nil, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("second backfill: exit %d: %s", code, stderr)
	}
	var s backfillSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if s.Cache.FilesCreated != 1 || s.Dates.Complete != 1 || s.Dates.Collected != 1 || len(s.SetAside) != 1 ||
		s.SetAside[0].File != rel || !strings.HasPrefix(s.SetAside[0].To, "quarantine/raw-") || s.SetAside[0].Reason == "" {
		t.Fatalf("summary: %+v, set aside %+v", s, s.SetAside)
	}
	if kept, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(s.SetAside[0].To))); err != nil || !bytes.Equal(kept, b) {
		t.Errorf("the damaged bytes were not kept (%v)", err)
	}
	if !strings.Contains(stdout, `"setAside"`) {
		t.Errorf("the JSON summary has no setAside key:\n%s", stdout)
	}

	// The text summary names the report set aside and where it went.
	rel = "raw-csv/" + from + "/district-" + id + "/club-performance.csv"
	damage(rel)
	stdout, stderr, code = scrapeCLI(t, nil, args...)
	if code != 0 {
		t.Fatalf("third backfill: exit %d: %s", code, stderr)
	}
	want := "  damaged cached report " + rel + " downloaded again; the damaged copy is kept as quarantine/raw-"
	if !strings.Contains(stdout, want) {
		t.Errorf("text summary lacks %q:\n%s", want, stdout)
	}
}

func TestBackfillCommand(t *testing.T) {
	w, srv := scrapeTestWorld(t, 2)
	dir := t.TempDir()
	dates := w.AsOfDates()
	from, to := dates[len(dates)-4], dates[len(dates)-1]
	args := []string{"backfill", "--mode", "http", "--base-url", srv.URL, "--data-dir", dir, "--from", from, "--to", to, "--json", "--rate", "0"}
	stdout, stderr, code := scrapeCLI(t, nil, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s backfillSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.Status != scrape.StatusSuccess || s.Dates.Total != 4 || s.Dates.Collected != 4 || s.Cache.FilesCreated != 4*(1+3*2) {
		t.Errorf("summary %+v", s)
	}
	// Resumed: nothing to do.
	stdout, _, code = scrapeCLI(t, nil, args...)
	_ = json.Unmarshal([]byte(stdout), &s)
	if code != 0 || s.Dates.Complete != 4 || s.Cache.FilesCreated != 0 {
		t.Errorf("resume: exit %d summary %+v", code, s)
	}
	for _, bad := range [][]string{
		{"backfill", "--to", to},
		{"backfill", "--from", to, "--to", from},
		{"backfill", "--from", "2025-13-01", "--to", to},
	} {
		if _, stderr, code := scrapeCLI(t, nil, append(bad, "--data-dir", dir, "--mode", "http")...); code != 2 {
			t.Errorf("%v: exit %d %s", bad, code, stderr)
		}
	}
}

// Ctrl-C (the context main cancels on SIGINT) stops a scrape cleanly: a
// non-zero exit, a summary, and only complete, verified files on disk.
// A backfill across the 2026-27 renumbering (district 07 becomes 201 with
// the July 2026 data, from 2026-07-20 in this world): 07 is listed on the
// dates before, so --districts 07,02 is no usage error. The dates without
// 07 are partial (exit 1), and --districts is remembered. Only a district
// listed on no date of the range is a usage error (exit 2).
// A backfill in which every date lost one district (the dashboard serves
// its error page for that district) collected the other districts of every
// date: it is partial, not failed, and --districts is remembered.
func TestBackfillCommandEveryDatePartial(t *testing.T) {
	w, srv := scrapeTestWorld(t, 3)
	dates := w.AsOfDates()
	from, to := dates[len(dates)-3], dates[len(dates)-1]
	ids := w.Districts(to)
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.FailHTMLError, District: ids[2]})
	dir := t.TempDir()
	stdout, stderr, code := scrapeCLI(t, nil, "backfill", "--mode", "http", "--base-url", srv.URL, "--data-dir", dir, "--rate", "0",
		"--from", from, "--to", to, "--districts", strings.Join(ids, ","), "--json")
	var s backfillSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	// 3 dates × (summary + 2 districts × 3 reports) = 21 files.
	if code != 1 || s.Status != scrape.StatusPartial || s.Dates.Partial != 3 || s.Cache.FilesCreated != 21 || len(s.Errors) != 9 {
		t.Errorf("exit %d, status %s, dates %+v, %d files, %d errors\n%s", code, s.Status, s.Dates, s.Cache.FilesCreated, len(s.Errors), stderr)
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := st.Config().Load(context.Background()); len(got) != 3 {
		t.Errorf("tracked districts %v, want %v", got, ids)
	}
}

func TestBackfillCommandDistrictRenumbered(t *testing.T) {
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 14, ClubsPerDistrict: 4, Seed: 11, From: "2026-07-14", To: "2026-07-23"})
	srv := dashboardtest.NewServer(w)
	t.Cleanup(srv.Close)
	args := func(dir, districts string) []string {
		return []string{"backfill", "--mode", "http", "--base-url", srv.URL, "--data-dir", dir, "--rate", "0",
			"--from", "2026-07-16", "--to", "2026-07-21", "--districts", districts}
	}
	dir := t.TempDir()
	stdout, stderr, code := scrapeCLI(t, nil, args(dir, "07,02")...)
	// 16, 17: collected; 18, 19: not published; 20, 21: 07 not listed.
	if code != 1 || !strings.Contains(stdout, "2 collected, 0 already complete, 2 partial, 0 failed, 2 not published") ||
		!strings.Contains(stdout, "error 2026-07-20 07 : district not in the summary of that date") || strings.Contains(stderr, "check --districts") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ids, _, _ := st.Config().Load(context.Background()); !slices.Equal(ids, []string{"02", "07"}) {
		t.Errorf("tracked districts %v, want [02 07]", ids)
	}

	_, stderr, code = scrapeCLI(t, nil, args(t.TempDir(), "07,999")...)
	if code != 2 || !strings.Contains(stderr, "does not list district 999:") {
		t.Errorf("--districts 07,999: exit %d\n%s", code, stderr)
	}
}

func TestScrapeCommandInterrupted(t *testing.T) {
	w, srv := scrapeTestWorld(t, 4)
	srv.SetLatency(50 * time.Millisecond) // 13 sequential exports take at least 650 ms
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	var out, errb bytes.Buffer
	err := run(ctx, []string{"scrape", "--mode", "http", "--base-url", srv.URL, "--data-dir", dir, "--date", w.Newest(),
		"--concurrency", "1", "--rate", "0", "--json"}, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code == 0 {
		t.Fatalf("interrupted scrape returned %v", err)
	}
	s := decodeScrapeSummary(t, out.String())
	if s.Status == scrape.StatusSuccess {
		t.Errorf("summary %+v", s)
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.Contains(d.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", p)
		}
		if strings.HasSuffix(p, ".csv") {
			files++
		}
		return nil
	})
	if files != s.Cache.FilesCreated {
		t.Errorf("%d csv files on disk, summary says %d", files, s.Cache.FilesCreated)
	}
	if files > 0 {
		md, err := st.Raw().Metadata(context.Background(), w.Newest())
		if err != nil || md.Integrity.FileCount != files {
			t.Errorf("metadata %+v (err %v) for %d files", md, err, files)
		}
	}
}

// A scrape that succeeded for a subset of districts always leads to a
// servable snapshot: --districts is remembered in config/districts.json,
// which build, status, verify and the server all read.
func TestScrapeDistrictsAreTrackedThroughBuild(t *testing.T) {
	w, srv := scrapeTestWorld(t, 4)
	date := w.Newest()
	ids := w.Districts(date)
	dir := filepath.Join(t.TempDir(), "data") // the first scrape creates it
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_BASE_URL": srv.URL}
	_, stderr, code := scrapeCLI(t, env, "scrape", "--mode", "http", "--rate", "0", "--districts", ids[1])
	if code != 0 || !strings.Contains(stderr, "tracked districts now "+ids[1]+" (was all)") {
		t.Fatalf("scrape --districts: exit %d\n%s", code, stderr)
	}
	// One log line per district (stderr is not a terminal here).
	if !strings.Contains(stderr, "scrape district") || !strings.Contains(stderr, "district="+ids[1]) {
		t.Errorf("no per-district progress line:\n%s", stderr)
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tracked, exists, err := st.Config().Load(context.Background())
	if err != nil || !exists || len(tracked) != 1 || tracked[0] != ids[1] {
		t.Fatalf("config/districts.json = %v %v %v, want [%s]", tracked, exists, err, ids[1])
	}
	stdout, stderr, code := scrapeCLI(t, env, "build")
	if code != 0 || !strings.Contains(stdout, "status success") || !strings.Contains(stdout, "districts included: 1 ["+ids[1]+"]") {
		t.Fatalf("build after scrape --districts: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if stdout, _, code := scrapeCLI(t, env, "verify"); code != 0 || !strings.Contains(stdout, "verdict: HEALTHY") {
		t.Errorf("verify: exit %d\n%s", code, stdout)
	}
	stdout, _, code = scrapeCLI(t, env, "status")
	if code != 0 || !strings.Contains(stdout, "tracking:       "+ids[1]) || !strings.Contains(stdout, "current:        "+date) {
		t.Errorf("status: exit %d\n%s", code, stdout)
	}
	if _, err := st.Snapshots().Current(context.Background()); err != nil {
		t.Fatalf("no servable snapshot: %v", err)
	}
	// A second build with nothing changed is a no-op.
	stdout, _, code = scrapeCLI(t, env, "build")
	if code != 0 || !strings.Contains(stdout, "up to date, not rebuilt") {
		t.Errorf("second build: exit %d\n%s", code, stdout)
	}
	// Tracking one more district: verify notes that the current snapshot
	// lacks it (the verdict stays HEALTHY).
	if _, stderr, code := scrapeCLI(t, env, "init", "--districts", ids[1]+","+ids[2]); code != 0 {
		t.Fatalf("init --districts: exit %d\n%s", code, stderr)
	}
	stdout, _, code = scrapeCLI(t, env, "verify")
	if code != 0 || !strings.Contains(stdout, "lacks tracked district "+ids[2]) {
		t.Errorf("verify with an untracked district: exit %d\n%s", code, stdout)
	}
	// --districts all tracks every district again.
	_, stderr, code = scrapeCLI(t, env, "scrape", "--mode", "http", "--rate", "0", "--districts", "all")
	two, _ := store.NormalizeDistrictIDs([]string{ids[1], ids[2]})
	if code != 0 || !strings.Contains(stderr, "tracked districts now all (was "+strings.Join(two, ",")+")") {
		t.Fatalf("scrape --districts all: exit %d\n%s", code, stderr)
	}
	stdout, _, code = scrapeCLI(t, env, "build")
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("districts included: %d", len(ids))) {
		t.Errorf("build of every district: exit %d\n%s", code, stdout)
	}
}

// TestScrapeFinishesInterruptedMove: a scrape of a date whose move to or
// from the raw-cache trash was cut short (raw-csv/<date>.moving still
// there) finishes the move before it looks at what is cached, as README
// says. It used to take the reports left at the source of the move for
// the date's cache and skip them: exit 0, nothing collected, the marker
// still there and the date still not read as cached (a date being
// trashed stayed that way, the scrape meant to collect it again did
// nothing).
func TestScrapeFinishesInterruptedMove(t *testing.T) {
	ctx := context.Background()
	w, srv := scrapeTestWorld(t, 2)
	date := w.AsOfDates()[len(w.AsOfDates())-3]
	n := len(w.Districts(date))
	files := func(t *testing.T, objs store.Objects, prefix string) map[string]string {
		t.Helper()
		out := map[string]string{}
		var walk func(string)
		walk = func(p string) {
			ents, err := objs.List(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ents {
				if strings.HasSuffix(e, "/") {
					walk(e)
					continue
				}
				b, err := objs.Read(ctx, e)
				if err != nil {
					t.Fatal(err)
				}
				out[strings.TrimPrefix(e, prefix)] = string(b)
			}
		}
		walk(prefix)
		return out
	}
	setup := func(t *testing.T) (map[string]string, *store.Store, map[string]string) {
		t.Helper()
		dir := t.TempDir()
		environ := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_BASE_URL": srv.URL}
		if _, stderr, code := scrapeCLI(t, environ, "scrape", "--mode", "http", "--date", date, "--json", "--rate", "0"); code != 0 {
			t.Fatalf("first scrape: exit %d: %s", code, stderr)
		}
		st, err := store.Open(dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return environ, st, files(t, st.Objects(), "raw-csv/"+date+"/")
	}
	settled := func(t *testing.T, st *store.Store) {
		t.Helper()
		if moves, err := st.Raw().InterruptedMoves(ctx); err != nil || len(moves) != 0 {
			t.Fatalf("interrupted moves after the scrape: %+v %v, want none", moves, err)
		}
		if dates, err := st.Raw().Dates(ctx); err != nil || !slices.Equal(dates, []string{date}) {
			t.Fatalf("cached dates after the scrape: %v %v, want [%s]", dates, err, date)
		}
		if _, err := st.Raw().Availability(ctx, date); err != nil {
			t.Fatalf("availability after the scrape: %v", err)
		}
	}

	t.Run("trash", func(t *testing.T) {
		environ, st, before := setup(t)
		id := date + ".1767614400000000000"
		// Cut short after the summary was copied to the trash.
		interruptMove(t, st, store.InterruptedMove{Date: date, TrashID: id, Move: store.MoveToTrash, StartedAt: time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)})
		stdout, stderr, code := scrapeCLI(t, environ, "scrape", "--mode", "http", "--date", date, "--json", "--rate", "0")
		if code != 0 {
			t.Fatalf("scrape: exit %d: %s", code, stderr)
		}
		// The move is finished: the trash entry holds the date as it was,
		// and the scrape collected the date again.
		if s := decodeScrapeSummary(t, stdout); s.Cache.FilesCreated != 1+3*n || s.Districts.Skipped != 0 {
			t.Errorf("scrape summary %+v, want every report downloaded again (%d files)", s, 1+3*n)
		}
		if got := files(t, st.Objects(), "raw-trash/"+id+"/"); !maps.Equal(got, before) {
			t.Errorf("trash entry %s holds %d files, want the %d the date had", id, len(got), len(before))
		}
		settled(t, st)
		for k, v := range files(t, st.Objects(), "raw-csv/"+date+"/") {
			if k != "metadata.json" && before[k] != v {
				t.Errorf("raw-csv/%s/%s differs from the first collection", date, k)
			}
		}
	})

	t.Run("restore", func(t *testing.T) {
		environ, st, before := setup(t)
		e, err := st.Raw().Trash(ctx, date)
		if err != nil {
			t.Fatal(err)
		}
		// Cut short after the summary was copied back.
		interruptMove(t, st, store.InterruptedMove{Date: date, TrashID: e.ID, Move: store.MoveFromTrash, StartedAt: e.DeletedAt})
		stdout, stderr, code := scrapeCLI(t, environ, "scrape", "--mode", "http", "--date", date, "--json", "--rate", "0")
		if code != 0 {
			t.Fatalf("scrape: exit %d: %s", code, stderr)
		}
		// The restore is finished: the date is back whole, so there was
		// nothing to download.
		if s := decodeScrapeSummary(t, stdout); s.Cache.FilesCreated != 0 || s.Districts.Skipped != n {
			t.Errorf("scrape summary %+v, want everything cached", s)
		}
		settled(t, st)
		if got := files(t, st.Objects(), "raw-csv/"+date+"/"); !maps.Equal(got, before) {
			t.Errorf("raw-csv/%s/ holds %d files after the restore was finished, want the %d it had", date, len(got), len(before))
		}
		if ents, err := st.Objects().List(ctx, "raw-trash/"); err != nil || len(ents) != 0 {
			t.Errorf("raw-trash/ after the restore was finished: %v %v", ents, err)
		}
	})
}
