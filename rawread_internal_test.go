package toaststats

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/toaststats/toaststats/store"
)

// TestReadRawAgreesWithGet: the Builder's raw read (RawCache.GetWith, one metadata read
// per build) gives exactly what RawCache.Get gives, file by file: the same
// bytes, or the same kind of error (missing, checksum mismatch), including
// a report caught mid-replacement (pending checksum).
func TestReadRawAgreesWithGet(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const date = "2025-11-14"
	src := filepath.Join("testdata", "cache", date, "district-61")
	reports := []store.Report{store.ReportClub, store.ReportDivision, store.ReportDistrict}
	for _, r := range reports {
		b, err := os.ReadFile(filepath.Join(src, r.FileName()))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Raw().Put(ctx, date, "61", r, b, store.PutInfo{}); err != nil {
			t.Fatal(err)
		}
	}
	folder := filepath.Join(dir, "raw-csv", date, "district-61")
	// Club report: corrupted on disk.
	club := filepath.Join(folder, "club-performance.csv")
	b, _ := os.ReadFile(club)
	if err := os.WriteFile(club, append(b, 'x'), 0o600); err != nil {
		t.Fatal(err)
	}
	// Division report: replaced, crash before the checksum moved (the new
	// bytes' checksum is only pending).
	div := filepath.Join(folder, "division-performance.csv")
	b, _ = os.ReadFile(div)
	newDiv := bytes.Replace(b, []byte(`"1"`), []byte(`"0"`), 1)
	if err := os.WriteFile(div, newDiv, 0o600); err != nil {
		t.Fatal(err)
	}
	mdPath := filepath.Join(dir, "raw-csv", date, "metadata.json")
	var raw map[string]any
	mb, _ := os.ReadFile(mdPath)
	if err := json.Unmarshal(mb, &raw); err != nil {
		t.Fatal(err)
	}
	integrity := raw["integrity"].(map[string]any)
	integrity["pendingChecksums"] = map[string]any{"district-61/division-performance.csv": sha256hex(newDiv)}
	mb, _ = json.Marshal(raw)
	if err := os.WriteFile(mdPath, mb, 0o600); err != nil {
		t.Fatal(err)
	}

	b2 := NewBuilder(st, BuilderOptions{})
	md, err := st.Raw().Metadata(ctx, date)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append(reports, store.ReportSummary) {
		id := "61"
		if r == store.ReportSummary {
			id = "" // not cached at all
		}
		want, wantErr := st.Raw().Get(ctx, date, id, r)
		got := b2.readRaw(ctx, md, date, id, r)
		if !bytes.Equal(got.data, want) {
			t.Errorf("%s: bytes differ from Get", r)
		}
		if (wantErr == nil) != (got.err == nil) || (wantErr != nil && reasonOf(wantErr) != reasonOf(got.err)) {
			t.Errorf("%s: error %v, Get says %v", r, got.err, wantErr)
		}
		var ce *store.ChecksumError
		if r == store.ReportClub && !errors.As(got.err, &ce) {
			t.Errorf("corrupted club report: %v", got.err)
		}
		if r == store.ReportDivision && got.err != nil {
			t.Errorf("report with a pending checksum: %v", got.err)
		}
	}
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
