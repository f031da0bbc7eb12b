// Package assess keeps district leaders' goals for a program year and their
// monthly assessments of where the district stands against them (the seed's
// "Assessment Endpoints"), as a library: the HTTP API only decodes, calls a
// Book and encodes.
//
// Goals and assessments are small JSON objects under assessments/<district>/
// of a store.Objects backend (goals-<programYear>.json, month-<YYYY-MM>.json):
// the data directory or a bucket. A month's assessment is created only
// where none exists (store.CreateExclusive) and updated by compare-and-swap
// (store.WriteIfVersion) and deleted by store.DeleteVersioned, so
// concurrent requests, also from servers sharing the storage, never undo
// one another, and of concurrent deletes exactly one succeeds; goals are
// replaced whole (store.WriteVersioned). The
// actual numbers always come from the month's newest successful snapshot
// that has the district; progress is each actual as a percentage of its
// target, truncated to two decimals (Percent).
package assess

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// Goals are a district's targets for a program year.
type Goals struct {
	DistrictID               string    `json:"districtId"`
	ProgramYear              string    `json:"programYear"`
	MembershipPaymentsTarget int       `json:"membershipPaymentsTarget"`
	PaidClubsTarget          int       `json:"paidClubsTarget"`
	DistinguishedClubsTarget int       `json:"distinguishedClubsTarget"`
	Notes                    string    `json:"notes,omitempty"`
	UpdatedAt                time.Time `json:"updatedAt"`
	UpdatedBy                string    `json:"updatedBy"`
}

// Actuals are the district's numbers at the assessed snapshot.
type Actuals struct {
	MembershipPayments int `json:"membershipPayments"`
	PaidClubs          int `json:"paidClubs"`
	DistinguishedClubs int `json:"distinguishedClubs"`
	Members            int `json:"members"`
	// DistinguishedPercent is the dashboard's own % Distinguished Clubs
	// (analytics.DistinguishedPercent); absent without a summary row.
	DistinguishedPercent *float64 `json:"distinguishedPercent,omitempty"`
}

// Progress is each actual as a percentage of its target (nil without a
// target).
type Progress struct {
	MembershipPaymentsPercent *float64 `json:"membershipPaymentsPercent"`
	PaidClubsPercent          *float64 `json:"paidClubsPercent"`
	DistinguishedClubsPercent *float64 `json:"distinguishedClubsPercent"`
}

