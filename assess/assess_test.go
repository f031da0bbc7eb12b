package assess_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"testing"
	"time"

	"github.com/toaststats/toaststats/assess"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

var fixed = time.Date(2025, 8, 20, 12, 0, 0, 0, time.UTC)

// publish stores a one-district snapshot of date: 1234 payments, 900
// members, 40 active clubs of which 12 distinguished, no summary row.
func publish(st *store.Store, date string) error {
	py := snapshot.ProgramYearOf(date)
	d := snapshot.District{DistrictID: "42", AsOfDate: date, DataMonth: date[:7], ProgramYear: py,
		Membership: snapshot.Membership{Total: 900, Payments: snapshot.Payments{Total: 1234}},
		Clubs:      snapshot.ClubCounts{Total: 41, Active: 40, Distinguished: 12}}
	snap := &snapshot.Snapshot{Metadata: snapshot.Metadata{SnapshotID: date, CreatedAt: fixed, SchemaVersion: snapshot.SchemaVersion,
		CalculationVersion: snapshot.CalculationVersion, Status: snapshot.StatusSuccess, ConfiguredDistricts: []string{"42"},
		SuccessfulDistricts: []string{"42"}, DataAsOfDate: date, LogicalDate: date, DataMonth: date[:7], ProgramYear: py},
		Districts: []snapshot.DistrictFile{{DistrictID: "42", Status: snapshot.StatusSuccess, Data: d}}}
	return st.Snapshots().Publish(context.Background(), snap)
}

