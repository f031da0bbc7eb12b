package api

import (
	"math"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Per-client rate limiting (golang.org/x/time/rate token buckets).

// withRateLimit answers 429 RATE_LIMITED (with Retry-After) to a client
// over its rate; /health is never limited.
func (s *Server) withRateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			if ok, retry := s.limiter.allow(clientIP(r)); !ok {
				ae := errorf(http.StatusTooManyRequests, "RATE_LIMITED", "Too many requests", nil)
				ae.RetryAfter = retry
				respondError(w, r, ae)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// clientLimiter is a token bucket per client IP.
type clientLimiter struct {
	limit rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*limiterEntry
	stop  chan struct{}
	done  chan struct{}
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newClientLimiter(perSecond float64, burst int) *clientLimiter {
	c := &clientLimiter{limit: rate.Limit(perSecond), burst: burst, m: map[string]*limiterEntry{}, stop: make(chan struct{}), done: make(chan struct{})}
	if c.burst < 1 {
		c.burst = 1
	}
	if perSecond <= 0 {
		close(c.done)
		return c
	}
	go c.sweep()
	return c
}

// allow reports whether the client may proceed and, if not, how many
// seconds it should wait.
func (c *clientLimiter) allow(ip string) (bool, int) {
	if c.limit <= 0 {
		return true, 0
	}
	now := time.Now()
	c.mu.Lock()
	e := c.m[ip]
	if e == nil {
		e = &limiterEntry{lim: rate.NewLimiter(c.limit, c.burst)}
		c.m[ip] = e
	}
	e.seen = now
	c.mu.Unlock()
	if e.lim.AllowN(now, 1) {
		return true, 0
	}
	wait := math.Ceil(1 / float64(c.limit))
	if wait < 1 {
		wait = 1
	}
	return false, int(wait)
}

// sweep forgets clients idle for ten minutes.
func (c *clientLimiter) sweep() {
	defer close(c.done)
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case now := <-t.C:
			c.mu.Lock()
			for ip, e := range c.m {
				if now.Sub(e.seen) > 10*time.Minute {
					delete(c.m, ip)
				}
			}
			c.mu.Unlock()
		}
	}
}

func (c *clientLimiter) close() {
	select {
	case <-c.stop:
	default:
		if c.limit > 0 {
			close(c.stop)
		}
	}
	<-c.done
}
