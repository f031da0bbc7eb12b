package toaststats

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/toaststats/toaststats/store"
)

// The gob encoding of records (format 2), which earlier versions wrote:
// kept for the tests that check such records are still read.

// shapedFields is how many leading fields of districtDay and snapshotDay
// the shape covers.
var shapedFields = map[byte]int{kindDistrict: 3, kindSnapshot: 1}

// encodeGob encodes v (*districtDay or *snapshotDay) as gob, with its
// shape: the records of format 2, which earlier versions wrote (and tests
// write to check they are still read).
func encodeGob(kind byte, v any) (*encodedValue, error) {
	rv := reflect.ValueOf(v).Elem()
	var shape []int32
	for i := range shapedFields[kind] {
		shapeOf(rv.Field(i), []int32{int32(i)}, &shape)
	}
	rv.FieldByName("Shape").Set(reflect.ValueOf(shape))
	ve, err := getValueEncoder(kind, rv.Type())
	if err != nil {
		return nil, err
	}
	defer valueEncoders[kind].Put(ve)
	ve.buf.Reset()
	if err := ve.enc.Encode(v); err != nil {
		return nil, fmt.Errorf("history: encode: %w", err)
	}
	return &encodedValue{format: historyFormat, kind: kind, preamble: ve.preamble, hash: ve.hash, value: bytes.Clone(ve.buf.Bytes())}, nil
}

// valueEncoder is a gob encoder that has sent the type preamble of one
// record kind: what it writes next is a bare value message, the same bytes a
// fresh encoder writes after the preamble (the record types hold no
// interface values, so no type definition ever follows the preamble). A
// world build encodes 128 district days; the preamble was a quarter of that.
type valueEncoder struct {
	buf      bytes.Buffer
	enc      *gob.Encoder
	preamble []byte
	hash     string
}

// valueEncoders pools valueEncoders by record kind.
var valueEncoders = map[byte]*sync.Pool{kindDistrict: {}, kindSnapshot: {}}

// getValueEncoder returns a pooled encoder of kind, or a new one primed
// with the preamble of t.
func getValueEncoder(kind byte, t reflect.Type) (*valueEncoder, error) {
	if ve, ok := valueEncoders[kind].Get().(*valueEncoder); ok {
		return ve, nil
	}
	ve := &valueEncoder{}
	ve.enc = gob.NewEncoder(&ve.buf)
	if err := ve.enc.Encode(reflect.New(t).Interface()); err != nil {
		return nil, fmt.Errorf("history: encode types: %w", err)
	}
	ve.preamble = bytes.Clone(ve.buf.Bytes())
	sum := sha256.Sum256(ve.preamble)
	ve.hash = hex.EncodeToString(sum[:8])
	return ve, nil
}

// writeTypes stores the preamble with hash unless it is there already.
func writeTypes(ctx context.Context, objs store.Objects, hash string, preamble []byte) error {
	if _, ok := preambles.Load(hash); ok {
		if _, err := objs.Read(ctx, typesKey(hash)); err == nil {
			return nil
		}
	}
	if b, err := objs.Read(ctx, typesKey(hash)); err == nil && bytes.Equal(b, preamble) {
		preambles.Store(hash, preamble)
		return nil
	}
	if err := objs.Write(ctx, typesKey(hash), preamble); err != nil {
		return fmt.Errorf("history: write types %s: %w", hash, err)
	}
	preambles.Store(hash, preamble)
	return nil
}

// addFix appends one fix to out.
func addFix(out *[]int32, kind int32, path []int32, last ...int32) {
	*out = append(*out, kind, int32(len(path)+len(last)))
	*out = append(*out, path...)
	*out = append(*out, last...)
}

// shapeOf appends the fixes of v, as its JSON encoding and decoding would
// shape it: an empty slice in a field tagged omitempty decodes as nil and
// needs none. Only the fields whose type can hold a pointer or a slice are
// visited (see planOf).
func shapeOf(v reflect.Value, path []int32, out *[]int32) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Elem().IsZero() {
			addFix(out, fixPointer, path)
			return
		}
		shapeOf(v.Elem(), path, out)
	case reflect.Struct:
		for _, f := range planOf(v.Type()).fields {
			fv := v.Field(f.index)
			if fv.Kind() == reflect.Slice && !fv.IsNil() && fv.Len() == 0 {
				if !f.omitEmpty {
					addFix(out, fixEmpty, path, int32(f.index))
				}
				continue
			}
			shapeOf(fv, append(path, int32(f.index)), out)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && !v.IsNil() && v.Len() == 0 {
			addFix(out, fixEmpty, path)
			return
		}
		if !planOf(v.Type().Elem()).shaped {
			return
		}
		for j := range v.Len() {
			shapeOf(v.Index(j), append(path, int32(j)), out)
		}
	}
}

// typePlan says whether values of a type can need a fix, and for a struct
// which exported fields can.
type typePlan struct {
	shaped bool
	fields []fieldPlan
}

type fieldPlan struct {
	index     int
	omitEmpty bool
}

var (
	plans    sync.Map   // reflect.Type -> *typePlan, complete plans only
	plansMu  sync.Mutex // serialises computing plans
	planning = map[reflect.Type]*typePlan{}
)

// planOf returns the plan of t, computed once per type.
func planOf(t reflect.Type) *typePlan {
	if p, ok := plans.Load(t); ok {
		return p.(*typePlan)
	}
	plansMu.Lock()
	defer plansMu.Unlock()
	return computePlan(t)
}

// computePlan computes t's plan; plansMu is held.
func computePlan(t reflect.Type) *typePlan {
	if p, ok := plans.Load(t); ok {
		return p.(*typePlan)
	}
	if p := planning[t]; p != nil {
		return p // a recursive type: its provisional plan
	}
	p := &typePlan{}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice:
		p.shaped = true
	case reflect.Array:
		p.shaped = computePlan(t.Elem()).shaped
	case reflect.Struct:
		planning[t] = p
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || !computePlan(f.Type).shaped {
				continue
			}
			p.fields = append(p.fields, fieldPlan{index: i, omitEmpty: strings.Contains(f.Tag.Get("json"), ",omitempty")})
		}
		p.shaped = len(p.fields) > 0
		delete(planning, t)
	}
	plans.Store(t, p)
	return p
}
