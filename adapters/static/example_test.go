package static_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/adapters/static"
	"github.com/toaststats/toaststats/store"
)

// Export writes the API of a snapshot store as files for a static host; a
// second export of the same snapshots writes nothing. The store here holds
// the imitation dashboard's districts 02, 61 and 118 on two dates (see
// cacheDate for how the raw reports get there).
func ExampleExport() {
	ctx := context.Background()
	dataDir, _ := os.MkdirTemp("", "toaststats-data")
	defer os.RemoveAll(dataDir)
	st, err := toaststats.CreateStore(dataDir, store.Options{Now: clock})
	if err != nil {
		log.Fatal(err)
	}
	w := smallWorld()
	builder := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: clock})
	for _, date := range []string{"2025-11-15", "2025-11-16"} {
		if err := cacheDate(st, w, date); err != nil {
			log.Fatal(err)
		}
		if _, err := builder.Build(ctx, date); err != nil {
			log.Fatal(err)
		}
	}

	webRoot, _ := os.MkdirTemp("", "toaststats-static")
	defer os.RemoveAll(webRoot)
	dst, err := store.NewDirObjects(webRoot) // or any store.Objects, such as a bucket
	if err != nil {
		log.Fatal(err)
	}
	defer dst.Close()
	for range 2 {
		res, err := static.Export(ctx, st, dst, static.Options{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("snapshot %s: %d files, %d written, %d unchanged, index written %v\n",
			res.SnapshotID, res.Files, res.Written, res.Unchanged, res.IndexWritten)
	}
	// Output:
	// snapshot 2025-11-16: 52 files, 52 written, 0 unchanged, index written true
	// snapshot 2025-11-16: 52 files, 0 written, 52 unchanged, index written false
}
