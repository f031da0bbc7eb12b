package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// swapOnly is a local directory seen only as Objects, Stager and
// DirSwapper: Publish encodes the whole snapshot and then stages it, the
// path a backend without fileStager takes.
type swapOnly struct {
	Objects
	Stager
	DirSwapper
}

// A local directory publishes streaming (each district file written as it
// is encoded); the files, manifest and metadata it leaves are byte for byte
// those of the encode-then-stage path, for a first publish and a rebuild.
func TestPublishStreamingWritesWhatStagingWrites(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2025, 10, 2, 3, 4, 5, 0, time.UTC) }
	streamDir, stageDir := t.TempDir(), t.TempDir()
	streamed, err := Open(streamDir, Options{Now: now})
	must(t, err)
	defer streamed.Close()
	d, err := NewDirObjects(stageDir)
	must(t, err)
	staged := OpenObjects(stageDir, swapOnly{d, d, d}, Options{Now: now})
	defer staged.Close()
	if _, ok := streamed.Objects().(fileStager); !ok {
		t.Fatal("DirObjects is not a fileStager: Publish does not stream")
	}
	for _, clubs := range []int{7, 9} { // the second is a rebuild of the same id
		snap := makeSnapshot("2025-10-01", snapshot.StatusSuccess, 5, clubs)
		must(t, streamed.Snapshots().Publish(ctx, snap))
		must(t, staged.Snapshots().Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 5, clubs)))
		ents, err := os.ReadDir(filepath.Join(stageDir, "snapshots", "2025-10-01"))
		must(t, err)
		if len(ents) != 5+3 {
			t.Fatalf("%d files staged, want 5 districts + rankings, manifest, metadata", len(ents))
		}
		for _, e := range ents {
			want, err := os.ReadFile(filepath.Join(stageDir, "snapshots", "2025-10-01", e.Name()))
			must(t, err)
			got, err := os.ReadFile(filepath.Join(streamDir, "snapshots", "2025-10-01", e.Name()))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%d clubs: %s differs between the streaming and the staging publish (%v)", clubs, e.Name(), err)
			}
		}
	}
	leftovers, err := filepath.Glob(filepath.Join(streamDir, "snapshots", ".gen-*"))
	must(t, err)
	if len(leftovers) != 0 {
		t.Errorf("staged folders left: %v", leftovers)
	}
}
