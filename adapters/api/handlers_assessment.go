package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// Assessment (seed "Assessment Endpoints") lets district leaders set their
// targets for a program year and keep a monthly assessment of where the
// district stands against them. Goals and assessments are stored in the
// data directory under assessments/<districtId>/ (atomic writes through the
// store's object backend); the actual numbers always come from snapshots.

// leaderGoals are a district's targets for a program year.
type leaderGoals struct {
	DistrictID               string    `json:"districtId"`
	ProgramYear              string    `json:"programYear"`
	MembershipPaymentsTarget int       `json:"membershipPaymentsTarget"`
	PaidClubsTarget          int       `json:"paidClubsTarget"`
	DistinguishedClubsTarget int       `json:"distinguishedClubsTarget"`
	Notes                    string    `json:"notes,omitempty"`
	UpdatedAt                time.Time `json:"updatedAt"`
	UpdatedBy                string    `json:"updatedBy"`
}

// assessmentActuals are the district's numbers at the assessed snapshot.
type assessmentActuals struct {
	MembershipPayments int `json:"membershipPayments"`
	PaidClubs          int `json:"paidClubs"`
	DistinguishedClubs int `json:"distinguishedClubs"`
	Members            int `json:"members"`
	// DistinguishedPercent is the dashboard's own % Distinguished Clubs
	// (analytics.DistinguishedPercent); absent without a summary row.
	DistinguishedPercent *float64 `json:"distinguishedPercent,omitempty"`
}

// assessmentProgress is each actual as a percentage of its target (nil
// without a target).
type assessmentProgress struct {
	MembershipPaymentsPercent *float64 `json:"membershipPaymentsPercent"`
	PaidClubsPercent          *float64 `json:"paidClubsPercent"`
	DistinguishedClubsPercent *float64 `json:"distinguishedClubsPercent"`
}

// monthlyAssessment is one month's assessment of a district.
type monthlyAssessment struct {
	DistrictID  string             `json:"districtId"`
	Month       string             `json:"month"`
	ProgramYear string             `json:"programYear"`
	SnapshotID  string             `json:"snapshotId"`
	Actuals     assessmentActuals  `json:"actuals"`
	Goals       *leaderGoals       `json:"goals"`
	Progress    assessmentProgress `json:"progress"`
	Notes       string             `json:"notes"`
	CreatedAt   time.Time          `json:"createdAt"`
	UpdatedAt   time.Time          `json:"updatedAt"`
}

const maxNotes = 4000

func assessmentKey(id, month string) string { return "assessments/" + id + "/month-" + month + ".json" }
func goalsKey(id, py string) string         { return "assessments/" + id + "/goals-" + py + ".json" }

