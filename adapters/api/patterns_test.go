package api

import (
	"regexp"
	"testing"
)

// The id patterns compile on first use, not at start-up: each is compiled
// here, and checked on values worked out by hand.
func TestIDPatterns(t *testing.T) {
	cases := []struct {
		name string
		re   func() *regexp.Regexp
		yes  []string
		no   []string
	}{
		{"job", jobIDPattern, []string{"job-0123456789abcdef"}, []string{"job-0123456789ABCDEF", "job-0123456789abcde", "xjob-0123456789abcdef", ""}},
		{"club", clubIDPattern, []string{"00012345", "A1", "123456789012"}, []string{"1234567890123", "12 34", "12-34", ""}},
		{"unit", unitIDPattern, []string{"A", "0D", "1234567890"}, []string{"12345678901", "A/B", ""}},
		{"legacy snapshot", legacySnapshotID, []string{"snapshot_1700000000000", "42"}, []string{"snapshot_", "snapshot_x", "2025-07-15"}},
		{"version", versionPattern, []string{"1.2.3", "v2-rc.1"}, []string{".1", "-x", "1 2", ""}},
	}
	for _, c := range cases {
		re := c.re()
		if re != c.re() {
			t.Errorf("%s: compiled twice", c.name)
		}
		for _, s := range c.yes {
			if !re.MatchString(s) {
				t.Errorf("%s: %q refused", c.name, s)
			}
		}
		for _, s := range c.no {
			if re.MatchString(s) {
				t.Errorf("%s: %q accepted", c.name, s)
			}
		}
	}
}
