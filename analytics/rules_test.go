package analytics

import (
	"reflect"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

func TestDayNumberRoundTrip(t *testing.T) {
	start, _ := dayNumber("2023-01-01")
	for n := start; n < start+1500; n++ {
		d := dateOfDay(n)
		got, ok := dayNumber(d)
		if !ok || got != n {
			t.Fatalf("dayNumber(dateOfDay(%d)=%s) = %d", n, d, got)
		}
	}
	a, _ := dayNumber("2024-02-28")
	b, _ := dayNumber("2024-03-01")
	if b-a != 2 {
		t.Fatalf("leap year: got %d days between 2024-02-28 and 2024-03-01", b-a)
	}
}

func club(members, base, goals int, csp *bool) *snapshot.Club {
	return &snapshot.Club{ClubID: "1", Status: snapshot.ClubActive, ActiveMembers: members,
		MembershipBase: base, NetGrowth: members - base, GoalsMet: goals, CSP: csp}
}

var (
	yes = boolp(true)
	no  = boolp(false)
)

func TestCheckpointByMonth(t *testing.T) {
	want := map[int]int{7: 0, 8: 1, 9: 1, 10: 2, 11: 2, 12: 3, 1: 3, 2: 4, 3: 4, 4: 5, 5: 5, 6: 5}
	for m, w := range want {
		if got := dcpCheckpoint(m); got != w {
			t.Errorf("checkpoint(%d) = %d, want %d", m, got, w)
		}
	}
}

func TestClubHealthEdges(t *testing.T) {
	cases := []struct {
		name             string
		members, base, g int
		csp              *bool
		date, py         string
		want             string
		reasons          []string
	}{
		// Intervention: members < 12 AND net growth < 3.
		{"11 members net 2", 11, 9, 5, yes, "2025-10-15", "2025-2026", HealthIntervention,
			[]string{"Membership below 12 (critical): 11 members", "Net growth since July: 2 (need 3+ to override)"}},
		{"11 members net 3 overrides", 11, 8, 2, yes, "2025-10-15", "2025-2026", HealthThriving, nil},
		{"12 members net 2 not intervention", 12, 10, 2, yes, "2025-10-15", "2025-2026", HealthVulnerable,
			[]string{"Membership below threshold (12 members, need 20+ or net growth 3+)"}},
		// Membership test: 20 members or net growth 3.
		{"19 members net 2", 19, 17, 2, yes, "2025-10-15", "2025-2026", HealthVulnerable,
			[]string{"Membership below threshold (19 members, need 20+ or net growth 3+)"}},
		{"19 members net 3", 19, 16, 2, yes, "2025-10-15", "2025-2026", HealthThriving, nil},
		{"20 members net -5", 20, 25, 2, yes, "2025-10-15", "2025-2026", HealthThriving, nil},
		// Goals against the checkpoint (October: 2).
		{"1 goal in October", 25, 25, 1, yes, "2025-10-15", "2025-2026", HealthVulnerable,
			[]string{"DCP checkpoint not met: 1 goal achieved, 2 required for October"}},
		{"4 goals in April", 25, 25, 4, yes, "2026-04-01", "2025-2026", HealthVulnerable,
			[]string{"DCP checkpoint not met: 4 goals achieved, 5 required for April"}},
		{"5 goals in April", 25, 25, 5, yes, "2026-04-01", "2025-2026", HealthThriving, nil},
		// The month comes from the date string: 2025-07-01 is July (0 goals
		// needed) whatever the local time zone; 2025-06-30 is June (5).
		{"July 1 needs 0", 25, 25, 0, yes, "2025-07-01", "2025-2026", HealthThriving, nil},
		{"June 30 needs 5", 25, 25, 4, nil, "2025-06-30", "2024-2025", HealthVulnerable,
			[]string{"DCP checkpoint not met: 4 goals achieved, 5 required for June"}},
		// CSP: required from 2025-26; a missing column never counts against.
		{"CSP N 2025-26", 25, 25, 3, no, "2025-12-01", "2025-2026", HealthVulnerable, []string{"CSP not submitted"}},
		// The plan is due by September 30 (spec §2.4): not a risk before.
		{"CSP N in July, not yet due", 25, 25, 0, no, "2025-07-01", "2025-2026", HealthThriving, nil},
		{"CSP N on September 30, still due that day", 25, 25, 1, no, "2025-09-30", "2025-2026", HealthThriving, nil},
		{"CSP N on October 1, overdue", 25, 25, 2, no, "2025-10-01", "2025-2026", HealthVulnerable, []string{"CSP not submitted"}},
		{"CSP unknown 2025-26", 25, 25, 3, nil, "2025-12-01", "2025-2026", HealthThriving, nil},
		{"CSP N before 2025-26", 25, 25, 3, no, "2024-12-01", "2024-2025", HealthThriving, nil},
		{"all three reasons", 15, 14, 0, no, "2026-02-10", "2025-2026", HealthVulnerable, []string{
			"Membership below threshold (15 members, need 20+ or net growth 3+)",
			"DCP checkpoint not met: 0 goals achieved, 4 required for February", "CSP not submitted"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := ClubHealthOn(club(c.members, c.base, c.g, c.csp), c.date, c.py)
			if h.Status != c.want {
				t.Fatalf("status = %s, want %s (%v)", h.Status, c.want, h.RiskFactors)
			}
			if c.reasons == nil {
				c.reasons = []string{}
			}
			if !reflect.DeepEqual(h.RiskFactors, c.reasons) {
				t.Fatalf("reasons = %q, want %q", h.RiskFactors, c.reasons)
			}
		})
	}
	s := club(25, 25, 8, yes)
	s.Status, s.ActiveMembers = snapshot.ClubSuspended, 0
	if h := ClubHealthOn(s, "2025-10-01", "2025-2026"); h.Status != HealthIntervention || h.RiskFactors[0] != "Club suspended" {
		t.Fatalf("suspended club: %+v", h)
	}
}

// TestHealthNewClubCSPDue: a club chartered 2025-11-10 owes its plan 90
// days later, on 2026-02-08 (Nov 10 + 20 = Nov 30, + 31 = Dec 31, + 31 =
// Jan 31, + 8 = Feb 8), not on September 30. Judged in February with 25
// members and 2 goals (chartered in November: three months, October's
// checkpoint of 2), the missing plan is the only possible reason.
func TestHealthNewClubCSPDue(t *testing.T) {
	c := club(25, 0, 2, no)
	c.CharterDate = "2025-11-10"
	for _, tc := range []struct {
		date    string
		want    string
		reasons []string
	}{
		{"2026-02-01", HealthThriving, []string{}},
		{"2026-02-08", HealthThriving, []string{}},
		{"2026-02-09", HealthVulnerable, []string{"CSP not submitted"}},
	} {
		h := ClubHealthOn(c, tc.date, "2025-2026")
		if h.Status != tc.want || !reflect.DeepEqual(h.RiskFactors, tc.reasons) || h.Checkpoint != 2 {
			t.Errorf("%s: %s %q (checkpoint %d), want %s %q", tc.date, h.Status, h.RiskFactors, h.Checkpoint, tc.want, tc.reasons)
		}
	}
	// What the club needs for Distinguished names the plan whatever the
	// date: the dashboard withholds every level without it (spec §3.5).
	c.GoalsMet = 5
	if n := NeedsFor(c, "2025-2026", snapshot.LevelDistinguished); !n.CSPNeeded || n.Kind != NeedCSP {
		t.Errorf("needs: %+v", n)
	}
}

func TestLevelEdges(t *testing.T) {
	const old, cur = "2024-2025", "2025-2026"
	cases := []struct {
		py                   string
		members, base, goals int
		csp                  *bool
		want                 string
	}{
		// Classic era: D/S/P at 5/7/9 goals with 20 members or net 3.
		{old, 20, 20, 4, nil, ""},
		{old, 20, 20, 5, nil, "D"},
		{old, 19, 17, 5, nil, ""},  // net 2
		{old, 19, 16, 5, nil, "D"}, // net 3
		{old, 19, 16, 6, nil, "D"},
		{old, 19, 16, 7, nil, "S"}, // net 3 is enough for Select before 2025-26
		{old, 20, 20, 8, nil, "S"},
		{old, 15, 12, 9, nil, "P"},  // and for President's
		{old, 25, 25, 10, nil, "P"}, // no Smedley before 2025-26
		{old, 25, 25, 10, no, "P"},  // CSP not required before 2025-26
		// 2025-26: D 5 & (20 | net 3); S 7 & (20 | net 5); P 9 & 20; M 10 & 25; CSP.
		{cur, 20, 20, 4, yes, ""},
		{cur, 20, 20, 5, yes, "D"},
		{cur, 19, 17, 5, yes, ""},  // net 2
		{cur, 19, 16, 5, yes, "D"}, // net 3
		{cur, 19, 16, 7, yes, "D"}, // net 3 not enough for Select
		{cur, 19, 15, 7, yes, "D"}, // net 4
		{cur, 19, 14, 7, yes, "S"}, // net 5
		{cur, 20, 20, 6, yes, "D"},
		{cur, 20, 20, 7, yes, "S"},
		{cur, 20, 20, 8, yes, "S"},
		{cur, 19, 9, 9, yes, "S"}, // President's has no growth alternative
		{cur, 20, 20, 9, yes, "P"},
		{cur, 24, 20, 10, yes, "P"},
		{cur, 25, 20, 10, yes, "M"},
		{cur, 25, 20, 10, no, ""},
		{cur, 25, 20, 10, nil, "M"},
	}
	for _, c := range cases {
		got := LevelOf(club(c.members, c.base, c.goals, c.csp), c.py)
		if got != c.want {
			t.Errorf("%s m=%d net=%d g=%d csp=%v: level %q, want %q", c.py, c.members, c.members-c.base, c.goals, c.csp, got, c.want)
		}
	}
}

func TestNeedsEdges(t *testing.T) {
	const old, cur = "2024-2025", "2025-2026"
	type want struct {
		goals, members, newMembers, other int
		csp                               bool
		kind                              string
	}
	withNM := func(c *snapshot.Club, nm, anm int) *snapshot.Club {
		c.Goals.NewMembers, c.Goals.AddNewMembers = nm, anm
		return c
	}
	cases := []struct {
		name   string
		club   *snapshot.Club
		py     string
		target string
		want   want
	}{
		{"at level: nothing", club(20, 20, 5, yes), cur, "D", want{0, 0, 0, 0, false, NeedNone}},
		{"above level: nothing", club(25, 20, 10, yes), cur, "S", want{0, 0, 0, 0, false, NeedNone}},
		{"19 members net 2, 5 goals: 1 member", withNM(club(19, 17, 5, yes), 4, 0), cur, "D", want{0, 1, 1, 0, false, NeedMembers}},
		{"20 members, 4 goals, goal 7 open: 1 goal or 4 new members", withNM(club(20, 20, 4, yes), 0, 0), cur, "D", want{1, 0, 4, 0, false, NeedGoals}},
		{"larger need not sum: 3 members and goal 7 (4)", withNM(club(16, 16, 4, yes), 0, 0), cur, "D", want{1, 3, 4, 0, false, NeedBoth}},
		{"members need dominates: 10 members net 1, 4 goals, 3 new", withNM(club(10, 9, 4, yes), 3, 0), cur, "D", want{1, 2, 2, 0, false, NeedBoth}},
		{"S needs net 5 in 2025-26", withNM(club(15, 11, 5, yes), 4, 2), cur, "S", want{2, 1, 2, 1, false, NeedBoth}},
		{"S via net 3 before 2025-26", withNM(club(15, 12, 7, nil), 4, 4), old, "S", want{0, 0, 0, 0, false, NeedNone}},
		{"P has no growth alternative", withNM(club(19, 5, 9, yes), 4, 4), cur, "P", want{0, 1, 1, 0, false, NeedMembers}},
		{"Smedley 24 members", withNM(club(24, 20, 10, yes), 4, 4), cur, "M", want{0, 1, 1, 0, false, NeedMembers}},
		{"Smedley 22 members 9 goals, goals 7+8 met", withNM(club(22, 20, 9, yes), 4, 4), cur, "M", want{1, 3, 3, 1, false, NeedBoth}},
		{"CSP only", club(20, 20, 5, no), cur, "D", want{0, 0, 0, 0, true, NeedCSP}},
		{"Smedley not in classic era", club(25, 20, 10, nil), old, "M", want{0, 0, 0, 0, false, NeedNone}},
		{"two goals both via new members", withNM(club(20, 20, 3, yes), 2, 0), cur, "D", want{2, 0, 6, 0, false, NeedGoals}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := NeedsFor(c.club, c.py, c.target)
			got := want{n.GoalsNeeded, n.MembersNeeded, n.NewMembersNeeded, n.OtherGoalsNeeded, n.CSPNeeded, n.Kind}
			if got != c.want {
				t.Fatalf("needs = %+v, want %+v", got, c.want)
			}
		})
	}
}

