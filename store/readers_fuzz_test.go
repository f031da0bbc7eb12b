package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// fuzzNow is the clock of the stores the readers' fuzz targets build.
var fuzzNow = time.Date(2025, 10, 4, 1, 2, 3, 4, time.UTC)

func fuzzMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// namesInput reports whether err's message names s: as it is, or quoted
// (both cut as the store cuts ids in messages).
func namesInput(err error, s string) bool {
	return strings.Contains(err.Error(), truncate(s)) || strings.Contains(err.Error(), fmt.Sprintf("%q", truncate(s)))
}

// FuzzRawMetadata stores arbitrary bytes as a date's metadata.json (a
// damaged or hand-edited file) and reads them. Metadata either answers
// ErrCorrupt naming the file, or metadata whose maps are usable and whose
// encoding is stable (what Put writes back reads as the same). A Put of
// another report of the date then succeeds and nothing is lost: the report
// reads back, the checksums the file recorded for the other reports are
// kept, and a file that did not parse is set aside byte for byte
// (quarantine/) before it is rebuilt.
func FuzzRawMetadata(f *testing.F) {
	ctx := context.Background()
	const date = "2025-09-13"
	club := []byte("Club Number,Club Name,Active Members\n1,Alpha,20\n")
	division := []byte("Division,Area,Club\nA,A1,1\n")
	clubKey := "district-42/" + ReportClub.FileName()
	divKey := "district-42/" + ReportDivision.FileName()
	mdKey := rawMetadataKey(date)

	// A real metadata.json, as Put writes it.
	st := openTest(f, Options{Now: func() time.Time { return fuzzNow }})
	closing := true
	fuzzMust(f, st.Raw().Put(ctx, date, "42", ReportClub, club, PutInfo{DataMonth: "2025-08", ProgramYear: "2025-2026", IsClosingPeriod: &closing}))
	real, err := st.Objects().Read(ctx, mdKey)
	fuzzMust(f, err)
	f.Add(real)
	f.Add(real[:len(real)/2])
	f.Add([]byte(strings.Replace(string(real), `"checksums": {`, `"pendingChecksums": {"`+divKey+`": "00"}, "checksums": {"`+divKey+`": "ab", `, 1)))
	f.Add([]byte(`{"downloadStats": {"a": [1, 2]}, "integrity": {"checksums": {"../../x": "1"}}}`))
	f.Add([]byte("null"))

	f.Fuzz(func(t *testing.T, md []byte) {
		st := openTest(t, Options{Now: func() time.Time { return fuzzNow }})
		rc := st.Raw()
		fuzzMust(t, rc.Put(ctx, date, "42", ReportClub, club, PutInfo{}))
		fuzzMust(t, st.Objects().Write(ctx, mdKey, md))

		old, err := rc.Metadata(ctx, date)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), mdKey) {
				t.Fatalf("Metadata of %q: %v, want ErrCorrupt naming %s", md, err, mdKey)
			}
		} else {
			if old.CSVFiles.Districts == nil || old.Integrity.Checksums == nil {
				t.Fatalf("Metadata of %q has nil maps: %+v", md, old)
			}
			b1, err := json.Marshal(old)
			fuzzMust(t, err)
			var again RawMetadata
			if err := json.Unmarshal(b1, &again); err != nil {
				t.Fatalf("Metadata of %q encodes as %q, which does not parse: %v", md, b1, err)
			}
			if b2, _ := json.Marshal(&again); string(b2) != string(b1) {
				t.Fatalf("Metadata of %q: encoding not stable:\n%s\n%s", md, b1, b2)
			}
		}

		if err := rc.Put(ctx, date, "42", ReportDivision, division, PutInfo{}); err != nil {
			t.Fatalf("Put over metadata %q: %v", md, err)
		}
		if got, err := rc.Get(ctx, date, "42", ReportDivision); err != nil || string(got) != string(division) {
			t.Fatalf("Get after Put over metadata %q = %q, %v", md, got, err)
		}
		now, err := rc.Metadata(ctx, date)
		if err != nil {
			t.Fatalf("Metadata after Put over %q: %v", md, err)
		}
		if _, pending := now.Integrity.Pending[divKey]; now.Date != date || now.Integrity.Checksums[divKey] != sha256Hex(division) || pending {
			t.Fatalf("metadata after Put over %q: %+v", md, now)
		}
		if old != nil {
			// A pending checksum of another report belongs to that report's
			// interrupted write: only a Put of that report settles it.
			for k, sum := range old.Integrity.Pending {
				if got, ok := now.Integrity.Pending[k]; k != divKey && (!ok || got != sum) {
					t.Fatalf("Put over %q dropped the pending checksum of %q: %q, now %q (%v)", md, k, sum, got, ok)
				}
			}
			for k, sum := range old.Integrity.Checksums {
				if k != divKey && now.Integrity.Checksums[k] != sum {
					t.Fatalf("Put over %q lost the checksum of %s: %q, now %q", md, k, sum, now.Integrity.Checksums[k])
				}
			}
			// The club report verifies as it did before the Put.
			_, before := verifyRaw(clubKey, clubKey, club, old)
			if _, err := rc.Get(ctx, date, "42", ReportClub); (err == nil) != (before == nil) {
				t.Fatalf("club report after Put over %q: %v, before: %v", md, err, before)
			}
			return
		}
		// Unparsable: set aside as it was, then rebuilt without inventing
		// checksums.
		list, err := rc.QuarantineList(ctx)
		fuzzMust(t, err)
		if len(list) != 1 || !slices.Equal(list[0].Files, []string{mdKey}) {
			t.Fatalf("quarantine after Put over unparsable %q: %+v", md, list)
		}
		kept, err := st.Objects().Read(ctx, list[0].Path+mdKey)
		if err != nil || string(kept) != string(md) {
			t.Fatalf("unparsable metadata set aside as %q, %v; want %q", kept, err, md)
		}
		if got, err := rc.Get(ctx, date, "42", ReportClub); err != nil || string(got) != string(club) {
			t.Fatalf("club report after metadata rebuilt = %q, %v", got, err)
		}
	})
}

