package api

import (
	"net/http"
	"time"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/readcheck"
)

// The process-separation routes present readcheck's measurements and
// verdicts: do reads stay fast while builds run?

// handleProcessSeparation presents readcheck's verdict on whether reads
// stay fast while builds run: live probe reads now, and the latencies of
// the data requests served recently, split by whether a build was running.
func (s *Server) handleProcessSeparation(kind string) http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		rm, probeErr := readcheck.Measure(r.Context(), s.store.Snapshots(), s.reads, s.builds.Running)
		m := apitypes.SeparationMeasurements{Measurements: rm}
		if job, building := s.builds.Current(); building {
			m.BuildRunning, m.CurrentBuild = true, &job
		}
		v := readcheck.Judge(rm, probeErr, s.builds.CanBuild())
		var body any
		switch kind {
		case "validate":
			body = apitypes.SeparationValidation{Validation: apitypes.SeparationVerdict{IsValid: v.Valid, Issues: v.Issues, Measurements: m},
				Metadata: s.stamp(r, start, "validated_at", "validation_duration_ms")}
		case "monitor":
			body = apitypes.SeparationMonitoring{Monitoring: m, Metadata: s.stamp(r, start, "monitored_at", "monitoring_duration_ms")}
		case "compliance":
			body = apitypes.SeparationCompliance{Compliance: apitypes.ComplianceVerdict{ComplianceScore: v.ComplianceScore, Status: v.ComplianceStatus, Issues: v.Issues, Measurements: m},
				Metadata: s.stamp(r, start, "retrieved_at", "retrieval_duration_ms")}
		default: // independence
			body = apitypes.SeparationIndependence{Independence: apitypes.IndependenceVerdict{IsIndependent: v.Independent, MeasuredDuringBuild: v.MeasuredDuringBuild,
				P99RatioDuringBuildIdle: v.P99Ratio, Issues: v.Issues, Measurements: m},
				Metadata: s.stamp(r, start, "validated_at", "validation_duration_ms")}
		}
		return body, nil
	})
}
