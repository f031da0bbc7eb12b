package toaststats

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Records of format binaryFormat are a fixed-layout binary encoding of
// districtDay and snapshotDay instead of gob: a year of a world district is
// ~270 records of ~110 clubs, and gob spent ~43 ms of CPU decoding it and
// ~10 ms more decoding the year's snapshot metadata, most of a first
// analytics answer. The layout follows the Go type, field by field in
// declaration order, with nothing per field but the value:
//
//	bool     one byte, 0 or 1
//	int      a zig-zag varint (encoding/binary.AppendVarint)
//	float64  8 bytes, little-endian IEEE 754 bits
//	string   a uvarint length, then the bytes
//	pointer  one byte, 0 for nil, else 1 and the value
//	slice    a uvarint: 0 for nil, else 1 + the length, then the elements
//	array    the elements
//	struct   the exported fields; a struct that marshals itself
//	         (time.Time) a uvarint length and its MarshalBinary bytes
//
// Maps and interfaces (the predecessor's raw CSV records, never indexed) are
// written as a nil slice and must be nil. Unlike gob the layout keeps nil
// and empty slices and pointers to zero values apart, so no shape is needed;
// an empty slice in a field tagged omitempty is written as nil, as the
// snapshot's JSON file gives it back. A record names the hash of its kind's
// layout (binaryLayouts: field names, types and omitempty tags) where a gob
// record names its type preamble: a record of another layout (written by a
// program with other fields) is not decoded but read from the snapshot,
// `verify` reports it and `toaststats reindex` rewrites it.
//
// Decoding writes through unsafe pointers at the offsets reflect gives;
// every string of a record is a substring of the record's own bytes (see
// decodeBinary), and
// the values pointers point to are allocated a block at a time: a world
// district's year decodes ~3x faster than gob (BenchmarkDecodeDistrictYear).

// binaryFormat is the record format of binary records.
const binaryFormat = 3

// errBinaryRecord is a record that does not fit its layout.
var errBinaryRecord = errors.New("history: damaged binary record")

// binaryCodec encodes and decodes the values of one type.
type binaryCodec struct {
	// enc appends the value at p; dec decodes into the value at p.
	enc func(buf []byte, p unsafe.Pointer) ([]byte, error)
	dec func(d *binaryDecoder, p unsafe.Pointer) error
	// minSize is the fewest bytes a value takes (a slice length is checked
	// against it before anything is allocated).
	minSize int
}

// binaryDecoder reads one record value.
type binaryDecoder struct {
	b     []byte
	s     string // b as one string: decoded strings are substrings of it
	i     int
	slabs []slab // by pointer codec
}

func (d *binaryDecoder) uvarint() (uint64, error) {
	v, n := binary.Uvarint(d.b[d.i:])
	if n <= 0 {
		return 0, errBinaryRecord
	}
	d.i += n
	return v, nil
}

func (d *binaryDecoder) varint() (int64, error) {
	v, n := binary.Varint(d.b[d.i:])
	if n <= 0 {
		return 0, errBinaryRecord
	}
	d.i += n
	return v, nil
}

func (d *binaryDecoder) byte() (byte, error) {
	if d.i >= len(d.b) {
		return 0, errBinaryRecord
	}
	c := d.b[d.i]
	d.i++
	return c, nil
}

// zeroBase is the data of a decoded empty slice.
var zeroBase [0]byte

// slabs counts the pointer codecs: each allocates the values its pointers
// point to from its own slab of the decoder (binaryDecoder.alloc).
var slabs atomic.Int32

// slabSize is the most values one slab allocation holds: a record's ~110
// clubs each hold four pointers, allocated one by one they were a third of
// the decoding time. A slab starts with one value and doubles, so a pointer
// met once per record costs no more than before.
const slabSize = 64

// slab is a block of values of one type, handed out one at a time.
type slab struct {
	next     unsafe.Pointer
	left     int
	elemSize uintptr
	grow     int // the size of the next block
}

// alloc returns a pointer to a new zero value of type t from slab i.
func (d *binaryDecoder) alloc(i int, t reflect.Type) unsafe.Pointer {
	if i >= len(d.slabs) {
		d.slabs = append(d.slabs, make([]slab, i+1-len(d.slabs))...)
	}
	sl := &d.slabs[i]
	if sl.left == 0 {
		if t.Size() == 0 {
			return reflect.New(t).UnsafePointer()
		}
		sl.grow = min(max(2*sl.grow, 1), slabSize)
		sl.next = reflect.MakeSlice(reflect.SliceOf(t), sl.grow, sl.grow).UnsafePointer()
		sl.left, sl.elemSize = sl.grow, t.Size()
	}
	p := sl.next
	sl.left--
	if sl.left > 0 {
		sl.next = unsafe.Add(sl.next, sl.elemSize)
	} else {
		sl.next = nil
	}
	return p
}