// FuzzCurrentPointer stores arbitrary bytes as current.json. parsePointer
// either answers ErrCorrupt naming current.json, or a pointer to a valid
// snapshot id that encodes and parses back to itself; and Current serves
// what the pointer names when it is a complete successful snapshot, else
// the newest one (never an error, never anything else), whatever the
// pointer says.
func FuzzCurrentPointer(f *testing.F) {
	ctx := context.Background()
	st := openTest(f, Options{})
	ss := st.Snapshots()
	for _, s := range []struct {
		id     string
		status snapshot.Status
	}{{"2025-09-12", snapshot.StatusSuccess}, {"2025-09-13", snapshot.StatusSuccess}, {"2025-09-14", snapshot.StatusFailed}} {
		fuzzMust(f, ss.Publish(ctx, makeSnapshot(s.id, s.status, 2, 2)))
	}
	success := map[string]bool{"2025-09-12": true, "2025-09-13": true}
	real, err := st.Objects().Read(ctx, currentKey)
	fuzzMust(f, err)
	f.Add(real)
	f.Add([]byte(strings.Replace(string(real), "2025-09-13", "2025-09-12", 1)))
	f.Add([]byte(strings.Replace(string(real), "2025-09-13", "2025-09-14", 1)))
	f.Add([]byte(strings.Replace(string(real), "2025-09-13", "legacy_1", 1)))
	f.Add([]byte(strings.Replace(string(real), "2025-09-13", "../2025-09-13", 1)))
	f.Add(real[:len(real)/2])
	f.Add([]byte("null"))

	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parsePointer(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "current.json") {
				t.Fatalf("parsePointer(%q): %v, want ErrCorrupt naming current.json", b, err)
			}
		} else {
			if validSnapshotID(p.SnapshotID) != nil {
				t.Fatalf("parsePointer(%q) names %q", b, p.SnapshotID)
			}
			enc, err := json.Marshal(p)
			fuzzMust(t, err)
			q, err := parsePointer(enc)
			if err != nil || q.SnapshotID != p.SnapshotID || !q.UpdatedAt.Equal(p.UpdatedAt) || q.SchemaVersion != p.SchemaVersion || q.CalculationVersion != p.CalculationVersion {
				t.Fatalf("parsePointer(%q) = %+v, encoded %q reads as %+v, %v", b, p, enc, q, err)
			}
		}
		fuzzMust(t, st.Objects().Write(ctx, currentKey, b))
		v, err := ss.Refresh(ctx)
		if err != nil {
			t.Fatalf("Current with current.json %q: %v", b, err)
		}
		want := "2025-09-13"
		if p != nil && success[p.SnapshotID] {
			want = p.SnapshotID
		}
		if v.ID != want {
			t.Fatalf("Current with current.json %q serves %s, want %s", b, v.ID, want)
		}
	})
}

