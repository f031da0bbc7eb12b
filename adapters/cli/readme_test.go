package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// readmeTable returns the rows of the first Markdown table after heading
// (cells trimmed), without the header and separator rows.
func readmeTable(t *testing.T, heading string) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, heading)
	if i < 0 {
		t.Fatalf("README has no %q", heading)
	}
	var rows [][]string
	inTable := false
	for _, line := range strings.Split(text[i:], "\n")[1:] {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		rows = append(rows, cells)
	}
	if len(rows) < 3 {
		t.Fatalf("README table under %q is empty", heading)
	}
	return rows[2:]
}

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// realBinaries builds toaststats and toaststats-server once per test run.
func realBinaries(t testing.TB) (cli, server string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the real binaries")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "toaststats-bin")
		if binErr != nil {
			return
		}
		for pkg, name := range map[string]string{".": "toaststats", "../http": "toaststats-server"} {
			if out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, name), pkg).CombinedOutput(); err != nil {
				binErr = errors.New(string(out))
				return
			}
		}
	})
	if binErr != nil {
		t.Fatalf("go build: %v", binErr)
	}
	return filepath.Join(binDir, "toaststats"), filepath.Join(binDir, "toaststats-server")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines left running after the tests:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// helpFlags runs `bin args... -h` and returns the flag names it lists.
func helpFlags(t *testing.T, bin string, args ...string) []string {
	t.Helper()
	cmd := exec.Command(bin, append(args, "-h")...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, _ := cmd.CombinedOutput()
	re := regexp.MustCompile(`(?m)^\s+-([a-z][a-z0-9-]*)`)
	var names []string
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		names = append(names, m[1])
	}
	if len(names) == 0 {
		t.Fatalf("%s %v -h lists no flag:\n%s", bin, args, out)
	}
	sort.Strings(names)
	return slices.Compact(names)
}

// TestREADMEFlagsTable compares every command's -h with the README's flags
// table: every flag a command has is documented for it, and every flag the
// table documents for a command exists.
func TestREADMEFlagsTable(t *testing.T) {
	cli, server := realBinaries(t)
	documented := map[string][]string{}
	flagRe := regexp.MustCompile("`(--?[a-z][a-z0-9-]*)`")
	for _, row := range readmeTable(t, "## Flags and environment") {
		for _, cmd := range strings.Split(row[0], ",") {
			cmd = strings.TrimSpace(cmd)
			for _, m := range flagRe.FindAllStringSubmatch(row[1], -1) {
				documented[cmd] = append(documented[cmd], strings.TrimLeft(m[1], "-"))
			}
		}
	}
	names := []string{"server"}
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		var got []string
		if name == "server" {
			got = helpFlags(t, server)
		} else {
			got = helpFlags(t, cli, name)
		}
		want := documented[name]
		sort.Strings(want)
		want = slices.Compact(want)
		for _, f := range got {
			if !slices.Contains(want, f) {
				t.Errorf("%s has flag -%s, missing from the README's flags table", name, f)
			}
		}
		for _, f := range want {
			if !slices.Contains(got, f) {
				t.Errorf("README documents -%s for %s, which has no such flag", f, name)
			}
		}
	}
	for cmd := range documented {
		if _, ok := commands[cmd]; !ok && cmd != "server" {
			t.Errorf("README's flags table names %q, which is no command", cmd)
		}
	}
}

// TestExitCodeContract runs the real binary for every row of the README's
// exit-code table and checks the code, and that the table and the code's
// constants agree.
func TestExitCodeContract(t *testing.T) {
	cli, _ := realBinaries(t)
	scenarios := map[int]func(t *testing.T) (args []string, env []string){
		exitOK: func(t *testing.T) ([]string, []string) {
			dir := fixtureDataDir(t, "2025-11-14")
			return []string{"build", "--data-dir", dir}, []string{"TOASTSTATS_NOW=" + snapshotTestNow}
		},
		exitFailed: func(t *testing.T) ([]string, []string) {
			dir := fixtureDataDir(t, "2025-11-14")
			if err := os.Remove(filepath.Join(dir, "raw-csv", "2025-11-14", "district-42", "club-performance.csv")); err != nil {
				t.Fatal(err)
			}
			return []string{"build", "--data-dir", dir}, []string{"TOASTSTATS_NOW=" + snapshotTestNow}
		},
		exitUsage: func(t *testing.T) ([]string, []string) {
			return []string{"verify", "--data-dir", filepath.Join(t.TempDir(), "dtaa")}, nil
		},
		exitUnreachable: func(t *testing.T) ([]string, []string) {
			// A loopback port nothing listens on.
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l.Addr().String()
			l.Close()
			return []string{"scrape", "--mode", "http", "--rate", "0", "--base-url", "http://" + addr, "--data-dir", t.TempDir()}, nil
		},
	}
	rows := readmeTable(t, "### Exit status")
	var codes []int
	for _, row := range rows {
		code, err := strconv.Atoi(row[0])
		if err != nil {
			t.Fatalf("exit-code row %q: %v", row, err)
		}
		codes = append(codes, code)
		scenario, ok := scenarios[code]
		if !ok {
			t.Errorf("README documents exit code %d, which the program does not use", code)
			continue
		}
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			args, env := scenario(t)
			cmd := exec.Command(cli, args...)
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
			out, err := cmd.CombinedOutput()
			got := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				got = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if got != code {
				t.Errorf("toaststats %s: exit %d, want %d (%s)\n%s", strings.Join(args, " "), got, code, row[1], out)
			}
		})
	}
	for code := range scenarios {
		if !slices.Contains(codes, code) {
			t.Errorf("exit code %d is not in the README's exit-code table", code)
		}
	}
}
