package scrape

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
)

// scraperCaused reports whether a request the imitation received is one the
// scraper itself causes (a page it navigates to, an export it starts), as
// opposed to one the browser makes by itself for a page (scripts, styles,
// images) or the target of a redirect it follows (error.aspx).
func scraperCaused(page string) bool {
	switch page {
	case "default.aspx", "district.aspx", "division.aspx", "club.aspx", "export.aspx":
		return true
	}
	return false
}

// kindCounts counts logged requests per page, sub-resources under their
// folder ("scripts/", "styles/").
func kindCounts(reqs []dashboardtest.LoggedRequest) map[string]int {
	n := map[string]int{}
	for _, r := range reqs {
		k := r.Page
		if i := strings.Index(k, "/"); i >= 0 {
			k = k[:i+1]
		}
		n[k]++
	}
	return n
}

// checkRateBound asserts that the requests the scraper caused, by the
// server's own arrival times, respect a token bucket of rate r and size
// burst that was full at start:
//
//   - all n of them took their token after start, so n <= burst + r·(t_n − start);
//   - for every pair i < j, the requests i+1..j took their tokens after
//     request i had reached the server (the scraper makes them one at a
//     time: it waits for the answer before asking the limiter again) and
//     before reaching it themselves, so j − i <= burst + r·(t_j − t_i).
//
// No bound is put on how long anything took. eps only absorbs the
// limiter's floating-point token arithmetic (a microsecond is 2e-6 of a
// token at 2/s).
func checkRateBound(t *testing.T, reqs []dashboardtest.LoggedRequest, start time.Time, r rate.Limit, burst int) {
	t.Helper()
	const eps = time.Microsecond
	var at []time.Time
	for _, q := range reqs {
		if scraperCaused(q.Page) {
			at = append(at, q.At)
		}
	}
	if !sort.SliceIsSorted(at, func(i, j int) bool { return at[i].Before(at[j]) }) {
		t.Fatalf("server log out of order: %v", at)
	}
	allowed := func(from, to time.Time) float64 { return float64(burst) + float64(r)*(to.Sub(from)+eps).Seconds() }
	if n := len(at); n > 0 && float64(n) > allowed(start, at[n-1]) {
		t.Errorf("%d requests in the %s after the start; the limiter allows %.2f", n, at[n-1].Sub(start), allowed(start, at[n-1]))
	}
	worst, wi, wj := 0.0, 0, 0
	for i := range at {
		for j := i + 1; j < len(at); j++ {
			if over := float64(j-i) - allowed(at[i], at[j]); over > worst {
				worst, wi, wj = over, i, j
			}
		}
	}
	if worst > 0 {
		var b strings.Builder
		for k := wi; k <= wj; k++ {
			fmt.Fprintf(&b, "\n  +%s", at[k].Sub(start))
		}
		t.Errorf("%d requests in the %s after request %d; the limiter (%v/s, burst %d) allows %.2f:%s",
			wj-wi, at[wj].Sub(at[wi]), wi+1, float64(r), burst, allowed(at[wi], at[wj]), b.String())
	}
}

