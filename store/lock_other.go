//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly || windows)

package store

import "os"

// lockFile is a no-op where the system has no advisory file lock the store
// knows: Lock then excludes writers of one process only.
func lockFile(*os.File) error { return nil }

// unlockFile is lockFile's no-op counterpart.
func unlockFile(*os.File) error { return nil }

// syncDirFile makes a folder's entries durable where the system can.
func syncDirFile(f *os.File) error { return f.Sync() }