// A new club the dashboard credits with goal 9 (round-2 training only,
// chartered after September 1) is never told it needs that goal: needs,
// levels and health build on the reported Goals Met. A new club chartered
// after April 1 has its CSP credited.
func TestNeedsBuildOnTheDashboardsCount(t *testing.T) {
	// Columns explain 4 goals (1-4); the dashboard reports 5 (goal 9
	// credited). 20 members: D by the dashboard's count.
	c := &snapshot.Club{ClubID: "28001234", Status: snapshot.ClubActive, ActiveMembers: 20, MembershipBase: 0, NetGrowth: 20,
		GoalsMet: 5, CharterDate: "2024-10-20",
		Goals: snapshot.GoalCounts{Level1s: 4, Level2s: 2, AddLevel2s: 2, Level3s: 2, OfficersRound2: 5}}
	c.DCPGoals, c.GoalCredits = snapshot.NewClubGoals(c.Goals.DCPGoals(), c.Goals, c.CharterDate, "2024-2025")
	if LevelOf(c, "2024-2025") != snapshot.LevelDistinguished {
		t.Fatalf("level %q, want D", LevelOf(c, "2024-2025"))
	}
	if n := NeedsFor(c, "2024-2025", snapshot.LevelDistinguished); n.GoalsNeeded != 0 || n.Kind != NeedNone {
		t.Errorf("needs for D: %+v", n)
	}
	// S needs 7: 2 more goals, not 3 (goal 9 is already credited).
	if n := NeedsFor(c, "2024-2025", snapshot.LevelSelect); n.GoalsNeeded != 2 {
		t.Errorf("needs for S: %d goals, want 7-5 = 2", n.GoalsNeeded)
	}
	// In May (checkpoint 5) the club has its 5 goals: thriving.
	if h := ClubHealthOn(c, "2025-05-10", "2024-2025"); h.Status != HealthThriving {
		t.Errorf("health %+v", h)
	}
	// 2025-26, CSP N, chartered April 2: the CSP is credited, nothing needed for D.
	c.CSP, c.CharterDate = no, "2026-04-02"
	if n := NeedsFor(c, "2025-2026", snapshot.LevelDistinguished); n.CSPNeeded || n.Kind != NeedNone || n.CurrentLevel != snapshot.LevelDistinguished {
		t.Errorf("new club after April 1: %+v", n)
	}
	c.CharterDate = "2026-04-01"
	if n := NeedsFor(c, "2025-2026", snapshot.LevelDistinguished); !n.CSPNeeded || n.Kind != NeedCSP {
		t.Errorf("new club on April 1: %+v", n)
	}
}

