package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// cutRename is a backend whose next Rename of a folder stops part-way, as
// a move on object storage does when the process is killed or a request
// fails (blobstore's Rename copies every object, then deletes the source):
// it copies the first copies of the folder's objects (sorted) to the
// target, deletes the first dels of them from the source, and fails. With
// keepMarker, the next Delete of a move marker fails too (a process killed
// before it removes the marker).
type cutRename struct {
	Objects
	armed        bool
	copies, dels int
	keepMarker   bool
}

func (o *cutRename) Rename(ctx context.Context, from, to string) error {
	if !o.armed {
		return o.Objects.(renamer).Rename(ctx, from, to)
	}
	o.armed = false
	files := listAllFiles(ctx, o.Objects, from)
	for i, k := range files {
		if i == o.copies {
			break
		}
		b, err := o.Objects.Read(ctx, k)
		if err != nil {
			return err
		}
		if err := o.Objects.Write(ctx, to+strings.TrimPrefix(k, from), b); err != nil {
			return err
		}
	}
	for i, k := range files {
		if i == o.dels {
			break
		}
		if err := o.Objects.Delete(ctx, k); err != nil {
			return err
		}
	}
	return errors.New("rename cut short")
}

func (o *cutRename) Delete(ctx context.Context, key string) error {
	if o.keepMarker && strings.HasSuffix(key, moveMarkerSuffix) {
		o.keepMarker = false
		return errors.New("delete cut short")
	}
	return o.Objects.Delete(ctx, key)
}

