package toaststats_test

import (
	"context"
	"testing"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
	_ "github.com/toaststats/toaststats/store/backends"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// BenchmarkBuildWorldFreshObjectStore is BenchmarkBuildWorldFresh with the
// whole data directory (raw cache, snapshots, history index) in a bucket of
// a MinIO on loopback: read and verify 385 raw files, build, and publish
// 131 snapshot files in place, manifest and pointer last. Skipped when
// minio is not installed.
func BenchmarkBuildWorldFreshObjectStore(b *testing.B) {
	srv := blobtest.New(b)
	w := dashboardtest.NewWorld(worldConfig)
	date := worldDate(w)
	st, err := toaststats.CreateStore(srv.NewBucketURL(b), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	n := putWorld(b, st, w, date)
	builder := toaststats.NewBuilder(st, toaststats.BuilderOptions{})
	ctx := context.Background()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		for _, k := range []string{"snapshots/", "history/", "current.json"} {
			if err := st.Objects().Delete(ctx, k); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		res, err := builder.Build(ctx, date)
		if err != nil {
			b.Fatal(err)
		}
		if res.Skipped || len(res.DistrictsIncluded) != 128 {
			b.Fatalf("skipped %v, %d districts included, errors %q", res.Skipped, len(res.DistrictsIncluded), first(res.Errors, 5))
		}
	}
}
