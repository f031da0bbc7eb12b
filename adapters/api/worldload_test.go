package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

// World load comparison (issue 12): the whole-world snapshot (128
// districts, ~14,000 clubs, built by the real Builder from the imitation
// dashboard's reports), the real server binary on loopback with rate
// limiting and access logs off, and a bare net/http "floor" server that
// answers the same bytes from memory. wrk -t2 -c64 -d8s against each, in
// one run, for the rankings and one district's statistics (floor, server,
// server, floor). Targets: the
// server at >= 0.8× the floor's requests/s and p99 <= 1.5× the floor's p99.
// A run with any non-2xx answer or socket error is refused, not reported.
// Run it with adapters/api/loadtest/world.sh. TOASTSTATS_LOADTEST_SERVER_BIN
// runs another server binary (to compare builds); TOASTSTATS_LOADTEST_WORLD_DIR
// keeps the generated data directory between runs;
// TOASTSTATS_LOADTEST_STRICT=1 fails the benchmark when a target is missed.

const (
	worldDistricts = 128
	worldClubs     = 110
	worldWrkDur    = 8 * time.Second
	worldConns     = 64
)

// worldFixture fills dir's raw cache with three collection dates of the
// whole world (mid-month, so three snapshots) and builds their snapshots
// (once: a built fixture is reused).
func worldFixture(tb testing.TB, dir string) {
	tb.Helper()
	st, err := store.Create(dir, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if list, err := st.Snapshots().List(ctx, store.ListFilter{}); err == nil && len(list) >= 3 {
		return
	}
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: worldDistricts, ClubsPerDistrict: worldClubs, Seed: 12, From: "2025-10-14", To: "2025-10-16"})
	for _, d := range w.AsOfDates() {
		putRawWorld(tb, st, w, d)
	}
	build, _ := NewBuilder(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := build(ctx, ""); err != nil {
		tb.Fatalf("build the world: %v", err)
	}
}

// wrkRun is one wrk run's figures.
type wrkRun struct {
	rps           float64
	p50, p90, p99 time.Duration
	requests      int
}

