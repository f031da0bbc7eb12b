//go:build unix

package store

import (
	"io/fs"
	"syscall"
)

// inodeOf returns the file's inode number, 0 when the system does not say.
func inodeOf(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}
