package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// Reconciliation (seed "Reconciliation Endpoints") is month-end processing:
// during a closing period the dashboard keeps publishing the previous
// month's data, and every such collection is rebuilt into the snapshot of
// that month's last day (the newest collection wins). A reconciliation job
// rebuilds, in order, every raw-cache collection of one data month.

// reconciliationTrigger marks build jobs started as reconciliation jobs.
const reconciliationTrigger = "reconciliation"

// jobList is the data of GET /api/reconciliation/jobs.
type jobList struct {
	Jobs  []buildJob `json:"jobs"`
	Count int        `json:"count"`
}

// jobProgress is the data of GET /api/reconciliation/jobs/:jobId/progress.
type jobProgress struct {
	JobID           string  `json:"jobId"`
	Status          string  `json:"status"`
	TargetMonth     string  `json:"targetMonth"`
	Total           int     `json:"total"`
	Completed       int     `json:"completed"`
	Current         string  `json:"current"`
	PercentComplete float64 `json:"percentComplete"`
}

// jobCancelAnswer is the answer of DELETE /api/reconciliation/jobs/:jobId.
type jobCancelAnswer struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	JobID   string `json:"jobId"`
}

// buildMetrics is the data of GET /api/reconciliation/performance/metrics.
type buildMetrics struct {
	Jobs              int            `json:"jobs"`
	ByStatus          map[string]int `json:"byStatus"`
	ByTrigger         map[string]int `json:"byTrigger"`
	AverageDurationMs float64        `json:"averageDurationMs"`
	LastFinished      *buildJob      `json:"lastFinished"`
	BuildRunning      bool           `json:"buildRunning"`
	PendingDates      *int           `json:"pendingDates"`
}

// cachesDropped is the answer of POST /api/reconciliation/performance/optimization.
type cachesDropped struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	Data    struct {
		ResponseEntriesDropped int   `json:"responseEntriesDropped"`
		ResponseBytesDropped   int64 `json:"responseBytesDropped"`
	} `json:"data"`
}

func (s *Server) handleReconciliationCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			TargetMonth string `json:"targetMonth"`
		}
		if err := decodeJSON(w, r, &body, false); err != nil {
			respondError(w, r, err)
			return
		}
		if !snapshot.ValidMonth(body.TargetMonth) {
			respondError(w, r, errorf(http.StatusBadRequest, "INVALID_TARGET_MONTH", "targetMonth must be YYYY-MM", "Received: "+truncate(body.TargetMonth, 40)))
			return
		}
		if s.builds.build == nil {
			respondError(w, r, errorf(http.StatusServiceUnavailable, "BUILDER_UNAVAILABLE", "This server has no snapshot builder", nil))
			return
		}
		targets, err := s.store.Raw().CollectionsOfMonth(r.Context(), body.TargetMonth)
		if err != nil {
			respondError(w, r, internal("RECONCILIATION_FAILED", err))
			return
		}
		if len(targets) == 0 {
			respondError(w, r, errorf(http.StatusNotFound, "NO_COLLECTIONS_FOR_MONTH", "The raw cache holds no collection of data month "+body.TargetMonth, nil))
			return
		}
		job, err := s.builds.startDates(reconciliationTrigger, body.TargetMonth, targets)
		switch {
		case errors.Is(err, errBuildInProgress):
			respondError(w, r, errorf(http.StatusConflict, "REFRESH_IN_PROGRESS", "A build is already running", jobLinks{JobID: job.ID}))
			return
		case err != nil:
			respondError(w, r, errorf(http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "Cannot start a build now", nil))
			return
		}
		w.Header().Set("Location", "/api/reconciliation/jobs/"+job.ID)
		respond(w, r, http.StatusAccepted, jobStarted{Data: job, Links: map[string]string{"self": "/api/reconciliation/jobs/" + job.ID, "progress": "/api/reconciliation/jobs/" + job.ID + "/progress"}})
	})
}

