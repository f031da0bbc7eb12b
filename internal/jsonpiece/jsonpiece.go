// Package jsonpiece writes a value's JSON in pieces: byte for byte what
// encoding/json's Encoder writes with SetEscapeHTML(false) (without the
// Encoder's trailing newline), but never holding more than one piece of it
// in encoding/json's own buffer.
//
// Why: encoding/json builds a value's whole encoding in one buffer that
// doubles as it grows, and json.Marshal then copies it out. For a 5 MB
// answer that is ~20 MB of allocation, and in a process whose heap is
// mostly untouched (a server just started) every fresh page costs a fault:
// the first 5 MB analytics answer spent ~70 % of its time clearing pages.
// Encoding piece by piece, encoding/json reuses one warm buffer for every
// piece (its encoder state is pooled), and only the output is fresh memory.
//
// The pieces are still encoded by encoding/json. This package only walks
// the big containers above them: pointers, interfaces, slices and the
// fields of plain structs, with encoding/json's own rules for field names,
// omitempty and the Marshaler interfaces. Whatever it does not model
// exactly (embedded fields, the string and omitzero options, duplicate
// names, maps, []byte, any type with a MarshalJSON or MarshalText method)
// it hands to encoding/json whole, so the bytes are the same either way.
package jsonpiece

import (
	"encoding"
	"encoding/json"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
)

// pieceItems is roughly how many elements (summed over the nested
// slices) one piece may hold: a value at or under it is encoded whole, a
// bigger one is split. At ~20–60 bytes an element a piece is ~100–250 KB,
// small enough to stay in one warm buffer, big enough that the per-piece
// cost of encoding/json (a pooled state, a type-cache lookup) is noise.
// A variable only so that tests can split small values.
var pieceItems = 4096

// maxDepth bounds the walk; deeper values (a cycle, in practice) go to
// encoding/json whole, which reports the cycle.
const maxDepth = 64

// Encode writes v's JSON to w, as encoding/json's Encoder with
// SetEscapeHTML(false) would but without the trailing newline, in pieces
// of at most about 4,096 elements each. An error of encoding/json's
// (an unsupported value, a failing MarshalJSON) or of w is returned as it
// is; what was written before it is then incomplete.
func Encode(w io.Writer, v any) error {
	var p plan
	p.walk(reflect.ValueOf(v), 0)
	return p.ops.run(w)
}

// Chunks is v's JSON, as Encode writes it, as chunks of at most 64 KiB
// (in order; nothing is copied to join them), encoded by up to workers
// goroutines at once: a big value's pieces are grouped into segments of
// about equal size, each encoded into chunks of its own. v must not
// change until Chunks returns.
func Chunks(v any, workers int) ([][]byte, error) {
	var p plan
	p.walk(reflect.ValueOf(v), 0)
	segs := p.ops.split(max(pieceItems, p.ops.items()/(4*max(1, workers))))
	if workers <= 1 || len(segs) == 1 {
		var c chunks
		for _, seg := range segs {
			if err := seg.run(&c); err != nil {
				return nil, err
			}
		}
		return c.bufs, nil
	}
	out := make([]chunks, len(segs))
	errs := make([]error, len(segs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(segs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(segs) {
					return
				}
				errs[i] = segs[i].run(&out[i])
			}
		})
	}
	wg.Wait()
	var bufs [][]byte
	for i := range segs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		bufs = append(bufs, out[i].bufs...)
	}
	return bufs, nil
}

// An op is a step of an encoding: a literal, or a value (or a run of a
// slice, without its brackets) that encoding/json encodes whole.
type op struct {
	lit   string
	v     reflect.Value
	run   bool
	items int // the value's elements, about
}

type ops []op

// items is the ops' elements, about.
func (os ops) items() int {
	n := 0
	for _, o := range os {
		n += o.items
	}
	return n
}

// split cuts the ops into segments of about size elements each (a
// segment ends after the value that reaches size).
func (os ops) split(size int) []ops {
	var segs []ops
	start, n := 0, 0
	for i, o := range os {
		if n += o.items; n >= size && i+1 < len(os) {
			segs = append(segs, os[start:i+1])
			start, n = i+1, 0
		}
	}
	return append(segs, os[start:])
}

