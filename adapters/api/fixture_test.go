package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// fixedNow is the clock of the fixture server: 2026-01-20 noon UTC.
var fixedNow = time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

// fixtureDates are the snapshot ids of the standard fixture: they span a
// month-end close and a program-year boundary (2025-06-30 / 2025-07-01).
var fixtureDates = []string{"2025-06-29", "2025-06-30", "2025-07-15", "2025-07-16", "2025-08-31"}

// fixtureDistricts have detailed statistics; rankedOnly appear only in the
// rankings.
var (
	fixtureDistricts = []string{"42", "61", "F"}
	rankedOnly       = []string{"7", "U"}
)

func boolp(b bool) *bool { return &b }

// makeClub builds one club whose numbers depend on the day index.
func makeClub(district string, n, day int) snapshot.Club {
	base := 10 + 4*n
	active := base + (day%3)*(n-1) // club 0 shrinks, others grow
	goals := snapshot.GoalCounts{Level1s: n + day%2, Level2s: n / 2, NewMembers: n, OfficersRound1: 4, OfficersRound2: n % 2 * 4, DuesOnTimeOct: 1, OfficerListOnTime: 1}
	c := snapshot.Club{
		ClubID:         clubIDFor(district, n),
		ClubName:       fmt.Sprintf("Club %d of %s", n, district),
		DivisionID:     string(rune('A' + n%2)),
		AreaID:         fmt.Sprintf("%d", 1+n%3),
		Status:         snapshot.ClubActive,
		MembershipBase: base,
		ActiveMembers:  active,
		NetGrowth:      active - base,
		GoalsMet:       n + day%2,
		Goals:          goals,
		Payments:       &snapshot.ClubPayments{New: n, OctRenewals: base, TotalToDate: base + n},
	}
	if n == 0 {
		c.Status = snapshot.ClubLow
		c.ActiveMembers = 8
		c.NetGrowth = 8 - base
	}
	if n >= 3 {
		c.DistinguishedStatus = snapshot.LevelDistinguished
		c.DistinguishedLevel = snapshot.LevelDistinguished
	}
	c.DCPGoals[0] = goals.Level1s >= 4
	return c
}

func makeDistrict(id, date string, day int) snapshot.DistrictFile {
	return makeDistrictN(id, date, day, 5)
}

// makeDistrictN builds a district with nclubs clubs (at least 5).
func makeDistrictN(id, date string, day, nclubs int) snapshot.DistrictFile {
	var clubs []snapshot.Club
	total, baseSum := 0, 0
	for n := range nclubs {
		c := makeClub(id, n, day)
		clubs = append(clubs, c)
		total += c.ActiveMembers
		baseSum += c.MembershipBase
	}
	d := snapshot.District{
		DistrictID: id, AsOfDate: date, DataMonth: date[:7], ProgramYear: programYearOfDate(date), Region: "Region 5",
		Membership: snapshot.Membership{Total: total, Base: baseSum, Change: total - baseSum, Payments: snapshot.Payments{New: 10 + day, October: 40, Total: 50 + day}},
		Clubs:      snapshot.ClubCounts{Total: 5, Active: 4, Low: 1, Distinguished: 2, DistinguishedOnly: 2},
		Education:  snapshot.Education{TotalAwards: 12 + day, ByType: []snapshot.AwardCount{{Type: "Level 1s", Count: 8 + day}, {Type: "Level 2s", Count: 4}}, TopClubs: []snapshot.ClubAwards{{ClubID: clubs[4].ClubID, ClubName: clubs[4].ClubName, Awards: 6}}},
		Divisions: []snapshot.Division{
			{DivisionID: "A", Standing: snapshot.Standing{ClubBase: 3, PaidClubs: 3, DistinguishedClubs: 1, PaidGoals: snapshot.TierGoals{Distinguished: 3, Select: 4, Presidents: 4}, DistinguishedGoals: snapshot.TierGoals{Distinguished: 2, Select: 2, Presidents: 3}},
				Areas: []snapshot.Area{{AreaID: "1", DivisionID: "A", ClubIDs: []string{clubs[0].ClubID}}}},
			{DivisionID: "B", Standing: snapshot.Standing{ClubBase: 2, PaidClubs: 2, DistinguishedClubs: 1}},
		},
		ClubDetails: clubs,
	}
	return snapshot.DistrictFile{DistrictID: id, DistrictName: "District " + id, CollectedAt: fixedNow.AddDate(0, -6, 0), Status: snapshot.StatusSuccess, Data: d}
}

func programYearOfDate(date string) string {
	var y, m int
	fmt.Sscanf(date, "%d-%d", &y, &m)
	if m < 7 {
		y--
	}
	return fmt.Sprintf("%d-%d", y, y+1)
}

func makeRankings(date string, day int) *snapshot.RankingsFile {
	return makeRankingsFor(date, day, append(append([]string(nil), fixtureDistricts...), rankedOnly...))
}

