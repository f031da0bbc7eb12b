package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// A compare-and-swap through two handles on one location (two processes,
// or two hosts on one bucket): a write with the version read lands once,
// a second one with the same (now stale) version is refused and changes
// nothing, and a version read before a DeleteVersioned never brings the
// object back.
func TestWriteIfVersion(t *testing.T) {
	ctx := context.Background()
	a, b := twoHandles(t)
	key := "assessments/42/month-2025-07.json"

	if _, _, err := ReadVersion(ctx, a.Objects(), key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadVersion of an absent object: %v, want fs.ErrNotExist", err)
	}
	if ok, err := WriteIfVersion(ctx, a.Objects(), key, []byte("first"), ""); !ok || err != nil {
		t.Fatalf(`create with version "" = %v, %v`, ok, err)
	}
	if ok, err := WriteIfVersion(ctx, b.Objects(), key, []byte("second create"), ""); ok || err != nil {
		t.Fatalf(`a second create with version "" = %v, %v; want false, nil`, ok, err)
	}
	data, v1, err := ReadVersion(ctx, b.Objects(), key)
	must(t, err)
	if string(data) != "first" || v1 == "" {
		t.Fatalf("ReadVersion = %q, %q", data, v1)
	}
	// Both handles read v1; the first write wins, the second is refused.
	if ok, err := WriteIfVersion(ctx, a.Objects(), key, []byte("update by a"), v1); !ok || err != nil {
		t.Fatalf("write with the version read = %v, %v", ok, err)
	}
	if ok, err := WriteIfVersion(ctx, b.Objects(), key, []byte("update by b"), v1); ok || err != nil {
		t.Fatalf("write with a stale version = %v, %v; want false, nil", ok, err)
	}
	data, v2, err := ReadVersion(ctx, b.Objects(), key)
	must(t, err)
	if string(data) != "update by a" || v2 == v1 {
		t.Fatalf("after a refused write: %q (version %q, was %q)", data, v2, v1)
	}
	// Replaced whole after the read: the write is refused.
	must(t, WriteVersioned(ctx, a.Objects(), key, []byte("replaced by a")))
	if ok, err := WriteIfVersion(ctx, b.Objects(), key, []byte("update by b"), v2); ok || err != nil {
		t.Fatalf("write of a version read before a WriteVersioned = %v, %v; want false, nil", ok, err)
	}
	data, v3, err := ReadVersion(ctx, b.Objects(), key)
	must(t, err)
	if string(data) != "replaced by a" || v3 == v2 {
		t.Fatalf("after WriteVersioned: %q (version %q, was %q)", data, v3, v2)
	}
	// Deleted after the read: the write is refused, the object stays gone.
	if removed, err := DeleteVersioned(ctx, a.Objects(), key); !removed || err != nil {
		t.Fatalf("DeleteVersioned of a stored object = %v, %v; want true, nil", removed, err)
	}
	if ok, err := WriteIfVersion(ctx, b.Objects(), key, []byte("resurrected"), v3); ok || err != nil {
		t.Fatalf("write of a version read before the delete = %v, %v; want false, nil", ok, err)
	}
	if got, err := a.Objects().Read(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("deleted object is back: %q, %v", got, err)
	}
	// Absent: not an error, and not removed by this call.
	if removed, err := DeleteVersioned(ctx, b.Objects(), key); removed || err != nil {
		t.Fatalf("DeleteVersioned of an absent object = %v, %v; want false, nil", removed, err)
	}
	if _, err := DeleteVersioned(ctx, a.Objects(), "assessments/42/"); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("DeleteVersioned of a folder: %v, want ErrInvalidKey", err)
	}
}

