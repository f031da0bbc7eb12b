package hugeheap

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// vmaFlags returns the VmFlags of every mapping of this process that
// overlaps [lo, hi), from /proc/self/smaps.
func vmaFlags(t *testing.T, lo, hi uintptr) []string {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	var flags []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if start, end, ok := mappingRange(line); ok {
			in = start < hi && end > lo
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			flags = append(flags, strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:")))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return flags
}

// mappingRange parses a mapping's first line, "start-end perms ...".
func mappingRange(line string) (start, end uintptr, ok bool) {
	r, _, found := strings.Cut(line, " ")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(r, "-")
	if !found {
		return 0, 0, false
	}
	s, err1 := strconv.ParseUint(a, 16, 64)
	e, err2 := strconv.ParseUint(b, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(s), uintptr(e), true
}

func prepare(t *testing.T, size int) (lo, hi uintptr) {
	t.Helper()
	lo, hi, err := Prepare(size)
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("no transparent huge pages here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return lo, hi
}

// The advised range is whole huge pages, at least the size asked for, and
// the kernel has marked every mapping in it for huge pages ("hg").
func TestPrepareAdvisesHugePages(t *testing.T) {
	const size = 16 << 20
	lo, hi := prepare(t, size)
	if lo%hugePage != 0 || hi%hugePage != 0 || hi-lo < size {
		t.Fatalf("advised [%#x, %#x): want whole 2 MiB pages covering at least %d bytes", lo, hi, size)
	}
	flags := vmaFlags(t, lo, hi)
	if len(flags) == 0 {
		t.Fatalf("no mapping covers [%#x, %#x)", lo, hi)
	}
	for _, f := range flags {
		if !strings.Contains(" "+f+" ", " hg ") {
			t.Errorf("a mapping in the advised range has VmFlags %q: no hg (MADV_HUGEPAGE)", f)
		}
	}
}

// gcCycles is the number of completed collections.
func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// awaitCollection allocates a little until more than since collections
// have completed, without forcing one: Prepare leaves the ballast to the
// collection its size starts at the next allocation.
func awaitCollection(t *testing.T, since uint64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for gcCycles() <= since {
		if time.Now().After(deadline) {
			t.Fatalf("no collection completed within 10 s of Prepare (%d cycles before, %d now)", since, gcCycles())
		}
		sink = make([]byte, 64)
		runtime.Gosched()
	}
}

var sink []byte

// awaitSweep waits until the heap's objects, live or not yet swept, take
// less than size bytes: the collection found the ballast dead, and now its
// sweep has freed its pages too. Sweeping is lazy: until the ballast's span
// is swept, a large allocation may be placed beyond it (CI saw 7 of 16 so
// placed once, right after the collection).
func awaitSweep(t *testing.T, size uint64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for metrics.Read(s); s[0].Value.Uint64() >= size; metrics.Read(s) {
		if time.Now().After(deadline) {
			t.Fatalf("the ballast was not swept within 10 s of its collection (%d bytes of objects)", s[0].Value.Uint64())
		}
		sink = make([]byte, 64)
		runtime.Gosched()
	}
}

// After Prepare and the collection it leads to (once its sweep has freed
// the ballast, awaitSweep), the runtime hands out the ballast's pages: new
// allocations land in the advised range, or in
// garbage the collection freed below it (memory touched already), and none
// beyond it (fresh memory without huge pages). This is checked in a fresh
// process, as Prepare is meant to be used (at the start of one).
func TestAllocationsReuseTheRange(t *testing.T) {
	if os.Getenv("HUGEHEAP_REUSE_CHILD") == "1" {
		reuseChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAllocationsReuseTheRange$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HUGEHEAP_REUSE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var inside, beyond, n int
	var lo, hi uintptr
	if _, err := fmt.Sscanf(lastLine(string(out), "reuse "), "reuse %d inside %d beyond of %d in %x %x", &inside, &beyond, &n, &lo, &hi); err != nil {
		t.Fatalf("child said %q: %v", out, err)
	}
	if n == 0 {
		t.Skip("no transparent huge pages here")
	}
	if inside == 0 || beyond > 0 {
		t.Errorf("of %d allocations after Prepare, %d are in the advised range [%#x, %#x) and %d beyond it; want some in it and none beyond", n, inside, lo, hi, beyond)
	}
}

// reuseChild is TestAllocationsReuseTheRange's fresh process: it prints
// where the allocations made after Prepare's collection are.
func reuseChild(t *testing.T) {
	lo, hi, err := Prepare(16 << 20)
	if err != nil {
		fmt.Println("reuse 0 inside 0 beyond of 0 in 0 0")
		return
	}
	awaitCollection(t, gcCycles())
	awaitSweep(t, 16<<20)
	const n, each = 16, 512 << 10 // half the range
	keep := make([][]byte, n)
	inside, beyond := 0, 0
	for i := range keep {
		keep[i] = make([]byte, each)
		p := uintptr(unsafe.Pointer(unsafe.SliceData(keep[i])))
		switch {
		case p >= lo && p+each <= hi:
			inside++
		case p+each > hi:
			beyond++
		}
	}
	fmt.Printf("reuse %d inside %d beyond of %d in %x %x\n", inside, beyond, n, lo, hi)
}

// lastLine is the last line of s that starts with prefix.
func lastLine(s, prefix string) string {
	line := ""
	for l := range strings.Lines(s) {
		if strings.HasPrefix(l, prefix) {
			line = strings.TrimSpace(l)
		}
	}
	return line
}

// liveHeap is the heap the last collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Prepare forces no collection, yet the ballast is gone after the next
// one: the collector does not find it live (the test's own heap is a
// fraction of the ballast's 64 MiB).
func TestPrepareLeavesNoBallast(t *testing.T) {
	const size = 64 << 20
	runtime.GC() // no collection in progress: one completing in Prepare would be Prepare's
	before := gcCycles()
	prepare(t, size)
	if got := gcCycles(); got != before {
		t.Fatalf("Prepare ran %d collections; it should leave the ballast to the next natural one", got-before)
	}
	awaitCollection(t, before)
	if live := liveHeap(); live >= size {
		t.Fatalf("live heap after the collection is %d bytes: the %d-byte ballast survived it", live, size)
	}
}

// With the collector off (GOGC=off) no collection would ever free the
// ballast: Prepare then forces one itself.
func TestPrepareWithTheCollectorOff(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	const size = 64 << 20
	before := gcCycles()
	prepare(t, size)
	if gcCycles() == before {
		t.Fatal("with GOGC=off Prepare ran no collection: the ballast stays allocated for good")
	}
	if live := liveHeap(); live >= size {
		t.Fatalf("live heap after Prepare is %d bytes: the %d-byte ballast survived", live, size)
	}
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Fatalf("Prepare left GOGC at %d; want it off (-1) as it was", p)
	}
}

// GODEBUG=disablethp=1, the runtime's own switch, turns Prepare off.
func TestPrepareHonoursDisableTHP(t *testing.T) {
	t.Setenv("GODEBUG", "madvdontneed=1,disablethp=1")
	if lo, hi, err := Prepare(4 << 20); !errors.Is(err, ErrUnavailable) || lo != 0 || hi != 0 {
		t.Fatalf("Prepare with disablethp=1 = %#x, %#x, %v; want ErrUnavailable", lo, hi, err)
	}
}

func TestGodebugDisablesTHP(t *testing.T) {
	for v, want := range map[string]bool{
		"":                          false,
		"disablethp=1":              true,
		"disablethp=0":              false,
		"gctrace=1, disablethp=1":   true,
		"disablethp=1,disablethp=0": false,
		"xdisablethp=1":             false,
	} {
		if got := godebugDisablesTHP(v); got != want {
			t.Errorf("godebugDisablesTHP(%q) = %v, want %v", v, got, want)
		}
	}
}

// vmRSS is this process's resident memory in bytes, from /proc/self/status.
func vmRSS(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for l := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// PrepareResident makes the resident bytes it is asked for resident, and
// no more: measured in fresh processes (in this one, memory other tests
// freed may already be resident), as the growth of VmRSS across the call.
func TestPrepareResident(t *testing.T) {
	if mb := os.Getenv("HUGEHEAP_RESIDENT_CHILD"); mb != "" {
		n, _ := strconv.Atoi(mb)
		before := vmRSS(t)
		if _, _, err := PrepareResident(64<<20, n<<20, nil); err != nil {
			fmt.Println("resident unavailable")
			return
		}
		fmt.Printf("resident grew %d\n", vmRSS(t)-before)
		return
	}
	grew := func(mb int) int {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPrepareResident$", "-test.count=1")
		cmd.Env = append(os.Environ(), "HUGEHEAP_RESIDENT_CHILD="+strconv.Itoa(mb))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		if strings.Contains(string(out), "resident unavailable") {
			t.Skip("no transparent huge pages here")
		}
		var n int
		if _, err := fmt.Sscanf(lastLine(string(out), "resident grew "), "resident grew %d", &n); err != nil {
			t.Fatalf("child said %q: %v", out, err)
		}
		return n
	}
	if g := grew(0); g > 8<<20 {
		t.Errorf("PrepareResident(64 MiB, 0): resident memory grew %d MiB; want the ballast untouched", g>>20)
	}
	if g := grew(32); g < 30<<20 || g > 48<<20 {
		t.Errorf("PrepareResident(64 MiB, 32 MiB): resident memory grew %d MiB; want ~32", g>>20)
	}
	if g := grew(128); g < 62<<20 || g > 80<<20 {
		t.Errorf("PrepareResident(64 MiB, 128 MiB): resident memory grew %d MiB; want ~64 (the whole range, no more)", g>>20)
	}
}

// PrepareResident's before runs with the collector off, and no collection
// completes during the call even though before allocates far past the heap
// goal: the collection that allocation would start is what can leave freed
// pages where the ballast is then placed (see PrepareResident).
func TestPrepareResidentBeforeRunsWithCollectorOff(t *testing.T) {
	gogc := debug.SetGCPercent(100)
	defer debug.SetGCPercent(gogc)
	runtime.GC() // no collection in progress: one completing in the call would be the call's
	cycles := gcCycles()
	var off bool
	var block []byte
	_, _, err := PrepareResident(16<<20, 0, func() {
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		off = p == -1
		block = make([]byte, 64<<20)
	})
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("no transparent huge pages here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(block)
	if !off {
		t.Error("before ran with the collector on")
	}
	if got := gcCycles(); got != cycles {
		t.Errorf("%d collection(s) completed during PrepareResident; want none", got-cycles)
	}
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("PrepareResident left GOGC at %d; want it restored to 100", p)
	}
}
