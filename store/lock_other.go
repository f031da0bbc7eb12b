//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly || windows)

package store

import "os"

// tryLockFile always succeeds where the system has no advisory file lock
// the store knows: Lock then excludes writers of one process only.
func tryLockFile(*os.File) (bool, error) { return true, nil }

// unlockFile is tryLockFile's no-op counterpart.
func unlockFile(*os.File) error { return nil }

// syncDirFile makes a folder's entries durable where the system can.
func syncDirFile(f *os.File) error { return f.Sync() }