// Assessment is one month's assessment of a district.
type Assessment struct {
	DistrictID  string    `json:"districtId"`
	Month       string    `json:"month"`
	ProgramYear string    `json:"programYear"`
	SnapshotID  string    `json:"snapshotId"`
	Actuals     Actuals   `json:"actuals"`
	Goals       *Goals    `json:"goals"`
	Progress    Progress  `json:"progress"`
	Notes       string    `json:"notes"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// Report is a month's report: the assessment (stored, or computed on the
// fly when none is stored), the Distinguished District standing
// (analytics.DistrictRecognition) and the division and area standing (the
// one standing rule) at SnapshotID.
type Report struct {
	DistrictID       string                               `json:"districtId"`
	Month            string                               `json:"month"`
	SnapshotID       string                               `json:"snapshotId"`
	AssessmentStored bool                                 `json:"assessmentStored"`
	Assessment       Assessment                           `json:"assessment"`
	Recognition      *analytics.DistrictRecognitionReport `json:"recognition"`
	Standing         *analytics.StandingReport            `json:"standing"`
}

// Limits of what a Book accepts.
const (
	// MaxNotes is the longest notes text, in bytes.
	MaxNotes = 4000
	// MaxTarget is the largest target.
	MaxTarget = 1_000_000
)

// Kind says what went wrong in an Error.
type Kind int

// The kinds of Error.
const (
	Invalid  Kind = iota // the request is wrong (HTTP 400)
	NotFound             // the goals, assessment or month's data is absent (404)
	Exists               // the month is assessed already (409)
	Conflict             // the assessment kept changing while being updated (409)
)

// Error is a request a Book refuses, with the stable code the API reports
// (INVALID_MONTH, NOTES_TOO_LONG, INVALID_PROGRAM_YEAR, INVALID_TARGET,
// GOALS_NOT_FOUND, ASSESSMENT_NOT_FOUND, NO_DATA_FOR_MONTH,
// ASSESSMENT_EXISTS, ASSESSMENT_CONFLICT). Any other error is a storage
// failure.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	// Details names the received value, if any.
	Details string
}

func (e *Error) Error() string {
	if e.Details != "" {
		return e.Message + " (" + e.Details + ")"
	}
	return e.Message
}

func received(v string) string {
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return "Received: " + v
}

// Options tune a Book.
type Options struct {
	// Now is the clock (default time.Now).
	Now func() time.Time
	// SnapshotIDs lists the successful snapshot ids in ascending order
	// (default: store.SnapshotStore.SuccessfulIDs). A server passes its
	// cached list.
	SnapshotIDs func(ctx context.Context) ([]string, error)
}

// Book is the goals and assessments of every district, over a store.
type Book struct {
	objects store.Objects
	snaps   *store.SnapshotStore
	now     func() time.Time
	ids     func(ctx context.Context) ([]string, error)
}

// NewBook returns the Book kept in st's objects, assessed from st's
// snapshots.
func NewBook(st *store.Store, opts Options) *Book {
	b := &Book{objects: st.Objects(), snaps: st.Snapshots(), now: opts.Now, ids: opts.SnapshotIDs}
	if b.now == nil {
		b.now = time.Now
	}
	if b.ids == nil {
		b.ids = b.snaps.SuccessfulIDs
	}
	return b
}

func assessmentKey(id, month string) string { return "assessments/" + id + "/month-" + month + ".json" }
func goalsKey(id, py string) string         { return "assessments/" + id + "/goals-" + py + ".json" }

func (b *Book) read(ctx context.Context, key string, v any) (bool, error) {
	data, err := b.objects.Read(ctx, key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	if err := decode(key, data, v); err != nil {
		return false, err
	}
	return true, nil
}

// decode reads the stored record at key into v, an *Assessment or a
// *Goals, and refuses one that is not the record of its key's district and
// month or program year (a file damaged, edited or copied by hand: the
// Book never answers, or updates, with another district's or month's
// numbers), or goals SetGoals would refuse. The error names the file.
func decode(key string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	var problem string
	switch r := v.(type) {
	case *Assessment:
		if want := assessmentKey(r.DistrictID, r.Month); want != key {
			problem = fmt.Sprintf("it holds the assessment of district %q, month %q", truncated(r.DistrictID), truncated(r.Month))
		}
	case *Goals:
		if want := goalsKey(r.DistrictID, r.ProgramYear); want != key {
			problem = fmt.Sprintf("it holds the goals of district %q, program year %q", truncated(r.DistrictID), truncated(r.ProgramYear))
		} else if e := checkGoalValues(*r); e != nil {
			problem = e.Message
		}
	}
	if problem != "" {
		return fmt.Errorf("decode %s: %s", key, problem)
	}
	return nil
}

// truncated cuts a value read from a damaged file for an error message.
func truncated(v string) string {
	if len(v) > 40 {
		return v[:40] + "…"
	}
	return v
}

// encode is how goals and assessments are stored.
func encode(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }

func checkDistrict(id string) error {
	if _, err := store.ValidDistrictID(id); err != nil {
		return &Error{Kind: Invalid, Code: "INVALID_DISTRICT_ID", Message: "Invalid district ID format", Details: received(id)}
	}
	return nil
}

// checkMonthOf refuses a bad district id or month.
func checkMonthOf(district, month string) error {
	if err := checkDistrict(district); err != nil {
		return err
	}
	return CheckMonth(month)
}

// CheckMonth refuses a month that is not YYYY-MM.
func CheckMonth(month string) error {
	if !snapshot.ValidMonth(month) {
		return &Error{Kind: Invalid, Code: "INVALID_MONTH", Message: "month must be YYYY-MM", Details: received(month)}
	}
	return nil
}

// CheckProgramYear refuses a program year that is not YYYY-YYYY of
// consecutive years (snapshot.ProgramYearStart).
func CheckProgramYear(py string) error {
	if _, ok := snapshot.ProgramYearStart(py); !ok {
		return &Error{Kind: Invalid, Code: "INVALID_PROGRAM_YEAR", Message: "programYear must be YYYY-YYYY (consecutive years)", Details: received(py)}
	}
	return nil
}

func checkNotes(notes string) *Error {
	if len(notes) > MaxNotes {
		return &Error{Kind: Invalid, Code: "NOTES_TOO_LONG", Message: fmt.Sprintf("notes exceed %d bytes", MaxNotes)}
	}
	return nil
}

// Percent is actual as a percentage of target, truncated (not rounded) to
// two decimals: 1234 of 5000 is 24.68. Nil without a target (target <= 0).
func Percent(actual, target int) *float64 {
	if target <= 0 {
		return nil
	}
	p := float64(actual*10000/target) / 100
	return &p
}

// ProgressOf is each actual as a percentage of its goal.
func ProgressOf(a Actuals, g Goals) Progress {
	return Progress{
		MembershipPaymentsPercent: Percent(a.MembershipPayments, g.MembershipPaymentsTarget),
		PaidClubsPercent:          Percent(a.PaidClubs, g.PaidClubsTarget),
		DistinguishedClubsPercent: Percent(a.DistinguishedClubs, g.DistinguishedClubsTarget),
	}
}

// ActualsOf reads a district's numbers: the summary report's own paid and
// distinguished club counts when the district has a summary row (as the
// district recognition reads them), else the club-level counts. The
// summary reports no distinguished clubs before April (spec §2.1, #304:
// derive them from club data): while it says 0, the clubs' own letters
// are counted instead, so progress towards the target shows from July.
func ActualsOf(d *snapshot.District) Actuals {
	a := Actuals{MembershipPayments: d.Membership.Payments.Total, DistinguishedClubs: d.Clubs.Distinguished, Members: d.Membership.Total, PaidClubs: d.Clubs.Active}
	if d.Summary != nil {
		a.PaidClubs = d.Summary.PaidClubs
		if d.Summary.TotalDistinguishedClubs > 0 {
			a.DistinguishedClubs = d.Summary.TotalDistinguishedClubs
		}
		if p, ok := analytics.DistinguishedPercent(d.Summary); ok {
			a.DistinguishedPercent = &p
		}
	}
	return a
}

// monthSnapshot finds the newest successful snapshot of month that has the
// district.
func (b *Book) monthSnapshot(ctx context.Context, id, month string) (*store.View, *snapshot.DistrictFile, error) {
	ids, err := b.ids(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if !strings.HasPrefix(ids[i], month) {
			continue
		}
		v, err := b.snaps.Get(ctx, ids[i])
		if err != nil {
			continue
		}
		df, err := v.DistrictShared(ctx, id)
		if err != nil {
			continue
		}
		return v, df, nil
	}
	return nil, nil, &Error{Kind: NotFound, Code: "NO_DATA_FOR_MONTH", Message: "No snapshot of month " + month + " contains district " + id}
}

// assess fills the actuals, goals and progress of a from its month's
// snapshot and the program year's goals; it returns that snapshot.
func (b *Book) assess(ctx context.Context, a *Assessment) (*store.View, *snapshot.DistrictFile, error) {
	v, df, err := b.monthSnapshot(ctx, a.DistrictID, a.Month)
	if err != nil {
		return nil, nil, err
	}
	a.SnapshotID = v.ID
	a.ProgramYear = snapshot.ProgramYearOf(a.Month)
	a.Actuals = ActualsOf(&df.Data)
	var g Goals
	ok, err := b.read(ctx, goalsKey(a.DistrictID, a.ProgramYear), &g)
	if err != nil {
		return nil, nil, err
	}
	a.Goals, a.Progress = nil, Progress{}
	if ok {
		a.Goals, a.Progress = &g, ProgressOf(a.Actuals, g)
	}
	return v, df, nil
}

// Goals returns a district's goals for a program year; "" is the program
// year of the current snapshot (of today before the first snapshot).
func (b *Book) Goals(ctx context.Context, district, programYear string) (*Goals, error) {
	if err := checkDistrict(district); err != nil {
		return nil, err
	}
	if programYear == "" {
		date := b.now().UTC().Format(time.DateOnly)
		if v, err := b.snaps.Current(ctx); err == nil {
			date = v.ID
		}
		programYear = snapshot.ProgramYearOf(date)
	}
	if err := CheckProgramYear(programYear); err != nil {
		return nil, err
	}
	var g Goals
	ok, err := b.read(ctx, goalsKey(district, programYear), &g)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &Error{Kind: NotFound, Code: "GOALS_NOT_FOUND", Message: "No goals for district " + district + " in program year " + programYear}
	}
	return &g, nil
}

// checkGoalValues refuses targets outside 0..MaxTarget and notes longer
// than MaxNotes: what SetGoals stores and decode reads back.
func checkGoalValues(g Goals) *Error {
	for _, t := range []struct {
		name string
		v    int
	}{{"membershipPaymentsTarget", g.MembershipPaymentsTarget}, {"paidClubsTarget", g.PaidClubsTarget}, {"distinguishedClubsTarget", g.DistinguishedClubsTarget}} {
		if t.v < 0 || t.v > MaxTarget {
			return &Error{Kind: Invalid, Code: "INVALID_TARGET", Message: fmt.Sprintf("%s must be between 0 and %d", t.name, MaxTarget)}
		}
	}
	return checkNotes(g.Notes)
}

// SetGoals stores g (replacing the program year's goals), stamped now. The
// write is a store.WriteVersioned, ordered with the compare-and-swap that
// toaststats migrate copies goals in with, so a migration running against
// a live server never overwrites goals set meanwhile.
func (b *Book) SetGoals(ctx context.Context, g Goals) (*Goals, error) {
	if err := checkDistrict(g.DistrictID); err != nil {
		return nil, err
	}
	if err := CheckProgramYear(g.ProgramYear); err != nil {
		return nil, err
	}
	if e := checkGoalValues(g); e != nil {
		return nil, e
	}
	g.UpdatedAt = b.now().UTC()
	data, err := encode(&g)
	if err != nil {
		return nil, err
	}
	if err := store.WriteVersioned(ctx, b.objects, goalsKey(g.DistrictID, g.ProgramYear), data); err != nil {
		return nil, err
	}
	return &g, nil
}

// List returns a district's stored assessments, oldest month first.
func (b *Book) List(ctx context.Context, district string) ([]Assessment, error) {
	if err := checkDistrict(district); err != nil {
		return nil, err
	}
	keys, err := b.objects.List(ctx, "assessments/"+district+"/")
	if err != nil {
		return nil, err
	}
	sort.Strings(keys)
	out := []Assessment{}
	for _, k := range keys {
		month, ok := strings.CutPrefix(k, "assessments/"+district+"/month-")
		month, isJSON := strings.CutSuffix(month, ".json")
		if !ok || !isJSON || CheckMonth(month) != nil {
			continue // not named as the Book names assessments
		}
		var a Assessment
		if ok, err := b.read(ctx, k, &a); err != nil {
			return nil, err
		} else if ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// Get returns the stored assessment of a district's month.
func (b *Book) Get(ctx context.Context, district, month string) (*Assessment, error) {
	if err := checkMonthOf(district, month); err != nil {
		return nil, err
	}
	var a Assessment
	ok, err := b.read(ctx, assessmentKey(district, month), &a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFoundError(district, month)
	}
	return &a, nil
}

// notFoundError says a district's month has no stored assessment.
func notFoundError(district, month string) error {
	return &Error{Kind: NotFound, Code: "ASSESSMENT_NOT_FOUND", Message: "No assessment of " + month + " for district " + district}
}

// Create assesses a month not assessed yet and stores the assessment. The
// assessment is created with store.CreateExclusive: of concurrent Creates of
// one month, exactly one stores its assessment and the others get
// ASSESSMENT_EXISTS (the month is never assessed twice, one replacing the
// other).
func (b *Book) Create(ctx context.Context, district, month, notes string) (*Assessment, error) {
	if err := checkMonthOf(district, month); err != nil {
		return nil, err
	}
	if err := checkNotes(notes); err != nil {
		return nil, err
	}
	// Answered before assessing; the create below decides a race.
	var existing Assessment
	if ok, err := b.read(ctx, assessmentKey(district, month), &existing); err != nil {
		return nil, err
	} else if ok {
		return nil, existsError(month)
	}
	now := b.now().UTC()
	a := Assessment{DistrictID: district, Month: month, Notes: notes, CreatedAt: now, UpdatedAt: now}
	if _, _, err := b.assess(ctx, &a); err != nil {
		return nil, err
	}
	data, err := encode(&a)
	if err != nil {
		return nil, err
	}
	created, err := store.CreateExclusive(ctx, b.objects, assessmentKey(district, month), data)
	if err != nil {
		return nil, err
	}
	if !created {
		return nil, existsError(month)
	}
	return &a, nil
}

// existsError refuses to create the assessment of a month assessed already.
func existsError(month string) error {
	return &Error{Kind: Exists, Code: "ASSESSMENT_EXISTS", Message: "An assessment of " + month + " exists: use PUT to update it"}
}

// updateAttempts bounds the reads and writes of one Update. A write fails
// only when another write or a delete landed since its read, and each one
// fails at most one attempt: fewer concurrent updates all apply.
const updateAttempts = 10

// Update replaces the notes (when notes is not nil) of a stored assessment
// and recomputes its actuals from the month's newest snapshot and the
// current goals. The read and the write are a compare-and-swap
// (store.WriteIfVersion): when another Update or a Delete changed the
// assessment in between, nothing is written and the update starts again
// from what is stored now, so concurrent updates all apply, one after the
// other (an update without notes keeps the notes another one just set),
// and an assessment deleted meanwhile stays deleted (ASSESSMENT_NOT_FOUND).
// After updateAttempts such collisions in a row it gives up with
// ASSESSMENT_CONFLICT, having written nothing.
func (b *Book) Update(ctx context.Context, district, month string, notes *string) (*Assessment, error) {
	if err := checkMonthOf(district, month); err != nil {
		return nil, err
	}
	if notes != nil {
		if err := checkNotes(*notes); err != nil {
			return nil, err
		}
	}
	key := assessmentKey(district, month)
	for range updateAttempts {
		data, version, err := store.ReadVersion(ctx, b.objects, key)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, notFoundError(district, month)
		}
		if err != nil {
			return nil, err
		}
		var a Assessment
		if err := decode(key, data, &a); err != nil {
			return nil, err
		}
		if notes != nil {
			a.Notes = *notes
		}
		if _, _, err := b.assess(ctx, &a); err != nil {
			return nil, err
		}
		a.UpdatedAt = b.now().UTC()
		out, err := encode(&a)
		if err != nil {
			return nil, err
		}
		written, err := store.WriteIfVersion(ctx, b.objects, key, out, version)
		if err != nil {
			return nil, err
		}
		if written {
			return &a, nil
		}
	}
	return nil, &Error{Kind: Conflict, Code: "ASSESSMENT_CONFLICT",
		Message: fmt.Sprintf("The assessment of %s changed while it was being updated, %d times in a row: nothing was written; try again", month, updateAttempts)}
}

// Delete removes a stored assessment, or answers ASSESSMENT_NOT_FOUND when
// there is none. The check and the removal are one store.DeleteVersioned,
// which reports whether this call removed it: of concurrent Deletes of one
// month, also from servers sharing the storage, exactly one succeeds and
// the others get ASSESSMENT_NOT_FOUND (on object storage as long as the
// store's lease holds; see store.DeleteVersioned), and an Update that read
// the assessment before cannot bring it back.
func (b *Book) Delete(ctx context.Context, district, month string) error {
	if err := checkMonthOf(district, month); err != nil {
		return err
	}
	removed, err := store.DeleteVersioned(ctx, b.objects, assessmentKey(district, month))
	if err != nil {
		return err
	}
	if !removed {
		return notFoundError(district, month)
	}
	return nil
}

// Report is the month's report: the stored assessment (or one computed on
// the fly when none is stored), the Distinguished District standing and the
// division and area standing at the month's snapshot.
func (b *Book) Report(ctx context.Context, district, month string) (*Report, error) {
	a, err := b.Get(ctx, district, month)
	stored := err == nil
	var e *Error
	if !stored {
		if !errors.As(err, &e) || e.Code != "ASSESSMENT_NOT_FOUND" {
			return nil, err
		}
		a = &Assessment{DistrictID: district, Month: month}
	}
	v, df, err := b.assess(ctx, a)
	if err != nil {
		return nil, err
	}
	p := analytics.Point{Date: v.ID, Metadata: v.Metadata, District: &df.Data, Ranking: df.Data.Ranking}
	return &Report{DistrictID: district, Month: month, SnapshotID: v.ID, AssessmentStored: stored, Assessment: *a,
		Recognition: analytics.DistrictRecognition(p), Standing: analytics.AreaDivisionStanding(&df.Data, v.ID)}, nil
}