// listAllFiles lists every object under folder, sorted.
func listAllFiles(ctx context.Context, objs Objects, folder string) []string {
	var out []string
	ents, _ := objs.List(ctx, folder)
	for _, e := range ents {
		if strings.HasSuffix(e, "/") {
			out = append(out, listAllFiles(ctx, objs, e)...)
		} else {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return out
}

// folderFiles maps every object under folder (relative to it) to its
// bytes.
func folderFiles(t *testing.T, objs Objects, folder string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, k := range listAllFiles(context.Background(), objs, folder) {
		b, err := objs.Read(context.Background(), k)
		must(t, err)
		out[strings.TrimPrefix(k, folder)] = string(b)
	}
	return out
}

// moveCuts are the points where a move on object storage can stop: the
// copies (of the 8 objects of the date) and deletes of the source done.
var moveCuts = []struct {
	name         string
	copies, dels int
	keepMarker   bool
}{
	{"marked, not started", 0, 0, true},
	{"during the copies", 3, 0, false},
	{"after the copies", 8, 0, false},
	{"during the delete", 8, 3, false},
	{"after the delete", 8, 8, false},
}

const moveDate = "2025-09-13"

// moveFixture is a store holding moveDate (a summary and three reports of
// two districts, and metadata.json: 8 objects), the same store seen
// through cutRename, and the date's objects.
func moveFixture(t *testing.T, now *time.Time) (st *Store, cut *cutRename, cutStore *Store, files map[string]string) {
	t.Helper()
	ctx := context.Background()
	opts := Options{Now: func() time.Time { return *now }}
	st = openTest(t, opts)
	rc := st.Raw()
	must(t, rc.Put(ctx, moveDate, "", ReportSummary, []byte("District,Clubs\n42,1\n61,1\n"), PutInfo{}))
	for _, did := range []string{"42", "61"} {
		for _, r := range DistrictReports {
			must(t, rc.Put(ctx, moveDate, did, r, []byte("Club Number,Club Name\n1,"+did+string(r)+"\n"), PutInfo{}))
		}
	}
	files = folderFiles(t, st.Objects(), rawPrefix+moveDate+"/")
	if len(files) != 8 {
		t.Fatalf("fixture has %d objects: %v", len(files), slices.Sorted(maps.Keys(files)))
	}
	cut = &cutRename{Objects: st.Objects()}
	cutStore = OpenObjects("cut", cut, opts)
	t.Cleanup(func() { cutStore.Close() })
	return st, cut, cutStore, files
}

// checkInterrupted asserts what a move cut short leaves: the objects at
// the source and the destination, the marker, and that nothing reads the
// date as cached while TrashList flags the entry.
func checkInterrupted(t *testing.T, st *Store, e TrashEntry, move string, from, to string, wantFrom, wantTo int) {
	t.Helper()
	ctx := context.Background()
	objs := st.Objects()
	if n, m := len(listAllFiles(ctx, objs, from)), len(listAllFiles(ctx, objs, to)); n != wantFrom || m != wantTo {
		t.Fatalf("after the cut: %d objects at %s, %d at %s; want %d and %d", n, from, m, to, wantFrom, wantTo)
	}
	rc := st.Raw()
	list, err := rc.TrashList(ctx)
	must(t, err)
	want := TrashEntry{ID: e.ID, Date: moveDate, DeletedAt: e.DeletedAt, MoveInterrupted: true, InterruptedMove: move}
	if len(list) != 1 || list[0] != want {
		t.Fatalf("TrashList = %+v, want [%+v]", list, want)
	}
	if dates, err := rc.Dates(ctx); err != nil || len(dates) != 0 {
		t.Fatalf("Dates = %v %v, want none (the date may be split)", dates, err)
	}
	_, err = rc.Availability(ctx, moveDate)
	if !errors.Is(err, ErrMoveInterrupted) || !strings.Contains(err.Error(), "raw-cache date "+moveDate) ||
		!strings.Contains(err.Error(), "raw-trash/"+e.ID+"/") || !strings.Contains(err.Error(), "toaststats verify --repair") {
		t.Fatalf("Availability = %v, want ErrMoveInterrupted naming the date, the entry and verify --repair", err)
	}
	moves, err := rc.InterruptedMoves(ctx)
	must(t, err)
	if len(moves) != 1 || moves[0].Date != moveDate || moves[0].TrashID != e.ID || moves[0].Move != move || moves[0].Problem != "" {
		t.Fatalf("InterruptedMoves = %+v, want the %s of %s", moves, move, e.ID)
	}
}

// checkFinished asserts the state a finished move leaves: the date's
// objects in the cache (cache nil: none) and in trash entries (by id),
// and no marker.
func checkFinished(t *testing.T, st *Store, cache map[string]string, trash map[string]map[string]string) {
	t.Helper()
	ctx := context.Background()
	objs := st.Objects()
	got := folderFiles(t, objs, rawPrefix+moveDate+"/")
	if cache == nil {
		cache = map[string]string{}
	}
	if !maps.Equal(got, cache) {
		t.Fatalf("cache holds %v\nwant %v", got, cache)
	}
	gotTrash := map[string]map[string]string{}
	ents, err := objs.List(ctx, rawTrashPrefix)
	must(t, err)
	for _, e := range ents {
		if !strings.HasSuffix(e, "/") {
			t.Fatalf("raw-trash/ holds %s", e)
		}
		gotTrash[strings.TrimSuffix(strings.TrimPrefix(e, rawTrashPrefix), "/")] = folderFiles(t, objs, e)
	}
	if !maps.EqualFunc(gotTrash, trash, maps.Equal) {
		t.Fatalf("trash holds %v\nwant %v", gotTrash, trash)
	}
	if _, err := objs.Read(ctx, moveMarkerKey(moveDate)); err == nil {
		t.Fatal("the move marker is still there")
	}
	if moves, err := st.Raw().InterruptedMoves(ctx); err != nil || len(moves) != 0 {
		t.Fatalf("InterruptedMoves = %+v %v, want none", moves, err)
	}
	if trash == nil || len(trash) == 0 {
		if list, err := st.Raw().TrashList(ctx); err != nil || len(list) != 0 {
			t.Fatalf("TrashList = %+v %v, want empty", list, err)
		}
	}
}

// TestRawTrashCutShort: a Trash cut short part-way through its move (on
// object storage the folder is copied object by object, then the source
// deleted: a kill or a failed request can stop it anywhere) leaves a
// marked date that nothing reads as cached and that TrashList flags, and
// every later operation on the date finishes the move first: Restore of
// the entry (which then restores it), Purge, Trash and Put of the date,
// and FinishInterruptedMoves (verify --repair).
func TestRawTrashCutShort(t *testing.T) {
	ctx := context.Background()
	newBytes := "Club Number,Club Name\n9,New\n"
	finishers := []struct {
		name string
		run  func(t *testing.T, st *Store, e TrashEntry, files map[string]string)
	}{
		{"restore", func(t *testing.T, st *Store, e TrashEntry, files map[string]string) {
			got, err := st.Raw().Restore(ctx, e.ID)
			if err != nil || got.ID != e.ID {
				t.Fatalf("Restore = %+v %v", got, err)
			}
			checkFinished(t, st, files, nil)
			if dates, err := st.Raw().Dates(ctx); err != nil || len(dates) != 1 || dates[0] != moveDate {
				t.Fatalf("Dates after the restore = %v %v", dates, err)
			}
		}},
		{"purge", func(t *testing.T, st *Store, e TrashEntry, files map[string]string) {
			must(t, st.Raw().Purge(ctx, e.ID))
			checkFinished(t, st, nil, nil)
		}},
		{"trash", func(t *testing.T, st *Store, e TrashEntry, files map[string]string) {
			got, err := st.Raw().Trash(ctx, moveDate)
			if err != nil || got != e {
				t.Fatalf("Trash = %+v %v, want the interrupted entry %+v", got, err, e)
			}
			checkFinished(t, st, nil, map[string]map[string]string{e.ID: files})
		}},
		{"put", func(t *testing.T, st *Store, e TrashEntry, files map[string]string) {
			must(t, st.Raw().Put(ctx, moveDate, "42", ReportClub, []byte(newBytes), PutInfo{}))
			got := folderFiles(t, st.Objects(), rawPrefix+moveDate+"/")
			if len(got) != 2 || got["district-42/club-performance.csv"] != newBytes || got["metadata.json"] == "" {
				t.Fatalf("cache after the Put = %v, want only the new report and its metadata", got)
			}
			checkFinished(t, st, got, map[string]map[string]string{e.ID: files})
		}},
		{"repair", func(t *testing.T, st *Store, e TrashEntry, files map[string]string) {
			done, err := st.Raw().FinishInterruptedMoves(ctx)
			if err != nil || len(done) != 1 || done[0].TrashID != e.ID || done[0].Move != MoveToTrash || done[0].Date != moveDate {
				t.Fatalf("FinishInterruptedMoves = %+v %v", done, err)
			}
			checkFinished(t, st, nil, map[string]map[string]string{e.ID: files})
		}},
	}
	for _, c := range moveCuts {
		for _, f := range finishers {
			t.Run(c.name+"/"+f.name, func(t *testing.T) {
				now := time.Date(2025, 9, 14, 9, 0, 0, 0, time.UTC)
				st, cut, cutStore, files := moveFixture(t, &now)
				cut.armed, cut.copies, cut.dels, cut.keepMarker = true, c.copies, c.dels, c.keepMarker
				_, err := cutStore.Raw().Trash(ctx, moveDate)
				if !errors.Is(err, ErrMoveInterrupted) || !strings.Contains(err.Error(), "rename cut short") {
					t.Fatalf("Trash cut short: %v, want the rename's error and ErrMoveInterrupted", err)
				}
				e := TrashEntry{ID: fmt.Sprintf("%s.%d", moveDate, now.UnixNano()), Date: moveDate, DeletedAt: now}
				checkInterrupted(t, st, e, MoveToTrash, rawPrefix+moveDate+"/", rawTrashPrefix+e.ID+"/", 8-c.dels, c.copies)
				now = now.Add(time.Second)
				f.run(t, st, e, files)
			})
		}
	}
}

// TestRawRestoreCutShort: the same for a Restore cut short: the date is
// not read as cached until the restore is finished, by Restore of the
// entry again, Purge of it (which then has nothing left to purge, and
// says where the date went), Trash, Put and Compress of the date, and
// FinishInterruptedMoves.
func TestRawRestoreCutShort(t *testing.T) {
	ctx := context.Background()
	newBytes := "Club Number,Club Name\n9,New\n"
	finishers := []struct {
		name string
		run  func(t *testing.T, st *Store, e TrashEntry, files map[string]string, now time.Time)
	}{
		{"restore", func(t *testing.T, st *Store, e TrashEntry, files map[string]string, _ time.Time) {
			got, err := st.Raw().Restore(ctx, e.ID)
			if err != nil || got != e {
				t.Fatalf("Restore = %+v %v, want %+v", got, err, e)
			}
			checkFinished(t, st, files, nil)
		}},
		{"purge", func(t *testing.T, st *Store, e TrashEntry, files map[string]string, _ time.Time) {
			err := st.Raw().Purge(ctx, e.ID)
			if !errors.Is(err, ErrTrashNotFound) || !strings.Contains(err.Error(), "back in the raw cache as raw-csv/"+moveDate+"/") {
				t.Fatalf("Purge of an entry whose restore was interrupted: %v, want ErrTrashNotFound saying the date is back", err)
			}
			checkFinished(t, st, files, nil)
		}},
		{"trash", func(t *testing.T, st *Store, e TrashEntry, files map[string]string, now time.Time) {
			got, err := st.Raw().Trash(ctx, moveDate)
			want := TrashEntry{ID: fmt.Sprintf("%s.%d", moveDate, now.UnixNano()), Date: moveDate, DeletedAt: now}
			if err != nil || got != want {
				t.Fatalf("Trash = %+v %v, want a new entry %+v", got, err, want)
			}
			checkFinished(t, st, nil, map[string]map[string]string{want.ID: files})
		}},
		{"put", func(t *testing.T, st *Store, e TrashEntry, files map[string]string, _ time.Time) {
			must(t, st.Raw().Put(ctx, moveDate, "42", ReportClub, []byte(newBytes), PutInfo{}))
			got := folderFiles(t, st.Objects(), rawPrefix+moveDate+"/")
			for k, v := range files {
				switch k {
				case "district-42/club-performance.csv":
					v = newBytes
				case "metadata.json":
					continue
				}
				if got[k] != v {
					t.Fatalf("cache after the Put: %s = %q, want %q", k, got[k], v)
				}
			}
			if len(got) != len(files) {
				t.Fatalf("cache after the Put holds %d objects, want %d", len(got), len(files))
			}
			checkFinished(t, st, got, nil)
		}},
		{"compress", func(t *testing.T, st *Store, e TrashEntry, files map[string]string, _ time.Time) {
			res, err := st.Raw().Compress(ctx, moveDate)
			if err != nil || res.Files != 7 {
				t.Fatalf("Compress = %+v %v, want the 7 reports compressed", res, err)
			}
			got := folderFiles(t, st.Objects(), rawPrefix+moveDate+"/")
			for k, v := range files {
				if k == "metadata.json" {
					continue
				}
				b, err := st.Raw().readRawObject(ctx, rawPrefix+moveDate+"/"+k)
				if err != nil || string(b) != v || got[k+rawGzSuffix] == "" {
					t.Fatalf("%s after Compress: %q %v, want %q stored compressed", k, b, err, v)
				}
			}
			checkFinished(t, st, got, nil)
		}},
		{"repair", func(t *testing.T, st *Store, e TrashEntry, files map[string]string, _ time.Time) {
			done, err := st.Raw().FinishInterruptedMoves(ctx)
			if err != nil || len(done) != 1 || done[0].TrashID != e.ID || done[0].Move != MoveFromTrash {
				t.Fatalf("FinishInterruptedMoves = %+v %v", done, err)
			}
			checkFinished(t, st, files, nil)
		}},
	}
	for _, c := range moveCuts {
		for _, f := range finishers {
			t.Run(c.name+"/"+f.name, func(t *testing.T) {
				now := time.Date(2025, 9, 14, 9, 0, 0, 0, time.UTC)
				st, cut, cutStore, files := moveFixture(t, &now)
				e, err := st.Raw().Trash(ctx, moveDate)
				must(t, err)
				checkFinished(t, st, nil, map[string]map[string]string{e.ID: files})
				now = now.Add(time.Second)
				cut.armed, cut.copies, cut.dels, cut.keepMarker = true, c.copies, c.dels, c.keepMarker
				_, err = cutStore.Raw().Restore(ctx, e.ID)
				if !errors.Is(err, ErrMoveInterrupted) || !strings.Contains(err.Error(), "rename cut short") {
					t.Fatalf("Restore cut short: %v, want the rename's error and ErrMoveInterrupted", err)
				}
				checkInterrupted(t, st, e, MoveFromTrash, rawTrashPrefix+e.ID+"/", rawPrefix+moveDate+"/", 8-c.dels, c.copies)
				now = now.Add(time.Second)
				f.run(t, st, e, files, now)
			})
		}
	}
}

// TestRawTrashRenameFailsBeforeMoving: a move whose rename fails having
// moved nothing (a local rename refused, a request that fails before the
// first copy) leaves no marker: the date stays cached as it was, and the
// error is the rename's.
func TestRawTrashRenameFailsBeforeMoving(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 14, 9, 0, 0, 0, time.UTC)
	st, cut, cutStore, files := moveFixture(t, &now)
	cut.armed, cut.copies, cut.dels = true, 0, 0
	_, err := cutStore.Raw().Trash(ctx, moveDate)
	if err == nil || errors.Is(err, ErrMoveInterrupted) || !strings.Contains(err.Error(), "rename cut short") {
		t.Fatalf("Trash whose rename moved nothing: %v, want the rename's error only", err)
	}
	checkFinished(t, st, files, map[string]map[string]string{})
	if dates, err := st.Raw().Dates(ctx); err != nil || len(dates) != 1 || dates[0] != moveDate {
		t.Fatalf("Dates = %v %v, want [%s]", dates, err, moveDate)
	}
	if _, err := st.Raw().Availability(ctx, moveDate); err != nil {
		t.Fatalf("Availability: %v", err)
	}
}

// TestRawMoveMarkerUnreadable: a move marker that names no move (it does
// not parse) is never guessed at: the date is not read as cached, and
// Restore, Put and FinishInterruptedMoves refuse, naming the marker,
// changing nothing.
func TestRawMoveMarkerUnreadable(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 14, 9, 0, 0, 0, time.UTC)
	st, _, _, files := moveFixture(t, &now)
	rc := st.Raw()
	e, err := rc.Trash(ctx, moveDate)
	must(t, err)
	must(t, st.Objects().Write(ctx, moveMarkerKey(moveDate), []byte("{not json")))
	before := objectsDigest(t, st)
	for what, err := range map[string]error{
		"Restore": func() error { _, err := rc.Restore(ctx, e.ID); return err }(),
		"Put":     rc.Put(ctx, moveDate, "42", ReportClub, []byte("x\n1\n"), PutInfo{}),
		"FinishInterruptedMoves": func() error {
			done, err := rc.FinishInterruptedMoves(ctx)
			if len(done) != 0 {
				t.Errorf("FinishInterruptedMoves finished %+v", done)
			}
			return err
		}(),
	} {
		if !errors.Is(err, ErrMoveInterrupted) || !strings.Contains(err.Error(), "raw-csv/"+moveDate+".moving does not parse") {
			t.Errorf("%s with an unreadable marker: %v, want ErrMoveInterrupted naming the marker", what, err)
		}
	}
	if _, err := rc.Availability(ctx, moveDate); !errors.Is(err, ErrMoveInterrupted) {
		t.Fatalf("Availability: %v, want ErrMoveInterrupted", err)
	}
	if after := objectsDigest(t, st); !maps.Equal(before, after) {
		t.Fatalf("the store changed:\n%v\nwant\n%v", after, before)
	}
	moves, err := rc.InterruptedMoves(ctx)
	if err != nil || len(moves) != 1 || moves[0].Date != moveDate || !strings.Contains(moves[0].Problem, "does not parse") {
		t.Fatalf("InterruptedMoves = %+v %v", moves, err)
	}
	if got := folderFiles(t, st.Objects(), rawTrashPrefix+e.ID+"/"); !maps.Equal(got, files) {
		t.Fatalf("trash entry = %v", got)
	}
}

