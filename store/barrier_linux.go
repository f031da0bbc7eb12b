//go:build linux

package store

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// barrierFS are the file systems whose syncfs(2) writes back every dirty
// file and folder and waits for stable storage, like fsync of each.
var barrierFS = map[uint32]bool{
	unix.EXT4_SUPER_MAGIC:  true, // also ext2 and ext3
	unix.XFS_SUPER_MAGIC:   true,
	unix.BTRFS_SUPER_MAGIC: true,
	unix.TMPFS_MAGIC:       true,
	// overlayfs (containers) syncs its upper file system.
	unix.OVERLAYFS_SUPER_MAGIC: true,
}

// fsBarrier is a barrier over the data directory's descriptor.
type fsBarrier struct{ f *os.File }

// syncfsReportsErrors reports whether the kernel's syncfs returns the file
// system's write-back errors (Linux 5.8 and later); before, it could
// return 0 after a failed write-back that fsync would have reported.
var syncfsReportsErrors = sync.OnceValue(func() bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	return kernelAtLeast(unix.ByteSliceToString(u.Release[:]), 5, 8)
})

// kernelAtLeast reports whether the kernel release (uname -r: "6.18.4-…")
// is major.minor or later.
func kernelAtLeast(release string, major, minor int) bool {
	var ma, mi int
	if _, err := fmt.Sscanf(release, "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}

// openBarrier opens a barrier on the data directory's file system, or
// returns nil when there is none (see barrier).
func (d *DirObjects) openBarrier() barrier {
	if noBarrier.Load() || !syncfsReportsErrors() {
		return nil
	}
	f, err := d.root.Open(".")
	if err != nil {
		return nil
	}
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil || !barrierFS[uint32(st.Type)] {
		f.Close()
		return nil
	}
	return &fsBarrier{f: f}
}

func (b *fsBarrier) sync() error {
	syncCalls.Add(1)
	for {
		err := unix.Syncfs(int(b.f.Fd()))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("syncfs %s: %w", b.f.Name(), err)
		}
		return nil
	}
}

func (b *fsBarrier) close() { b.f.Close() }
