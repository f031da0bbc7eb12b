package toaststats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// Deciding whether a raw date is pending needs its logical date and input
// digest (loadPlan): a listing of the date's folder and of every district
// folder, its metadata.json and its summary report parsed. Over a year of
// world dates that was ~46,000 listings and ~2 s of CPU at every server
// start, competing with the first answers. So Pending keeps what it derived
// per date in history/pending.json, next to the stamp of the date's
// metadata.json (store.RawCache.Stamp: one stat), and derives a date again
// only when that stamp changed. Every RawCache.Put rewrites metadata.json,
// so every write through the cache changes the stamp; a date whose files
// are not all checksummed in metadata.json (a predecessor cache, where the
// digest hashes the bytes) or has no metadata.json is always derived
// afresh, as is every date after a change of the district configuration
// or of the versions. The file is a cache: missing, unreadable or
// unwritable, Pending derives every date as before.

// pendingStateKey is the object holding Pending's derived dates.
const pendingStateKey = historyPrefix + "pending.json"

// pendingStateFormat is the version of pendingState.
const pendingStateFormat = 2 // 2: what a date lacks, and the snapshot's status

// racyStamp is how recent a metadata.json may be and its derivation still
// not be kept: a backend whose times have coarse resolution (one second on
// S3 without an ETag) could otherwise see two writes within the same tick
// of the same size as one stamp.
const racyStamp = 3 * time.Second

// pendingState is history/pending.json.
type pendingState struct {
	Format int `json:"format"`
	// Key is the versions and the district configuration the entries were
	// derived under.
	Key string `json:"key"`
	// Dates holds per collection date its metadata.json stamp and what
	// loadPlan derived.
	Dates map[string]pendingEntry `json:"dates"`
	// Snapshots holds per snapshot id its stamp (store.SnapshotStore.Stamp)
	// and the metadata Pending compares.
	Snapshots map[string]pendingSnapshot `json:"snapshots"`
}

// pendingSnapshot is what Pending reads of a snapshot's metadata.
type pendingSnapshot struct {
	Stamp              string `json:"stamp"`
	CollectionDate     string `json:"collectionDate,omitempty"`
	DataAsOfDate       string `json:"dataAsOfDate,omitempty"`
	InputChecksum      string `json:"inputChecksum,omitempty"`
	SchemaVersion      string `json:"schemaVersion,omitempty"`
	CalculationVersion string `json:"calculationVersion,omitempty"`
	Status             string `json:"status,omitempty"`
}

// pendingEntry is what loadPlan derived from one raw date.
type pendingEntry struct {
	Stamp   string `json:"stamp"`
	Logical string `json:"logical"`
	Digest  string `json:"digest"`
	// Lacks is what the date's cache lacks for a successful build
	// (buildInput.lacks), comma-separated; "" when nothing.
	Lacks string `json:"lacks,omitempty"`
}

// pendingKey is the key of the state under the current versions and the
// district configuration.
func (b *Builder) pendingKey(ctx context.Context) (string, error) {
	configured, exists, err := b.store.Config().Load(ctx)
	if err != nil {
		return "", fmt.Errorf("pending: district configuration: %w", err)
	}
	cfg := "*"
	if exists && len(configured) > 0 {
		cfg = strings.Join(configured, ",")
	}
	return fmt.Sprintf("schema=%s calculation=%s ranking=%s configured=%s",
		snapshot.SchemaVersion, snapshot.CalculationVersion, snapshot.RankingVersion, cfg), nil
}

// loadPendingState reads the state kept under key; an empty state when
// there is none, it is unreadable or it was kept under another key.
func (b *Builder) loadPendingState(ctx context.Context, key string) *pendingState {
	empty := newPendingState(key)
	raw, err := b.store.Objects().Read(ctx, pendingStateKey)
	if err != nil {
		return empty
	}
	var ps pendingState
	if err := json.Unmarshal(raw, &ps); err != nil || ps.Format != pendingStateFormat || ps.Key != key || ps.Dates == nil || ps.Snapshots == nil {
		return empty
	}
	return &ps
}

// newPendingState is an empty state under key.
func newPendingState(key string) *pendingState {
	return &pendingState{Format: pendingStateFormat, Key: key, Dates: map[string]pendingEntry{}, Snapshots: map[string]pendingSnapshot{}}
}

