package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
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
			reasons = damageReasons(r.Context(), s.store.Snapshots(), v)
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
			er, err := encodeJSON(http.StatusOK, openAPIDocument(s.cfg.Version), "public, max-age=3600")
			if err == nil {
				s.openapi = er
			}
		})
		if s.openapi == nil {
			return nil, internal("OPENAPI_ERROR", errors.New("encode openapi document"))
		}
		s.openapi.write(w, r)
		return nil, nil
	})
}

// damageReasons says what is wrong with the current snapshot v: the files
// reads found damaged, and what a cheap check (every file present with its
// manifest size) finds. Empty when it is intact as far as is known.
func damageReasons(ctx context.Context, ss *store.SnapshotStore, v *store.View) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range ss.Damaged(v.ID) {
		out = append(out, "damaged file "+d.File+": "+d.Problem)
		seen[d.File] = true
	}
	if v.Legacy() {
		return out
	}
	c, err := ss.QuickCheck(ctx, v.ID)
	if err == nil && !c.Complete {
		// A publish may have swapped the folder mid-check: look again.
		c, err = ss.QuickCheck(ctx, v.ID)
	}
	if err == nil {
		for _, p := range c.Problems {
			if !seen[p] {
				out = append(out, "snapshot "+v.ID+": "+p)
			}
		}
	}
	return out
}
