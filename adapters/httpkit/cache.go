package httpkit

import (
	"sync/atomic"
	"time"

	gocache "github.com/patrickmn/go-cache"
)

// ResponseCache keeps built Responses by key within a byte budget, for a
// server whose answer for a key never changes (the key names the version of
// the data the answer comes from). Entries expire after a time to live;
// there is no janitor goroutine: expired entries are dropped when the budget
// flushes the cache and on Flush. A ResponseCache is safe for concurrent
// use.
type ResponseCache struct {
	c   *gocache.Cache
	max int64
	// bytes approximates what the cache holds: bodies and keys, and gzip
	// variants once made (reset on flush; expiries are not subtracted, so
	// it over-counts and flushes early).
	bytes        atomic.Int64
	hits, misses atomic.Uint64
}

// NewResponseCache returns an empty cache of about maxBytes whose entries
// live for ttl.
func NewResponseCache(maxBytes int64, ttl time.Duration) *ResponseCache {
	return &ResponseCache{c: gocache.New(ttl, 0), max: maxBytes}
}

// Get returns the Response cached under key, building it with build when
// absent (a failed build is returned and not cached). A Response bigger
// than 3/8 of the budget is returned but not kept; when keeping one would
// exceed the budget, the cache is flushed first. A kept Response counts
// its body and key at once and its gzip variant when the first client that
// accepts gzip makes it, if it is still the cached answer for key then.
func (c *ResponseCache) Get(key string, build func() (*Response, error)) (*Response, error) {
	if v, ok := c.c.Get(key); ok {
		c.hits.Add(1)
		return v.(*Response), nil
	}
	c.misses.Add(1)
	e, err := build()
	if err != nil {
		return nil, err
	}
	size := int64(e.size + len(key))
	if size > c.max*3/8 {
		return e, nil // too big to keep
	}
	e.OnGzip(func(n int) {
		if v, ok := c.c.Get(key); ok && v == e {
			c.bytes.Add(int64(n))
		}
	})
	if c.bytes.Add(size) > c.max {
		c.c.Flush()
		c.bytes.Store(size)
	}
	c.c.SetDefault(key, e)
	return e, nil
}

// Flush empties the cache and returns how many entries and about how many
// bytes it held.
func (c *ResponseCache) Flush() (entries int, bytes int64) {
	entries, bytes = c.c.ItemCount(), c.bytes.Load()
	c.c.Flush()
	c.bytes.Store(0)
	return entries, bytes
}

// Bytes is about how many bytes the cache holds (see Get).
func (c *ResponseCache) Bytes() int64 { return c.bytes.Load() }

// Hits counts the Gets answered from the cache.
func (c *ResponseCache) Hits() uint64 { return c.hits.Load() }

// Misses counts the Gets that called build.
func (c *ResponseCache) Misses() uint64 { return c.misses.Load() }
