package snapshot

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
)

func boolPtr(b bool) *bool { return &b }

func TestDCPGoalsEdges(t *testing.T) {
	tests := []struct {
		g    GoalCounts
		want [10]bool
	}{
		{GoalCounts{}, [10]bool{}},
		{GoalCounts{Level1s: 3}, [10]bool{}},
		{GoalCounts{Level1s: 4}, [10]bool{0: true}},
		{GoalCounts{Level2s: 1}, [10]bool{}},
		{GoalCounts{Level2s: 2, AddLevel2s: 1}, [10]bool{1: true}},
		{GoalCounts{Level2s: 1, AddLevel2s: 5}, [10]bool{}},
		{GoalCounts{Level2s: 2, AddLevel2s: 2}, [10]bool{1: true, 2: true}},
		{GoalCounts{Level3s: 1}, [10]bool{}},
		{GoalCounts{Level3s: 2}, [10]bool{3: true}},
		{GoalCounts{Level4s: 1}, [10]bool{4: true}},
		{GoalCounts{Level4s: 1, AddLevel4s: 1}, [10]bool{4: true, 5: true}},
		{GoalCounts{AddLevel4s: 3}, [10]bool{}},
		{GoalCounts{NewMembers: 3, AddNewMembers: 9}, [10]bool{}},
		{GoalCounts{NewMembers: 4, AddNewMembers: 3}, [10]bool{6: true}},
		{GoalCounts{NewMembers: 4, AddNewMembers: 4}, [10]bool{6: true, 7: true}},
		{GoalCounts{OfficersRound1: 4, OfficersRound2: 3}, [10]bool{}},
		{GoalCounts{OfficersRound1: 3, OfficersRound2: 4}, [10]bool{}},
		{GoalCounts{OfficersRound1: 0, OfficersRound2: 7}, [10]bool{}},
		{GoalCounts{OfficersRound1: 4, OfficersRound2: 4}, [10]bool{8: true}},
		{GoalCounts{OfficerListOnTime: 1}, [10]bool{}},
		{GoalCounts{OfficerListOnTime: 1, DuesOnTimeOct: 1}, [10]bool{9: true}},
		{GoalCounts{OfficerListOnTime: 2, DuesOnTimeApr: 1}, [10]bool{9: true}},
		{GoalCounts{DuesOnTimeOct: 1, DuesOnTimeApr: 1}, [10]bool{}},
		// Goals are independent: goal 7 without goals 1–6 (spec §3.4).
		{GoalCounts{NewMembers: 5, OfficersRound1: 4, OfficersRound2: 4}, [10]bool{6: true, 8: true}},
	}
	for _, tc := range tests {
		got := tc.g.DCPGoals()
		if got != tc.want {
			t.Errorf("%+v.DCPGoals() = %v, want %v", tc.g, got, tc.want)
		}
		n := 0
		for _, w := range tc.want {
			if w {
				n++
			}
		}
		if c := CountGoals(got); c != n {
			t.Errorf("CountGoals(%v) = %d, want %d", got, c, n)
		}
	}
}

