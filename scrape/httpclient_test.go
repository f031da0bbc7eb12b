package scrape

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
)

func TestHTTPFetchDates(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	c := quickHTTP(srv.URL)
	defer c.Close()
	id := w.Districts(w.Newest())[1]
	cases := []struct {
		name     string
		pick     func(string, string) bool
		wantPath string // path prefix of the export URL
	}{
		{"normal date", normalDate, "/export.aspx"},
		{"closing period", closingDate, "/export.aspx"},
		{"June close collected in July", juneCloseInJuly, "/2024-2025/export.aspx"},
		{"July of the new program year", newYearJuly, "/export.aspx"},
	}
	for _, tc := range cases {
		date := pickDate(t, w, tc.pick)
		for _, kind := range []normalize.ReportKind{normalize.ReportSummary, normalize.ReportClub, normalize.ReportDivision, normalize.ReportDistrict} {
			t.Run(tc.name+"/"+string(kind), func(t *testing.T) {
				did := id
				if kind == normalize.ReportSummary {
					did = ""
				}
				d, err := c.Fetch(context.Background(), Request{Kind: kind, DistrictID: did, Date: date})
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
				if d.AsOfDate != date || d.DataMonth != w.DataMonth(date) {
					t.Errorf("as of %s month %s, want %s %s", d.AsOfDate, d.DataMonth, date, w.DataMonth(date))
				}
				if d.ProgramYear != normalize.ProgramYearOf(w.DataMonth(date)) {
					t.Errorf("program year %s", d.ProgramYear)
				}
				closing, known := d.IsClosingPeriod()
				if !known || closing != (date[:7] != w.DataMonth(date)) {
					t.Errorf("closing %v known %v", closing, known)
				}
				if !strings.HasPrefix(d.URL, srv.URL+tc.wantPath) {
					t.Errorf("URL %s, want prefix %s", d.URL, tc.wantPath)
				}
				if d.Source != SourceHTTP || d.Rows == 0 {
					t.Errorf("source %q rows %d", d.Source, d.Rows)
				}
			})
		}
	}
}

func TestHTTPLatestAndLiveYear(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	c := quickHTTP(srv.URL)
	d, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportSummary})
	if err != nil {
		t.Fatal(err)
	}
	if d.AsOfDate != w.Newest() || d.DataMonth != w.DataMonth(w.Newest()) {
		t.Errorf("latest is as of %s (%s), want %s", d.AsOfDate, d.DataMonth, w.Newest())
	}
	if d.Request.Date != "" {
		t.Errorf("request date %q", d.Request.Date)
	}
	if py, _ := c.liveYear(context.Background()); py != w.LiveProgramYear() {
		t.Errorf("live year %s, want %s", py, w.LiveProgramYear())
	}
}

// Before the new program year's first data (the dark window after the June
// close), the live year is still the old one and July dates resolve to June
// data on the root path; later dates are not published.
func TestHTTPRolloverDarkWindow(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{From: "2025-06-20", To: "2025-07-11"})
	if w.LiveProgramYear() != "2024-2025" {
		t.Fatalf("world live year %s", w.LiveProgramYear())
	}
	c := quickHTTP(srv.URL)
	d, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportSummary, Date: "2025-07-10"})
	if err != nil {
		t.Fatal(err)
	}
	if d.DataMonth != "2025-06" || d.AsOfDate != "2025-07-10" || !strings.HasPrefix(d.URL, srv.URL+"/export.aspx") {
		t.Errorf("got %s %s from %s", d.DataMonth, d.AsOfDate, d.URL)
	}
	_, err = c.Fetch(context.Background(), Request{Kind: normalize.ReportSummary, Date: "2025-07-30"})
	if !errors.Is(err, ErrNotPublished) {
		t.Errorf("unpublished date: %v, want ErrNotPublished", err)
	}
	for _, u := range srv.RequestLog() {
		if strings.Contains(u, "2025-2026/") {
			t.Errorf("asked the unpublished year's path: %s", u)
		}
	}
}

