package validate

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

func goals(n int) [10]bool {
	var g [10]bool
	for i := range n {
		g[i] = true
	}
	return g
}

func club(id, status string, base, members, goalsMet int, level string) snapshot.Club {
	return snapshot.Club{
		ClubID: id, ClubName: "Club " + id, DivisionID: "A", AreaID: "01", Status: status,
		MembershipBase: base, ActiveMembers: members, NetGrowth: members - base,
		GoalsMet: goalsMet, DCPGoals: goals(goalsMet),
		DistinguishedStatus: level, DistinguishedLevel: level,
	}
}

// goodDistrict is a small district in which every rule holds.
func goodDistrict(id string) snapshot.District {
	return snapshot.District{
		DistrictID: id, AsOfDate: "2026-01-05", DataMonth: "2025-12", Region: "01",
		Membership: snapshot.Membership{
			Total: 40, Base: 43, Change: -3, ChangePercent: -6.98,
			Payments: snapshot.Payments{New: 5, October: 20, April: 10, Late: 1, Charter: 0, Total: 36},
		},
		Clubs: snapshot.ClubCounts{Total: 5, Active: 2, Low: 1, Ineligible: 1, Suspended: 1, Distinguished: 1, DistinguishedOnly: 1},
		Education: snapshot.Education{
			TotalAwards: 7,
			ByType:      []snapshot.AwardCount{{Type: "Level 1s", Count: 4}, {Type: "Level 2s", Count: 3}},
			TopClubs:    []snapshot.ClubAwards{{ClubID: "00000001", ClubName: "Club 00000001", Awards: 5}},
		},
		Sources: []snapshot.ReportSource{
			{Report: "club-performance.csv", AsOfDate: "2026-01-05", DataMonth: "2025-12", Clubs: 5, Members: 40, Payments: -1},
			{Report: "division-performance.csv", AsOfDate: "2026-01-05", DataMonth: "2025-12", Clubs: 5, Members: 40, Payments: -1},
			{Report: "district-performance.csv", AsOfDate: "2026-01-05", DataMonth: "2025-12", Clubs: 5, Members: -1, Payments: 36},
		},
		ClubDetails: []snapshot.Club{
			club("00000001", snapshot.ClubActive, 20, 22, 5, snapshot.LevelDistinguished),
			club("00000002", snapshot.ClubActive, 15, 12, 0, ""),
			club("00000003", snapshot.ClubLow, 8, 6, 0, ""),
			club("00000004", snapshot.ClubSuspended, 0, 0, 0, ""),
			club("00000005", snapshot.ClubIneligible, 0, 0, 0, ""),
		},
	}
}

func goodSummary(id string) snapshot.SummaryRow {
	return snapshot.SummaryRow{
		Region: "01", DistrictID: id,
		NewPayments: 5, AprilPayments: 10, OctoberPayments: 20, LatePayments: 1, CharterPayments: 0,
		TotalYTDPayments: 36, PaymentBase: 80, PaidClubBase: 4, PaidClubs: 3, ActiveClubs: 4,
	}
}

func goodInput() Input {
	return Input{
		Districts:      []snapshot.District{goodDistrict("61"), goodDistrict("F")},
		Summary:        []snapshot.SummaryRow{goodSummary("61"), goodSummary("F"), goodSummary("02")},
		DataAsOfDate:   "2026-01-05",
		CollectionDate: "2026-01-06",
		Now:            time.Date(2026, 1, 6, 12, 0, 0, 0, time.UTC),
	}
}

// setAsOf sets the as-of date of the snapshot, every district and every
// district's reports.
func setAsOf(in *Input, date string) {
	in.DataAsOfDate = date
	for i := range in.Districts {
		d := &in.Districts[i]
		d.AsOfDate = date
		for j := range d.Sources {
			d.Sources[j].AsOfDate = date
		}
	}
}

// f is an expected finding: "SEVERITY CODE DISTRICT".
func f(sev snapshot.Severity, code, district string) string {
	return fmt.Sprintf("%s %s %s", sev, code, district)
}

const (
	E = snapshot.SeverityError
	W = snapshot.SeverityWarning
)

func summarise(fs []snapshot.Finding) []string {
	out := make([]string, len(fs))
	for i, x := range fs {
		out[i] = f(x.Severity, x.Code, x.DistrictID)
	}
	return out
}

