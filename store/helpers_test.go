package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store/blobstore"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// The store's tests run against the local directory by default, and
// against object storage (a MinIO started here, on loopback) when
// TOASTSTATS_TEST_BACKEND=s3: openTest and testLocation then give each test
// a fresh prefix of one bucket, and the crash test kills its child while it
// publishes to the bucket. Tests about local-file specifics skip there
// (localOnly). Without minio installed the s3 run skips, unless
// TOASTSTATS_REQUIRE_S3=1 makes it fail.
var (
	testS3       *blobtest.Server
	testS3Bucket string
	testPrefixes atomic.Int64
)

// onS3 reports whether the tests run against object storage.
func onS3() bool { return os.Getenv("TOASTSTATS_TEST_BACKEND") == "s3" }

func TestMain(m *testing.M) {
	if !onS3() {
		goleak.VerifyTestMain(m)
	}
	// The package's tests cannot import store/backends (it imports store),
	// so they register the blob backend themselves.
	RegisterBackend("s3", func(ctx context.Context, u string) (Objects, error) {
		o, err := blobstore.Open(ctx, u)
		if err != nil {
			return nil, err
		}
		return o, nil
	})
	if os.Getenv(crashEnv) != "" || os.Getenv(casChildEnv) != "" || os.Getenv(lockChildEnv) != "" {
		os.Exit(m.Run()) // a child process: its parent's server and env
	}
	dir, err := os.MkdirTemp("", "store-s3-")
	if err != nil {
		panic(err)
	}
	code := 0
	srv, err := blobtest.Start(dir)
	switch {
	case errors.Is(err, blobtest.ErrNoMinio) && !blobtest.Required():
		fmt.Println("TOASTSTATS_TEST_BACKEND=s3 but", err, "- skipping")
	case err != nil:
		fmt.Println(err)
		code = 1
	default:
		testS3 = srv
		if testS3Bucket, err = srv.Bucket(context.Background()); err != nil {
			fmt.Println(err)
			code = 1
		} else {
			code = m.Run()
		}
		srv.Stop()
	}
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Println("goroutines left running after the tests:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// testLocation returns a fresh, empty data location for one test: a
// temporary directory, or a new prefix of the test bucket on s3.
func testLocation(t testing.TB) string {
	t.Helper()
	if !onS3() {
		return t.TempDir()
	}
	return testS3.URL(testS3Bucket, fmt.Sprintf("t%d", testPrefixes.Add(1)))
}

// localOnly skips a test that is about the local directory (inodes, fsync,
// symlinks, files edited behind the store's back) on object storage.
func localOnly(t testing.TB, why string) {
	t.Helper()
	if onS3() {
		t.Skip("local directory only: " + why)
	}
}

// openTest opens a store in a fresh temporary directory (or bucket
// prefix, see TestMain).
func openTest(t testing.TB, opts Options) *Store {
	t.Helper()
	st, err := Open(testLocation(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// makeSnapshot builds a snapshot with n districts of clubs clubs each.
func makeSnapshot(id string, status snapshot.Status, n, clubs int) *snapshot.Snapshot {
	created, _ := time.Parse(time.DateOnly, id)
	created = created.Add(12 * time.Hour)
	snap := &snapshot.Snapshot{Metadata: snapshot.Metadata{
		SnapshotID: id, CreatedAt: created, SchemaVersion: snapshot.SchemaVersion,
		CalculationVersion: snapshot.CalculationVersion, Status: status, Source: "test",
		DataAsOfDate: id, LogicalDate: id, CollectionDate: id,
		Errors: []string{}, Warnings: []string{}, DistrictErrors: []snapshot.DistrictError{},
	}}
	rf := &snapshot.RankingsFile{Metadata: snapshot.RankingsMetadata{SnapshotID: id, CalculatedAt: created,
		SchemaVersion: snapshot.SchemaVersion, CalculationVersion: snapshot.CalculationVersion,
		RankingVersion: snapshot.RankingVersion, SourceCsvDate: id, TotalDistricts: n}}
	for i := 0; i < n; i++ {
		did := strconv.Itoa(i + 1)
		snap.Metadata.ConfiguredDistricts = append(snap.Metadata.ConfiguredDistricts, did)
		snap.Metadata.SuccessfulDistricts = append(snap.Metadata.SuccessfulDistricts, did)
		snap.Districts = append(snap.Districts, makeDistrict(did, id, created, clubs))
		rf.Rankings = append(rf.Rankings, snapshot.DistrictRanking{DistrictID: did, DistrictName: "District " + did,
			Region: "Region " + strconv.Itoa(i%14+1), PaidClubs: 100 + i, AggregateScore: 3 * (n - i), OverallRank: i + 1,
			ClubsRank: i + 1, PaymentsRank: i + 1, DistinguishedRank: i + 1, ClubGrowthPercent: float64(i) / 3})
	}
	snap.Rankings = rf
	return snap
}

func makeDistrict(did, date string, at time.Time, clubs int) snapshot.DistrictFile {
	d := snapshot.District{DistrictID: did, AsOfDate: date, DataMonth: date[:7], ProgramYear: "2025-2026"}
	divs := map[string]*snapshot.Division{}
	for c := 0; c < clubs; c++ {
		div := string(rune('A' + c%6))
		area := fmt.Sprintf("%s%d", div, c%4+1)
		club := snapshot.Club{ClubID: fmt.Sprintf("%08d", 1000000+c), ClubName: fmt.Sprintf("Club %d of District %s Toastmasters", c, did),
			DivisionID: div, AreaID: area, Status: snapshot.ClubActive, MembershipBase: 18 + c%7, ActiveMembers: 20 + c%11,
			NetGrowth: c%11 - c%7 + 2, GoalsMet: c % 10, DistinguishedStatus: "D", DistinguishedLevel: "D",
			Goals:       snapshot.GoalCounts{Level1s: c % 5, Level2s: c % 3, Level3s: c % 2, NewMembers: c % 6, OfficersRound1: 4, OfficersRound2: 3, DuesOnTimeOct: 1},
			Payments:    &snapshot.ClubPayments{New: c % 6, OctRenewals: 15, AprRenewals: 14, TotalRenewals: 29, TotalToDate: 35},
			CharterDate: "1998-04-01"}
		club.DCPGoals[c%10] = true
		d.ClubDetails = append(d.ClubDetails, club)
		d.Membership.ByClub = append(d.Membership.ByClub, snapshot.ClubMembership{ClubID: club.ClubID, ClubName: club.ClubName, MemberCount: club.ActiveMembers})
		d.Membership.Total += club.ActiveMembers
		if divs[div] == nil {
			divs[div] = &snapshot.Division{DivisionID: div}
		}
		dv := divs[div]
		if len(dv.Areas) == 0 || dv.Areas[len(dv.Areas)-1].AreaID != area {
			found := false
			for i := range dv.Areas {
				if dv.Areas[i].AreaID == area {
					dv.Areas[i].ClubIDs = append(dv.Areas[i].ClubIDs, club.ClubID)
					found = true
				}
			}
			if !found {
				dv.Areas = append(dv.Areas, snapshot.Area{AreaID: area, DivisionID: div, ClubIDs: []string{club.ClubID}})
			}
		}
	}
	for _, k := range []string{"A", "B", "C", "D", "E", "F"} {
		if divs[k] != nil {
			d.Divisions = append(d.Divisions, *divs[k])
		}
	}
	d.Clubs.Total = clubs
	d.Clubs.Active = clubs
	return snapshot.DistrictFile{DistrictID: did, DistrictName: "District " + did, CollectedAt: at, Status: snapshot.StatusSuccess, Data: d}
}

// objectsDigest maps every object of the store to the sha256 of its
// content (through the backend, so it works on both).
func objectsDigest(t testing.TB, st *Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	var walk func(prefix string)
	walk = func(prefix string) {
		ents, err := st.Objects().List(ctx, prefix)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if strings.HasSuffix(e, "/") {
				walk(e)
				continue
			}
			b, err := st.Objects().Read(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			out[e] = sha256Hex(b)
		}
	}
	walk("")
	return out
}

// twoHandles opens two stores on one new test location (two processes, or
// two hosts on one bucket), closed when t ends.
func twoHandles(t *testing.T) (a, b *Store) {
	t.Helper()
	loc := testLocation(t)
	a, err := Create(loc, Options{})
	must(t, err)
	t.Cleanup(func() { a.Close() })
	b, err = Open(loc, Options{})
	must(t, err)
	t.Cleanup(func() { b.Close() })
	return a, b
}
