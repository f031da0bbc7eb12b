package toaststats

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/toaststats/toaststats/jobs"
	"github.com/toaststats/toaststats/store"
)

// BuildFunc builds snapshots from the raw cache: for one collection date,
// or for every pending date when date is "". Its result is kept on the Job.
// Builder.Func returns the Builder's own.
type BuildFunc func(ctx context.Context, date string) (any, error)

// Func is the Builder as a BuildFunc for Jobs: a date builds that
// collection date (the result is a one-element []*BuildResult), "" builds
// every pending date (BuildAll).
func (b *Builder) Func() BuildFunc {
	return func(ctx context.Context, date string) (any, error) {
		if date != "" {
			res, err := b.Build(ctx, date)
			if err != nil {
				return nil, err
			}
			return []*BuildResult{res}, nil
		}
		res, err := b.BuildAll(ctx)
		if res == nil {
			res = []*BuildResult{}
		}
		return res, err
	}
}

// Job statuses (see package jobs).
const (
	JobRunning   = jobs.Running
	JobSucceeded = jobs.Succeeded
	JobFailed    = jobs.Failed
	JobCancelled = jobs.Cancelled
)

// TriggerReconciliation marks the jobs Jobs.Reconcile starts.
const TriggerReconciliation = jobs.TriggerReconciliation

// Job is one background build and its outcome. Its definition lives in the
// leaf package jobs so that clients decoding it need nothing else.
type Job = jobs.Job

// JobProgress is how far a multi-date job has come.
type JobProgress = jobs.Progress

// JobStats sums up the jobs Jobs remembers.
type JobStats = jobs.Stats

// entry is a Job as Jobs keeps it: the record and what cancels and
// awaits its run.
type entry struct {
	Job
	cancel context.CancelFunc
	done   chan struct{} // closed when the job finished
}

// ErrBuildInProgress is returned when a job is asked for while another one
// runs.
var ErrBuildInProgress = errors.New("a build is already running")

// ErrNoBuilder is returned by Jobs that have no BuildFunc.
var ErrNoBuilder = errors.New("no builder configured")

// ErrJobsClosed is returned by a start after Close.
var ErrJobsClosed = errors.New("jobs closed")

// maxJobs is how many finished jobs are remembered.
const maxJobs = 100

// JobsOptions configure Jobs. The zero value works.
type JobsOptions struct {
	// Store is where Reconcile finds a month's collections and, without
	// Pending, where NeedsBuild compares the raw cache with the current
	// snapshot.
	Store *store.Store
	// Pending lists the raw-cache dates with no up-to-date snapshot
	// (Builder.Pending).
	Pending func(ctx context.Context) ([]string, error)
	Logger  *slog.Logger
	// Now is the clock of the job times (default time.Now).
	Now func() time.Time
	// OnStart and OnFinish are called when a job starts and after it
	// finished (for metrics and caches), from the goroutine that started
	// it and from the job's own; d is the job's duration.
	OnStart  func(Job)
	OnFinish func(j Job, d time.Duration)
}

