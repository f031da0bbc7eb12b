package hugeheap

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
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

// After Prepare the runtime hands out the ballast's pages: new allocations
// land in the advised range.
func TestAllocationsReuseTheRange(t *testing.T) {
	lo, hi := prepare(t, 16<<20)
	const n, each = 16, 512 << 10
	keep := make([][]byte, n)
	inside := 0
	for i := range keep {
		keep[i] = make([]byte, each)
		if p := uintptr(unsafe.Pointer(unsafe.SliceData(keep[i]))); p >= lo && p+each <= hi {
			inside++
		}
	}
	if inside < n/2 {
		t.Errorf("%d of %d allocations after Prepare are in the advised range [%#x, %#x), want most", inside, n, lo, hi)
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
