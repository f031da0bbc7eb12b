package api

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

// TestSoak is the soak of issue 12, run only when TOASTSTATS_SOAK names a
// duration (adapters/api/loadtest/soak.sh: 10 minutes; CI: a short one).
// The real server binary (rate limit off, builds every 2 s) serves while a
// writer, as the scraper would, adds a collection date to the raw cache
// every 2 s, so builds publish new snapshots all along; 8 clients loop over
// every public route, every admin GET route (with the token) and
// POST /api/admin/refresh. It requires: zero 5xx and zero transport errors;
// every JSON answer parses; no torn or mixed-generation answers (all
// answers of a one-snapshot route naming one snapshot generation —
// snapshot_id and created_at — carry the same data); the resident memory bounded; the goroutine count
// back where it was once the load stops. It logs the RSS and goroutine
// curves.
func TestSoak(t *testing.T) {
	durS := os.Getenv("TOASTSTATS_SOAK")
	if durS == "" {
		t.Skip("set TOASTSTATS_SOAK=10m (or 45s) to run the soak")
	}
	dur, err := time.ParseDuration(durS)
	if err != nil || dur < 10*time.Second {
		t.Fatalf("TOASTSTATS_SOAK=%q: want a duration of at least 10s", durS)
	}
	tmp := t.TempDir()
	dataDir := filepath.Join(tmp, "data")
	bin := buildServerBinary(t, tmp)

	// A world with a year of dates; three are cached before the server starts.
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 8, ClubsPerDistrict: 20, Seed: 7, From: "2025-08-01", To: "2026-06-30"})
	dates := w.AsOfDates()
	writer, err := store.Create(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	for _, d := range dates[:3] {
		putRawWorld(t, writer, w, d)
	}
	const token = "soak-admin-token-0123456789abcdef"
	base, cmd := startServer(t, bin, "--data-dir", dataDir, "--addr", "127.0.0.1:0", "--admin-token", token,
		"--rate-limit", "0", "--rebuild-interval", "2s", "--log-level", "error")
	pid := cmd.Process.Pid
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: 30 * time.Second}

	// Wait for the first snapshot.
	for i := 0; ; i++ {
		req, _ := http.NewRequest("GET", base+"/api/districts/rankings", nil)
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if i > 600 {
			t.Fatal("no snapshot after 60 s")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The request mix: every route of the table, with real ids.
	did := w.Districts(dates[0])[1]
	probe := NewServer(Config{}, Deps{Store: openFixtureStore(t, t.TempDir(), false)})
	probe.Close()
	fill := strings.NewReplacer(":districtId", did, ":clubId", "1", ":date", dates[1], ":snapshotId", dates[1], ":jobId", "job-0000000000000000", ":month", "2025-08")
	type target struct {
		method, path string
		auth         bool
	}
	var targets []target
	for _, rt := range probe.routes {
		switch {
		case strings.Contains(rt.Path, "/backfill"):
			// The predecessor's backfill routes answer 501 by design
			// (handleBackfillNotHere): not a server failure to look for.
		case rt.Access == public:
			targets = append(targets, target{rt.Method, fill.Replace(rt.Path), false})
		case rt.Method == "GET":
			targets = append(targets, target{rt.Method, fill.Replace(rt.Path), true})
		}
	}
	targets = append(targets, target{"POST", "/api/admin/refresh", true})

	var (
		requests, fives, failures, badJSON, mixed atomic.Int64
		mu                                        sync.Mutex
		generations                               = map[string][32]byte{} // route|snapshot_id|created_at -> data hash
		firstProblems                             []string
	)
	problem := func(format string, a ...any) {
		mu.Lock()
		if len(firstProblems) < 10 {
			firstProblems = append(firstProblems, fmt.Sprintf(format, a...))
		}
		mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var wg sync.WaitGroup

	// The scraper stand-in: a new collection date every 2 s.
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		for i := 3; i < len(dates); i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			putRawWorld(t, writer, w, dates[i])
		}
	}()

	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := c; ctx.Err() == nil; i++ {
				tg := targets[i%len(targets)]
				req, _ := http.NewRequestWithContext(ctx, tg.method, base+tg.path, nil)
				if tg.auth {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						failures.Add(1)
						problem("%s %s: %v", tg.method, tg.path, err)
					}
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					if ctx.Err() == nil {
						failures.Add(1)
						problem("%s %s: read: %v", tg.method, tg.path, err)
					}
					continue
				}
				requests.Add(1)
				if resp.StatusCode >= 500 {
					fives.Add(1)
					problem("%s %s: %d %s", tg.method, tg.path, resp.StatusCode, clip(body))
				}
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || resp.StatusCode == 304 {
					continue
				}
				var env struct {
					Data     json.RawMessage        `json:"data"`
					Rankings json.RawMessage        `json:"rankings"`
					Meta     *apitypes.SnapshotMeta `json:"_snapshot_metadata"`
				}
				if err := json.Unmarshal(body, &env); err != nil {
					badJSON.Add(1)
					problem("%s %s: not JSON: %v", tg.method, tg.path, err)
					continue
				}
				if resp.StatusCode != 200 || env.Meta == nil || env.Meta.SnapshotID == "" || !oneSnapshotAnswer(tg.path) {
					continue
				}
				// One generation, one answer per route.
				payload := env.Data
				if env.Rankings != nil {
					payload = env.Rankings
				}
				key := tg.path + "|" + env.Meta.SnapshotID + "|" + env.Meta.CreatedAt.Format(time.RFC3339Nano)
				sum := sha256.Sum256(payload)
				mu.Lock()
				if prev, ok := generations[key]; !ok {
					generations[key] = sum
				} else if prev != sum {
					mixed.Add(1)
					if len(firstProblems) < 10 {
						firstProblems = append(firstProblems, "two different answers for "+key)
					}
				}
				mu.Unlock()
			}
		}(c)
	}

	// The RSS and goroutine curves.
	samples := 10
	goroutines := func() int {
		resp, err := client.Get(base + "/metrics")
		if err != nil {
			return -1
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
				n, _ := strconv.ParseFloat(v, 64)
				return int(n)
			}
		}
		return -1
	}
	var rssCurve []int
	var grCurve []int
	start := time.Now()
	for i := 1; i <= samples; i++ {
		select {
		case <-ctx.Done():
		case <-time.After(time.Until(start.Add(dur * time.Duration(i) / time.Duration(samples+1)))):
		}
		rss, _ := rssKB(pid)
		rssCurve = append(rssCurve, rss/1024)
		grCurve = append(grCurve, goroutines())
	}
	<-ctx.Done()
	wg.Wait()
	client.CloseIdleConnections()

	// Quiet: background builds settle, idle connections close.
	var snaps []store.ListEntry
	if l, err := writer.Snapshots().List(context.Background(), store.ListFilter{}); err == nil {
		snaps = l
	}
	var grEnd int
	for i := 0; i < 100; i++ {
		grEnd = goroutines()
		if grEnd <= grCurve[0] {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	rssEnd, hwm := rssKB(pid)
	t.Logf("soak %s: %d requests (%d routes in the mix), %d snapshots published, %d raw dates cached", dur, requests.Load(), len(targets), len(snaps), countDates(writer))
	t.Logf("RSS MB over time: %v, at the end %d, peak %d", rssCurve, rssEnd/1024, hwm/1024)
	t.Logf("goroutines over time: %v, after the load %d", grCurve, grEnd)
	t.Logf("5xx %d, transport errors %d, bad JSON %d, mixed-generation answers %d, generations seen %d", fives.Load(), failures.Load(), badJSON.Load(), mixed.Load(), len(generations))
	for _, p := range firstProblems {
		t.Log("  " + p)
	}
	if fives.Load()+failures.Load()+badJSON.Load()+mixed.Load() > 0 {
		t.Error("the soak saw failures (above)")
	}
	if len(snaps) < 4 {
		t.Errorf("only %d snapshots published during the soak", len(snaps))
	}
	if hwm/1024 > 300 {
		t.Errorf("peak RSS %d MB: not bounded", hwm/1024)
	}
	if grEnd > grCurve[0]+5 {
		t.Errorf("goroutines grew: %d at the first sample, %d after the load", grCurve[0], grEnd)
	}
}

// oneSnapshotAnswer reports whether the route's answer comes from one
// snapshot alone (answers over the series change as snapshots are added,
// with the same current snapshot).
func oneSnapshotAnswer(path string) bool {
	for _, suffix := range []string{"/rankings", "/statistics", "/clubs", "/educational-awards"} {
		if strings.HasSuffix(path, suffix) {
			return true
		}
	}
	return false
}

func countDates(st *store.Store) int {
	d, _ := st.Raw().Dates(context.Background())
	return len(d)
}
