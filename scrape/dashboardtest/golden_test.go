package dashboardtest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/toaststats/toaststats/normalize"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGolden pins the generator's bytes for a small world on dates of each
// era (a closing-period date among them) and one page: other packages build
// fixtures from these worlds, so any change must be deliberate (-update).
func TestGolden(t *testing.T) {
	cases := []struct{ from, asOf string }{
		{"2025-06-01", "2025-07-14"}, // 2024-25 era, June's close
		{"2026-04-01", "2026-04-22"}, // 2025-26, distinguished counts published
		{"2026-09-01", "2026-09-20"}, // 2026-27
	}
	for _, c := range cases {
		w := NewWorld(Config{Districts: 4, ClubsPerDistrict: 8, Seed: 2026, From: c.from, To: c.asOf})
		for _, k := range normalize.Kinds {
			id := "61"
			if k == normalize.ReportSummary {
				id = ""
			}
			b, err := w.CSV(k, id, c.asOf)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", c.asOf+"-"+k.FileName()), b)
		}
	}
	w := NewWorld(Config{Districts: 4, ClubsPerDistrict: 8, Seed: 2026, From: "2025-06-01", To: "2025-07-14"})
	s := NewServer(w)
	defer s.Close()
	golden(t, filepath.Join("testdata", "district-page.html"), get(t, s, "/2024-2025/District.aspx?id=61&month=6").body)
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (%d vs %d bytes); run go test -update if the change is deliberate", path, len(got), len(want))
	}
}
