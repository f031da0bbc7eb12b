package normalize

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func readReal(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "real", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// The real files are kept byte for byte: CRLF on every line, the unquoted
// footer last.
func TestRealFixturesAreRaw(t *testing.T) {
	for name, size := range map[string]int{
		"club-performance-D91-2024-2025.csv":     24791,
		"district-performance-D91-2024-2025.csv": 17344,
	} {
		b := readReal(t, name)
		if len(b) != size {
			t.Errorf("%s: %d bytes, want %d", name, len(b), size)
		}
		if n, crlf := bytes.Count(b, []byte("\n")), bytes.Count(b, []byte("\r\n")); n != 188 || crlf != n {
			t.Errorf("%s: %d lines, %d CRLF; want 188 CRLF lines", name, n, crlf)
		}
		if !bytes.HasSuffix(b, []byte("\"\r\nMonth of Jun, As of 09/13/2025\r\n")) {
			t.Errorf("%s: footer line is not the unquoted `Month of Jun, As of 09/13/2025` + CRLF", name)
		}
	}
}

func TestRealClubPerformance2024_25(t *testing.T) {
	name := "club-performance-D91-2024-2025.csv"
	rep, err := ReadClubPerformance(name, readReal(t, name))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Era != EraPathways || rep.ProgramYear != "2024-2025" {
		t.Fatalf("era %q py %q", rep.Era, rep.ProgramYear)
	}
	if !rep.Footer.Found || rep.Footer.DataMonth != "2025-06" || rep.Footer.AsOfDate != "2025-09-13" {
		t.Fatalf("footer %+v", rep.Footer)
	}
	if len(rep.Clubs) != 186 {
		t.Fatalf("%d clubs, want 186", len(rep.Clubs))
	}
	letters := map[string]int{}
	for _, c := range rep.Clubs {
		if got := CountGoals(c.DCPGoals); got != c.GoalsMet {
			t.Errorf("club %s %q: computed %d goals %v, reported Goals Met %d", c.ClubID, c.ClubName, got, c.DCPGoals, c.GoalsMet)
		}
		if c.DistinguishedLevel != c.DistinguishedStatus {
			t.Errorf("club %s %q: computed level %q, reported %q", c.ClubID, c.ClubName, c.DistinguishedLevel, c.DistinguishedStatus)
		}
		if len(c.ClubID) != 8 {
			t.Errorf("club id %q is not 8 digits as printed", c.ClubID)
		}
		letters[c.DistinguishedStatus]++
	}
	for _, w := range rep.Warnings {
		t.Errorf("unexpected warning: %s", w)
	}
	// A few values checked by hand against the file.
	first := rep.Clubs[0]
	if first.ClubID != "00005774" || first.ClubName != "Solent Speakers Club" || first.DivisionID != "A" || first.AreaID != "01" ||
		first.MembershipBase != 20 || first.ActiveMembers != 21 || first.NetGrowth != 1 || first.GoalsMet != 5 || first.DistinguishedStatus != "D" {
		t.Errorf("first club %+v", first)
	}
	if rep.Clubs[4].ClubName != "Reading Speakers Club" {
		t.Errorf("trailing space not trimmed: %q", rep.Clubs[4].ClubName)
	}
	if letters["D"] == 0 || letters["S"] == 0 || letters["P"] == 0 || letters["M"] != 0 {
		t.Errorf("letters %v", letters)
	}
	t.Logf("letters %v", letters)
}

func TestRealDistrictPerformance2024_25(t *testing.T) {
	name := "district-performance-D91-2024-2025.csv"
	rep, err := ReadDistrictPerformance(name, readReal(t, name))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Clubs) != 186 || len(rep.Warnings) != 0 {
		t.Fatalf("%d clubs, warnings %v", len(rep.Clubs), rep.Warnings)
	}
	byID := map[string]DistrictClubRow{}
	total := 0
	for _, c := range rep.Clubs {
		byID[c.ClubID] = c
		total += c.Payments.TotalToDate
	}
	lseg := byID["28677278"]
	if lseg.CharterDate != "2024-08-05" || lseg.Payments.Charter != 20 || lseg.Payments.TotalToDate != 52 {
		t.Errorf("LSEG %+v", lseg)
	}
	amazon := byID["07569190"]
	if amazon.SuspendDate != "2025-03-31" || amazon.CharterDate != "" || amazon.Payments.TotalToDate != 0 {
		t.Errorf("Amazon %+v", amazon)
	}
	club, err := ReadClubPerformance("club-performance-D91-2024-2025.csv", readReal(t, "club-performance-D91-2024-2025.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range club.Clubs {
		d := rep.Clubs[i]
		if d.ClubID != c.ClubID || d.DivisionID != c.DivisionID || d.AreaID != c.AreaID || d.ClubName != c.ClubName {
			t.Errorf("row %d: club report %s/%s%s, district report %s/%s%s", i, c.ClubID, c.DivisionID, c.AreaID, d.ClubID, d.DivisionID, d.AreaID)
		}
		if d.DistinguishedStatus != c.DistinguishedStatus || d.DistinguishedStatus != c.DistinguishedLevel {
			t.Errorf("club %s: district letter %q, club letter %q, computed %q", c.ClubID, d.DistinguishedStatus, c.DistinguishedStatus, c.DistinguishedLevel)
		}
	}
	t.Logf("district payments total %d", total)
}