func newBook(t testing.TB) (*assess.Book, *store.Store) {
	st, err := store.Create(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := publish(st, "2025-07-31"); err != nil {
		t.Fatal(err)
	}
	return assess.NewBook(st, assess.Options{Now: func() time.Time { return fixed }}), st
}

func kindOf(err error) (assess.Kind, string) {
	var e *assess.Error
	if !errors.As(err, &e) {
		return -1, ""
	}
	return e.Kind, e.Code
}

func TestPercentTruncates(t *testing.T) {
	for _, tc := range []struct {
		actual, target int
		want           float64
	}{
		{1234, 5000, 24.68}, // 12340000/5000 = 2468 → 24.68
		{2, 3, 66.66},       // 20000/3 = 6666.67 → 6666 (truncated) → 66.66
		{7, 5, 140},         // over the target
	} {
		if got := assess.Percent(tc.actual, tc.target); got == nil || *got != tc.want {
			t.Errorf("Percent(%d, %d) = %v, want %v", tc.actual, tc.target, got, tc.want)
		}
	}
	if got := assess.Percent(5, 0); got != nil {
		t.Errorf("Percent without a target = %v, want nil", *got)
	}
}

// TestGoalsDefaultYearWithoutSnapshots: before the first snapshot "" is
// the program year of today (2025-08-20 → 2025-2026).
func TestGoalsDefaultYearWithoutSnapshots(t *testing.T) {
	st, err := store.Create(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := assess.NewBook(st, assess.Options{Now: func() time.Time { return fixed }})
	_, err = b.Goals(context.Background(), "42", "")
	var e *assess.Error
	if !errors.As(err, &e) || e.Code != "GOALS_NOT_FOUND" || e.Message != "No goals for district 42 in program year 2025-2026" {
		t.Errorf("goals without snapshots: %v", err)
	}
}

func TestAssessmentLifecycle(t *testing.T) {
	ctx := context.Background()
	b, _ := newBook(t)
	if _, err := b.Goals(ctx, "42", "2025-2026"); !isKind(err, assess.NotFound, "GOALS_NOT_FOUND") {
		t.Fatalf("goals before any: %v", err)
	}
	if _, err := b.SetGoals(ctx, assess.Goals{DistrictID: "42", ProgramYear: "2025-2030"}); !isKind(err, assess.Invalid, "INVALID_PROGRAM_YEAR") {
		t.Fatalf("2025-2030 accepted as a program year: %v", err)
	}
	if _, err := b.SetGoals(ctx, assess.Goals{DistrictID: "42", ProgramYear: "2025-2026", PaidClubsTarget: -1}); !isKind(err, assess.Invalid, "INVALID_TARGET") {
		t.Fatalf("negative target: %v", err)
	}
	g, err := b.SetGoals(ctx, assess.Goals{DistrictID: "42", ProgramYear: "2025-2026", MembershipPaymentsTarget: 5000, PaidClubsTarget: 50, DistinguishedClubsTarget: 20, UpdatedBy: "test"})
	if err != nil || !g.UpdatedAt.Equal(fixed) {
		t.Fatalf("set goals: %+v, %v", g, err)
	}
	// "": the program year of the current snapshot, 2025-07-31 → 2025-2026.
	if g, err := b.Goals(ctx, "42", ""); err != nil || g.ProgramYear != "2025-2026" || g.PaidClubsTarget != 50 {
		t.Fatalf("goals of the current program year: %+v, %v", g, err)
	}
	a, err := b.Create(ctx, "42", "2025-07", "first")
	if err != nil {
		t.Fatal(err)
	}
	// 1234/5000 = 24.68 %, 40/50 = 80 %, 12/20 = 60 %.
	p := a.Progress
	if a.SnapshotID != "2025-07-31" || a.ProgramYear != "2025-2026" || *p.MembershipPaymentsPercent != 24.68 || *p.PaidClubsPercent != 80 || *p.DistinguishedClubsPercent != 60 {
		t.Fatalf("assessment %+v, progress %v %v %v", a, *p.MembershipPaymentsPercent, *p.PaidClubsPercent, *p.DistinguishedClubsPercent)
	}
	if _, err := b.Create(ctx, "42", "2025-07", ""); !isKind(err, assess.Exists, "ASSESSMENT_EXISTS") {
		t.Fatalf("second create: %v", err)
	}
	if _, err := b.Create(ctx, "42", "2025-06", ""); !isKind(err, assess.NotFound, "NO_DATA_FOR_MONTH") {
		t.Fatalf("month without data: %v", err)
	}
	if _, err := b.Create(ctx, "42", "2025-7", ""); !isKind(err, assess.Invalid, "INVALID_MONTH") {
		t.Fatalf("bad month: %v", err)
	}
	notes := "second"
	if a, err = b.Update(ctx, "42", "2025-07", &notes); err != nil || a.Notes != "second" {
		t.Fatalf("update: %+v, %v", a, err)
	}
	list, err := b.List(ctx, "42")
	if err != nil || len(list) != 1 || list[0].Notes != "second" {
		t.Fatalf("list: %+v, %v", list, err)
	}
	rep, err := b.Report(ctx, "42", "2025-07")
	if err != nil || !rep.AssessmentStored || rep.SnapshotID != "2025-07-31" || rep.Recognition == nil {
		t.Fatalf("report: %+v, %v", rep, err)
	}
	if err := b.Delete(ctx, "42", "2025-07"); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "42", "2025-07"); !isKind(err, assess.NotFound, "ASSESSMENT_NOT_FOUND") {
		t.Fatalf("second delete: %v", err)
	}
	if err := b.Delete(ctx, "42", "2025-7"); !isKind(err, assess.Invalid, "INVALID_MONTH") {
		t.Fatalf("delete of a bad month: %v", err)
	}
	if _, err := b.Get(ctx, "42", "2025-07"); !isKind(err, assess.NotFound, "ASSESSMENT_NOT_FOUND") {
		t.Fatalf("get after delete: %v", err)
	}
	if rep, err = b.Report(ctx, "42", "2025-07"); err != nil || rep.AssessmentStored {
		t.Fatalf("report of an unstored month: %+v, %v", rep, err)
	}
}

func isKind(err error, k assess.Kind, code string) bool {
	gk, gc := kindOf(err)
	return gk == k && gc == code
}

// Example sets a district's goals and assesses July 2025 against them.
func Example() {
	dir, err := os.MkdirTemp("", "assess-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := store.Create(dir, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if err := publish(st, "2025-07-31"); err != nil { // normally toaststats.Builder publishes snapshots
		log.Fatal(err)
	}
	ctx := context.Background()

	book := assess.NewBook(st, assess.Options{})
	if _, err := book.SetGoals(ctx, assess.Goals{DistrictID: "42", ProgramYear: "2025-2026",
		MembershipPaymentsTarget: 5000, PaidClubsTarget: 50, DistinguishedClubsTarget: 20}); err != nil {
		log.Fatal(err)
	}
	a, err := book.Create(ctx, "42", "2025-07", "mid-summer check")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s from snapshot %s: payments %d (%.2f%%), paid clubs %d (%.0f%%)\n", a.Month, a.SnapshotID,
		a.Actuals.MembershipPayments, *a.Progress.MembershipPaymentsPercent, a.Actuals.PaidClubs, *a.Progress.PaidClubsPercent)
	// Output: 2025-07 from snapshot 2025-07-31: payments 1234 (24.68%), paid clubs 40 (80%)
}

