package hugeheap

import (
	"errors"
	"os"
	"runtime"
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
	ballast := make([]byte, size+hugePage)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(ballast)))
	lo = (p + hugePage - 1) &^ (hugePage - 1)
	hi = (p + uintptr(len(ballast))) &^ (hugePage - 1)
	if hi > lo {
		err = unix.Madvise(ballast[lo-p:hi-p], unix.MADV_HUGEPAGE)
	}
	// Past this point the ballast is garbage; one collection returns its
	// pages to the runtime, which hands them out to the allocations that
	// follow.
	runtime.KeepAlive(ballast)
	runtime.GC()
	if err != nil {
		return 0, 0, err
	}
	return lo, hi, nil
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