// FuzzDistrictConfig stores arbitrary bytes as config/districts.json and
// as its audit log. File either answers ErrBadConfig naming the file, or
// canonical ids (valid, upper-case, sorted, once each). An Add then either
// fails, changing neither file, or stores the old ids and the new one and
// appends to the log, keeping every byte of it.
func FuzzDistrictConfig(f *testing.F) {
	ctx := context.Background()
	st := openTest(f, Options{Now: func() time.Time { return fuzzNow }})
	cfg := st.Config()
	_, err := cfg.Replace(ctx, []string{"District 61", "42", "f"}, "admin")
	fuzzMust(f, err)
	_, err = cfg.Remove(ctx, "61", "admin")
	fuzzMust(f, err)
	file, err := st.Objects().Read(ctx, configKey)
	fuzzMust(f, err)
	log, err := st.Objects().Read(ctx, configLogKey)
	fuzzMust(f, err)
	f.Add(file, log)
	f.Add(file[:len(file)/2], log[:len(log)/2])
	f.Add([]byte(`{"configuredDistricts":["district 7"," 42 ","42","ab"]}`), []byte("{\n"))
	f.Add([]byte(`{"configuredDistricts":["../x"]}`), []byte{})
	f.Add([]byte(`{"configuredDistricts":null}`), []byte("\n\n"))

	f.Fuzz(func(t *testing.T, file, log []byte) {
		st := openTest(t, Options{Now: func() time.Time { return fuzzNow }})
		cfg, objs := st.Config(), st.Objects()
		fuzzMust(t, objs.Write(ctx, configKey, file))
		fuzzMust(t, objs.Write(ctx, configLogKey, log))

		hist, err := cfg.History(ctx, 0)
		if err != nil {
			t.Fatalf("History of %q: %v", log, err)
		}
		old, _, err := cfg.File(ctx)
		if err != nil {
			if !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), configKey) {
				t.Fatalf("File of %q: %v, want ErrBadConfig naming %s", file, err, configKey)
			}
			if _, aerr := cfg.Add(ctx, []string{"42"}, "fuzz"); aerr == nil || !errors.Is(aerr, ErrBadConfig) {
				t.Fatalf("Add over bad %q: %v", file, aerr)
			}
			if got, _ := objs.Read(ctx, configKey); string(got) != string(file) {
				t.Fatalf("refused Add changed %s from %q to %q", configKey, file, got)
			}
			if got, _ := objs.Read(ctx, configLogKey); string(got) != string(log) {
				t.Fatalf("refused Add changed %s from %q to %q", configLogKey, log, got)
			}
			return
		}
		for i, id := range old.ConfiguredDistricts {
			if c, err := ValidDistrictID(id); err != nil || c != id || i > 0 && compareDistrictIDs(old.ConfiguredDistricts[i-1], id) >= 0 {
				t.Fatalf("File of %q answers ids %q", file, old.ConfiguredDistricts)
			}
		}
		got, err := cfg.Add(ctx, []string{"42"}, "fuzz")
		if err != nil {
			t.Fatalf("Add over %q: %v", file, err)
		}
		want := slices.Clone(old.ConfiguredDistricts)
		if !slices.Contains(want, "42") {
			want = append(want, "42")
		}
		SortDistrictIDs(want)
		if !slices.Equal(got, want) {
			t.Fatalf("Add(42) over %q = %q, want %q", file, got, want)
		}
		if again, _, err := cfg.Load(ctx); err != nil || !slices.Equal(again, want) {
			t.Fatalf("Load after Add over %q = %q, %v", file, again, err)
		}
		after, err := objs.Read(ctx, configLogKey)
		fuzzMust(t, err)
		if !strings.HasPrefix(string(after), string(log)) {
			t.Fatalf("Add rewrote the audit log %q as %q", log, after)
		}
		newest, err := cfg.History(ctx, 0)
		fuzzMust(t, err)
		if len(newest) != len(hist)+1 || newest[0].Action != "add" || !slices.Equal(newest[0].NewDistricts, want) ||
			!slices.Equal(newest[0].PreviousDistricts, old.ConfiguredDistricts) {
			t.Fatalf("History after Add over log %q: %+v (before %d entries)", log, newest, len(hist))
		}
	})
}