// sliceHeader is the layout of a Go slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// binaryType is the compiled codec of a type and its layout's description.
type binaryType struct {
	codec  *binaryCodec
	schema string
	err    error
}

var binaryTypes sync.Map // reflect.Type -> *binaryType

// binaryCodecOf returns the codec of t and the description of its layout.
func binaryCodecOf(t reflect.Type) (*binaryCodec, string, error) {
	if bt, ok := binaryTypes.Load(t); ok {
		bt := bt.(*binaryType)
		return bt.codec, bt.schema, bt.err
	}
	c, schema, err := compileBinary(t, map[reflect.Type]bool{})
	bt, _ := binaryTypes.LoadOrStore(t, &binaryType{codec: c, schema: schema, err: err})
	return bt.(*binaryType).codec, bt.(*binaryType).schema, bt.(*binaryType).err
}

// nilOnly is the codec of a type the layout does not carry: only its zero
// value (nil) is written, as a nil slice.
func nilOnly(t reflect.Type) *binaryCodec {
	return &binaryCodec{
		minSize: 1,
		enc: func(buf []byte, p unsafe.Pointer) ([]byte, error) {
			if !reflect.NewAt(t, p).Elem().IsZero() {
				return nil, fmt.Errorf("history: a %s is not indexed and must be empty", t)
			}
			return append(buf, 0), nil
		},
		dec: func(d *binaryDecoder, p unsafe.Pointer) error {
			c, err := d.byte()
			if err != nil || c != 0 {
				return errBinaryRecord
			}
			return nil // the value is zero already
		},
	}
}

