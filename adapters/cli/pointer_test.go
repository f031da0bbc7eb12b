package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A publish that stopped before it moved current.json leaves it on the
// snapshot before: verify reports it and exits 1, --repair repoints it,
// and build moves it forward by itself (with a warning), rebuilding
// nothing.
func TestPointerLeftBehindVerifyAndBuild(t *testing.T) {
	dir := fixtureDataDir(t, "2025-11-14", "2025-12-03")
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_NOW": snapshotTestNow}
	if _, stderr, code := runCLI(t, env, "build", "--date", "2025-11-14"); code != 0 {
		t.Fatalf("build 2025-11-14: exit %d\n%s", code, stderr)
	}
	pointer := filepath.Join(dir, "current.json")
	behind, err := os.ReadFile(pointer)
	if err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, env, "build", "--date", "2025-12-03"); code != 0 {
		t.Fatalf("build 2025-12-03: exit %d\n%s", code, stderr)
	}
	leaveBehind := func() {
		t.Helper()
		if err := os.WriteFile(pointer, behind, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	leaveBehind()
	stdout, _, code := runCLI(t, env, "verify")
	if code != 1 || !strings.Contains(stdout, "current.json: 2025-11-14 INVALID: current.json names 2025-11-14 but 2025-11-30 is a newer complete successful snapshot") ||
		!strings.Contains(stdout, "verdict: UNHEALTHY") {
		t.Fatalf("verify with current.json behind: exit %d\n%s", code, stdout)
	}
	stdout, _, code = runCLI(t, env, "verify", "--repair")
	if code != 0 || !strings.Contains(stdout, "repoint current.json: 2025-11-14 -> 2025-11-30") || !strings.Contains(stdout, "verdict: HEALTHY") {
		t.Fatalf("verify --repair with current.json behind: exit %d\n%s", code, stdout)
	}

	for _, c := range []struct {
		args    []string
		nothing string // what says nothing was rebuilt
	}{
		{[]string{"build"}, "up to date, not rebuilt"},
		{[]string{"build", "--all"}, "nothing to build"},
	} {
		args := c.args
		leaveBehind()
		stdout, stderr, code := runCLI(t, env, args...)
		if code != 0 || !strings.Contains(stderr, "moved it forward") || !strings.Contains(stderr, "from=2025-11-14 to=2025-11-30") {
			t.Fatalf("%v with current.json behind: exit %d\n%s\n%s", args, code, stdout, stderr)
		}
		if !strings.Contains(stdout, c.nothing) {
			t.Errorf("%v rebuilt a snapshot to move the pointer:\n%s", args, stdout)
		}
		if stdout, _, code := runCLI(t, env, "verify"); code != 0 || !strings.Contains(stdout, "current.json: 2025-11-30 ok") {
			t.Fatalf("verify after %v: exit %d\n%s", args, code, stdout)
		}
	}
}