// The summary reports no distinguished clubs before April (spec §2.1,
// #304): a January assessment counts the clubs' own letters (3 here) while
// the summary says 0, and the summary's count once it reports any. Paid
// clubs always come from the summary.
func TestActualsDistinguishedBeforeApril(t *testing.T) {
	d := snapshot.District{DistrictID: "42", AsOfDate: "2026-01-15",
		Membership: snapshot.Membership{Total: 900, Payments: snapshot.Payments{Total: 1234}},
		Clubs:      snapshot.ClubCounts{Total: 4, Active: 4, Distinguished: 3},
		Summary:    &snapshot.SummaryRow{DistrictID: "42", PaidClubs: 5, TotalDistinguishedClubs: 0}}
	a := assess.ActualsOf(&d)
	if a.DistinguishedClubs != 3 || a.PaidClubs != 5 || a.MembershipPayments != 1234 || a.Members != 900 {
		t.Fatalf("January actuals = %+v, want 3 distinguished (club letters), 5 paid clubs (summary)", a)
	}
	if p := assess.ProgressOf(a, assess.Goals{DistinguishedClubsTarget: 3}).DistinguishedClubsPercent; p == nil || *p != 100 {
		t.Fatalf("January progress = %v, want 100", p)
	}
	d.AsOfDate, d.Summary.TotalDistinguishedClubs = "2026-04-15", 2
	if a := assess.ActualsOf(&d); a.DistinguishedClubs != 2 {
		t.Fatalf("April actuals: %d distinguished, want the summary's 2", a.DistinguishedClubs)
	}
}

// TestStoredRecordOfAnotherMonth: an assessment file that holds another
// month's record (copied by hand) and goals with a target SetGoals refuses
// are refused with an error naming the file; Update writes nothing over
// them, and List does not list them as that month's assessment.
func TestStoredRecordOfAnotherMonth(t *testing.T) {
	ctx := context.Background()
	b, st := newBook(t)
	if _, err := b.Create(ctx, "42", "2025-07", "july"); err != nil {
		t.Fatal(err)
	}
	july, err := st.Objects().Read(ctx, "assessments/42/month-2025-07.json")
	if err != nil {
		t.Fatal(err)
	}
	const aug = "assessments/42/month-2025-08.json"
	if err := st.Objects().Write(ctx, aug, july); err != nil {
		t.Fatal(err)
	}
	const wantErr = `decode assessments/42/month-2025-08.json: it holds the assessment of district "42", month "2025-07"`
	if a, err := b.Get(ctx, "42", "2025-08"); err == nil || err.Error() != wantErr {
		t.Fatalf("Get of August holding July = %+v, %v; want %s", a, err, wantErr)
	}
	if a, err := b.Update(ctx, "42", "2025-08", nil); err == nil || err.Error() != wantErr {
		t.Fatalf("Update of August holding July = %+v, %v; want %s", a, err, wantErr)
	}
	if got, err := st.Objects().Read(ctx, aug); err != nil || string(got) != string(july) {
		t.Fatalf("August after the refused Update = %q, %v; want it as it was", got, err)
	}
	if list, err := b.List(ctx, "42"); err == nil || err.Error() != wantErr {
		t.Fatalf("List = %+v, %v; want %s", list, err, wantErr)
	}

	const goals = "assessments/42/goals-2025-2026.json"
	if err := st.Objects().Write(ctx, goals, []byte(`{"districtId":"42","programYear":"2025-2026","paidClubsTarget":-5}`)); err != nil {
		t.Fatal(err)
	}
	const wantGoals = "decode assessments/42/goals-2025-2026.json: paidClubsTarget must be between 0 and 1000000"
	if g, err := b.Goals(ctx, "42", "2025-2026"); err == nil || err.Error() != wantGoals {
		t.Fatalf("Goals with a negative target = %+v, %v; want %s", g, err, wantGoals)
	}
	if r, err := b.Report(ctx, "42", "2025-07"); err == nil || err.Error() != wantGoals {
		t.Fatalf("Report over goals with a negative target = %+v, %v; want %s", r, err, wantGoals)
	}
}
