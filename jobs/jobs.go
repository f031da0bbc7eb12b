// Package jobs holds the public record of a background build job: its
// status, progress and the summary of many jobs, as the server reports them
// in JSON. It is a leaf package (standard library only) so that a client
// decoding the server's answers (adapters/api/apitypes) does not pull the
// builder, the store or the browser into its build. The runner that starts,
// cancels and remembers jobs is toaststats.Jobs.
package jobs

import "time"

// Statuses of a Job.
const (
	Running   = "running"
	Succeeded = "succeeded"
	Failed    = "failed"
	Cancelled = "cancelled"
)

// TriggerReconciliation marks the jobs that rebuild a month's collections.
const TriggerReconciliation = "reconciliation"

// Job is one background build and its outcome.
type Job struct {
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
}

// Progress is how far a multi-date job has come.
type Progress struct {
	JobID       string `json:"jobId"`
	Status      string `json:"status"`
	TargetMonth string `json:"targetMonth"`
	Total       int    `json:"total"`
	Completed   int    `json:"completed"`
	// Current is the date being built ("" when the job is not running).
	Current string `json:"current"`
	// PercentComplete is Completed/Total in percent, truncated to two
	// decimals (0 for a job without dates).
	PercentComplete float64 `json:"percentComplete"`
}

// Progress reports how far j has come.
func (j Job) Progress() Progress {
	p := Progress{JobID: j.ID, Status: j.Status, TargetMonth: j.TargetMonth, Total: len(j.Dates), Completed: j.Completed}
	if j.Status == Running && j.Completed < p.Total {
		p.Current = j.Dates[j.Completed]
	}
	if p.Total > 0 {
		p.PercentComplete = float64(j.Completed*10000/p.Total) / 100
	}
	return p
}

// Stats sums up a list of jobs.
type Stats struct {
	Jobs      int            `json:"jobs"`
	ByStatus  map[string]int `json:"byStatus"`
	ByTrigger map[string]int `json:"byTrigger"`
	// AverageDurationMs is the mean duration of the finished jobs.
	AverageDurationMs float64 `json:"averageDurationMs"`
	// LastFinished is the first finished job of the list (the newest, for
	// a list ordered newest first).
	LastFinished *Job `json:"lastFinished"`
}

// Summarize counts list by status and trigger and averages the durations of
// its finished jobs. list is expected newest first.
func Summarize(list []Job) Stats {
	st := Stats{Jobs: len(list), ByStatus: map[string]int{}, ByTrigger: map[string]int{}}
	var total time.Duration
	finished := 0
	for i := range list {
		st.ByStatus[list[i].Status]++
		st.ByTrigger[list[i].Trigger]++
		if list[i].FinishedAt != nil {
			finished++
			total += time.Duration(list[i].DurationMs) * time.Millisecond
			if st.LastFinished == nil {
				st.LastFinished = &list[i]
			}
		}
	}
	if finished > 0 {
		st.AverageDurationMs = float64(total.Milliseconds()) / float64(finished)
	}
	return st
}
