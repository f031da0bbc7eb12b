package toaststats_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/validate"
)

// levelCase is one generated club in one program year.
type levelCase struct {
	PY        string
	GoalsMet  int
	Members   int
	Base      int
	Growth    int // 0: a reported Net Growth of 0; 1: Active − Base; 2: another value
	Other     int
	CSP       int // 0 unknown, 1 Y, 2 N
	Charter   string
	Suspended bool
}

func (lc levelCase) club() snapshot.Club {
	c := snapshot.Club{ClubID: "28001234", ClubName: "Generated", DivisionID: "A", AreaID: "01", Status: snapshot.ClubActive,
		GoalsMet: lc.GoalsMet, ActiveMembers: lc.Members, MembershipBase: lc.Base, CharterDate: lc.Charter}
	switch lc.Growth {
	case 0:
		c.NetGrowth = 0
	case 1:
		c.NetGrowth = lc.Members - lc.Base
	default:
		c.NetGrowth = lc.Other
	}
	switch lc.CSP {
	case 1:
		t := true
		c.CSP = &t
	case 2:
		f := false
		c.CSP = &f
	}
	if lc.Suspended {
		c.Status = snapshot.ClubSuspended
	}
	return c
}

var genLevelCase = gen.Struct(reflect.TypeFor[levelCase](), map[string]gopter.Gen{
	// Known years of every era, and unknown ones.
	"PY":        gen.OneConstOf("", "unknown", "0000-0001", "2018-2019", "2019-2020", "2024-2025", "2025-2026", "2026-2027"),
	"GoalsMet":  gen.IntRange(0, 10),
	"Members":   gen.IntRange(0, 40),
	"Base":      gen.IntRange(0, 40),
	"Growth":    gen.IntRange(0, 2),
	"Other":     gen.IntRange(-10, 10),
	"CSP":       gen.IntRange(0, 2),
	"Charter":   gen.OneConstOf("", "2025-09-02", "2025-10-02", "2026-04-01", "2026-04-02", "2019-09-02", "2027-05-01"),
	"Suspended": gen.Bool(),
})

// Every consumer of the club level rule — normalize, validate, analytics
// and a JSON round trip through the snapshot files — agrees with the one
// implementation, snapshot.ClubLevelOf, over generated clubs and program
// years, unknown years and a reported Net Growth of 0 included.
func TestEveryConsumerAgreesWithTheLevelRule(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 2000
	props := gopter.NewProperties(params)
	props.Property("one level rule", prop.ForAll(func(lc levelCase) bool {
		c := lc.club()
		want := snapshot.ClubLevelOf(&c, lc.PY)

		// normalize: what Assemble applies to every club.
		n := c
		normalize.ApplyNewClubRules(&n, lc.PY)
		// analytics: the level, the needs route's current level.
		got := map[string]string{
			"normalize":          n.DistinguishedLevel,
			"analytics.LevelOf":  analytics.LevelOf(&c, lc.PY),
			"analytics.NeedsFor": analytics.NeedsFor(&c, lc.PY, snapshot.LevelSmedley).CurrentLevel,
		}
		// The snapshot file: a reported 0 stays 0 through JSON.
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back snapshot.Club
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		got["json round trip"] = snapshot.ClubLevelOf(&back, lc.PY)
		// validate: a letter equal to the rule is no finding, any other is.
		for _, letter := range []string{want, otherLetter(want)} {
			v := c
			v.DistinguishedStatus, v.DistinguishedLevel = letter, letter
			mismatch := hasCode(validate.Validate(validate.Input{Districts: []snapshot.District{{
				DistrictID: "61", ProgramYear: lc.PY, ClubDetails: []snapshot.Club{v}}}}), validate.CodeLevelMismatch)
			if mismatch != (letter != want) {
				t.Logf("%+v: validate with letter %q: mismatch %v, rule %q", lc, letter, mismatch, want)
				return false
			}
		}
		for who, g := range got {
			if g != want {
				t.Logf("%+v: %s gives %q, the rule %q", lc, who, g, want)
				return false
			}
		}
		return true
	}, genLevelCase))
	props.TestingRun(t)
}

func otherLetter(l string) string {
	if l == snapshot.LevelDistinguished {
		return snapshot.LevelSelect
	}
	return snapshot.LevelDistinguished
}

func hasCode(fs []snapshot.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

// The rule itself, by hand, at the disagreements the consumers used to
// have: an unknown program year and a reported Net Growth of 0.
func TestLevelRuleUnknownYearAndZeroGrowth(t *testing.T) {
	yes := true
	cases := []struct {
		name string
		c    snapshot.Club
		py   string
		want string
	}{
		// 10 goals, 22 members, CSP unknown, unknown year: classic rules, P (9+ goals, 20+ members).
		{"unknown year, no CSP column: classic", snapshot.Club{GoalsMet: 10, ActiveMembers: 22}, "", snapshot.LevelPresidents},
		// The same with CSP Y: 2025-26 rules; 10 goals but 22 < 25 members, so P, not M.
		{"unknown year, CSP column: 2025-26 rules", snapshot.Club{GoalsMet: 10, ActiveMembers: 22, CSP: &yes}, "", snapshot.LevelPresidents},
		{"unknown year, CSP column, 25 members: M", snapshot.Club{GoalsMet: 10, ActiveMembers: 25, CSP: &yes}, "", snapshot.LevelSmedley},
		// 5 goals, 15 members, base 10, reported Net Growth 0: 15 < 20 and 0 < 3, no level (Active − Base = 5 would have given D).
		{"reported net growth 0 is kept", snapshot.Club{GoalsMet: 5, ActiveMembers: 15, MembershipBase: 10, NetGrowth: 0}, "2024-2025", snapshot.LevelNone},
		{"net growth 5 earns D", snapshot.Club{GoalsMet: 5, ActiveMembers: 15, MembershipBase: 10, NetGrowth: 5}, "2024-2025", snapshot.LevelDistinguished},
	}
	for _, tc := range cases {
		if got := snapshot.ClubLevelOf(&tc.c, tc.py); got != tc.want {
			t.Errorf("%s: snapshot %q, want %q", tc.name, got, tc.want)
		}
		if got := analytics.LevelOf(&tc.c, tc.py); got != tc.want {
			t.Errorf("%s: analytics %q, want %q", tc.name, got, tc.want)
		}
	}
}
