package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

func TestPublishAndRead(t *testing.T) {
	ctx := context.Background()
	for _, gz := range []bool{false, true} {
		st := openTest(t, Options{Gzip: gz})
		ss := st.Snapshots()
		if _, err := ss.Current(ctx); !errors.Is(err, ErrNoSnapshot) {
			t.Fatalf("empty store: Current err = %v, want ErrNoSnapshot", err)
		}
		snap := makeSnapshot("2025-10-01", snapshot.StatusSuccess, 3, 5)
		if err := ss.Publish(ctx, snap); err != nil {
			t.Fatal(err)
		}
		v, err := ss.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v.ID != "2025-10-01" || v.Metadata.Status != snapshot.StatusSuccess || len(v.Manifest.Districts) != 3 {
			t.Fatalf("view = %s %s %d", v.ID, v.Metadata.Status, len(v.Manifest.Districts))
		}
		if got := v.DistrictIDs(); len(got) != 3 || got[0] != "1" || got[2] != "3" {
			t.Fatalf("DistrictIDs = %v", got)
		}
		df, err := v.District(ctx, "2")
		if err != nil {
			t.Fatal(err)
		}
		if df.Data.Membership.Total != snap.Districts[1].Data.Membership.Total || len(df.Data.ClubDetails) != 5 {
			t.Fatalf("district 2 = %+v", df.Data.Membership)
		}
		if _, err := v.District(ctx, "99"); !errors.Is(err, ErrDistrictNotFound) {
			t.Fatalf("missing district err = %v", err)
		}
		rf, err := v.Rankings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rf.Rankings) != 3 || rf.Rankings[0].DistrictID != "1" {
			t.Fatalf("rankings = %+v", rf.Rankings)
		}
		raw, err := st.Objects().Read(ctx, "snapshots/2025-10-01/district_2.json")
		if err != nil {
			t.Fatal(err)
		}
		if isGz := bytes.HasPrefix(raw, []byte{0x1f, 0x8b}); isGz != gz {
			t.Fatalf("gzip option %v, file gzip %v", gz, isGz)
		}
	}
}

func TestRawPutGet(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	rc := st.Raw()
	data := []byte("DISTRICT,REGION\n42,1\nMonth of Jun, As of 07/01/2025\n")
	closing := true
	if err := rc.Put(ctx, "2025-07-01", "", ReportSummary, data, PutInfo{RequestedDate: "2025-07-01", DataMonth: "2025-06", ProgramYear: "2024-2025", IsClosingPeriod: &closing}); err != nil {
		t.Fatal(err)
	}
	if err := rc.Put(ctx, "2025-07-01", "f", ReportClub, data, PutInfo{}); err != nil {
		t.Fatal(err)
	}
	got, err := rc.Get(ctx, "2025-07-01", "", ReportSummary)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get = %q, %v", got, err)
	}
	av, err := rc.Availability(ctx, "2025-07-01")
	if err != nil {
		t.Fatal(err)
	}
	if !av.HasSummary || len(av.Districts["F"]) != 1 || av.Districts["F"][0] != ReportClub {
		t.Fatalf("availability = %+v", av)
	}
	md, err := rc.Metadata(ctx, "2025-07-01")
	if err != nil {
		t.Fatal(err)
	}
	if md.DataMonth != "2025-06" || md.IsClosingPeriod == nil || !*md.IsClosingPeriod || md.ClosingPeriodSource != "csv-footer" ||
		md.Integrity.FileCount != 2 || md.Integrity.TotalSize != int64(2*len(data)) || !md.CSVFiles.Districts["F"].ClubPerformance ||
		md.Integrity.Checksums["district-F/club-performance.csv"] != sha256Hex(data) {
		t.Fatalf("metadata = %+v", md)
	}
}

