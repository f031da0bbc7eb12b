package api

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/readcheck"
	"github.com/toaststats/toaststats/store"
)

// TestBuildsRunInBackground: a build in progress never blocks reads, a
// second refresh is refused while it runs, the process-separation routes
// report read latencies measured during the build, and the new snapshot is
// served as soon as the build publishes it.
func TestBuildsRunInBackground(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	var ts *testServer
	var fail atomic.Bool
	build := func(ctx context.Context, date string) (any, error) {
		if fail.Load() {
			return nil, store.ErrNotCached
		}
		close(started)
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return []string{"2025-09-01"}, ts.store.Snapshots().Publish(ctx, makeSnapshot("2025-09-01", 9))
	}
	ts = newTestServer(t, true, Config{AdminToken: testToken}, Deps{Build: build})
	resp, b := ts.do(t, "POST", "/api/admin/refresh", adminAuth, nil)
	if resp.StatusCode != 202 {
		t.Fatalf("refresh: %d %s", resp.StatusCode, b)
	}
	var acc struct {
		Data toaststats.Job `json:"data"`
	}
	_ = json.Unmarshal(b, &acc)
	<-started

	for range 30 {
		resp, b := ts.do(t, "GET", "/api/districts/42/statistics", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"snapshot_id":"2025-08-31"`) {
			t.Fatalf("read during build: %d %s", resp.StatusCode, clip(b))
		}
	}
	resp, b = ts.do(t, "POST", "/api/admin/refresh", adminAuth, nil)
	if resp.StatusCode != 409 || !strings.Contains(string(b), "REFRESH_IN_PROGRESS") || !strings.Contains(string(b), acc.Data.ID) {
		t.Fatalf("second refresh during a build: %d %s", resp.StatusCode, b)
	}
	resp, b = ts.do(t, "GET", "/api/admin/process-separation/independence", adminAuth, nil)
	var ind struct {
		Independence struct {
			IsIndependent       bool `json:"isIndependent"`
			MeasuredDuringBuild bool `json:"measuredDuringBuild"`
			Measurements        struct {
				BuildRunning bool              `json:"build_running"`
				During       readcheck.Summary `json:"requests_during_build"`
				Probe        readcheck.Summary `json:"probe_reads"`
			} `json:"measurements"`
		} `json:"independence"`
	}
	if err := json.Unmarshal(b, &ind); err != nil || resp.StatusCode != 200 {
		t.Fatalf("independence: %d %s", resp.StatusCode, b)
	}
	m := ind.Independence.Measurements
	if !ind.Independence.MeasuredDuringBuild || !m.BuildRunning || m.During.Count < 30 || m.Probe.Count != 20 || m.During.MaxMs <= 0 || !ind.Independence.IsIndependent {
		t.Errorf("independence during a build: %s", b)
	}
	resp, b = ts.do(t, "GET", "/api/admin/process-separation/monitor", adminAuth, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"current_build"`) || !strings.Contains(string(b), acc.Data.ID) {
		t.Errorf("monitor during a build: %d %s", resp.StatusCode, clip(b))
	}
	resp, b = ts.do(t, "GET", "/health", nil, nil)
	if !strings.Contains(string(b), `"build_running":true`) {
		t.Errorf("health during a build: %s", b)
	}

	close(release)
	job, ok := ts.srv.builds.Wait(context.Background(), acc.Data.ID)
	if !ok || job.Status != toaststats.JobSucceeded || job.FinishedAt == nil {
		t.Fatalf("job after build: %+v", job)
	}
	resp, b = ts.do(t, "GET", "/api/districts/42/statistics", nil, nil)
	if !strings.Contains(string(b), `"snapshot_id":"2025-09-01"`) {
		t.Errorf("new snapshot not served after the build: %s", clip(b))
	}
	// A failed build is reported as failed.
	fail.Store(true)
	resp, b = ts.do(t, "POST", "/api/admin/refresh", adminAuth, nil)
	_ = json.Unmarshal(b, &acc)
	if job, _ := ts.srv.builds.Wait(context.Background(), acc.Data.ID); job.Status != toaststats.JobFailed || job.Error == "" {
		t.Errorf("failed build job: %+v", job)
	}
}

func TestRefreshWithoutBuilder(t *testing.T) {
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{})
	resp, b := ts.do(t, "POST", "/api/admin/refresh", adminAuth, nil)
	if resp.StatusCode != 503 || !strings.Contains(string(b), "BUILDER_UNAVAILABLE") {
		t.Errorf("refresh without builder: %d %s", resp.StatusCode, b)
	}
}

// TestStartupBuild: on Start the server builds when the raw cache holds
// data no snapshot covers, and not otherwise; and again every interval.
func TestStartupBuild(t *testing.T) {
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for i := 0; !cond(); i++ {
			if i > 1000 {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Run("pending dates", func(t *testing.T) {
		var calls atomic.Int32
		build := func(ctx context.Context, date string) (any, error) { calls.Add(1); return nil, nil }
		pending := func(ctx context.Context) ([]string, error) { return []string{"2025-09-01"}, nil }
		ts := newTestServer(t, true, Config{}, Deps{Build: build, Pending: pending})
		ts.srv.Start(20 * time.Millisecond)
		waitFor("a startup and a scheduled build", func() bool { return calls.Load() >= 2 })
	})
	t.Run("nothing pending", func(t *testing.T) {
		var calls atomic.Int32
		build := func(ctx context.Context, date string) (any, error) { calls.Add(1); return nil, nil }
		var checks atomic.Int32
		pending := func(ctx context.Context) ([]string, error) { checks.Add(1); return nil, nil }
		ts := newTestServer(t, true, Config{}, Deps{Build: build, Pending: pending})
		ts.srv.Start(10 * time.Millisecond)
		waitFor("three checks", func() bool { return checks.Load() >= 3 })
		ts.srv.Close()
		if calls.Load() != 0 {
			t.Errorf("built %d times with nothing pending", calls.Load())
		}
	})
	t.Run("raw cache newer than the current snapshot", func(t *testing.T) {
		var calls atomic.Int32
		build := func(ctx context.Context, date string) (any, error) { calls.Add(1); return nil, nil }
		ts := newTestServer(t, true, Config{}, Deps{Build: build})
		if err := ts.store.Raw().Put(context.Background(), "2025-09-01", "", store.ReportSummary, []byte("REGION,DISTRICT\n05,42\n"), store.PutInfo{Source: "test"}); err != nil {
			t.Fatal(err)
		}
		ts.srv.Start(0)
		waitFor("a startup build", func() bool { return calls.Load() == 1 })
	})
	t.Run("empty raw cache", func(t *testing.T) {
		var calls atomic.Int32
		build := func(ctx context.Context, date string) (any, error) { calls.Add(1); return nil, nil }
		ts := newTestServer(t, false, Config{}, Deps{Build: build})
		ts.srv.Start(0)
		ts.srv.Close() // waits for the startup check
		if calls.Load() != 0 {
			t.Errorf("built with an empty cache")
		}
	})
}
