//go:build !linux

package hugeheap

import "errors"

// ErrUnavailable is returned where there are no transparent huge pages to
// ask for: everywhere but Linux.
var ErrUnavailable = errors.New("hugeheap: transparent huge pages are a Linux feature")

// Prepare does nothing outside Linux.
func Prepare(size int) (lo, hi uintptr, err error) { return 0, 0, ErrUnavailable }

// PrepareResident does nothing outside Linux (before does not run).
func PrepareResident(size, resident int, before func()) (lo, hi uintptr, err error) {
	return 0, 0, ErrUnavailable
}
