package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
)

// SetAside copies a damaged cached report of a date, byte for byte as
// stored (decompressed when it decompresses), to
// quarantine/raw-<time>/<its key>, beside the snapshots `verify --repair`
// quarantines, so that replacing it loses nothing. damage is the error
// reading it gave (a *ChecksumError naming the file). It returns the key
// of the damaged file and of the copy; to is "" when the file is gone.
// The copy is one atomic Write, on any backend; the damaged file itself is
// left where it is (the caller replaces it once a good copy is at hand).
func (c *RawCache) SetAside(ctx context.Context, date, districtID string, r Report, damage error) (from, to string, err error) {
	var ce *ChecksumError
	if !errors.As(damage, &ce) {
		return "", "", fmt.Errorf("store: set aside: no damaged file named in %w", damage)
	}
	from = ce.Key
	b, err := c.GetWith(ctx, nil, date, districtID, r)
	if errors.As(err, &ce) {
		// A compressed file that does not decompress is copied as it is.
		from = ce.Key
		b, err = c.objs.Read(ctx, from)
	}
	if errors.Is(err, ErrNotCached) || errors.Is(err, fs.ErrNotExist) {
		return from, "", nil
	}
	if err != nil {
		return from, "", err
	}
	to = quarantinePrefix + "raw-" + c.now().UTC().Format("2006-01-02T15-04-05.000000000Z") + "/" + from
	if err := c.objs.Write(ctx, to, b); err != nil {
		return from, "", err
	}
	return from, to, nil
}
