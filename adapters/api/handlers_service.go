package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/store"
)

// handleHealth reports liveness (always 200 while the process serves) and
// readiness: whether a current snapshot can be read. status is "degraded"
// with degraded_reasons when a file of the current snapshot is damaged
// (reads of the other districts still work, so ready stays true).
func (s *Server) handleHealth() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		ready := false
		var current *apitypes.SnapshotRef
		status := "ok"
		var reasons []string
		v, err := s.store.Snapshots().Current(r.Context())
		switch {
		case err == nil:
			ready = true
			current = &apitypes.SnapshotRef{SnapshotID: v.ID, CreatedAt: v.Metadata.CreatedAt}
			reasons = s.store.Snapshots().DamageReasons(r.Context(), v)
			if len(reasons) > 0 {
				status = "degraded"
			}
		case errors.Is(err, store.ErrNoSnapshot):
			status = "ok"
		default:
			status = "degraded"
			reasons = append(reasons, "current snapshot unreadable: "+err.Error())
			s.log.Warn("health: read current snapshot", "error", err)
		}
		job, building := s.builds.Current()
		body := apitypes.Health{Status: status, Timestamp: s.now().UTC(), Uptime: time.Since(s.started).Seconds(), Version: s.cfg.Version,
			Ready: ready, CurrentSnapshot: current, BuildRunning: building, DegradedReasons: reasons}
		body.Data.HasBuilder = s.builds.CanBuild()
		if building {
			body.CurrentBuild = job.ID
		}
		return body, nil
	})
}

func (s *Server) handleAPIIndex() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		return apitypes.Index{Message: "toaststats API", Version: s.cfg.Version, OpenAPI: "/api/openapi.json"}, nil
	})
}

func (s *Server) handleOpenAPI() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		s.openOnce.Do(func() {
			er, err := httpkit.JSON(http.StatusOK, openAPIDocument(s.cfg.Version, s.apiDocs), "public, max-age=3600")
			if err == nil {
				s.openapi = er
			}
		})
		if s.openapi == nil {
			return nil, internal("OPENAPI_ERROR", errors.New("encode openapi document"))
		}
		s.openapi.ServeHTTP(w, r)
		return nil, nil
	})
}
