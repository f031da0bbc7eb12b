package api

import (
	"net/http"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/readcheck"
)

// The process-separation routes present readcheck's measurements and
// verdicts: do reads stay fast while builds run?

// separationMeasurements are the read latencies behind the
// process-separation answers, with the build running now.
type separationMeasurements struct {
	readcheck.Measurements
	CurrentBuild *toaststats.Job `json:"current_build,omitempty"`
}

type separationVerdict struct {
	IsValid      bool                   `json:"isValid"`
	Issues       []string               `json:"issues"`
	Measurements separationMeasurements `json:"measurements"`
}

// separationValidation is the answer of GET /api/admin/process-separation/validate.
type separationValidation struct {
	Validation separationVerdict `json:"validation"`
	Metadata   opMeta            `json:"metadata"`
}

// separationMonitoring is the answer of GET /api/admin/process-separation/monitor.
type separationMonitoring struct {
	Monitoring separationMeasurements `json:"monitoring"`
	Metadata   opMeta                 `json:"metadata"`
}

type complianceVerdict struct {
	ComplianceScore int                    `json:"complianceScore"`
	Status          string                 `json:"status"`
	Issues          []string               `json:"issues"`
	Measurements    separationMeasurements `json:"measurements"`
}

// separationCompliance is the answer of GET /api/admin/process-separation/compliance.
type separationCompliance struct {
	Compliance complianceVerdict `json:"compliance"`
	Metadata   opMeta            `json:"metadata"`
}

type independenceVerdict struct {
	IsIndependent           bool                   `json:"isIndependent"`
	MeasuredDuringBuild     bool                   `json:"measuredDuringBuild"`
	P99RatioDuringBuildIdle float64                `json:"p99RatioDuringBuildIdle"`
	Issues                  []string               `json:"issues"`
	Measurements            separationMeasurements `json:"measurements"`
}

// separationIndependence is the answer of GET /api/admin/process-separation/independence.
type separationIndependence struct {
	Independence independenceVerdict `json:"independence"`
	Metadata     opMeta              `json:"metadata"`
}

// handleProcessSeparation presents readcheck's verdict on whether reads
// stay fast while builds run: live probe reads now, and the latencies of
// the data requests served recently, split by whether a build was running.
func (s *Server) handleProcessSeparation(kind string) http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		rm, probeErr := readcheck.Measure(r.Context(), s.store.Snapshots(), s.reads, s.builds.Running)
		m := separationMeasurements{Measurements: rm}
		if job, building := s.builds.Current(); building {
			m.BuildRunning, m.CurrentBuild = true, &job
		}
		v := readcheck.Judge(rm, probeErr, s.builds.CanBuild())
		var body any
		switch kind {
		case "validate":
			body = separationValidation{Validation: separationVerdict{IsValid: v.Valid, Issues: v.Issues, Measurements: m},
				Metadata: s.opMeta(r, start, "validated_at", "validation_duration_ms")}
		case "monitor":
			body = separationMonitoring{Monitoring: m, Metadata: s.opMeta(r, start, "monitored_at", "monitoring_duration_ms")}
		case "compliance":
			body = separationCompliance{Compliance: complianceVerdict{ComplianceScore: v.ComplianceScore, Status: v.ComplianceStatus, Issues: v.Issues, Measurements: m},
				Metadata: s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms")}
		default: // independence
			body = separationIndependence{Independence: independenceVerdict{IsIndependent: v.Independent, MeasuredDuringBuild: v.MeasuredDuringBuild,
				P99RatioDuringBuildIdle: v.P99Ratio, Issues: v.Issues, Measurements: m},
				Metadata: s.opMeta(r, start, "validated_at", "validation_duration_ms")}
		}
		return body, nil
	})
}
