package store

import (
	"encoding/hex"
	"hash/crc32"
	"strings"
)

// The checksum a snapshot's manifest records for each of its files, and
// every read of the file checks.
//
// A snapshot published now records the CRC-32C (Castagnoli) of each file,
// as the history index frames its records (records.go) and as object stores
// checksum objects. Snapshots published before recorded the sha256: they
// are read, verified, migrated and rebuilt from as they are.
//
// The checksum guards against storage damage (a torn or truncated write, a
// flipped bit, a file from another generation), never against tampering:
// whoever can write a file can write its manifest. CRC-32C finds every such
// damage a sha256 would in practice and costs a tenth as much: hashing the
// ~13 MB a world snapshot writes with sha256 was ~5 % of a world build's CPU.
//
// Inside the store a manifest's checksum travels as one string (see
// manifestSum): "crc32c:<8 hex digits>", a bare sha256 hex (older
// snapshots), or "" (the predecessor's manifests record none).

// crc32cPrefix marks a CRC-32C checksum string.
const crc32cPrefix = "crc32c:"

// crc32cHex is the CRC-32C of b, 8 lowercase hex digits (the manifest's
// crc32c field).
func crc32cHex(b []byte) string {
	c := crc32.Checksum(b, castagnoli)
	return hex.EncodeToString([]byte{byte(c >> 24), byte(c >> 16), byte(c >> 8), byte(c)})
}

// manifestSum is the checksum string of a manifest entry's crc32c and
// sha256 fields: the CRC-32C when recorded, else the sha256.
func manifestSum(crc, sha string) string {
	if crc != "" {
		return crc32cPrefix + strings.ToLower(crc)
	}
	return strings.ToLower(sha)
}

// checksums are the checksums of one file's bytes, each computed once
// however many recorded sums it is compared with (migrate compares a file
// with every sum its source records).
type checksums struct {
	b        []byte
	sha, crc string
}

// sha256 is the file's sha256 hex.
func (c *checksums) sha256() string {
	if c.sha == "" {
		c.sha = sha256Hex(c.b)
	}
	return c.sha
}

// like is the file's checksum of the same kind as sum (for what a mismatch
// found): the CRC-32C for a CRC-32C, else the sha256.
func (c *checksums) like(sum string) string {
	if strings.HasPrefix(sum, crc32cPrefix) {
		if c.crc == "" {
			c.crc = crc32cPrefix + crc32cHex(c.b)
		}
		return c.crc
	}
	return c.sha256()
}

// matches reports whether the file has the checksum sum (a manifestSum, or
// a sha256 hex in either case, as raw metadata records them). An empty sum
// matches nothing: callers decide what an unrecorded checksum means.
func (c *checksums) matches(sum string) bool {
	return sum != "" && strings.EqualFold(c.like(sum), sum)
}

// sumOf is the checksum of b of the same kind as sum.
func sumOf(sum string, b []byte) string { return (&checksums{b: b}).like(sum) }

// sumMatches reports whether b has the checksum sum (checksums.matches).
func sumMatches(sum string, b []byte) bool { return (&checksums{b: b}).matches(sum) }
