package store

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/toaststats/toaststats/snapshot"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrInvalidID reports a district or snapshot id that is not well formed.
	ErrInvalidID = errors.New("store: invalid id")
	// ErrInvalidDate reports a date that is not a real YYYY-MM-DD calendar date.
	ErrInvalidDate = errors.New("store: invalid date")
	// ErrInvalidKey reports an object key that could name something outside
	// the data directory or is otherwise malformed.
	ErrInvalidKey = errors.New("store: invalid key")
	// ErrNotCached reports that a raw report (or a whole date) is not in the
	// raw CSV cache.
	ErrNotCached = errors.New("store: not cached")
	// ErrNoSnapshot reports that there is no current snapshot yet.
	ErrNoSnapshot = errors.New("store: no snapshot available")
	// ErrSnapshotNotFound reports that no snapshot has the requested id.
	ErrSnapshotNotFound = errors.New("store: snapshot not found")
	// ErrDistrictNotFound reports a district that is not in a snapshot (or,
	// for DistrictConfig.Remove, not configured).
	ErrDistrictNotFound = errors.New("store: district not found")
	// ErrNoRankings reports a snapshot without all-districts rankings.
	ErrNoRankings = errors.New("store: snapshot has no rankings")
	// ErrSuccessExists reports that Publish refused to replace a complete
	// successful snapshot with a partial or failed rebuild of the same id.
	ErrSuccessExists = errors.New("store: a successful snapshot with this id exists")
	// ErrNewerCollection reports that Publish refused to replace a
	// snapshot built from a newer collection (Metadata.Collection) with
	// one built from an older collection: of a month-end close collected
	// on several days the newest collection wins, also when two builds
	// publish the same id at once.
	ErrNewerCollection = errors.New("store: the snapshot in place was built from a newer collection")
	// ErrLeaseLost reports that the store's lock was a lease (object
	// storage) that this process lost while it held it: the lease went
	// unrenewed for its time to live (a stall, a network partition), so
	// another process may have taken it over, or another process already
	// did. The write under the lock was stopped before committing anything
	// more (see the package documentation, "Object storage"); running it
	// again is safe.
	ErrLeaseLost = errors.New("store: lock lease lost (another process may hold the lock now)")
	// ErrSnapshotIsCurrent reports that Delete refused to delete the snapshot
	// current.json names.
	ErrSnapshotIsCurrent = errors.New("store: snapshot is current")
	// ErrGenerationGone reports that a View outlived the generation it was
	// opened on: the snapshot was rebuilt and the old files were collected.
	// Open a new View.
	ErrGenerationGone = errors.New("store: snapshot generation was replaced; open a new view")
	// ErrLegacyReadOnly reports a write to a predecessor single-file snapshot.
	ErrLegacyReadOnly = errors.New("store: legacy snapshots are read-only")
	// ErrCorrupt reports a snapshot file that does not match its manifest or
	// does not parse.
	ErrCorrupt = errors.New("store: corrupt file")
	// ErrBadConfig reports a district configuration file
	// (config/districts.json) that does not parse or names an invalid
	// district id: an operator's mistake to fix, not a failure of the work.
	ErrBadConfig = errors.New("store: invalid district configuration")
	// ErrNoDataDir reports a data directory that does not exist (Open never
	// creates one; Create does). It wraps fs.ErrNotExist.
	ErrNoDataDir = fmt.Errorf("store: data directory does not exist (create it with toaststats init or store.Create): %w", fs.ErrNotExist)
)

// ChecksumError reports a file whose sha256 differs from the one recorded
// for it. Use errors.As to get at it.
type ChecksumError struct {
	Key  string // object key of the file
	Want string // the checksum recorded (a raw report's sha256 hex; a snapshot file's, see manifestSum)
	Got  string // the same checksum of the bytes read
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("store: checksum mismatch for %s: want %s, got %s", e.Key, e.Want, e.Got)
}

// Is makes errors.Is(err, ErrCorrupt) true for checksum errors.
func (e *ChecksumError) Is(target error) bool { return target == ErrCorrupt }

// ValidDistrictID checks a district id from outside (snapshot.IsDistrictID:
// 1-8 letters or digits) and returns it upper-cased. It never builds a path.
func ValidDistrictID(id string) (string, error) {
	c, ok := snapshot.CanonicalDistrictID(id)
	if !ok {
		return "", fmt.Errorf("%w: district id %q must be 1-8 letters or digits", ErrInvalidID, truncate(id))
	}
	return c, nil
}

// NormalizeDistrictID trims an id, strips a leading "District " (any case),
// and validates it with ValidDistrictID.
func NormalizeDistrictID(id string) (string, error) {
	s := strings.TrimSpace(id)
	if len(s) >= 9 && strings.EqualFold(s[:9], "district ") {
		s = strings.TrimSpace(s[9:])
	}
	return ValidDistrictID(s)
}

// ValidDate checks that d is a real calendar date written YYYY-MM-DD
// (snapshot.ParseDate).
func ValidDate(d string) error {
	if _, ok := snapshot.ParseDate(d); !ok {
		return fmt.Errorf("%w: %q is not a calendar date written YYYY-MM-DD", ErrInvalidDate, truncate(d))
	}
	return nil
}

// validLegacyID accepts the predecessor's single-file snapshot ids
// (snapshots/<id>.json): ^[A-Za-z0-9_-]{1,64}$, not starting with '-'.
func validLegacyID(id string) bool {
	if len(id) < 1 || len(id) > 64 || id[0] == '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validSnapshotID reports whether id names a snapshot directory (a date) or
// a legacy single-file snapshot.
func validSnapshotID(id string) error {
	if ValidDate(id) == nil || validLegacyID(id) {
		return nil
	}
	return fmt.Errorf("%w: snapshot id %q", ErrInvalidID, truncate(id))
}

// compareDistrictIDs is snapshot.CompareDistrictIDs.
func compareDistrictIDs(a, b string) int { return snapshot.CompareDistrictIDs(a, b) }

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