func TestClubNeedsNextLevel(t *testing.T) {
	d := &snapshot.District{DistrictID: "1", ProgramYear: "2025-2026", ClubDetails: []snapshot.Club{
		*club(25, 20, 10, yes), *club(20, 20, 7, yes), *club(19, 19, 0, yes),
	}}
	d.ClubDetails[1].ClubID, d.ClubDetails[2].ClubID = "2", "3"
	d.ClubDetails = append(d.ClubDetails, snapshot.Club{ClubID: "4", Status: snapshot.ClubSuspended})
	got := ClubNeeds(Point{Date: "2025-10-01", District: d})
	if len(got) != 3 {
		t.Fatalf("suspended clubs must be left out: %d needs", len(got))
	}
	if got[0].TargetLevel != "" || got[0].Kind != NeedNone || got[0].CurrentLevel != "M" {
		t.Errorf("top club: %+v", got[0])
	}
	if got[1].TargetLevel != "P" || got[1].GoalsNeeded != 2 || got[1].MembersNeeded != 0 {
		t.Errorf("select club: %+v", got[1])
	}
	if got[2].TargetLevel != "D" || got[2].GoalsNeeded != 5 || got[2].MembersNeeded != 1 || got[2].NewMembersNeeded != 8 || got[2].OtherGoalsNeeded != 3 {
		t.Errorf("new club: %+v", got[2])
	}
}

