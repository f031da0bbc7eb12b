package store

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// openTest opens a store in a fresh temporary directory.
func openTest(t testing.TB, opts Options) *Store {
	t.Helper()
	st, err := Open(t.TempDir(), opts)
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
