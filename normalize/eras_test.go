package normalize

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// header2019_20 is the exact PY 2019-20 club header (spec §2.4, 29 columns).
var header2019_20 = []string{"District", "Division", "Area", "Club Number", "Club Name", "Club Status", "Mem. Base", "Active Members", "Goals Met", "CCs", "Add. CCs", "ACs", "Add. ACs", "CL/AL/DTMs", "Add. CL/AL/DTMs", "Level 1s", "Level 2s", "Add. Level 2s", "Level 3s", "Level 4s", "Level 5s", "New Members", "Add. New Members", "Off. Trained Round 1", "Off. Trained Round 2", "Mem. dues on time Oct", "Mem. dues on time Apr", "Off. List On Time", "Club Distinguished Status"}

// header2026_27 is the exact PY 2026-27 club header (spec §2.4).
var header2026_27 = []string{"District", "Division", "Area", "Club Number", "Club Name", "Club Status", "CSP", "Mem. Base", "Active Members", "Net Growth", "Goals Met", "Level 1s", "Level 2s or EOM", "Add. Level 2s or EOM", "Level 3s", "Level 4s, Path Completions, or DTM Awards", "Add. Level 4s, Path Completions, or DTM award", "New Members", "Add. New Members", "Off. Trained Round 1", "Off. Trained Round 2", "Mem. dues on time Oct", "Mem. dues on time Apr", "Off. List On Time", "Club Distinguished Status"}

func goalSet(ks ...int) [10]bool {
	var g [10]bool
	for _, k := range ks {
		g[k-1] = true
	}
	return g
}

