package toaststats_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

// Run a build in the background, follow it and read the snapshot it
// published: the way the API server runs POST /api/admin/refresh.
func ExampleJobs() {
	ctx := context.Background()
	st, remove := fixtureStore(ctx, "2025-11-14") // a data directory with one collection in its raw cache
	defer remove()
	b := toaststats.NewBuilder(st, toaststats.BuilderOptions{})
	jobs := toaststats.NewJobs(b.Func(), toaststats.JobsOptions{Store: st, Pending: b.Pending})
	defer jobs.Close()

	job, err := jobs.Start("example", "2025-11-14")
	if err != nil {
		panic(err)
	}
	job, _ = jobs.Wait(ctx, job.ID)
	fmt.Println(job.Trigger, job.Status)
	cur, _ := st.Snapshots().Current(ctx)
	fmt.Println("current snapshot:", cur.ID)
	// Output:
	// example succeeded
	// current snapshot: 2025-11-14
}

// fixtureStore is a new data directory whose raw cache holds the test
// fixture as the collection of date; remove deletes it.
func fixtureStore(ctx context.Context, date string) (st *toaststats.Store, remove func()) {
	dir, _ := os.MkdirTemp("", "toaststats-example")
	st, err := toaststats.OpenStore(dir, toaststats.StoreOptions{})
	if err != nil {
		panic(err)
	}
	putFixture(ctx, st, date, store.PutInfo{})
	return st, func() { os.RemoveAll(dir) }
}

// TestJobsClosedDuringPendingCheckIsQuiet: closing the jobs (the server
// shutting down) while the scheduled check for pending builds is reading
// the store logs no warning, which read as a store problem ("checking for
// pending builds ... context canceled" in the crash stress, on every
// server stopped soon after it started on object storage); a check that
// fails on its own still warns.
func TestJobsClosedDuringPendingCheckIsQuiet(t *testing.T) {
	build := func(ctx context.Context, date string) (any, error) { return nil, nil }
	for _, c := range []struct {
		name string
		fail error
		warn bool
	}{{"closed", nil, false}, {"failed", errors.New("the bucket answered 500"), true}} {
		var logs bytes.Buffer
		logged := make(chan struct{}, 1)
		checking := make(chan struct{})
		pending := func(ctx context.Context) ([]string, error) {
			if c.fail != nil {
				return nil, c.fail
			}
			close(checking)
			<-ctx.Done()
			return nil, fmt.Errorf("stat raw-csv/2026-03-27/metadata.json: %w", ctx.Err())
		}
		log := slog.New(notifyingHandler{slog.NewTextHandler(&logs, nil), logged})
		jobs := toaststats.NewJobs(build, toaststats.JobsOptions{Pending: pending, Logger: log})
		jobs.Schedule(0)
		if c.fail == nil {
			<-checking
		} else {
			<-logged // the check's own failure, before anything closes
		}
		jobs.Close()
		warned := strings.Contains(logs.String(), `level=WARN msg="checking for pending builds"`)
		if warned != c.warn || (c.warn && !strings.Contains(logs.String(), "the bucket answered 500")) {
			t.Errorf("%s: warned %v, want %v; logs:\n%s", c.name, warned, c.warn, logs.String())
		}
	}
}

// notifyingHandler sends on logged after each record it writes.
type notifyingHandler struct {
	slog.Handler
	logged chan struct{}
}

func (h notifyingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	select {
	case h.logged <- struct{}{}:
	default:
	}
	return err
}

