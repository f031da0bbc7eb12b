package normalize

import (
	"reflect"
	"testing"

	"github.com/gocarina/gocsv"
)

// TestRowsUnmarshalEveryTag: for every field of every row type, the cell
// of the column its `csv` tag names sets that field, and only it, exactly
// as the field's own UnmarshalCSV does; a key no tag names sets nothing.
func TestRowsUnmarshalEveryTag(t *testing.T) {
	cells := map[string]string{ // a cell each field type reads as non-zero
		"text": "x", "count": "7", "maybeCount": "7", "percent": "7.5%", "yesNo": "Y",
		"charterSuspend": "Charter 08/05/24",
	}
	for _, row := range []any{&summaryRecord{}, &districtRecord{}, &divisionRecord{}, &clubRecord{}} {
		typ := reflect.TypeOf(row).Elem()
		u, ok := row.(gocsv.TypeUnmarshalCSVWithFields)
		if !ok {
			t.Fatalf("%s is no gocsv.TypeUnmarshalCSVWithFields", typ)
		}
		if err := u.UnmarshalCSVWithFields("no such column", "7"); err != nil || !reflect.ValueOf(row).Elem().IsZero() {
			t.Errorf("%s: an unknown key set something (err %v)", typ, err)
		}
		if err := u.UnmarshalCSVWithFields("", "7"); err != nil || !reflect.ValueOf(row).Elem().IsZero() {
			t.Errorf("%s: the empty key set something (err %v)", typ, err)
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag := f.Tag.Get("csv")
			cell, ok := cells[f.Type.Name()]
			if tag == "" || !ok {
				t.Fatalf("%s.%s: no csv tag or no test cell for type %s", typ, f.Name, f.Type)
			}
			got := reflect.New(typ)
			if err := got.Interface().(gocsv.TypeUnmarshalCSVWithFields).UnmarshalCSVWithFields(tag, cell); err != nil {
				t.Fatalf("%s.%s: %v", typ, f.Name, err)
			}
			want := reflect.New(typ)
			if err := want.Elem().Field(i).Addr().Interface().(gocsv.TypeUnmarshaller).UnmarshalCSV(cell); err != nil {
				t.Fatal(err)
			}
			if want.Elem().Field(i).IsZero() || !reflect.DeepEqual(got.Elem().Interface(), want.Elem().Interface()) {
				t.Errorf("%s: key %q does not set field %s alone", typ, tag, f.Name)
			}
		}
	}
}
