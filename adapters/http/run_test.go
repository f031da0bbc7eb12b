package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/internal/hugeheap"
	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

// builtDataDir fills dir with one collection date of a generated world (two
// districts) and builds its snapshot, as scrape and build would.
func builtDataDir(t *testing.T, dir string) {
	t.Helper()
	ctx := t.Context()
	st, err := store.Create(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 2, ClubsPerDistrict: 4, Seed: 1, From: "2025-10-01", To: "2025-10-02"})
	date := w.Newest()
	put := func(kind normalize.ReportKind, id string, r store.Report) {
		b, err := w.CSV(kind, id, date)
		if err == nil {
			err = st.Raw().Put(ctx, date, id, r, b, store.PutInfo{RequestedDate: date, Source: "dashboardtest"})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	put(normalize.ReportSummary, "", store.ReportSummary)
	for _, id := range w.Districts(date) {
		put(normalize.ReportClub, id, store.ReportClub)
		put(normalize.ReportDivision, id, store.ReportDivision)
		put(normalize.ReportDistrict, id, store.ReportDistrict)
	}
	if _, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{}).BuildAll(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestRunUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"no data dir", []string{"srv"}, nil},
		{"bad interval", []string{"srv", "--data-dir", t.TempDir(), "--rebuild-interval", "soon"}, nil},
		{"bad rate", []string{"srv", "--data-dir", t.TempDir(), "--rate-limit", "-1"}, nil},
		{"bad burst from env", []string{"srv", "--data-dir", t.TempDir()}, map[string]string{"TOASTSTATS_RATE_BURST": "0"}},
		{"bad log format", []string{"srv", "--data-dir", t.TempDir(), "--log-format", "xml"}, nil},
		{"bad addr", []string{"srv", "--data-dir", t.TempDir(), "--addr", "nowhere"}, nil},
		{"unknown flag", []string{"srv", "--data-dir", t.TempDir(), "--nope"}, nil},
		{"stray argument", []string{"srv", "--data-dir", t.TempDir(), "extra"}, nil},
		{"negative huge heap", []string{"srv", "--data-dir", t.TempDir(), "--huge-heap-mb", "-1"}, nil},
		{"negative gc floor", []string{"srv", "--data-dir", t.TempDir(), "--gc-floor-mb", "-1"}, nil},
		{"negative pretouch", []string{"srv", "--data-dir", t.TempDir(), "--pretouch-mb", "-1"}, nil},
	} {
		getenv := func(k string) string { return tc.env[k] }
		err := run(t.Context(), tc.args, getenv, io.Discard, io.Discard)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("%s: err %v, want a usage error", tc.name, err)
		}
	}
}

// startRun runs the whole program in-process on a built data directory,
// listening on a free loopback port, with the extra flags; it returns the
// base URL ("http://ADDR") once the listener is up and the channel run's
// result arrives on.
func startRun(t *testing.T, ctx context.Context, flags ...string) (base string, done <-chan error) {
	t.Helper()
	dir := t.TempDir()
	builtDataDir(t, dir)
	// run prints "listening on http://ADDR" once the listener is up; the
	// pipe is closed when run returns, so a failed start ends the read.
	pr, pw := io.Pipe()
	result := make(chan error, 1)
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_ADDR": "127.0.0.1:0"}
	go func() {
		err := run(ctx, append([]string{"srv", "--rebuild-interval", "0"}, flags...), func(k string) string { return env[k] }, pw, io.Discard)
		pw.Close()
		result <- err
	}()
	line, _ := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	_, base, _ = strings.Cut(strings.TrimSpace(line), "listening on ")
	if base == "" {
		t.Fatalf("server never said where it listens (stdout %q)", line)
	}
	return base, result
}

// TestRunServesAndShutsDown runs the whole program in-process: it listens,
// serves the API and /metrics, and returns nil after a graceful shutdown.
func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, done := startRun(t, ctx, "--log-format", "json")
	resp, err := http.Get(base + "/api/districts/rankings")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("rankings: %d", resp.StatusCode)
	}
	// The program serves the Prometheus metrics (apimetrics), which the
	// API library alone does not.
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `toaststats_http_requests_total{code="200",method="GET",route="GET /api/districts/rankings"} 1`; resp.StatusCode != 200 || !strings.Contains(string(metrics), want) {
		t.Errorf("/metrics: %d, want 200 with %s:\n%s", resp.StatusCode, want, metrics)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after shutdown: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if _, err := http.Get(base + "/health"); err == nil {
		t.Error("server still answering after shutdown")
	}
}

