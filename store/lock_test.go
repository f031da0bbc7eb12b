package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// lockChildEnv names the data directory in which TestDirLockHolderChild
// holds the lock "build".
const lockChildEnv = "TOASTSTATS_STORE_LOCK_CHILD"

// TestDirLockHolderChild is the child of TestDirLockHonoursContext: it
// takes the lock "build" of the directory lockChildEnv names, prints
// "held", and releases it once its stdin closes. It does nothing unless
// started by that test.
func TestDirLockHolderChild(t *testing.T) {
	dir := os.Getenv(lockChildEnv)
	if dir == "" {
		t.Skip("child of TestDirLockHonoursContext only")
	}
	d, err := NewDirObjects(dir)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	unlock, err := d.Lock(context.Background(), "build")
	if err != nil {
		fmt.Println("lock:", err)
		os.Exit(4)
	}
	fmt.Println("held")
	_, _ = io.Copy(io.Discard, os.Stdin)
	unlock()
	os.Exit(0)
}

// openLockFiles counts this process's open descriptors of the lock file
// of "build" in dir (-1 where /proc/self/fd is not there to tell).
func openLockFiles(t *testing.T, dir string) int {
	t.Helper()
	if runtime.GOOS != "linux" {
		return -1
	}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	want, err := filepath.EvalSymlinks(filepath.Join(dir, ".locks", "build.lock"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && target == want {
			n++
		}
	}
	return n
}

// While another holder has the lock of a local directory (another
// process, another DirObjects of this process: flock locks belong to open
// files, or another caller of the same DirObjects), Lock with a context
// cancelled after 100 ms returns context.Canceled before the holder
// releases, holding nothing and keeping no lock file open; once the
// holder releases, Lock succeeds.
func TestDirLockHonoursContext(t *testing.T) {
	if os.Getenv(lockChildEnv) != "" {
		t.Skip("in child")
	}
	// hold takes the lock for the test and returns its release.
	holders := map[string]func(t *testing.T, dir string, waiter *DirObjects) (release func()){
		"another process": func(t *testing.T, dir string, _ *DirObjects) func() {
			cmd := exec.Command(os.Args[0], "-test.run=^TestDirLockHolderChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), lockChildEnv+"="+dir)
			cmd.Stderr = os.Stderr
			stdin, err := cmd.StdinPipe()
			must(t, err)
			stdout, err := cmd.StdoutPipe()
			must(t, err)
			must(t, cmd.Start())
			if sc := bufio.NewScanner(stdout); !sc.Scan() || sc.Text() != "held" {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatalf("child: %q", sc.Text())
			}
			return func() {
				stdin.Close()
				if err := cmd.Wait(); err != nil {
					t.Errorf("child: %v", err)
				}
			}
		},
		"another DirObjects": func(t *testing.T, dir string, _ *DirObjects) func() {
			d, err := NewDirObjects(dir)
			must(t, err)
			t.Cleanup(func() { d.Close() })
			unlock, err := d.Lock(context.Background(), "build")
			must(t, err)
			return unlock
		},
		"the same DirObjects": func(t *testing.T, _ string, waiter *DirObjects) func() {
			unlock, err := waiter.Lock(context.Background(), "build")
			must(t, err)
			return unlock
		},
	}
	for _, name := range []string{"another process", "another DirObjects", "the same DirObjects"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			waiter, err := NewDirObjects(dir)
			must(t, err)
			defer waiter.Close()
			release := holders[name](t, dir, waiter)
			fds := openLockFiles(t, dir)

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(100*time.Millisecond, cancel)
			type result struct {
				unlock func()
				err    error
			}
			got := make(chan result, 1)
			go func() {
				unlock, err := waiter.Lock(ctx, "build")
				got <- result{unlock, err}
			}()
			var r result
			select {
			case r = <-got:
			case <-time.After(time.Minute):
				release()
				if r = <-got; r.unlock != nil {
					r.unlock()
				}
				t.Fatalf("Lock returned (%v) only after the holder released, not when its context was cancelled", r.err)
			}
			if r.unlock != nil || !errors.Is(r.err, context.Canceled) || !strings.Contains(r.err.Error(), "lock build") {
				t.Fatalf("Lock while held, cancelled: unlock %v, err %v; want context.Canceled", r.unlock != nil, r.err)
			}
			if n := openLockFiles(t, dir); n != fds {
				t.Errorf("%d descriptors of the lock file open after the cancelled Lock, %d before", n, fds)
			}

			release()
			unlock, err := waiter.Lock(context.Background(), "build")
			if err != nil {
				t.Fatalf("Lock after the holder released: %v", err)
			}
			// Held now: another DirObjects cannot have it until unlock.
			other, err := NewDirObjects(dir)
			must(t, err)
			defer other.Close()
			short, cancelShort := context.WithCancel(context.Background())
			cancelShort()
			if u, err := other.Lock(short, "build"); !errors.Is(err, context.Canceled) {
				if u != nil {
					u()
				}
				t.Fatalf("a second Lock while the first is held: %v, want context.Canceled", err)
			}
			unlock()
			u, err := other.Lock(context.Background(), "build")
			must(t, err)
			u()
		})
	}
}
