package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
)

// Publishing on a backend that cannot swap folders (an object store): see
// the package documentation, "Object storage". In short:
//
//  1. an intent object snapshots/.gen-<id>-<n>/intent.json records the
//     publish (and where the replaced generation is kept);
//  2. a rebuild copies the replaced generation to
//     snapshots/.old-<id>-<gen>-<ts>/, manifest last, so Views pinned to it
//     (and a roll-back) find it;
//  3. the new district and rankings files are written into snapshots/<id>/;
//  4. the commit: the old manifest.json is deleted, metadata.json written,
//     manifest.json written last;
//  5. files of the old generation the new one does not have are deleted,
//     then the intent.
//
// A reader that loads the date sees manifest and metadata of one
// generation (loadView re-reads the manifest around the metadata, and the
// old manifest is gone before the new metadata is written), and every file
// is checked against that manifest's sha256, with the .old- copy as the
// fallback. An interrupted publish is finished or rolled back from its
// intent (resumeInterrupted) by the next Publish and by Recover.

// cleanupTimeout bounds the removal of what a publish that lost its lock
// lease wrote (the network may be what lost it).
const cleanupTimeout = 10 * time.Second

// intentFile is the intent object inside an in-place publish's .gen- folder.
const intentFile = "intent.json"

// publishIntent is the content of intent.json.
type publishIntent struct {
	SnapshotID string `json:"snapshotId"`
	// Existed is true when snapshots/<id>/ held something before.
	Existed bool `json:"existed"`
	// Retired is the folder the replaced generation is copied to ("" when
	// there was no complete generation to keep).
	Retired   string    `json:"retired,omitempty"`
	StartedAt time.Time `json:"startedAt"`
}

// inPlace reports whether snapshots are published in place (the backend
// cannot swap folders).
func (s *SnapshotStore) inPlace() bool {
	_, ok := s.objs.(DirSwapper)
	return !ok
}

// copyObject copies one object (server-side when the backend can).
func (s *SnapshotStore) copyObject(ctx context.Context, from, to string) error {
	if c, ok := s.objs.(Copier); ok {
		return c.Copy(ctx, from, to)
	}
	b, err := s.objs.Read(ctx, from)
	if err != nil {
		return err
	}
	return s.objs.Write(ctx, to, b)
}

