package api

import (
	"errors"
	"net/http"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/assess"
)

// Assessment routes (seed "Assessment Endpoints") serve package assess:
// district leaders' goals for a program year and monthly assessments of
// where the district stands against them, kept under assessments/ in the
// data directory.

// assessError maps an assess error to the API's error answer.
func assessError(err error) *apiError {
	var e *assess.Error
	if !errors.As(err, &e) {
		return internal("ASSESSMENT_ERROR", err)
	}
	status := map[assess.Kind]int{assess.Invalid: http.StatusBadRequest, assess.NotFound: http.StatusNotFound, assess.Exists: http.StatusConflict,
		assess.Conflict: http.StatusConflict}[e.Kind]
	var details any
	if e.Details != "" {
		details = e.Details
	}
	return errorf(status, e.Code, e.Message, details)
}

// forDistrict validates :districtId before h.
func forDistrict(h func(w http.ResponseWriter, r *http.Request, id string) (any, error)) http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		id, ae := districtID(r)
		if ae != nil {
			return nil, ae
		}
		return h(w, r, id)
	})
}

// answer is v in the {"data": …} envelope, or the API's error for err.
func answer[T any](v T, err error) (any, error) {
	if err != nil {
		return nil, assessError(err)
	}
	return apitypes.Data[T]{Data: v}, nil
}

func (s *Server) handleAssessmentList() http.Handler {
	return forDistrict(func(w http.ResponseWriter, r *http.Request, id string) (any, error) {
		out, err := s.book.List(r.Context(), id)
		return answer(apitypes.AssessmentList{DistrictID: id, Assessments: out, Count: len(out)}, err)
	})
}

func (s *Server) handleAssessmentCreate() http.Handler {
	return forDistrict(func(w http.ResponseWriter, r *http.Request, id string) (any, error) {
		var body struct {
			Month string `json:"month"`
			Notes string `json:"notes"`
		}
		if err := decodeJSON(w, r, &body, false); err != nil {
			return nil, err
		}
		a, err := s.book.Create(r.Context(), id, body.Month, body.Notes)
		if err != nil {
			return nil, assessError(err)
		}
		w.Header().Set("Location", "/api/assessment/monthly/"+id+"/"+a.Month)
		respond(w, r, http.StatusCreated, apitypes.Data[*assess.Assessment]{Data: a})
		return nil, nil
	})
}

func (s *Server) handleAssessmentGet() http.Handler {
	return forDistrict(func(w http.ResponseWriter, r *http.Request, id string) (any, error) {
		a, err := s.book.Get(r.Context(), id, param(r, "month"))
		return answer(a, err)
	})
}

// handleAssessmentUpdate replaces the notes and recomputes the actuals from
// the month's newest snapshot and the current goals (assess.Book.Update,
// which reads the assessment once and answers ASSESSMENT_NOT_FOUND).
func (s *Server) handleAssessmentUpdate() http.Handler {
	return forDistrict(func(w http.ResponseWriter, r *http.Request, id string) (any, error) {
		month := param(r, "month")
		if err := assess.CheckMonth(month); err != nil {
			return nil, assessError(err)
		}
		var body struct {
			Notes *string `json:"notes"`
		}
		if err := decodeJSON(w, r, &body, true); err != nil {
			return nil, err
		}
		a, err := s.book.Update(r.Context(), id, month, body.Notes)
		return answer(a, err)
	})
}

// handleAssessmentDelete removes the month's assessment: 200 from the one
// request that removed it, 404 ASSESSMENT_NOT_FOUND when there was none,
// also to every other one of concurrent DELETEs (assess.Book.Delete).
func (s *Server) handleAssessmentDelete() http.Handler {
	return forDistrict(func(w http.ResponseWriter, r *http.Request, id string) (any, error) {
		month := param(r, "month")
		if err := s.book.Delete(r.Context(), id, month); err != nil {
			return nil, assessError(err)
		}
		return apitypes.AssessmentDeleted{Success: true, Message: "Assessment deleted", DistrictID: id, Month: month}, nil
	})
}

func (s *Server) handleGoalsGet() http.Handler {
	return forDistrict(func(w http.ResponseWriter, r *http.Request, id string) (any, error) {
		// ?programYear= (default: that of the current snapshot)
		g, err := s.book.Goals(r.Context(), id, r.URL.Query().Get("programYear"))
		return answer(g, err)
	})
}

func (s *Server) handleGoalsSet() http.Handler {
	return forDistrict(func(w http.ResponseWriter, r *http.Request, id string) (any, error) {
		var body struct {
			ProgramYear              string `json:"programYear"`
			MembershipPaymentsTarget int    `json:"membershipPaymentsTarget"`
			PaidClubsTarget          int    `json:"paidClubsTarget"`
			DistinguishedClubsTarget int    `json:"distinguishedClubsTarget"`
			Notes                    string `json:"notes"`
		}
		if err := decodeJSON(w, r, &body, false); err != nil {
			return nil, err
		}
		g, err := s.book.SetGoals(r.Context(), assess.Goals{DistrictID: id, ProgramYear: body.ProgramYear, MembershipPaymentsTarget: body.MembershipPaymentsTarget,
			PaidClubsTarget: body.PaidClubsTarget, DistinguishedClubsTarget: body.DistinguishedClubsTarget, Notes: body.Notes, UpdatedBy: "api:" + clientIP(r)})
		return answer(g, err)
	})
}

// handleAssessmentReport generates the month's report (assess.Book.Report).
func (s *Server) handleAssessmentReport() http.Handler {
	return forDistrict(func(w http.ResponseWriter, r *http.Request, id string) (any, error) {
		rep, err := s.book.Report(r.Context(), id, param(r, "month"))
		return answer(rep, err)
	})
}
