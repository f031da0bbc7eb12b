package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestRenameExchange runs the Windows folder exchange on this system: a
// first publish is one rename, a rebuild leaves the new folder at final and
// the old one under the staged name, and a missing staged folder changes
// nothing.
func TestRenameExchange(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, body string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(rel string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()

	write("snapshots/.gen-a/m.json", "first")
	existed, err := renameExchange(root, "snapshots", ".gen-a", "2026-03-31")
	if err != nil || existed {
		t.Fatalf("first publish: existed=%v err=%v", existed, err)
	}
	if got := read("snapshots/2026-03-31/m.json"); got != "first" {
		t.Fatalf("after first publish final holds %q", got)
	}

	write("snapshots/.gen-b/m.json", "second")
	existed, err = renameExchange(root, "snapshots", ".gen-b", "2026-03-31")
	if err != nil || !existed {
		t.Fatalf("rebuild: existed=%v err=%v", existed, err)
	}
	if got := read("snapshots/2026-03-31/m.json"); got != "second" {
		t.Fatalf("after rebuild final holds %q, want second", got)
	}
	if got := read("snapshots/.gen-b/m.json"); got != "first" {
		t.Fatalf("after rebuild staged holds %q, want the old generation", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "snapshots/.gen-b.swap")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("aside folder left behind: %v", err)
	}

	if _, err := renameExchange(root, "snapshots", ".gen-missing", "2026-03-31"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing staged folder: err = %v, want not-exist", err)
	}
	if got := read("snapshots/2026-03-31/m.json"); got != "second" {
		t.Fatalf("a failed exchange changed final to %q", got)
	}
}
