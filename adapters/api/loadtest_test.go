package api

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// Load benchmark: a year of daily snapshots for 10 districts (110 clubs
// each, rankings of 128 districts), served by the real server binary on
// loopback, 64 connections, against the rankings and one district's
// statistics. Run it with
//
//	go test ./adapters/api -run '^$' -bench BenchmarkLoad -benchtime 1x
//
// (adapters/api/loadtest/run.sh does this). It reports requests/s and
// latency percentiles from a Go load generator and from wrk when wrk is
// installed, and the server's resident memory after the load.
// TOASTSTATS_LOADTEST_DIR keeps the generated data directory between runs.

const (
	loadDays      = 365
	loadDistricts = 10
	loadClubs     = 110
	loadRanked    = 128
	loadConns     = 64
	loadDuration  = 5 * time.Second
)

// yearFixture publishes a year of daily snapshots into dir and indexes
// their history as the Builder would (once: an existing complete fixture is
// reused, and indexed when it is not yet).
func yearFixture(tb testing.TB, dir string) {
	tb.Helper()
	st, err := store.Create(dir, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	index := func() {
		if _, err := toaststats.NewHistory(st, nil).Reindex(ctx); err != nil {
			tb.Fatalf("index the fixture's history: %v", err)
		}
	}
	if list, err := st.Snapshots().List(ctx, store.ListFilter{}); err == nil && len(list) == loadDays {
		if _, err := os.Stat(filepath.Join(dir, "history")); err != nil {
			index()
		}
		return
	}
	var districts, ranked []string
	for i := range loadRanked {
		id := strconv.Itoa(i + 1)
		ranked = append(ranked, id)
		if i < loadDistricts {
			districts = append(districts, id)
		}
	}
	start := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	for day := range loadDays {
		date := start.AddDate(0, 0, day).Format(time.DateOnly)
		snap := &snapshot.Snapshot{Metadata: snapshot.Metadata{
			SnapshotID: date, CreatedAt: start.AddDate(0, 0, day+1), SchemaVersion: snapshot.SchemaVersion, CalculationVersion: snapshot.CalculationVersion,
			RankingVersion: snapshot.RankingVersion, Status: snapshot.StatusSuccess, ConfiguredDistricts: districts, SuccessfulDistricts: districts,
			Source: "loadtest", DataAsOfDate: date, CollectionDate: date, LogicalDate: date, DataMonth: date[:7], ProgramYear: programYearOfDate(date),
		}, Rankings: makeRankingsFor(date, day, ranked)}
		for _, id := range districts {
			snap.Districts = append(snap.Districts, makeDistrictN(id, date, day, loadClubs))
		}
		if err := st.Snapshots().Publish(ctx, snap); err != nil {
			tb.Fatalf("publish %s: %v", date, err)
		}
	}
	index()
}

// loadResult is the outcome of one load run.
type loadResult struct {
	requests int
	errors   int
	rps      float64
	p50, p99 time.Duration
}

// goLoad sends GET url from conns keep-alive connections for d.
func goLoad(url string, conns int, d time.Duration) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var (
		mu      sync.Mutex
		lat     []time.Duration
		errs    atomic.Int64
		wg      sync.WaitGroup
		stopped atomic.Bool
	)
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 1<<14)
			for !stopped.Load() {
				t := time.Now()
				resp, err := client.Get(url)
				if err != nil {
					errs.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs.Add(1)
				}
				local = append(local, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	time.Sleep(d)
	stopped.Store(true)
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := loadResult{requests: len(lat), errors: int(errs.Load()), rps: float64(len(lat)) / el.Seconds()}
	if len(lat) > 0 {
		r.p50 = lat[len(lat)/2]
		r.p99 = lat[len(lat)*99/100]
	}
	return r
}

var (
	wrkRPS = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkP   = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)`)
)

// wrkLoad runs wrk against url; ok is false when wrk is not installed.
func wrkLoad(tb testing.TB, url string, conns int, d time.Duration, gzip bool) (loadResult, bool) {
	path, err := exec.LookPath("wrk")
	if err != nil {
		return loadResult{}, false
	}
	args := []string{"-t2", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s", "--latency"}
	if gzip {
		args = append(args, "-H", "Accept-Encoding: gzip")
	}
	out, err := exec.Command(path, append(args, url)...).CombinedOutput()
	if err != nil {
		tb.Fatalf("wrk: %v\n%s", err, out)
	}
	var r loadResult
	if m := wrkRPS.FindSubmatch(out); m != nil {
		r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	for _, m := range wrkP.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(m[2]), 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(m[3])]
		dur := time.Duration(v * float64(unit))
		if string(m[1]) == "50" {
			r.p50 = dur
		} else {
			r.p99 = dur
		}
	}
	if strings.Contains(string(out), "Non-2xx") {
		r.errors = 1
	}
	return r, true
}

// rssKB reads VmRSS and VmHWM of a process.
func rssKB(pid int) (rss, hwm int) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 {
			switch fields[0] {
			case "VmRSS:":
				rss, _ = strconv.Atoi(fields[1])
			case "VmHWM:":
				hwm, _ = strconv.Atoi(fields[1])
			}
		}
	}
	return rss, hwm
}

func BenchmarkLoad(b *testing.B) {
	tmp := b.TempDir()
	dataDir := os.Getenv("TOASTSTATS_LOADTEST_DIR")
	if dataDir == "" {
		dataDir = filepath.Join(tmp, "data")
	}
	t0 := time.Now()
	yearFixture(b, dataDir)
	b.Logf("fixture: %d daily snapshots × %d districts × %d clubs, rankings of %d districts (%s)", loadDays, loadDistricts, loadClubs, loadRanked, time.Since(t0).Round(time.Millisecond))
	bin := buildServerBinary(b, tmp)
	base, cmd := startServer(b, bin, "--data-dir", dataDir, "--addr", "127.0.0.1:0", "--rate-limit", "0", "--rebuild-interval", "0", "--log-level", "error")
	pid := cmd.Process.Pid

	// The routes under load, and the analytics of two districts to hold
	// their year-long series in memory while measuring.
	targets := map[string]string{
		"rankings":   base + "/api/districts/rankings",
		"statistics": base + "/api/districts/3/statistics",
	}
	for _, u := range []string{"/api/districts/1/analytics", "/api/districts/2/membership-analytics", "/api/districts/3/rank-history", "/api/districts/3/statistics?date=2024-12-31", "/api/districts/rankings?date=2025-01-15"} {
		t := time.Now()
		resp, err := http.Get(base + u)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("warm-up %s: %v %v", u, err, resp)
		}
		resp.Body.Close()
		b.Logf("first GET %s: %s", u, time.Since(t).Round(time.Microsecond))
	}
	for _, name := range []string{"rankings", "statistics"} {
		url := targets[name]
		_ = goLoad(url, 8, 200*time.Millisecond) // warm the caches
		c0 := cpuTime(pid)
		r := goLoad(url, loadConns, loadDuration)
		if r.requests > 0 {
			perReq := (cpuTime(pid) - c0) / time.Duration(r.requests)
			b.Logf("server CPU per %s request: %s (2 idle cores would serve about %.0f req/s)", name, perReq, 2/perReq.Seconds())
			b.ReportMetric(float64(perReq.Microseconds()), name+"-server-cpu-us/req")
		}
		if r.errors > 0 {
			b.Errorf("%s: %d failed requests", name, r.errors)
		}
		b.Logf("go load  %-15s %d conns: %8.0f req/s  p50 %-8s p99 %-8s (load average %s)", name, loadConns, r.rps, r.p50, r.p99, loadAvg())
		b.ReportMetric(r.rps, name+"-go-req/s")
		b.ReportMetric(float64(r.p99.Microseconds())/1000, name+"-go-p99-ms")
		for _, gz := range []bool{false, true} {
			w, ok := wrkLoad(b, url, loadConns, loadDuration, gz)
			if !ok {
				break
			}
			if w.errors > 0 {
				b.Errorf("%s: wrk saw non-2xx answers", name)
			}
			label := name + map[bool]string{false: "", true: "-gzip"}[gz]
			b.Logf("wrk      %-15s %d conns: %8.0f req/s  p50 %-8s p99 %-8s (load average %s)", label, loadConns, w.rps, w.p50, w.p99, loadAvg())
			b.ReportMetric(w.rps, label+"-wrk-req/s")
			b.ReportMetric(float64(w.p99.Microseconds())/1000, label+"-wrk-p99-ms")
		}
	}
	rss, hwm := rssKB(pid)
	b.Logf("server memory after load: VmRSS %d MB, VmHWM (peak) %d MB", rss/1024, hwm/1024)
	b.ReportMetric(float64(rss)/1024, "rss-MB")
	b.ReportMetric(float64(hwm)/1024, "peak-rss-MB")
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
}

// loadAvg is the 1-minute load average of the machine, to read the figures
// against (other processes share the cores).
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// cpuTime returns the user+system CPU time of a process.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which is in parentheses).
	rest := string(b[strings.LastIndexByte(string(b), ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.Atoi(f[11])
	st, _ := strconv.Atoi(f[12])
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
}
