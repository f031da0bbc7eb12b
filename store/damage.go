package store

import "context"

// DamageReasons says what is wrong with the snapshot v, one sentence each:
// the files reads found damaged (Damaged), and what a cheap check
// (QuickCheck: every file present with its manifest size) finds besides.
// Empty when the snapshot is intact as far as is known. A server reports
// them as the degraded reasons of its health answer.
func (s *SnapshotStore) DamageReasons(ctx context.Context, v *View) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range s.Damaged(v.ID) {
		out = append(out, "damaged file "+d.File+": "+d.Problem)
		seen[d.File] = true
	}
	if v.Legacy() {
		return out
	}
	c, err := s.QuickCheck(ctx, v.ID)
	if err == nil && !c.Complete {
		// A publish may have swapped the folder mid-check: look again.
		c, err = s.QuickCheck(ctx, v.ID)
	}
	if err == nil {
		for _, p := range c.Problems {
			if !seen[p] {
				out = append(out, "snapshot "+v.ID+": "+p)
			}
		}
	}
	return out
}