// purgeFixture is a store with one entry of every kind Purge and Restore
// take an id of: a raw-cache trash entry, damaged raw reports set aside,
// a damaged snapshot and the leftovers of an interrupted write Recover
// moved aside, and the recovery backup that Recover wrote.
func purgeFixture(t testing.TB) (st *Store, ids map[string]string) {
	ctx := context.Background()
	clock := fuzzNow
	st = openTest(t, Options{Now: func() time.Time { return clock }})
	rc, ss := st.Raw(), st.Snapshots()
	fuzzMust(t, rc.Put(ctx, "2025-09-30", "61", ReportClub, []byte("Club Number\n1\n"), PutInfo{}))
	trashed, err := rc.Trash(ctx, "2025-09-30")
	fuzzMust(t, err)
	const date = "2025-10-01"
	key := rawPrefix + date + "/district-61/" + ReportClub.FileName()
	fuzzMust(t, rc.Put(ctx, date, "61", ReportClub, []byte("Club Number\n1\n"), PutInfo{}))
	fuzzMust(t, st.Objects().Write(ctx, key, []byte("damaged\n")))
	_, damage := rc.Get(ctx, date, "61", ReportClub)
	_, _, err = rc.SetAside(ctx, date, "61", ReportClub, damage)
	fuzzMust(t, err)
	for _, id := range []string{"2025-10-01", "2025-10-02"} {
		fuzzMust(t, ss.Publish(ctx, makeSnapshot(id, snapshot.StatusSuccess, 2, 2)))
	}
	fuzzMust(t, st.Objects().Delete(ctx, snapshotsPrefix+"2025-10-02/district_2.json"))
	fuzzMust(t, st.Objects().Write(ctx, snapshotsPrefix+genPrefix+"2025-10-03-1a/district_1.json", []byte("{}")))
	clock = clock.Add(time.Hour)
	_, err = ss.Recover(ctx)
	fuzzMust(t, err)

	ids = map[string]string{trashed.ID: rawTrashPrefix + trashed.ID + "/"}
	q, err := rc.QuarantineList(ctx)
	fuzzMust(t, err)
	for _, e := range q {
		ids[e.ID] = e.Path
	}
	b, err := rc.RecoveryBackupList(ctx)
	fuzzMust(t, err)
	for _, e := range b {
		ids[e.ID] = e.Path
	}
	if len(ids) != 5 {
		t.Fatalf("fixture entries: %v", ids)
	}
	return st, ids
}