func (s *Server) readObject(ctx context.Context, key string, v any) (bool, error) {
	b, err := s.store.Objects().Read(ctx, key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

func (s *Server) writeObject(ctx context.Context, key string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return s.store.Objects().Write(ctx, key, b)
}

// pathMonth validates the :month parameter (YYYY-MM).
func pathMonth(r *http.Request) (string, *apiError) {
	m := param(r, "month")
	if !snapshot.ValidMonth(m) {
		return "", errorf(http.StatusBadRequest, "INVALID_MONTH", "month must be YYYY-MM", "Received: "+truncate(m, 40))
	}
	return m, nil
}

// monthSnapshot finds the newest successful snapshot of month that has the
// district.
func (s *Server) monthSnapshot(ctx context.Context, id, month string) (*store.View, *snapshot.DistrictFile, *apiError) {
	list, _, err := s.successList(ctx)
	if err != nil {
		return nil, nil, internal("ASSESSMENT_ERROR", err)
	}
	for i := len(list) - 1; i >= 0; i-- {
		if !strings.HasPrefix(list[i].SnapshotID, month) {
			continue
		}
		v, err := s.store.Snapshots().Get(ctx, list[i].SnapshotID)
		if err != nil {
			continue
		}
		df, err := v.DistrictShared(ctx, id)
		if err != nil {
			continue
		}
		return v, df, nil
	}
	return nil, nil, errorf(http.StatusNotFound, "NO_DATA_FOR_MONTH", "No snapshot of month "+month+" contains district "+id, nil)
}

func pct(actual, target int) *float64 {
	if target <= 0 {
		return nil
	}
	p := float64(actual*10000/target) / 100
	return &p
}

// assess computes the actuals and progress of a month from its snapshot.
func (s *Server) assess(ctx context.Context, a *monthlyAssessment) *apiError {
	v, df, ae := s.monthSnapshot(ctx, a.DistrictID, a.Month)
	if ae != nil {
		return ae
	}
	d := &df.Data
	a.SnapshotID = v.ID
	a.ProgramYear = analytics.ProgramYearOf(a.Month)
	a.Actuals = assessmentActuals{MembershipPayments: d.Membership.Payments.Total, DistinguishedClubs: d.Clubs.Distinguished, Members: d.Membership.Total, PaidClubs: d.Clubs.Active}
	if d.Summary != nil {
		// The summary's own figures, as the district recognition reads them.
		a.Actuals.PaidClubs = d.Summary.PaidClubs
		a.Actuals.DistinguishedClubs = d.Summary.TotalDistinguishedClubs
		if p, ok := analytics.DistinguishedPercent(d.Summary); ok {
			a.Actuals.DistinguishedPercent = &p
		}
	}
	var g leaderGoals
	ok, err := s.readObject(ctx, goalsKey(a.DistrictID, a.ProgramYear), &g)
	if err != nil {
		return internal("ASSESSMENT_ERROR", err)
	}
	a.Goals, a.Progress = nil, assessmentProgress{}
	if ok {
		a.Goals = &g
		a.Progress = assessmentProgress{
			MembershipPaymentsPercent: pct(a.Actuals.MembershipPayments, g.MembershipPaymentsTarget),
			PaidClubsPercent:          pct(a.Actuals.PaidClubs, g.PaidClubsTarget),
			DistinguishedClubsPercent: pct(a.Actuals.DistinguishedClubs, g.DistinguishedClubsTarget),
		}
	}
	return nil
}

func (s *Server) handleAssessmentList() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ae := districtID(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		ctx := r.Context()
		keys, err := s.store.Objects().List(ctx, "assessments/"+id+"/")
		if err != nil {
			respondError(w, r, internal("ASSESSMENT_ERROR", err))
			return
		}
		sort.Strings(keys)
		out := []monthlyAssessment{}
		for _, k := range keys {
			if !strings.Contains(k, "/month-") {
				continue
			}
			var a monthlyAssessment
			if ok, err := s.readObject(ctx, k, &a); err != nil {
				respondError(w, r, internal("ASSESSMENT_ERROR", err))
				return
			} else if ok {
				out = append(out, a)
			}
		}
		respond(w, r, http.StatusOK, map[string]any{"data": map[string]any{"districtId": id, "assessments": out, "count": len(out)}})
	})
}

func (s *Server) handleAssessmentCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ae := districtID(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		var body struct {
			Month string `json:"month"`
			Notes string `json:"notes"`
		}
		if err := decodeJSON(w, r, &body, false); err != nil {
			respondError(w, r, err)
			return
		}
		if !snapshot.ValidMonth(body.Month) {
			respondError(w, r, errorf(http.StatusBadRequest, "INVALID_MONTH", "month must be YYYY-MM", "Received: "+truncate(body.Month, 40)))
			return
		}
		if len(body.Notes) > maxNotes {
			respondError(w, r, errorf(http.StatusBadRequest, "NOTES_TOO_LONG", fmt.Sprintf("notes exceed %d bytes", maxNotes), nil))
			return
		}
		ctx := r.Context()
		var existing monthlyAssessment
		if ok, err := s.readObject(ctx, assessmentKey(id, body.Month), &existing); err != nil {
			respondError(w, r, internal("ASSESSMENT_ERROR", err))
			return
		} else if ok {
			respondError(w, r, errorf(http.StatusConflict, "ASSESSMENT_EXISTS", "An assessment of "+body.Month+" exists: use PUT to update it", nil))
			return
		}
		now := s.now().UTC()
		a := monthlyAssessment{DistrictID: id, Month: body.Month, Notes: body.Notes, CreatedAt: now, UpdatedAt: now}
		if ae := s.assess(ctx, &a); ae != nil {
			respondError(w, r, ae)
			return
		}
		if err := s.writeObject(ctx, assessmentKey(id, a.Month), &a); err != nil {
			respondError(w, r, internal("ASSESSMENT_ERROR", err))
			return
		}
		w.Header().Set("Location", "/api/assessment/monthly/"+id+"/"+a.Month)
		respond(w, r, http.StatusCreated, map[string]any{"data": a})
	})
}