var (
	wrkP90      = regexp.MustCompile(`(?m)^\s+90%\s+([0-9.]+)(us|ms|s)`)
	wrkRequests = regexp.MustCompile(`(\d+) requests in`)
	wrkBad      = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: .*`)
)

func parseWrkDur(v, unit string) time.Duration {
	f, _ := strconv.ParseFloat(v, 64)
	return time.Duration(f * float64(map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[unit]))
}

// runWrk runs wrk -t2 -c64 -d8s --latency against url and refuses (fails
// the benchmark) a run with non-2xx answers or socket errors.
func runWrk(tb testing.TB, wrk, url string) wrkRun {
	tb.Helper()
	out, err := exec.Command(wrk, "-t2", "-c"+strconv.Itoa(worldConns), "-d"+strconv.Itoa(int(worldWrkDur.Seconds()))+"s", "--latency", url).CombinedOutput()
	if err != nil {
		tb.Fatalf("wrk %s: %v\n%s", url, err, out)
	}
	if m := wrkBad.Find(out); m != nil {
		tb.Fatalf("wrk %s: refusing to report a run with failures (%s):\n%s", url, m, out)
	}
	var r wrkRun
	if m := wrkRPS.FindSubmatch(out); m != nil {
		r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := wrkRequests.FindSubmatch(out); m != nil {
		r.requests, _ = strconv.Atoi(string(m[1]))
	}
	for _, m := range wrkP.FindAllSubmatch(out, -1) {
		if string(m[1]) == "50" {
			r.p50 = parseWrkDur(string(m[2]), string(m[3]))
		} else {
			r.p99 = parseWrkDur(string(m[2]), string(m[3]))
		}
	}
	if m := wrkP90.FindSubmatch(out); m != nil {
		r.p90 = parseWrkDur(string(m[1]), string(m[2]))
	}
	if r.rps == 0 || r.requests == 0 {
		tb.Fatalf("wrk %s: no figures in:\n%s", url, out)
	}
	return r
}

// fetch GETs url (no Accept-Encoding, as wrk sends) and returns the body
// and content type; anything but 200 fails.
func fetch(tb testing.TB, url string) ([]byte, string) {
	tb.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		tb.Fatalf("GET %s: %d %s", url, resp.StatusCode, clip(b))
	}
	return b, resp.Header.Get("Content-Type")
}

// floorServer serves fixed bytes per path from memory with bare net/http.
func floorServer(tb testing.TB, bodies map[string][]byte, ctype string) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, _ = w.Write(b)
	})}
	go func() { _ = hs.Serve(ln) }()
	tb.Cleanup(func() { _ = hs.Close() })
	return "http://" + ln.Addr().String()
}

// idleStalls reads url from one client, one request at a time, for d and
// returns the median, the maximum and how many answers took over 10 ms:
// the per-request view of a periodic stall.
func idleStalls(tb testing.TB, url string, d time.Duration) (p50, maxLat time.Duration, over10ms, n int) {
	tb.Helper()
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	var lat []time.Duration
	for end := time.Now().Add(d); time.Now().Before(end); {
		t := time.Now()
		resp, err := c.Get(url)
		if err != nil {
			tb.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			tb.Fatalf("idle client: %d", resp.StatusCode)
		}
		el := time.Since(t)
		lat = append(lat, el)
		maxLat = max(maxLat, el)
		if el > 10*time.Millisecond {
			over10ms++
		}
	}
	slices.Sort(lat)
	return lat[len(lat)/2], maxLat, over10ms, len(lat)
}

func BenchmarkWorldVsFloor(b *testing.B) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed")
	}
	tmp := b.TempDir()
	dataDir := os.Getenv("TOASTSTATS_LOADTEST_WORLD_DIR")
	if dataDir == "" {
		dataDir = filepath.Join(tmp, "world")
	}
	t0 := time.Now()
	worldFixture(b, dataDir)
	b.Logf("fixture: %d districts × ~%d clubs, 3 collection dates built (%s)", worldDistricts, worldClubs, time.Since(t0).Round(time.Millisecond))
	bin := os.Getenv("TOASTSTATS_LOADTEST_SERVER_BIN")
	if bin == "" {
		bin = buildServerBinary(b, tmp)
	}
	base, cmd := startServer(b, bin, "--data-dir", dataDir, "--addr", "127.0.0.1:0", "--rate-limit", "0", "--rebuild-interval", "0", "--log-level", "error")
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()

	paths := map[string]string{"rankings": "/api/districts/rankings", "statistics": "/api/districts/61/statistics"}
	bodies := map[string][]byte{}
	ctype := ""
	for _, p := range paths {
		bodies[p], ctype = fetch(b, base+p)
	}
	floor := floorServer(b, bodies, ctype)
	b.Logf("bodies: rankings %d bytes, statistics %d bytes", len(bodies[paths["rankings"]]), len(bodies[paths["statistics"]]))

	p50, mx, over, n := idleStalls(b, base+paths["rankings"], 6*time.Second)
	b.Logf("one idle client, rankings, 6 s: %d requests, median %s, max %s, %d over 10 ms (load average %s)", n, p50, mx, over, loadAvg())
	b.ReportMetric(float64(over), "idle-over-10ms")
	b.ReportMetric(float64(mx.Microseconds())/1000, "idle-max-ms")

	strict := os.Getenv("TOASTSTATS_LOADTEST_STRICT") == "1"
	for _, name := range []string{"rankings", "statistics"} {
		p := paths[name]
		_ = goLoad(floor+p, 8, time.Second) // warm both
		_ = goLoad(base+p, 8, time.Second)
		// Floor, server, server, floor: a drift of the machine's other
		// load over the four runs weighs on both sides alike.
		f1 := runWrk(b, wrk, floor+p)
		s1 := runWrk(b, wrk, base+p)
		s2 := runWrk(b, wrk, base+p)
		f2 := runWrk(b, wrk, floor+p)
		for i, pair := range [][2]wrkRun{{f1, s1}, {f2, s2}} {
			f, s := pair[0], pair[1]
			b.Logf("%-10s run %d floor  %8.0f req/s  p50 %-9s p90 %-9s p99 %-9s", name, i+1, f.rps, f.p50, f.p90, f.p99)
			b.Logf("%-10s run %d server %8.0f req/s  p50 %-9s p90 %-9s p99 %-9s  (load average %s)", name, i+1, s.rps, s.p50, s.p90, s.p99, loadAvg())
		}
		ratio := (s1.rps + s2.rps) / (f1.rps + f2.rps)
		p99x := float64(s1.p99+s2.p99) / float64(f1.p99+f2.p99)
		b.Logf("%-10s => server at %.2f× the floor's throughput, %.2f× its p99 (targets >= 0.80×, <= 1.50×)", name, ratio, p99x)
		b.ReportMetric(ratio, name+"-throughput-ratio")
		b.ReportMetric(p99x, name+"-p99-ratio")
		if ratio < 0.8 || p99x > 1.5 {
			msg := fmt.Sprintf("%s: target missed (%.2f× throughput, %.2f× p99)", name, ratio, p99x)
			if strict {
				b.Error(msg)
			} else {
				b.Log(msg)
			}
		}
	}
	rss, hwm := rssKB(cmd.Process.Pid)
	b.Logf("server memory: VmRSS %d MB, peak %d MB", rss/1024, hwm/1024)
}