// FuzzPurgeRestoreID gives arbitrary ids to Purge and Restore over a store
// holding one entry of each kind (trash, set-aside raw reports, a
// quarantined snapshot, quarantined leftovers, a recovery backup): the
// trash, quarantine and recovery-backup id readers. An id that names no
// entry is refused with ErrTrashNotFound and an error naming it, and the
// store is unchanged; an entry's own id purges exactly that entry; only
// the trash entry's id restores. What parses as an id prints back to
// itself.
func FuzzPurgeRestoreID(f *testing.F) {
	st, ids := purgeFixture(f)
	for id := range ids {
		f.Add(id)
		f.Add(id + "/")
		f.Add(strings.ToUpper(id))
	}
	for _, s := range []string{"", "..", "../raw-csv", "raw-", "leftovers-", "backup-", "2025-10-01", "2025-09-30.-1", "x.json", "2025-10-02-2025-10-04T02-02-03-004Z/../..",
		"backup-2025-10-04T02-02-03-004Z-ABCD", "raw-2025-10-04T01-02-03.4Z", "legacy_1-2025-10-04T02-02-03-005Z.json"} {
		f.Add(s)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, id string) {
		checkParsed(t, id)
		if _, ok := ids[id]; ok {
			// An entry's own id: purge exactly it, on a fresh fixture
			// (where a recovery backup's name has other random digits).
			st, fresh := purgeFixture(t)
			if _, ok := parseRecoveryBackupID(id); ok {
				for other := range fresh {
					if _, ok := parseRecoveryBackupID(other); ok {
						id = other
					}
				}
			}
			purgeExactly(t, st, id, fresh[id], objectsDigest(t, st))
			return
		}
		// The lock files of the names locked are left (a local directory
		// keeps its flock files): they are how the store locks, not data.
		before := withoutLocks(objectsDigest(t, st))
		err := st.Raw().Purge(ctx, id)
		if !errors.Is(err, ErrTrashNotFound) || !namesInput(err, id) {
			t.Fatalf("Purge(%q) = %v, want ErrTrashNotFound naming it", id, err)
		}
		if _, err := st.Raw().Restore(ctx, id); err == nil || !namesInput(err, id) {
			t.Fatalf("Restore(%q) = %v, want an error naming it", id, err)
		}
		if after := withoutLocks(objectsDigest(t, st)); !maps.Equal(after, before) {
			t.Fatalf("refused Purge or Restore of %q changed the store", id)
		}
	})
}

// checkParsed: an id the quarantine or recovery-backup reader accepts is
// the name the store gives such an entry, built again from
// what was read, and a valid key.
func checkParsed(t *testing.T, id string) {
	t.Helper()
	if q, ok := parseQuarantineID(id); ok {
		var rebuilt string
		switch q.Kind {
		case QuarantineRawReports:
			rebuilt = setAsideKey(q.At, "")
		case QuarantineLeftovers:
			rebuilt = quarantinePrefix + leftoversPrefix + recoverStamp(q.At) + "/"
		case QuarantineSnapshot:
			rebuilt = quarantinedSnapshotKey(q.SnapshotID, recoverStamp(q.At), strings.HasSuffix(id, ".json"))
		}
		if q.ID != id || q.Path != rebuilt || q.Path != quarantinePrefix+id+"/" && q.Path != quarantinePrefix+id {
			t.Fatalf("quarantine id %q parsed as %+v, which is named %q", id, q, rebuilt)
		}
		if _, err := checkKey(q.Path, true); err != nil {
			t.Fatalf("quarantine id %q: path %q: %v", id, q.Path, err)
		}
	}
	if b, ok := parseRecoveryBackupID(id); ok {
		stamp := backupsPrefix + backupPrefix + recoverStamp(b.At)
		rest, found := strings.CutPrefix(b.Path, stamp)
		if b.ID != id || !found || rest != "/" && (len(rest) != 2+backupRandLen || rest[0] != '-' || strings.Trim(rest[1:1+backupRandLen], "0123456789abcdef") != "") {
			t.Fatalf("backup id %q parsed as %+v", id, b)
		}
		if _, err := checkKey(b.Path, true); err != nil {
			t.Fatalf("backup id %q: path %q: %v", id, b.Path, err)
		}
	}
}

