package toaststats

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"sync"

	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// The records of the history index are written in a fixed binary layout
// (history_binary.go). Earlier versions wrote gob values (format 2), which
// are still read: a gob stream starts with the definitions of its types,
// which cost more to decode than a day's values; so such a record holds
// only its value message, and names (by a hash) the type preamble it was
// encoded after, stored once under history/types/<hash>.gob. A reader
// primes one gob decoder per preamble and decodes every record of that
// preamble on it.

// historyFormat is the version of gob record payloads, which earlier
// versions wrote and readers still decode; records are now written in
// binaryFormat (history_binary.go). Records of another version are ignored
// (read from the snapshots instead).
const historyFormat = 2

// Record kinds: a district's day, or a snapshot's metadata.
const (
	kindDistrict = 'd'
	kindSnapshot = 's'
)

// districtDay is the value of a district record.
type districtDay struct {
	District       snapshot.District
	Ranking        *snapshot.DistrictRanking
	TotalDistricts int
	// Shape restores what gob drops (a gob record's; see applyShape); it is
	// not itself shaped. Binary records need none.
	Shape []int32
}

// snapshotDay is the value of a snapshot (metadata) record: the metadata is
// kept once per snapshot, not once per district.
type snapshotDay struct {
	Metadata snapshot.Metadata
	// Districts are the snapshot's districts, in order, each with a record
	// in its own log unless that could not be written or was lost (the
	// reader then reads the snapshot): a district not among them is not in
	// the snapshot, so a reader need not open it to find out. nil in
	// records of earlier versions (and for a snapshot without districts,
	// or when the Builder could not prepare every district's record).
	Districts []string
	Shape     []int32
}

// typesPrefix holds the type preambles.
const typesPrefix = historyPrefix + "types/"

// record is one decoded record header.
type record struct {
	format    byte // historyFormat (gob) or binaryFormat
	kind      byte
	id, stamp string
	types     string // hash of the gob type preamble, or of the binary layout
	value     []byte
}

// encodedValue is a record's value, encoded before its header (the stamp
// of the snapshot, known only once it is published) is.
type encodedValue struct {
	format byte
	kind   byte
	value  []byte
	// preamble is the gob type preamble of a format-2 value (tests only).
	preamble []byte
	hash     string // of preamble, or of the binary layout (no preamble)
}

// encodeValue encodes v (*districtDay or *snapshotDay) in the binary
// layout (history_binary.go).
func encodeValue(kind byte, v any) (*encodedValue, error) {
	return encodeBinary(kind, v)
}

// payload is the record of the value for snapshot id with stamp: format,
// kind, id (10 bytes), stamp length and stamp, preamble or layout hash (16
// bytes), value.
func (ev *encodedValue) payload(id, stamp string) ([]byte, error) {
	if len(id) != 10 || len(stamp) > 255 {
		return nil, fmt.Errorf("history: bad record header %q %q", id, stamp)
	}
	p := make([]byte, 0, 13+len(stamp)+16+len(ev.value))
	p = append(p, ev.format, ev.kind)
	p = append(p, id...)
	p = append(p, byte(len(stamp)))
	p = append(p, stamp...)
	p = append(p, ev.hash...)
	return append(p, ev.value...), nil
}

// parseRecord reads a payload's header; ok is false for a payload of
// another format.
func parseRecord(p []byte) (record, bool) {
	if len(p) < 13 || (p[0] != historyFormat && p[0] != binaryFormat) {
		return record{}, false
	}
	n := int(p[12])
	if len(p) < 13+n+16 {
		return record{}, false
	}
	return record{format: p[0], kind: p[1], id: string(p[2:12]), stamp: string(p[13 : 13+n]), types: string(p[13+n : 13+n+16]), value: p[13+n+16:]}, true
}

// typesKey is where the preamble with hash is stored.
func typesKey(hash string) string { return typesPrefix + hash + ".gob" }

// preambles caches type preambles by hash (content-addressed, so shared by
// every store in the process).
var preambles sync.Map // hash -> []byte

// readTypes returns the preamble with hash.
func readTypes(ctx context.Context, objs store.Objects, hash string) ([]byte, error) {
	if b, ok := preambles.Load(hash); ok {
		return b.([]byte), nil
	}
	b, err := objs.Read(ctx, typesKey(hash))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("history: types %s missing", hash)
		}
		return nil, fmt.Errorf("history: read types %s: %w", hash, err)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:8]) != hash {
		return nil, fmt.Errorf("history: types %s damaged", hash)
	}
	preambles.Store(hash, b)
	return b, nil
}

// recordDecoder decodes the values of records of one preamble.
type recordDecoder struct {
	r   *bytes.Reader
	dec *gob.Decoder
}

// decoders are a worker's decoders, by kind and preamble hash.
type decoders struct {
	ctx  context.Context
	objs store.Objects
	m    map[string]*recordDecoder
}

func newDecoders(ctx context.Context, objs store.Objects) *decoders {
	return &decoders{ctx: ctx, objs: objs, m: map[string]*recordDecoder{}}
}

// decode decodes rec's value into v (a pointer to a fresh districtDay or
// snapshotDay): a binary record as such, a gob record on the decoder of its
// preamble, its shape restored.
func (d *decoders) decode(rec record, v any) error {
	if rec.format == binaryFormat {
		return decodeBinary(rec, v)
	}
	key := string(rec.kind) + rec.types
	rd := d.m[key]
	if rd == nil {
		pre, err := readTypes(d.ctx, d.objs, rec.types)
		if err != nil {
			return err
		}
		r := bytes.NewReader(pre)
		dec := gob.NewDecoder(r) // a bytes.Reader is read message by message, unbuffered
		if err := dec.Decode(reflect.New(reflect.TypeOf(v).Elem()).Interface()); err != nil {
			return fmt.Errorf("history: types %s: %w", rec.types, err)
		}
		rd = &recordDecoder{r: r, dec: dec}
		d.m[key] = rd
	}
	rd.r.Reset(rec.value)
	if err := rd.dec.Decode(v); err != nil {
		delete(d.m, key) // a failed decoder is not reused
		return fmt.Errorf("history: decode %s: %w", rec.id, err)
	}
	if rd.r.Len() != 0 {
		delete(d.m, key)
		return fmt.Errorf("history: decode %s: %d bytes left over", rec.id, rd.r.Len())
	}
	rv := reflect.ValueOf(v)
	shape := rv.Elem().FieldByName("Shape")
	if err := applyShape(rv, shape.Interface().([]int32)); err != nil {
		return err
	}
	shape.Set(reflect.Zero(shape.Type()))
	return nil
}
