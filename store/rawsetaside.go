package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"
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
	to = setAsideKey(c.now(), from)
	if err := c.objs.Write(ctx, to, b); err != nil {
		return from, "", err
	}
	return from, to, nil
}

// SetAsideEntry is one folder of damaged raw reports SetAside kept:
// quarantine/<ID>/.
type SetAsideEntry struct {
	// ID names the entry for Purge: "raw-<time>", its folder under
	// quarantine/.
	ID string `json:"id"`
	// SetAsideAt is when the reports were set aside.
	SetAsideAt time.Time `json:"setAsideAt"`
	// Files are the damaged files' keys in the raw cache
	// ("raw-csv/<date>/district-<id>/<report>.csv"), sorted; their bytes
	// are at quarantine/<ID>/<file>.
	Files []string `json:"files"`
}

// SetAsideList lists the damaged raw reports SetAside kept, oldest first:
// the QuarantineRawReports entries of QuarantineList. They stay until
// purged (Purge with their entry's ID): nothing else removes them, and
// they never make the store unhealthy.
func (c *RawCache) SetAsideList(ctx context.Context) ([]SetAsideEntry, error) {
	list, err := c.QuarantineList(ctx)
	if err != nil {
		return nil, err
	}
	out := []SetAsideEntry{}
	for _, e := range list {
		if e.Kind == QuarantineRawReports {
			out = append(out, SetAsideEntry{ID: e.ID, SetAsideAt: e.At, Files: e.Files})
		}
	}
	return out, nil
}
