package api

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
	_ "github.com/toaststats/toaststats/store/backends"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// BenchmarkWorldObjectStore compares the real server reading the whole
// world from the local data directory with the same server reading the same
// data from a bucket (MinIO on loopback, filled by store.Migrate): after a
// warm-up, wrk -t2 -c64 on the rankings, one district's statistics and its
// membership analytics (a series answer),
// runs alternating local, bucket, bucket, local. Target (issue 13): the
// bucket-backed server keeps at least 1/1.2 of the local one's throughput.
// adapters/api/loadtest/objectstore.sh runs it; it is not run in CI.
func BenchmarkWorldObjectStore(b *testing.B) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed")
	}
	tmp := b.TempDir()
	dataDir := os.Getenv("TOASTSTATS_LOADTEST_WORLD_DIR")
	if dataDir == "" {
		dataDir = filepath.Join(tmp, "world")
	}
	worldFixture(b, dataDir)
	// Nothing may be pending: a server starting on the local directory
	// would build it, and answer other bytes than the bucket's copy.
	st, err := store.Open(dataDir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{}).BuildAll(context.Background()); err != nil && !errors.Is(err, toaststats.ErrNothingCached) {
		b.Fatal(err)
	}
	st.Close()
	s3 := blobtest.New(b)
	bucket := s3.NewBucketURL(b)
	ctx := context.Background()
	from, err := store.NewDirObjects(dataDir)
	if err != nil {
		b.Fatal(err)
	}
	defer from.Close()
	to, err := store.OpenBackend(ctx, bucket)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	rep, err := store.Migrate(ctx, from, to, store.MigrateOptions{})
	if err != nil || len(rep.Problems) > 0 {
		b.Fatalf("migrate: %v %+v", err, rep)
	}
	b.Logf("migrated %d objects into the bucket in %s", rep.Objects, time.Since(t0).Round(time.Millisecond))

	bin := buildServerBinary(b, tmp)
	common := []string{"--addr", "127.0.0.1:0", "--rate-limit", "0", "--rebuild-interval", "0", "--log-level", "error", "--admin-token", "bench"}
	local, lcmd := startServer(b, bin, append([]string{"--data-dir", dataDir}, common...)...)
	defer func() { _ = lcmd.Process.Signal(os.Interrupt); _ = lcmd.Wait() }()
	remote, rcmd := startServer(b, bin, append([]string{"--store", bucket}, common...)...)
	defer func() { _ = rcmd.Process.Signal(os.Interrupt); _ = rcmd.Wait() }()

	for name, p := range map[string]string{"rankings": "/api/districts/rankings", "statistics": "/api/districts/61/statistics", "analytics": "/api/districts/61/membership-analytics"} {
		lb, _ := fetch(b, local+p)
		rb, _ := fetch(b, remote+p)
		if string(lb) != string(rb) {
			i := 0
			for i < len(lb) && i < len(rb) && lb[i] == rb[i] {
				i++
			}
			lo := max(0, i-200)
			b.Fatalf("%s: the two servers answer different bytes from offset %d:\nlocal  …%s\nbucket …%s", name, i, lb[lo:min(len(lb), i+200)], rb[lo:min(len(rb), i+200)])
		}
		_ = goLoad(local+p, 8, time.Second) // warm both
		_ = goLoad(remote+p, 8, time.Second)
		l1 := runWrk(b, wrk, local+p)
		r1 := runWrk(b, wrk, remote+p)
		r2 := runWrk(b, wrk, remote+p)
		l2 := runWrk(b, wrk, local+p)
		for i, pair := range [][2]wrkRun{{l1, r1}, {l2, r2}} {
			b.Logf("%-10s run %d local  %8.0f req/s  p50 %-9s p99 %-9s", name, i+1, pair[0].rps, pair[0].p50, pair[0].p99)
			b.Logf("%-10s run %d bucket %8.0f req/s  p50 %-9s p99 %-9s  (load average %s)", name, i+1, pair[1].rps, pair[1].p50, pair[1].p99, loadAvg())
		}
		ratio := (r1.rps + r2.rps) / (l1.rps + l2.rps)
		b.Logf("%-10s => bucket-backed server at %.2f× the local one's throughput (target >= %.2f×)", name, ratio, 1/1.2)
		b.ReportMetric(ratio, name+"-throughput-ratio")
	}
}