// Rounds of deleters of one object, half on each of two handles on one
// location (two processes, or two hosts on one bucket), started at once:
// exactly one reports that it removed the object, the others that there
// was none. A check followed by a delete outside one lock lets several
// find the object and all report a removal.
func TestDeleteVersionedOneRemover(t *testing.T) {
	ctx := context.Background()
	a, b := twoHandles(t)
	key := "assessments/42/month-2025-07.json"
	rounds, deleters := 20, 8
	if onS3() {
		rounds = 5 // a lease per deleter: about 6 requests each
	}
	for round := range rounds {
		must(t, a.Objects().Write(ctx, key, []byte(fmt.Sprintf("round %d", round))))
		removed := make([]bool, deleters)
		errs := make([]error, deleters)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range deleters {
			objs := a.Objects()
			if i%2 == 1 {
				objs = b.Objects()
			}
			wg.Go(func() { <-start; removed[i], errs[i] = DeleteVersioned(ctx, objs, key) })
		}
		close(start)
		wg.Wait()
		must(t, errors.Join(errs...))
		if n := len(slices.DeleteFunc(slices.Clone(removed), func(r bool) bool { return !r })); n != 1 {
			t.Fatalf("round %d: %d deleters report removing the object (%v), want exactly 1", round, n, removed)
		}
		if got, err := b.Objects().Read(ctx, key); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("round %d: the object is still there: %q, %v", round, got, err)
		}
	}
}

// A backend with neither conditional writes nor a shared lock is refused:
// a read followed by a write would not be a compare-and-swap.
func TestWriteIfVersionNeedsACapability(t *testing.T) {
	objs, err := NewDirObjects(t.TempDir())
	must(t, err)
	defer objs.Close()
	ctx := context.Background()
	key := "assessments/42/month-2025-07.json"
	must(t, objs.Write(ctx, key, []byte("x")))
	bare := bareObjects{objs}
	if _, _, err := ReadVersion(ctx, bare, key); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("ReadVersion on a bare backend: %v", err)
	}
	if ok, err := WriteIfVersion(ctx, bare, key, []byte("y"), contentVersion([]byte("x"))); ok || !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("WriteIfVersion on a bare backend = %v, %v", ok, err)
	}
	if removed, err := DeleteVersioned(ctx, bare, key); removed || !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("DeleteVersioned on a bare backend = %v, %v", removed, err)
	}
	if err := WriteVersioned(ctx, bare, key, []byte("y")); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("WriteVersioned on a bare backend: %v", err)
	}
	if got, _ := objs.Read(ctx, key); string(got) != "x" {
		t.Fatalf("the object changed: %q", got)
	}
}

// On the local directory DeleteVersioned and WriteVersioned take the lock
// WriteIfVersion compares and writes under: one that arrives while a swap
// holds it lands after that swap's write, never between its comparison and
// its write (where the swap's write would bring a deleted object back, or
// replace the whole new one with an update of what was there before).
func TestVersionedWaitsForASwap(t *testing.T) {
	localOnly(t, "object storage orders writes and deletes with If-Match writes itself")
	ctx := context.Background()
	objs, err := NewDirObjects(t.TempDir())
	must(t, err)
	defer objs.Close()
	key := "assessments/42/month-2025-07.json"
	for _, tc := range []struct {
		name string
		op   func() error
		want string // "" for absent
	}{
		{"DeleteVersioned", func() error {
			removed, err := DeleteVersioned(ctx, objs, key)
			if err == nil && !removed {
				err = errors.New("DeleteVersioned found no object to remove")
			}
			return err
		}, ""},
		{"WriteVersioned", func() error { return WriteVersioned(ctx, objs, key, []byte("replaced")) }, "replaced"},
	} {
		for round := range 20 {
			must(t, objs.Write(ctx, key, []byte("old")))
			// This test plays a WriteIfVersion that has compared: it
			// holds the lock and is about to write.
			lk, err := AcquireLock(ctx, objs, casLock)
			must(t, err)
			done := make(chan error, 1)
			go func() { done <- tc.op() }()
			must(t, objs.Write(ctx, key, []byte("swapped")))
			lk.Unlock()
			must(t, <-done)
			got, err := objs.Read(ctx, key)
			switch {
			case tc.want == "" && !errors.Is(err, fs.ErrNotExist):
				t.Fatalf("%s, round %d: the delete landed inside the swap: %q is stored after both (%v)", tc.name, round, got, err)
			case tc.want != "" && string(got) != tc.want:
				t.Fatalf("%s, round %d: the write landed inside the swap: %q is stored after both (%v)", tc.name, round, got, err)
			}
		}
	}
}