// FuzzLegacySnapshot stores arbitrary bytes as a predecessor single-file
// snapshot (snapshots/legacy_1.json), beside a sound dated snapshot. Get
// either answers ErrCorrupt naming the file, or a view of that id whose
// every listed district reads (one listed under an invalid id is refused,
// naming it); Check calls it damaged exactly when it is
// not JSON at all (and Get then refuses it too); Recover either leaves it
// in place or moves it, byte for byte, to quarantine/; the dated snapshot
// stays current.
func FuzzLegacySnapshot(f *testing.F) {
	legacy := `{"snapshot_id":"legacy_1","created_at":"2025-06-01T12:00:00Z","schema_version":"1.0.0","calculation_version":"1.0.0","status":"success","errors":[],` +
		`"payload":{"districts":[{"districtId":"42","asOfDate":"2025-05-31","membership":{"total":900}},{"districtId":"F","asOfDate":"2025-05-31"}],` +
		`"metadata":{"source":"collector","fetchedAt":"2025-06-01T12:00:00Z","dataAsOfDate":"2025-05-31","districtCount":2,"processingDurationMs":1200.5,"configuredDistricts":["42","F"],"successfulDistricts":["42","F"],"failedDistricts":[]}}}`
	f.Add([]byte(legacy))
	f.Add([]byte(legacy[:len(legacy)/2]))
	f.Add([]byte(strings.Replace(legacy, `"districtId":"F"`, `"districtId":"../f"`, 1)))
	f.Add([]byte(`{"status":"bogus","payload":{"districts":[{"districtId":"f"},{"districtId":"f"}]}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte("null"))
	ctx := context.Background()
	const id, key = "legacy_1", snapshotsPrefix + "legacy_1.json"
	f.Fuzz(func(t *testing.T, b []byte) {
		st := openTest(t, Options{Now: func() time.Time { return fuzzNow }})
		ss := st.Snapshots()
		fuzzMust(t, ss.Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 1, 1)))
		fuzzMust(t, st.Objects().Write(ctx, key, b))

		v, err := ss.Get(ctx, id)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), key) {
				t.Fatalf("Get of legacy %q: %v, want ErrCorrupt naming %s", b, err, key)
			}
		} else {
			if v.ID != id || v.Metadata.SnapshotID != id {
				t.Fatalf("Get of legacy %q = view %s (%s)", b, v.ID, v.Metadata.SnapshotID)
			}
			// The predecessor's data is read as it is, read only: a district
			// listed under an id that is no district id (never written by
			// the predecessor) is refused when read, naming it.
			for _, e := range v.Manifest.Districts {
				df, err := v.District(ctx, e.DistrictID)
				if _, bad := ValidDistrictID(e.DistrictID); bad != nil {
					if err == nil || !namesInput(err, e.DistrictID) {
						t.Fatalf("legacy %q lists district %q, which reads as %+v, %v", b, e.DistrictID, df, err)
					}
				} else if err != nil || df.DistrictID != e.DistrictID {
					t.Fatalf("legacy %q lists district %q, which reads as %+v, %v", b, e.DistrictID, df, err)
				}
			}
		}
		rep, err := ss.Check(ctx)
		fuzzMust(t, err)
		damaged := slices.Contains(rep.Corrupted, id)
		if damaged != !json.Valid(b) || damaged && v != nil {
			t.Fatalf("legacy %q: Check calls it damaged %v, Get %v", b, damaged, err)
		}
		rr, err := ss.Recover(ctx)
		fuzzMust(t, err)
		kept, err := st.Objects().Read(ctx, key)
		if err != nil {
			for _, a := range rr.Actions {
				if a.From == key {
					kept, err = st.Objects().Read(ctx, a.To)
				}
			}
		}
		if err != nil || string(kept) != string(b) {
			t.Fatalf("legacy %q after Recover (%+v): %q, %v", b, rr.Actions, kept, err)
		}
		if cur, err := ss.Refresh(ctx); err != nil || cur.ID != "2025-10-01" {
			t.Fatalf("current with legacy %q: %v, %v", b, cur, err)
		}
	})
}
