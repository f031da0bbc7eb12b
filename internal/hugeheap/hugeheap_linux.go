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
	return PrepareResident(size, 0, nil)
}

// PrepareResident is Prepare that also makes the first resident bytes of
// the advised range resident now (at most all of it): the allocations that
// follow then land on memory whose page faults were taken at start, not on
// the first request that needs it. It is Java's AlwaysPreTouch for the part
// of the heap a server's first answers use: on the virtual machine of issue
// 17 a first analytics answer spends most of its time first-touching the
// ~30 MB it decodes and encodes. Resident memory is that much higher from
// the start (it would be after the first answers anyway), and the start
// takes the faults instead: ~3.5 ms per MiB there.
//
// before, if not nil, runs first, with the collector already off: the
// other big allocation a process makes at start (a heap floor) belongs
// there. Made just before, with the collector on, it would start a
// collection, and that collection's sweep can free pages at the top of the
// heap right where the ballast is then placed. The runtime clears a new
// large object whole when any page of it was used before, so the whole
// ballast became resident: ~1 server start in 10 held 280 MB instead of
// 33 and took 1.2 s instead of 0.1 s. before does not run where huge pages
// are unavailable (ErrUnavailable).
func PrepareResident(size, resident int, before func()) (lo, hi uintptr, err error) {
	if !available() {
		return 0, 0, ErrUnavailable
	}
	// The ballast is allocated with the collector off: its size, far past
	// the heap goal, would otherwise start a collection at once, which would
	// find it still referenced and keep it for another cycle.
	gcPercent := debug.SetGCPercent(-1)
	if before != nil {
		before()
	}
	lo, hi, err = advise(size, resident)
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

// advise allocates the ballast, advises its whole huge pages, makes the
// first resident bytes of them resident and drops it.
// From here on the heap holds ~size more than its goal, so the next
// allocation starts a collection, which runs alongside the program and
// frees the ballast; its pages then go to the allocations that follow.
// (Forcing that collection here with runtime.GC cost 6-9 ms of a world
// build's start: GC waits for the sweep of every span, and the runtime's
// span lists it fills are themselves first-touched memory, hundreds of
// page faults on a virtual machine.) Writing into the ballast is safe: the
// runtime counts its pages as used once allocated, and clears them before
// it hands them out again.
//
//go:noinline
func advise(size, resident int) (lo, hi uintptr, err error) {
	ballast := make([]byte, size+hugePage)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(ballast)))
	lo = (p + hugePage - 1) &^ (hugePage - 1)
	hi = (p + uintptr(len(ballast))) &^ (hugePage - 1)
	if hi <= lo {
		return lo, hi, nil
	}
	if err = unix.Madvise(ballast[lo-p:hi-p], unix.MADV_HUGEPAGE); err != nil {
		return lo, hi, err
	}
	if resident > 0 {
		touch(ballast[lo-p : lo-p+min(uintptr(resident), hi-lo)])
	}
	return lo, hi, nil
}

// touch makes b resident: one madvise(MADV_POPULATE_WRITE) (Linux 5.14),
// or a write to each 4 KiB page where the kernel has none.
func touch(b []byte) {
	if unix.Madvise(b, unix.MADV_POPULATE_WRITE) == nil {
		return
	}
	for i := 0; i < len(b); i += 4096 {
		b[i] = 0
	}
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
