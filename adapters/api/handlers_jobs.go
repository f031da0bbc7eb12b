package api

import (
	"errors"
	"net/http"
	"slices"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// Build jobs run in the background (toaststats.Jobs): POST /api/admin/refresh
// builds pending cache dates, and the reconciliation routes run month-end
// jobs.
//
// Reconciliation (seed "Reconciliation Endpoints") is month-end processing:
// during a closing period the dashboard keeps publishing the previous
// month's data, and every such collection is rebuilt into the snapshot of
// that month's last day (the newest collection wins). A reconciliation job
// rebuilds, in order, every raw-cache collection of one data month.

// jobStartError answers a job that could not start (toaststats.Jobs).
func jobStartError(job toaststats.Job, err error, links map[string]string) *apiError {
	switch {
	case errors.Is(err, toaststats.ErrNoBuilder):
		return errorf(http.StatusServiceUnavailable, "BUILDER_UNAVAILABLE", "This server has no snapshot builder", nil)
	case errors.Is(err, toaststats.ErrBuildInProgress):
		return errorf(http.StatusConflict, "REFRESH_IN_PROGRESS", "A build is already running", apitypes.JobLinks{JobID: job.ID, Links: links})
	}
	return errorf(http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "Cannot start a build now", nil)
}

func (s *Server) handleReconciliationCreate() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		var body struct {
			TargetMonth string `json:"targetMonth"`
		}
		if err := decodeJSON(w, r, &body, false); err != nil {
			return nil, err
		}
		if !snapshot.ValidMonth(body.TargetMonth) {
			return nil, errorf(http.StatusBadRequest, "INVALID_TARGET_MONTH", "targetMonth must be YYYY-MM", "Received: "+truncate(body.TargetMonth, 40))
		}
		job, err := s.builds.Reconcile(r.Context(), body.TargetMonth)
		switch {
		case errors.Is(err, toaststats.ErrNothingCached):
			return nil, errorf(http.StatusNotFound, "NO_COLLECTIONS_FOR_MONTH", "The raw cache holds no collection of data month "+body.TargetMonth, nil)
		case errors.Is(err, toaststats.ErrNoBuilder), errors.Is(err, toaststats.ErrBuildInProgress), errors.Is(err, toaststats.ErrJobsClosed):
			return nil, jobStartError(job, err, nil)
		case err != nil:
			return nil, internal("RECONCILIATION_FAILED", err)
		}
		self := "/api/reconciliation/jobs/" + job.ID
		w.Header().Set("Location", self)
		respond(w, r, http.StatusAccepted, apitypes.JobStarted{Data: job, Links: map[string]string{"self": self, "progress": self + "/progress"}})
		return nil, nil
	})
}

func (s *Server) handleReconciliationList() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		jobs := s.builds.List(toaststats.TriggerReconciliation)
		return apitypes.Data[apitypes.JobList]{Data: apitypes.JobList{Jobs: jobs, Count: len(jobs)}}, nil
	})
}

// buildJob finds the :jobId job, which must have been started by trigger
// ("" = any); kind names it in the 404 message.
func (s *Server) buildJob(r *http.Request, trigger, kind string) (toaststats.Job, *apiError) {
	id := param(r, "jobId")
	if !jobIDPattern().MatchString(id) {
		return toaststats.Job{}, errorf(http.StatusBadRequest, "INVALID_JOB_ID", "Invalid job id", "Received: "+truncate(id, 40))
	}
	job, ok := s.builds.Get(id)
	if !ok || trigger != "" && job.Trigger != trigger {
		return toaststats.Job{}, errorf(http.StatusNotFound, "JOB_NOT_FOUND", kind+" "+id+" not found", nil)
	}
	return job, nil
}

// forJob finds the :jobId job of trigger before answering what of it.
func (s *Server) forJob(trigger, kind string, what func(toaststats.Job) any) http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		job, ae := s.buildJob(r, trigger, kind)
		if ae != nil {
			return nil, ae
		}
		return what(job), nil
	})
}

func (s *Server) handleReconciliationGet() http.Handler {
	return s.forJob(toaststats.TriggerReconciliation, "Reconciliation job", func(j toaststats.Job) any { return apitypes.Data[toaststats.Job]{Data: j} })
}

func (s *Server) handleReconciliationProgress() http.Handler {
	return s.forJob(toaststats.TriggerReconciliation, "Reconciliation job", func(j toaststats.Job) any { return apitypes.Data[toaststats.JobProgress]{Data: j.Progress()} })
}

func (s *Server) handleReconciliationCancel() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		job, ae := s.buildJob(r, toaststats.TriggerReconciliation, "Reconciliation job")
		if ae != nil {
			return nil, ae
		}
		if _, _, cancelled := s.builds.Cancel(job.ID); !cancelled {
			return nil, errorf(http.StatusConflict, "CANNOT_CANCEL_JOB", "Job "+job.ID+" is not running", map[string]string{"status": job.Status})
		}
		return apitypes.JobCancelled{Success: true, Message: "Reconciliation job cancelled", JobID: job.ID}, nil
	})
}

// handleBuildMetrics reports the builds this server ran.
func (s *Server) handleBuildMetrics() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		out := apitypes.BuildMetrics{Stats: s.builds.Stats(), BuildRunning: s.builds.Running()}
		if n, ok := s.builds.Pending(r.Context()); ok {
			out.PendingDates = &n
		}
		return apitypes.Data[apitypes.BuildMetrics]{Data: out}, nil
	})
}

// handleOptimization drops the server's in-memory caches (encoded answers,
// loaded series, the snapshot listing and the store's read cache) so memory
// returns to its baseline; they refill on demand.
func (s *Server) handleOptimization() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		entries, freed := s.resps.Flush()
		s.dropCaches()
		s.store.Snapshots().FlushCache()
		out := apitypes.CachesDropped{Success: true, Message: "In-memory caches dropped"}
		out.Data.ResponseEntriesDropped, out.Data.ResponseBytesDropped = entries, freed
		return out, nil
	})
}

var jobIDPattern = lazyRegexp(`^job-[0-9a-f]{16}$`)

func (s *Server) handleRefresh() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		var body struct {
			Date string `json:"date"`
		}
		if err := decodeJSON(w, r, &body, true); err != nil {
			return nil, err
		}
		if body.Date != "" {
			if err := store.ValidDate(body.Date); err != nil {
				return nil, errorf(http.StatusBadRequest, "INVALID_DATE_FORMAT", "date must be a calendar date YYYY-MM-DD", "Received: "+truncate(body.Date, 40))
			}
		}
		if body.Date != "" && s.builds.CanBuild() {
			dates, err := s.store.Raw().Dates(r.Context())
			if err != nil {
				return nil, internal("REFRESH_FAILED", err)
			}
			if !slices.Contains(dates, body.Date) {
				return nil, errorf(http.StatusNotFound, "CACHE_DATE_NOT_FOUND", "No cached data for "+body.Date, "POST without a date builds every pending cache date")
			}
		}
		job, err := s.builds.Start("api", body.Date)
		status := "/api/admin/refresh/" + job.ID
		if err != nil {
			return nil, jobStartError(job, err, map[string]string{"status": status})
		}
		w.Header().Set("Location", status)
		respond(w, r, http.StatusAccepted, apitypes.JobStarted{Data: job, Links: map[string]string{"status": status}})
		return nil, nil
	})
}

func (s *Server) handleRefreshStatus() http.Handler {
	return s.forJob("", "Job", func(j toaststats.Job) any { return apitypes.Data[toaststats.Job]{Data: j} })
}
