package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/toaststats/toaststats/adapters/api"
	"github.com/toaststats/toaststats/store"
)

// mainArgs is set in the environment of the processes runMain starts: the
// test binary then runs the program's main with these arguments (JSON)
// instead of the tests, so the exit status is the real one.
const mainArgs = "TOASTSTATS_SERVER_TEST_MAIN_ARGS"

func TestMain(m *testing.M) {
	if a := os.Getenv(mainArgs); a != "" {
		var args []string
		if err := json.Unmarshal([]byte(a), &args); err != nil {
			panic(err)
		}
		os.Args = append([]string{"toaststats-server"}, args...)
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// runMain runs the server program as its own process (the test binary,
// see TestMain) with args and the TOASTSTATS_ variables of env (none from
// this process), and returns its exit status and stderr. It is for starts
// that fail: a server that starts listening instead is stopped (SIGKILL)
// and reported as exit status -1.
func runMain(t *testing.T, env map[string]string, args ...string) (int, string) {
	t.Helper()
	a, err := json.Marshal(append([]string{"--addr", "127.0.0.1:0", "--huge-heap-mb", "0", "--gc-floor-mb", "0", "--rebuild-interval", "0"}, args...))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0])
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TOASTSTATS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, mainArgs+"="+string(a))
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The first line on stdout is "listening on ..." once the server is
	// up; a failed start closes stdout without one.
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	started := strings.HasPrefix(line, "listening on ")
	if started {
		_ = cmd.Process.Kill()
	}
	_, _ = io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	var ee *exec.ExitError
	switch {
	case started:
		return -1, stderr.String()
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stderr.String()
	}
	t.Fatalf("run the server: %v", err)
	return 0, ""
}

// TestMissingDataDirExits2: a data directory that does not exist (a typo)
// is a configuration error, exit status 2, with a message naming the path
// and the command that creates it; the server does not create it (it used
// to, and then served 503s from an empty store forever).
func TestMissingDataDirExits2(t *testing.T) {
	root := t.TempDir()
	typo := filepath.Join(root, "dta")
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"flag", nil, []string{"--data-dir", typo}, "toaststats init --data-dir " + typo},
		{"environment", map[string]string{"TOASTSTATS_DATA_DIR": typo}, nil, "toaststats init --data-dir " + typo},
		{"file URL", nil, []string{"--store", "file://" + filepath.ToSlash(typo)}, "toaststats init --store file://" + filepath.ToSlash(typo)},
	} {
		code, stderr := runMain(t, tc.env, tc.args...)
		if code != 2 || !strings.Contains(stderr, "data directory ") || !strings.Contains(stderr, " does not exist") || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, want 2 with %q:\n%s", tc.name, code, tc.want, stderr)
		}
		if _, err := os.Stat(typo); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%s: the server created %s (%v)", tc.name, typo, err)
		}
	}
	// A file where the directory should be is a configuration error too.
	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stderr := runMain(t, nil, "--data-dir", file); code != 2 || !strings.Contains(stderr, "not a directory") {
		t.Errorf("--data-dir naming a file: exit %d, want 2:\n%s", code, stderr)
	}
}

// TestBadAdminTokenFileExits2: an admin-token file the server cannot use
// is a configuration error, exit status 2, with a message naming the file
// and what is wrong with it; the file is left as it was.
func TestBadAdminTokenFileExits2(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(path string) error
		want  string
	}{
		{"readable by others", func(p string) error { return writeMode(p, "0123456789abcdef0123456789abcdef\n", 0o644) }, "is readable by others"},
		{"empty", func(p string) error { return writeMode(p, "", 0o600) }, "holds no usable token (at least 16 characters)"},
		{"too short", func(p string) error { return writeMode(p, "short\n", 0o600) }, "holds no usable token (at least 16 characters)"},
		{"unreadable (a directory)", func(p string) error { return os.Mkdir(p, 0o700) }, "is a directory"},
	} {
		if tc.name == "readable by others" && runtime.GOOS == "windows" {
			continue // no Unix modes
		}
		dir := t.TempDir()
		st, err := store.Create(dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		path := filepath.Join(dir, "config", "admin-token")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := tc.write(path); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(path)
		code, stderr := runMain(t, nil, "--data-dir", dir)
		if code != 2 || !strings.Contains(stderr, "unusable admin token file") || !strings.Contains(stderr, path) || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, want 2 naming %s with %q:\n%s", tc.name, code, path, tc.want, stderr)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
			t.Errorf("%s: the token file changed: %q, was %q", tc.name, after, before)
		}
	}
}

func writeMode(path, content string, mode os.FileMode) error {
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		return err
	}
	return os.Chmod(path, mode) // whatever the umask
}

// TestExitStatus: usage errors and the configuration errors both programs
// share (api.IsConfigError) exit 2, other failures 1.
func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{&usageError{"bad flag"}, 2},
		{fmt.Errorf("build: %w", store.ErrBadConfig), 2},
		{fmt.Errorf("start: %w", api.ErrBadAdminToken), 2},
		{errors.New("listen: address in use"), 1},
	} {
		if got := exitStatus(tc.err); got != tc.want {
			t.Errorf("exitStatus(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