const casChildEnv = "TOASTSTATS_STORE_CAS_CHILD"

// casIncrements is how many times each writer increments the counter.
const casIncrements = 25

// increment adds one to the decimal counter under key by compare-and-swap,
// reading again until its write lands, and returns the value it wrote.
func increment(ctx context.Context, objs Objects, key string) (int, error) {
	for {
		data, version, err := ReadVersion(ctx, objs, key)
		if err != nil {
			return 0, err
		}
		n, err := strconv.Atoi(string(data))
		if err != nil {
			return 0, fmt.Errorf("counter %q: %w", data, err)
		}
		ok, err := WriteIfVersion(ctx, objs, key, []byte(strconv.Itoa(n+1)), version)
		if err != nil {
			return 0, err
		}
		if ok {
			return n + 1, nil
		}
	}
}

// TestCompareAndSwapChild is the child of TestCompareAndSwapAcrossProcesses:
// two writers of its own increment the counter, and it prints every value
// they wrote. It does nothing unless started by that test.
func TestCompareAndSwapChild(t *testing.T) {
	loc := os.Getenv(casChildEnv)
	if loc == "" {
		t.Skip("child of TestCompareAndSwapAcrossProcesses only")
	}
	st, err := Open(loc, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	fmt.Println("ready")
	out, err := incrementAll(context.Background(), st.Objects(), 2)
	if err != nil {
		fmt.Println("increment:", err)
		os.Exit(4)
	}
	for _, v := range out {
		fmt.Println(v)
	}
	os.Exit(0)
}

// incrementAll runs writers goroutines incrementing the counter
// casIncrements times each, and returns the values they wrote.
func incrementAll(ctx context.Context, objs Objects, writers int) ([]int, error) {
	var mu sync.Mutex
	var out []int
	var errs []error
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range casIncrements {
				v, err := increment(ctx, objs, "cas/counter")
				mu.Lock()
				out, errs = append(out, v), append(errs, err)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// Two processes (each with two writers) increment one counter by
// read-modify-write with ReadVersion and WriteIfVersion: every increment
// lands, each value is written exactly once, and the counter ends at the
// number of increments. A read followed by a plain write loses increments
// (two writers both write n+1).
func TestCompareAndSwapAcrossProcesses(t *testing.T) {
	if os.Getenv(casChildEnv) != "" {
		t.Skip("in child")
	}
	ctx := context.Background()
	loc := testLocation(t)
	st, err := Create(loc, Options{})
	must(t, err)
	defer st.Close()
	must(t, st.Objects().Write(ctx, "cas/counter", []byte("0")))

	cmd := exec.Command(os.Args[0], "-test.run=^TestCompareAndSwapChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), casChildEnv+"="+loc)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || sc.Text() != "ready" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child: %q", sc.Text())
	}
	mine, err := incrementAll(ctx, st.Objects(), 2)
	var theirs []int
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if v, err := strconv.Atoi(sc.Text()); err == nil {
			theirs = append(theirs, v)
		}
	}
	if werr := cmd.Wait(); werr != nil {
		t.Fatalf("child: %v: %s", werr, strings.Join(lines, "\n"))
	}
	must(t, err)
	all := slices.Sorted(slices.Values(append(mine, theirs...)))
	const total = 4 * casIncrements
	for i, v := range all {
		if v != i+1 {
			t.Fatalf("values written %v, want each of 1..%d once (this process %d, the child %d)", all, total, len(mine), len(theirs))
		}
	}
	if len(all) != total {
		t.Fatalf("%d increments landed, want %d", len(all), total)
	}
	got, err := st.Objects().Read(ctx, "cas/counter")
	must(t, err)
	if string(got) != strconv.Itoa(total) {
		t.Fatalf("counter %s, want %d", got, total)
	}
}
