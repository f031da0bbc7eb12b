package assess_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/assess"
)

// The keys FuzzStoredRecords damages: district 42's assessment of July
// 2025 and its goals of 2025-2026 (assess.go's layout).
const (
	fuzzMonthKey = "assessments/42/month-2025-07.json"
	fuzzGoalsKey = "assessments/42/goals-2025-2026.json"
)

// FuzzStoredRecords reads arbitrary bytes stored as a district's month
// assessment and as its program year's goals (a file damaged or edited by
// hand). Every read either fails with an error naming the file, or answers
// with a record of the district, month and program year its key names
// (never another district's or month's numbers, never an empty record),
// goals within what SetGoals accepts. An Update either fails, leaving the
// stored bytes as they were, or stores the assessment of that district and
// month, keeping its notes and creation time.
func FuzzStoredRecords(f *testing.F) {
	ctx := context.Background()
	// Real records, as the Book writes them.
	b, st := newBook(f)
	if _, err := b.SetGoals(ctx, assess.Goals{DistrictID: "42", ProgramYear: "2025-2026", MembershipPaymentsTarget: 5000,
		PaidClubsTarget: 50, DistinguishedClubsTarget: 20, Notes: "n", UpdatedBy: "admin"}); err != nil {
		f.Fatal(err)
	}
	if _, err := b.Create(ctx, "42", "2025-07", "first"); err != nil {
		f.Fatal(err)
	}
	month, err := st.Objects().Read(ctx, fuzzMonthKey)
	if err != nil {
		f.Fatal(err)
	}
	goals, err := st.Objects().Read(ctx, fuzzGoalsKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(month, goals)
	f.Add(month[:len(month)/2], goals[:len(goals)/2])
	// testdata/fuzz/FuzzStoredRecords holds the records of another district
	// and month, empty ones and targets SetGoals refuses.

	f.Fuzz(func(t *testing.T, monthBytes, goalsBytes []byte) {
		b, st := newBook(t)
		objs := st.Objects()
		if err := objs.Write(ctx, fuzzMonthKey, monthBytes); err != nil {
			t.Fatal(err)
		}
		if err := objs.Write(ctx, fuzzGoalsKey, goalsBytes); err != nil {
			t.Fatal(err)
		}
		// named: an error about a stored file names it.
		named := func(what string, err error, key string) {
			t.Helper()
			var e *assess.Error
			if errors.As(err, &e) {
				return // a refusal of the request, not of the file
			}
			if !strings.Contains(err.Error(), key) {
				t.Fatalf("%s: error does not name %s: %v", what, key, err)
			}
		}
		checkAssessment := func(what string, a *assess.Assessment) {
			t.Helper()
			if a.DistrictID != "42" || a.Month != "2025-07" {
				t.Fatalf("%s of %s answers district %q month %q", what, fuzzMonthKey, a.DistrictID, a.Month)
			}
		}
		checkGoals := func(what string, g *assess.Goals) {
			t.Helper()
			if g.DistrictID != "42" || g.ProgramYear != "2025-2026" {
				t.Fatalf("%s of %s answers district %q program year %q", what, fuzzGoalsKey, g.DistrictID, g.ProgramYear)
			}
			for _, v := range []int{g.MembershipPaymentsTarget, g.PaidClubsTarget, g.DistinguishedClubsTarget} {
				if v < 0 || v > assess.MaxTarget {
					t.Fatalf("%s of %s answers a target %d", what, fuzzGoalsKey, v)
				}
			}
			if len(g.Notes) > assess.MaxNotes {
				t.Fatalf("%s of %s answers notes of %d bytes", what, fuzzGoalsKey, len(g.Notes))
			}
		}

		var stored *assess.Assessment
		if a, err := b.Get(ctx, "42", "2025-07"); err != nil {
			named("Get", err, fuzzMonthKey)
		} else {
			checkAssessment("Get", a)
			stored = a
		}
		if g, err := b.Goals(ctx, "42", "2025-2026"); err != nil {
			named("Goals", err, fuzzGoalsKey)
		} else {
			checkGoals("Goals", g)
		}
		if list, err := b.List(ctx, "42"); err != nil {
			named("List", err, fuzzMonthKey)
		} else {
			if len(list) != 1 {
				t.Fatalf("List = %d assessments, want 1", len(list))
			}
			checkAssessment("List", &list[0])
		}
		if rep, err := b.Report(ctx, "42", "2025-07"); err == nil && rep.AssessmentStored {
			checkAssessment("Report", &rep.Assessment)
			if rep.Assessment.Goals != nil {
				checkGoals("Report", rep.Assessment.Goals)
			}
		}

		a, err := b.Update(ctx, "42", "2025-07", nil)
		after, rerr := objs.Read(ctx, fuzzMonthKey)
		if rerr != nil {
			t.Fatal(rerr)
		}
		if err != nil {
			if !bytes.Equal(after, monthBytes) {
				t.Fatalf("failed Update (%v) changed %s:\n%q\nto\n%q", err, fuzzMonthKey, monthBytes, after)
			}
			return
		}
		if stored == nil {
			t.Fatalf("Update accepted the record Get refused: %+v", a)
		}
		checkAssessment("Update", a)
		if a.Goals != nil {
			checkGoals("Update", a.Goals)
		}
		var back assess.Assessment
		if err := json.Unmarshal(after, &back); err != nil {
			t.Fatalf("Update stored %q: %v", after, err)
		}
		checkAssessment("stored by Update", &back)
		if back.SnapshotID != "2025-07-31" || back.Actuals.MembershipPayments != 1234 || back.Notes != stored.Notes || !back.CreatedAt.Equal(stored.CreatedAt) {
			t.Fatalf("Update stored %+v from %+v", back, stored)
		}
	})
}