// copySnapshotFiles copies the files of folder from into folder to:
// everything but metadata.json and manifest.json in parallel, then (when
// commit) the old manifest is removed from to, metadata.json copied and
// manifest.json copied last.
func (s *SnapshotStore) copySnapshotFiles(ctx context.Context, from, to string, commit bool) error {
	ents, err := s.objs.List(ctx, from)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, e := range ents {
		name := strings.TrimPrefix(e, from)
		if strings.HasSuffix(e, "/") || name == manifestFile || name == metadataFile {
			continue
		}
		g.Go(func() error { return s.copyObject(gctx, e, to+name) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if commit {
		if err := s.objs.Delete(ctx, to+manifestFile); err != nil {
			return err
		}
	}
	for _, name := range []string{metadataFile, manifestFile} {
		if err := s.copyObject(ctx, from+name, to+name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// publishInPlace publishes enc into snapshots/<id>/ on a backend without
// folder swaps (see above). oldManifest is the manifest of the generation
// being replaced (nil when none). The caller holds the snapshots lock, lk,
// and ctx is lk's context.
//
// The lock is a lease there, which a stalled or cut-off process can lose
// while it works: lk is confirmed (renewed) right before the first write
// into snapshots/<id>/, and again right before the commit, and a publish
// that lost it stops with ErrLeaseLost. It does not then repair what it
// did (resumeInterrupted could undo the new holder's work): before the
// first write into snapshots/<id>/ only its own intent and copy of the
// replaced generation exist, which it deletes; after it, the intent stays
// for the lease's new holder, whose next publish (or Recover) finishes or
// rolls back the interrupted publish as after a crash.
func (s *SnapshotStore) publishInPlace(ctx context.Context, enc *encodedSnapshot, oldManifest []byte, lk *HeldLock) (existed bool, err error) {
	id := enc.id
	dir := snapshotsPrefix + id + "/"
	existing, err := s.objs.List(ctx, dir)
	if err != nil {
		return false, err
	}
	existed = len(existing) > 0
	intent := publishIntent{SnapshotID: id, Existed: existed, StartedAt: s.opts.Now().UTC()}
	if oldManifest != nil && s.verify(ctx, id, false).Complete {
		intent.Retired = snapshotsPrefix + oldPrefix + id + "-" + genOf(oldManifest) + "-" + strconv.FormatInt(s.opts.Now().UnixNano(), 10) + "/"
	}
	intentDir := snapshotsPrefix + genPrefix + id + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "/"
	ib, _ := json.Marshal(&intent)
	if err := s.objs.Write(ctx, intentDir+intentFile, ib); err != nil {
		return existed, fmt.Errorf("write publish intent: %w", lk.LostOr(err))
	}
	touched := false // snapshots/<id>/ written to
	defer func() {
		if err == nil {
			return
		}
		if lost := lk.Lost(); lost != nil || errors.Is(err, ErrLeaseLost) {
			if lost != nil {
				err = lost
			}
			if !touched {
				// Only our own objects, under names nobody else uses.
				cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
				defer cancel()
				for _, k := range []string{intent.Retired, intentDir} {
					if k != "" {
						if derr := s.objs.Delete(cctx, k); derr != nil {
							s.log.Warn("remove what a publish that lost its lock lease wrote", "key", k, "err", derr)
						}
					}
				}
			}
			return
		}
		// Finish or undo what was done, now rather than at the next
		// publish; a crash leaves that to the next Publish or Recover.
		s.resumeInterrupted(context.WithoutCancel(ctx))
	}()
	if intent.Retired != "" {
		if err := s.copySnapshotFiles(ctx, dir, intent.Retired, false); err != nil {
			return existed, fmt.Errorf("keep replaced generation: %w", err)
		}
	}
	// The last moment before snapshots/<id>/ changes: the lease must still
	// be ours, for a whole time to live from now.
	if err := lk.Check(ctx); err != nil {
		return existed, err
	}
	touched = true
	data := make(map[string][]byte, len(enc.files))
	for name, b := range enc.files {
		if name != manifestFile && name != metadataFile {
			data[name] = b
		}
	}
	if err := s.stage(ctx, snapshotsPrefix+id, data); err != nil {
		return existed, fmt.Errorf("write files: %w", err)
	}
	// The commit (the old manifest gone, the new metadata and manifest).
	if err := lk.Check(ctx); err != nil {
		return existed, err
	}
	if oldManifest != nil {
		if err := s.objs.Delete(ctx, dir+manifestFile); err != nil {
			return existed, err
		}
	}
	if err := s.objs.Write(ctx, dir+metadataFile, enc.files[metadataFile]); err != nil {
		return existed, err
	}
	if err := s.objs.Write(ctx, dir+manifestFile, enc.files[manifestFile]); err != nil {
		return existed, err
	}
	for _, e := range existing {
		if name := strings.TrimPrefix(e, dir); !strings.HasSuffix(e, "/") && enc.files[name] == nil {
			if err := s.objs.Delete(ctx, e); err != nil {
				s.log.Warn("remove file of replaced generation", "key", e, "err", err)
			}
		}
	}
	if err := s.objs.Delete(ctx, intentDir); err != nil {
		s.log.Warn("remove publish intent", "key", intentDir, "err", err)
	}
	return existed, nil
}

// tidySnapshot deletes the files of snapshots/<id>/ its manifest does not
// list (left by an interrupted publish).
func (s *SnapshotStore) tidySnapshot(ctx context.Context, id string) {
	dir := snapshotsPrefix + id + "/"
	v, err := s.loadView(ctx, id)
	if err != nil || v.legacy != nil {
		return
	}
	keep := map[string]bool{manifestFile: true, metadataFile: true, v.Manifest.AllDistrictsRankings.Filename: true}
	for _, e := range v.Manifest.Districts {
		keep[e.FileName] = true
		keep[DistrictFileName(e.DistrictID)] = true
	}
	ents, _ := s.objs.List(ctx, dir)
	for _, e := range ents {
		if name := strings.TrimPrefix(e, dir); !strings.HasSuffix(e, "/") && !keep[name] && name != rankingsFile {
			_ = s.objs.Delete(ctx, e)
		}
	}
}

// resumeInterrupted finishes or rolls back every in-place publish whose
// intent is still there (the publisher crashed or failed). The caller
// holds the snapshots lock. It returns what it did.
func (s *SnapshotStore) resumeInterrupted(ctx context.Context) []RecoveryAction {
	if !s.inPlace() {
		return nil
	}
	var acts []RecoveryAction
	for _, e := range s.leftovers(ctx) {
		if !strings.HasPrefix(e, snapshotsPrefix+genPrefix) {
			continue
		}
		b, err := s.objs.Read(ctx, e+intentFile)
		if err != nil {
			continue
		}
		var in publishIntent
		if json.Unmarshal(b, &in) != nil || ValidDate(in.SnapshotID) != nil ||
			(in.Retired != "" && !strings.HasPrefix(in.Retired, snapshotsPrefix+oldPrefix+in.SnapshotID+"-")) {
			s.log.Warn("unreadable publish intent; left for Recover", "key", e+intentFile)
			continue
		}
		id, dir := in.SnapshotID, snapshotsPrefix+in.SnapshotID+"/"
		s.invalidate(id)
		s.forgetVerified(id)
		act := RecoveryAction{SnapshotID: id, From: e}
		switch {
		case s.verifyDir(ctx, id, dir, true).Complete:
			// Committed (or never touched): only stray files to remove.
			s.tidySnapshot(ctx, id)
			act.Action, act.Reason = "finish-publish", "the interrupted publish had committed its manifest"
		case in.Retired != "" && s.verifyDir(ctx, id, in.Retired, true).Complete:
			if err := s.copySnapshotFiles(ctx, in.Retired, dir, true); err != nil {
				s.log.Warn("roll back interrupted publish", "id", id, "err", err)
				continue // try again next time; the intent stays
			}
			s.tidySnapshot(ctx, id)
			act.Action, act.To, act.Reason = "rollback-publish", in.Retired, "the interrupted publish had not committed; the replaced generation is back"
		case !in.Existed:
			// A first publish that never committed: readers never saw it.
			if err := s.objs.Delete(ctx, dir); err != nil {
				s.log.Warn("remove uncommitted snapshot", "id", id, "err", err)
				continue
			}
			act.Action, act.Reason = "rollback-publish", "the interrupted first publish had not committed; its files are removed"
		default:
			act.Action, act.Reason = "abandon-publish", "nothing sound to finish or roll back to; the snapshot is left for quarantine"
		}
		if err := s.objs.Delete(ctx, e); err != nil {
			s.log.Warn("remove publish intent", "key", e, "err", err)
		}
		s.invalidate(id)
		s.forgetVerified(id)
		s.log.Warn("interrupted publish resumed", "id", id, "action", act.Action)
		acts = append(acts, act)
	}
	slices.SortFunc(acts, func(a, b RecoveryAction) int { return strings.Compare(a.From, b.From) })
	return acts
}

// pendingIntents returns the snapshot ids of in-place publishes whose
// intent is still there (nil on a backend that swaps folders).
func (s *SnapshotStore) pendingIntents(ctx context.Context) map[string]bool {
	if !s.inPlace() {
		return nil
	}
	var ids map[string]bool
	for _, e := range s.leftovers(ctx) {
		if !strings.HasPrefix(e, snapshotsPrefix+genPrefix) {
			continue
		}
		b, err := s.objs.Read(ctx, e+intentFile)
		var in publishIntent
		if err != nil || json.Unmarshal(b, &in) != nil || ValidDate(in.SnapshotID) != nil {
			continue
		}
		if ids == nil {
			ids = map[string]bool{}
		}
		ids[in.SnapshotID] = true
	}
	return ids
}

// pendingFor reports whether the hidden folder name (.gen-<id>-*,
// .old-<id>-*) belongs to a snapshot with a pending intent.
func pendingFor(pending map[string]bool, name string) bool {
	for _, pre := range []string{genPrefix, oldPrefix} {
		if rest, ok := strings.CutPrefix(name, pre); ok && len(rest) >= 10 && pending[rest[:10]] {
			return true
		}
	}
	return false
}
