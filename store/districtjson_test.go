package store

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/toaststats/toaststats/snapshot"
)

// trickyStrings are strings encoders disagree on when they disagree at all:
// HTML characters (escaped by encoding/json), control characters, the JSON
// line separators, invalid UTF-8 (replaced by U+FFFD) and a long one.
var trickyStrings = []string{
	"", "Club 1234", "<b>Speakers & Leaders</b>", `quote " and \ backslash`,
	"\x00\x01\x1f\x7f", "line\nbreak\ttab\r", "\u2028\u2029", "\xff\xfe bad utf-8 \xc3",
	"Toastmasters de l'Île-de-France — Région ✓", "日本語のクラブ", "emoji 🎤🏆", string(make([]byte, 300)),
}

// trickyFloats are float64 values whose formatting has edge cases (the
// switch to exponent form at 1e21 and 1e-6, negative zero, the extremes).
var trickyFloats = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.1, 12.5, 100.0 / 3, 1e20, 1e21, 1e-6, 1e-7, 123456789.123,
	math.MaxFloat64, math.SmallestNonzeroFloat64, -math.MaxFloat64, 5e-324, 0.000001234,
}

// fill sets v (settable) to random values drawn from r, favouring the
// tricky strings and floats; depth bounds maps of any.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		if r.IntN(3) == 0 {
			b := make([]byte, r.IntN(20))
			for i := range b {
				b[i] = byte(r.UintN(256))
			}
			v.SetString(string(b))
		} else {
			v.SetString(trickyStrings[r.IntN(len(trickyStrings))])
		}
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		switch r.IntN(4) {
		case 0:
			v.SetInt(int64(r.Uint64() >> (64 - v.Type().Bits())))
		case 1:
			v.SetInt(-int64(r.IntN(1000)))
		default:
			v.SetInt(int64(r.IntN(10000)))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(r.Uint64() >> (64 - v.Type().Bits()))
	case reflect.Float32, reflect.Float64:
		if r.IntN(2) == 0 {
			v.SetFloat(trickyFloats[r.IntN(len(trickyFloats))])
		} else {
			f := math.Float64frombits(r.Uint64())
			if math.IsNaN(f) || math.IsInf(f, 0) {
				f = r.Float64() * 1e6
			}
			v.SetFloat(f)
		}
	case reflect.Pointer:
		if r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem(), depth)
		v.Set(p)
	case reflect.Slice:
		switch n := r.IntN(5); n {
		case 0:
			v.SetZero() // nil: null, or left out with omitempty
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1) // 0..3 elements
			for i := range n - 1 {
				fill(r, s.Index(i), depth)
			}
			v.Set(s)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range r.IntN(4) {
			k := reflect.New(v.Type().Key()).Elem()
			fill(r, k, depth)
			e := reflect.New(v.Type().Elem()).Elem()
			fill(r, e, depth)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Interface: // the performance rows' values, as a decoder gives them
		if depth > 1 {
			return
		}
		var x any
		switch r.IntN(5) {
		case 0:
			x = trickyStrings[r.IntN(len(trickyStrings))]
		case 1:
			x = trickyFloats[r.IntN(len(trickyFloats))]
		case 2:
			x = r.IntN(2) == 0
		case 3:
			x = map[string]any{trickyStrings[r.IntN(len(trickyStrings))]: float64(r.IntN(100))}
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			t := time.Unix(r.Int64N(4e9), r.Int64N(1e9))
			if r.IntN(2) == 0 {
				t = t.UTC()
			} else {
				t = t.In(time.FixedZone("", (r.IntN(27)-12)*3600))
			}
			v.Set(reflect.ValueOf(t))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(r, v.Field(i), depth+1)
			}
		}
	}
}

