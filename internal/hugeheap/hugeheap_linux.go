package hugeheap

import (
	"errors"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePage is the x86-64 and arm64 (4 KiB base pages) PMD size: the unit
// THP maps at once. Only whole, aligned huge pages inside the ballast are
// advised.
const hugePage = 2 << 20

// ErrUnavailable is returned when the system gives no huge pages: no THP in
// the kernel, the setting "never", or GODEBUG=disablethp=1.
var ErrUnavailable = errors.New("hugeheap: transparent huge pages are unavailable or disabled")

// Prepare has the next size bytes of Go heap backed by transparent huge
// pages (see the package documentation) and returns the address range it
// advised. It returns ErrUnavailable, having done nothing, where huge pages
// are not to be had.
func Prepare(size int) (lo, hi uintptr, err error) {
	if !available() {
		return 0, 0, ErrUnavailable
	}
	// The ballast is allocated with the collector off: its size, far past
	// the heap goal, would otherwise start a collection at once, which would
	// find it still referenced and keep it for another cycle.
	gcPercent := debug.SetGCPercent(-1)
	lo, hi, err = advise(size)
	debug.SetGCPercent(gcPercent)
	if gcPercent < 0 {
		// The collector is off (GOGC=off): nothing would ever free the
		// ballast but a forced collection.
		runtime.GC()
	}
	if err != nil {
		return 0, 0, err
	}
	return lo, hi, nil
}

// advise allocates the ballast, advises its whole huge pages and drops it.
// From here on the heap holds ~size more than its goal, so the next
// allocation starts a collection, which runs alongside the program and
// frees the ballast; its pages then go to the allocations that follow.
// (Forcing that collection here with runtime.GC cost 6-9 ms of a world
// build's start: GC waits for the sweep of every span, and the runtime's
// span lists it fills are themselves first-touched memory, hundreds of
// page faults on a virtual machine.)
//
//go:noinline
func advise(size int) (lo, hi uintptr, err error) {
	ballast := make([]byte, size+hugePage)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(ballast)))
	lo = (p + hugePage - 1) &^ (hugePage - 1)
	hi = (p + uintptr(len(ballast))) &^ (hugePage - 1)
	if hi > lo {
		err = unix.Madvise(ballast[lo-p:hi-p], unix.MADV_HUGEPAGE)
	}
	return lo, hi, err
}

// available reports whether THP may back an advised region.
func available() bool {
	if godebugDisablesTHP(os.Getenv("GODEBUG")) {
		return false
	}
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil {
		return false
	}
	return !strings.Contains(string(b), "[never]")
}

// godebugDisablesTHP reports whether a GODEBUG value sets disablethp=1 (the
// last setting wins, as in the runtime).
func godebugDisablesTHP(v string) bool {
	off := false
	for _, kv := range strings.Split(v, ",") {
		if name, val, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && name == "disablethp" {
			off = val == "1"
		}
	}
	return off
}
