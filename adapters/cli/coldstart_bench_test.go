package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// BenchmarkColdStart is a server process's time to its first answers,
// measured from the moment it is started: the rankings (the current
// snapshot verified and read) and then one district's analytics (its
// history over the program year), on the local data directory and on the
// same data in a bucket of MinIO on loopback (copied there with
// store.Migrate and its history index rebuilt, as `toaststats migrate`
// does; neither is timed).
//
// TOASTSTATS_BENCH_DATA names a built data directory to use (scripts/bench
// --year leaves a program year of daily world snapshots in $BENCH_DIR/year);
// without it, the one-date fixture of testdata/cache is built and used.
//
//	TOASTSTATS_BENCH_DATA=/work/benchdata/year go test ./adapters/cli -run '^$' -bench ColdStart -benchtime 3x
func BenchmarkColdStart(b *testing.B) {
	cli, serverBin := realBinaries(b)
	dir := os.Getenv("TOASTSTATS_BENCH_DATA")
	if dir == "" {
		dir = fixtureDataDir(b, "2025-11-14")
		if out, err := exec.Command(cli, "build", "--data-dir", dir).CombinedOutput(); err != nil {
			b.Fatalf("build: %v\n%s", err, out)
		}
	}
	ctx := context.Background()
	s3 := blobtest.New(b)
	bucket := s3.NewBucketURL(b)
	from, err := store.NewDirObjects(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer from.Close()
	to, err := store.OpenBackend(ctx, bucket)
	if err != nil {
		b.Fatal(err)
	}
	began := time.Now()
	rep, err := store.Migrate(ctx, from, to, store.MigrateOptions{})
	if err != nil || len(rep.Problems) > 0 {
		b.Fatalf("migrate into the bucket: %v %+v", err, rep)
	}
	b.Logf("migrated %d objects into the bucket in %v", rep.Objects, time.Since(began).Round(time.Millisecond))
	// As `toaststats migrate` does: the copy's history index, rebuilt for
	// the stamps the snapshots have in the bucket.
	began = time.Now()
	dst, err := store.Open(bucket, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := toaststats.NewHistory(dst, nil).Reindex(ctx); err != nil {
		b.Fatal(err)
	}
	dst.Close()
	b.Logf("rebuilt the bucket's history index in %v", time.Since(began).Round(time.Millisecond))

	for _, bc := range []struct{ name, flag, location string }{
		{"local", "--data-dir", dir},
		{"s3", "--store", bucket},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var rankings, analytics, later time.Duration
			for i := 0; i < b.N; i++ {
				r, a, l := coldStart(b, serverBin, bc.flag, bc.location)
				rankings += r
				analytics += a
				later += l
			}
			b.ReportMetric(float64(rankings.Milliseconds())/float64(b.N), "ms-first-rankings")
			b.ReportMetric(float64(analytics.Milliseconds())/float64(b.N), "ms-first-analytics")
			b.ReportMetric(float64(later.Milliseconds())/float64(b.N), "ms-analytics-10s-later")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// coldStart starts the server on location and returns the time from its
// start to the first rankings answer, from then to a district's first
// analytics answer, and that of another district's first analytics answer
// asked 10 s later, once the server's start-up work (the check for pending
// builds) is over.
func coldStart(b *testing.B, serverBin, flag, location string) (rankings, analytics, later time.Duration) {
	b.Helper()
	cmd := exec.Command(serverBin, flag, location, "--addr", "127.0.0.1:0", "--rebuild-interval", "0", "--admin-token", "bench-token")
	cmd.Env = append(os.Environ(), "TOASTSTATS_DATA_DIR=", "TOASTSTATS_STORE=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok {
		b.Fatalf("server said %q", line)
	}
	var body struct {
		Rankings []struct {
			DistrictID string `json:"districtId"`
		} `json:"rankings"`
	}
	for {
		code, raw := benchGet(b, addr+"/api/districts/rankings")
		if code == http.StatusOK {
			if err := json.Unmarshal(raw, &body); err != nil || len(body.Rankings) == 0 {
				b.Fatalf("rankings: %v (%d rows)", err, len(body.Rankings))
			}
			break
		}
		if time.Since(start) > time.Minute {
			b.Fatalf("no rankings after a minute: %d %s", code, raw)
		}
		time.Sleep(time.Millisecond)
	}
	rankings = time.Since(start)
	second := time.Now()
	if code, raw := benchGet(b, addr+"/api/districts/"+body.Rankings[0].DistrictID+"/analytics"); code != http.StatusOK {
		b.Fatalf("analytics: %d %s", code, raw)
	}
	analytics = time.Since(second)
	time.Sleep(10 * time.Second)
	third := time.Now()
	if code, raw := benchGet(b, addr+"/api/districts/"+body.Rankings[len(body.Rankings)-1].DistrictID+"/analytics"); code != http.StatusOK {
		b.Fatalf("analytics: %d %s", code, raw)
	}
	return rankings, analytics, time.Since(third)
}

func benchGet(b *testing.B, url string) (int, []byte) {
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(fmt.Errorf("%s: %w", url, err))
	}
	return resp.StatusCode, raw
}
