//go:build !linux

package store

import "os"

// beneathDir is unused outside Linux: every open goes through the os.Root.
type beneathDir struct{}

func openBeneathDir(string) *beneathDir { return nil }

func (b *beneathDir) close() error { return nil }

// openFile opens name (a checked key) inside the data directory, through
// the os.Root.
func (d *DirObjects) openFile(name string, flag int, perm os.FileMode) (*os.File, error) {
	return d.root.OpenFile(name, flag, perm)
}