func TestRecognitionAprilBoundary(t *testing.T) {
	for date, want := range map[string]string{
		"2025-07-01": RecognitionProvisional, "2026-03-31": RecognitionProvisional,
		"2026-04-01": RecognitionConfirmed, "2026-06-30": RecognitionConfirmed,
	} {
		if got := recognitionOn(date); got != want {
			t.Errorf("%s: %s, want %s", date, got, want)
		}
	}
	pts := fixtureSeries()
	r, err := DistinguishedClubAnalytics(pts[:2], nil)
	if err != nil || r.Recognition != RecognitionConfirmed {
		t.Fatalf("June: %v %v", r, err)
	}
	r, _ = DistinguishedClubAnalytics(pts, nil)
	if r.Recognition != RecognitionProvisional {
		t.Fatalf("August: %s", r.Recognition)
	}
}

func TestProgramYear(t *testing.T) {
	for in, want := range map[string]string{"2025-07-01": "2025-2026", "2025-06-30": "2024-2025",
		"2026-01": "2025-2026", "bad": "", "2025-13-01": ""} {
		if got := ProgramYearOf(in); got != want {
			t.Errorf("ProgramYearOf(%q) = %q, want %q", in, got, want)
		}
	}
	if b := ProgramYearBounds("2025-2026"); b.StartDate != "2025-07-01" || b.EndDate != "2026-06-30" {
		t.Errorf("bounds %+v", b)
	}
	for in, want := range map[string]string{"2026-02-28": "2025-02-28", "2024-02-29": "2023-02-28", "x": "",
		"2025-02-28": "2024-02-29", "2025-02-27": "2024-02-27", "2025-03-31": "2024-03-31", "2025-11-30": "2024-11-30",
		"2026-01-15": "2025-01-15", "2025-13-01": "", "2025-02-30": ""} {
		if got := PreviousYearDate(in); got != want {
			t.Errorf("PreviousYearDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// The analytics read months with the one month reader of snapshot
// (snapshot.ParseMonth): "2026-+4-15" is not April (strconv.Atoi alone
// reads the sign), so a date like it is never confirmed recognition, and
// neither is a year 0.
func TestMonthReaderIsSnapshots(t *testing.T) {
	for _, in := range []string{"2026-+4-15", "+026-04-15", "2026- 4-15", "-026-04-15", "0000-04-15", "2026-4-15", "2026-04"[:6]} {
		if y, m, ok := parseYM(in); ok {
			t.Errorf("parseYM(%q) = %d, %d, ok; want not a month", in, y, m)
		}
		if got := recognitionOn(in); got != RecognitionProvisional {
			t.Errorf("recognitionOn(%q) = %s, want %s", in, got, RecognitionProvisional)
		}
	}
	if y, m, ok := parseYM("2026-04-15"); !ok || y != 2026 || m != 4 {
		t.Errorf("parseYM(2026-04-15) = %d, %d, %v", y, m, ok)
	}
}
