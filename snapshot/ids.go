package snapshot

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"time"
)

// maxDistrictIDLen is the longest district id accepted. The dashboard's ids
// have one to three characters; eight leaves room without admitting
// arbitrary text into file names.
const maxDistrictIDLen = 8

// IsDistrictID reports whether id is a district id: 1 to 8 ASCII letters or
// digits ("02", "118", "F", "U"), in either case. The summary report's footer
// line, blanks and anything with spaces or punctuation are not. This is the
// one definition; readers, validation, ranking, the store and the programs
// all call it.
func IsDistrictID(id string) bool {
	if len(id) < 1 || len(id) > maxDistrictIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// CanonicalDistrictID returns id in the form snapshots and file names use
// (upper case: "f" gives "F"; digits are kept as written, so "02" stays
// "02"); ok is false when id is not a district id.
func CanonicalDistrictID(id string) (canonical string, ok bool) {
	if !IsDistrictID(id) {
		return "", false
	}
	b := []byte(id)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b), true
}

// CompareDistrictIDs orders district ids naturally: all-digit ids first, by
// numeric value ("2" and "02", equal in value, by their text), then every
// other id by its text. It returns -1, 0 or +1 like [cmp.Compare].
func CompareDistrictIDs(a, b string) int {
	an, aNum := numericDistrictID(a)
	bn, bNum := numericDistrictID(b)
	switch {
	case aNum && bNum:
		if c := cmp.Compare(an, bn); c != 0 {
			return c
		}
	case aNum:
		return -1
	case bNum:
		return 1
	}
	return cmp.Compare(a, b)
}

// numericDistrictID parses an all-digit id. Ids too long for uint64 still
// sort among the numeric ids (after every shorter one) through their length.
func numericDistrictID(id string) (uint64, bool) {
	if id == "" {
		return 0, false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return math.MaxUint64, true
	}
	return v, true
}

// ParseDate reads a calendar date written YYYY-MM-DD ("2026-02-30" and
// "2026-2-3" are not dates). It is the one date check of the project.
func ParseDate(date string) (time.Time, bool) {
	if len(date) != len(time.DateOnly) || date[4] != '-' || date[7] != '-' {
		return time.Time{}, false
	}
	for i := 0; i < len(date); i++ {
		if i != 4 && i != 7 && (date[i] < '0' || date[i] > '9') {
			return time.Time{}, false
		}
	}
	t, err := time.Parse(time.DateOnly, date)
	if err != nil || t.Format(time.DateOnly) != date {
		return time.Time{}, false
	}
	return t, true
}

// ProgramYearFor returns the program year (July–June) holding month m of
// year y: July 2025 and June 2026 are both in "2025-2026".
func ProgramYearFor(y int, m time.Month) string {
	if m < time.July {
		y--
	}
	if y < 0 || y > 9998 {
		return fmt.Sprintf("%04d-%04d", y, y+1)
	}
	// What Sprintf writes, without it: a world build asks ~10,000 times.
	var b [9]byte
	put4(b[:4], y)
	b[4] = '-'
	put4(b[5:], y+1)
	return string(b[:])
}

// put4 writes 0 <= n <= 9999 into b as four digits.
func put4(b []byte, n int) {
	for i := 3; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}

// ValidMonth reports whether month is a calendar month written YYYY-MM
// ("2026-03"; not "2026-3" or "2026-13").
func ValidMonth(month string) bool {
	_, ok := ParseDate(month + "-01")
	return ok && len(month) == len("2026-03")
}
