package toaststats

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// gob does not carry what JSON does: a pointer to a zero value (a *bool
// false, a *ClubPayments of zeros) arrives as nil, and an empty slice as
// nil. A record therefore carries the shape its JSON form would decode to:
// the paths (struct field and slice indexes) of those values, restored after
// decoding, so a point from the index is exactly the point its snapshot
// file gives.

// A shape is a flat list of fixes, each one restored value: its kind
// (fixPointer: a non-nil pointer to a zero value; fixEmpty: a non-nil empty
// slice), the length of its path, and the path (struct field and slice
// indexes from the value's top). One flat []int32 decodes far faster than a
// slice of small structs.
const (
	fixPointer = 0
	fixEmpty   = 1
)

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

// applyShape restores the fixes of shape in v (a pointer to the decoded
// value).
func applyShape(v reflect.Value, shape []int32) error {
	for len(shape) > 0 {
		if len(shape) < 2 || shape[1] < 0 || int(shape[1]) > len(shape)-2 {
			return fmt.Errorf("history: damaged shape")
		}
		kind, path := shape[0], shape[2:2+shape[1]]
		shape = shape[2+shape[1]:]
		cur := v.Elem()
		for _, step := range path {
			for cur.Kind() == reflect.Pointer {
				if cur.IsNil() {
					return fmt.Errorf("history: shape path %v runs through nil", path)
				}
				cur = cur.Elem()
			}
			switch cur.Kind() {
			case reflect.Struct:
				if step < 0 || int(step) >= cur.NumField() {
					return fmt.Errorf("history: shape path %v out of range", path)
				}
				cur = cur.Field(int(step))
			case reflect.Slice, reflect.Array:
				if step < 0 || int(step) >= cur.Len() {
					return fmt.Errorf("history: shape path %v out of range", path)
				}
				cur = cur.Index(int(step))
			default:
				return fmt.Errorf("history: shape path %v runs into a %s", path, cur.Kind())
			}
		}
		switch {
		case kind == fixEmpty && cur.Kind() == reflect.Slice:
			cur.Set(reflect.MakeSlice(cur.Type(), 0, 0))
		case kind == fixPointer && cur.Kind() == reflect.Pointer:
			if cur.IsNil() {
				cur.Set(reflect.New(cur.Type().Elem()))
			}
		default:
			return fmt.Errorf("history: shape fix %d at %v does not fit a %s", kind, path, cur.Kind())
		}
	}
	return nil
}