// run encodes the ops to w.
func (os ops) run(w io.Writer) error {
	s := &sink{w: w}
	enc := json.NewEncoder(s)
	enc.SetEscapeHTML(false)
	for _, o := range os {
		switch {
		case !o.v.IsValid():
			s.str(o.lit)
		case o.run:
			s.w = &stripBrackets{w: w}
			err := enc.Encode(o.v.Interface())
			s.w = w
			if err != nil {
				return err
			}
		default:
			if err := whole(enc, o.v); err != nil {
				return err
			}
		}
		if s.err != nil {
			return s.err
		}
	}
	return nil
}

// whole hands v to encoding/json. An addressable value goes by pointer, so
// that encoding/json sees the same addressability it would have seen
// walking from the root (it matters for pointer-receiver MarshalJSON).
func whole(enc *json.Encoder, v reflect.Value) error {
	if v.CanAddr() {
		return enc.Encode(v.Addr().Interface())
	}
	return enc.Encode(v.Interface())
}

// sink drops the newline the Encoder ends each value with: Encode makes
// exactly one Write per value, its encoding followed by '\n'.
type sink struct {
	w   io.Writer
	err error
}

var errNoNewline = errors.New("jsonpiece: encoding/json wrote a value without its newline")

func (s *sink) Write(b []byte) (int, error) {
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return 0, errNoNewline
	}
	if s.err == nil {
		_, s.err = s.w.Write(b[:len(b)-1])
	}
	return len(b), s.err
}

func (s *sink) str(b string) {
	if s.err == nil {
		_, s.err = io.WriteString(s.w, b)
	}
}

// stripBrackets writes b without its first and last byte (the '[' and ']'
// of an encoded slice).
type stripBrackets struct{ w io.Writer }

func (s *stripBrackets) Write(b []byte) (int, error) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return 0, errors.New("jsonpiece: a slice run did not encode as an array")
	}
	_, err := s.w.Write(b[1 : len(b)-1])
	return len(b), err
}

// plan is the walk of a value into ops.
type plan struct{ ops ops }

func (p *plan) lit(s string) {
	if n := len(p.ops); n > 0 && !p.ops[n-1].v.IsValid() {
		p.ops[n-1].lit += s
		return
	}
	p.ops = append(p.ops, op{lit: s})
}

func (p *plan) whole(v reflect.Value, items int) {
	if !v.IsValid() {
		p.lit("null")
		return
	}
	p.ops = append(p.ops, op{v: v, items: items})
}

func (p *plan) walk(v reflect.Value, depth int) {
	if !v.IsValid() || depth > maxDepth || custom(v.Type()) {
		p.whole(v, 1)
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			p.lit("null")
			return
		}
		p.walk(v.Elem(), depth+1)
		return
	case reflect.Slice, reflect.Array, reflect.Struct:
		if bounded(v.Type()) {
			p.whole(v, items(v, math.MaxInt))
			return
		}
		if n := items(v, pieceItems); n <= pieceItems {
			p.whole(v, n)
			return
		}
	default:
		p.whole(v, 1)
		return
	}
	if v.Kind() == reflect.Struct {
		p.object(v, depth)
		return
	}
	p.array(v, depth)
}

// array walks a big slice or array: elements of a bounded type in runs of
// pieceItems, others one by one.
func (p *plan) array(v reflect.Value, depth int) {
	if v.Kind() == reflect.Slice && v.IsNil() {
		p.lit("null")
		return
	}
	if v.Type().Elem().Kind() == reflect.Uint8 {
		p.whole(v, 1) // []byte is base64; [N]byte is small
		return
	}
	p.lit("[")
	n := v.Len()
	if bounded(v.Type().Elem()) && (v.Kind() == reflect.Slice || v.CanAddr()) {
		for i := 0; i < n; i += pieceItems {
			if i > 0 {
				p.lit(",")
			}
			j := min(n, i+pieceItems)
			p.ops = append(p.ops, op{v: v.Slice(i, j), run: true, items: j - i})
		}
	} else {
		for i := range n {
			if i > 0 {
				p.lit(",")
			}
			p.walk(v.Index(i), depth+1)
		}
	}
	p.lit("]")
}

// object walks a big struct field by field.
func (p *plan) object(v reflect.Value, depth int) {
	fs, ok := fieldsOf(v.Type())
	if !ok {
		p.whole(v, items(v, math.MaxInt))
		return
	}
	p.lit("{")
	first := true
	for i := range fs {
		f := &fs[i]
		fv := v.Field(f.index)
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		key := f.key
		if first {
			key = key[1:]
			first = false
		}
		p.lit(key)
		p.walk(fv, depth+1)
	}
	p.lit("}")
}