// Jobs runs builds one at a time in the background, remembers the last
// hundred jobs with their progress and outcome, and cancels them on
// request. Readers never wait for a job: they keep the current snapshot
// until the build publishes a new one.
type Jobs struct {
	build BuildFunc
	opts  JobsOptions
	log   *slog.Logger

	mu      sync.Mutex
	jobs    map[string]*entry
	order   []string
	current *entry

	active atomic.Bool
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewJobs returns a job runner for build (nil: every start fails with
// ErrNoBuilder). Close it to cancel running work.
func NewJobs(build BuildFunc, opts JobsOptions) *Jobs {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Jobs{build: build, opts: opts, log: log, jobs: map[string]*entry{}, ctx: ctx, cancel: cancel}
}

// CanBuild reports whether q has a BuildFunc.
func (q *Jobs) CanBuild() bool { return q.build != nil }

// Running reports whether a job is in progress.
func (q *Jobs) Running() bool { return q.active.Load() }

// Start launches a build of date ("" = every pending date) unless a job is
// running (ErrBuildInProgress, with the running job).
func (q *Jobs) Start(trigger, date string) (Job, error) {
	return q.start(&entry{Job: Job{Date: date, Trigger: trigger}})
}

// StartDates launches one job that builds each of dates in order and stops
// at the first failure; targetMonth is recorded on the job.
func (q *Jobs) StartDates(trigger, targetMonth string, dates []string) (Job, error) {
	return q.start(&entry{Job: Job{Trigger: trigger, Dates: dates, TargetMonth: targetMonth}})
}

// Reconcile starts a TriggerReconciliation job that rebuilds every raw-cache
// collection of data month ("YYYY-MM"; see Builder.Reconcile). It returns
// ErrNothingCached (wrapped) when the cache holds no collection of month.
func (q *Jobs) Reconcile(ctx context.Context, month string) (Job, error) {
	if q.build == nil {
		return Job{}, ErrNoBuilder
	}
	dates, err := q.opts.Store.Raw().CollectionsOfMonth(ctx, month)
	if err != nil {
		return Job{}, fmt.Errorf("reconcile %s: %w", month, err)
	}
	if len(dates) == 0 {
		return Job{}, fmt.Errorf("reconcile %s: no collection of that data month: %w", month, ErrNothingCached)
	}
	return q.StartDates(TriggerReconciliation, month, dates)
}

func (q *Jobs) start(job *entry) (Job, error) {
	if q.build == nil {
		return Job{}, ErrNoBuilder
	}
	q.mu.Lock()
	if q.current != nil {
		defer q.mu.Unlock()
		return q.current.Job, ErrBuildInProgress
	}
	if q.ctx.Err() != nil {
		q.mu.Unlock()
		return Job{}, ErrJobsClosed
	}
	idb := make([]byte, 8)
	_, _ = rand.Read(idb)
	job.ID = "job-" + hex.EncodeToString(idb)
	job.Status = JobRunning
	job.StartedAt = q.opts.Now().UTC()
	q.current = job
	q.jobs[job.ID] = job
	q.order = append(q.order, job.ID)
	if len(q.order) > maxJobs {
		delete(q.jobs, q.order[0])
		q.order = q.order[1:]
	}
	q.active.Store(true)
	ctx, cancel := context.WithCancel(q.ctx)
	job.cancel, job.done = cancel, make(chan struct{})
	q.wg.Add(1) // under the lock Close cancels with: no job starts after Close
	started := job.Job
	q.mu.Unlock()
	if q.opts.OnStart != nil {
		q.opts.OnStart(started)
	}
	go q.run(ctx, job)
	return started, nil
}

// Cancel cancels job id. found is false for an unknown job, cancelled
// false for a job that is not running.
func (q *Jobs) Cancel(id string) (job Job, found, cancelled bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	j, ok := q.jobs[id]
	if !ok {
		return Job{}, false, false
	}
	if j.Status != JobRunning || j.cancel == nil {
		return j.Job, true, false
	}
	j.cancel()
	return j.Job, true, true
}

// List returns the remembered jobs started by trigger ("" = all), newest
// first.
func (q *Jobs) List(trigger string) []Job {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := []Job{}
	for i := len(q.order) - 1; i >= 0; i-- {
		if j := q.jobs[q.order[i]]; j != nil && (trigger == "" || j.Trigger == trigger) {
			out = append(out, j.Job)
		}
	}
	return out
}

// Stats sums up the remembered jobs.
func (q *Jobs) Stats() JobStats { return jobs.Summarize(q.List("")) }

func (q *Jobs) run(ctx context.Context, job *entry) {
	defer q.wg.Done()
	defer job.cancel()
	start := time.Now()
	log := q.log.With("job_id", job.ID, "trigger", job.Trigger, "date", job.Date)
	log.Info("build started")
	var (
		res any
		err error
	)
	if job.Dates == nil {
		res, err = q.build(ctx, job.Date)
	} else {
		results := make([]any, 0, len(job.Dates))
		for _, d := range job.Dates {
			if err = ctx.Err(); err != nil {
				break
			}
			var r any
			if r, err = q.build(ctx, d); err != nil {
				err = fmt.Errorf("build %s: %w", d, err)
				break
			}
			results = append(results, r)
			q.mu.Lock()
			job.Completed++
			q.mu.Unlock()
		}
		res = results
	}
	d := time.Since(start)

	q.mu.Lock()
	fin := q.opts.Now().UTC()
	job.FinishedAt = &fin
	job.DurationMs = d.Milliseconds()
	job.Result = res
	switch {
	case err == nil:
		job.Status = JobSucceeded
	case errors.Is(err, context.Canceled):
		job.Status = JobCancelled
		job.Error = err.Error()
	default:
		job.Status = JobFailed
		job.Error = err.Error()
	}
	q.current = nil
	q.active.Store(false)
	done := job.Job
	q.mu.Unlock()

	if q.opts.OnFinish != nil {
		q.opts.OnFinish(done, d)
	}
	switch {
	case job.Status == JobCancelled:
		// Asked for (a shutdown, DELETE of the job): not a failure.
		log.Info("build finished", "status", job.Status, "duration", d, "reason", err)
	case err != nil:
		log.Error("build finished", "status", job.Status, "duration", d, "error", err)
	default:
		log.Info("build finished", "status", job.Status, "duration", d)
	}
	// Last, so that what Wait returns has been logged.
	close(job.done)
}

// Get returns a copy of job id.
func (q *Jobs) Get(id string) (Job, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	j, ok := q.jobs[id]
	if !ok {
		return Job{}, false
	}
	return j.Job, true
}

// Wait waits until job id has finished (and OnFinish has run) and returns
// it; false for an unknown job or when ctx ends first.
func (q *Jobs) Wait(ctx context.Context, id string) (Job, bool) {
	q.mu.Lock()
	j, ok := q.jobs[id]
	q.mu.Unlock()
	if !ok {
		return Job{}, false
	}
	select {
	case <-j.done:
	case <-ctx.Done():
		return Job{}, false
	}
	return q.Get(id)
}

// Current returns a copy of the running job, if any.
func (q *Jobs) Current() (Job, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.current == nil {
		return Job{}, false
	}
	return q.current.Job, true
}

// Pending counts the raw-cache dates with no up-to-date snapshot; ok is
// false without JobsOptions.Pending or when it fails.
func (q *Jobs) Pending(ctx context.Context) (n int, ok bool) {
	if q.opts.Pending == nil {
		return 0, false
	}
	p, err := q.opts.Pending(ctx)
	return len(p), err == nil
}

// NeedsBuild reports whether the raw cache holds data no snapshot covers
// yet: the Pending list when there is one, otherwise a raw cache written
// after the current snapshot was created.
func (q *Jobs) NeedsBuild(ctx context.Context) (bool, error) {
	if q.opts.Pending != nil {
		p, err := q.opts.Pending(ctx)
		return len(p) > 0, err
	}
	latest, err := q.opts.Store.Raw().LatestModified(ctx)
	if err != nil || latest.IsZero() {
		return false, err
	}
	cur, err := q.opts.Store.Snapshots().Current(ctx)
	if errors.Is(err, store.ErrNoSnapshot) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return latest.After(cur.Metadata.CreatedAt), nil
}

// maybeBuild starts a build of every pending date when NeedsBuild says so.
func (q *Jobs) maybeBuild(trigger string) {
	if q.build == nil || q.Running() {
		return
	}
	ok, err := q.NeedsBuild(q.ctx)
	if err != nil {
		if q.ctx.Err() != nil {
			// Closed while checking (the server shutting down): the
			// check was cut short, nothing is wrong with the store.
			return
		}
		q.log.Warn("checking for pending builds", "error", err)
		return
	}
	if ok {
		if _, err := q.Start(trigger, ""); err != nil && !errors.Is(err, ErrBuildInProgress) {
			q.log.Warn("starting build", "error", err)
		}
	}
}

// Schedule builds pending dates now (trigger "startup") and every interval
// (trigger "schedule"; 0 = only now) until Close.
func (q *Jobs) Schedule(interval time.Duration) {
	q.wg.Add(1)
	go func() {
		defer q.wg.Done()
		q.maybeBuild("startup")
		if interval <= 0 {
			return
		}
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-q.ctx.Done():
				return
			case <-t.C:
				q.maybeBuild("schedule")
			}
		}
	}()
}

// Close cancels running work and waits for it.
func (q *Jobs) Close() {
	q.mu.Lock()
	q.cancel()
	q.mu.Unlock()
	q.wg.Wait()
}
