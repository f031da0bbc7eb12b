package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// Damaged raw reports set aside (SetAside) are kept in
//
//	quarantine/raw-<time>/raw-csv/<date>/...   as they were in the cache
//
// one folder per moment, named by the time in setAsideLayout (UTC).
const (
	setAsidePrefix = "raw-"
	setAsideLayout = "2006-01-02T15-04-05.000000000Z"
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
	to = quarantinePrefix + setAsidePrefix + c.now().UTC().Format(setAsideLayout) + "/" + from
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

// parseSetAsideID returns the time a set-aside id ("raw-<time>") names;
// false when id is not one.
func parseSetAsideID(id string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(id, setAsidePrefix)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(setAsideLayout, rest)
	if err != nil || t.Format(setAsideLayout) != rest {
		return time.Time{}, false
	}
	return t, true
}

// SetAsideList lists the damaged raw reports SetAside kept, oldest first.
// They stay until purged (Purge with their entry's ID): nothing else
// removes them, and they never make the store unhealthy.
func (c *RawCache) SetAsideList(ctx context.Context) ([]SetAsideEntry, error) {
	ents, err := c.objs.List(ctx, quarantinePrefix)
	if err != nil {
		return nil, fmt.Errorf("store: list set-aside raw reports: %w", err)
	}
	out := []SetAsideEntry{}
	for _, k := range ents {
		name, ok := strings.CutSuffix(strings.TrimPrefix(k, quarantinePrefix), "/")
		if !ok {
			continue
		}
		at, ok := parseSetAsideID(name)
		if !ok {
			continue // a snapshot or leftovers Recover quarantined
		}
		files, err := c.listFiles(ctx, k, 4)
		if err != nil {
			return nil, fmt.Errorf("store: list set-aside raw reports: %w", err)
		}
		e := SetAsideEntry{ID: name, SetAsideAt: at, Files: make([]string, 0, len(files))}
		for _, f := range files {
			e.Files = append(e.Files, strings.TrimPrefix(f, k))
		}
		slices.Sort(e.Files)
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b SetAsideEntry) int { return a.SetAsideAt.Compare(b.SetAsideAt) })
	return out, nil
}

// listFiles lists the objects under folder (a key ending in "/") and its
// folders, depth levels down at most.
func (c *RawCache) listFiles(ctx context.Context, folder string, depth int) ([]string, error) {
	ents, err := c.objs.List(ctx, folder)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !strings.HasSuffix(e, "/") {
			out = append(out, e)
			continue
		}
		if depth > 0 {
			sub, err := c.listFiles(ctx, e, depth-1)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
	}
	return out, nil
}

// purgeSetAside destroys set-aside entry id (see Purge).
func (c *RawCache) purgeSetAside(ctx context.Context, id string) error {
	dir := quarantinePrefix + id + "/"
	if ents, err := c.objs.List(ctx, dir); err != nil || len(ents) == 0 {
		if err != nil {
			return fmt.Errorf("store: purge set-aside raw reports %s: %w", id, err)
		}
		return fmt.Errorf("%w: %s", ErrTrashNotFound, id)
	}
	if err := c.objs.Delete(ctx, dir); err != nil {
		return fmt.Errorf("store: purge set-aside raw reports %s: %w", id, err)
	}
	c.log.Warn("damaged raw reports set aside purged", "id", id)
	return nil
}
