package api

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
	// Dates are the collection dates a multi-date job builds, in order;
	// Completed counts those done.
	Dates     []string `json:"dates,omitempty"`
	Completed int      `json:"completed"`
	// TargetMonth is the data month a reconciliation job rebuilds.
	TargetMonth string `json:"targetMonth,omitempty"`

	cancel context.CancelFunc
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
	return b.startJob(&buildJob{Date: date, Trigger: trigger})
}

// startDates launches one job that builds each of dates in order.
func (b *buildRunner) startDates(trigger, targetMonth string, dates []string) (buildJob, error) {
	return b.startJob(&buildJob{Trigger: trigger, Dates: dates, TargetMonth: targetMonth})
}

// startJob launches job unless a build is running.
func (b *buildRunner) startJob(job *buildJob) (buildJob, error) {
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
	job.ID = "job-" + hex.EncodeToString(idb)
	job.Status = jobRunning
	job.StartedAt = b.s.now().UTC()
	b.current = job
	b.jobs[job.ID] = job
	b.order = append(b.order, job.ID)
	if len(b.order) > maxJobs {
		delete(b.jobs, b.order[0])
		b.order = b.order[1:]
	}
	b.active.Store(true)
	b.s.metrics.buildRunning.Set(1)
	ctx, cancel := context.WithCancel(b.ctx)
	job.cancel = cancel
	b.wg.Add(1)
	go b.run(ctx, job)
	return *job, nil
}

// cancelJob cancels a running job; false when it is not running.
func (b *buildRunner) cancelJob(id string) (buildJob, bool, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	j, ok := b.jobs[id]
	if !ok {
		return buildJob{}, false, false
	}
	if j.Status != jobRunning || j.cancel == nil {
		return *j, true, false
	}
	j.cancel()
	return *j, true, true
}

// jobsOf lists the remembered jobs started by trigger, newest first.
func (b *buildRunner) jobsOf(trigger string) []buildJob {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []buildJob{}
	for i := len(b.order) - 1; i >= 0; i-- {
		if j := b.jobs[b.order[i]]; j != nil && (trigger == "" || j.Trigger == trigger) {
			out = append(out, *j)
		}
	}
	return out
}

func (b *buildRunner) run(ctx context.Context, job *buildJob) {
	defer b.wg.Done()
	defer job.cancel()
	start := time.Now()
	log := b.s.log.With("job_id", job.ID, "trigger", job.Trigger, "date", job.Date)
	log.Info("build started")
	var (
		res any
		err error
	)
	if job.Dates == nil {
		res, err = b.build(ctx, job.Date)
	} else {
		results := make([]any, 0, len(job.Dates))
		for _, d := range job.Dates {
			if err = ctx.Err(); err != nil {
				break
			}
			var r any
			if r, err = b.build(ctx, d); err != nil {
				err = fmt.Errorf("build %s: %w", d, err)
				break
			}
			results = append(results, r)
			b.mu.Lock()
			job.Completed++
			b.mu.Unlock()
		}
		res = results
	}
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
	b.s.series.clear()
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