// ChunkBytes is the size of the chunks Chunks writes after the first few,
// which start at firstChunkBytes and double up to it: an answer shorter
// than ChunkBytes has no full-size chunk.
const ChunkBytes = 64 << 10

const firstChunkBytes = 1 << 10

// chunks collects written bytes in chunks that are never copied once
// written: growing one buffer would copy (and fault in) all it held at
// every doubling.
type chunks struct{ bufs [][]byte }

func (c *chunks) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		last := len(c.bufs) - 1
		if last < 0 || len(c.bufs[last]) == cap(c.bufs[last]) {
			size := firstChunkBytes
			if last >= 0 {
				size = min(2*cap(c.bufs[last]), ChunkBytes)
			}
			c.bufs = append(c.bufs, make([]byte, 0, size))
			last++
		}
		k := min(len(p), cap(c.bufs[last])-len(c.bufs[last]))
		c.bufs[last] = append(c.bufs[last], p[:k]...)
		p = p[k:]
	}
	return n, nil
}

// isEmpty is encoding/json's "empty" for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// items counts the elements of v's slices and arrays, nested ones too,
// stopping once the count passes limit.
func items(v reflect.Value, limit int) int {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 0
		}
		return items(v.Elem(), limit)
	case reflect.Slice, reflect.Array:
		n := v.Len()
		if bounded(v.Type().Elem()) {
			return n
		}
		for i := 0; i < v.Len() && n <= limit; i++ {
			n += items(v.Index(i), limit-n)
		}
		return n
	case reflect.Map:
		return v.Len()
	case reflect.Struct:
		if bounded(v.Type()) {
			return 1
		}
		n := 1
		for i := 0; i < v.NumField() && n <= limit; i++ {
			n += items(v.Field(i), limit-n)
		}
		return n
	}
	return 1
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// custom reports whether t, or a pointer to it, encodes itself.
func custom(t reflect.Type) bool {
	if t.Implements(marshalerType) || t.Implements(textMarshalerType) {
		return true
	}
	if t.Kind() != reflect.Pointer {
		pt := reflect.PointerTo(t)
		return pt.Implements(marshalerType) || pt.Implements(textMarshalerType)
	}
	return false
}

var boundedCache sync.Map // reflect.Type → bool

// bounded reports whether every value of t encodes in a bounded number of
// elements: no slice, map, interface or pointer anywhere in it (strings
// are allowed), or it encodes itself.
func bounded(t reflect.Type) bool {
	if b, ok := boundedCache.Load(t); ok {
		return b.(bool)
	}
	b := isBounded(t)
	boundedCache.Store(t, b)
	return b
}

func isBounded(t reflect.Type) bool {
	if custom(t) {
		return true
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Interface, reflect.Pointer,
		reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return false
	case reflect.Array:
		return isBounded(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !isBounded(t.Field(i).Type) {
				return false
			}
		}
	}
	return true
}

// field is one encoded field of a struct: its index and its key as
// written, `,"name":`.
type field struct {
	index     int
	key       string
	omitEmpty bool
}

type fieldPlan struct {
	fields []field
	ok     bool
}

var plans sync.Map // reflect.Type → fieldPlan

// fieldsOf is t's encoded fields in encoding/json's order, or false when t
// has something this package does not model (its values then go whole).
func fieldsOf(t reflect.Type) ([]field, bool) {
	if p, ok := plans.Load(t); ok {
		fp := p.(fieldPlan)
		return fp.fields, fp.ok
	}
	fs, ok := makePlan(t)
	plans.Store(t, fieldPlan{fs, ok})
	return fs, ok
}

func makePlan(t reflect.Type) ([]field, bool) {
	var fs []field
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, false // embedded: promotion rules not modelled
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !validTag(name) {
			name = sf.Name
		}
		var omitEmpty bool
		for opt := range strings.SplitSeq(opts, ",") {
			switch opt {
			case "":
			case "omitempty":
				omitEmpty = true
			default: // string, omitzero, or one encoding/json may add
				return nil, false
			}
		}
		if seen[name] {
			return nil, false // duplicate names: dominance rules not modelled
		}
		seen[name] = true
		fs = append(fs, field{index: i, key: `,"` + name + `":`, omitEmpty: omitEmpty})
	}
	return fs, true
}

// validTag is encoding/json's test of a tag's name: letters, digits and
// the punctuation it allows, and no quotes or backslashes. A field with an
// invalid one is named after the Go field.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
