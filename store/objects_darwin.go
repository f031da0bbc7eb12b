//go:build darwin

package store

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// exchangeDirs puts the folder staged at final inside the open parent folder
// pd: renameatx_np(RENAME_SWAP) when final exists, so that it ends up under
// the name staged, else renameatx_np(RENAME_EXCL). Either way a reader
// opening final sees one complete folder, never none (APFS and HFS+).
func (d *DirObjects) exchangeDirs(pd *os.File, _, staged, final string) (existed bool, err error) {
	fd := int(pd.Fd())
	err = unix.RenameatxNp(fd, staged, fd, final, unix.RENAME_SWAP)
	if errors.Is(err, unix.ENOENT) {
		return false, unix.RenameatxNp(fd, staged, fd, final, unix.RENAME_EXCL)
	}
	return err == nil, err
}
