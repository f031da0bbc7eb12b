package scrape

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/snapshot"
)

// DefaultBaseURL is the real dashboard.
const DefaultBaseURL = "https://dashboards.toastmasters.org"

// DefaultUserAgent is sent by the HTTP client.
const DefaultUserAgent = "toaststats/1 (+https://github.com/toaststats/toaststats; daily statistics collection)"

// maxBody bounds an export body; the largest real export is a few MB.
const maxBody = 64 << 20

// HTTPOptions configures an HTTPClient. The zero value of every field picks a default.
type HTTPOptions struct {
	BaseURL string // default DefaultBaseURL
	// Timeout bounds one attempt (connect, headers and body). Default 60 s.
	Timeout time.Duration
	// Retries after the first attempt on network errors, timeouts, 429 and
	// 5xx but 501 (the rule of retry.go, shared with the browser Scraper).
	// Default 3 (four attempts); negative means none.
	Retries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff with
	// jitter. Defaults 1 s and 30 s.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRetryAfter caps a server's Retry-After. Default 2 min.
	MaxRetryAfter time.Duration
	// Limiter, when set, is waited on before every request to the
	// dashboard, each retried attempt included (see ratelimit.go), so its
	// rate bounds this client's requests per second; the wait does not
	// count against Timeout. Share one Limiter to pace several clients
	// together.
	Limiter   *rate.Limiter
	UserAgent string // default DefaultUserAgent
	Logger    *slog.Logger
	// Transport replaces the HTTP transport (tests, proxies).
	Transport http.RoundTripper
	// LiveYearTTL is how long the live program year learnt from the
	// dashboard is trusted. Default 10 min.
	LiveYearTTL time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// HTTPClient is the fast mode: it builds export descriptors itself (spec §1.5)
// and downloads export.aspx with go-retryablehttp. Redirects are never
// followed, and every body goes through the report guard before it is
// returned. Safe for concurrent use.
type HTTPClient struct {
	opts   HTTPOptions
	log    *slog.Logger
	client *retryablehttp.Client
	hc     *http.Client

	mu       sync.Mutex
	livePY   string
	liveSeen time.Time
}

var _ Fetcher = (*HTTPClient)(nil)

// NewHTTPClient returns an HTTP export client.
func NewHTTPClient(opts HTTPOptions) *HTTPClient {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.LiveYearTTL <= 0 {
		opts.LiveYearTTL = 10 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	retry := newRetryPolicy(opts.Retries, opts.RetryWaitMin, opts.RetryWaitMax, opts.MaxRetryAfter, opts.Now)
	opts.Retries, opts.RetryWaitMin, opts.RetryWaitMax = retry.retries, retry.waitMin, retry.waitMax
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tr := opts.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 16
		tr = t
	}
	hc := &http.Client{
		// The per-attempt timeout and the rate limit live in the transport,
		// so that waiting for the limiter does not eat into the timeout.
		Transport: &attemptTransport{base: tr, lim: opts.Limiter, timeout: opts.Timeout},
		// Failures arrive as 302 to error.aspx: never follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	rc := &retryablehttp.Client{
		HTTPClient:   hc,
		RetryWaitMin: retry.waitMin,
		RetryWaitMax: retry.waitMax,
		RetryMax:     retry.retries,
		CheckRetry:   retry.checkRetry,
		Backoff:      retry.backoff,
		ErrorHandler: giveUp,
	}
	if opts.Logger != nil {
		rc.Logger = attemptLog{opts.Logger}
	}
	return &HTTPClient{opts: opts, log: log, client: rc, hc: hc}
}

// Close releases idle connections.
func (c *HTTPClient) Close() error {
	c.hc.CloseIdleConnections()
	return nil
}

// attemptLog is the logger go-retryablehttp gets. It logs every failed
// attempt as an error ("request failed"), even one that a retry then
// mends; whether the request failed is for the caller to say, after the
// last attempt. So a failed attempt is logged at Info, as "attempt failed".
type attemptLog struct{ l *slog.Logger }

func (a attemptLog) Error(msg string, kv ...any) { a.l.Info("attempt failed: "+msg, kv...) }
func (a attemptLog) Info(msg string, kv ...any)  { a.l.Info(msg, kv...) }
func (a attemptLog) Debug(msg string, kv ...any) { a.l.Debug(msg, kv...) }
func (a attemptLog) Warn(msg string, kv ...any)  { a.l.Warn(msg, kv...) }

// attemptTransport waits for the rate limiter before every attempt and
// bounds each attempt (headers and body) by a timeout.
type attemptTransport struct {
	base    http.RoundTripper
	lim     *rate.Limiter
	timeout time.Duration
}

// RoundTrip implements http.RoundTripper.
func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := waitTurn(ctx, t.lim); err != nil {
		return nil, err
	}
	actx, cancel := context.WithTimeout(ctx, t.timeout)
	resp, err := t.base.RoundTrip(req.WithContext(actx))
	if err != nil {
		cancel()
		if actx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			return nil, fmt.Errorf("attempt timed out after %s: %w", t.timeout, err)
		}
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose releases an attempt's context when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// givingUpError is the last error once retries ran out.
type givingUpError struct {
	attempts int
	err      error
}

func (e *givingUpError) Error() string {
	return fmt.Sprintf("giving up after %d attempt(s): %v", e.attempts, e.err)
}

func (e *givingUpError) Unwrap() error { return e.err }

// giveUp is the retryablehttp ErrorHandler: a final non-200 answer becomes a
// *StatusError (URL filled in by get), anything else a *givingUpError.
func giveUp(resp *http.Response, err error, n int) (*http.Response, error) {
	if resp != nil && resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		return nil, &StatusError{Code: resp.StatusCode, Attempts: n}
	}
	if resp != nil {
		resp.Body.Close()
	}
	if err == nil {
		err = errors.New("request failed")
	}
	return nil, &givingUpError{attempts: n, err: err}
}