func TestClubLevelEdges(t *testing.T) {
	y, n := boolPtr(true), boolPtr(false)
	tests := []struct {
		py                 string
		goals, active, net int
		csp                *bool
		want               string
	}{
		// Up to 2024-25: D/S/P at 5/7/9 goals, 20 members or net growth 3.
		{"2024-2025", 4, 40, 9, nil, ""},
		{"2024-2025", 5, 20, 0, nil, "D"},
		{"2024-2025", 5, 19, 2, nil, ""},
		{"2024-2025", 5, 10, 3, nil, "D"},
		{"2024-2025", 6, 19, 3, nil, "D"},
		{"2024-2025", 7, 19, 3, nil, "S"}, // net 3 is enough for Select here
		{"2024-2025", 7, 21, 0, nil, "S"},
		{"2024-2025", 8, 20, 0, nil, "S"},
		{"2024-2025", 9, 15, 3, nil, "P"}, // and for President's
		{"2024-2025", 9, 21, 0, nil, "P"},
		{"2024-2025", 10, 30, 0, nil, "P"}, // no Smedley before 2025-26
		{"2024-2025", 10, 30, 0, n, "P"},   // no CSP gate before 2025-26
		{"2017-2018", 9, 20, 0, n, "P"},
		// 2025-26 onward.
		{"2025-2026", 4, 20, 0, y, ""},
		{"2025-2026", 5, 20, 0, y, "D"},
		{"2025-2026", 5, 15, 3, y, "D"},
		{"2025-2026", 5, 15, 2, y, ""},
		{"2025-2026", 6, 20, 0, y, "D"},
		{"2025-2026", 7, 19, 3, y, "D"}, // net 3 is not enough for Select
		{"2025-2026", 7, 15, 4, y, "D"},
		{"2025-2026", 7, 15, 5, y, "S"},
		{"2025-2026", 7, 20, 0, y, "S"},
		{"2025-2026", 8, 20, 0, y, "S"},
		{"2025-2026", 9, 19, 9, y, "S"}, // President's has no growth alternative
		{"2025-2026", 9, 20, 0, y, "P"},
		{"2025-2026", 10, 24, 10, y, "P"},
		{"2025-2026", 10, 25, 0, y, "M"},
		{"2025-2026", 10, 40, 10, n, ""}, // CSP gate
		{"2025-2026", 5, 20, 0, n, ""},
		{"2025-2026", 10, 40, 10, nil, "M"}, // unknown flag: no gate
		{"2026-2027", 10, 25, 0, y, "M"},
		// Unknown program year: new rules when the CSP flag is known.
		{"", 10, 25, 0, y, "M"},
		{"", 10, 25, 0, nil, "P"},
		{"", 10, 25, 0, n, ""},
		{"bad", 10, 25, 0, nil, "P"},
		{"0000-0001", 10, 25, 0, y, "M"},
	}
	for _, tc := range tests {
		if got := ClubLevel(tc.py, tc.goals, tc.active, tc.net, tc.csp); got != tc.want {
			t.Errorf("ClubLevel(%q, %d, %d, %d, %v) = %q, want %q", tc.py, tc.goals, tc.active, tc.net, tc.csp, got, tc.want)
		}
	}
}

func TestLevelRules(t *testing.T) {
	classic, csp := LevelRules(false), LevelRules(true)
	if len(classic) != 3 || len(csp) != 4 || classic[2].Level != LevelPresidents || csp[3] != (LevelRule{LevelSmedley, 10, 25, 0}) {
		t.Fatalf("ladders %+v %+v", classic, csp)
	}
	csp[0].Goals = 99 // a copy: the rules stay as they are
	if LevelRules(true)[0].Goals != 5 {
		t.Fatal("LevelRules returned the shared ladder")
	}
	for _, tc := range []struct {
		r           LevelRule
		active, net int
		short       int
		goals       int
		met         bool
	}{
		{LevelRule{LevelDistinguished, 5, 20, 3}, 18, 0, 2, 5, false},
		{LevelRule{LevelDistinguished, 5, 20, 3}, 18, 2, 1, 5, false},
		{LevelRule{LevelDistinguished, 5, 20, 3}, 18, 3, 0, 5, true},
		{LevelRule{LevelDistinguished, 5, 20, 3}, 18, 3, 0, 4, false},
		{LevelRule{LevelPresidents, 9, 20, 0}, 18, 50, 2, 9, false},
		{LevelRule{LevelSmedley, 10, 25, 0}, 30, 0, 0, 10, true},
	} {
		if got := tc.r.MembersShort(tc.active, tc.net); got != tc.short {
			t.Errorf("%+v.MembersShort(%d, %d) = %d, want %d", tc.r, tc.active, tc.net, got, tc.short)
		}
		if got := tc.r.Met(tc.goals, tc.active, tc.net); got != tc.met {
			t.Errorf("%+v.Met(%d, %d, %d) = %v", tc.r, tc.goals, tc.active, tc.net, got)
		}
	}
	if CSPGateFails(false, boolPtr(false)) || CSPGateFails(true, nil) || CSPGateFails(true, boolPtr(true)) || !CSPGateFails(true, boolPtr(false)) {
		t.Error("CSPGateFails")
	}
}