func TestHTTPFailureModes(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	srv.SetSlowDelay(5 * time.Second)
	date := pickDate(t, w, normalDate)
	id := w.Districts(date)[0]
	cases := []struct {
		fail dashboardtest.Failure
		want error
	}{
		{dashboardtest.FailRedirect, ErrRedirect},
		{dashboardtest.FailHTMLError, normalize.ErrHTMLPage},
		{dashboardtest.Fail500, ErrStatus},
		{dashboardtest.FailEmpty, ErrNotPublished},
		{dashboardtest.FailSlow, ErrUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.fail.String(), func(t *testing.T) {
			c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL, Timeout: 300 * time.Millisecond, Retries: 2,
				RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
			defer c.Close()
			if _, err := c.liveYear(context.Background()); err != nil {
				t.Fatal(err)
			}
			srv.SetFailure(dashboardtest.FailNone)
			srv.AddFailure(dashboardtest.FailureRule{Failure: tc.fail, District: id})
			defer srv.SetFailure(dashboardtest.FailNone)
			before := srv.ExportRequests()
			d, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: id, Date: date})
			if d != nil || !errors.Is(err, tc.want) {
				t.Fatalf("got %v, %v; want error %v", d, err, tc.want)
			}
			n := srv.ExportRequests() - before
			switch tc.fail {
			case dashboardtest.Fail500, dashboardtest.FailSlow:
				if n != 3 { // first attempt + 2 retries
					t.Errorf("%d export requests, want 3 (retries)", n)
				}
			case dashboardtest.FailRedirect, dashboardtest.FailHTMLError:
				if n != 1 {
					t.Errorf("%d export requests, want 1 (no retry)", n)
				}
			}
			// Another district still works.
			other := w.Districts(date)[1]
			if _, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: other, Date: date}); err != nil {
				t.Errorf("other district: %v", err)
			}
		})
	}
	for _, u := range srv.RequestLog() {
		if strings.Contains(strings.ToLower(u), "error.aspx") {
			t.Errorf("followed a redirect to %s", u)
		}
	}
}

func TestHTTPRestatement(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	date := pickDate(t, w, normalDate)
	id := w.Districts(date)[0]
	c := quickHTTP(srv.URL)
	srv.SetFailure(dashboardtest.FailRestatement)
	a, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: id, Date: date})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: id, Date: date})
	if err != nil {
		t.Fatal(err)
	}
	if a.Footer != b.Footer || a.AsOfDate != date {
		t.Errorf("footers %v / %v", a.Footer, b.Footer)
	}
	if bytes.Equal(a.Data, b.Data) {
		t.Error("a restatement served identical bytes")
	}
}

// worldServer answers every export with the world's report of the kind
// asked, for the district and as-of date pick gives for the district asked
// ("" for the summary): a dashboard that answers with the wrong report.
func worldServer(t *testing.T, w *dashboardtest.World, pick func(kind normalize.ReportKind, id string) (district, date string)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		parts := strings.Split(r.URL.Query().Get("report"), "~")
		kind, id := normalize.ReportKind(parts[0]), ""
		if kind != normalize.ReportSummary && len(parts) > 1 {
			id = parts[1]
		}
		id, date := pick(kind, id)
		b, err := w.CSV(kind, id, date)
		if err != nil {
			http.Error(rw, err.Error(), 404)
			return
		}
		rw.Header().Set("Content-Type", "application/octet-stream")
		_, _ = rw.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A server answering with real exports of another date: the footer check
// refuses them instead of storing them under the requested date.
func TestHTTPFooterMismatch(t *testing.T) {
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 2, ClubsPerDistrict: 5, Seed: 3})
	dates := w.AsOfDates()
	served := dates[len(dates)-1]
	srv := worldServer(t, w, func(_ normalize.ReportKind, id string) (string, string) { return id, served })
	c := quickHTTP(srv.URL)
	_, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportSummary, Date: dates[len(dates)-3]})
	if !errors.Is(err, normalize.ErrFooterMismatch) {
		t.Fatalf("got %v, want ErrFooterMismatch", err)
	}
}