// savePendingState writes next when it differs from prev. A failure is
// only logged: the state is a cache (a read-only data directory derives
// every date each time).
func (b *Builder) savePendingState(ctx context.Context, prev, next *pendingState) {
	if prev.Key == next.Key && maps.Equal(prev.Dates, next.Dates) && maps.Equal(prev.Snapshots, next.Snapshots) {
		return
	}
	raw, err := json.Marshal(next)
	if err == nil {
		err = b.store.Objects().Write(ctx, pendingStateKey, raw)
	}
	if err != nil {
		b.log.Debug("pending: state not kept", "err", err)
	}
}

// planDate is the logical date, input digest and what the cache lacks
// (Lacks) of raw date: from prev when the date's stamp is the one prev
// kept, or else derived (loadPlan) and kept in next when it may be.
// ErrNothingCached (wrapped) when the date holds no report.
func (b *Builder) planDate(ctx context.Context, date string, prev, next *pendingState) (pendingEntry, error) {
	stamp, mod, serr := b.store.Raw().Stamp(ctx, date)
	if serr == nil {
		if e, ok := prev.Dates[date]; ok && e.Stamp == stamp {
			next.Dates[date] = e
			return e, nil
		}
	} else if !errors.Is(serr, store.ErrNotCached) && !errors.Is(serr, errors.ErrUnsupported) {
		return pendingEntry{}, fmt.Errorf("pending: %w", serr)
	}
	// The stamp is taken before the files are read: a write in between
	// changes it again, so what is kept is never newer than its stamp.
	in, err := b.loadPlan(ctx, date)
	if err != nil {
		return pendingEntry{}, err
	}
	e := pendingEntry{Stamp: stamp, Logical: in.logicalDate, Digest: in.digest, Lacks: strings.Join(in.lacks(), ",")}
	if serr == nil && time.Since(mod) > racyStamp && in.derivedFromMetadata() {
		next.Dates[date] = e
	}
	return e, nil
}

// derivedFromMetadata reports whether the digest of in depends on nothing
// but metadata.json and the files present: every cached report has its
// checksum recorded (the digest of a file without one hashes its bytes,
// which may change without metadata.json changing).
func (in *buildInput) derivedFromMetadata() bool {
	if in.rawMeta == nil || in.avail == nil {
		return false
	}
	sums := in.rawMeta.Integrity.Checksums
	if in.avail.HasSummary && sums[store.ReportSummary.FileName()] == "" {
		return false
	}
	for id, reps := range in.avail.Districts {
		for _, r := range reps {
			if sums["district-"+id+"/"+r.FileName()] == "" {
				return false
			}
		}
	}
	return true
}

// snapshotOf is existingSnapshot(id) for Pending: the metadata prev kept
// when the snapshot's stamp is the one it kept, or else read and kept in
// next. nil when there is no (readable) snapshot.
func (b *Builder) snapshotOf(ctx context.Context, id string, prev, next *pendingState) (*snapshot.Metadata, error) {
	if e, ok := next.Snapshots[id]; ok { // several collections of one month-end close
		return e.metadata(), nil
	}
	stamp, serr := b.store.Snapshots().Stamp(ctx, id)
	if serr == nil {
		if e, ok := prev.Snapshots[id]; ok && e.Stamp == stamp {
			next.Snapshots[id] = e
			return e.metadata(), nil
		}
	} else if !errors.Is(serr, store.ErrSnapshotNotFound) {
		return nil, serr
	}
	// As for raw dates, the stamp is taken before the snapshot is read.
	md, err := b.existingSnapshot(ctx, id)
	if err != nil || md == nil || serr != nil {
		return md, err
	}
	next.Snapshots[id] = pendingSnapshot{Stamp: stamp, CollectionDate: md.CollectionDate, DataAsOfDate: md.DataAsOfDate,
		InputChecksum: md.InputChecksum, SchemaVersion: md.SchemaVersion, CalculationVersion: md.CalculationVersion,
		Status: string(md.Status)}
	return md, nil
}

// metadata is the kept part of a snapshot's metadata.
func (e pendingSnapshot) metadata() *snapshot.Metadata {
	return &snapshot.Metadata{CollectionDate: e.CollectionDate, DataAsOfDate: e.DataAsOfDate,
		InputChecksum: e.InputChecksum, SchemaVersion: e.SchemaVersion, CalculationVersion: e.CalculationVersion,
		Status: snapshot.Status(e.Status)}
}
