package pages

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// memory is a Source and View over fixed data.
type memory struct {
	points   map[string][]analytics.Point
	ranked   []toaststats.RankedSnapshot
	rankings *snapshot.RankingsFile // the page's own snapshot's; nil: none
	err      error                  // returned by every Source read when set
}

func (m *memory) District(_ context.Context, id string) ([]analytics.Point, string, error) {
	return m.points[id], "", m.err
}

func (m *memory) Rankings(context.Context) ([]toaststats.RankedSnapshot, error) {
	return m.ranked, m.err
}

func (m *memory) RankPoints(_ context.Context, id, start, end string) ([]analytics.Point, error) {
	return toaststats.RankPointsOf(m.ranked, id, start, end), m.err
}

func (m *memory) RankingsShared(context.Context) (*snapshot.RankingsFile, error) {
	if m.rankings == nil {
		return nil, store.ErrNoRankings
	}
	return m.rankings, nil
}

func (m *memory) DistrictIDs() []string { return []string{"61"} }

// TestHomeLoadsMoves: the home page of 2025-10-15 compares with the
// rankings of 2025-10-08 (the newest on or before 15-7 = 10-08) and of
// 2025-09-15 (on or before 10-15 minus a month). District 61 was 3rd on
// 10-08 and 4th on 09-15 and is 1st now: moves 3-1 = 2 and 4-1 = 3.
func TestHomeLoadsMoves(t *testing.T) {
	rank := func(id string, r int) snapshot.DistrictRanking {
		return snapshot.DistrictRanking{DistrictID: id, OverallRank: r}
	}
	m := &memory{
		ranked: []toaststats.RankedSnapshot{
			{ID: "2025-09-15", Rankings: []snapshot.DistrictRanking{rank("61", 4), rank("42", 1)}},
			{ID: "2025-10-08", Rankings: []snapshot.DistrictRanking{rank("61", 3), rank("42", 1)}},
			{ID: "2025-10-12", Rankings: []snapshot.DistrictRanking{rank("61", 2), rank("42", 1)}},
		},
		rankings: &snapshot.RankingsFile{Rankings: []snapshot.DistrictRanking{rank("61", 1), rank("42", 2)}},
	}
	p, err := Home(context.Background(), m, At{View: m, ID: "2025-10-15"}, url.Values{"sort": {"name"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.WeekDate != "2025-10-08" || p.MonthDate != "2025-09-15" || p.Sort != "name" || p.Title != "District rankings" {
		t.Fatalf("page %+v", p)
	}
	r61, r42 := p.Rows[0], p.Rows[1]
	if *r61.WeekMove != 2 || *r61.MonthMove != 3 || !r61.HasPage || *r42.WeekMove != -1 || r42.HasPage {
		t.Errorf("61: week %d month %d page %v; 42: week %d page %v", *r61.WeekMove, *r61.MonthMove, r61.HasPage, *r42.WeekMove, r42.HasPage)
	}
	m.rankings = nil
	var re *ReadError
	if _, err := Home(context.Background(), m, At{View: m, ID: "2025-10-15"}, nil); !errors.As(err, &re) || re.Op != OpRankings || !errors.Is(err, store.ErrNoRankings) {
		t.Errorf("no rankings: %v", err)
	}
}

// TestLoadErrors: what a page names and the snapshots do not hold is a
// NotFoundError saying which and where; a failed read is a ReadError
// naming what was read.
func TestLoadErrors(t *testing.T) {
	d := &snapshot.District{DistrictID: "61", Divisions: []snapshot.Division{{DivisionID: "A", Areas: []snapshot.Area{{DivisionID: "A", AreaID: "01"}}}}}
	m := &memory{points: map[string][]analytics.Point{"61": {{Date: "2025-06-30", District: d}, {Date: "2025-10-01", District: d}}}}
	ctx := context.Background()
	at := At{View: m, ID: "2025-10-15"}
	for _, c := range []struct {
		name   string
		err    error
		is     error
		detail string
	}{
		{"unknown district", func() error { _, err := District(ctx, m, at, "42"); return err }(), ErrDistrictNotFound, "No snapshot contains district 42"},
		// A page of 2025-06-01 reads 2024-07-01..2025-06-01: both points
		// are later.
		{"no point this year", func() error { _, err := Clubs(ctx, m, At{View: m, ID: "2025-06-01"}, "61", nil); return err }(), ErrDistrictNotFound, "No snapshot of this program year up to 2025-06-01 contains district 61"},
		{"division", func() error { _, err := Division(ctx, m, at, "61", "B", nil); return err }(), ErrDivisionNotFound, "Division B is not in District 61 on 2025-10-01"},
		{"area", func() error { _, err := Area(ctx, m, at, "61", "A", "09", nil); return err }(), ErrAreaNotFound, "Area 09 is not in Division A of District 61 on 2025-10-01"},
	} {
		var nf *NotFoundError
		if !errors.As(c.err, &nf) || !errors.Is(c.err, c.is) || nf.Detail != c.detail {
			t.Errorf("%s: %v", c.name, c.err)
		}
	}
	if _, err := Club(ctx, m, at, "61", "123"); !errors.Is(err, analytics.ErrClubNotFound) {
		t.Errorf("unknown club: %v", err)
	}
	m.err = errors.New("disk gone")
	var re *ReadError
	if _, err := Clubs(ctx, m, at, "61", nil); !errors.As(err, &re) || re.Op != OpSeries || err.Error() != "read series: disk gone" {
		t.Errorf("failed read: %v", err)
	}
}

// TestDistrictLinksCarryDate: a district page of a snapshot chosen by date
// links its CSV export with that date; the current one without.
func TestDistrictLinksCarryDate(t *testing.T) {
	d := &snapshot.District{DistrictID: "61"}
	m := &memory{points: map[string][]analytics.Point{"61": {{Date: "2025-10-01", District: d}}}}
	for byDate, want := range map[bool]string{true: "/api/districts/61/export?format=csv&date=2025-10-01", false: "/api/districts/61/export?format=csv"} {
		p, err := District(context.Background(), m, At{View: m, ID: "2025-10-01", ByDate: byDate}, "61")
		if err != nil {
			t.Fatal(err)
		}
		if p.CSV != want || p.Title != "District 61" || len(p.JSON) != 5 {
			t.Errorf("by date %v: CSV %q title %q, %d JSON links", byDate, p.CSV, p.Title, len(p.JSON))
		}
	}
}

// TestClubsTableSaysSuspended: a suspended club's row in the clubs table
// (and its CSV) says it is suspended, as its club page does, not "–" as if
// the analytics had no answer; an active club's row keeps its need
// (4 goals met of the 5 for Distinguished and 20 members: the fifth goal
// comes cheapest as goal 7, 4 new members).
func TestClubsTableSaysSuspended(t *testing.T) {
	d := &snapshot.District{DistrictID: "61", ClubDetails: []snapshot.Club{
		{ClubID: "00000001", ClubName: "Open", DivisionID: "A", AreaID: "01", Status: "Active", ActiveMembers: 20, MembershipBase: 20, GoalsMet: 4},
		{ClubID: "00000002", ClubName: "Closed", DivisionID: "A", AreaID: "01", Status: snapshot.ClubSuspended, MembershipBase: 20, GoalsMet: 0},
	}}
	m := &memory{points: map[string][]analytics.Point{"61": {{Date: "2025-10-01", District: d}}}}
	p, err := Clubs(context.Background(), m, At{View: m, ID: "2025-10-01"}, "61", nil)
	if err != nil {
		t.Fatal(err)
	}
	needs := map[string]string{}
	for _, r := range p.Clubs {
		needs[r.ClubID] = needText(r.Need)
	}
	if needs["00000002"] != "Suspended: no level can be earned" {
		t.Errorf("suspended club's row says %q", needs["00000002"])
	}
	if needs["00000001"] != "4 new members for Distinguished" {
		t.Errorf("active club's row says %q", needs["00000001"])
	}
	var buf bytes.Buffer
	if err := WriteClubsCSV(&buf, p.ClubsRows()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\n00000002,Closed,A,01,Suspended,0,20,0,0,,intervention-required,Club suspended,,Suspended: no level can be earned\n") {
		t.Errorf("csv:\n%s", buf.String())
	}
}