func makeRankingsFor(date string, day int, ids []string) *snapshot.RankingsFile {
	rf := &snapshot.RankingsFile{Metadata: snapshot.RankingsMetadata{
		SnapshotID: date, CalculatedAt: fixedNow.AddDate(0, -6, 0), SchemaVersion: snapshot.SchemaVersion, CalculationVersion: snapshot.CalculationVersion,
		RankingVersion: snapshot.RankingVersion, SourceCsvDate: date, CsvFetchedAt: fixedNow.AddDate(0, -6, 0), TotalDistricts: len(ids), FromCache: true,
	}}
	for i, id := range ids {
		pos := (i+day)%len(ids) + 1
		rf.Rankings = append(rf.Rankings, snapshot.DistrictRanking{
			DistrictID: id, DistrictName: "District " + id, Region: "Region 5", PaidClubs: 100 + i, PaidClubBase: 100, ClubGrowthPercent: float64(i),
			TotalPayments: 1000 + 10*i, PaymentBase: 1000, PaymentGrowthPercent: float64(i), ActiveClubs: 99 + i, DistinguishedClubs: 20 + i,
			ClubsRank: pos, PaymentsRank: pos, DistinguishedRank: pos, AggregateScore: 3 * (len(ids) - pos + 1), OverallRank: pos, RegionRank: pos,
		})
	}
	return rf
}

func makeSnapshot(date string, day int) *snapshot.Snapshot {
	snap := &snapshot.Snapshot{Metadata: snapshot.Metadata{
		SnapshotID: date, CreatedAt: fixedNow.AddDate(0, -5, day), SchemaVersion: snapshot.SchemaVersion, CalculationVersion: snapshot.CalculationVersion,
		RankingVersion: snapshot.RankingVersion, Status: snapshot.StatusSuccess, ConfiguredDistricts: fixtureDistricts, SuccessfulDistricts: fixtureDistricts,
		FailedDistricts: []string{}, Errors: []string{}, Warnings: []string{}, DistrictErrors: []snapshot.DistrictError{}, ProcessingDuration: 42,
		Source: "test-fixture", DataAsOfDate: date, CollectionDate: date, LogicalDate: date, DataMonth: date[:7], ProgramYear: programYearOfDate(date),
		IsClosingPeriodData: boolp(false),
	}, Rankings: makeRankings(date, day)}
	for _, id := range fixtureDistricts {
		snap.Districts = append(snap.Districts, makeDistrict(id, date, day))
	}
	return snap
}

// openFixtureStore opens a data directory with the standard fixture
// published (or empty when publish is false).
func openFixtureStore(t testing.TB, dir string, publish bool) *store.Store {
	t.Helper()
	st, err := store.Create(dir, store.Options{Now: clock})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	if publish {
		h := toaststats.NewHistory(st, nil)
		for i, d := range fixtureDates {
			snap := makeSnapshot(d, i)
			if err := st.Snapshots().Publish(context.Background(), snap); err != nil {
				t.Fatalf("publish %s: %v", d, err)
			}
			// Every other date is in the history index (as the Builder
			// records it), the others are read from their snapshot: the
			// goldens of the series routes hold for both paths mixed.
			if i%2 == 0 {
				if err := h.Record(context.Background(), snap); err != nil {
					t.Fatalf("index %s: %v", d, err)
				}
			}
		}
	}
	return st
}

// testServer is a fixture server on a loopback httptest listener.
type testServer struct {
	*httptest.Server
	srv   *Server
	store *store.Store
	dir   string
}

func newTestServer(t testing.TB, publish bool, cfg Config, deps Deps) *testServer {
	t.Helper()
	dir := t.TempDir()
	st := openFixtureStore(t, dir, publish)
	deps.Store = st
	if deps.Now == nil {
		deps.Now = clock
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Version == "" {
		cfg.Version = "test"
	}
	srv := NewServer(cfg, deps)
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return &testServer{Server: hs, srv: srv, store: st, dir: dir}
}

// do sends a request and returns the response with its body read.
func (ts *testServer) do(t testing.TB, method, path string, hdr map[string]string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		t.Fatalf("new request %s %s: %v", method, path, err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	// Keep the transport from adding Accept-Encoding (and decoding) itself.
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, b
}

// newLoopbackServer serves h on a loopback httptest listener with the
// production http.Server limits.
func newLoopbackServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	hs := httptest.NewUnstartedServer(h)
	hs.Config.MaxHeaderBytes = 16 << 10
	hs.Config.ReadHeaderTimeout = 5 * time.Second
	hs.Start()
	t.Cleanup(hs.Close)
	return hs
}

func clubIDFor(district string, n int) string {
	prefix, ok := map[string]string{"42": "1", "61": "2", "F": "3"}[district]
	if !ok {
		prefix = "9" + district
	}
	return fmt.Sprintf("%s%04d", prefix, 100+n)
}

// errorBody decodes an error answer (httpkit.Error.WriteJSON).
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details any    `json:"details"`
	} `json:"error"`
}