// TestJobsProgressAndStats: a multi-date job reports its progress date by
// date, stops at the first failure, and the statistics count it.
func TestJobsProgressAndStats(t *testing.T) {
	ctx := context.Background()
	step := make(chan struct{})
	build := func(ctx context.Context, date string) (any, error) {
		<-step
		if date == "2025-07-03" {
			return nil, errors.New("damaged")
		}
		return date, nil
	}
	jobs := toaststats.NewJobs(build, toaststats.JobsOptions{})
	defer jobs.Close()
	job, err := jobs.StartDates("reconciliation", "2025-07", []string{"2025-07-01", "2025-07-02", "2025-07-03", "2025-07-04"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Start("api", ""); !errors.Is(err, toaststats.ErrBuildInProgress) {
		t.Fatalf("second start while running: %v", err)
	}
	step <- struct{}{} // 2025-07-01 built
	step <- struct{}{} // 2025-07-02 built
	// The third build is waiting on step: 2 of 4 done = 50 %.
	var p toaststats.JobProgress
	for i := 0; i < 1000; i++ {
		j, _ := jobs.Get(job.ID)
		if p = j.Progress(); p.Completed == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if p.Total != 4 || p.Completed != 2 || p.Current != "2025-07-03" || p.PercentComplete != 50 || p.Status != toaststats.JobRunning {
		t.Fatalf("progress after two dates: %+v", p)
	}
	step <- struct{}{} // 2025-07-03 fails: 2025-07-04 is never built
	done, _ := jobs.Wait(ctx, job.ID)
	if done.Status != toaststats.JobFailed || done.Completed != 2 || done.Error != "build 2025-07-03: damaged" {
		t.Fatalf("finished job: %+v", done)
	}
	if p := done.Progress(); p.Current != "" || p.PercentComplete != 50 {
		t.Errorf("progress of the finished job: %+v", p)
	}
	// One of three dates: 33.33 % (truncated, not rounded).
	if p := (toaststats.Job{Dates: []string{"a", "b", "c"}, Completed: 2}).Progress(); p.PercentComplete != 66.66 {
		t.Errorf("2 of 3: %v %%, want 66.66", p.PercentComplete)
	}
	st := jobs.Stats()
	if st.Jobs != 1 || st.ByStatus[toaststats.JobFailed] != 1 || st.ByTrigger["reconciliation"] != 1 || st.LastFinished == nil || st.LastFinished.ID != job.ID {
		t.Errorf("stats: %+v", st)
	}
	if st.AverageDurationMs != float64(done.DurationMs) {
		t.Errorf("average of one job %v ms, want its %d ms", st.AverageDurationMs, done.DurationMs)
	}
	jobs.Close()
	if _, err := jobs.Start("api", ""); !errors.Is(err, toaststats.ErrJobsClosed) {
		t.Errorf("start after Close: %v", err)
	}
	if _, err := toaststats.NewJobs(nil, toaststats.JobsOptions{}).Start("api", ""); !errors.Is(err, toaststats.ErrNoBuilder) {
		t.Errorf("start without a builder: %v", err)
	}
}

// TestJobsLogCancelledAsInfo: a cancelled build (a shutdown, DELETE of the
// job) is logged at INFO, a failed one at ERROR: a journal watched for
// errors does not report every server stop.
func TestJobsLogCancelledAsInfo(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	started := make(chan struct{}, 1)
	build := func(ctx context.Context, date string) (any, error) {
		if date == "fail" {
			return nil, errors.New("the disk is full")
		}
		started <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	jobs := toaststats.NewJobs(build, toaststats.JobsOptions{Logger: log})
	defer jobs.Close()
	job, err := jobs.Start("test", "2025-11-14")
	if err != nil {
		t.Fatal(err)
	}
	<-started
	if _, found, cancelled := jobs.Cancel(job.ID); !found || !cancelled {
		t.Fatalf("cancel: found %v cancelled %v", found, cancelled)
	}
	if j, _ := jobs.Wait(context.Background(), job.ID); j.Status != toaststats.JobCancelled {
		t.Fatalf("status %s, want cancelled", j.Status)
	}
	failed, err := jobs.Start("test", "fail")
	if err != nil {
		t.Fatal(err)
	}
	if j, _ := jobs.Wait(context.Background(), failed.ID); j.Status != toaststats.JobFailed {
		t.Fatalf("status %s, want failed", j.Status)
	}
	var finished []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `msg="build finished"`) {
			finished = append(finished, line)
		}
	}
	if len(finished) != 2 || !strings.Contains(finished[0], "level=INFO") || !strings.Contains(finished[0], "status=cancelled") ||
		!strings.Contains(finished[1], "level=ERROR") || !strings.Contains(finished[1], "the disk is full") {
		t.Errorf("build finished lines:\n%s", strings.Join(finished, "\n"))
	}
}
