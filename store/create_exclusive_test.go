package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Concurrent CreateExclusive calls of one key, through two handles on the
// same location (two processes, or two hosts on one bucket): exactly one
// creates the object, the others get false, and the object holds the
// winner's bytes, whole. A later call leaves it as it is.
func TestCreateExclusiveOneWinner(t *testing.T) {
	ctx := context.Background()
	a, b := twoHandles(t)
	for round := range 4 {
		key := fmt.Sprintf("assessments/42/month-2025-%02d.json", round+1)
		const n = 8
		created := make([]bool, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			objs := a.Objects()
			if i%2 == 1 {
				objs = b.Objects()
			}
			wg.Go(func() {
				<-start
				created[i], errs[i] = CreateExclusive(ctx, objs, key, payload(i, round))
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i := range n {
			must(t, errs[i])
			if created[i] {
				if winner >= 0 {
					t.Fatalf("round %d: callers %d and %d both created %s", round, winner, i, key)
				}
				winner = i
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: nobody created %s", round, key)
		}
		got, err := b.Objects().Read(ctx, key)
		must(t, err)
		if string(got) != string(payload(winner, round)) {
			t.Fatalf("round %d: %s holds %.60q…, want caller %d's bytes", round, key, got, winner)
		}
		if ok, err := CreateExclusive(ctx, a.Objects(), key, []byte("late")); ok || err != nil {
			t.Fatalf("round %d: a later create = %v, %v; want false, nil", round, ok, err)
		}
		if got, _ := a.Objects().Read(ctx, key); string(got) != string(payload(winner, round)) {
			t.Fatalf("round %d: a refused create changed the object", round)
		}
	}
	if !onS3() {
		// No temporary file is left behind, won or lost.
		ents, err := os.ReadDir(filepath.Join(a.Objects().(*DirObjects).Dir(), "assessments", "42"))
		must(t, err)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".tmp-") {
				t.Errorf("leftover %s", e.Name())
			}
		}
		if len(ents) != 4 {
			t.Errorf("%d entries in assessments/42, want the 4 created", len(ents))
		}
	}
}

// payload is caller i's object in a round: large enough that a torn or
// interleaved write would show.
func payload(i, round int) []byte {
	return []byte(strings.Repeat(fmt.Sprintf("caller %d of round %d\n", i, round), 4096))
}

// bareObjects has none of the optional capabilities.
type bareObjects struct{ Objects }

// A backend that can neither create exclusively nor write conditionally
// is refused: a check followed by a write would not be atomic.
func TestCreateExclusiveNeedsACapability(t *testing.T) {
	objs, err := NewDirObjects(t.TempDir())
	must(t, err)
	defer objs.Close()
	ok, err := CreateExclusive(context.Background(), bareObjects{objs}, "assessments/42/month-2025-07.json", []byte("{}"))
	if ok || !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("CreateExclusive on a bare backend = %v, %v; want false and errors.ErrUnsupported", ok, err)
	}
	if _, err := objs.Read(context.Background(), "assessments/42/month-2025-07.json"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("something was written: %v", err)
	}
}