// compileBinary compiles the codec of t; seen guards against recursive
// types (none is indexed).
func compileBinary(t reflect.Type, seen map[reflect.Type]bool) (*binaryCodec, string, error) {
	if seen[t] {
		return nil, "", fmt.Errorf("history: recursive type %s", t)
	}
	seen[t] = true
	defer delete(seen, t)
	if t.Implements(binaryMarshaler) && reflect.PointerTo(t).Implements(binaryUnmarshaler) && t.Kind() == reflect.Struct {
		return marshalerCodec(t), "binary(" + t.String() + ")", nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return &binaryCodec{minSize: 1,
			enc: func(buf []byte, p unsafe.Pointer) ([]byte, error) {
				if *(*bool)(p) {
					return append(buf, 1), nil
				}
				return append(buf, 0), nil
			},
			dec: func(d *binaryDecoder, p unsafe.Pointer) error {
				c, err := d.byte()
				if err != nil || c > 1 {
					return errBinaryRecord
				}
				*(*bool)(p) = c == 1
				return nil
			}}, "bool", nil
	case reflect.Int, reflect.Int64, reflect.Int32:
		size := t.Size()
		return &binaryCodec{minSize: 1,
			enc: func(buf []byte, p unsafe.Pointer) ([]byte, error) {
				if size == 4 {
					return binary.AppendVarint(buf, int64(*(*int32)(p))), nil
				}
				return binary.AppendVarint(buf, *(*int64)(p)), nil
			},
			dec: func(d *binaryDecoder, p unsafe.Pointer) error {
				n, err := d.varint()
				if err != nil {
					return err
				}
				switch size {
				case 8:
					*(*int64)(p) = n
				case 4:
					if n != int64(int32(n)) {
						return errBinaryRecord
					}
					*(*int32)(p) = int32(n)
				}
				return nil
			}}, "int", nil
	case reflect.Float64:
		return &binaryCodec{minSize: 8,
			enc: func(buf []byte, p unsafe.Pointer) ([]byte, error) {
				return binary.LittleEndian.AppendUint64(buf, math.Float64bits(*(*float64)(p))), nil
			},
			dec: func(d *binaryDecoder, p unsafe.Pointer) error {
				if len(d.b)-d.i < 8 {
					return errBinaryRecord
				}
				*(*float64)(p) = math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.i:]))
				d.i += 8
				return nil
			}}, "float64", nil
	case reflect.String:
		return &binaryCodec{minSize: 1,
			enc: func(buf []byte, p unsafe.Pointer) ([]byte, error) {
				s := *(*string)(p)
				buf = binary.AppendUvarint(buf, uint64(len(s)))
				return append(buf, s...), nil
			},
			dec: func(d *binaryDecoder, p unsafe.Pointer) error {
				n, err := d.uvarint()
				if err != nil || n > uint64(len(d.b)-d.i) {
					return errBinaryRecord
				}
				*(*string)(p) = d.s[d.i : d.i+int(n)]
				d.i += int(n)
				return nil
			}}, "string", nil
	case reflect.Pointer:
		elem, schema, err := compileBinary(t.Elem(), seen)
		if err != nil {
			return nil, "", err
		}
		et := t.Elem()
		slab := int(slabs.Add(1) - 1)
		return &binaryCodec{minSize: 1,
			enc: func(buf []byte, p unsafe.Pointer) ([]byte, error) {
				np := *(*unsafe.Pointer)(p)
				if np == nil {
					return append(buf, 0), nil
				}
				return elem.enc(append(buf, 1), np)
			},
			dec: func(d *binaryDecoder, p unsafe.Pointer) error {
				c, err := d.byte()
				if err != nil || c > 1 {
					return errBinaryRecord
				}
				if c == 0 {
					*(*unsafe.Pointer)(p) = nil
					return nil
				}
				np := d.alloc(slab, et)
				if err := elem.dec(d, np); err != nil {
					return err
				}
				*(*unsafe.Pointer)(p) = np
				return nil
			}}, "*" + schema, nil
	case reflect.Slice:
		elem, schema, err := compileBinary(t.Elem(), seen)
		if err != nil || elem.minSize == 0 {
			return nilOnly(t), "nil" + t.Kind().String(), nil
		}
		return sliceCodec(t, elem), "[]" + schema, nil
	case reflect.Array:
		elem, schema, err := compileBinary(t.Elem(), seen)
		if err != nil {
			return nil, "", err
		}
		n, size := t.Len(), t.Elem().Size()
		return &binaryCodec{minSize: n * elem.minSize,
			enc: func(buf []byte, p unsafe.Pointer) ([]byte, error) {
				var err error
				for i := range n {
					if buf, err = elem.enc(buf, unsafe.Add(p, uintptr(i)*size)); err != nil {
						return nil, err
					}
				}
				return buf, nil
			},
			dec: func(d *binaryDecoder, p unsafe.Pointer) error {
				for i := range n {
					if err := elem.dec(d, unsafe.Add(p, uintptr(i)*size)); err != nil {
						return err
					}
				}
				return nil
			}}, fmt.Sprintf("[%d]%s", n, schema), nil
	case reflect.Struct:
		return structCodec(t, seen)
	case reflect.Map, reflect.Interface:
		return nilOnly(t), "nil" + t.Kind().String(), nil
	}
	return nil, "", fmt.Errorf("history: cannot index a %s", t)
}

var (
	binaryMarshaler   = reflect.TypeFor[encoding.BinaryMarshaler]()
	binaryUnmarshaler = reflect.TypeFor[encoding.BinaryUnmarshaler]()
)

// marshalerCodec is the codec of a struct type that marshals itself
// (time.Time): a uvarint length and its MarshalBinary bytes, as gob writes
// it.
func marshalerCodec(t reflect.Type) *binaryCodec {
	return &binaryCodec{minSize: 1,
		enc: func(buf []byte, p unsafe.Pointer) ([]byte, error) {
			b, err := reflect.NewAt(t, p).Elem().Interface().(encoding.BinaryMarshaler).MarshalBinary()
			if err != nil {
				return nil, err
			}
			buf = binary.AppendUvarint(buf, uint64(len(b)))
			return append(buf, b...), nil
		},
		dec: func(d *binaryDecoder, p unsafe.Pointer) error {
			n, err := d.uvarint()
			if err != nil || n > uint64(len(d.b)-d.i) {
				return errBinaryRecord
			}
			b := d.b[d.i : d.i+int(n)]
			d.i += int(n)
			if err := reflect.NewAt(t, p).Interface().(encoding.BinaryUnmarshaler).UnmarshalBinary(b); err != nil {
				return errBinaryRecord
			}
			return nil
		}}
}

