package httpkit

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a token bucket (golang.org/x/time/rate) per client key,
// usually the client IP. Clients idle for ten minutes are forgotten by a
// sweeping goroutine that Close stops.
type Limiter struct {
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

// NewLimiter allows each client perSecond requests per second steadily and
// bursts of burst (at least 1). perSecond ≤ 0 (or NaN) allows everything
// and starts no goroutine.
func NewLimiter(perSecond float64, burst int) *Limiter {
	c := &Limiter{limit: rate.Limit(perSecond), burst: burst, m: map[string]*limiterEntry{}, stop: make(chan struct{}), done: make(chan struct{})}
	if c.burst < 1 {
		c.burst = 1
	}
	if !(perSecond > 0) {
		c.limit = 0 // NaN too: Allow and Close then agree that there is no limit
		close(c.done)
		return c
	}
	go c.sweep()
	return c
}

// Allow reports whether the client may proceed and, if not, how many whole
// seconds it should wait (the time one token takes to come back, at least
// 1), for a Retry-After header.
func (c *Limiter) Allow(client string) (bool, int) {
	if c.limit <= 0 {
		return true, 0
	}
	now := time.Now()
	c.mu.Lock()
	e := c.m[client]
	if e == nil {
		e = &limiterEntry{lim: rate.NewLimiter(c.limit, c.burst)}
		c.m[client] = e
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
func (c *Limiter) sweep() {
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

// Close stops the sweeping goroutine and waits for it; it may be called
// more than once (not concurrently).
func (c *Limiter) Close() {
	select {
	case <-c.stop:
	default:
		if c.limit > 0 {
			close(c.stop)
		}
	}
	<-c.done
}
