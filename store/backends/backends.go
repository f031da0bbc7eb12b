// Package backends registers the object-store backends with the store, so
// that store.Open, store.Create and toaststats.OpenStore accept their URLs.
// Import it for its side effect, as the toaststats programs do:
//
//	import _ "github.com/toaststats/toaststats/store/backends"
//
// Registered schemes: s3:// (S3 and S3-compatible servers, through
// store/blobstore), and gs:// and azblob://, which are refused with an
// error saying why (see store/blobstore).
package backends

import (
	"context"

	"github.com/toaststats/toaststats/store"
	"github.com/toaststats/toaststats/store/blobstore"
)

// The blob backend provides every capability the store uses on object
// storage.
var (
	_ store.Objects           = (*blobstore.Objects)(nil)
	_ store.Statter           = (*blobstore.Objects)(nil)
	_ store.VersionStatter    = (*blobstore.Objects)(nil)
	_ store.ConditionalWriter = (*blobstore.Objects)(nil)
	_ store.Copier            = (*blobstore.Objects)(nil)
	_ store.Locker            = (*blobstore.Objects)(nil)
	_ store.LeaseLocker       = (*blobstore.Objects)(nil)
	_ store.Stager            = (*blobstore.Objects)(nil)
	_ store.Logging           = (*blobstore.Objects)(nil)
)

func init() {
	for _, scheme := range []string{"s3", "gs", "azblob"} {
		store.RegisterBackend(scheme, open)
	}
}

func open(ctx context.Context, rawURL string) (store.Objects, error) {
	o, err := blobstore.Open(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	return o, nil
}
