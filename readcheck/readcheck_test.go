package readcheck

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/toaststats/toaststats/store"
)

// TestSummarize: quantile q is the element at round(q·(n−1)) of the sorted
// latencies. For 1..10 ms: p50 at round(4.5) = 5 → 6 ms, p95 at
// round(8.55) = 9 → 10 ms, p99 at round(8.91) = 9 → 10 ms.
func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for _, ms := range []int{7, 3, 10, 1, 9, 2, 8, 4, 6, 5} {
		ds = append(ds, time.Duration(ms)*time.Millisecond)
	}
	want := Summary{Count: 10, P50Ms: 6, P95Ms: 10, P99Ms: 10, MaxMs: 10}
	if got := Summarize(ds); got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
	if got := Summarize(nil); got != (Summary{}) {
		t.Errorf("Summarize(nil) = %+v", got)
	}
}

// TestRecorder keeps the last n reads of each kind.
func TestRecorder(t *testing.T) {
	r := NewRecorder(3)
	for ms := 1; ms <= 5; ms++ { // 1 and 2 fall out of the ring
		r.Record(time.Duration(ms)*time.Millisecond, false)
	}
	r.Record(40*time.Millisecond, true)
	idle, during := r.Summaries()
	if idle.Count != 3 || idle.MaxMs != 5 || idle.P50Ms != 4 || during.Count != 1 || during.MaxMs != 40 {
		t.Errorf("idle %+v, during %+v", idle, during)
	}
	r.Reset()
	if idle, during := r.Summaries(); idle.Count+during.Count != 0 {
		t.Errorf("after Reset: %+v %+v", idle, during)
	}
}

func TestPerformance(t *testing.T) {
	for _, c := range []struct {
		reads, hits int64
		rate        float64
		eff         string
	}{
		{0, 0, 0, "no_data"},
		{3, 2, 66.67, "fair"}, // 2/3 = 66.666… %
		{5, 4, 80, "good"},
		{8, 3, 37.5, "poor"},
		{2, 1, 50, "fair"},
	} {
		p := Performance(store.Stats{Reads: c.reads, CacheHits: c.hits, CacheMisses: c.reads - c.hits, AverageReadTime: 1500 * time.Microsecond})
		if p.CacheHitRatePercent != c.rate || p.CacheEfficiency != c.eff || p.AverageReadTime != 1.5 || p.TotalReads != c.reads {
			t.Errorf("%d of %d hits: %+v, want %v %% %s", c.hits, c.reads, p, c.rate, c.eff)
		}
	}
}

func TestJudge(t *testing.T) {
	limit := Ms(ReadTimeLimit)
	ok := Measurements{ReadTimeLimitMs: limit, ProbeReads: Summary{Count: 20, MaxMs: 2}, RequestsIdle: Summary{Count: 9, P99Ms: 4}, RequestsDuringBuild: Summary{Count: 3, P99Ms: 6}}
	v := Judge(ok, nil, true)
	want := Verdict{Issues: []string{}, Valid: true, ComplianceScore: 100, ComplianceStatus: "compliant", Independent: true, MeasuredDuringBuild: true, P99Ratio: 1.5}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("healthy: %+v, want %+v", v, want)
	}
	// Two issues: 100 − 2·25 = 50, a warning.
	slow := ok
	slow.RequestsDuringBuild.P99Ms = 2000
	v = Judge(slow, nil, false)
	if len(v.Issues) != 2 || v.ComplianceScore != 50 || v.ComplianceStatus != "warning" || v.Independent || v.P99Ratio != 500 {
		t.Errorf("slow reads during builds, no builder: %+v", v)
	}
	// Four issues: 100 − 4·25 = 0, non-compliant; a failed probe is never independent.
	slow.ProbeReads.MaxMs = 1600
	v = Judge(slow, errors.New("disk gone"), false)
	if len(v.Issues) != 4 || v.ComplianceScore != 0 || v.ComplianceStatus != "non_compliant" || v.Issues[0] != "probe read failed: disk gone" {
		t.Errorf("everything wrong: %+v", v)
	}
	if v := Judge(Measurements{ReadTimeLimitMs: limit}, store.ErrNoSnapshot, true); v.Issues[0] != "no current snapshot to read" || v.ComplianceScore != 75 || v.MeasuredDuringBuild {
		t.Errorf("no snapshot: %+v", v)
	}
}

// TestMeasureEmptyStore: before the first snapshot the probe fails with
// store.ErrNoSnapshot and times nothing.
func TestMeasureEmptyStore(t *testing.T) {
	st, err := store.Create(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := NewRecorder(4)
	rec.Record(time.Millisecond, true)
	m, err := Measure(context.Background(), st.Snapshots(), rec, func() bool { return true })
	if !errors.Is(err, store.ErrNoSnapshot) || m.ProbeReads.Count != 0 || !m.ProbeDuringBuild || m.RequestsDuringBuild.Count != 1 || m.ReadTimeLimitMs != 1500 {
		t.Errorf("Measure on an empty store: %+v, %v", m, err)
	}
}
