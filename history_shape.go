package toaststats

import (
	"fmt"
	"reflect"
)

// gob does not carry what JSON does: a pointer to a zero value (a *bool
// false, a *ClubPayments of zeros) arrives as nil, and an empty slice as
// nil. A gob record (format 2, written by earlier versions; see
// history_gob_internal_test.go for the encoding) therefore carries the
// shape its JSON form would decode to:
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