// sliceCodec is the codec of slice type t of elements elem.
func sliceCodec(t reflect.Type, elem *binaryCodec) *binaryCodec {
	size := t.Elem().Size()
	return &binaryCodec{minSize: 1,
		enc: func(buf []byte, p unsafe.Pointer) ([]byte, error) {
			sh := (*sliceHeader)(p)
			if sh.data == nil {
				return append(buf, 0), nil
			}
			buf = binary.AppendUvarint(buf, uint64(sh.len)+1)
			var err error
			for i := range sh.len {
				if buf, err = elem.enc(buf, unsafe.Add(sh.data, uintptr(i)*size)); err != nil {
					return nil, err
				}
			}
			return buf, nil
		},
		dec: func(d *binaryDecoder, p unsafe.Pointer) error {
			n, err := d.uvarint()
			if err != nil {
				return err
			}
			if n == 0 {
				*(*sliceHeader)(p) = sliceHeader{}
				return nil
			}
			n--
			if n > uint64((len(d.b)-d.i)/elem.minSize) {
				return errBinaryRecord
			}
			data := reflect.MakeSlice(t, int(n), int(n)).UnsafePointer()
			if data == nil { // an empty slice is not nil
				data = unsafe.Pointer(&zeroBase)
			}
			for i := range int(n) {
				if err := elem.dec(d, unsafe.Add(data, uintptr(i)*size)); err != nil {
					return err
				}
			}
			*(*sliceHeader)(p) = sliceHeader{data: data, len: int(n), cap: int(n)}
			return nil
		}}
}

// Struct fields decoded in line (structCodec).
const (
	fieldOther = iota
	fieldInt
	fieldBool
	fieldString
)

// structCodec is the codec of struct type t: its exported fields in order.
func structCodec(t reflect.Type, seen map[reflect.Type]bool) (*binaryCodec, string, error) {
	type field struct {
		offset    uintptr
		codec     *binaryCodec
		omitEmpty bool // an empty slice is written as nil
		op        byte // fieldInt, fieldBool, fieldString: decoded in line
	}
	var fields []field
	var schema strings.Builder
	schema.WriteString("struct{")
	minSize := 0
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			return nil, "", fmt.Errorf("history: %s has an unexported field %s", t, f.Name)
		}
		c, s, err := compileBinary(f.Type, seen)
		if err != nil {
			return nil, "", err
		}
		op := byte(fieldOther)
		switch {
		case (f.Type.Kind() == reflect.Int || f.Type.Kind() == reflect.Int64) && f.Type.Size() == 8:
			op = fieldInt
		case f.Type.Kind() == reflect.Bool:
			op = fieldBool
		case f.Type.Kind() == reflect.String:
			op = fieldString
		}
		fields = append(fields, field{offset: f.Offset, codec: c, op: op,
			omitEmpty: f.Type.Kind() == reflect.Slice && strings.Contains(f.Tag.Get("json"), ",omitempty")})
		omit := ""
		if f.Type.Kind() == reflect.Slice && strings.Contains(f.Tag.Get("json"), ",omitempty") {
			omit = " omitempty" // an empty slice is written as nil
		}
		fmt.Fprintf(&schema, "%s %s%s;", f.Name, s, omit)
		minSize += c.minSize
	}
	schema.WriteString("}")
	return &binaryCodec{minSize: minSize,
		enc: func(buf []byte, p unsafe.Pointer) ([]byte, error) {
			// The common fields are encoded here rather than by their
			// codec, as dec decodes them: the same bytes without a call per
			// field (a third of the history records' encoding time).
			var err error
			for k := range fields {
				f := &fields[k]
				fp := unsafe.Add(p, f.offset)
				switch f.op {
				case fieldInt:
					buf = binary.AppendVarint(buf, *(*int64)(fp))
					continue
				case fieldBool:
					b := byte(0)
					if *(*bool)(fp) {
						b = 1
					}
					buf = append(buf, b)
					continue
				case fieldString:
					s := *(*string)(fp)
					buf = binary.AppendUvarint(buf, uint64(len(s)))
					buf = append(buf, s...)
					continue
				}
				if f.omitEmpty && (*sliceHeader)(fp).len == 0 {
					buf = append(buf, 0)
					continue
				}
				if buf, err = f.codec.enc(buf, fp); err != nil {
					return nil, err
				}
			}
			return buf, nil
		},
		dec: func(d *binaryDecoder, p unsafe.Pointer) error {
			// The common fields are decoded here rather than by their codec:
			// a call per field was a third of the decoding time.
			for k := range fields {
				f := &fields[k]
				fp := unsafe.Add(p, f.offset)
				switch f.op {
				case fieldInt:
					if d.i < len(d.b) && d.b[d.i] < 0x80 { // a one-byte varint
						u := int64(d.b[d.i])
						d.i++
						*(*int64)(fp) = u>>1 ^ -(u & 1)
						continue
					}
				case fieldBool:
					if d.i < len(d.b) && d.b[d.i] <= 1 {
						*(*bool)(fp) = d.b[d.i] == 1
						d.i++
						continue
					}
					return errBinaryRecord
				case fieldString:
					if d.i < len(d.b) && d.b[d.i] < 0x80 { // a length below 128
						n := int(d.b[d.i])
						if n > len(d.b)-d.i-1 {
							return errBinaryRecord
						}
						*(*string)(fp) = d.s[d.i+1 : d.i+1+n]
						d.i += 1 + n
						continue
					}
				}
				if err := f.codec.dec(d, fp); err != nil {
					return err
				}
			}
			return nil
		}}, schema.String(), nil
}