// get downloads one URL: the body of a 200 answer, a *StatusError for any
// other status (redirects included), ErrUnavailable when retries ran out on
// network errors or timeouts.
func (c *HTTPClient) get(ctx context.Context, u string) ([]byte, error) {
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("build request %s: %w", u, err)
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", "text/csv,application/octet-stream;q=0.9,*/*;q=0.1")
	var body []byte
	req.SetResponseHandler(func(resp *http.Response) error {
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil // the status is judged below
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
		if err != nil {
			return fmt.Errorf("read body: %w", err) // retried like a timeout
		}
		if len(b) > maxBody {
			return fmt.Errorf("body larger than %d bytes", maxBody)
		}
		body = b
		return nil
	})
	resp, err := c.client.Do(req)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("GET %s: %w", u, ctx.Err())
	}
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) {
			se.URL = u
			return nil, se
		}
		attempts := 1
		var ge *givingUpError
		if errors.As(err, &ge) {
			attempts, err = ge.attempts, ge.err
		}
		if errors.Is(err, errNoTurn) {
			return nil, err // Get "<u>": the rate limiter allows no request at all (...)
		}
		return nil, fmt.Errorf("%w: GET %s after %d attempt(s): %v", ErrUnavailable, u, attempts, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{URL: u, Code: resp.StatusCode, Location: resp.Header.Get("Location"), Attempts: 1}
	}
	return body, nil
}

// liveYear is the program year the dashboard serves at its root, learnt from
// the footer of the root's current summary (not from today's date: the new
// year appears weeks after July 1).
func (c *HTTPClient) liveYear(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.livePY != "" && c.opts.Now().Sub(c.liveSeen) < c.opts.LiveYearTTL {
		return c.livePY, nil
	}
	d, err := c.fetchLatest(ctx, Request{Kind: normalize.ReportSummary})
	if err != nil {
		return "", fmt.Errorf("learn the live program year: %w", err)
	}
	c.livePY, c.liveSeen = d.ProgramYear, c.opts.Now()
	return c.livePY, nil
}

// noteLive records the live year seen in a root answer.
func (c *HTTPClient) noteLive(py string) {
	c.mu.Lock()
	c.livePY, c.liveSeen = py, c.opts.Now()
	c.mu.Unlock()
}

// Fetch downloads one export. With a date it asks the data month holding
// that as-of date (then the previous month, for closing periods), on the
// root path for the live year and on /{PY}/ for closed years, and accepts
// only a body whose footer says exactly that as-of date and month.
func (c *HTTPClient) Fetch(ctx context.Context, req Request) (*Download, error) {
	d, err := c.fetch(ctx, req)
	if err != nil {
		return nil, &FetchError{Request: req, Err: err}
	}
	return d, nil
}

func (c *HTTPClient) fetch(ctx context.Context, req Request) (*Download, error) {
	if err := validRequest(req); err != nil {
		return nil, err
	}
	if req.Date == "" {
		d, err := c.fetchLatest(ctx, req)
		if err == nil {
			c.noteLive(d.ProgramYear)
		}
		return d, err
	}
	asOf, _ := ParseDate(req.Date)
	live, err := c.liveYear(ctx)
	if err != nil {
		return nil, err
	}
	var tried []string
	for _, cand := range requestCandidates(req, asOf, live) {
		u := ExportURL(c.opts.BaseURL, cand.ProgramYear, cand.Live, Descriptor(req.Kind, req.DistrictID, cand.MonthEnd, asOf, cand.ProgramYear))
		body, err := c.get(ctx, u)
		if err != nil {
			return nil, err
		}
		footer, rows, err := normalize.CheckReportWant(req.Kind, u, body, normalize.Want{DistrictID: req.DistrictID, AsOfDate: req.Date, DataMonth: cand.DataMonth})
		if errors.Is(err, normalize.ErrNoRows) {
			c.log.DebugContext(ctx, "no rows for candidate month", "request", req.String(), "month", cand.DataMonth)
			tried = append(tried, cand.DataMonth)
			continue
		}
		if err != nil {
			return nil, err
		}
		if !footer.Found {
			return nil, fmt.Errorf("%s: no footer, cannot verify the as-of date: %w", u, normalize.ErrFooterMismatch)
		}
		return &Download{Request: req, Data: body, Footer: footer, AsOfDate: footer.AsOfDate, DataMonth: footer.DataMonth,
			ProgramYear: programYearOfMonth(footer.DataMonth), Rows: rows, URL: u, Source: SourceHTTP}, nil
	}
	return nil, fmt.Errorf("%w: as of %s (live year %s, months tried %v)", ErrNotPublished, req.Date, live, tried)
}

// fetchLatest asks the root for the current data (both date slots empty).
func (c *HTTPClient) fetchLatest(ctx context.Context, req Request) (*Download, error) {
	now := c.opts.Now().UTC()
	py := programYear(now.Year(), now.Month()) // the root ignores this token (rule B)
	u := ExportURL(c.opts.BaseURL, py, true, Descriptor(req.Kind, req.DistrictID, time.Time{}, time.Time{}, py))
	body, err := c.get(ctx, u)
	if err != nil {
		return nil, err
	}
	footer, rows, err := normalize.CheckReportWant(req.Kind, u, body, normalize.Want{DistrictID: req.DistrictID})
	if err != nil {
		return nil, err
	}
	if !footer.Found {
		return nil, fmt.Errorf("%s: no footer, cannot tell the as-of date: %w", u, normalize.ErrFooterMismatch)
	}
	return &Download{Request: req, Data: body, Footer: footer, AsOfDate: footer.AsOfDate, DataMonth: footer.DataMonth,
		ProgramYear: programYearOfMonth(footer.DataMonth), Rows: rows, URL: u, Source: SourceHTTP}, nil
}

// validRequest checks a request's kind, district id and date.
func validRequest(req Request) error {
	switch req.Kind {
	case normalize.ReportSummary:
		if req.DistrictID != "" {
			return fmt.Errorf("summary report takes no district id (got %q)", req.DistrictID)
		}
	case normalize.ReportDistrict, normalize.ReportDivision, normalize.ReportClub:
		if !snapshot.IsDistrictID(req.DistrictID) {
			return fmt.Errorf("invalid district id %q", req.DistrictID)
		}
	default:
		return fmt.Errorf("unknown report %q", req.Kind)
	}
	if req.Date != "" {
		if _, err := ParseDate(req.Date); err != nil {
			return err
		}
	}
	if req.DataMonth != "" {
		if _, err := time.Parse("2006-01", req.DataMonth); err != nil || len(req.DataMonth) != 7 {
			return fmt.Errorf("%w: data month %q (want YYYY-MM)", ErrInvalidDate, req.DataMonth)
		}
	}
	return nil
}