// A server answering with another district's report of the right date:
// header and footer check out, the district check refuses it instead of
// storing it under the requested district.
func TestHTTPWrongDistrict(t *testing.T) {
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 2, ClubsPerDistrict: 5, Seed: 3})
	dates := w.AsOfDates()
	date := dates[len(dates)-3]
	ids := w.Districts(date)
	asked, served := ids[0], ids[1]
	srv := worldServer(t, w, func(normalize.ReportKind, string) (string, string) { return served, date })
	c := quickHTTP(srv.URL)
	for _, kind := range []normalize.ReportKind{normalize.ReportClub, normalize.ReportDivision, normalize.ReportDistrict} {
		d, err := c.Fetch(context.Background(), Request{Kind: kind, DistrictID: asked, Date: date})
		if d != nil || !errors.Is(err, normalize.ErrWrongDistrict) || !strings.Contains(err.Error(), served) {
			t.Errorf("%s of %s answered with %s's: got %v, %v; want ErrWrongDistrict naming %s", kind, asked, served, d, err, served)
		}
	}
	// The latest data (no date) is checked the same way.
	if _, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: asked}); !errors.Is(err, normalize.ErrWrongDistrict) {
		t.Errorf("latest club report of %s answered with %s's: %v", asked, served, err)
	}
	// The same server is right for the district it serves.
	if _, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: served, Date: date}); err != nil {
		t.Errorf("%s's own report: %v", served, err)
	}
}

// 503 with Retry-After is retried after the server's delay, then succeeds.
func TestHTTPRetryAfter(t *testing.T) {
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 2, ClubsPerDistrict: 5, Seed: 3})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			rw.Header().Set("Retry-After", "1")
			http.Error(rw, "busy", http.StatusServiceUnavailable)
			return
		}
		b, _ := w.CSV(normalize.ReportSummary, "", w.Newest())
		_, _ = rw.Write(b)
	}))
	defer srv.Close()
	var waited time.Duration
	c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	inner := c.client.Backoff
	c.client.Backoff = func(lo, hi time.Duration, n int, resp *http.Response) time.Duration {
		waited = inner(lo, hi, n, resp)
		return time.Millisecond
	}
	d, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportSummary})
	if err != nil {
		t.Fatal(err)
	}
	if d.AsOfDate != w.Newest() || calls.Load() != 2 || waited != time.Second {
		t.Errorf("as of %s after %d calls, backoff %v (want 1s from Retry-After)", d.AsOfDate, calls.Load(), waited)
	}
}

// A dashboard that is down behind its gateway answers 502, 503 or 504 to
// every retry: that is the dashboard being unavailable (the CLI's exit 3),
// like a refused connection. A 500 is the dashboard failing one request
// (an ASP.NET error page, spec §1.5 rule A), and redirects are errors
// pages: neither is.
func TestStatusErrorUnavailable(t *testing.T) {
	for _, tc := range []struct {
		code                     int
		unavailable, status, red bool
	}{
		{302, false, true, true},
		{404, false, true, false},
		{429, false, true, false},
		{500, false, true, false},
		{502, true, true, false},
		{503, true, true, false},
		{504, true, true, false},
	} {
		err := error(&FetchError{Err: &StatusError{URL: "u", Code: tc.code, Attempts: 4}})
		if errors.Is(err, ErrUnavailable) != tc.unavailable || errors.Is(err, ErrStatus) != tc.status || errors.Is(err, ErrRedirect) != tc.red {
			t.Errorf("HTTP %d: Is(ErrUnavailable)=%v Is(ErrStatus)=%v Is(ErrRedirect)=%v, want %v %v %v", tc.code,
				errors.Is(err, ErrUnavailable), errors.Is(err, ErrStatus), errors.Is(err, ErrRedirect), tc.unavailable, tc.status, tc.red)
		}
	}
}