// TestShutdownWithASlowClient: a client that sent half a request holds its
// connection past --shutdown-timeout; the stop still ends with exit 0
// (nil) once the timeout has passed, and the connection is closed.
func TestShutdownWithASlowClient(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, done := startRun(t, ctx, "--shutdown-timeout", "300ms")
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers without their final blank line: the request is under way.
	if _, err := conn.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after a shutdown with a slow client: %v, want nil", err)
		}
		if d := time.Since(start); d < 250*time.Millisecond {
			t.Errorf("returned after %v, before the 300ms grace period", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := conn.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the slow client's connection is still open (read %d, %v)", n, err)
	}
}

// TestServerMemory checks the memory flags: huge pages are asked for the
// size given (256 MiB by default), not at all with 0, with the first
// --pretouch-mb of them (64 MiB by default, at most all) made resident
// (TestPrepareResident checks that), the soft memory limit is set unless
// GOMEMLIMIT is, and the collector's floor is held (64 MiB by default;
// TestHeapFloorIsNotResident checks what it does).
func TestServerMemory(t *testing.T) {
	var asked []int
	defer func(p func(int, int, func()) (uintptr, uintptr, error)) { prepareHeap = p }(prepareHeap)
	prepareHeap = func(size, resident int, before func()) (uintptr, uintptr, error) {
		asked = append(asked, size, resident)
		if before == nil {
			t.Error("the floor is not raised inside PrepareResident, with the collector off")
		}
		return hugeheap.PrepareResident(size, 0, before) // this test's process need not hold it
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	noEnv := func(string) string { return "" }
	for _, tc := range []struct {
		args  []string
		env   func(string) string
		asked []int
		limit int64 // -1: left as it was
		floor int   // MiB
	}{
		{[]string{"srv", "--data-dir", "d"}, noEnv, []int{256 << 20, 64 << 20}, -1, 64},
		{[]string{"srv", "--data-dir", "d", "--huge-heap-mb", "64", "--memory-limit-mb", "900", "--gc-floor-mb", "0"}, noEnv, []int{64 << 20, 64 << 20}, 900 << 20, 0},
		{[]string{"srv", "--data-dir", "d", "--huge-heap-mb", "32", "--pretouch-mb", "100"}, noEnv, []int{32 << 20, 32 << 20}, -1, 64},
		{[]string{"srv", "--data-dir", "d", "--pretouch-mb", "0"}, noEnv, []int{256 << 20, 0}, -1, 64},
		{[]string{"srv", "--data-dir", "d", "--huge-heap-mb", "0", "--memory-limit-mb", "900", "--gc-floor-mb", "80"}, func(k string) string {
			return map[string]string{"GOMEMLIMIT": "1GiB"}[k]
		}, nil, -1, 80},
	} {
		asked = nil
		before := debug.SetMemoryLimit(-1)
		o, err := parseFlags(tc.args, tc.env, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if o.gcFloorMB != tc.floor {
			t.Errorf("%v: floor %d MiB, want %d", tc.args, o.gcFloorMB, tc.floor)
		}
		if err := serverMemory(o, tc.env); err != nil {
			t.Errorf("%v: %v", tc.args, err)
		}
		heapFloor.Lock()
		held := len(heapFloor.b)
		heapFloor.Unlock()
		if held < tc.floor<<20 {
			t.Errorf("%v: floor holds %d bytes, want >= %d MiB", tc.args, held, tc.floor)
		}
		if !slices.Equal(asked, tc.asked) {
			t.Errorf("%v: huge pages asked for %v, want %v", tc.args, asked, tc.asked)
		}
		want := tc.limit
		if want < 0 {
			want = before
		}
		if got := debug.SetMemoryLimit(before); got != want {
			t.Errorf("%v: memory limit %d, want %d", tc.args, got, want)
		}
	}
}

// Under a soft memory limit the floor is at most a quarter of it: it counts
// as heap in use, and a floor near the limit would keep the collector
// running.
func TestHeapFloorSize(t *testing.T) {
	for _, tc := range []struct {
		floorMB int
		limit   int64
		want    int
	}{
		{64, math.MaxInt64, 64 << 20},
		{0, math.MaxInt64, 0},
		{64, 1 << 30, 64 << 20},
		{64, 128 << 20, 32 << 20},
		{64, 256 << 20, 64 << 20},
		{64, 0, 0},
	} {
		if got := heapFloorSize(tc.floorMB, tc.limit); got != tc.want {
			t.Errorf("heapFloorSize(%d MiB, limit %d) = %d, want %d", tc.floorMB, tc.limit, got, tc.want)
		}
	}
}
