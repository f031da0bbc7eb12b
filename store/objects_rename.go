//go:build !linux && !darwin

package store

import "os"

// exchangeDirs puts the folder staged at final with plain renames
// (renameExchange): these systems have no atomic exchange of two folders.
func (d *DirObjects) exchangeDirs(_ *os.File, parent, staged, final string) (existed bool, err error) {
	return renameExchange(d.root, parent, staged, final)
}
