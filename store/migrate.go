package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/toaststats/toaststats/snapshot"
)

// MigrateOptions configure Migrate.
type MigrateOptions struct {
	// Parallel is how many objects are copied at once (default 8).
	Parallel int
	// Progress, when set, is called after each object with the number
	// done and the total (one call at a time).
	Progress func(done, total int)
	// TakeSource names what Migrate would keep of the destination
	// (MigrateReport.Kept: a key, or a folder, with or without its final
	// "/", standing for everything kept under it) that the source's
	// version replaces instead. Each must name an object or folder of the
	// source, else Migrate copies nothing and returns an error wrapping
	// ErrNotInSource. A source file that fails its recorded checksum
	// still never replaces the destination's copy.
	TakeSource []string
}

// ErrNotInSource is a MigrateOptions.TakeSource entry that names nothing
// of the source.
var ErrNotInSource = errors.New("names no file or folder of the source")

// The folders of what people enter (the district configuration, the
// district leaders' goals and assessments of package assess): a different
// copy at the destination is never replaced without being asked.
const (
	configPrefix      = "config/"
	assessmentsPrefix = "assessments/"
)

// MigrateProblem is one object Migrate could not copy or verify.
type MigrateProblem struct {
	Key     string `json:"key"`
	Problem string `json:"problem"`
}

// MigrateReport says what Migrate did.
type MigrateReport struct {
	// Objects is the number of objects of the source that belong to the
	// data directory (see Migrate for what is left out).
	Objects int `json:"objects"`
	// Copied were written to the destination; Skipped were there already
	// with the same bytes (a resumed run).
	Copied  int `json:"copied"`
	Skipped int `json:"skipped"`
	// Verified matched a checksum the source records for them (raw-cache
	// metadata, snapshot manifests); the others have none (metadata,
	// manifests, configuration, predecessor files) and were compared
	// byte for byte with their copy only.
	Verified int   `json:"verified"`
	Bytes    int64 `json:"bytes"`
	// Problems lists objects that failed to copy, or whose bytes do not
	// match the checksum the source records (they are copied anyway,
	// verbatim, where the destination has no copy of them: the raw cache
	// may be the only copy; a copy the destination has is never replaced
	// by them).
	Problems []MigrateProblem `json:"problems"`
	// Kept lists what the destination holds in a different version that
	// Migrate therefore left as it was (its files count as Skipped;
	// MigrateOptions.TakeSource takes the source's instead): a raw date
	// written after the source's, a snapshot built from a newer
	// collection, a current.json naming a newer snapshot, a goals or
	// assessment record updated after the source's (or when which is newer
	// cannot be told), and any configuration file that differs; also a
	// goals or assessment record deleted at the destination while Migrate
	// ran (it stays deleted; a later run copies it, as the destination
	// then has none). Sorted by Key.
	Kept []MigrateKept `json:"kept"`
}

// MigrateKept is one folder or object of the destination Migrate kept.
type MigrateKept struct {
	Key string `json:"key"`
	// Reason says why, from the destination's side ("the destination's
	// was written …, after the source's …").
	Reason string `json:"reason"`
}

