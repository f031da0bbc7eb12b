package apitypes

import (
	"github.com/toaststats/toaststats/assess"
	"github.com/toaststats/toaststats/jobs"
)

// JobList is the data of GET /api/reconciliation/jobs.
type JobList struct {
	Jobs  []jobs.Job `json:"jobs"`
	Count int        `json:"count"`
}

// JobStarted is the 202 answer that starts a build job (POST
// /api/admin/refresh, POST /api/reconciliation/jobs): the job and where to
// follow it.
type JobStarted struct {
	Data  jobs.Job          `json:"data"`
	Links map[string]string `json:"links"`
}

// JobLinks are the details of a 409 REFRESH_IN_PROGRESS error: the running
// job and where to follow it.
type JobLinks struct {
	JobID string            `json:"jobId"`
	Links map[string]string `json:"links,omitempty"`
}

// JobCancelled is the answer of DELETE /api/reconciliation/jobs/:jobId.
type JobCancelled struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	JobID   string `json:"jobId"`
}

// BuildMetrics is the data of GET /api/reconciliation/performance/metrics.
type BuildMetrics struct {
	jobs.Stats
	BuildRunning bool `json:"buildRunning"`
	PendingDates *int `json:"pendingDates"`
}

// CachesDropped is the answer of POST /api/reconciliation/performance/optimization.
type CachesDropped struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	Data    struct {
		ResponseEntriesDropped int   `json:"responseEntriesDropped"`
		ResponseBytesDropped   int64 `json:"responseBytesDropped"`
	} `json:"data"`
}

// AssessmentList is the data of GET /api/assessment/monthly/:districtId.
type AssessmentList struct {
	DistrictID  string              `json:"districtId"`
	Assessments []assess.Assessment `json:"assessments"`
	Count       int                 `json:"count"`
}

// AssessmentDeleted is the answer of a successful DELETE of an assessment.
type AssessmentDeleted struct {
	Success    bool   `json:"success"`
	Message    string `json:"message"`
	DistrictID string `json:"districtId"`
	Month      string `json:"month"`
}