func (s *Server) handleReconciliationList() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		jobs := s.builds.jobsOf(reconciliationTrigger)
		respond(w, r, http.StatusOK, dataOf[jobList]{Data: jobList{Jobs: jobs, Count: len(jobs)}})
	})
}

// reconciliationJob finds the :jobId job, which must be a reconciliation
// job.
func (s *Server) reconciliationJob(r *http.Request) (buildJob, *apiError) {
	id := param(r, "jobId")
	if !jobIDPattern.MatchString(id) {
		return buildJob{}, errorf(http.StatusBadRequest, "INVALID_JOB_ID", "Invalid job id", "Received: "+truncate(id, 40))
	}
	job, ok := s.builds.job(id)
	if !ok || job.Trigger != reconciliationTrigger {
		return buildJob{}, errorf(http.StatusNotFound, "JOB_NOT_FOUND", "Reconciliation job "+id+" not found", nil)
	}
	return job, nil
}

func (s *Server) handleReconciliationGet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		job, ae := s.reconciliationJob(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		respond(w, r, http.StatusOK, dataOf[buildJob]{Data: job})
	})
}

func (s *Server) handleReconciliationProgress() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		job, ae := s.reconciliationJob(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		total := len(job.Dates)
		current := ""
		if job.Status == jobRunning && job.Completed < total {
			current = job.Dates[job.Completed]
		}
		pct := 0.0
		if total > 0 {
			pct = float64(job.Completed*10000/total) / 100
		}
		respond(w, r, http.StatusOK, dataOf[jobProgress]{Data: jobProgress{JobID: job.ID, Status: job.Status, TargetMonth: job.TargetMonth, Total: total,
			Completed: job.Completed, Current: current, PercentComplete: pct}})
	})
}

func (s *Server) handleReconciliationCancel() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		job, ae := s.reconciliationJob(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		if _, _, cancelled := s.builds.cancelJob(job.ID); !cancelled {
			respondError(w, r, errorf(http.StatusConflict, "CANNOT_CANCEL_JOB", "Job "+job.ID+" is not running", map[string]string{"status": job.Status}))
			return
		}
		respond(w, r, http.StatusOK, jobCancelAnswer{Success: true, Message: "Reconciliation job cancelled", JobID: job.ID})
	})
}

// handleBuildMetrics reports the builds this server ran.
func (s *Server) handleBuildMetrics() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		jobs := s.builds.jobsOf("")
		byStatus := map[string]int{}
		byTrigger := map[string]int{}
		var total time.Duration
		finished := 0
		var last *buildJob
		for i := range jobs {
			byStatus[jobs[i].Status]++
			byTrigger[jobs[i].Trigger]++
			if jobs[i].FinishedAt != nil {
				finished++
				total += time.Duration(jobs[i].DurationMs) * time.Millisecond
				if last == nil {
					last = &jobs[i]
				}
			}
		}
		avg := 0.0
		if finished > 0 {
			avg = float64(total.Milliseconds()) / float64(finished)
		}
		var pending *int
		if s.builds.pending != nil {
			if p, err := s.builds.pending(r.Context()); err == nil {
				n := len(p)
				pending = &n
			}
		}
		respond(w, r, http.StatusOK, dataOf[buildMetrics]{Data: buildMetrics{Jobs: len(jobs), ByStatus: byStatus, ByTrigger: byTrigger, AverageDurationMs: avg,
			LastFinished: last, BuildRunning: s.builds.running(), PendingDates: pending}})
	})
}

// handleOptimization drops the server's in-memory caches (encoded answers,
// loaded series, the snapshot listing and the store's read cache) so memory
// returns to its baseline; they refill on demand.
func (s *Server) handleOptimization() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		freed := s.respBytes.Load()
		entries := s.resps.ItemCount()
		s.resps.Flush()
		s.respBytes.Store(0)
		s.series.clear()
		s.lists.invalidate()
		s.store.Snapshots().FlushCache()
		out := cachesDropped{Success: true, Message: "In-memory caches dropped"}
		out.Data.ResponseEntriesDropped, out.Data.ResponseBytesDropped = entries, freed
		respond(w, r, http.StatusOK, out)
	})
}