// stdlibEncode is what encoding/json's Encoder writes for df.
func stdlibEncode(t *testing.T, df *snapshot.DistrictFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(df); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDistrictJSONMatchesStdlib: district files are encoded by a faster
// library (districtjson.go); it must write exactly what encoding/json
// writes, for random district files and for hand-made ones.
func TestDistrictJSONMatchesStdlib(t *testing.T) {
	t.Run("hand-made", func(t *testing.T) {
		closing := true
		growth := -2.5
		df := &snapshot.DistrictFile{
			DistrictID: "42", DistrictName: "District 42 <&>", Status: snapshot.StatusSuccess,
			CollectedAt: time.Date(2025, 11, 20, 3, 4, 5, 600, time.UTC),
			Data: snapshot.District{
				DistrictID: "42", AsOfDate: "2025-11-20", DataMonth: "2025-11", IsClosingPeriod: &closing,
				Membership:      snapshot.Membership{Payments: snapshot.Payments{GrowthPercent: &growth}},
				ClubDetails:     []snapshot.Club{{ClubID: "00001234", ClubName: "Fun & <Games>\u2028"}},
				ClubPerformance: []map[string]any{{"Club Name": "A & B", "Active Members": float64(21), "b": nil, "a": true}},
			},
		}
		var got bytes.Buffer
		if err := encodeDistrictJSON(&got, df); err != nil {
			t.Fatal(err)
		}
		want := stdlibEncode(t, df)
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("encodings differ:\n got %s\nwant %s", got.Bytes(), want)
		}
		// Worked out by hand: HTML escaped, U+2028 escaped, map keys sorted.
		for _, frag := range []string{
			`"districtName":"District 42 \u003c\u0026\u003e"`,
			`"clubName":"Fun \u0026 \u003cGames\u003e\u2028"`,
			`"clubPerformance":[{"Active Members":21,"Club Name":"A \u0026 B","a":true,"b":null}]`,
			`"collectedAt":"2025-11-20T03:04:05.0000006Z"`,
			`"growthPercent":-2.5`,
		} {
			if !bytes.Contains(got.Bytes(), []byte(frag)) {
				t.Errorf("missing %s in %s", frag, got.Bytes())
			}
		}
		if b, err := marshalDistrictJSON(df); err != nil || !bytes.Equal(append(b, '\n'), want) {
			t.Errorf("marshalDistrictJSON differs (%v)", err)
		}
	})
	t.Run("random", func(t *testing.T) {
		params := gopter.DefaultTestParameters()
		params.MinSuccessfulTests = 300
		props := gopter.NewProperties(params)
		props.Property("same bytes as encoding/json", prop.ForAll(func(seed uint64) string {
			r := rand.New(rand.NewPCG(seed, seed>>7))
			var df snapshot.DistrictFile
			fill(r, reflect.ValueOf(&df).Elem(), 0)
			var got bytes.Buffer
			if err := encodeDistrictJSON(&got, &df); err != nil {
				return "error: " + err.Error()
			}
			if want := stdlibEncode(t, &df); !bytes.Equal(got.Bytes(), want) {
				i := 0
				for i < min(len(want), got.Len()) && want[i] == got.Bytes()[i] {
					i++
				}
				return "differ at byte " + string(want[max(i-40, 0):min(i+40, len(want))])
			}
			return ""
		}, gen.UInt64()))
		props.TestingRun(t)
	})
	t.Run("NaN is refused", func(t *testing.T) {
		df := &snapshot.DistrictFile{Data: snapshot.District{Membership: snapshot.Membership{ChangePercent: math.NaN()}}}
		if _, err := json.Marshal(df); err == nil {
			t.Fatal("encoding/json encoded NaN")
		}
		if err := encodeDistrictJSON(new(bytes.Buffer), df); err == nil {
			t.Fatal("NaN encoded: encoding/json refuses it")
		}
	})
}

// FuzzDistrictJSONMatchesStdlib feeds the strings and numbers of a club
// row to both encoders.
func FuzzDistrictJSONMatchesStdlib(f *testing.F) {
	for i, s := range trickyStrings {
		f.Add(s, trickyFloats[i%len(trickyFloats)], int64(i))
	}
	f.Fuzz(func(t *testing.T, s string, x float64, n int64) {
		df := &snapshot.DistrictFile{DistrictID: s, DistrictName: s, Data: snapshot.District{
			Region:          s,
			Membership:      snapshot.Membership{ChangePercent: x, Payments: snapshot.Payments{GrowthPercent: &x}},
			ClubDetails:     []snapshot.Club{{ClubID: s, ClubName: s}},
			ClubPerformance: []map[string]any{{s: s, "n": x, "i": n}},
		}}
		want, werr := json.Marshal(df)
		got, gerr := marshalDistrictJSON(df)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("errors differ: encoding/json %v, district encoder %v", werr, gerr)
		}
		if werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("encodings differ:\n got %s\nwant %s", got, want)
		}
	})
}
