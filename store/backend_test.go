package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenByURL(t *testing.T) {
	dir := t.TempDir()
	st, err := Open("file://"+dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Dir() != dir {
		t.Fatalf("Dir = %q, want %q", st.Dir(), dir)
	}
	st.Close()
	if _, err := Open("file://"+filepath.Join(dir, "missing"), Options{}); !errors.Is(err, ErrNoDataDir) {
		t.Fatalf("missing file:// dir: %v, want ErrNoDataDir", err)
	}
	if _, err := Open("file://host/x", Options{}); err == nil {
		t.Fatal("file://host/x accepted")
	}
	_, err = Open("nosuch://bucket/prefix", Options{})
	if err == nil || !strings.Contains(err.Error(), BackendsImport) || !strings.Contains(err.Error(), "nosuch://") {
		t.Fatalf("unregistered scheme: %v, want an error naming %s", err, BackendsImport)
	}
	if IsURL("data") || IsURL(`C:\data`) || !IsURL("s3://b") {
		t.Fatal("IsURL")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("registering file did not panic")
			}
		}()
		RegisterBackend("file", func(context.Context, string) (Objects, error) { return nil, nil })
	}()
}

// FuzzDataLocation: telling paths from URLs never panics, and a string
// without "://" is always the path itself.
func FuzzDataLocation(f *testing.F) {
	for _, s := range []string{"data", "file:///tmp/x", "s3://b/p?endpoint=http://h:1", "file://", "://x", "a://b", `C:\d`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		dir, local, err := localPath(s)
		if !strings.Contains(s, "://") && (dir != s || !local || err != nil) {
			t.Fatalf("localPath(%q) = %q %v %v", s, dir, local, err)
		}
		if err == nil && !local && !IsURL(s) {
			t.Fatalf("%q: not local, not a URL", s)
		}
	})
}