func TestPublishRejectsBadSnapshots(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	ss := st.Snapshots()
	cases := map[string]func(s *snapshot.Snapshot){
		"id not a date":     func(s *snapshot.Snapshot) { s.Metadata.SnapshotID = "snapshot_1" },
		"hostile id":        func(s *snapshot.Snapshot) { s.Metadata.SnapshotID = "../2025-10-01" },
		"unknown status":    func(s *snapshot.Snapshot) { s.Metadata.Status = "done" },
		"bad district id":   func(s *snapshot.Snapshot) { s.Districts[0].DistrictID = "../1" },
		"duplicate":         func(s *snapshot.Snapshot) { s.Districts[1].DistrictID = "1" },
		"duplicate by case": func(s *snapshot.Snapshot) { s.Districts[0].DistrictID = "f"; s.Districts[1].DistrictID = "F" },
	}
	for name, mutate := range cases {
		s := makeSnapshot("2025-10-01", snapshot.StatusSuccess, 2, 1)
		mutate(s)
		if err := ss.Publish(ctx, s); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := ss.Publish(ctx, nil); err == nil {
		t.Error("nil accepted")
	}
	if ents, _ := st.Objects().List(ctx, "snapshots/"); len(ents) != 0 {
		t.Fatalf("rejected publishes left %v", ents)
	}
}

// Open must never create the directory it is asked to read; Create must.
func TestOpenNeverCreates(t *testing.T) {
	base := t.TempDir()
	typo := filepath.Join(base, "dtaa")
	if _, err := Open(typo, Options{}); !errors.Is(err, ErrNoDataDir) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open(missing) err = %v, want ErrNoDataDir", err)
	}
	if _, err := os.Stat(typo); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open created %s (stat err %v)", typo, err)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(file, Options{}); err == nil {
		t.Fatal("Open(a regular file) succeeded")
	}
	st, err := Create(filepath.Join(typo, "nested"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if fi, err := os.Stat(filepath.Join(typo, "nested")); err != nil || !fi.IsDir() {
		t.Fatalf("Create did not make the directory: %v", err)
	}
	st2, err := Open(filepath.Join(typo, "nested"), Options{})
	if err != nil {
		t.Fatalf("Open after Create: %v", err)
	}
	st2.Close()
}

// TestGzipAfter: with GzipAfter, a snapshot published more than that long
// after its date is stored compressed and one published sooner is not; both
// read back the same and pass the full integrity check.
func TestGzipAfter(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	st := openTest(t, Options{GzipAfter: 45 * 24 * time.Hour, Now: func() time.Time { return now }})
	ss := st.Snapshots()
	// 2025-11-17 is 46 days and 3 h before now (> 45 days): compressed;
	// 2025-11-19 is 44 days and 3 h before: as written.
	for _, tc := range []struct {
		id string
		gz bool
	}{{"2025-11-17", true}, {"2025-11-19", false}} {
		snap := makeSnapshot(tc.id, snapshot.StatusSuccess, 2, 4)
		if err := ss.Publish(ctx, snap); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"district_1.json", "district_2.json", "all-districts-rankings.json"} {
			raw, err := st.Objects().Read(ctx, "snapshots/"+tc.id+"/"+f)
			if err != nil {
				t.Fatal(err)
			}
			if isGz := bytes.HasPrefix(raw, []byte{0x1f, 0x8b}); isGz != tc.gz {
				t.Fatalf("%s/%s: gzip %v, want %v", tc.id, f, isGz, tc.gz)
			}
		}
		v, err := ss.Get(ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if v.Manifest.Gzip != tc.gz {
			t.Fatalf("%s: manifest gzip %v, want %v", tc.id, v.Manifest.Gzip, tc.gz)
		}
		df, err := v.District(ctx, "2")
		if err != nil {
			t.Fatal(err)
		}
		if df.Data.Membership.Total != snap.Districts[1].Data.Membership.Total || len(df.Data.ClubDetails) != 4 {
			t.Fatalf("%s: district 2 = %+v, %d clubs", tc.id, df.Data.Membership, len(df.Data.ClubDetails))
		}
		chk, err := ss.CheckSnapshot(ctx, tc.id)
		if err != nil || !chk.Complete || len(chk.Problems) != 0 {
			t.Fatalf("%s: check %+v %v", tc.id, chk, err)
		}
	}
}
