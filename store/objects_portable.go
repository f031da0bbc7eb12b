package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// renameExchange puts the folder staged at final inside parent (both names
// in that folder) with plain renames, for systems without an atomic exchange
// of two folders (Windows): final is moved aside, staged takes its place,
// and the old folder takes the name staged. Between the first two renames
// final is absent; a crash there leaves the old generation under
// staged+".swap", a hidden .gen-* leftover that Check reports.
func renameExchange(root *os.Root, parent, staged, final string) (existed bool, err error) {
	at := func(name string) string {
		if parent == "." {
			return name
		}
		return parent + "/" + name
	}
	if _, err := root.Stat(at(staged)); err != nil {
		return false, err
	}
	if _, err := root.Stat(at(final)); errors.Is(err, fs.ErrNotExist) {
		return false, root.Rename(at(staged), at(final))
	}
	aside := staged + ".swap"
	if err := root.Rename(at(final), at(aside)); err != nil {
		return false, err
	}
	if err := root.Rename(at(staged), at(final)); err != nil {
		if rerr := root.Rename(at(aside), at(final)); rerr != nil {
			return false, fmt.Errorf("%w (and restoring the old folder: %v)", err, rerr)
		}
		return false, err
	}
	return true, root.Rename(at(aside), at(staged))
}
