package snapshot

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TI's new-club rules at their date edges (spec §2.4 "New clubs"). "After
// September 1" is strict: September 1 itself earns nothing.
func TestNewClubGoalsEdges(t *testing.T) {
	// A new club's typical columns: nobody trained in round 1 (the club did
	// not exist), 5 trained by the district in round 2, no dues windows met.
	cols := GoalCounts{NewMembers: 4, OfficersRound1: 0, OfficersRound2: 5}
	base := cols.DCPGoals() // goal 7 only
	if CountGoals(base) != 1 {
		t.Fatalf("base goals %v", base)
	}
	tests := []struct {
		name, charter, py string
		r2                int
		want              []int
	}{
		{"unknown charter date", "", "2024-2025", 5, nil},
		{"chartered in an earlier year", "2023-11-02", "2024-2025", 5, nil},
		{"chartered after the program year", "2025-07-01", "2024-2025", 5, nil},
		{"July 1, first day of the year", "2024-07-01", "2024-2025", 5, nil},
		{"August 31", "2024-08-31", "2024-2025", 5, nil},
		{"September 1 is not after September 1", "2024-09-01", "2024-2025", 5, nil},
		{"September 2: goal 9", "2024-09-02", "2024-2025", 5, []int{9}},
		{"September 2 with 3 trained in round 2: no goal 9", "2024-09-02", "2024-2025", 3, nil},
		{"October 1 is not after October 1", "2024-10-01", "2024-2025", 5, []int{9}},
		{"October 2: goals 9 and 10", "2024-10-02", "2024-2025", 5, []int{9, 10}},
		{"April 1", "2025-04-01", "2024-2025", 5, []int{9, 10}},
		{"June 30, last day of the year", "2025-06-30", "2024-2025", 0, []int{10}},
		{"unknown program year", "2024-10-02", "", 5, nil},
		{"malformed charter date", "10/02/24", "2024-2025", 5, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := cols
			g.OfficersRound2 = tc.r2
			got, credited := NewClubGoals(g.DCPGoals(), g, tc.charter, tc.py)
			if !reflect.DeepEqual(credited, tc.want) {
				t.Fatalf("credited %v, want %v", credited, tc.want)
			}
			// goal 7 from the columns + one goal per credit
			if n := CountGoals(got); n != 1+len(tc.want) {
				t.Errorf("%d goals %v, want %d", n, got, 1+len(tc.want))
			}
			for _, k := range tc.want {
				if !got[k-1] {
					t.Errorf("goal %d not set in %v", k, got)
				}
			}
		})
	}
	// A goal the columns already meet is never "credited".
	met := GoalCounts{OfficersRound1: 4, OfficersRound2: 4, OfficerListOnTime: 1, DuesOnTimeOct: 1}
	if _, credited := NewClubGoals(met.DCPGoals(), met, "2024-12-01", "2024-2025"); credited != nil {
		t.Errorf("credited %v for goals the columns meet", credited)
	}
}

func TestNewClubCSPCreditEdges(t *testing.T) {
	tests := []struct {
		charter, py string
		want        bool
	}{
		{"", "2025-2026", false},
		{"2026-03-31", "2025-2026", false},
		{"2026-04-01", "2025-2026", false}, // not after April 1
		{"2026-04-02", "2025-2026", true},
		{"2026-06-30", "2025-2026", true},
		{"2025-04-02", "2025-2026", false}, // an earlier program year
		{"2025-04-02", "2024-2025", false}, // no CSP before 2025-26
		{"2027-04-02", "2026-2027", true},
		{"2026-04-02", "", false},
	}
	for _, tc := range tests {
		if got := NewClubCSPCredit(tc.charter, tc.py); got != tc.want {
			t.Errorf("NewClubCSPCredit(%q, %q) = %v, want %v", tc.charter, tc.py, got, tc.want)
		}
	}
	// The credit lifts the CSP gate: 6 goals, 21 members, CSP N, chartered
	// April 2 gives D; chartered April 1 gives nothing.
	no := false
	c := Club{GoalsMet: 6, ActiveMembers: 21, NetGrowth: 21, CSP: &no, CharterDate: "2026-04-02"}
	if got := ClubLevelOf(&c, "2025-2026"); got != LevelDistinguished {
		t.Errorf("chartered April 2: level %q, want D", got)
	}
	c.CharterDate = "2026-04-01"
	if got := ClubLevelOf(&c, "2025-2026"); got != LevelNone {
		t.Errorf("chartered April 1: level %q, want none", got)
	}
}

// TestCSPDueDate: September 30, or 90 days after a charter during the
// year when that is later (July 5 + 90: + 26 = Jul 31, + 31 = Aug 31,
// + 30 = Sep 30, + 3 = Oct 3; Nov 10 + 90 = Feb 8; July 1 + 90 = Sep 29,
// so September 30).
func TestCSPDueDate(t *testing.T) {
	tests := []struct {
		charter, py, want string
		ok                bool
	}{
		{"", "2025-2026", "2025-09-30", true},
		{"2019-03-01", "2025-2026", "2025-09-30", true}, // chartered in an earlier year
		{"2025-07-01", "2025-2026", "2025-09-30", true},
		{"2025-07-05", "2025-2026", "2025-10-03", true},
		{"2025-11-10", "2025-2026", "2026-02-08", true},
		{"2026-03-15", "2025-2026", "2026-06-13", true},
		{"2026-11-10", "2026-2027", "2027-02-08", true},
		{"2025-11-10", "", "", false},
		{"2025-11-10", "2025-26", "", false},
	}
	for _, tc := range tests {
		if got, ok := CSPDueDate(tc.charter, tc.py); got != tc.want || ok != tc.ok {
			t.Errorf("CSPDueDate(%q, %q) = %q, %v, want %q, %v", tc.charter, tc.py, got, ok, tc.want, tc.ok)
		}
	}
}

// ClubLevelOf is built on the reported Goals Met, not on the breakdown.
func TestClubLevelOfUsesGoalsMet(t *testing.T) {
	// 5 goals reported, the columns explain 4 (goal 9 credited by TI).
	c := Club{GoalsMet: 5, ActiveMembers: 20, Goals: GoalCounts{Level1s: 4, Level2s: 2, Level3s: 2, NewMembers: 4}}
	c.DCPGoals = c.Goals.DCPGoals()
	if got := ClubLevelOf(&c, "2023-2024"); got != LevelDistinguished {
		t.Errorf("level %q, want D", got)
	}
	if d := c.GoalsUnexplained(); d != 1 { // 5 reported - 4 explained
		t.Errorf("GoalsUnexplained = %d, want 1", d)
	}
}

// The one net-growth rule: a reported value wins, 0 included; without the
// column it is Active Members − Mem. Base. A written 0 survives the
// snapshot file.
func TestNetGrowthRule(t *testing.T) {
	zero, five := 0, 5
	if g := NetGrowth(&zero, 30, 20); g != 0 {
		t.Errorf("reported 0: %d", g)
	}
	if g := NetGrowth(&five, 30, 20); g != 5 {
		t.Errorf("reported 5: %d", g)
	}
	if g := NetGrowth(nil, 30, 20); g != 10 {
		t.Errorf("no column: %d, want 30-20 = 10", g)
	}
	var c Club
	if err := json.Unmarshal([]byte(`{"clubId":"1","activeMembers":30,"membershipBase":20,"netGrowth":0}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.NetGrowth != 0 || c.ActiveMembers != 30 {
		t.Errorf("decoded %+v", c)
	}
}
