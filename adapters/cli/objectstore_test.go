package main

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
	"testing"
	"time"

	"github.com/toaststats/toaststats/store"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// TestObjectStorageCommands runs the real toaststats binary against a real
// S3-compatible server (MinIO on loopback, skipped when not installed):
// migrate a data directory into a bucket, build and verify there, and
// migrate it back. These are the commands of the README's "Running on
// object storage".
func TestObjectStorageCommands(t *testing.T) {
	cli, _ := realBinaries(t)
	srv := blobtest.New(t) // exports AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
	bucket := srv.NewBucketURL(t)
	dir := fixtureDataDir(t, "2025-11-14")
	back := filepath.Join(t.TempDir(), "back")
	run := func(want int, args ...string) string {
		t.Helper()
		cmd := exec.Command(cli, args...)
		cmd.Env = append(os.Environ(), "TOASTSTATS_NOW="+snapshotTestNow, "TOASTSTATS_DATA_DIR=", "TOASTSTATS_STORE=")
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != want {
			t.Fatalf("toaststats %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
		}
		return string(out)
	}
	out := run(0, "migrate", "--from", dir, "--to", bucket)
	if !strings.Contains(out, "every file copied and verified") {
		t.Fatalf("migrate:\n%s", out)
	}
	// Again: everything is there already.
	if out := run(0, "migrate", "--from", dir, "--to", bucket, "--json"); !strings.Contains(out, `"copied": 0`) {
		t.Fatalf("second migrate copied something:\n%s", out)
	}
	run(0, "build", "--store", bucket)
	if out := run(0, "verify", "--store", bucket); !strings.Contains(out, "verdict: HEALTHY") {
		t.Fatalf("verify on the bucket:\n%s", out)
	}
	if out := run(0, "status", "--store", bucket); !strings.Contains(out, "2025-11-14") {
		t.Fatalf("status on the bucket:\n%s", out)
	}
	run(0, "migrate", "--from", bucket, "--to", back)
	if out := run(0, "verify", "--data-dir", back); !strings.Contains(out, "verdict: HEALTHY") || strings.Contains(out, "history index is behind") {
		t.Fatalf("verify after migrating back (healthy, history index rebuilt for the copy):\n%s", out)
	}
	// The static export reads the bucket and writes into another bucket
	// prefix: the same index (every file's sha256) as an export of the
	// migrated-back directory into a folder; a second export writes nothing.
	site := srv.NewBucketURL(t)
	run(0, "export-static", "--store", bucket, "--to", site)
	if out := run(0, "export-static", "--store", bucket, "--to", site); !strings.Contains(out, " 0 written") {
		t.Fatalf("second export into the bucket wrote files:\n%s", out)
	}
	folder := filepath.Join(t.TempDir(), "site")
	run(0, "export-static", "--data-dir", back, "--to", folder)
	objs, err := store.OpenBackend(context.Background(), site)
	if err != nil {
		t.Fatal(err)
	}
	inBucket, err := objs.Read(context.Background(), "index.json")
	if err != nil {
		t.Fatal(err)
	}
	inFolder, err := os.ReadFile(filepath.Join(folder, "index.json"))
	if err != nil || string(inBucket) != string(inFolder) || !strings.Contains(string(inFolder), `"api/districts/rankings.json"`) {
		t.Fatalf("index in the bucket (%d bytes) differs from the folder's (%d bytes, %v)", len(inBucket), len(inFolder), err)
	}
	rankings, err := objs.Read(context.Background(), "api/districts/rankings.json")
	if want, _ := os.ReadFile(filepath.Join(folder, "api", "districts", "rankings.json")); err != nil || len(rankings) == 0 || string(rankings) != string(want) {
		t.Fatalf("rankings in the bucket differ from the folder's: %v", err)
	}

	if out := run(2, "verify", "--store", "gs://bucket/data"); !strings.Contains(out, "not supported") {
		t.Fatalf("gs:// refused without saying why:\n%s", out)
	}
	if out := run(2, "status", "--store", strings.Replace(bucket, "s3://", "s3://no-such-bucket-", 1)); !strings.Contains(out, "no-such-bucket") {
		t.Fatalf("missing bucket:\n%s", out)
	}
}

// TestTwoHostsOnOneBucket is the deployment past one machine, on one
// machine: the scraper side (toaststats scrape and build) fills a bucket
// from the dashboard imitation, two server processes on different ports
// serve from it, a new collection reaches both, and killing one loses
// nothing.
func TestTwoHostsOnOneBucket(t *testing.T) {
	cli, serverBin := realBinaries(t)
	s3 := blobtest.New(t)
	bucket := s3.NewBucketURL(t)
	w, dash := scrapeTestWorld(t, 3)
	env := append(os.Environ(), "TOASTSTATS_DATA_DIR=", "TOASTSTATS_STORE="+bucket, "TOASTSTATS_BASE_URL="+dash.URL)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(cli, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("toaststats %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	build := func(date string) string {
		t.Helper()
		run("scrape", "--mode", "http", "--rate", "0", "--date", date)
		var out buildOutput
		if err := json.Unmarshal([]byte(run("build", "--date", date, "--json")), &out); err != nil || len(out.Results) != 1 {
			t.Fatalf("build %s: %+v %v", date, out, err)
		}
		return out.Results[0].SnapshotID
	}
	dates := w.AsOfDates()
	first := build(dates[len(dates)-8])

	type server struct {
		cmd  *exec.Cmd
		addr string
	}
	start := func() server {
		t.Helper()
		cmd := exec.Command(serverBin, "--addr", "127.0.0.1:0", "--rebuild-interval", "0", "--admin-token", "test-token")
		cmd.Env = env
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
		if !ok {
			t.Fatalf("server said %q", line)
		}
		return server{cmd, addr}
	}
	current := func(s server) string {
		resp, err := http.Get(s.addr + "/health")
		if err != nil {
			return "down: " + err.Error()
		}
		defer resp.Body.Close()
		var h struct {
			Current *struct {
				ID string `json:"snapshot_id"`
			} `json:"current_snapshot"`
		}
		if json.NewDecoder(resp.Body).Decode(&h) != nil || h.Current == nil {
			return ""
		}
		return h.Current.ID
	}
	waitFor := func(s server, id string) time.Duration {
		t.Helper()
		begin := time.Now()
		for current(s) != id {
			if time.Since(begin) > 20*time.Second {
				t.Fatalf("server %s still serves %q, want %s", s.addr, current(s), id)
			}
			time.Sleep(20 * time.Millisecond)
		}
		return time.Since(begin)
	}
	a, b := start(), start()
	waitFor(a, first)
	waitFor(b, first)

	// A new collection, published by the scraper host, reaches both.
	second := build(dates[len(dates)-1])
	if second <= first {
		t.Fatalf("second snapshot %s is not newer than %s", second, first)
	}
	t.Logf("new snapshot %s reached server A in %v, server B in %v", second, waitFor(a, second), waitFor(b, second))

	// Killing one server loses nothing: the other serves on, the bucket is
	// healthy.
	_ = a.cmd.Process.Kill()
	_ = a.cmd.Wait()
	resp, err := http.Get(b.addr + "/api/districts/rankings")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), second) {
		t.Fatalf("rankings from the surviving server: %d %.300s", resp.StatusCode, body)
	}
	if out := run("verify"); !strings.Contains(out, "verdict: HEALTHY") {
		t.Fatalf("verify after killing a server:\n%s", out)
	}
}
