package toaststats_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

// Build a snapshot from reports already in the raw cache (here copied from
// the test fixture) and read it back.
func ExampleBuilder_Build() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "toaststats-example")
	defer os.RemoveAll(dir)
	st, err := toaststats.OpenStore(dir, toaststats.StoreOptions{})
	if err != nil {
		panic(err)
	}
	// A scraper would fill the cache; copy the fixture instead.
	putFixture(ctx, st, "2025-11-14", store.PutInfo{})

	res, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{}).Build(ctx, "2025-11-14")
	if err != nil {
		panic(err)
	}
	fmt.Println(res.SnapshotID, res.Status, res.DistrictsIncluded)

	cur, _ := st.Snapshots().Current(ctx)
	rankings, _ := cur.Rankings(ctx)
	fmt.Println("ranked districts:", rankings.Metadata.TotalDistricts)
	// Output:
	// 2025-11-14 success [02 42 61 F]
	// ranked districts: 4
}

// putFixture copies one collection date of testdata/cache into st's raw
// cache, as a scraper would have stored it.
func putFixture(ctx context.Context, st *toaststats.Store, date string, info store.PutInfo) {
	src := filepath.Join("testdata", "cache", date)
	_ = filepath.Walk(src, func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		district, file, ok := strings.Cut(filepath.ToSlash(rel), "/")
		if !ok {
			district, file = "", district
		}
		data, _ := os.ReadFile(path)
		return st.Raw().Put(ctx, date, strings.TrimPrefix(district, "district-"),
			store.Report(strings.TrimSuffix(file, ".csv")), data, info)
	})
}
