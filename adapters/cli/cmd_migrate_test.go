package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/store"
)

// migrate into a data directory an operator already configured keeps the
// operator's districts, says so on a KEPT line (and in --json) with the
// flag that takes the source's instead, and --take-source does.
func TestMigrateKeepsConfiguredDestination(t *testing.T) {
	ctx := context.Background()
	src, dst := t.TempDir(), t.TempDir()
	for dir, ids := range map[string][]string{src: {"42", "61"}, dst: {"F"}} {
		st, err := store.Create(dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Config().Replace(ctx, ids, "test"); err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	cfg := filepath.Join("config", "districts.json")
	operator, err := os.ReadFile(filepath.Join(dst, cfg))
	if err != nil {
		t.Fatal(err)
	}

	stdout, stderr, code := runCLI(t, nil, "migrate", "--from", src, "--to", dst)
	if code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, cfg)); !bytes.Equal(b, operator) {
		t.Fatalf("the destination's configuration was replaced:\n%s", b)
	}
	const line = "  KEPT config/districts.json: the destination's configuration differs from the source's: it tracks F (changed "
	if !strings.Contains(stdout, line) || !strings.Contains(stdout, "), the source 42, 61 (changed ") ||
		!strings.Contains(stdout, ") (to take the source's: --take-source config/districts.json)\n") {
		t.Fatalf("migrate output:\n%s", stdout)
	}

	stdout, _, code = runCLI(t, nil, "migrate", "--from", src, "--to", dst, "--json")
	var out struct {
		Kept []struct{ Key, Reason, TakeSource string }
	}
	if err := json.Unmarshal([]byte(stdout), &out); code != 0 || err != nil {
		t.Fatalf("migrate --json: exit %d, %v\n%s", code, err, stdout)
	}
	if len(out.Kept) != 2 || out.Kept[1].Key != "config/districts.json" || out.Kept[1].TakeSource != "--take-source config/districts.json" ||
		!strings.HasPrefix(out.Kept[1].Reason, "the destination's configuration differs from the source's: it tracks F") ||
		out.Kept[0].Key != "config/district-changes.log" {
		t.Fatalf("kept in --json: %+v", out.Kept)
	}

	for _, bad := range []string{"nothing/", "../config"} {
		_, stderr, code := runCLI(t, nil, "migrate", "--from", src, "--to", dst, "--take-source", bad)
		if code != exitUsage || !strings.Contains(stderr, bad) {
			t.Fatalf("--take-source %s: exit %d, %s", bad, code, stderr)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dst, cfg)); !bytes.Equal(b, operator) {
		t.Fatalf("a refused migrate changed the destination's configuration:\n%s", b)
	}

	stdout, stderr, code = runCLI(t, nil, "migrate", "--from", src, "--to", dst, "--take-source", "config/")
	if code != 0 || strings.Contains(stdout, "KEPT") {
		t.Fatalf("migrate --take-source config/: exit %d\n%s%s", code, stdout, stderr)
	}
	want, _ := os.ReadFile(filepath.Join(src, cfg))
	if b, _ := os.ReadFile(filepath.Join(dst, cfg)); !bytes.Equal(b, want) {
		t.Fatalf("--take-source config/ did not take the source's configuration:\n%s", b)
	}
}