// In browser mode the limiter covers every request the scraper causes: the
// page loads, the export popup's download and every retried attempt (here a
// club page and an export that answer 503 once). Each report is a page and
// an export, so a limiter seen only by page loads lets through twice the
// configured rate; the server's own timestamps show whether it did. The
// requests Chromium makes by itself for a page (its scripts and styles) are
// not the scraper's to pace and are only counted.
func TestBrowserRateLimitCoversEveryRequest(t *testing.T) {
	w, srv, s := sharedBrowser(t)
	// Slower than Chromium goes by itself (a report takes it 0.2–0.4 s), so
	// that the limiter is what paces it.
	const r, burst = rate.Limit(2), 2
	s.opts.Limiter = rate.NewLimiter(r, burst)
	defer func() { s.opts.Limiter = nil }()
	oldRetry := s.retry
	s.retry = newRetryPolicy(1, time.Millisecond, time.Millisecond, 0, nil)
	defer func() { s.retry = oldRetry }()
	s.mu.Lock()
	s.livePY = "" // the root page is opened again, under the limiter
	s.mu.Unlock()
	date := pickDate(t, w, normalDate)
	ids := w.Districts(date)[:2]
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.Fail503, Page: "club.aspx", District: ids[0], Times: 1})
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.Fail503, District: ids[1], Report: normalize.ReportClub, Times: 1})
	defer srv.SetFailure(dashboardtest.FailNone)

	from := len(srv.LoggedRequests())
	start := time.Now()
	for _, id := range ids {
		for _, k := range []normalize.ReportKind{normalize.ReportClub, normalize.ReportDistrict} {
			d, err := s.Fetch(context.Background(), Request{Kind: k, DistrictID: id, Date: date})
			if err != nil {
				t.Fatal(err)
			}
			if d.AsOfDate != date || d.Rows == 0 {
				t.Fatalf("%s %s: as of %s, %d rows", k, id, d.AsOfDate, d.Rows)
			}
		}
	}
	reqs := srv.LoggedRequests()[from:]
	n := kindCounts(reqs)
	t.Logf("requests per kind: %v", n)
	// The root once (the live year), four report pages, the retried club
	// page, the page of the retried export; four exports and the retried one.
	if n["default.aspx"] != 1 || n["club.aspx"] != 2+2 || n["district.aspx"] != 2 || n["export.aspx"] != 4+1 {
		t.Errorf("requests per kind %v; want default.aspx 1, club.aspx 4, district.aspx 2, export.aspx 5", n)
	}
	checkRateBound(t, reqs, start, r, burst)
}

// The HTTP mode under the same check: the live-year probe, the exports and
// a retried export all wait on the limiter.
func TestHTTPRateLimitCoversEveryRequest(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	const r, burst = rate.Limit(20), 2
	c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL, Limiter: rate.NewLimiter(r, burst), Timeout: 5 * time.Second, Retries: 1,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	defer c.Close()
	date := pickDate(t, w, normalDate)
	ids := w.Districts(date)[:3]
	srv.AddFailure(dashboardtest.FailureRule{Failure: dashboardtest.Fail503, District: ids[1], Report: normalize.ReportClub, Times: 1})
	start := time.Now()
	for _, id := range ids {
		for _, k := range []normalize.ReportKind{normalize.ReportClub, normalize.ReportDistrict} {
			if _, err := c.Fetch(context.Background(), Request{Kind: k, DistrictID: id, Date: date}); err != nil {
				t.Fatal(err)
			}
		}
	}
	reqs := srv.LoggedRequests()
	if n := kindCounts(reqs); len(n) != 1 || n["export.aspx"] != 1+6+1 {
		t.Errorf("requests per kind %v; want export.aspx 8 only", n)
	}
	checkRateBound(t, reqs, start, r, burst)
}

// A Limiter that can never grant a request (burst 0) is a configuration
// error, said as such at once in both modes: nothing is sent, nothing is
// retried, and it is not the dashboard failing.
func TestRateLimiterAllowingNothing(t *testing.T) {
	check := func(t *testing.T, srv *dashboardtest.Server, f Fetcher, id, date string) {
		t.Helper()
		from := len(srv.LoggedRequests())
		// The timeout only ends a wait that would never end.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := f.Fetch(ctx, Request{Kind: normalize.ReportClub, DistrictID: id, Date: date})
		if !errors.Is(err, errNoTurn) || errors.Is(err, ErrUnavailable) || dashboardFailure(err) || !strings.Contains(err.Error(), "burst 0") {
			t.Errorf("got %v; want the limiter named, not the dashboard", err)
		}
		if n := len(srv.LoggedRequests()) - from; n != 0 {
			t.Errorf("%d requests sent", n)
		}
	}
	t.Run("http", func(t *testing.T) {
		w, srv := smallWorld(t, dashboardtest.Config{})
		date := pickDate(t, w, normalDate)
		c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL, Limiter: rate.NewLimiter(1, 0), RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
		defer c.Close()
		check(t, srv, c, w.Districts(date)[0], date)
	})
	t.Run("browser", func(t *testing.T) {
		w, srv, s := sharedBrowser(t)
		s.opts.Limiter = rate.NewLimiter(1, 0)
		defer func() { s.opts.Limiter = nil }()
		s.mu.Lock()
		s.livePY = ""
		s.mu.Unlock()
		date := pickDate(t, w, normalDate)
		check(t, srv, s, w.Districts(date)[0], date)
	})
}