func TestValidateConsistentInputHasNoFindings(t *testing.T) {
	if got := Validate(goodInput()); len(got) != 0 {
		t.Fatalf("consistent input gave findings: %+v", got)
	}
}

func TestValidateRules(t *testing.T) {
	d0 := func(in *Input) *snapshot.District { return &in.Districts[0] }
	tests := []struct {
		name   string
		mutate func(in *Input)
		want   []string // exactly these findings, in order
		// contains are substrings the first finding's message must hold.
		contains []string
	}{
		// Snapshot-wide rules.
		{"no data", func(in *Input) { in.Districts, in.Summary = nil, nil },
			[]string{f(E, CodeNoData, "")}, nil},
		{"summary only is fine", func(in *Input) { in.Districts = nil }, nil, nil},
		{"districts without summary", func(in *Input) { in.Summary = nil },
			[]string{f(W, CodeSummaryMissing, "")}, nil},
		{"missing as-of date", func(in *Input) { in.DataAsOfDate = "" },
			[]string{f(E, CodeInvalidAsOfDate, "")}, []string{"missing"}},
		{"impossible as-of date", func(in *Input) { in.DataAsOfDate = "2026-02-30" },
			[]string{f(E, CodeInvalidAsOfDate, "")}, []string{"2026-02-30"}},
		{"invalid collection date", func(in *Input) { in.CollectionDate = "06/01/2026" },
			[]string{f(E, CodeInvalidAsOfDate, "")}, []string{"collection date"}},
		{"as-of date in the future", func(in *Input) {
			in.DataAsOfDate, in.CollectionDate = "2026-01-08", ""
			setAsOf(in, "2026-01-08")
		}, []string{f(E, CodeAsOfDateInFuture, ""), f(E, CodeAsOfDateInFuture, "61"), f(E, CodeAsOfDateInFuture, "F")}, []string{"2026-01-08"}},
		{"as-of date tomorrow is not the future (US dates trail UTC)", func(in *Input) {
			in.DataAsOfDate, in.CollectionDate = "2026-01-07", ""
			setAsOf(in, "2026-01-07")
		}, nil, nil},
		{"zero Now skips the future check", func(in *Input) {
			in.Now, in.DataAsOfDate, in.CollectionDate = time.Time{}, "2030-01-01", ""
			setAsOf(in, "2030-01-01")
		}, nil, nil},
		{"backfilled old data is not stale", func(in *Input) {
			in.DataAsOfDate, in.CollectionDate = "2019-03-01", "2019-03-01"
			setAsOf(in, "2019-03-01")
		}, nil, nil},
		{"stale: as-of 8 days before collection", func(in *Input) { in.CollectionDate = "2026-01-13"; in.Now = in.Now.AddDate(0, 0, 7) },
			[]string{f(W, CodeStaleData, "")}, []string{"8 days"}},
		{"7 days lag is not stale", func(in *Input) { in.CollectionDate = "2026-01-12"; in.Now = in.Now.AddDate(0, 0, 7) }, nil, nil},
		{"as-of after collection", func(in *Input) { in.CollectionDate = "2026-01-04" },
			[]string{f(W, CodeAsOfAfterCollection, "")}, nil},
		{"duplicate district", func(in *Input) { in.Districts = append(in.Districts, goodDistrict("61"), goodDistrict("61")) },
			[]string{f(E, CodeDuplicateDistrictID, "61")}, []string{"more than once"}},
		{"invalid district id", func(in *Input) { d0(in).DistrictID = "Month of Dec" },
			[]string{f(E, CodeInvalidDistrictID, "Month of Dec")}, nil},
		{"empty district id", func(in *Input) { d0(in).DistrictID = "" },
			[]string{f(E, CodeInvalidDistrictID, "")}, nil},
		{"district errors reach the findings", func(in *Input) {
			in.DistrictErrors = []snapshot.DistrictError{{DistrictID: "42", Reason: "checksum_mismatch", Report: "club-performance.csv", Error: "sha256 differs"}}
		}, []string{f(W, CodeDistrictUnavailable, "42")}, []string{"checksum_mismatch", "club-performance.csv", "sha256 differs"}},

		// Summary rules.
		{"footer leaked into the summary", func(in *Input) {
			in.Summary = append(in.Summary, snapshot.SummaryRow{DistrictID: "Month of Dec", Region: "As of 01/05/2026"}, snapshot.SummaryRow{DistrictID: " As of 01/05/2026"})
		}, []string{f(W, CodeSummaryNonDistrictRow, "")}, []string{"2 summary row(s)", `"Month of Dec"`}},
		{"summary with only junk", func(in *Input) { in.Summary = []snapshot.SummaryRow{{DistrictID: "Month of Dec"}} },
			[]string{f(W, CodeSummaryNonDistrictRow, ""), f(W, CodeSummaryMissing, "")}, nil},
		{"lower-case summary id matches the district", func(in *Input) { in.Summary[1].DistrictID = "f" }, nil, nil},
		{"duplicate summary district", func(in *Input) { in.Summary = append(in.Summary, goodSummary("02"), goodSummary("02")) },
			[]string{f(W, CodeDuplicateSummaryDistrict, "02")}, []string{"2 more row(s)"}},
		{"summary payments do not add up", func(in *Input) { in.Summary[2].LatePayments = 2 },
			[]string{f(W, CodeSummaryPaymentsSum, "02")}, []string{"= 37", "is 36"}},
		{"summary distinguished exceed active", func(in *Input) { in.Summary[2].TotalDistinguishedClubs = 5 },
			[]string{f(W, CodeSummaryDistinguishedExceedsActive, "02")}, nil},
		{"summary distinguished equal to active is fine", func(in *Input) { in.Summary[2].TotalDistinguishedClubs = 4 }, nil, nil},
		{"district not in summary", func(in *Input) { in.Summary = in.Summary[1:] },
			[]string{f(W, CodeDistrictNotInSummary, "61")}, nil},
		{"summary payments differ from the district's", func(in *Input) {
			in.Summary[0].NewPayments, in.Summary[0].TotalYTDPayments = 6, 37
		}, []string{f(W, CodeSummaryPaymentsMismatch, "61")}, []string{"37", "36"}},
		{"district's own summary row is preferred", func(in *Input) {
			row := goodSummary("61")
			row.ActiveClubs = 9
			d0(in).Summary = &row
		}, []string{f(W, CodeSummaryActiveClubsMismatch, "61")}, []string{"9", "4"}},
		{"summary active clubs differ", func(in *Input) { in.Summary[1].ActiveClubs = 5 },
			[]string{f(W, CodeSummaryActiveClubsMismatch, "F")}, nil},

		// District rules.
		{"district as-of unknown: no footer", func(in *Input) {
			d := d0(in)
			d.AsOfDate, d.DataMonth = "", ""
			for i := range d.Sources {
				d.Sources[i].AsOfDate, d.Sources[i].DataMonth = "", ""
			}
		}, []string{f(W, CodeAsOfDateUnknown, "61")}, nil},
		{"district as-of not a date", func(in *Input) {
			d := d0(in)
			d.AsOfDate = "01/05/2026"
			for i := range d.Sources {
				d.Sources[i].AsOfDate = "01/05/2026"
			}
		}, []string{f(E, CodeInvalidAsOfDate, "61")}, []string{"01/05/2026"}},
		{"district as-of differs", func(in *Input) {
			d := d0(in)
			d.AsOfDate = "2026-01-04"
			for i := range d.Sources {
				d.Sources[i].AsOfDate = "2026-01-04"
			}
		},
			[]string{f(W, CodeAsOfDateMismatch, "61")}, nil},
		{"negative counts", func(in *Input) {
			d := d0(in)
			d.ClubDetails[1].ActiveMembers, d.Membership.Total, d.Membership.Change = -12, 16, -27
			d.Membership.ChangePercent = -62.79
		}, []string{f(E, CodeNegativeCount, "61")}, []string{"club 00000002 activeMembers -12"}},
		{"club status sum", func(in *Input) { d0(in).Clubs.Low = 2 },
			[]string{f(E, CodeClubStatusSum, "61"), f(W, CodeClubCountMismatch, "61")}, []string{"= 6", "total clubs 5"}},
		{"distinguished level sum", func(in *Input) { d0(in).Clubs.Select = 1 },
			[]string{f(E, CodeDistinguishedLevelSum, "61"), f(W, CodeClubCountMismatch, "61")}, nil},
		{"distinguished exceed total", func(in *Input) {
			c := &d0(in).Clubs
			c.Distinguished, c.DistinguishedOnly = 6, 6
		}, []string{f(E, CodeDistinguishedExceedsTotal, "61"), f(W, CodeClubCountMismatch, "61")}, []string{"(6) exceed total clubs (5)"}},
		{"suspended distinguished club is a warning, not an error (§10.10)", func(in *Input) {
			d := d0(in)
			for i := 1; i < 5; i++ {
				d.ClubDetails[i].DistinguishedStatus, d.ClubDetails[i].DistinguishedLevel = "S", "S"
			}
			d.Clubs.Distinguished, d.Clubs.Select = 5, 4
			// 0 goals and no members: the rules give no level, so the letters are also a level mismatch.
		}, []string{f(W, CodeDistinguishedExceedsActive, "61"), f(W, CodeLevelMismatch, "61")}, nil},
		{"membership without clubs", func(in *Input) {
			d := d0(in)
			d.Clubs, d.ClubDetails = snapshot.ClubCounts{}, nil
		}, []string{f(E, CodeMembershipWithoutClubs, "61"), f(W, CodeSummaryActiveClubsMismatch, "61")}, []string{"40 members"}},
		{"clubs without membership", func(in *Input) {
			d := d0(in)
			d.Membership.Total, d.Membership.Base, d.Membership.Change, d.Membership.ChangePercent = 0, 0, 0, 0
			for i := range d.ClubDetails {
				d.ClubDetails[i].ActiveMembers = 0
			}
			// Club 1's D needs 20 members or net growth 3: a level mismatch too.
		}, []string{f(W, CodeClubsWithoutMembership, "61"), f(W, CodeLevelMismatch, "61")}, nil},
		{"membership change", func(in *Input) { d0(in).Membership.Change = 3 },
			[]string{f(W, CodeMembershipChange, "61")}, nil},
		{"membership change percent", func(in *Input) { d0(in).Membership.ChangePercent = -7 },
			[]string{f(W, CodeMembershipChange, "61")}, []string{"percent"}},
		{"membership sum of clubs", func(in *Input) { d0(in).ClubDetails[0].ActiveMembers = 23 },
			[]string{f(W, CodeMembershipSum, "61")}, []string{"41", "40"}},
		{"membership by club sum", func(in *Input) {
			d0(in).Membership.ByClub = []snapshot.ClubMembership{{ClubID: "00000001", MemberCount: 22}}
		}, []string{f(W, CodeMembershipSum, "61")}, []string{"by club"}},
		{"payments sum", func(in *Input) { d0(in).Membership.Payments.Charter = 1 },
			[]string{f(W, CodePaymentsSum, "61")}, nil},
		{"invalid club id: a footer row as a club", func(in *Input) {
			d := d0(in)
			d.ClubDetails[4].ClubID = "Month of Dec"
		}, []string{f(E, CodeInvalidClubID, "61")}, []string{`"Month of Dec"`}},
		{"duplicate club", func(in *Input) {
			d := d0(in)
			d.ClubDetails = append(d.ClubDetails, club("00000004", snapshot.ClubSuspended, 0, 0, 0, ""))
			d.Clubs.Total, d.Clubs.Suspended = 6, 2
		}, []string{f(E, CodeDuplicateClubID, "61")}, []string{"00000004"}},
		{"unknown club status", func(in *Input) { d0(in).ClubDetails[3].Status = "Closed" },
			[]string{f(W, CodeUnknownClubStatus, "61"), f(W, CodeClubCountMismatch, "61")}, []string{`"Closed"`}},
		{"unknown club status left out of the counts is only a warning", func(in *Input) {
			d := d0(in)
			d.ClubDetails[3].Status = "Pending"
			d.Clubs.Suspended = 0
		}, []string{f(W, CodeUnknownClubStatus, "61"), f(W, CodeSummaryActiveClubsMismatch, "61")}, []string{`"Pending"`}},
		{"unknown level counted as distinguished is only a warning", func(in *Input) {
			d := d0(in)
			c := &d.ClubDetails[1]
			c.DistinguishedStatus, c.DistinguishedLevel = "X", "X"
			d.Clubs.Distinguished = 2
		}, []string{f(W, CodeUnknownDistinguishedStatus, "61"), f(W, CodeClubCountMismatch, "61")}, nil},
		{"unknown distinguished status", func(in *Input) {
			c := &d0(in).ClubDetails[1]
			c.DistinguishedStatus, c.DistinguishedLevel = "X", "X"
		}, []string{f(W, CodeUnknownDistinguishedStatus, "61")}, nil},
		{"club counts differ from details", func(in *Input) {
			d := d0(in)
			d.Clubs.Active, d.Clubs.Low = 1, 2
		}, []string{f(W, CodeClubCountMismatch, "61")}, []string{"active 2 in details vs 1", "low 1 in details vs 2"}},
		{"goals the breakdown cannot explain: one finding per club, with the difference", func(in *Input) {
			d := d0(in)
			d.ClubDetails[0].GoalsMet++                                      // reported 6, breakdown 5
			d.ClubDetails[1].DCPGoals = goals(d.ClubDetails[1].GoalsMet + 2) // breakdown 2 more than reported
			d.ClubDetails[2].GoalsMet++
			d.ClubDetails[2].GoalsApproximate = true // summarised, not one finding
		}, []string{f(W, CodeGoalsUnexplained, "61"), f(W, CodeGoalsUnexplained, "61"), f(W, CodeGoalsUnexplained, "61")},
			[]string{"club 00000001: Goals Met 6, the per-goal breakdown explains 5 (difference +1)"}},
		{"new-club credits explain the count", func(in *Input) {
			c := &d0(in).ClubDetails[0]
			c.GoalsMet++
			c.DCPGoals[8], c.GoalCredits = true, []int{9}
		}, nil, nil},
		{"level mismatch: the rules give S for 7 reported goals", func(in *Input) {
			c := &d0(in).ClubDetails[0]
			c.GoalsMet, c.DCPGoals = 7, goals(7)
		}, []string{f(W, CodeLevelMismatch, "61")}, []string{`00000001 (reported "D", computed "S")`}},
		{"education sum", func(in *Input) { d0(in).Education.TotalAwards = 8 },
			[]string{f(W, CodeEducationSum, "61")}, nil},
		{"top club awards exceed total", func(in *Input) {
			e := &d0(in).Education
			e.TopClubs = append(e.TopClubs, snapshot.ClubAwards{ClubID: "00000002", Awards: 3})
		}, []string{f(W, CodeTopClubAwardsExceedTotal, "61")}, nil},

		// Cross-report rules (District.Sources).
		{"no sources: nothing to compare", func(in *Input) { d0(in).Sources = nil }, nil, nil},
		{"a report of another data month", func(in *Input) { d0(in).Sources[2].DataMonth = "2026-01" },
			[]string{f(E, CodeSourceDataMonthMismatch, "61")}, []string{"district-performance.csv 2026-01", "club-performance.csv 2025-12"}},
		{"district data month differs from its reports", func(in *Input) { d0(in).DataMonth = "2025-11" },
			[]string{f(E, CodeSourceDataMonthMismatch, "61")}, []string{"district 2025-11"}},
		{"a report without footer is not a disagreement", func(in *Input) {
			d0(in).Sources[1].DataMonth, d0(in).Sources[1].AsOfDate = "", ""
		}, nil, nil},
		{"a report of another as-of date", func(in *Input) { d0(in).Sources[1].AsOfDate = "2026-01-04" },
			[]string{f(W, CodeSourceAsOfMismatch, "61")}, []string{"division-performance.csv 2026-01-04"}},
		{"club counts differ", func(in *Input) { d0(in).Sources[1].Clubs = 4 },
			[]string{f(W, CodeSourceClubsMismatch, "61")}, []string{"club counts", "division-performance.csv 4"}},
		{"missing and extra clubs", func(in *Input) {
			d0(in).Sources[2].MissingClubs = []string{"00000005"}
			d0(in).Sources[1].ExtraClubs = []string{"00000009"}
		}, []string{f(W, CodeSourceClubsMismatch, "61")}, []string{"1 missing: 00000005 not in district-performance.csv", "1 extra: 00000009 only in division-performance.csv"}},
		{"duplicate clubs in a report", func(in *Input) { d0(in).Sources[0].Duplicates = []string{"00000003"} },
			[]string{f(W, CodeSourceDuplicateClubs, "61")}, []string{"1 club(s)", "00000003 in club-performance.csv"}},
		{"the same duplicate in every report is one club", func(in *Input) {
			for i := range d0(in).Sources {
				d0(in).Sources[i].Duplicates = []string{"00000003"}
			}
			d0(in).Sources[1].Duplicates = append(d0(in).Sources[1].Duplicates, "00000004")
		}, []string{f(W, CodeSourceDuplicateClubs, "61")}, []string{
			"2 club(s)", "00000003 in club-performance.csv and division-performance.csv and district-performance.csv, 00000004 in division-performance.csv"}},
		{"the summary's source entry is left to the summary rules", func(in *Input) {
			d0(in).Sources = append(d0(in).Sources, snapshot.ReportSource{Report: "all-districts.csv", Clubs: 4, Members: -1, Payments: 36})
		}, nil, nil},
		{"members differ between reports", func(in *Input) { d0(in).Sources[1].Members = 41 },
			[]string{f(W, CodeSourceMembersMismatch, "61")}, []string{"club-performance.csv 40, division-performance.csv 41"}},
		{"payments differ between reports", func(in *Input) { d0(in).Sources[0].Payments = 35 },
			[]string{f(W, CodeSourcePaymentsMismatch, "61")}, []string{"club-performance.csv 35, district-performance.csv 36"}},
		{"findings sorted by district in natural order", func(in *Input) {
			in.Districts = append([]snapshot.District{goodDistrict("118")}, in.Districts...)
			in.Districts[0].Clubs.Low = 9
			in.Districts[2].Clubs.Low = 9 // F
			in.Districts[1].Clubs.Low = 9 // 61
			in.Summary = append(in.Summary, goodSummary("118"))
		}, []string{
			f(E, CodeClubStatusSum, "61"), f(W, CodeClubCountMismatch, "61"),
			f(E, CodeClubStatusSum, "118"), f(W, CodeClubCountMismatch, "118"),
			f(E, CodeClubStatusSum, "F"), f(W, CodeClubCountMismatch, "F"),
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := goodInput()
			tc.mutate(&in)
			got := Validate(in)
			if !slices.Equal(summarise(got), tc.want) {
				t.Fatalf("findings:\n got  %q\n want %q\n%+v", summarise(got), tc.want, got)
			}
			for _, s := range tc.contains {
				if !strings.Contains(got[0].Message, s) {
					t.Errorf("message %q does not contain %q", got[0].Message, s)
				}
			}
			for _, x := range got {
				if x.DistrictID != "" && !strings.HasPrefix(x.Message, "District "+x.DistrictID+": ") {
					t.Errorf("message %q does not name its district", x.Message)
				}
			}
			wantErr := slices.ContainsFunc(tc.want, func(s string) bool { return strings.HasPrefix(s, "error ") })
			if HasErrors(got) != wantErr {
				t.Errorf("HasErrors = %v, want %v", HasErrors(got), wantErr)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	fs := []snapshot.Finding{
		{Severity: E, Code: "A", Message: "District 1: one"},
		{Severity: W, Code: "B", Message: "two"},
		{Severity: E, Code: "C", Message: "three"},
	}
	if got := Messages(fs, E); !slices.Equal(got, []string{"A: District 1: one", "C: three"}) {
		t.Errorf("errors = %q", got)
	}
	if got := Messages(fs, W); !slices.Equal(got, []string{"B: two"}) {
		t.Errorf("warnings = %q", got)
	}
	if got := Messages(nil, W); got == nil || len(got) != 0 {
		t.Errorf("no findings must give an empty, non-nil list, got %#v", got)
	}
	if HasErrors(nil) || HasErrors(fs[1:2]) || !HasErrors(fs) {
		t.Error("HasErrors wrong")
	}
}

// Each GOALS_UNEXPLAINED finding names its club and the signed difference.
func TestGoalsUnexplainedMessages(t *testing.T) {
	in := goodInput()
	d := &in.Districts[0]
	d.ClubDetails[0].GoalsMet++                                      // reported 6, breakdown 5
	d.ClubDetails[1].DCPGoals = goals(d.ClubDetails[1].GoalsMet + 2) // reported 0, breakdown 2
	d.ClubDetails[2].GoalsMet++                                      // reported 1, approximate breakdown 0
	d.ClubDetails[2].GoalsApproximate = true
	var msgs []string
	for _, x := range Validate(in) {
		if x.Code == CodeGoalsUnexplained {
			msgs = append(msgs, x.Message)
		}
	}
	want := []string{
		"District 61: club 00000001: Goals Met 6, the per-goal breakdown explains 5 (difference +1)",
		"District 61: club 00000002: Goals Met 0, the per-goal breakdown explains 2 (difference -2)",
		"District 61: 1 club(s) whose Goals Met the approximate (2018-20) breakdown does not explain: 00000003 (+1)",
	}
	if !slices.Equal(msgs, want) {
		t.Errorf("messages:\n got  %q\n want %q", msgs, want)
	}
}
