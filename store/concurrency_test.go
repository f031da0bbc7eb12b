package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// markedSnapshot is a snapshot whose every file carries the marker, so a
// reader can tell whether what it read came from one generation.
func markedSnapshot(id, marker string, n int) *snapshot.Snapshot {
	snap := makeSnapshot(id, snapshot.StatusSuccess, n, 3)
	snap.Metadata.Source = marker
	snap.Rankings.Metadata.SourceCsvDate = marker
	for i := range snap.Districts {
		snap.Districts[i].DistrictName = marker
	}
	return snap
}

// TestReadersNeverSeePartialSnapshots runs readers against writers that keep
// rebuilding the same ids (and publishing new ones); every view must read
// back files of exactly its own generation.
func TestReadersNeverSeePartialSnapshots(t *testing.T) {
	for _, ttl := range []struct {
		name string
		opts Options
	}{{"cached", Options{}}, {"uncached", Options{CacheTTL: -1}}, {"gzip", Options{Gzip: true}}} {
		t.Run(ttl.name, func(t *testing.T) {
			ctx := context.Background()
			st := openTest(t, ttl.opts)
			ss := st.Snapshots()
			ids := []string{"2025-11-01", "2025-11-02", "2025-11-03"}
			if err := ss.Publish(ctx, markedSnapshot(ids[0], "w-init", 4)); err != nil {
				t.Fatal(err)
			}
			writes := 15
			if testing.Short() {
				writes = 6
			}
			var wg, wgW sync.WaitGroup
			var done atomic.Bool
			var reads atomic.Int64
			errs := make(chan error, 16)
			for w := 0; w < 2; w++ {
				wgW.Add(1)
				go func() {
					defer wgW.Done()
					for i := 0; i < writes; i++ {
						id := ids[(i+w)%len(ids)]
						n := 2 + (i+w)%5 // district count varies between generations
						if err := ss.Publish(ctx, markedSnapshot(id, fmt.Sprintf("w%d-%d", w, i), n)); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			for r := 0; r < 3; r++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; !done.Load(); i++ {
						var v *View
						var err error
						if r%2 == 0 {
							v, err = ss.Current(ctx)
						} else {
							v, err = ss.Get(ctx, ids[i%len(ids)])
							if errors.Is(err, ErrSnapshotNotFound) {
								continue
							}
						}
						if err != nil {
							errs <- fmt.Errorf("open view: %w", err)
							return
						}
						marker := v.Metadata.Source
						if len(v.Manifest.Districts) != len(v.Metadata.SuccessfulDistricts) {
							errs <- fmt.Errorf("view %s: manifest has %d districts, metadata %d", v.ID, len(v.Manifest.Districts), len(v.Metadata.SuccessfulDistricts))
							return
						}
						for _, did := range v.DistrictIDs() {
							read := v.District
							if r == 2 {
								read = v.DistrictShared
							}
							df, err := read(ctx, did)
							if err != nil {
								errs <- fmt.Errorf("view %s %s district %s: %w", v.ID, marker, did, err)
								return
							}
							if df.DistrictName != marker {
								errs <- fmt.Errorf("view %s: metadata of %s, district %s of %s", v.ID, marker, did, df.DistrictName)
								return
							}
						}
						rf, err := v.Rankings(ctx)
						if err != nil {
							errs <- fmt.Errorf("view %s rankings: %w", v.ID, err)
							return
						}
						if rf.Metadata.SourceCsvDate != marker || len(rf.Rankings) != len(v.Manifest.Districts) {
							errs <- fmt.Errorf("view %s: metadata of %s, rankings of %s", v.ID, marker, rf.Metadata.SourceCsvDate)
							return
						}
						reads.Add(1)
					}
				}()
			}
			writersDone := make(chan struct{})
			go func() { wgW.Wait(); close(writersDone) }()
			<-writersDone
			done.Store(true)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if reads.Load() == 0 {
				t.Fatal("no reads completed")
			}
			t.Logf("%d consistent reads", reads.Load())
		})
	}
}
