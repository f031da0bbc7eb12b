package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRecordLog feeds arbitrary bytes to the record-log reader: it never
// panics, the valid records it returns re-frame to exactly the prefix it
// says is valid, and appending after that prefix gives one more record.
func FuzzRecordLog(f *testing.F) {
	f.Add([]byte{})
	f.Add(frameRecord(nil, []byte("one")))
	f.Add(frameRecord(frameRecord(nil, []byte("one")), []byte("two")))
	f.Add(append(frameRecord(nil, []byte("one")), 0, 0, 1, 0, 9, 9))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		payloads, valid, damage := splitRecords(b)
		if (damage == nil) != (valid == len(b)) || damage != nil && !errors.Is(damage, ErrTornRecord) {
			t.Fatalf("valid %d of %d, damage %v", valid, len(b), damage)
		}
		var again []byte
		for _, p := range payloads {
			again = frameRecord(again, p)
		}
		if !bytes.Equal(again, b[:valid]) {
			t.Fatalf("re-framed %d records differ from the valid prefix", len(payloads))
		}
		grown := frameRecord(bytes.Clone(b[:valid]), []byte("next"))
		if ps, _, d := splitRecords(grown); d != nil || len(ps) != len(payloads)+1 || string(ps[len(ps)-1]) != "next" {
			t.Fatalf("append after the valid prefix: %d records, %v", len(ps), d)
		}
	})
}

// TestAppendRecordsDropsATornTail: a torn last record (a crash mid-append)
// is dropped by the next append, on DirObjects (in place) and through the
// generic rewrite.
func TestAppendRecordsDropsATornTail(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := NewDirObjects(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, objs := range []Objects{d, plainObjects{d}} {
		key := "history/x/district_1.log"
		_ = d.Delete(ctx, key)
		if err := AppendRecords(ctx, objs, key, []byte("a"), []byte("bb")); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, filepath.FromSlash(key))
		fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fh.Write([]byte{0, 0, 0, 9, 1, 2}) // a record cut short
		fh.Close()
		ps, damage, err := ReadRecords(ctx, objs, key)
		if err != nil || damage == nil || len(ps) != 2 {
			t.Fatalf("torn log: %d records, damage %v, err %v", len(ps), damage, err)
		}
		if err := AppendRecords(ctx, objs, key, []byte("ccc")); err != nil {
			t.Fatal(err)
		}
		ps, damage, err = ReadRecords(ctx, objs, key)
		// 3 records of 1, 2 and 3 bytes, each framed in 12 bytes: 42 bytes.
		fi, _ := os.Stat(path)
		if err != nil || damage != nil || len(ps) != 3 || string(ps[2]) != "ccc" || fi.Size() != 42 {
			t.Fatalf("after the next append: %q, damage %v, err %v, size %d", ps, damage, err, fi.Size())
		}
	}
}

// plainObjects hides DirObjects' in-place append, so AppendRecords takes
// the rewrite path other backends get.
type plainObjects struct{ Objects }

// CreateRecordLog creates a missing log empty (folders included) and leaves
// an existing one alone; an empty log has no records and the next append
// fills it as if it created it. On other backends it does nothing.
func TestCreateRecordLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := NewDirObjects(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	key := "history/2025-2026/district_7.log"
	if err := CreateRecordLog(ctx, plainObjects{d}, key); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(key))); !os.IsNotExist(err) {
		t.Fatalf("created through a backend without in-place appends: %v", err)
	}
	for range 2 {
		if err := CreateRecordLog(ctx, d, key); err != nil {
			t.Fatal(err)
		}
		ps, damage, err := ReadRecords(ctx, d, key)
		if err != nil || damage != nil || len(ps) != 0 {
			t.Fatalf("empty log: %q, damage %v, err %v", ps, damage, err)
		}
	}
	if err := AppendRecordsEach(ctx, d, map[string][]byte{key: []byte("a")}); err != nil {
		t.Fatal(err)
	}
	if err := CreateRecordLog(ctx, d, key); err != nil {
		t.Fatal(err)
	}
	ps, damage, err := ReadRecords(ctx, d, key)
	if err != nil || damage != nil || len(ps) != 1 || string(ps[0]) != "a" {
		t.Fatalf("after an append and another create: %q, damage %v, err %v", ps, damage, err)
	}
}