// loadAssessment reads the :districtId/:month assessment.
func (s *Server) loadAssessment(r *http.Request) (*monthlyAssessment, *apiError) {
	id, ae := districtID(r)
	if ae != nil {
		return nil, ae
	}
	month, ae := pathMonth(r)
	if ae != nil {
		return nil, ae
	}
	var a monthlyAssessment
	ok, err := s.readObject(r.Context(), assessmentKey(id, month), &a)
	if err != nil {
		return nil, internal("ASSESSMENT_ERROR", err)
	}
	if !ok {
		return nil, errorf(http.StatusNotFound, "ASSESSMENT_NOT_FOUND", "No assessment of "+month+" for district "+id, nil)
	}
	return &a, nil
}

func (s *Server) handleAssessmentGet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ae := s.loadAssessment(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		respond(w, r, http.StatusOK, map[string]any{"data": a})
	})
}

// handleAssessmentUpdate replaces the notes and recomputes the actuals from
// the month's newest snapshot and the current goals.
func (s *Server) handleAssessmentUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ae := s.loadAssessment(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		var body struct {
			Notes *string `json:"notes"`
		}
		if err := decodeJSON(w, r, &body, true); err != nil {
			respondError(w, r, err)
			return
		}
		if body.Notes != nil {
			if len(*body.Notes) > maxNotes {
				respondError(w, r, errorf(http.StatusBadRequest, "NOTES_TOO_LONG", fmt.Sprintf("notes exceed %d bytes", maxNotes), nil))
				return
			}
			a.Notes = *body.Notes
		}
		if ae := s.assess(r.Context(), a); ae != nil {
			respondError(w, r, ae)
			return
		}
		a.UpdatedAt = s.now().UTC()
		if err := s.writeObject(r.Context(), assessmentKey(a.DistrictID, a.Month), a); err != nil {
			respondError(w, r, internal("ASSESSMENT_ERROR", err))
			return
		}
		respond(w, r, http.StatusOK, map[string]any{"data": a})
	})
}

func (s *Server) handleAssessmentDelete() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ae := s.loadAssessment(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		if err := s.store.Objects().Delete(r.Context(), assessmentKey(a.DistrictID, a.Month)); err != nil {
			respondError(w, r, internal("ASSESSMENT_ERROR", err))
			return
		}
		respond(w, r, http.StatusOK, map[string]any{"success": true, "message": "Assessment deleted", "districtId": a.DistrictID, "month": a.Month})
	})
}

// queryProgramYear reads ?programYear= (default: that of the current
// snapshot, else of today).
func (s *Server) queryProgramYear(r *http.Request) (string, *apiError) {
	py := r.URL.Query().Get("programYear")
	if py == "" {
		date := s.now().UTC().Format(time.DateOnly)
		if v, err := s.store.Snapshots().Current(r.Context()); err == nil {
			date = v.ID
		}
		return analytics.ProgramYearOf(date), nil
	}
	if !validProgramYear(py) {
		return "", errorf(http.StatusBadRequest, "INVALID_PROGRAM_YEAR", "programYear must be YYYY-YYYY (consecutive years)", "Received: "+truncate(py, 40))
	}
	return py, nil
}

func validProgramYear(py string) bool {
	_, ok := snapshot.ProgramYearStart(py)
	return ok
}

func (s *Server) handleGoalsGet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ae := districtID(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		py, ae := s.queryProgramYear(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		var g leaderGoals
		ok, err := s.readObject(r.Context(), goalsKey(id, py), &g)
		if err != nil {
			respondError(w, r, internal("ASSESSMENT_ERROR", err))
			return
		}
		if !ok {
			respondError(w, r, errorf(http.StatusNotFound, "GOALS_NOT_FOUND", "No goals for district "+id+" in program year "+py, nil))
			return
		}
		respond(w, r, http.StatusOK, map[string]any{"data": g})
	})
}

