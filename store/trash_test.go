package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestRawTrashRoundTrip: deleting a date moves it, byte for byte, to the
// trash; it lists with its date and time, restores to the same bytes,
// refuses to overwrite a date collected again, and only Purge destroys it.
func TestRawTrashRoundTrip(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 14, 9, 0, 0, 0, time.UTC)
	st := openTest(t, Options{Now: func() time.Time { return now }})
	rc := st.Raw()
	csv := []byte("Club Number,Club Name\n1,Alpha\n")
	must(t, rc.Put(ctx, "2025-09-13", "42", ReportClub, csv, PutInfo{}))

	must(t, rc.DeleteDate(ctx, "2025-09-13"))
	if rc.Has(ctx, "2025-09-13", "42", ReportClub) {
		t.Fatal("date still cached after delete")
	}
	list, err := rc.TrashList(ctx)
	must(t, err)
	// The id is the date and the deletion time in nanoseconds:
	// 2025-09-14T09:00:00Z = 1757840400 s.
	want := TrashEntry{ID: "2025-09-13.1757840400000000000", Date: "2025-09-13", DeletedAt: now}
	if len(list) != 1 || list[0] != want {
		t.Fatalf("trash = %+v, want [%+v]", list, want)
	}
	b, err := st.Objects().Read(ctx, "raw-trash/"+want.ID+"/district-42/club-performance.csv")
	if err != nil || string(b) != string(csv) {
		t.Fatalf("trashed bytes = %q %v", b, err)
	}
	if _, err := rc.Trash(ctx, "2025-09-13"); !errors.Is(err, ErrNotCached) {
		t.Fatalf("trash of an absent date: %v", err)
	}

	// The date is collected again: restoring must not overwrite it.
	must(t, rc.Put(ctx, "2025-09-13", "42", ReportClub, []byte("Club Number\n2\n"), PutInfo{}))
	if _, err := rc.Restore(ctx, want.ID); !errors.Is(err, ErrRestoreConflict) {
		t.Fatalf("restore over a cached date: %v", err)
	}
	now = now.Add(time.Second)
	second, err := rc.Trash(ctx, "2025-09-13")
	must(t, err)
	if _, err := rc.Restore(ctx, want.ID); err != nil {
		t.Fatal(err)
	}
	got, err := rc.Get(ctx, "2025-09-13", "42", ReportClub)
	if err != nil || string(got) != string(csv) {
		t.Fatalf("restored = %q %v", got, err)
	}
	list, _ = rc.TrashList(ctx)
	if len(list) != 1 || list[0].ID != second.ID {
		t.Fatalf("trash after restore = %+v", list)
	}
	for _, bad := range []string{"../x", "2025-09-13", "2025-09-13.x", "2025-09-13.1"} {
		if _, err := rc.Restore(ctx, bad); !errors.Is(err, ErrTrashNotFound) {
			t.Errorf("restore %q: %v", bad, err)
		}
		if err := rc.Purge(ctx, bad); !errors.Is(err, ErrTrashNotFound) {
			t.Errorf("purge %q: %v", bad, err)
		}
	}
	must(t, rc.Purge(ctx, second.ID))
	if list, _ := rc.TrashList(ctx); len(list) != 0 {
		t.Fatalf("trash after purge = %+v", list)
	}
	if ents, err := st.Objects().List(ctx, "raw-trash/"+second.ID+"/"); len(ents) != 0 {
		t.Fatalf("purged folder still there: %v %v", ents, err)
	}
}

// FuzzTrashID: a trash id parses only as a valid date and a non-negative
// nanosecond count, and what parses prints back to the same id.
func FuzzTrashID(f *testing.F) {
	for _, s := range []string{"2025-09-13.1757840400000000000", "2025-09-13", "../x", "2025-02-30.1", "2025-09-13.-1", "2025-09-13.1.2", "2025-09-13.+5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		e, err := parseTrashID(id)
		if err != nil {
			if !errors.Is(err, ErrTrashNotFound) {
				t.Fatalf("%q: %v", id, err)
			}
			return
		}
		if ValidDate(e.Date) != nil || e.ID != id {
			t.Fatalf("%q parsed as %+v", id, e)
		}
		if _, err := checkKey(rawTrashPrefix+id+"/", true); err != nil {
			t.Fatalf("%q parses but is no valid key: %v", id, err)
		}
	})
}

// TestRawTrashAll: every cached date moves to the trash, oldest first, and
// the cache is empty after; an empty cache trashes nothing.
func TestRawTrashAll(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 14, 9, 0, 0, 0, time.UTC)
	st := openTest(t, Options{Now: func() time.Time { return now }})
	rc := st.Raw()
	csv := []byte("Club Number,Club Name\n1,Alpha\n")
	for _, d := range []string{"2025-09-13", "2025-09-11"} {
		must(t, rc.Put(ctx, d, "42", ReportClub, csv, PutInfo{}))
	}
	got, err := rc.TrashAll(ctx)
	must(t, err)
	if len(got) != 2 || got[0].Date != "2025-09-11" || got[1].Date != "2025-09-13" ||
		got[0].ID != "2025-09-11.1757840400000000000" {
		t.Fatalf("TrashAll = %+v", got)
	}
	if dates, _ := rc.Dates(ctx); len(dates) != 0 {
		t.Fatalf("dates after TrashAll = %v", dates)
	}
	if list, _ := rc.TrashList(ctx); len(list) != 2 {
		t.Fatalf("trash = %+v", list)
	}
	if again, err := rc.TrashAll(ctx); err != nil || len(again) != 0 {
		t.Fatalf("TrashAll of an empty cache = %+v, %v", again, err)
	}
}
