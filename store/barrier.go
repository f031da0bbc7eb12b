package store

import "sync/atomic"

// A barrier makes durable, with one call, every write made on the file
// system of a local data directory since the barrier was opened: on Linux
// one syncfs(2) instead of an fsync per file and per folder. A build writes
// ~260 files (a snapshot of the world and one history log per district);
// each fsync of them waited for the disk on its own, which was a sixth of
// the build's time, and the barrier is strictly stronger than those fsyncs
// (the whole file system is flushed, including the folders' entries).
//
// A barrier exists only where syncfs is known to flush to stable storage
// and to report failures (Linux 5.8 or later, on the file systems of
// barrierFS: ext2/3/4, XFS, Btrfs, tmpfs, overlayfs).
// Elsewhere (other systems, FUSE, network file systems, whose syncfs may
// flush less than fsync does) openBarrier returns nil and every write is
// fsynced on its own, as before.
//
// syncfs reports the write-back errors of the file system since the
// barrier's descriptor was opened, so a barrier is opened before the first
// write it covers, and used once.
type barrier interface {
	// sync makes the writes since the barrier was opened durable.
	sync() error
	// close releases the barrier (after sync, or instead of it).
	close()
}

// noBarrier turns barriers off (tests of the per-file fsync path).
var noBarrier atomic.Bool

// syncCalls counts the calls that wait for the disk: fsync of a file or a
// folder, and syncfs (tests check that a barrier replaces the fsyncs).
var syncCalls atomic.Int64
