package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/toaststats/toaststats/store"
)

func runTrashCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, _, code := runCLI(t, nil, append([]string{"trash"}, args...)...)
	return out, code
}

// TestTrashCommand: a date deleted the way the server deletes it is listed,
// restored byte for byte, and purged only by the CLI.
func TestTrashCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	csv := []byte("REGION,DISTRICT\n05,42\n")
	for _, d := range []string{"2025-08-30", "2025-08-31"} {
		if err := st.Raw().Put(ctx, d, "", store.ReportSummary, csv, store.PutInfo{}); err != nil {
			t.Fatal(err)
		}
		if err := st.Raw().DeleteDate(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	out, code := runTrashCLI(t, "list", "--data-dir", dir, "--json")
	var got trashOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 || len(got.Trash) != 2 {
		t.Fatalf("list: %d %v %s", code, err, out)
	}
	first, second := got.Trash[0], got.Trash[1]
	if _, code := runTrashCLI(t, "restore", "--data-dir", dir, first.ID); code != 0 {
		t.Fatalf("restore: %d", code)
	}
	if b, err := st.Raw().Get(ctx, first.Date, "", store.ReportSummary); err != nil || !bytes.Equal(b, csv) {
		t.Fatalf("restored %s: %q %v", first.Date, b, err)
	}
	if _, code := runTrashCLI(t, "restore", "--data-dir", dir, "2025-01-01.1"); code != 1 {
		t.Fatalf("restore of an unknown id: exit %d, want 1", code)
	}
	for _, bad := range [][]string{{}, {"empty"}, {"purge", "--data-dir", dir}, {"restore", "--data-dir", dir}, {"list"}, {"purge", "--data-dir", dir, "--all", second.ID}} {
		if _, code := runTrashCLI(t, bad...); code != 2 {
			t.Errorf("trash %q: exit %d, want 2", bad, code)
		}
	}
	if out, code := runTrashCLI(t, "purge", "--data-dir", dir, "--all"); code != 0 || out != "purged "+second.ID+"\n" {
		t.Fatalf("purge --all: %d %q", code, out)
	}
	if list, _ := st.Raw().TrashList(ctx); len(list) != 0 {
		t.Fatalf("trash after purge: %v", list)
	}
}
