package scrape

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// The retry policy of both modes. The HTTPClient hands it to
// go-retryablehttp (RetryMax, Backoff, CheckRetry); the browser Scraper runs
// it with retryPolicy.do. Either way a failed attempt is tried again after a
// jittered exponential backoff when it is one retrying can mend (a network
// error, a timeout, HTTP 429 or a 5xx other than 501) and never otherwise (a
// redirect to error.aspx, an HTML page, a wrong body); after the last
// attempt, 502, 503, 504, network errors and timeouts are ErrUnavailable
// (the CLI's exit 3). A failed attempt that a retry may still mend is
// logged at Info ("attempt failed"), never as an error: whether the request
// failed is for the caller to say, after the last attempt.

// Defaults of the retry policy (HTTPOptions, BrowserOptions).
const (
	defaultRetries       = 3
	defaultRetryWaitMin  = time.Second
	defaultRetryWaitMax  = 30 * time.Second
	defaultMaxRetryAfter = 2 * time.Minute
)

// retryPolicy is how often and after how long a failed attempt is tried
// again.
type retryPolicy struct {
	retries          int // after the first attempt
	waitMin, waitMax time.Duration
	backoff          retryablehttp.Backoff
}

// newRetryPolicy applies the defaults: retries 0 means defaultRetries and a
// negative count none; waits <= 0 take the defaults.
func newRetryPolicy(retries int, waitMin, waitMax, maxRetryAfter time.Duration, now func() time.Time) retryPolicy {
	if retries == 0 {
		retries = defaultRetries
	} else if retries < 0 {
		retries = 0
	}
	if waitMin <= 0 {
		waitMin = defaultRetryWaitMin
	}
	if waitMax <= 0 {
		waitMax = defaultRetryWaitMax
	}
	if waitMax < waitMin {
		waitMax = waitMin
	}
	if maxRetryAfter <= 0 {
		maxRetryAfter = defaultMaxRetryAfter
	}
	if now == nil {
		now = time.Now
	}
	return retryPolicy{retries: retries, waitMin: waitMin, waitMax: waitMax, backoff: jitterBackoff(maxRetryAfter, now)}
}

// retryableStatus reports whether an HTTP status is worth another attempt:
// 429 and the 5xx answers but 501 (go-retryablehttp's rule, which the HTTP
// mode relies on too).
func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code >= 500 && code != http.StatusNotImplemented
}

// checkRetry is the go-retryablehttp CheckRetry of the HTTP mode: network
// errors and timeouts are retried unless the library knows them permanent
// (a bad URL scheme, a TLS certificate); answers by retryableStatus.
func (p retryPolicy) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if errors.Is(err, errNoTurn) {
		return false, nil
	}
	if err != nil || resp == nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	return retryableStatus(resp.StatusCode), nil
}

// retryableErr is the same rule for an attempt that ended in an error
// rather than an answer (the browser mode): a *StatusError by
// retryableStatus, and ErrUnavailable (the page or the export could not be
// reached, or did not answer in time).
func retryableErr(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if se := (*StatusError)(nil); errors.As(err, &se) {
		return retryableStatus(se.Code)
	}
	return errors.Is(err, ErrUnavailable)
}

// do runs attempt until it succeeds, fails in a way retryable says no retry
// can mend, or the retries run out, waiting the backoff between attempts.
// Cancelling ctx ends the wait at once. The error is the last attempt's,
// with the number of attempts made: a *StatusError's Attempts field, or
// "after N attempt(s)" added to any other error that was retried.
func (p retryPolicy) do(ctx context.Context, log *slog.Logger, what string, retryable func(error) bool, attempt func() error) error {
	for i := 0; ; i++ {
		err := attempt()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		if i >= p.retries || !retryable(err) {
			return withAttempts(err, i+1)
		}
		wait := p.backoff(p.waitMin, p.waitMax, i, nil)
		log.InfoContext(ctx, "attempt failed", "what", what, "attempt", i+1, "attempts", p.retries+1, "retry_in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (waiting to retry after: %v)", ctx.Err(), err)
		}
	}
}

// withAttempts records how many attempts ended in err.
func withAttempts(err error, n int) error {
	if se := (*StatusError)(nil); errors.As(err, &se) {
		se.Attempts = n
		return err
	}
	if n == 1 {
		return err
	}
	return fmt.Errorf("%w (after %d attempt(s))", err, n)
}

// jitterBackoff honours Retry-After (capped) on 429/5xx and otherwise waits a
// random time in [min, min·2^attempt], capped at max ("full jitter").
func jitterBackoff(maxRetryAfter time.Duration, now func() time.Time) retryablehttp.Backoff {
	return func(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
		if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500) {
			if d, ok := retryAfter(resp.Header.Get("Retry-After"), now()); ok {
				return min(d, maxRetryAfter)
			}
		}
		ceil := hi
		if attempt < 30 {
			if c := lo << attempt; c > 0 && c < hi {
				ceil = c
			}
		}
		if ceil <= lo {
			return lo
		}
		return lo + rand.N(ceil-lo+1)
	}
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(h string, now time.Time) (time.Duration, bool) {
	if h == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(h); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	t, err := http.ParseTime(h)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}