// binaryLayout is the compiled codec of a record kind's value type.
type binaryLayout struct {
	typ   reflect.Type
	codec *binaryCodec
	hash  string // 16 hex digits, in a record's place of a gob preamble hash
}

// binaryLayouts are the layouts of the record kinds.
var binaryLayouts = sync.OnceValues(func() (map[byte]*binaryLayout, error) {
	out := map[byte]*binaryLayout{}
	for kind, t := range map[byte]reflect.Type{kindDistrict: reflect.TypeFor[districtDay](), kindSnapshot: reflect.TypeFor[snapshotDay]()} {
		c, schema, err := binaryCodecOf(t)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256([]byte(fmt.Sprintf("format=%d kind=%c %s", binaryFormat, kind, schema)))
		out[kind] = &binaryLayout{typ: t, codec: c, hash: hex.EncodeToString(sum[:8])}
	}
	return out, nil
})

// layoutOf returns the layout of kind, checking that v points to its type.
func layoutOf(kind byte, v any) (*binaryLayout, reflect.Value, error) {
	layouts, err := binaryLayouts()
	if err != nil {
		return nil, reflect.Value{}, err
	}
	l := layouts[kind]
	rv := reflect.ValueOf(v)
	if l == nil || rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Type() != l.typ {
		return nil, reflect.Value{}, fmt.Errorf("history: no binary layout of a %T as a %q record", v, kind)
	}
	return l, rv.Elem(), nil
}

// encodeBinary encodes v (a *districtDay or *snapshotDay) as a binary
// record value.
func encodeBinary(kind byte, v any) (*encodedValue, error) {
	l, rv, err := layoutOf(kind, v)
	if err != nil {
		return nil, err
	}
	rv.FieldByName("Shape").SetZero() // gob's; the layout needs none
	scratch := encodeScratch.Get().(*[]byte)
	defer encodeScratch.Put(scratch)
	buf, err := l.codec.enc((*scratch)[:0], rv.Addr().UnsafePointer())
	*scratch = buf[:0]
	if err != nil {
		return nil, fmt.Errorf("history: encode: %w", err)
	}
	// The Builder holds a snapshot's values until it is published (~2 MB
	// for the world): each is kept at its size, not in the buffer it was
	// grown in (up to twice that).
	value := make([]byte, len(buf))
	copy(value, buf)
	return &encodedValue{kind: kind, format: binaryFormat, hash: l.hash, value: value}, nil
}

// encodeScratch holds the buffers values are encoded into before they are
// copied out at their size.
var encodeScratch = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// decodeBinary decodes a binary record's value into v (a pointer to a zero
// districtDay or snapshotDay, by the record's kind); on error v is left
// zero.
//
// The decoded strings are substrings of rec.value itself, not of a copy:
// the record's bytes must never be written again. They are not: records
// are parsed from the buffer store.ReadRecords read the log into, which
// the reader owns and nothing writes (a year of a world district is ~4.7
// MB of records and the year's snapshot metadata ~5 MB more; the copies
// were a fifth of what a first analytics answer allocated). The buffer
// lives as long as any string decoded from it.
func decodeBinary(rec record, v any) error {
	l, rv, err := layoutOf(rec.kind, v)
	if err != nil {
		return err
	}
	if rec.types != l.hash {
		return fmt.Errorf("history: decode %s: record of another layout (%s, this program writes %s)", rec.id, rec.types, l.hash)
	}
	d := &binaryDecoder{b: rec.value, s: unsafe.String(unsafe.SliceData(rec.value), len(rec.value))}
	if err := l.codec.dec(d, rv.Addr().UnsafePointer()); err != nil {
		rv.SetZero()
		return fmt.Errorf("history: decode %s: %w", rec.id, err)
	}
	if d.i != len(d.b) {
		rv.SetZero()
		return fmt.Errorf("history: decode %s: %d bytes left over", rec.id, len(d.b)-d.i)
	}
	return nil
}
