// Package store owns the data directory: the raw CSV cache (verbatim
// dashboard downloads with checksums), the snapshot store (atomic writes, the
// current pointer, retention, integrity checks and recovery, a bounded read
// cache) and the district configuration.
package store
