//go:build !unix

package store

import "io/fs"

// inodeOf is 0 where files have no inode number the store can read
// (Windows): the pointer check then rests on size and modification time.
func inodeOf(fs.FileInfo) uint64 { return 0 }
