package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/toaststats/toaststats/store"
)

// Build job statuses.
const (
	jobRunning   = "running"
	jobSucceeded = "succeeded"
	jobFailed    = "failed"
	jobCancelled = "cancelled"
)

// buildJob is one background build and its outcome.
type buildJob struct {
	ID         string     `json:"jobId"`
	Date       string     `json:"date,omitempty"`
	Trigger    string     `json:"trigger"`
	Status     string     `json:"status"`
	StartedAt  time.Time  `json:"startedAt"`
	FinishedAt *time.Time `json:"finishedAt,omitempty"`
	DurationMs int64      `json:"durationMs"`
	Result     any        `json:"result,omitempty"`
	Error      string     `json:"error,omitempty"`
}

// errBuildInProgress is returned when a build is asked for while another
// one runs.
var errBuildInProgress = errors.New("a build is already running")

// errNoBuilder means the server was started without a builder.
var errNoBuilder = errors.New("no builder configured")

// maxJobs is how many finished jobs are remembered.
const maxJobs = 100

// buildRunner runs one build at a time in the background. Reads never wait
// for it: they keep serving the current snapshot until the build publishes
// a new one.
type buildRunner struct {
	s       *Server
	build   BuildFunc
	pending PendingFunc

	mu      sync.Mutex
	jobs    map[string]*buildJob
	order   []string
	current *buildJob

	active atomic.Bool
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newBuildRunner(s *Server, build BuildFunc, pending PendingFunc) *buildRunner {
	ctx, cancel := context.WithCancel(context.Background())
	return &buildRunner{s: s, build: build, pending: pending, jobs: map[string]*buildJob{}, ctx: ctx, cancel: cancel}
}

// running reports whether a build is in progress.
func (b *buildRunner) running() bool { return b.active.Load() }

// start launches a build of date ("" = every pending date) unless one is
// running.
func (b *buildRunner) start(trigger, date string) (buildJob, error) {
	if b.build == nil {
		return buildJob{}, errNoBuilder
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.current != nil {
		return *b.current, errBuildInProgress
	}
	if b.ctx.Err() != nil {
		return buildJob{}, fmt.Errorf("server closing: %w", b.ctx.Err())
	}
	idb := make([]byte, 8)
	_, _ = rand.Read(idb)
	job := &buildJob{ID: "job-" + hex.EncodeToString(idb), Date: date, Trigger: trigger, Status: jobRunning, StartedAt: b.s.now().UTC()}
	b.current = job
	b.jobs[job.ID] = job
	b.order = append(b.order, job.ID)
	if len(b.order) > maxJobs {
		delete(b.jobs, b.order[0])
		b.order = b.order[1:]
	}
	b.active.Store(true)
	b.s.metrics.buildRunning.Set(1)
	b.wg.Add(1)
	go b.run(job)
	return *job, nil
}

func (b *buildRunner) run(job *buildJob) {
	defer b.wg.Done()
	start := time.Now()
	log := b.s.log.With("job_id", job.ID, "trigger", job.Trigger, "date", job.Date)
	log.Info("build started")
	res, err := b.build(b.ctx, job.Date)
	d := time.Since(start)

	b.mu.Lock()
	fin := b.s.now().UTC()
	job.FinishedAt = &fin
	job.DurationMs = d.Milliseconds()
	job.Result = res
	switch {
	case err == nil:
		job.Status = jobSucceeded
	case errors.Is(err, context.Canceled):
		job.Status = jobCancelled
		job.Error = err.Error()
	default:
		job.Status = jobFailed
		job.Error = err.Error()
	}
	b.current = nil
	b.active.Store(false)
	b.mu.Unlock()

	b.s.metrics.buildRunning.Set(0)
	b.s.metrics.builds.WithLabelValues(job.Status).Inc()
	b.s.metrics.buildSeconds.Observe(d.Seconds())
	// Answers are keyed by snapshot generation, so nothing is stale; drop
	// the old generations to free memory.
	b.s.resps.Flush()
	b.s.respBytes.Store(0)
	b.s.lists.invalidate()
	if err != nil {
		log.Error("build finished", "status", job.Status, "duration", d, "error", err)
	} else {
		log.Info("build finished", "status", job.Status, "duration", d)
	}
}

// job returns a copy of a job by id.
func (b *buildRunner) job(id string) (buildJob, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	j, ok := b.jobs[id]
	if !ok {
		return buildJob{}, false
	}
	return *j, true
}

// currentJob returns a copy of the running job, if any.
func (b *buildRunner) currentJob() (buildJob, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.current == nil {
		return buildJob{}, false
	}
	return *b.current, true
}

// needsBuild reports whether the raw cache holds data no snapshot covers
// yet: the builder's own pending list when available, otherwise a raw
// cache written after the current snapshot was created.
func (b *buildRunner) needsBuild(ctx context.Context) (bool, error) {
	if b.pending != nil {
		p, err := b.pending(ctx)
		if err != nil {
			return false, err
		}
		return len(p) > 0, nil
	}
	raw := b.s.store.Raw()
	latest, err := raw.LatestModified(ctx)
	if err != nil {
		return false, err
	}
	if latest.IsZero() {
		return false, nil
	}
	cur, err := b.s.store.Snapshots().Current(ctx)
	if err != nil {
		if errors.Is(err, store.ErrNoSnapshot) {
			return true, nil
		}
		return false, err
	}
	return latest.After(cur.Metadata.CreatedAt), nil
}

// maybeBuild starts a build when the cache is newer than the snapshots.
func (b *buildRunner) maybeBuild(trigger string) {
	if b.build == nil || b.running() {
		return
	}
	ok, err := b.needsBuild(b.ctx)
	if err != nil {
		b.s.log.Warn("checking for pending builds", "error", err)
		return
	}
	if ok {
		if _, err := b.start(trigger, ""); err != nil && !errors.Is(err, errBuildInProgress) {
			b.s.log.Warn("starting build", "error", err)
		}
	}
}

// schedule checks for pending builds now and every interval (0 = only now)
// until close.
func (b *buildRunner) schedule(interval time.Duration) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		b.maybeBuild("startup")
		if interval <= 0 {
			return
		}
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-b.ctx.Done():
				return
			case <-t.C:
				b.maybeBuild("schedule")
			}
		}
	}()
}

// close cancels running work and waits for it.
func (b *buildRunner) close() {
	b.cancel()
	b.wg.Wait()
}
