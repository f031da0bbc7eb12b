//go:build !linux

package store

// openBarrier returns nil: only Linux has syncfs(2); every write is fsynced
// on its own.
func (d *DirObjects) openBarrier() barrier { return nil }
