package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func FuzzValidDistrictID(f *testing.F) {
	for _, s := range []string{"42", "f", "District 61", "../..", "", "ABCDEFGHI", "4\x002", "ǅ", "42/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ValidDistrictID(s)
		if err != nil {
			return
		}
		if len(id) < 1 || len(id) > 8 || strings.ToUpper(s) != id {
			t.Fatalf("ValidDistrictID(%q) = %q", s, id)
		}
		for _, c := range id {
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
				t.Fatalf("ValidDistrictID(%q) = %q has %q", s, id, c)
			}
		}
		// Every key built from a valid id is a valid key inside raw-csv/.
		for _, r := range DistrictReports {
			k, _, _, err := rawKey("2025-01-01", s, r)
			if err != nil {
				t.Fatalf("rawKey with valid id %q: %v", s, err)
			}
			if _, err := checkKey(k, false); err != nil || !strings.HasPrefix(k, "raw-csv/2025-01-01/district-"+id+"/") {
				t.Fatalf("key %q: %v", k, err)
			}
		}
	})
}

func FuzzValidDate(f *testing.F) {
	for _, s := range []string{"2025-01-01", "2024-02-29", "2025-02-29", "../../..", "2025-1-1", "9999-12-31", "2025-01-01\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := ValidDate(s); err != nil {
			return
		}
		tm, err := time.Parse(time.DateOnly, s)
		if err != nil || tm.Format(time.DateOnly) != s {
			t.Fatalf("ValidDate accepted %q", s)
		}
		if _, err := checkKey("snapshots/"+s+"/metadata.json", false); err != nil {
			t.Fatalf("date %q makes a bad key: %v", s, err)
		}
	})
}

// FuzzObjectKeys feeds hostile keys to every DirObjects operation and the
// snapshot and raw APIs: nothing may be created outside the data directory.
func FuzzObjectKeys(f *testing.F) {
	for _, s := range []string{"a", "../x", "a/../../x", "/etc/passwd", "a/./b", "..", ".", "a//b", "x/", "sub/../../out", "out/../../x", "...", ".tmp-x", "a\\..\\b"} {
		f.Add(s)
	}
	base := f.TempDir()
	data := filepath.Join(base, "data")
	o, err := NewDirObjects(data)
	if err != nil {
		f.Fatal(err)
	}
	st := OpenObjects(data, o, Options{})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, key string) {
		_ = o.Write(ctx, key, []byte("x"))
		_, _ = o.Read(ctx, key)
		_, _ = o.List(ctx, key)
		_, _, _ = o.Stat(ctx, key)
		if strings.Trim(key, "/.") != "" {
			_ = o.Delete(ctx, key)
		}
		_, _ = st.Snapshots().Get(ctx, key)
		_ = st.Snapshots().Delete(ctx, key)
		_, _ = st.Raw().Get(ctx, key, key, ReportClub)
		_ = st.Raw().Put(ctx, key, key, Report(key), []byte("x\n"), PutInfo{})
		ents, err := os.ReadDir(base)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != 1 || ents[0].Name() != "data" {
			t.Fatalf("key %q created something outside the data dir: %v", key, ents)
		}
		if k, err := checkKey(key, false); err == nil {
			if strings.Contains("/"+k+"/", "/../") || strings.HasPrefix(k, "/") {
				t.Fatalf("checkKey accepted %q", key)
			}
		}
	})
}