func TestJitterBackoff(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := jitterBackoff(time.Minute, func() time.Time { return now })
	resp := func(code int, ra string) *http.Response {
		h := http.Header{}
		if ra != "" {
			h.Set("Retry-After", ra)
		}
		return &http.Response{StatusCode: code, Header: h}
	}
	if got := b(time.Second, 30*time.Second, 0, resp(503, "7")); got != 7*time.Second {
		t.Errorf("Retry-After 7: %v", got)
	}
	if got := b(time.Second, 30*time.Second, 0, resp(429, "3600")); got != time.Minute {
		t.Errorf("Retry-After capped: %v", got)
	}
	if got := b(time.Second, 30*time.Second, 0, resp(503, now.Add(20*time.Second).Format(http.TimeFormat))); got != 20*time.Second {
		t.Errorf("Retry-After date: %v", got)
	}
	seen := map[time.Duration]bool{}
	for attempt := 0; attempt < 8; attempt++ {
		for i := 0; i < 50; i++ {
			got := b(time.Second, 30*time.Second, attempt, resp(500, ""))
			ceil := min(time.Second<<attempt, 30*time.Second)
			if got < time.Second || got > ceil {
				t.Fatalf("attempt %d: %v outside [1s, %v]", attempt, got, ceil)
			}
			seen[got] = true
		}
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct waits: no jitter?", len(seen))
	}
}

func TestHTTPCancel(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	srv.SetFailure(dashboardtest.FailSlow)
	c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := c.Fetch(ctx, Request{Kind: normalize.ReportSummary, Date: w.Newest()})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestValidRequest(t *testing.T) {
	for _, r := range []Request{
		{Kind: "nope"},
		{Kind: normalize.ReportSummary, DistrictID: "61"},
		{Kind: normalize.ReportClub},
		{Kind: normalize.ReportClub, DistrictID: "6 1"},
		{Kind: normalize.ReportClub, DistrictID: "61&x=1"},
		{Kind: normalize.ReportClub, DistrictID: "61", Date: "2025-02-30"},
	} {
		if validRequest(r) == nil {
			t.Errorf("%+v accepted", r)
		}
	}
}

// The body guard: a 200 answer that is another report, an HTML page or a
// body of the wrong date is refused, whatever the status says.
func TestHTTPBodyGuard(t *testing.T) {
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 2, ClubsPerDistrict: 5, Seed: 3})
	date := w.Newest()
	id := w.Districts(date)[0]
	var body atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.RawQuery, "districtsummary") {
			b, _ := w.CSV(normalize.ReportSummary, "", date)
			_, _ = rw.Write(b)
			return
		}
		_, _ = rw.Write(body.Load().([]byte))
	}))
	defer srv.Close()
	club, _ := w.CSV(normalize.ReportClub, id, date)
	division, _ := w.CSV(normalize.ReportDivision, id, date)
	older, _ := w.CSV(normalize.ReportClub, id, w.AsOfDates()[0])
	cases := []struct {
		name string
		body []byte
		want error
	}{
		{"another report's header", division, normalize.ErrWrongHeader},
		{"HTML page", []byte("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\r\n<html><head><title>Toastmasters International</title></head><body>error</body></html>"), normalize.ErrHTMLPage},
		{"another date", older, normalize.ErrFooterMismatch},
		{"empty body", []byte{}, normalize.ErrMalformed},
		{"the right report", club, nil},
	}
	c := quickHTTP(srv.URL)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body.Store(tc.body)
			d, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: id, Date: date})
			if tc.want == nil {
				if err != nil || !bytes.Equal(d.Data, club) {
					t.Fatalf("refused the right report: %v", err)
				}
				return
			}
			if d != nil || !errors.Is(err, tc.want) {
				t.Errorf("got %v, %v; want %v", d, err, tc.want)
			}
		})
	}
}

// The limiter is waited on before every request: with a budget of three
// requests, the fourth waits (here until its context ends) and never reaches
// the dashboard.
func TestHTTPRateLimit(t *testing.T) {
	w, srv := smallWorld(t, dashboardtest.Config{})
	lim := rate.NewLimiter(rate.Every(time.Hour), 3)
	c := NewHTTPClient(HTTPOptions{BaseURL: srv.URL, Limiter: lim})
	date := pickDate(t, w, normalDate)
	for _, id := range w.Districts(date)[:2] { // probe + 2 exports
		if _, err := c.Fetch(context.Background(), Request{Kind: normalize.ReportClub, DistrictID: id, Date: date}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.Fetch(ctx, Request{Kind: normalize.ReportClub, DistrictID: w.Districts(date)[2], Date: date})
	if !errors.Is(err, context.DeadlineExceeded) || srv.ExportRequests() != 3 {
		t.Errorf("got %v after %d requests; want the 4th held back", err, srv.ExportRequests())
	}
}
