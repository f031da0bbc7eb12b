package toaststats_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
	"github.com/toaststats/toaststats/store/blobstore"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// linkCut cuts a client's link to the bucket from the first request that
// trigger matches: every request from then on waits, unsent, until heal
// or until its context ends.
type linkCut struct {
	next    *http.Transport
	trigger func(*http.Request) bool

	mu      sync.Mutex
	cut     bool
	started chan struct{}
	healed  chan struct{}
	once    sync.Once
}

func (c *linkCut) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	if !c.cut && c.trigger(req) {
		c.cut = true
		close(c.started)
	}
	cut := c.cut
	c.mu.Unlock()
	if cut {
		select {
		case <-c.healed:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	return c.next.RoundTrip(req)
}

func (c *linkCut) heal() { c.once.Do(func() { close(c.healed) }) }

// A `build --all` into a bucket whose builder loses its lock lease (its
// link to the bucket fails in the middle of the first publish for longer
// than the lease's TTL) stops: the publish fails with store.ErrLeaseLost,
// the other dates are not built (nor left grinding on), and BuildAll's
// error says so rather than passing for a cancellation. Nothing was
// committed, and building again, once the link is back, builds every date.
func TestBuildAllStopsWhenTheLeaseIsLost(t *testing.T) {
	srv := blobtest.New(t)
	ctx := context.Background()
	bucket, err := srv.Bucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 3, ClubsPerDistrict: 4, Seed: 5, From: "2025-11-10", To: "2025-11-20"})
	dates := w.AsOfDates()[:4]

	open := func(rt http.RoundTripper) *store.Store {
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		if rt == nil {
			rt = tr
		} else {
			rt.(*linkCut).next = tr
		}
		objs := blobstore.New(srv.ClientThrough(t, rt), bucket, "data", "s3://"+bucket+"/data")
		objs.LeaseTTL = time.Second
		st := store.OpenObjects(objs.String(), objs, store.Options{Now: clock})
		t.Cleanup(func() { st.Close() })
		return st
	}
	healthy := open(nil)
	for _, d := range dates {
		putWorld(t, healthy, w, d)
	}

	cut := &linkCut{started: make(chan struct{}), healed: make(chan struct{}), trigger: func(r *http.Request) bool {
		return r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/snapshots/.gen-")
	}}
	defer cut.heal()
	type outcome struct {
		res []*toaststats.BuildResult
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := newBuilder(open(cut)).BuildAll(ctx)
		done <- outcome{res, err}
	}()
	var out outcome
	select {
	case out = <-done:
	case <-time.After(time.Minute):
		cut.heal()
		<-done
		t.Fatal("BuildAll went on for a minute after its lease was lost")
	}
	select {
	case <-cut.started:
	default:
		t.Fatalf("BuildAll = %v without reaching a publish", out.err)
	}
	if !errors.Is(out.err, store.ErrLeaseLost) || errors.Is(out.err, context.Canceled) {
		t.Fatalf("BuildAll error = %v, want store.ErrLeaseLost (not a cancellation)", out.err)
	}
	for _, r := range out.res {
		if !r.Skipped {
			t.Errorf("%s reported built after the lease was lost: %+v", r.CollectionDate, r)
		}
	}
	cut.heal()
	// history/pending.json is Pending's own state (written once the raw
	// cache is a few seconds old, which a loaded machine reaches during
	// the setup), not the index: only the index's logs must be absent.
	keys, err := healthy.Objects().List(ctx, "history/")
	if err != nil {
		t.Fatal(err)
	}
	var logs []string
	for _, k := range keys {
		if k != "history/pending.json" {
			logs = append(logs, k)
		}
	}
	if len(logs) > 0 {
		t.Fatalf("history index after the stopped build: %v, want nothing appended", logs)
	}

	b := newBuilder(healthy)
	pending, err := b.Pending(ctx)
	if err != nil || len(pending) != len(dates) {
		t.Fatalf("pending after the stopped build = %v %v, want all %d dates", pending, err, len(dates))
	}
	res, err := b.BuildAll(ctx)
	if err != nil || len(res) != len(dates) {
		t.Fatalf("building again: %d results, %v", len(res), err)
	}
	for _, r := range res {
		if r.Skipped || r.Status != "success" {
			t.Errorf("building again: %s %s skipped=%v", r.CollectionDate, r.Status, r.Skipped)
		}
	}
	if logs, err := healthy.Objects().List(ctx, "history/"); err != nil || len(logs) == 0 {
		t.Fatalf("history index after building again: %v %v, want it appended to", logs, err)
	}
	rep, err := healthy.Snapshots().Check(ctx)
	if err != nil || !rep.Healthy || len(rep.Leftovers) > 0 {
		t.Fatalf("check after building again: %+v %v", rep, err)
	}
}
