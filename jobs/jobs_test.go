package jobs

import (
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	at := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	list := []Job{ // newest first
		{ID: "c", Trigger: "manual", Status: Running},
		{ID: "b", Trigger: TriggerReconciliation, Status: Failed, FinishedAt: &at, DurationMs: 300},
		{ID: "a", Trigger: "manual", Status: Succeeded, FinishedAt: &at, DurationMs: 100},
	}
	st := Summarize(list)
	if st.Jobs != 3 || st.ByStatus[Running] != 1 || st.ByStatus[Failed] != 1 || st.ByStatus[Succeeded] != 1 {
		t.Errorf("counts: %+v", st)
	}
	if st.ByTrigger["manual"] != 2 || st.ByTrigger[TriggerReconciliation] != 1 {
		t.Errorf("by trigger: %v", st.ByTrigger)
	}
	if st.AverageDurationMs != 200 {
		t.Errorf("average = %v, want 200 (the running job does not count)", st.AverageDurationMs)
	}
	if st.LastFinished == nil || st.LastFinished.ID != "b" {
		t.Errorf("last finished = %+v, want b", st.LastFinished)
	}
	if empty := Summarize(nil); empty.Jobs != 0 || empty.AverageDurationMs != 0 || empty.LastFinished != nil || empty.ByStatus == nil {
		t.Errorf("empty: %+v", empty)
	}
}

func TestProgress(t *testing.T) {
	j := Job{ID: "j", Status: Running, TargetMonth: "2026-11", Dates: []string{"2026-12-01", "2026-12-02", "2026-12-03"}, Completed: 2}
	p := j.Progress()
	if p.Current != "2026-12-03" || p.Total != 3 || p.Completed != 2 || p.PercentComplete != 66.66 || p.TargetMonth != "2026-11" {
		t.Errorf("running: %+v", p)
	}
	j.Status, j.Completed = Succeeded, 3
	if p := j.Progress(); p.Current != "" || p.PercentComplete != 100 {
		t.Errorf("finished: %+v", p)
	}
	if p := (Job{Status: Running}).Progress(); p.Total != 0 || p.PercentComplete != 0 || p.Current != "" {
		t.Errorf("no dates: %+v", p)
	}
}
