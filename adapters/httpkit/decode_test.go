package httpkit

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

type item struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func decode(body, ctype string, allowEmpty bool) (item, error) {
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	var v item
	err := DecodeJSON(httptest.NewRecorder(), r, &v, 32, allowEmpty)
	return v, err
}

func TestDecodeJSON(t *testing.T) {
	cases := []struct {
		body, ctype string
		allowEmpty  bool
		status      int
		code        string
	}{
		{`{"name":"a","count":2}`, "application/json", false, 0, ""},
		{`{"name":"a"}`, "Application/JSON; charset=utf-8", false, 0, ""},
		{`{"name":"a"}`, "", false, 0, ""},
		{"  \n", "", true, 0, ""},
		{"", "", false, 400, "MISSING_BODY"},
		{`{"name":"` + strings.Repeat("x", 30) + `"}`, "", false, 413, "PAYLOAD_TOO_LARGE"}, // 42 bytes > 32
		{`{"name":"a"}`, "text/plain", false, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{`{"name":1}`, "", false, 400, "INVALID_JSON"},
		{`{"nom":"a"}`, "", false, 400, "INVALID_JSON"},
		{`{"name":"a"} {}`, "", false, 400, "INVALID_JSON"},
		{`{}}`, "", false, 400, "INVALID_JSON"},            // found by FuzzDecodeJSON
		{`{"name":"a"}] `, "", false, 400, "INVALID_JSON"}, // a closing bracket, then space
		{"{\"name\":\"a\"} \n\t", "", false, 0, ""},        // trailing white space is fine
		{`{"name":`, "", false, 400, "INVALID_JSON"},
	}
	for _, c := range cases {
		_, err := decode(c.body, c.ctype, c.allowEmpty)
		var e *Error
		switch {
		case c.status == 0 && err != nil:
			t.Errorf("%q: %v", c.body, err)
		case c.status != 0 && (!errors.As(err, &e) || e.Status != c.status || e.Code != c.code):
			t.Errorf("%q (%s): %v, want %d %s", c.body, c.ctype, err, c.status, c.code)
		}
	}
	if v, _ := decode(`{"name":"a","count":2}`, "", false); v != (item{"a", 2}) {
		t.Errorf("decoded %+v", v)
	}
}

// FuzzDecodeJSON: any body is either decoded (then it was one JSON value
// of the right shape) or refused with a 4xx Error; never a panic.
func FuzzDecodeJSON(f *testing.F) {
	f.Add(`{"name":"a","count":2}`)
	f.Add(`{"name":"a"} x`)
	f.Add(`[]`)
	f.Add(`{}}`) // a closing bracket after the value (dec.More let it pass)
	f.Fuzz(func(t *testing.T, body string) {
		v, err := decode(body, "", false)
		var e *Error
		if err != nil {
			if !errors.As(err, &e) || e.Status < 400 || e.Status > 499 {
				t.Fatalf("%q: %v", body, err)
			}
			return
		}
		if !json.Valid([]byte(strings.TrimSpace(body))) {
			t.Fatalf("%q accepted as %+v", body, v)
		}
	})
}
