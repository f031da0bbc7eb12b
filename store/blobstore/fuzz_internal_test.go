package blobstore

import (
	"net/url"
	"path"
	"strings"
	"testing"
)

// FuzzKeys checks the backend's two key codecs on arbitrary text: checkKey
// accepts only clean relative paths that gocloud.dev/blob (the backend's
// former base) stored verbatim, and copySource escapes an accepted key so
// that the server, which path-unescapes x-amz-copy-source, reads back
// exactly "bucket/key".
func FuzzKeys(f *testing.F) {
	for _, s := range []string{"snapshots/2025-11-20/district_01.json", "a b+c/d", "x/../y", "../x", "/abs", "a//b", "a/./b",
		"dir/", "", ".", "..", "a..", "a__0x2f__b", "ctl\x01", "\xff", "é/ü", "%2F", "a?b#c"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, key string, folder bool) {
		k, err := checkKey(key, folder)
		if err != nil {
			return
		}
		if k == "" {
			if !folder || strings.TrimSuffix(key, "/") != "" {
				t.Fatalf("checkKey(%q, %v) = \"\": only the top folder may be empty", key, folder)
			}
			return
		}
		if path.Clean(k) != k || strings.HasPrefix(k, "/") || k == ".." || strings.HasPrefix(k, "../") {
			t.Fatalf("checkKey(%q, %v) accepted %q, which is not a clean relative path", key, folder, k)
		}
		if !verbatim(k) {
			t.Fatalf("checkKey(%q, %v) accepted %q, which gocloud would have stored under another name", key, folder, k)
		}
		src := copySource("bucket", k)
		if strings.ContainsAny(src, " +?#") {
			t.Fatalf("copySource(%q) = %q: has characters the server would not read back verbatim", k, src)
		}
		back, err := url.PathUnescape(src)
		if err != nil || back != "bucket/"+k {
			t.Fatalf("copySource(%q) = %q, which unescapes to %q (%v)", k, src, back, err)
		}
	})
}
