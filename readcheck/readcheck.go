// Package readcheck measures how fast a snapshot store answers reads and
// whether builds slow them down (what the predecessor called "process
// separation": reads must never wait for a build). It records request
// latencies split by whether a build was running (Recorder), times live
// probe reads of the current snapshot (Measure), rates the store's read
// cache (Performance), and judges the measurements (Judge). The API server's
// /api/admin/process-separation/* routes present what it returns.
package readcheck

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/toaststats/toaststats/store"
)

// ReadTimeLimit is the read latency above which reads are said to depend on
// builds (the predecessor's limit).
const ReadTimeLimit = 1500 * time.Millisecond

// Summary describes a set of latencies in milliseconds.
type Summary struct {
	Count int     `json:"count"`
	P50Ms float64 `json:"p50_ms"`
	P95Ms float64 `json:"p95_ms"`
	P99Ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
}

// Summarize sorts ds and summarises it: the quantile q is the element at
// the rounded position q·(n−1).
func Summarize(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	q := func(p float64) float64 { return Ms(ds[int(p*float64(len(ds)-1)+0.5)]) }
	return Summary{Count: len(ds), P50Ms: q(0.50), P95Ms: q(0.95), P99Ms: q(0.99), MaxMs: Ms(ds[len(ds)-1])}
}

// Ms is d in milliseconds, to the microsecond.
func Ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Recorder keeps the most recent read latencies, split by whether a build
// was running. It is safe for concurrent use.
type Recorder struct {
	mu     sync.Mutex
	idle   ring
	during ring
}

type ring struct {
	buf  []time.Duration
	next int
	full bool
}

// NewRecorder keeps the last n latencies of each kind.
func NewRecorder(n int) *Recorder {
	return &Recorder{idle: ring{buf: make([]time.Duration, n)}, during: ring{buf: make([]time.Duration, n)}}
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

// Record notes one read that took d; building says whether a build ran.
func (l *Recorder) Record(d time.Duration, building bool) {
	l.mu.Lock()
	if building {
		l.during.add(d)
	} else {
		l.idle.add(d)
	}
	l.mu.Unlock()
}

// Summaries summarises the recorded reads without and during builds.
func (l *Recorder) Summaries() (idle, during Summary) {
	l.mu.Lock()
	iv, dv := l.idle.values(), l.during.values()
	l.mu.Unlock()
	return Summarize(iv), Summarize(dv)
}

// Reset forgets every recorded read.
func (l *Recorder) Reset() {
	l.mu.Lock()
	l.idle.next, l.idle.full = 0, false
	l.during.next, l.during.full = 0, false
	l.mu.Unlock()
}

// StorePerformance is the snapshot store's read statistics with its cache
// hit rate.
type StorePerformance struct {
	TotalReads         int64   `json:"totalReads"`
	CacheHits          int64   `json:"cacheHits"`
	CacheMisses        int64   `json:"cacheMisses"`
	AverageReadTime    float64 `json:"averageReadTime"` // ms
	MaxReadTime        float64 `json:"maxReadTime"`     // ms
	ConcurrentReads    int64   `json:"concurrentReads"`
	MaxConcurrentReads int64   `json:"maxConcurrentReads"`
	// CacheHitRatePercent is hits/reads in percent, rounded to two
	// decimals; CacheEfficiency rates it: good from 80 %, fair from 50 %,
	// poor below, no_data before the first read.
	CacheHitRatePercent float64 `json:"cache_hit_rate_percent"`
	CacheEfficiency     string  `json:"cache_efficiency"`
}

// Performance rates the store's read statistics.
func Performance(st store.Stats) StorePerformance {
	rate, eff := 0.0, "no_data"
	if st.Reads > 0 {
		rate = float64(st.CacheHits) / float64(st.Reads) * 100
		switch {
		case rate >= 80:
			eff = "good"
		case rate >= 50:
			eff = "fair"
		default:
			eff = "poor"
		}
	}
	return StorePerformance{TotalReads: st.Reads, CacheHits: st.CacheHits, CacheMisses: st.CacheMisses,
		AverageReadTime: Ms(st.AverageReadTime), MaxReadTime: Ms(st.MaxReadTime), ConcurrentReads: st.ConcurrentReads,
		MaxConcurrentReads: st.MaxConcurrentReads, CacheHitRatePercent: round2(rate), CacheEfficiency: eff}
}

func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }

// Measurements are the read latencies a verdict is based on.
type Measurements struct {
	// ProbeReads are live reads of the current snapshot (the pointer, the
	// rankings and one district); ProbeDuringBuild says a build ran during
	// one of them.
	ProbeReads       Summary `json:"probe_reads"`
	ProbeDuringBuild bool    `json:"probe_during_build"`
	// RequestsIdle and RequestsDuringBuild are the recorded reads.
	RequestsIdle        Summary          `json:"requests_idle"`
	RequestsDuringBuild Summary          `json:"requests_during_build"`
	ReadTimeLimitMs     float64          `json:"read_time_limit_ms"`
	BuildRunning        bool             `json:"build_running"`
	Store               StorePerformance `json:"store"`
}

// probeReads is how many reads Measure times.
const probeReads = 20

// Measure times twenty reads of the current snapshot of ss as a reader does
// them (the pointer, the rankings and one district) and adds the reads rec
// recorded and the store's read statistics. building reports whether a build
// runs. The error is the probe's (store.ErrNoSnapshot before the first
// snapshot); the measurements are filled either way.
func Measure(ctx context.Context, ss *store.SnapshotStore, rec *Recorder, building func() bool) (Measurements, error) {
	m := Measurements{ReadTimeLimitMs: Ms(ReadTimeLimit)}
	ds := make([]time.Duration, 0, probeReads)
	var err error
	for range probeReads {
		m.ProbeDuringBuild = m.ProbeDuringBuild || building()
		t := time.Now()
		if err = probe(ctx, ss); err != nil {
			ds = nil // a failed probe has no latencies
			break
		}
		ds = append(ds, time.Since(t))
	}
	m.ProbeReads = Summarize(ds)
	m.RequestsIdle, m.RequestsDuringBuild = rec.Summaries()
	m.Store = Performance(ss.Stats())
	return m, err
}

func probe(ctx context.Context, ss *store.SnapshotStore) error {
	v, err := ss.Current(ctx)
	if err != nil {
		return err
	}
	if _, err := v.Rankings(ctx); err != nil && !errors.Is(err, store.ErrNoRankings) {
		return err
	}
	if ids := v.DistrictIDs(); len(ids) > 0 {
		if _, err := v.District(ctx, ids[0]); err != nil {
			return err
		}
	}
	return nil
}

// Verdict judges Measurements.
type Verdict struct {
	// Issues say what is wrong, one sentence each; none means valid.
	Issues []string
	Valid  bool
	// ComplianceScore is 100 less 25 per issue, at least 0;
	// ComplianceStatus is compliant from 90, warning from 50,
	// non_compliant below.
	ComplianceScore  int
	ComplianceStatus string
	// Independent: the probe worked and reads during builds stay within
	// ReadTimeLimit at p99 (or none were measured).
	Independent         bool
	MeasuredDuringBuild bool
	// P99Ratio is the p99 during builds over the p99 idle, rounded to two
	// decimals (0 when either is unmeasured).
	P99Ratio float64
}

// Judge judges m: probeErr is Measure's error, hasBuilder whether the
// server builds snapshots at all.
func Judge(m Measurements, probeErr error, hasBuilder bool) Verdict {
	v := Verdict{Issues: []string{}}
	limit, during := m.ReadTimeLimitMs, m.RequestsDuringBuild
	switch {
	case errors.Is(probeErr, store.ErrNoSnapshot):
		v.Issues = append(v.Issues, "no current snapshot to read")
	case probeErr != nil:
		v.Issues = append(v.Issues, "probe read failed: "+probeErr.Error())
	}
	if m.ProbeReads.MaxMs > limit {
		v.Issues = append(v.Issues, fmt.Sprintf("probe read took %.1f ms (limit %.0f ms)", m.ProbeReads.MaxMs, limit))
	}
	if during.Count > 0 && during.P99Ms > limit {
		v.Issues = append(v.Issues, fmt.Sprintf("p99 of reads during builds is %.1f ms (limit %.0f ms)", during.P99Ms, limit))
	}
	if !hasBuilder {
		v.Issues = append(v.Issues, "no builder configured: this server does not build snapshots")
	}
	v.Valid = len(v.Issues) == 0
	v.ComplianceScore = max(100-25*len(v.Issues), 0)
	switch {
	case v.ComplianceScore >= 90:
		v.ComplianceStatus = "compliant"
	case v.ComplianceScore >= 50:
		v.ComplianceStatus = "warning"
	default:
		v.ComplianceStatus = "non_compliant"
	}
	v.Independent = probeErr == nil && (during.Count == 0 || during.P99Ms <= limit)
	v.MeasuredDuringBuild = during.Count > 0 || m.ProbeDuringBuild
	if m.RequestsIdle.P99Ms > 0 && during.Count > 0 {
		v.P99Ratio = round2(during.P99Ms / m.RequestsIdle.P99Ms)
	}
	return v
}
