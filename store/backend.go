package store

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"sync"
)

// BackendOpener opens the Objects a URL names (for example
// s3://bucket/prefix?endpoint=...). It is registered per URL scheme with
// RegisterBackend.
type BackendOpener func(ctx context.Context, rawURL string) (Objects, error)

var (
	backendsMu sync.RWMutex
	backends   = map[string]BackendOpener{}
)

// BackendsImport is the package that registers the object-store backends
// when imported for its side effect.
const BackendsImport = "github.com/toaststats/toaststats/store/backends"

// RegisterBackend makes Open, Create and OpenBackend accept URLs of scheme,
// like database/sql drivers: a backend package calls it from init. It
// panics when scheme is "file" or already registered.
func RegisterBackend(scheme string, open BackendOpener) {
	backendsMu.Lock()
	defer backendsMu.Unlock()
	if scheme == "file" || scheme == "" || open == nil {
		panic("store: RegisterBackend: bad scheme " + scheme)
	}
	if _, dup := backends[scheme]; dup {
		panic("store: RegisterBackend called twice for " + scheme)
	}
	backends[scheme] = open
}

// Backends lists the registered URL schemes (file is always available).
func Backends() []string {
	backendsMu.RLock()
	defer backendsMu.RUnlock()
	out := []string{"file"}
	for s := range backends {
		out = append(out, s)
	}
	sort.Strings(out[1:])
	return out
}

var urlScheme = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9+.-]*)://`)

// IsURL reports whether location is a URL (scheme://...) rather than a
// path.
func IsURL(location string) bool { return urlScheme.MatchString(location) }

// localPath returns the directory a file:// URL or a plain path names.
func localPath(location string) (string, bool, error) {
	m := urlScheme.FindStringSubmatch(location)
	if m == nil {
		return location, true, nil
	}
	if m[1] != "file" {
		return "", false, nil
	}
	u, err := url.Parse(location)
	if err != nil {
		return "", true, fmt.Errorf("store: %q: %w", location, err)
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", true, fmt.Errorf("store: %q: a file:// URL names a local path (file:///abs/path)", location)
	}
	if u.Path == "" {
		return "", true, fmt.Errorf("store: %q names no path", location)
	}
	return u.Path, true, nil
}

// OpenBackend opens the storage location names: a local path or file://
// URL (a DirObjects, created if missing), or a URL of a registered backend
// (see RegisterBackend). A URL whose scheme nobody registered is an error
// naming the import that would register it.
func OpenBackend(ctx context.Context, location string) (Objects, error) {
	dir, local, err := localPath(location)
	if err != nil {
		return nil, err
	}
	if local {
		return NewDirObjects(dir)
	}
	return openRegistered(ctx, location)
}

func openRegistered(ctx context.Context, location string) (Objects, error) {
	scheme := urlScheme.FindStringSubmatch(location)[1]
	backendsMu.RLock()
	open := backends[scheme]
	backendsMu.RUnlock()
	if open == nil {
		return nil, fmt.Errorf("store: no storage backend for %s:// URLs in this program (import _ %q registers the object-store backends)", scheme, BackendsImport)
	}
	return open(ctx, location)
}
