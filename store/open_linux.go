//go:build linux

package store

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// beneathDir is the data directory opened once, for openat2(2).
type beneathDir struct {
	f  *os.File
	fd int
}

// openBeneathDir opens dir for openBeneath; nil when it cannot be opened
// (every open then goes through the os.Root).
func openBeneathDir(dir string) *beneathDir {
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	return &beneathDir{f: f, fd: int(f.Fd())}
}

func (b *beneathDir) close() error {
	if b == nil {
		return nil
	}
	return b.f.Close()
}

// noOpenat2 is set when the kernel has no openat2(2) (before 5.6).
var noOpenat2 atomic.Bool

// noatimeRefused is set once O_NOATIME was refused (a file of another
// owner): reads then open files as before.
var noatimeRefused atomic.Bool

// openFile opens name (a checked key) inside the data directory.
//
// On Linux it is one openat2(2) with RESOLVE_BENEATH and
// RESOLVE_NO_MAGICLINKS, relative to the data directory: the kernel refuses
// any path (an absolute or escaping symlink, "..") that would leave it,
// exactly the guarantee of os.Root, which instead opens and closes every
// folder on the way one at a time and registers each file with the poller
// (~15 system calls to read a raw report instead of ~5: a tenth of a world
// build's system calls). Where openat2 is missing or refused (an old
// kernel, a seccomp filter) the os.Root does it.
//
// A file opened only to be read is opened with O_NOATIME: the store never
// looks at access times, and on a file system mounted relatime the first
// read of each file written since its last read (every raw report a build
// reads) otherwise dirties its inode, which the build's syncfs then writes
// back: ~5 ms of a world build's 385 reads. O_NOATIME is refused (EPERM)
// on files of another owner; after the first refusal it is not asked for.
func (d *DirObjects) openFile(name string, flag int, perm os.FileMode) (*os.File, error) {
	if d.beneath != nil && !noOpenat2.Load() {
		noatime := 0
		if flag == os.O_RDONLY && !noatimeRefused.Load() {
			noatime = unix.O_NOATIME
		}
		how := unix.OpenHow{
			Flags:   uint64(flag | noatime | unix.O_CLOEXEC),
			Mode:    uint64(perm.Perm()),
			Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
		}
		for {
			fd, err := unix.Openat2(d.beneath.fd, name, &how)
			if err == nil {
				return os.NewFile(uintptr(fd), path.Join(d.dir, name)), nil
			}
			if errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN) {
				continue
			}
			if noatime != 0 && errors.Is(err, unix.EPERM) {
				noatimeRefused.Store(true) // another owner's file: ask as before
				noatime = 0
				how.Flags = uint64(flag | unix.O_CLOEXEC)
				continue
			}
			if errors.Is(err, unix.ENOSYS) {
				noOpenat2.Store(true)
			} else if !errors.Is(err, unix.EPERM) && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.E2BIG) {
				return nil, &fs.PathError{Op: "openat2", Path: name, Err: err}
			}
			break // not available here: the os.Root
		}
	}
	return d.root.OpenFile(name, flag, perm)
}
