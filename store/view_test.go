package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// slowObjects is DirObjects with slow, counted reads of district files.
type slowObjects struct {
	*DirObjects
	districtReads atomic.Int64
}

func (o *slowObjects) Read(ctx context.Context, key string) ([]byte, error) {
	if strings.Contains(key, "/district_") {
		o.districtReads.Add(1)
		time.Sleep(50 * time.Millisecond)
	}
	return o.DirObjects.Read(ctx, key)
}

func TestConcurrentReadsShareOneDiskRead(t *testing.T) {
	ctx := context.Background()
	d, err := NewDirObjects(t.TempDir())
	must(t, err)
	objs := &slowObjects{DirObjects: d}
	st := OpenObjects(d.Dir(), objs, Options{})
	defer st.Close()
	ss := st.Snapshots()
	must(t, ss.Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 2, 20)))
	v, err := ss.Current(ctx)
	must(t, err)
	objs.districtReads.Store(0)
	ss.ResetStats()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if df, err := v.District(ctx, "2"); err != nil || df.DistrictID != "2" {
				t.Errorf("read: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := objs.districtReads.Load(); n != 1 {
		t.Fatalf("16 concurrent reads of one file made %d disk reads, want 1", n)
	}
	if s := ss.Stats(); s.Reads != 16 || s.MaxConcurrentReads < 2 {
		t.Fatalf("stats = %+v", s)
	}
	// Afterwards the file is served from the cache.
	if _, err := v.District(ctx, "2"); err != nil || objs.districtReads.Load() != 1 {
		t.Fatalf("cached read hit the disk: %v", err)
	}
}

func TestReplacedGenerationIsCollectedAfterGrace(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	st := openTest(t, Options{CacheTTL: -1, Now: func() time.Time { return now }})
	ss := st.Snapshots()
	must(t, ss.Publish(ctx, markedSnapshot("2025-10-01", "old", 2)))
	old, err := ss.Current(ctx)
	must(t, err)
	must(t, ss.Publish(ctx, markedSnapshot("2025-10-01", "new", 2)))
	if df, err := old.District(ctx, "1"); err != nil || df.DistrictName != "old" {
		t.Fatalf("within grace: %v %v", df, err)
	}
	if rep, _ := ss.Check(ctx); !rep.Healthy || len(rep.Leftovers) != 1 || !strings.Contains(rep.Leftovers[0], ".old-2025-10-01-") {
		t.Fatalf("check = %+v", rep)
	}
	now = now.Add(2 * oldGenerationGrace)
	must(t, ss.Publish(ctx, markedSnapshot("2025-10-02", "other", 1))) // collects garbage
	if _, err := old.District(ctx, "1"); !errors.Is(err, ErrGenerationGone) {
		t.Fatalf("after grace: %v", err)
	}
	cur, err := ss.Get(ctx, "2025-10-01")
	must(t, err)
	if df, err := cur.District(ctx, "1"); err != nil || df.DistrictName != "new" {
		t.Fatalf("new view: %v %v", df, err)
	}
	if rep, _ := ss.Check(ctx); !rep.Healthy || len(rep.Leftovers) != 0 {
		t.Fatalf("check = %+v", rep)
	}
}

// verify --repair never deletes: leftovers go to quarantine, bytes intact,
// and leftovers alone never make the store unhealthy.
func TestRecoverQuarantinesLeftovers(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	st := openTest(t, Options{CacheTTL: -1, Now: func() time.Time { return now }})
	ss := st.Snapshots()
	must(t, ss.Publish(ctx, markedSnapshot("2025-10-01", "old", 2)))
	must(t, ss.Publish(ctx, markedSnapshot("2025-10-01", "new", 2)))
	rep, err := ss.Check(ctx)
	must(t, err)
	if !rep.Healthy || len(rep.Leftovers) != 1 {
		t.Fatalf("check = %+v", rep)
	}
	leftover := rep.Leftovers[0]
	// Within the grace period the replaced generation stays where it is.
	rr, err := ss.Recover(ctx)
	must(t, err)
	if len(rr.Actions) != 0 {
		t.Fatalf("within grace: actions %+v", rr.Actions)
	}
	now = now.Add(2 * oldGenerationGrace)
	rr, err = ss.Recover(ctx)
	must(t, err)
	if len(rr.Actions) != 1 || rr.Actions[0].Action != "quarantine-leftover" || rr.Actions[0].From != leftover ||
		!strings.HasPrefix(rr.Actions[0].To, "quarantine/leftovers-") || !rr.Recovered {
		t.Fatalf("recover = %+v", rr)
	}
	files, err := st.Objects().List(ctx, rr.Actions[0].To)
	must(t, err)
	if len(files) == 0 {
		t.Fatalf("quarantined leftover %s is empty: nothing may be deleted", rr.Actions[0].To)
	}
	if rep, _ := ss.Check(ctx); !rep.Healthy || len(rep.Leftovers) != 0 {
		t.Fatalf("after repair: %+v", rep)
	}
}