// TestRawTrashAllFinishesMoves: deleting the whole cache (TrashAll, the
// HTTP delete of every date) also takes a date whose move was cut short,
// which Dates leaves out: its interrupted trash is finished and its entry
// returned with the others.
func TestRawTrashAllFinishesMoves(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 14, 9, 0, 0, 0, time.UTC)
	st, cut, cutStore, files := moveFixture(t, &now)
	const other = "2025-09-20"
	otherCSV := "Club Number,Club Name\n2,Beta\n"
	must(t, st.Raw().Put(ctx, other, "42", ReportClub, []byte(otherCSV), PutInfo{}))
	cut.armed, cut.copies, cut.dels = true, 8, 3
	if _, err := cutStore.Raw().Trash(ctx, moveDate); !errors.Is(err, ErrMoveInterrupted) {
		t.Fatalf("Trash cut short: %v", err)
	}
	first := TrashEntry{ID: fmt.Sprintf("%s.%d", moveDate, now.UnixNano()), Date: moveDate, DeletedAt: now}
	if dates, err := st.Raw().Dates(ctx); err != nil || !slices.Equal(dates, []string{other}) {
		t.Fatalf("Dates = %v %v, want only %s", dates, err, other)
	}
	now = now.Add(time.Second)
	got, err := st.Raw().TrashAll(ctx)
	second := TrashEntry{ID: fmt.Sprintf("%s.%d", other, now.UnixNano()), Date: other, DeletedAt: now}
	if err != nil || !slices.Equal(got, []TrashEntry{first, second}) {
		t.Fatalf("TrashAll = %+v %v, want [%+v %+v]", got, err, first, second)
	}
	checkFinished(t, st, nil, map[string]map[string]string{first.ID: files, second.ID: folderFiles(t, st.Objects(), rawTrashPrefix+second.ID+"/")})
	if b := folderFiles(t, st.Objects(), rawTrashPrefix+second.ID+"/")["district-42/club-performance.csv"]; b != otherCSV {
		t.Fatalf("%s in the trash: %q", other, b)
	}
	if ents, err := st.Objects().List(ctx, rawPrefix); err != nil || len(ents) != 0 {
		t.Fatalf("raw-csv/ after TrashAll = %v %v, want empty", ents, err)
	}
}