// Migrate copies the data directory in from into to: the raw cache (and
// its trash), the snapshots, the district configuration, the goals and
// assessments and the current pointer. It is meant to move a data
// directory between backends (a path and an S3 bucket, either way); a
// predecessor's data directory is a valid source.
//
// Every object is read from the source, checked against the checksum the
// source records for it where there is one (raw-cache metadata.json,
// snapshot manifest.json), written, and read back and compared. An object
// already present in the destination with the same bytes is skipped, so a
// run that was interrupted finishes the job when run again, and one the
// destination lacks is copied. A source object that fails its checksum
// never replaces a copy the destination has.
//
// What the destination holds in a different version stays as it is
// (MigrateReport.Kept) when it is newer: a raw date whose metadata.json
// was written later, a snapshot built from a newer collection (or later
// from the same one), a current.json naming a newer snapshot, a goals or
// assessment record (assessments/) whose updatedAt is later. What people
// entered is kept whenever it differs and is not shown to be older: every
// configuration file (config/), and a goals or assessment record whose
// updatedAt is not earlier than the source's (or is missing).
// MigrateOptions.TakeSource takes the source's version of what would be
// kept.
//
// Goals and assessment records (assessments/) may be written by a server
// at the destination while Migrate runs: each is compared with the
// destination's copy as ReadVersion reads it, and written only by a
// WriteIfVersion against the version compared (where the destination had
// none, only where it still has none), so a PUT, POST or DELETE made at
// the destination meanwhile is never undone. When the destination's copy
// changed since it was compared, it is read and decided again: a record
// updated meanwhile is kept when it is now newer, one deleted meanwhile
// stays deleted (Kept); after migrateAttempts changes in a row the record
// is left as it is and reported as a problem.
//
// A snapshot the source has newer is replaced with its manifest removed
// first, so no reader sees the two generations mixed. Objects are written
// in an order that keeps the destination readable throughout: data files
// first, then each raw date's metadata.json and each snapshot's
// metadata.json, then the manifests (a snapshot's commit point), and
// current.json last.
//
// Left out: lock files (.locks/), temporary files of in-flight writes,
// hidden leftovers of interrupted or replaced snapshot writes
// (snapshots/.gen-*, .old-*, .del-*) and config/admin-token (a secret that
// stays where it is). Writers of anything else should be stopped while it
// runs.
func Migrate(ctx context.Context, from, to Objects, opts MigrateOptions) (*MigrateReport, error) {
	if opts.Parallel <= 0 {
		opts.Parallel = 8
	}
	keys, err := migrationKeys(ctx, from)
	if err != nil {
		return nil, err
	}
	take, err := takeSourceNames(opts.TakeSource, keys)
	if err != nil {
		return nil, err
	}
	sums, problems := recordedChecksums(ctx, from, keys)
	rep := &MigrateReport{Objects: len(keys), Problems: problems}
	kept, replaced, err := newerAtDestination(ctx, from, to, keys)
	if err != nil {
		return rep, err
	}
	for k := range kept {
		if !takeSource(take, k) {
			continue
		}
		delete(kept, k)
		if strings.HasPrefix(k, snapshotsPrefix) && strings.HasSuffix(k, "/") {
			replaced = append(replaced, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(kept)) {
		rep.Kept = append(rep.Kept, MigrateKept{Key: k, Reason: kept[k]})
	}
	keptKey := func(k string) bool {
		for u := range kept {
			if k == u || strings.HasSuffix(u, "/") && strings.HasPrefix(k, u) {
				return true
			}
		}
		return false
	}
	// A snapshot the source has newer: its manifest goes first, so the
	// destination's readers find no snapshot there (rather than its old
	// manifest over new files) until the new manifest is written last.
	for _, dir := range replaced {
		if err := to.Delete(ctx, dir+manifestFile); err != nil {
			return rep, fmt.Errorf("store: migrate: %w", err)
		}
	}
	// Phases, each copied in parallel, one after the other.
	phase := func(k string) int {
		switch {
		case k == currentKey:
			return 3
		case strings.HasPrefix(k, snapshotsPrefix) && path.Base(k) == manifestFile:
			return 2
		case path.Base(k) == metadataFile && (strings.HasPrefix(k, snapshotsPrefix) || strings.HasPrefix(k, rawPrefix)):
			return 1
		}
		return 0
	}
	var phases [4][]string
	for _, k := range keys {
		phases[phase(k)] = append(phases[phase(k)], k)
	}
	var mu sync.Mutex
	var done atomic.Int64
	for _, ks := range phases {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(opts.Parallel)
		for _, k := range ks {
			g.Go(func() error {
				var copied, verified bool
				var n int64
				var perr error
				var keptNow string
				skip := keptKey(k)
				switch {
				case strings.HasPrefix(k, assessmentsPrefix):
					copied, n, keptNow, perr = migrateEntered(gctx, from, to, k, takeSource(take, k))
					skip = keptNow != ""
				case !skip:
					copied, verified, n, perr = migrateOne(gctx, from, to, k, sums[k])
				}
				mu.Lock()
				if keptNow != "" {
					rep.Kept = append(rep.Kept, MigrateKept{Key: k, Reason: keptNow})
				}
				switch {
				case skip:
					rep.Skipped++
				case perr != nil:
					rep.Problems = append(rep.Problems, MigrateProblem{Key: k, Problem: perr.Error()})
				case copied:
					rep.Copied++
					rep.Bytes += n
				default:
					rep.Skipped++
				}
				if verified {
					rep.Verified++
				}
				if opts.Progress != nil {
					opts.Progress(int(done.Add(1)), len(keys))
				}
				mu.Unlock()
				return gctx.Err()
			})
		}
		if err := g.Wait(); err != nil {
			slices.SortFunc(rep.Kept, func(a, b MigrateKept) int { return strings.Compare(a.Key, b.Key) })
			return rep, err
		}
	}
	slices.SortFunc(rep.Problems, func(a, b MigrateProblem) int { return strings.Compare(a.Key, b.Key) })
	slices.SortFunc(rep.Kept, func(a, b MigrateKept) int { return strings.Compare(a.Key, b.Key) })
	if rep.Problems == nil {
		rep.Problems = []MigrateProblem{}
	}
	if rep.Kept == nil {
		rep.Kept = []MigrateKept{}
	}
	return rep, nil
}

// takeSourceNames checks the MigrateOptions.TakeSource entries against the
// source's keys (sorted) and returns them with a folder's name ending in
// "/" (snapshots/2026-01-05 is the folder snapshots/2026-01-05/). An entry
// that is not a key or folder name, or names nothing of the source, is an
// error.
func takeSourceNames(take, keys []string) ([]string, error) {
	inFolder := func(dir string) bool {
		i, _ := slices.BinarySearch(keys, dir)
		return i < len(keys) && strings.HasPrefix(keys[i], dir)
	}
	out := make([]string, 0, len(take))
	for _, t := range take {
		if _, err := checkKey(t, strings.HasSuffix(t, "/")); err != nil || t == "/" {
			return nil, fmt.Errorf("store: migrate: take the source's %q: not a file or folder name: %w", truncate(t), ErrInvalidKey)
		}
		switch {
		case strings.HasSuffix(t, "/") && inFolder(t):
		case !strings.HasSuffix(t, "/") && inFolder(t+"/"):
			t += "/"
		default:
			if _, found := slices.BinarySearch(keys, t); !found {
				return nil, fmt.Errorf("store: migrate: take the source's %s: %w", t, ErrNotInSource)
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// takeSource reports whether the kept key or folder k is one the caller
// asked to take from the source.
func takeSource(take []string, k string) bool {
	return slices.ContainsFunc(take, func(t string) bool {
		return t == k || strings.HasSuffix(t, "/") && strings.HasPrefix(k, t)
	})
}

// newerAtDestination compares what the source and the destination hold
// under the same names: kept maps the raw-date folders, snapshot folders,
// current.json and configuration files the destination keeps to the
// reason (they are left as they are); replaced lists the snapshot folders
// the destination has in a different, older generation. Goals and
// assessment records are compared when they are copied (migrateEntered).
func newerAtDestination(ctx context.Context, from, to Objects, keys []string) (kept map[string]string, replaced []string, err error) {
	kept = map[string]string{}
	// readBytes reads key; ok is false when it is absent.
	readBytes := func(objs Objects, key string) (b []byte, ok bool, err error) {
		b, err = objs.Read(ctx, key)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("store: migrate: %w", err)
		}
		return b, true, nil
	}
	read := func(objs Objects, key string, v any) (bool, error) {
		b, ok, err := readBytes(objs, key)
		if !ok || err != nil {
			return false, err
		}
		return json.Unmarshal(b, v) == nil, nil
	}
	// both reads key (a JSON file) from the source into s and from the
	// destination into d; ok when both exist and decode.
	both := func(key string, s, d any) (bool, error) {
		okS, err := read(from, key, s)
		if err != nil {
			return false, err
		}
		okD, err := read(to, key, d)
		return okS && okD, err
	}
	for _, k := range keys {
		dir := path.Dir(k) + "/"
		switch {
		case k == currentKey:
			var sp, dp snapshot.CurrentPointer
			ok, err := both(k, &sp, &dp)
			if err != nil {
				return nil, nil, err
			}
			if ok && ValidDate(dp.SnapshotID) == nil && dp.SnapshotID > sp.SnapshotID {
				kept[k] = fmt.Sprintf("the destination's names %s, newer than the source's %s", dp.SnapshotID, sp.SnapshotID)
			}
		case strings.HasPrefix(k, configPrefix):
			sb, okS, err := readBytes(from, k)
			if err != nil || !okS {
				continue // migrateOne reports a source it cannot read
			}
			db, okD, err := readBytes(to, k)
			if err != nil {
				return nil, nil, err
			}
			if okD && !bytes.Equal(sb, db) {
				if reason := keepEntered(k, sb, db); reason != "" {
					kept[k] = reason
				}
			}
		case (strings.HasPrefix(k, rawPrefix) || strings.HasPrefix(k, rawTrashPrefix)) && path.Base(k) == metadataFile && strings.Count(k, "/") == 2:
			var sm, dm RawMetadata
			ok, err := both(k, &sm, &dm)
			if err != nil {
				return nil, nil, err
			}
			if ok && dm.Timestamp > sm.Timestamp {
				kept[dir] = fmt.Sprintf("the destination's was written %s, after the source's %s", time.UnixMilli(dm.Timestamp).UTC().Format(time.RFC3339), time.UnixMilli(sm.Timestamp).UTC().Format(time.RFC3339))
			}
		case strings.HasPrefix(k, snapshotsPrefix) && path.Base(k) == manifestFile && strings.Count(k, "/") == 2:
			sb, err := from.Read(ctx, k)
			if err != nil {
				continue // a problem recordedChecksums reports; copied as is
			}
			db, err := to.Read(ctx, k)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			} else if err != nil {
				return nil, nil, fmt.Errorf("store: migrate: %w", err)
			}
			if bytes.Equal(sb, db) {
				continue
			}
			var sm, dm snapshot.Metadata
			ok, err := both(dir+metadataFile, &sm, &dm)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				sc, dc := sm.Collection(), dm.Collection()
				if dc > sc || dc == sc && dm.CreatedAt.After(sm.CreatedAt) {
					kept[dir] = fmt.Sprintf("the destination's was built from collection %s at %s, newer than the source's (%s at %s)", dc, dm.CreatedAt.UTC().Format(time.RFC3339), sc, sm.CreatedAt.UTC().Format(time.RFC3339))
					continue
				}
			}
			replaced = append(replaced, dir)
		}
	}
	return kept, replaced, nil
}

// keepEntered says why the destination's copy dst of the configuration
// file or assessment record key, which differs from the source's src, is
// kept; "" when the source's replaces it: an assessment record (goals or
// month, package assess) whose updatedAt is later than the destination's.
func keepEntered(key string, src, dst []byte) string {
	at := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	if strings.HasPrefix(key, assessmentsPrefix) {
		s, d := recordUpdatedAt(src), recordUpdatedAt(dst)
		if s.IsZero() || d.IsZero() {
			return "the destination's differs from the source's, and their updatedAt do not tell which is newer"
		}
		switch {
		case s.After(d):
			return ""
		case d.After(s):
			return fmt.Sprintf("the destination's was updated %s, after the source's (%s)", at(d), at(s))
		}
		return fmt.Sprintf("the destination's differs from the source's, both updated %s", at(d))
	}
	var s, d DistrictConfigFile
	if key == configKey && json.Unmarshal(src, &s) == nil && json.Unmarshal(dst, &d) == nil {
		tracks := func(f DistrictConfigFile) string {
			if len(f.ConfiguredDistricts) == 0 {
				return "all districts"
			}
			return strings.Join(f.ConfiguredDistricts, ", ")
		}
		return fmt.Sprintf("the destination's configuration differs from the source's: it tracks %s (changed %s), the source %s (changed %s)",
			tracks(d), at(d.LastUpdated), tracks(s), at(s.LastUpdated))
	}
	return "the destination's configuration differs from the source's"
}

// recordUpdatedAt is the updatedAt of a goals or assessment record (package
// assess); zero when it has none or is not one.
func recordUpdatedAt(b []byte) time.Time {
	var r struct {
		UpdatedAt time.Time `json:"updatedAt"`
	}
	if json.Unmarshal(b, &r) != nil {
		return time.Time{}
	}
	return r.UpdatedAt
}

// migrateAttempts bounds the comparisons of one goals or assessment
// record with the destination's copy (migrateEntered): each one fails
// only when a server wrote or deleted that copy since it was read.
const migrateAttempts = 10

// migrateEntered copies the goals or assessment record key unless the
// destination keeps its own copy (keepEntered, which take overrides), by
// compare-and-swap with the destination's writers: the destination's
// copy is read with its version (ReadVersion) and replaced only by a
// WriteIfVersion against that version, or created only where there still
// is none (version ""). When that precondition fails (a server updated,
// created or deleted the record meanwhile), it reads and decides again; a
// record that was there when compared and is gone since stays deleted.
// kept is why the destination's copy is left as it is ("" when it was
// copied or identical); after migrateAttempts failed writes the record is
// left as it is and err says so.
func migrateEntered(ctx context.Context, from, to Objects, key string, take bool) (copied bool, n int64, kept string, err error) {
	src, err := from.Read(ctx, key)
	if err != nil {
		return false, 0, "", fmt.Errorf("read source: %w", err)
	}
	compared := false // the destination had a different copy
	for range migrateAttempts {
		cur, version, err := ReadVersion(ctx, to, key)
		switch {
		case errors.Is(err, fs.ErrNotExist) && compared:
			return false, 0, "the destination's was deleted while migrate ran: it stays deleted (run migrate again to copy the source's)", nil
		case errors.Is(err, fs.ErrNotExist):
			version = ""
		case err != nil:
			return false, 0, "", fmt.Errorf("read destination: %w", err)
		case bytes.Equal(cur, src):
			return false, 0, "", nil
		default:
			compared = true
			if reason := keepEntered(key, src, cur); reason != "" && !take {
				return false, 0, reason, nil
			}
		}
		written, err := WriteIfVersion(ctx, to, key, src, version)
		if err != nil {
			return false, 0, "", fmt.Errorf("write destination: %w", err)
		}
		if !written {
			continue
		}
		back, err := to.Read(ctx, key)
		switch {
		case err == nil && bytes.Equal(back, src), errors.Is(err, fs.ErrNotExist):
			// Copied (and maybe deleted by a server since).
		case err != nil:
			return true, int64(len(src)), "", fmt.Errorf("read back: %w", err)
		case recordUpdatedAt(back).IsZero():
			return true, int64(len(src)), "", fmt.Errorf("read back: sha256 %s, wrote %s", sha256Hex(back), sha256Hex(src))
		}
		// A record that differs from the copy written was written by a
		// server after it.
		return true, int64(len(src)), "", nil
	}
	return false, 0, "", fmt.Errorf("the destination's copy changed %d times while it was being compared with the source's (a server is writing it): left as it is; run migrate again", migrateAttempts)
}

// errChecksum marks a source object that does not match its recorded
// checksum (it is copied all the same).
var errChecksum = errors.New("does not match the checksum the source records for it (copied verbatim)")

// migrateOne copies one object. verified is true when the source bytes
// matched a recorded checksum.
func migrateOne(ctx context.Context, from, to Objects, key string, sums []string) (copied, verified bool, n int64, err error) {
	b, err := from.Read(ctx, key)
	if err != nil {
		return false, false, 0, fmt.Errorf("read source: %w", err)
	}
	cs := &checksums{b: b}
	sum := cs.sha256()
	mismatch := false
	if len(sums) > 0 {
		verified = slices.ContainsFunc(sums, cs.matches)
		mismatch = !verified
	}
	if cur, err := to.Read(ctx, key); err == nil && bytes.Equal(cur, b) {
		if mismatch {
			return false, false, 0, errChecksum
		}
		return false, verified, 0, nil
	} else if err == nil && mismatch {
		// Damaged bytes never replace what the destination has (maybe
		// the good copy of the only copy).
		if slices.ContainsFunc(sums, (&checksums{b: cur}).matches) {
			return false, false, 0, errors.New("does not match the checksum the source records for it; the destination's copy, which does, is kept")
		}
		return false, false, 0, errors.New("does not match the checksum the source records for it; the destination's different copy is left as it is")
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, false, 0, fmt.Errorf("read destination: %w", err)
	}
	if err := to.Write(ctx, key, b); err != nil {
		return false, false, 0, fmt.Errorf("write destination: %w", err)
	}
	back, err := to.Read(ctx, key)
	if err != nil {
		return true, false, int64(len(b)), fmt.Errorf("read back: %w", err)
	}
	if sha256Hex(back) != sum {
		return true, false, int64(len(b)), fmt.Errorf("read back: sha256 %s, wrote %s", sha256Hex(back), sum)
	}
	if mismatch {
		return true, false, int64(len(b)), errChecksum
	}
	return true, verified, int64(len(b)), nil
}

// migrationKeys lists every object of the data directory, sorted, without
// what Migrate leaves out.
func migrationKeys(ctx context.Context, objs Objects) ([]string, error) {
	var out []string
	var walk func(prefix string) error
	walk = func(prefix string) error {
		ents, err := objs.List(ctx, prefix)
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		for _, e := range ents {
			name := path.Base(strings.TrimSuffix(e, "/"))
			switch {
			case e == ".locks/", e == "config/admin-token", strings.HasPrefix(name, ".tmp-"):
				continue
			case prefix == snapshotsPrefix && (strings.HasPrefix(name, genPrefix) || strings.HasPrefix(name, oldPrefix) || strings.HasPrefix(name, delPrefix)):
				continue
			case strings.HasSuffix(e, "/"):
				if err := walk(e); err != nil {
					return err
				}
			default:
				out = append(out, e)
			}
		}
		return nil
	}
	if err := walk(""); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}

// recordedChecksums maps object keys to the checksums (sumMatches) the source
// records for them: raw-cache files (metadata.json checksums and pending
// checksums) and snapshot files (manifest.json). Unreadable metadata or
// manifests are problems, not errors: their files are still copied.
func recordedChecksums(ctx context.Context, objs Objects, keys []string) (map[string][]string, []MigrateProblem) {
	sums := map[string][]string{}
	var problems []MigrateProblem
	for _, k := range keys {
		dir := path.Dir(k) + "/"
		switch {
		case strings.HasPrefix(k, rawPrefix) && path.Base(k) == metadataFile && strings.Count(k, "/") == 2,
			strings.HasPrefix(k, rawTrashPrefix) && path.Base(k) == metadataFile && strings.Count(k, "/") == 2:
			b, err := objs.Read(ctx, k)
			var md RawMetadata
			if err == nil {
				err = json.Unmarshal(b, &md)
			}
			if err != nil {
				problems = append(problems, MigrateProblem{Key: k, Problem: fmt.Sprintf("unreadable raw metadata, its files are copied unverified: %v", err)})
				continue
			}
			for f, s := range md.Integrity.Checksums {
				sums[dir+f] = append(sums[dir+f], s)
			}
			for f, s := range md.Integrity.Pending {
				sums[dir+f] = append(sums[dir+f], s)
			}
		case strings.HasPrefix(k, snapshotsPrefix) && path.Base(k) == manifestFile && strings.Count(k, "/") == 2:
			b, err := objs.Read(ctx, k)
			var man snapshot.Manifest
			if err == nil {
				err = json.Unmarshal(b, &man)
			}
			if err != nil {
				problems = append(problems, MigrateProblem{Key: k, Problem: fmt.Sprintf("unreadable manifest, its files are copied unverified: %v", err)})
				continue
			}
			for _, e := range man.Districts {
				name := e.FileName
				if name == "" {
					name = DistrictFileName(e.DistrictID)
				}
				if sum := manifestSum(e.CRC32C, e.SHA256); sum != "" {
					sums[dir+name] = append(sums[dir+name], sum)
				}
			}
			if r := man.AllDistrictsRankings; manifestSum(r.CRC32C, r.SHA256) != "" {
				name := r.Filename
				if name == "" {
					name = rankingsFile
				}
				sums[dir+name] = append(sums[dir+name], manifestSum(r.CRC32C, r.SHA256))
			}
		}
	}
	return sums, problems
}
