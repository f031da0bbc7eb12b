package main

import (
	"errors"
	"net/http"
	"time"

	"github.com/toaststats/toaststats/store"
)

// handleHealth reports liveness (always 200 while the process serves) and
// readiness: whether a current snapshot can be read.
func (s *Server) handleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ready := false
		var current any
		status := "ok"
		v, err := s.store.Snapshots().Current(r.Context())
		switch {
		case err == nil:
			ready = true
			current = map[string]any{"snapshot_id": v.ID, "created_at": v.Metadata.CreatedAt}
		case errors.Is(err, store.ErrNoSnapshot):
			status = "ok"
		default:
			status = "degraded"
			s.log.Warn("health: read current snapshot", "error", err)
		}
		job, building := s.builds.currentJob()
		body := map[string]any{
			"status":           status,
			"timestamp":        s.now().UTC(),
			"uptime":           time.Since(s.started).Seconds(),
			"version":          s.cfg.Version,
			"ready":            ready,
			"current_snapshot": current,
			"build_running":    building,
			"data": map[string]any{
				"has_builder": s.builds.build != nil,
			},
		}
		if building {
			body["current_build"] = job.ID
		}
		respond(w, r, http.StatusOK, body)
	})
}

func (s *Server) handleAPIIndex() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respond(w, r, http.StatusOK, map[string]any{"message": "toaststats API", "version": s.cfg.Version, "openapi": "/api/openapi.json"})
	})
}

func (s *Server) handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.openOnce.Do(func() {
			er, err := encodeJSON(http.StatusOK, openAPIDocument(s.cfg.Version), "public, max-age=3600")
			if err == nil {
				s.openapi = er
			}
		})
		if s.openapi == nil {
			respondError(w, r, internal("OPENAPI_ERROR", errors.New("encode openapi document")))
			return
		}
		s.openapi.write(w, r)
	})
}
