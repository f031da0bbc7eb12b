package api

import (
	"sort"
	"sync"
	"time"
)

// readLatencies keeps the most recent data-read latencies, split by whether
// a build was running, so the process-separation routes can report how
// builds affect reads from real measurements.
type readLatencies struct {
	mu     sync.Mutex
	idle   ring
	during ring
}

type ring struct {
	buf  []time.Duration
	next int
	full bool
}

func newReadLatencies(n int) *readLatencies {
	return &readLatencies{idle: ring{buf: make([]time.Duration, n)}, during: ring{buf: make([]time.Duration, n)}}
}

func (r *ring) add(d time.Duration) {
	r.buf[r.next] = d
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
}

func (r *ring) values() []time.Duration {
	n := r.next
	if r.full {
		n = len(r.buf)
	}
	return append([]time.Duration(nil), r.buf[:n]...)
}

func (l *readLatencies) record(d time.Duration, building bool) {
	l.mu.Lock()
	if building {
		l.during.add(d)
	} else {
		l.idle.add(d)
	}
	l.mu.Unlock()
}

func (l *readLatencies) snapshot() (idle, during latencySummary) {
	l.mu.Lock()
	iv, dv := l.idle.values(), l.during.values()
	l.mu.Unlock()
	return summarize(iv), summarize(dv)
}

func (l *readLatencies) reset() {
	l.mu.Lock()
	l.idle.next, l.idle.full = 0, false
	l.during.next, l.during.full = 0, false
	l.mu.Unlock()
}

// latencySummary describes a set of latencies in milliseconds.
type latencySummary struct {
	Count int     `json:"count"`
	P50Ms float64 `json:"p50_ms"`
	P95Ms float64 `json:"p95_ms"`
	P99Ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
}

func summarize(ds []time.Duration) latencySummary {
	if len(ds) == 0 {
		return latencySummary{}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	q := func(p float64) float64 {
		i := int(p*float64(len(ds)-1) + 0.5)
		return ms(ds[i])
	}
	return latencySummary{Count: len(ds), P50Ms: q(0.50), P95Ms: q(0.95), P99Ms: q(0.99), MaxMs: ms(ds[len(ds)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
