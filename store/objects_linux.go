//go:build linux

package store

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// exchangeDirs puts the folder staged at final inside the open parent folder
// pd: renameat2(RENAME_EXCHANGE) when final exists, so that it ends up under
// the name staged, else renameat2(RENAME_NOREPLACE). Either way a reader
// opening final sees one complete folder, never none.
func (d *DirObjects) exchangeDirs(pd *os.File, _, staged, final string) (existed bool, err error) {
	fd := int(pd.Fd())
	err = unix.Renameat2(fd, staged, fd, final, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOENT) {
		return false, unix.Renameat2(fd, staged, fd, final, unix.RENAME_NOREPLACE)
	}
	return err == nil, err
}