// The real 2019-20 header reads: each goal has its own column (CL/AL/DTMs
// beside Level 4s and Level 5s), either program meets goals 1–6, the
// breakdown is marked approximate, and the level comes from Goals Met.
func TestRealHeader2019_20(t *testing.T) {
	if len(header2019_20) != 29 {
		t.Fatalf("%d columns", len(header2019_20))
	}
	rows := [][]string{
		// Traditional only: CCs 2+2 (g1,g2), AC 1 (g3), CL 1+1 (g5,g6), 4 new (g7), 4/4 trained (g9), Oct + list (g10) = 8 → S at 25 members.
		{"61", "A", "01", "00000101", "Trad Club", "Active", "24", "25", "8", "2", "2", "1", "0", "1", "1", "0", "0", "0", "0", "0", "0", "4", "0", "4", "4", "1", "0", "1", "S"},
		// Pathways only: all ten (g6 by Level 5s) → P at 22 members.
		{"61", "A", "01", "00000102", "Path Club", "Active", "20", "22", "10", "0", "0", "0", "0", "0", "0", "4", "2", "2", "2", "1", "1", "4", "4", "4", "4", "0", "1", "1", "P"},
		// 1 CC + 3 Level 1s meets no goal 1 here; Level 2s 2 (g2), AC 1 (g3) = 2 explained, TI says 3: approximate, no level (12 members, growth 2).
		{"61", "A", "02", "00000103", "Mixed Club", "Active", "10", "12", "3", "1", "0", "1", "0", "0", "0", "3", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", ""},
		// Level 4s beside an empty CL/AL/DTMs: g1, g2, g4, g5, g7 = 5 → D at 20 members.
		{"61", "B", "03", "00000104", "Level Four Club", "Active", "20", "20", "5", "0", "0", "0", "0", "0", "0", "4", "2", "0", "2", "1", "0", "4", "0", "0", "0", "0", "0", "0", "D"},
	}
	rep, err := ReadClubPerformance("club-performance.csv", csvBytes(header2019_20, rows, "Month of Jun, As of 07/15/2020"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Era != EraTransition || rep.ProgramYear != "2019-2020" || len(rep.Warnings) != 0 {
		t.Fatalf("era %q py %q warnings %v", rep.Era, rep.ProgramYear, rep.Warnings)
	}
	want := [][10]bool{
		goalSet(1, 2, 3, 5, 6, 7, 9, 10),
		goalSet(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
		goalSet(2, 3),
		goalSet(1, 2, 4, 5, 7),
	}
	unexplained := []int{0, 0, 1, 0}
	for i, c := range rep.Clubs {
		if c.DCPGoals != want[i] || c.GoalsUnexplained() != unexplained[i] || !c.GoalsApproximate {
			t.Errorf("%s: goals %v (unexplained %d, approximate %v), want %v (%d)", c.ClubID, c.DCPGoals, c.GoalsUnexplained(), c.GoalsApproximate, want[i], unexplained[i])
		}
		if c.DistinguishedLevel != c.DistinguishedStatus {
			t.Errorf("%s: level %q, reported %q", c.ClubID, c.DistinguishedLevel, c.DistinguishedStatus)
		}
	}
	if g := rep.Clubs[3].Goals; g.Level4s != 1 || g.Level1s != 4 || g.AddLevel4s != 0 {
		t.Errorf("Level Four Club columns %+v", g)
	}
	if !strings.Contains(strings.Join(rep.AwardColumns[:], "|"), "Level 4s") {
		t.Errorf("award columns %v", rep.AwardColumns)
	}
}

// The real 2026-27 header: "Level 2s or EOM" meets goals 2 and 3; CSP and
// Smedley rules apply.
func TestRealHeader2026_27(t *testing.T) {
	rows := [][]string{
		// The spec's 2025-26 example row: all ten goals, 44 members, CSP Y → M.
		{"61", "A", "03", "04544358", "Stittsville Toastmasters Club", "Active", "Y", "37", "44", "7", "10", "4", "2", "3", "5", "1", "2", "4", "16", "7", "7", "1", "1", "1", "M"},
		// The same without a CSP: no level at all.
		{"61", "A", "03", "04544359", "No Plan Club", "Active", "N", "37", "44", "7", "10", "4", "2", "3", "5", "1", "2", "4", "16", "7", "7", "1", "1", "1", ""},
		// EOM awards only: Level 2s or EOM 2 + 2 more (g2, g3), 4 new (g7) = 3.
		{"61", "B", "04", "04544360", "Online Club", "Active", "Y", "15", "19", "4", "3", "0", "2", "2", "0", "0", "0", "4", "0", "0", "0", "0", "0", "0", ""},
	}
	rep, err := ReadClubPerformance("club-performance.csv", csvBytes(header2026_27, rows, "Month of Aug, As of 08/31/2026"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Era != EraEOM || rep.ProgramYear != "2026-2027" || len(rep.Warnings) != 0 {
		t.Fatalf("era %q py %q warnings %v", rep.Era, rep.ProgramYear, rep.Warnings)
	}
	want := []([10]bool){goalSet(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), goalSet(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), goalSet(2, 3, 7)}
	for i, c := range rep.Clubs {
		if c.DCPGoals != want[i] || c.GoalsApproximate || c.GoalsUnexplained() != 0 {
			t.Errorf("%s: goals %v approximate %v", c.ClubID, c.DCPGoals, c.GoalsApproximate)
		}
		if c.DistinguishedLevel != c.DistinguishedStatus {
			t.Errorf("%s: level %q, reported %q", c.ClubID, c.DistinguishedLevel, c.DistinguishedStatus)
		}
	}
}

// Assemble applies the new-club rules once the district report gives the
// charter date: goal 9 for a club chartered after September 1 with round-2
// training alone, nothing for August 31, September 1 or an unknown date;
// the level always follows Goals Met.
func TestAssembleNewClubRules(t *testing.T) {
	// Every club: Level 1s 4, Level 2s 2 + 2, Level 3s 2 (goals 1-4), R1 0,
	// R2 5, list on time 1 and April dues 1 (goal 10): 5 goals explained by
	// the columns, 21 members. The dashboard reports 6 (goal 9 credited).
	type nc struct {
		id, charter     string
		goalsMet, newM  int
		letter          string
		credited        []int
		wantUnexplained int
	}
	clubs := []nc{
		{"28000001", "Charter 08/31/24", 6, 0, "D", nil, 1},
		{"28000002", "Charter 09/01/24", 6, 0, "D", nil, 1},
		{"28000003", "Charter 09/02/24", 6, 0, "D", []int{9}, 0},
		{"28000004", "", 6, 0, "D", nil, 1},
		// 4 new members (goal 7) + goal 9 credit = 7 → S; the columns alone
		// explain 6, which would have been D.
		{"28000005", "Charter 11/14/24", 7, 4, "S", []int{9}, 0},
	}
	var crows [][]string
	var drows []DistrictClubRow
	var cells []string
	for _, c := range clubs {
		crows = append(crows, []string{"91", "A", "01", c.id, "New " + c.id, "Active", "20", "21", strconv.Itoa(c.goalsMet), "4", "2", "2", "2", "0", "0", strconv.Itoa(c.newM), "0", "0", "5", "0", "1", "1", c.letter})
		drows = append(drows, DistrictClubRow{DivisionID: "A", AreaID: "01", ClubID: c.id, ClubName: "New " + c.id, DistinguishedStatus: c.letter})
		cells = append(cells, c.charter)
	}
	footer := "Month of Jun, As of 07/10/2025"
	club, err := ReadClubPerformance("club-performance.csv", csvBytes(clubHeaders[EraPathways], crows, footer))
	if err != nil {
		t.Fatal(err)
	}
	if len(club.Warnings) != 0 { // every difference may still be a new-club credit
		t.Errorf("club warnings %v", club.Warnings)
	}
	dist, err := ReadDistrictPerformance("district-performance.csv", districtCSV("91", drows, cells, footer))
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := Assemble("91", club, nil, dist, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range d.ClubDetails {
		w := clubs[i]
		if !reflect.DeepEqual(c.GoalCredits, w.credited) || c.GoalsUnexplained() != w.wantUnexplained {
			t.Errorf("%s (%q): credits %v unexplained %d, want %v %d", c.ClubID, w.charter, c.GoalCredits, c.GoalsUnexplained(), w.credited, w.wantUnexplained)
		}
		if c.DistinguishedLevel != w.letter {
			t.Errorf("%s: level %q, want %q", c.ClubID, c.DistinguishedLevel, w.letter)
		}
	}
	// Idempotent: applying the rules again changes nothing.
	again := d.ClubDetails[4]
	ApplyNewClubRules(&again, "2024-2025")
	if !reflect.DeepEqual(again, d.ClubDetails[4]) {
		t.Errorf("second application changed the club: %+v", again)
	}
}

// Real D91 2024-25 exports, assembled with the district report's charter
// dates: the breakdown explains every Goals Met and the level matches every
// letter; no new-club credit is given where TI gave none.
func TestRealAssembledD91(t *testing.T) {
	club, err := ReadClubPerformance("club-performance-D91-2024-2025.csv", readReal(t, "club-performance-D91-2024-2025.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dist, err := ReadDistrictPerformance("district-performance-D91-2024-2025.csv", readReal(t, "district-performance-D91-2024-2025.csv"))
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := Assemble("91", club, nil, dist, nil)
	if err != nil {
		t.Fatal(err)
	}
	explained, levels, charters, credited := 0, 0, 0, 0
	for _, c := range d.ClubDetails {
		if c.GoalsUnexplained() == 0 {
			explained++
		} else {
			t.Errorf("%s: Goals Met %d, breakdown %v (credits %v, charter %q)", c.ClubID, c.GoalsMet, c.DCPGoals, c.GoalCredits, c.CharterDate)
		}
		if c.DistinguishedLevel == c.DistinguishedStatus {
			levels++
		} else {
			t.Errorf("%s: level %q, reported %q", c.ClubID, c.DistinguishedLevel, c.DistinguishedStatus)
		}
		if c.CharterDate != "" {
			charters++
		}
		credited += len(c.GoalCredits)
	}
	t.Logf("D91 2024-25: goals explained %d/%d, levels %d/%d, %d clubs with a charter date, %d goals credited", explained, len(d.ClubDetails), levels, len(d.ClubDetails), charters, credited)
}

// A 2025-26 club without a CSP whose letter a new-club CSP credit explains
// is not a read-time level warning; Assemble, given the charter date, gives
// it the letter. Chartered April 1 it stays without a level.
func TestNewClubCSPCredit(t *testing.T) {
	// 6 goals (1-4 by the columns, 7 and 10), 22 members, CSP N, letter D.
	row := []string{"61", "A", "01", "28009999", "April Club", "Active", "N", "0", "22", "22", "6", "4", "2", "2", "2", "0", "0", "4", "0", "0", "0", "0", "1", "1", "D"}
	footer := "Month of May, As of 05/31/2026"
	club, err := ReadClubPerformance("club-performance.csv", csvBytes(clubHeaders[EraCSP], [][]string{row}, footer))
	if err != nil {
		t.Fatal(err)
	}
	if len(club.Warnings) != 0 || club.Clubs[0].DistinguishedLevel != "" {
		t.Fatalf("warnings %v, level %q before the charter date is known", club.Warnings, club.Clubs[0].DistinguishedLevel)
	}
	for charter, want := range map[string]string{"Charter 04/02/26": "D", "Charter 04/01/26": ""} {
		dist, err := ReadDistrictPerformance("district-performance.csv", districtCSV("61",
			[]DistrictClubRow{{DivisionID: "A", AreaID: "01", ClubID: "28009999", ClubName: "April Club", DistinguishedStatus: "D"}}, []string{charter}, footer))
		if err != nil {
			t.Fatal(err)
		}
		d, _, err := Assemble("61", club, nil, dist, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.ClubDetails[0].DistinguishedLevel; got != want {
			t.Errorf("%s: level %q, want %q", charter, got, want)
		}
	}
}
