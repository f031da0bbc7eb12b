// Package store owns the data directory: the raw CSV cache (verbatim
// dashboard downloads with checksums), the snapshot store (atomic writes, the
// current pointer, retention, integrity checks and recovery, a bounded read
// cache) and the district configuration.
//
// # Layout
//
// The layout is the predecessor's per-district layout, so a data directory
// the TypeScript predecessor wrote opens as is:
//
//	config/districts.json              {configuredDistricts, lastUpdated, updatedBy, version}
//	config/district-changes.log        JSONL audit log of configuration changes
//	raw-csv/<YYYY-MM-DD>/all-districts.csv
//	raw-csv/<YYYY-MM-DD>/district-<id>/{club,division,district}-performance.csv
//	raw-csv/<YYYY-MM-DD>/metadata.json sha256 of every file, csvFiles, dataMonth, ...
//	snapshots/<YYYY-MM-DD>/{metadata.json, manifest.json, all-districts-rankings.json, district_<id>.json}
//	snapshots/<id>.json                the predecessor's legacy single-file snapshots (read only)
//	current.json                       {snapshot_id, updated_at, schema_version, calculation_version}
//	quarantine/                        what is kept aside instead of deleted (quarantine.go): damaged
//	                                   snapshots (<id>-<ts>/) and leftovers (leftovers-<ts>/) Recover
//	                                   moved, damaged raw reports the scraper replaced
//	                                   (raw-<time>/raw-csv/...); RawCache.QuarantineList lists them,
//	                                   RawCache.Purge removes them
//	recovery-backups/backup-<ts>-<r>/  what Recover changed (old current.json, inventory), written
//	                                   first (quarantine.go; the predecessor's are backup-<ts>/);
//	                                   RawCache.RecoveryBackupList lists them, RawCache.Purge
//	                                   removes them
//	.locks/                            flock(2) files serialising writers across processes
//
// Hidden entries are never snapshots: snapshots/.gen-* (a generation being
// staged, or left by a crash), snapshots/.old-* (a replaced generation kept
// one minute for readers still on it), snapshots/.del-* (being deleted), and
// .tmp-* files of in-flight atomic writes.
//
// # Storage and atomicity
//
// Everything goes through the Objects interface (read, atomic write, list,
// delete by "/"-separated key); DirObjects is the local implementation. It
// works through an os.Root (on Linux, openat2 with the same guarantee: see
// "Cost of a local publish"), so neither a key nor a symlink planted inside the
// directory reaches outside it, and every write is a temporary file in the
// same folder, fsync, rename, fsync of the folder. Ids and dates are
// validated before any key is built.
//
// A snapshot is many files, so publishing uses an optional capability,
// DirSwapper: the files are staged in snapshots/.gen-<id>-<n>/ and made
// durable, then the folder is renamed into place — with
// renameat2(RENAME_EXCHANGE) when the id exists already (a rebuild). A reader
// that opens snapshots/<id>/ therefore sees the whole old generation or the
// whole new one. A View pins one generation: its manifest carries the checksum
// of every file (CRC-32C; sha256 in snapshots published before, see
// filesum.go; metadata.json's too since 2026-12), each read is checked
// against it, and a read that finds the
// folder replaced reads the retired generation (.old-<id>-<gen>-<ts>)
// instead. current.json is written (atomically) only after the snapshot is in
// place, only for a complete successful snapshot whose id is >= the current
// one (or when the pointer is missing or broken). After a crash at any point
// the store holds complete snapshots only; at worst current.json still names
// the previous snapshot, or a hidden leftover folder remains — Check reports
// that and Recover repairs it, and AdvancePointer (which the Builder runs
// before it builds and when it checks for pending dates) moves such a
// pointer forward. Reads never write anything.
//
// # Cost of a local publish
//
// A local publish of the whole world (131 files, ~13 MB) is JSON encoding,
// file creation and making it durable. Each district file is written into
// the staged folder as soon as it is encoded, up to 32 at a time, while the
// others are still being encoded; then the rankings, manifest and metadata.
// On Linux 5.8 and later, where the data directory's file system is one
// whose syncfs(2) flushes to stable storage (ext2/3/4, XFS, Btrfs, tmpfs,
// overlayfs: see barrier), one syncfs then makes every staged file, the folder and the
// folders created for it (snapshots/ on a first build) durable, and the folder is swapped in; elsewhere every file is fsynced as it is
// written, then the folder, then the swap. Either way nothing is in place
// before all of it is durable. The history index's appends of a build are
// made durable the same way (one syncfs for ~130 logs).
//
// syncfs flushes the whole file system, other processes' dirty pages
// included. An earlier measurement, on a shared machine, found it slower than
// 131 parallel fsyncs (185-550 ms against 40-200 ms). Measured again on
// kernel 6.18 (ext4, 2 cores), a world build with the barrier takes 25-30 ms
// less wall than with ~270 fsyncs (~137 against ~165 ms). With another
// process writing 300 MB files without pause on the same disk, both are slow
// and the barrier is still ahead: medians of 2.0 s against 3.2 s.
//
// On Linux every file is opened with one openat2(2) relative to the data
// directory, with RESOLVE_BENEATH and RESOLVE_NO_MAGICLINKS: the kernel
// refuses any resolution that leaves the directory (absolute or escaping
// symlinks, ".."), the guarantee os.Root gives, which instead opens every
// folder on the way and registers each file with the network poller (a
// world build made ~6,000 more system calls through it); folders are listed
// the same way. Where openat2 is missing or refused (kernels before 5.6,
// seccomp filters) os.Root does it. Files and folders opened only to be read
// are opened with O_NOATIME: the store never looks at access times, and on a
// relatime mount the first read of every freshly written file (each raw
// report a build reads) would otherwise dirty its inode for the next syncfs
// to write back.
//
// # Platforms
//
// The store builds and works on Linux, macOS and Windows; the guarantees
// above are Linux's. What differs elsewhere:
//   - macOS: a rebuilt snapshot is swapped in with renameatx_np(RENAME_SWAP),
//     the same atomic exchange; locks are flock(2). Same guarantees.
//   - Windows: there is no atomic exchange of two folders, so a rebuilt date
//     is put in place with three renames (old folder aside, new folder in,
//     old folder to the staged name). For that moment the date has no folder:
//     a reader opening it gets ErrNoSnapshot (a View already open keeps
//     reading its generation), and a crash there leaves the old generation
//     as a snapshots/.gen-*.swap leftover and, if the date was current, a
//     pointer that Check reports and Recover repoints. A first publish of a
//     date is one rename, atomic as on Linux. Folders cannot be fsynced (NTFS
//     journals their entries); locks are LockFileEx on the same .locks/ files.
//   - Other systems: the portable renames as on Windows; locks are flock(2)
//     on the BSDs and in-process only elsewhere.
//
// # Object storage
//
// Open also accepts a URL: file:///path is the local directory, and
// s3://bucket/prefix?endpoint=...&region=...&use_path_style=true opens the
// S3 backend (store/blobstore, on aws-sdk-go-v2) when the program
// imports store/backends, which registers it (RegisterBackend); without
// that import the error names it. The layout under the prefix is the one
// above, so migrating is copying (toaststats migrate). An object store has
// no folders, no rename and no flock, so the guarantees above rest on
// these S3 features instead:
//
//   - A whole object or nothing: a PUT is atomic (readers see the old or
//     the new object), and S3 is strongly read-after-write consistent
//     (GET, HEAD and LIST see a write once it returned). Every write of the
//     store is one PUT (Objects.Write).
//   - A snapshot becomes visible only when complete: a date is published
//     in place, files first and manifest.json last. A new date has no
//     manifest or metadata until its files are all written, so readers
//     find no snapshot there. A rebuilt date (no folder swap on S3) first
//     writes an intent (snapshots/.gen-<id>-<n>/intent.json) and copies the
//     replaced generation, manifest last, to snapshots/.old-<id>-<gen>-<ts>/
//     (server-side CopyObject); then it overwrites the files, deletes the
//     old manifest, writes metadata.json and writes the new manifest last.
//     A View pins a generation by its manifest's sha256 and checks every
//     file against it; a file that no longer matches is read from the .old-
//     copy. A View is loaded from manifest, metadata and the manifest again,
//     and since the old manifest is gone before the new metadata is written,
//     an unchanged manifest proves the metadata is of the same generation;
//     in the few milliseconds of the commit a loading reader waits (up to
//     400 ms) instead of failing.
//   - current.json last, moved by compare-and-swap: it is read with its
//     ETag and written with If-Match on it (If-None-Match: * when absent);
//     when another writer got there first the decision (only a complete
//     success at least as new as the current one) is taken again on what
//     it wrote. Two builders can never both move it from the same state,
//     and an older collection never replaces a newer one, even when the
//     lock below failed.
//   - An object that must be created only once (a month's assessment,
//     CreateExclusive) is one PUT with If-None-Match: *: of concurrent
//     creators exactly one succeeds (on disk: a hard link, which never
//     replaces a name).
//   - An object updated by read-modify-write (a month's assessment) is a
//     compare-and-swap (ReadVersion, WriteIfVersion): written with
//     If-Match on the ETag read, so a write whose read another write or a
//     delete overtook fails and is retried on what is stored now (on disk:
//     the sha256 of the bytes compared and the object written under the
//     flock .locks/objects-cas.lock, which DeleteVersioned takes too).
//   - Checksums verified on read, and reads never mutate: unchanged (the
//     same code as on disk).
//   - An interrupted publish leaves nothing a reader can reach: a crash
//     before the manifest is written leaves either a new date without a
//     manifest (invisible), or a rebuilt date whose files no longer match
//     its old manifest, with the intent and the complete .old- copy. The
//     next Publish, and Recover (verify --repair), resume every intent:
//     a date that verifies is tidied (the publish had committed); otherwise
//     the .old- copy is copied back (manifest last), or an uncommitted
//     first publish is removed. Meanwhile readers pinned to the old
//     generation read it from the copy, and Check reports the date and the
//     intent. Recover repoints and quarantines as on disk; quarantine and
//     the raw-cache trash move folders by copy then delete (a crash leaves
//     both copies, never none).
//   - The watch of the current pointer compares size, time and ETag of
//     current.json, manifest.json and metadata.json (three HEADs every
//     500 ms); cached files are re-checked by HEAD, ETag included.
//   - Locks (one builder at a time): Locker is a lease object
//     .locks/<name>.lease holding {holder, expires}, created with
//     If-None-Match: *, renewed every 10 s with If-Match while held, taken
//     over with If-Match on its ETag once expired (30 s without renewal,
//     measured on the storage server's clock, so hosts whose clocks
//     disagree agree on it) or when its holder
//     was a process on the same host that no longer exists, and deleted on
//     release. So exactly one process on any host builds or repairs at a
//     time, and the raw cache's per-date metadata is updated by one writer
//     at a time.
//   - A lost lease stops the writer (LeaseLocker, HeldLock): a holder
//     whose renewal finds the lease taken over, or whose renewals have all
//     failed for 30 s since the last good one was sent (the process
//     stalled, or lost the network), may no longer hold it. Every request
//     it makes under the lease is then cancelled, and a publish confirms
//     (renews) its lease right before each irreversible step — its first
//     write into snapshots/<id>/, the commit, the move of current.json —
//     so that a holder that stalled unnoticed finds out there. A publish
//     that lost its lease returns ErrLeaseLost and repairs nothing (a
//     repair could undo the new holder's work): stopped before writing
//     into snapshots/<id>/, it deletes its own intent and copy of the
//     replaced generation; stopped later, it leaves its intent to the new
//     holder, whose next publish (or Recover) finishes or rolls it back as
//     after a crash; stopped after the commit, before the move of
//     current.json, it leaves the pointer behind, which the next build's
//     AdvancePointer (or Recover) moves forward. The history index's
//     appends and rebuild, Recover,
//     Retain and Delete stop the same way. What no check can stop is a
//     request already on its way when the holder stalls: each step is
//     confirmed with a whole time to live ahead of it, so that takes a
//     stall longer than the lease in the middle of one request, and
//     current.json is fenced by its compare-and-swap even then. The raw
//     cache's writes (Put, Compress, the trash) and the district
//     configuration's changes stop the same way: each write under the
//     lease is confirmed right before it, a lost lease returns
//     ErrLeaseLost, and what the new holder wrote stays as it wrote it.
//
// Several API servers can serve one bucket: each watches current.json and
// shows a new snapshot within about a second of its publication, with its
// own read cache.
//
// # Processes
//
// Writers of the same data directory in different processes (the scraper,
// the server, the CLI) are serialised by flock(2) locks in .locks/: one per
// raw-cache date (so concurrent Puts never lose metadata entries, in one
// process or several), one for the snapshot store, one for the district
// configuration. A writer waiting for a lock another holds stops waiting,
// with its context's error, when its context ends. Readers take no lock. A server learns about a snapshot
// published by another process when the current pointer is next checked
// (every 500 ms off the request path while SnapshotStore.Watch runs, at
// most 2 s otherwise: see SnapshotStore.Current) and about other snapshots
// when their cache entries expire (Options.CacheTTL); a
// View whose generation another process replaced and collected returns
// ErrGenerationGone and is dropped from the cache.
//
// # Raw cache crash window
//
// A Put writes the report, then records its sha256 in metadata.json. When it
// replaces a verified report it first records the new checksum as pending,
// so a crash at any point leaves a file that verifies (old bytes against the
// recorded checksum, new bytes against the pending one). A crash while
// writing a brand-new report can leave it without a recorded checksum; Get
// then returns it unverified, as it does for predecessor files without one.
// The store never deletes a file because it failed a check.
package store
