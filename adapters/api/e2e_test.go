package api

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

// putRawWorld writes every report of one as-of date of w into the raw
// cache of dir, as the scraper would.
func putRawWorld(t testing.TB, st *store.Store, w *dashboardtest.World, date string) {
	t.Helper()
	ctx := context.Background()
	put := func(kind normalize.ReportKind, id string, r store.Report) {
		b, err := w.CSV(kind, id, date)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Raw().Put(ctx, date, id, r, b, store.PutInfo{RequestedDate: date, Source: "dashboardtest"}); err != nil {
			t.Fatal(err)
		}
	}
	put(normalize.ReportSummary, "", store.ReportSummary)
	for _, id := range w.Districts(date) {
		put(normalize.ReportClub, id, store.ReportClub)
		put(normalize.ReportDivision, id, store.ReportDivision)
		put(normalize.ReportDistrict, id, store.ReportDistrict)
	}
}

// buildServerBinary compiles the toaststats-server command (adapters/http,
// this package behind flags) into dir.
func buildServerBinary(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "toaststats-server")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/toaststats/toaststats/adapters/http")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// startServer starts the binary and returns its base URL once it listens.
func startServer(t testing.TB, bin string, args ...string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stderr = io.Discard
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if after, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				lines <- after
			}
		}
		close(lines)
	}()
	select {
	case base, ok := <-lines:
		if !ok {
			t.Fatal("server exited before listening")
		}
		return base, cmd
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start listening")
	}
	return "", nil
}

func getJSON(t testing.TB, method, url, token string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d, not JSON: %v\n%s", method, url, resp.StatusCode, err, clip(b))
		}
	}
	return resp.StatusCode
}

// TestEndToEnd builds the real server binary, starts it over an empty data
// directory (made first, as toaststats init does: the server never creates
// one), waits on /health, fills the raw cache as the scraper would,
// triggers POST /api/admin/refresh, waits for the job and reads the
// snapshot it built; then stops the server with SIGTERM.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	tmp := t.TempDir()
	bin := buildServerBinary(t, tmp)
	dataDir := filepath.Join(tmp, "data")
	if err := os.Mkdir(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	const token = "e2e-token"
	base, cmd := startServer(t, bin, "--data-dir", dataDir, "--addr", "127.0.0.1:0", "--admin-token", token, "--rebuild-interval", "0", "--log-format", "json")

	var health map[string]any
	for i := 0; ; i++ {
		if getJSON(t, "GET", base+"/health", "", &health) == 200 {
			break
		}
		if i > 100 {
			t.Fatal("health never OK")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if health["ready"] != false {
		t.Fatalf("ready before any snapshot: %v", health)
	}
	var eb errorBody
	if code := getJSON(t, "GET", base+"/api/districts/rankings", "", &eb); code != 503 || eb.Error.Code != "NO_SNAPSHOT_AVAILABLE" {
		t.Fatalf("rankings before refresh: %d %+v", code, eb)
	}

	// Fill the raw cache while the server runs (a separate writer, like the scraper).
	st, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 4, ClubsPerDistrict: 12, Seed: 3, From: "2025-10-01", To: "2025-10-10"})
	dates := w.AsOfDates()
	latest := dates[len(dates)-1]
	putRawWorld(t, st, w, dates[len(dates)-2])
	putRawWorld(t, st, w, latest)

	var acc struct {
		Data toaststats.Job `json:"data"`
	}
	req, _ := http.NewRequest("POST", base+"/api/admin/refresh", nil)
	req.Header.Set("Authorization", "Bearer wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("refresh with a wrong token: %v", err)
	}
	resp.Body.Close() // an unread, unclosed body holds its connection's goroutines for ever
	if resp.StatusCode != 401 {
		t.Fatalf("refresh with a wrong token: %d", resp.StatusCode)
	}
	if code := getJSON(t, "POST", base+"/api/admin/refresh", token, &acc); code != 202 {
		t.Fatalf("refresh: %d", code)
	}
	var job struct {
		Data toaststats.Job `json:"data"`
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if code := getJSON(t, "GET", base+"/api/admin/refresh/"+acc.Data.ID, token, &job); code != 200 {
			t.Fatalf("job status: %d", code)
		}
		if job.Data.Status != toaststats.JobRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("build did not finish")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if job.Data.Status != toaststats.JobSucceeded {
		t.Fatalf("build job: %+v", job.Data)
	}
	results, _ := json.Marshal(job.Data.Result)
	if !strings.Contains(string(results), `"status":"success"`) {
		t.Fatalf("build results: %s", results)
	}

	var rankings apitypes.Rankings
	if code := getJSON(t, "GET", base+"/api/districts/rankings", "", &rankings); code != 200 {
		t.Fatalf("rankings after refresh: %d", code)
	}
	if rankings.Meta.SnapshotID != latest || rankings.Meta.DataSource != "all-districts-rankings-file" || len(rankings.Rankings) != len(w.Districts(latest)) {
		t.Fatalf("rankings after refresh: snapshot %s source %s, %d rows (want %s, %d)", rankings.Meta.SnapshotID, rankings.Meta.DataSource, len(rankings.Rankings), latest, len(w.Districts(latest)))
	}
	did := w.Districts(latest)[0]
	var stats struct {
		Data struct {
			DistrictID  string `json:"districtId"`
			ClubDetails []any  `json:"clubDetails"`
		} `json:"data"`
		Meta apitypes.SnapshotMeta `json:"_snapshot_metadata"`
	}
	if code := getJSON(t, "GET", base+"/api/districts/"+did+"/statistics", "", &stats); code != 200 || stats.Data.DistrictID != did || len(stats.Data.ClubDetails) == 0 {
		t.Fatalf("statistics of %s: %d %+v", did, code, stats.Meta)
	}
	var dates2 struct {
		Data struct {
			Dates []string `json:"dates"`
		} `json:"data"`
	}
	if code := getJSON(t, "GET", base+"/api/districts/cache/dates", "", &dates2); code != 200 || len(dates2.Data.Dates) != 2 {
		t.Fatalf("snapshot dates: %d %v", code, dates2.Data.Dates)
	}
	var hist map[string]any
	if code := getJSON(t, "GET", base+"/api/districts/"+did+"/analytics", "", &hist); code != 200 {
		t.Fatalf("analytics: %d %v", code, hist)
	}

	// Graceful shutdown on SIGTERM: exit status 0.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("server exit after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
}