func TestProgramYears(t *testing.T) {
	for in, want := range map[string]string{
		"2025-07": "2025-2026", "2025-07-14": "2025-2026", "2026-06-30": "2025-2026", "2025-06-30": "2024-2025",
		"2026-01": "2025-2026", "2008-12": "2008-2009", "bad": "", "2025-13": "", "2025-00": "", "": "",
		"0000-07": "", "0999-08": "0999-1000",
		// Not four digits, '-', two digits (strconv.Atoi alone reads a sign).
		"2025-+7": "", "+025-07": "", "2025- 7": "", "-025-07": "",
	} {
		if got := ProgramYearOf(in); got != want {
			t.Errorf("ProgramYearOf(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"2024-02": "2024-02-29", "2023-02": "2023-02-28", "2025-06": "2025-06-30",
		"2025-12": "2025-12-31", "2025-12-05": "2025-12-31", "x": "", "2025-00": "",
		"2025-+2": "", "+024-02": "",
	} {
		if got := LastDayOfMonth(in); got != want {
			t.Errorf("LastDayOfMonth(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]bool{"2024-2025": false, "2025-2026": true, "2030-2031": true, "": false, "abcd": false} {
		if got := UsesCSPRules(in); got != want {
			t.Errorf("UsesCSPRules(%q) = %v", in, got)
		}
	}
	if y, ok := ProgramYearStart("2025-2026"); y != 2025 || !ok {
		t.Errorf("ProgramYearStart = %d %v", y, ok)
	}
	for _, bad := range []string{"x", "2025-26", "2025-2030", "2025-2025", "2026-2025", "2025 2026", "+025-2026", "2025-2026 ", ""} {
		if y, ok := ProgramYearStart(bad); ok {
			t.Errorf("ProgramYearStart(%q) = %d, ok; want not a program year", bad, y)
		}
	}
	if _, ok := ProgramYearStart("x"); ok {
		t.Error("ProgramYearStart(x) ok")
	}
}

// specLevel restates spec §3.5 as its tables read, independently of the
// ladder walk in ClubLevelUnder.
func specLevel(cspRules bool, goals, active, net int, csp *bool) string {
	if !cspRules {
		if active < 20 && net < 3 {
			return LevelNone
		}
		switch {
		case goals >= 9:
			return LevelPresidents
		case goals >= 7:
			return LevelSelect
		case goals >= 5:
			return LevelDistinguished
		}
		return LevelNone
	}
	if csp != nil && !*csp {
		return LevelNone
	}
	switch {
	case goals >= 10 && active >= 25:
		return LevelSmedley
	case goals >= 9 && active >= 20:
		return LevelPresidents
	case goals >= 7 && (active >= 20 || net >= 5):
		return LevelSelect
	case goals >= 5 && (active >= 20 || net >= 3):
		return LevelDistinguished
	}
	return LevelNone
}

func cspGen() gopter.Gen {
	return gen.IntRange(0, 2).Map(func(i int) *bool {
		switch i {
		case 0:
			return nil
		case 1:
			return boolPtr(false)
		}
		return boolPtr(true)
	})
}

func TestRuleProperties(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 500
	props := gopter.NewProperties(params)
	props.Property("ClubLevel matches the spec tables", prop.ForAll(
		func(year, goals, active, net int, csp *bool) bool {
			py := fmt.Sprintf("%d-%d", year, year+1)
			return ClubLevel(py, goals, active, net, csp) == specLevel(year >= 2025, goals, active, net, csp)
		},
		gen.IntRange(2020, 2030), gen.IntRange(0, 10), gen.IntRange(0, 40), gen.IntRange(-15, 15), cspGen(),
	))
	props.Property("more goals or members never lower the level", prop.ForAll(
		func(cspRules bool, goals, active, net int, csp *bool) bool {
			l := LevelRank(ClubLevelUnder(cspRules, goals, active, net, csp))
			return LevelRank(ClubLevelUnder(cspRules, goals+1, active, net, csp)) >= l &&
				LevelRank(ClubLevelUnder(cspRules, goals, active+1, net+1, csp)) >= l
		},
		gen.Bool(), gen.IntRange(0, 10), gen.IntRange(0, 40), gen.IntRange(-15, 15), cspGen(),
	))
	props.Property("DCP goals are monotone in every column", prop.ForAll(
		func(vals []int, field int) bool {
			var g GoalCounts
			v := reflect.ValueOf(&g).Elem()
			for i := 0; i < v.NumField(); i++ {
				v.Field(i).SetInt(int64(vals[i]))
			}
			before := g.DCPGoals()
			v.Field(field).SetInt(v.Field(field).Int() + 1)
			after := g.DCPGoals()
			for k := range before {
				if before[k] && !after[k] {
					return false
				}
			}
			return CountGoals(after) >= CountGoals(before)
		},
		gen.SliceOfN(reflect.TypeOf(GoalCounts{}).NumField(), gen.IntRange(0, 6)),
		gen.IntRange(0, reflect.TypeOf(GoalCounts{}).NumField()-1),
	))
	props.Property("a program year holds its first and last day", prop.ForAll(
		func(y, m int) bool {
			month := fmt.Sprintf("%04d-%02d", y, m)
			py := ProgramYearOf(month)
			start, ok := ProgramYearStart(py)
			if !ok || ProgramYearOf(LastDayOfMonth(month)) != py {
				return false
			}
			if m >= 7 {
				return start == y
			}
			return start == y-1
		},
		gen.IntRange(1000, 9998), gen.IntRange(1, 12),
	))
	props.TestingRun(t)
}