func (s *Server) handleGoalsSet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ae := districtID(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		var body struct {
			ProgramYear              string `json:"programYear"`
			MembershipPaymentsTarget int    `json:"membershipPaymentsTarget"`
			PaidClubsTarget          int    `json:"paidClubsTarget"`
			DistinguishedClubsTarget int    `json:"distinguishedClubsTarget"`
			Notes                    string `json:"notes"`
		}
		if err := decodeJSON(w, r, &body, false); err != nil {
			respondError(w, r, err)
			return
		}
		if !validProgramYear(body.ProgramYear) {
			respondError(w, r, errorf(http.StatusBadRequest, "INVALID_PROGRAM_YEAR", "programYear must be YYYY-YYYY (consecutive years)", "Received: "+truncate(body.ProgramYear, 40)))
			return
		}
		for name, v := range map[string]int{"membershipPaymentsTarget": body.MembershipPaymentsTarget, "paidClubsTarget": body.PaidClubsTarget, "distinguishedClubsTarget": body.DistinguishedClubsTarget} {
			if v < 0 || v > 1_000_000 {
				respondError(w, r, errorf(http.StatusBadRequest, "INVALID_TARGET", name+" must be between 0 and 1000000", nil))
				return
			}
		}
		if len(body.Notes) > maxNotes {
			respondError(w, r, errorf(http.StatusBadRequest, "NOTES_TOO_LONG", fmt.Sprintf("notes exceed %d bytes", maxNotes), nil))
			return
		}
		g := leaderGoals{DistrictID: id, ProgramYear: body.ProgramYear, MembershipPaymentsTarget: body.MembershipPaymentsTarget, PaidClubsTarget: body.PaidClubsTarget,
			DistinguishedClubsTarget: body.DistinguishedClubsTarget, Notes: body.Notes, UpdatedAt: s.now().UTC(), UpdatedBy: "api:" + clientIP(r)}
		if err := s.writeObject(r.Context(), goalsKey(id, g.ProgramYear), &g); err != nil {
			respondError(w, r, internal("ASSESSMENT_ERROR", err))
			return
		}
		respond(w, r, http.StatusOK, map[string]any{"data": g})
	})
}

// assessmentReport is the month's report: the assessment, the
// Distinguished District standing (analytics.DistrictRecognition) and the
// division and area standing (the one standing rule) at SnapshotID.
type assessmentReport struct {
	DistrictID       string                               `json:"districtId"`
	Month            string                               `json:"month"`
	SnapshotID       string                               `json:"snapshotId"`
	AssessmentStored bool                                 `json:"assessmentStored"`
	Assessment       monthlyAssessment                    `json:"assessment"`
	Recognition      *analytics.DistrictRecognitionReport `json:"recognition"`
	Standing         *analytics.StandingReport            `json:"standing"`
}

// assessmentReportResponse wraps assessmentReport in the data envelope.
type assessmentReportResponse struct {
	Data assessmentReport `json:"data"`
}

// handleAssessmentReport generates the month's report: the stored
// assessment (or one computed on the fly when none is stored), the
// Distinguished District standing and the division and area standing at
// the month's snapshot.
func (s *Server) handleAssessmentReport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ae := districtID(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		month, ae := pathMonth(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		ctx := r.Context()
		var a monthlyAssessment
		stored, err := s.readObject(ctx, assessmentKey(id, month), &a)
		if err != nil {
			respondError(w, r, internal("ASSESSMENT_ERROR", err))
			return
		}
		if !stored {
			a = monthlyAssessment{DistrictID: id, Month: month}
		}
		if ae := s.assess(ctx, &a); ae != nil {
			respondError(w, r, ae)
			return
		}
		v, df, ae := s.monthSnapshot(ctx, id, month)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		p := analytics.Point{Date: v.ID, Metadata: v.Metadata, District: &df.Data, Ranking: df.Data.Ranking}
		respond(w, r, http.StatusOK, assessmentReportResponse{Data: assessmentReport{
			DistrictID: id, Month: month, SnapshotID: v.ID, AssessmentStored: stored, Assessment: a,
			Recognition: analytics.DistrictRecognition(p), Standing: analytics.AreaDivisionStanding(&df.Data, v.ID),
		}})
	})
}
