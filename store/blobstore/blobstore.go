package blobstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"
	"golang.org/x/sync/errgroup"
)

// Objects is the store's object storage on a gocloud.dev/blob bucket (S3 or
// an S3-compatible server). It implements store.Objects and the optional
// capabilities store.Statter, store.VersionStatter, store.ConditionalWriter,
// store.Copier, store.Locker and a (non-atomic) Rename; it deliberately does
// not implement store.DirSwapper, so the store publishes snapshots with its
// in-place protocol.
type Objects struct {
	b    *blob.Bucket
	name string

	// LeaseTTL is how long a lock lease lasts without renewal (default 30 s).
	LeaseTTL time.Duration
	// Logger receives the lease's warnings (nil: discarded).
	Logger *slog.Logger

	holder string
	mu     sync.Mutex
	locks  map[string]*sync.Mutex
}

// Schemes that are refused, with the reason.
var refused = map[string]string{
	"gs":     "gs:// (Google Cloud Storage) is not supported yet: the store's pointer and lease need generation preconditions (ifGenerationMatch), which this backend has not implemented and tested; use s3:// (GCS offers an S3-compatible XML API) or a local path",
	"azblob": "azblob:// (Azure Blob Storage) is not supported yet: the store's pointer and lease need If-Match conditional writes, which this backend has not implemented and tested against Azure; use s3:// or a local path",
}

// Open opens the bucket a URL names:
//
//	s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1&use_path_style=true
//
// The path (or gocloud's prefix= parameter) is the key prefix the data
// directory lives under. Every other query parameter is gocloud's (see
// gocloud.dev/aws V2ConfigFromURLParams and s3blob.URLOpener): endpoint,
// region, use_path_style, disable_https, profile, anonymous, ...
// Credentials come from the AWS SDK's usual chain (AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, AWS_PROFILE, the shared files, instance roles),
// never from the URL. The bucket must exist and be reachable.
func Open(ctx context.Context, rawURL string) (*Objects, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("blobstore: parse %q: %w", redact(rawURL), err)
	}
	if why, ok := refused[u.Scheme]; ok {
		return nil, fmt.Errorf("blobstore: %s", why)
	}
	if u.Scheme != s3blob.Scheme {
		return nil, fmt.Errorf("blobstore: unsupported scheme %q in %q (want s3://bucket/prefix?endpoint=...&region=...)", u.Scheme, redact(rawURL))
	}
	if u.User != nil {
		return nil, fmt.Errorf("blobstore: %q carries credentials; give them in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) instead", redact(rawURL))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("blobstore: %q names no bucket", redact(rawURL))
	}
	prefix := strings.Trim(u.Path, "/")
	q := u.Query()
	if p := strings.Trim(q.Get("prefix"), "/"); p != "" {
		prefix = path.Join(prefix, p)
		q.Del("prefix")
	}
	if prefix != "" && path.Clean(prefix) != prefix {
		return nil, fmt.Errorf("blobstore: bad prefix %q in %q", prefix, redact(rawURL))
	}
	if q.Get("region") == "" && os.Getenv("AWS_REGION") == "" && os.Getenv("AWS_DEFAULT_REGION") == "" {
		q.Set("region", "us-east-1") // what S3-compatible servers accept; AWS redirects otherwise
	}
	bu := url.URL{Scheme: u.Scheme, Host: u.Host, RawQuery: q.Encode()}
	b, err := blob.OpenBucket(ctx, bu.String())
	if err != nil {
		return nil, fmt.Errorf("blobstore: open %s: %w", redact(rawURL), err)
	}
	if ok, err := b.IsAccessible(ctx); err != nil || !ok {
		b.Close()
		if err == nil {
			err = errors.New("no such bucket")
		}
		return nil, fmt.Errorf("blobstore: bucket %q at %s: %w", u.Host, redact(rawURL), err)
	}
	if prefix != "" {
		b = blob.PrefixedBucket(b, prefix+"/")
	}
	return New(b, redact(rawURL)), nil
}

// redact drops any user info from a URL for messages.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	return raw
}

// New wraps an open bucket; name is what error messages call it. Objects
// takes ownership of b (Close closes it).
func New(b *blob.Bucket, name string) *Objects {
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	host, _ := os.Hostname()
	return &Objects{b: b, name: name, holder: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(rnd[:])), locks: map[string]*sync.Mutex{}}
}

// Bucket returns the underlying bucket.
func (o *Objects) Bucket() *blob.Bucket { return o.b }

// String returns the URL the objects were opened from (without secrets).
func (o *Objects) String() string { return o.name }

// Close closes the bucket.
func (o *Objects) Close() error { return o.b.Close() }

// checkKey refuses keys that are not clean relative paths; the store
// validates every key it builds, this is a second guard.
func checkKey(key string, folder bool) (string, error) {
	k := key
	if folder {
		k = strings.TrimSuffix(k, "/")
		if k == "" {
			return "", nil
		}
	}
	if k == "" || strings.HasPrefix(k, "/") || path.Clean(k) != k || k == ".." || strings.HasPrefix(k, "../") {
		return "", fmt.Errorf("blobstore: invalid key %q", key)
	}
	return k, nil
}

func notExist(err error) bool { return gcerrors.Code(err) == gcerrors.NotFound }

// Read implements store.Objects.
func (o *Objects) Read(ctx context.Context, key string) ([]byte, error) {
	k, err := checkKey(key, false)
	if err != nil {
		return nil, err
	}
	b, err := o.b.ReadAll(ctx, k)
	if err != nil {
		if notExist(err) {
			return nil, fmt.Errorf("read %s: %w", key, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	return b, nil
}

// ReadVersion implements store.ConditionalWriter: the bytes and the ETag
// of one GET.
func (o *Objects) ReadVersion(ctx context.Context, key string) ([]byte, string, error) {
	k, err := checkKey(key, false)
	if err != nil {
		return nil, "", err
	}
	r, err := o.b.NewReader(ctx, k, nil)
	if err != nil {
		if notExist(err) {
			return nil, "", fmt.Errorf("read %s: %w", key, fs.ErrNotExist)
		}
		return nil, "", fmt.Errorf("read %s: %w", key, err)
	}
	defer r.Close()
	var out s3.GetObjectOutput
	if !r.As(&out) {
		return nil, "", fmt.Errorf("read %s: the bucket does not expose ETags", key)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", key, err)
	}
	return b, aws.ToString(out.ETag), nil
}

// Write implements store.Objects: one PUT, which S3 applies atomically (a
// reader sees the whole old object or the whole new one).
func (o *Objects) Write(ctx context.Context, key string, data []byte) error {
	k, err := checkKey(key, false)
	if err != nil {
		return err
	}
	if err := o.b.WriteAll(ctx, k, data, &blob.WriterOptions{ContentType: contentType(k)}); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

func contentType(key string) string {
	switch path.Ext(key) {
	case ".json":
		return "application/json"
	case ".csv":
		return "text/csv"
	}
	return "application/octet-stream"
}

// WriteIfVersion implements store.ConditionalWriter: a PUT with
// If-None-Match: * when version is "" (create only) or If-Match: version.
// It reports false, with no error, when the precondition failed (the
// object exists, or no longer has that version).
func (o *Objects) WriteIfVersion(ctx context.Context, key string, data []byte, version string) (bool, error) {
	k, err := checkKey(key, false)
	if err != nil {
		return false, err
	}
	opts := &blob.WriterOptions{ContentType: contentType(k)}
	if version == "" {
		opts.IfNotExist = true
	} else {
		opts.BeforeWrite = func(as func(any) bool) error {
			var in *transfermanager.UploadObjectInput
			if !as(&in) {
				return fmt.Errorf("write %s: the bucket cannot make conditional writes", key)
			}
			in.IfMatch = aws.String(version)
			return nil
		}
	}
	err = o.b.WriteAll(ctx, k, data, opts)
	switch {
	case err == nil:
		return true, nil
	case gcerrors.Code(err) == gcerrors.FailedPrecondition, version != "" && notExist(err):
		return false, nil
	case isConflict(err):
		// A concurrent conditional write to the same key (409
		// ConditionalRequestConflict): the other one wins.
		return false, nil
	}
	return false, fmt.Errorf("write %s: %w", key, err)
}

func isConflict(err error) bool {
	s := err.Error()
	return strings.Contains(s, "ConditionalRequestConflict") || strings.Contains(s, "StatusCode: 409")
}

// Stat implements store.Statter (one HEAD).
func (o *Objects) Stat(ctx context.Context, key string) (int64, time.Time, error) {
	n, mod, _, err := o.StatVersion(ctx, key)
	return n, mod, err
}

// StatVersion implements store.VersionStatter: size, modification time and
// ETag of one HEAD. S3 times have one-second resolution; the ETag tells two
// writes within a second apart.
func (o *Objects) StatVersion(ctx context.Context, key string) (int64, time.Time, string, error) {
	k, err := checkKey(key, false)
	if err != nil {
		return 0, time.Time{}, "", err
	}
	a, err := o.b.Attributes(ctx, k)
	if err != nil {
		if notExist(err) {
			return 0, time.Time{}, "", fmt.Errorf("stat %s: %w", key, fs.ErrNotExist)
		}
		return 0, time.Time{}, "", fmt.Errorf("stat %s: %w", key, err)
	}
	return a.Size, a.ModTime, a.ETag, nil
}

// List implements store.Objects with a delimited listing: objects as
// "prefix/name", common prefixes as "prefix/name/".
func (o *Objects) List(ctx context.Context, prefix string) ([]string, error) {
	k, err := checkKey(prefix, true)
	if err != nil {
		return nil, err
	}
	if k != "" {
		k += "/"
	}
	it := o.b.List(&blob.ListOptions{Prefix: k, Delimiter: "/"})
	var out []string
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, err)
		}
		if obj.Key == k {
			continue // a folder marker object some tools create
		}
		out = append(out, obj.Key)
	}
	slices.Sort(out)
	return out, nil
}

// listAll lists every object under the folder prefix (recursively).
func (o *Objects) listAll(ctx context.Context, prefix string) ([]string, error) {
	it := o.b.List(&blob.ListOptions{Prefix: prefix})
	var out []string
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, err)
		}
		if !obj.IsDir {
			out = append(out, obj.Key)
		}
	}
}

// parallel is how many requests the folder operations run at once.
const parallel = 16

// Delete implements store.Objects. A folder is deleted object by object
// (there is no folder on S3): a reader can see it partly deleted, which
// the store allows for (it deletes a snapshot's manifest first).
func (o *Objects) Delete(ctx context.Context, key string) error {
	folder := strings.HasSuffix(key, "/")
	k, err := checkKey(key, folder)
	if err != nil {
		return err
	}
	if !folder {
		if err := o.b.Delete(ctx, k); err != nil && !notExist(err) {
			return fmt.Errorf("delete %s: %w", key, err)
		}
		return nil
	}
	if k == "" {
		return fmt.Errorf("blobstore: refusing to delete the whole data directory")
	}
	keys, err := o.listAll(ctx, k+"/")
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for _, key := range keys {
		g.Go(func() error {
			if err := o.b.Delete(gctx, key); err != nil && !notExist(err) {
				return fmt.Errorf("delete %s: %w", key, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// Copy implements store.Copier: a server-side copy of one object.
func (o *Objects) Copy(ctx context.Context, from, to string) error {
	f, err := checkKey(from, false)
	if err != nil {
		return err
	}
	t, err := checkKey(to, false)
	if err != nil {
		return err
	}
	if err := o.b.Copy(ctx, t, f, nil); err != nil {
		if notExist(err) {
			return fmt.Errorf("copy %s: %w", from, fs.ErrNotExist)
		}
		return fmt.Errorf("copy %s to %s: %w", from, to, err)
	}
	return nil
}

// Rename moves an object, or a folder (key ending in "/") and everything in
// it, by server-side copies followed by deletes. It is NOT atomic: a crash
// leaves both copies (never neither), and a reader can see the target
// partly written. The store uses it only for quarantine and the raw-cache
// trash, where both are acceptable.
func (o *Objects) Rename(ctx context.Context, from, to string) error {
	folder := strings.HasSuffix(from, "/")
	f, err := checkKey(from, folder)
	if err != nil {
		return err
	}
	t, err := checkKey(to, folder)
	if err != nil {
		return err
	}
	if !folder {
		if err := o.Copy(ctx, f, t); err != nil {
			return err
		}
		return o.Delete(ctx, f)
	}
	if f == "" || t == "" {
		return fmt.Errorf("blobstore: cannot rename the top folder")
	}
	keys, err := o.listAll(ctx, f+"/")
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		return fmt.Errorf("rename %s: %w", from, fs.ErrNotExist)
	}
	if existing, err := o.listAll(ctx, t+"/"); err != nil {
		return err
	} else if len(existing) > 0 {
		return fmt.Errorf("rename %s to %s: %w", from, to, fs.ErrExist)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for _, k := range keys {
		g.Go(func() error { return o.Copy(gctx, k, t+"/"+strings.TrimPrefix(k, f+"/")) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return o.Delete(ctx, f+"/")
}

// Stage implements store.Stager: the files are PUT in parallel (each PUT
// is durable when it returns).
func (o *Objects) Stage(ctx context.Context, prefix string, files map[string][]byte) error {
	k, err := checkKey(prefix, true)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for name, data := range files {
		if strings.Contains(name, "/") {
			return fmt.Errorf("blobstore: staged name %q", name)
		}
		g.Go(func() error { return o.Write(gctx, k+"/"+name, data) })
	}
	return g.Wait()
}

// ---- locks ----

// lease is the content of a lock object .locks/<name>.lease.
type lease struct {
	Holder  string    `json:"holder"`
	Expires time.Time `json:"expires"`
}

func (o *Objects) ttl() time.Duration {
	if o.LeaseTTL > 0 {
		return o.LeaseTTL
	}
	return 30 * time.Second
}

func (o *Objects) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Lock implements store.Locker with a lease object shared by every process
// on every host using the bucket:
//
//   - acquire: PUT .locks/<name>.lease with If-None-Match: * (only one
//     creator wins), holding {holder, expires};
//   - an existing lease whose expiry has passed, or whose holder was a
//     process on this host that no longer exists, is taken over with a PUT
//     If-Match on the ETag read (only one taker wins);
//   - while held, the lease is renewed every third of its TTL with If-Match
//     on the ETag of the last write; a renewal that fails means another
//     process took the lease over (this one was stalled past the TTL), which
//     is logged;
//   - release: the lease is deleted if it is still ours.
//
// Within one process, callers queue on a mutex first.
func (o *Objects) Lock(ctx context.Context, name string) (func(), error) {
	if name == "" || strings.ContainsAny(name, "/") {
		return nil, fmt.Errorf("blobstore: lock name %q", name)
	}
	o.mu.Lock()
	m := o.locks[name]
	if m == nil {
		m = &sync.Mutex{}
		o.locks[name] = m
	}
	o.mu.Unlock()
	m.Lock()
	key := ".locks/" + name + ".lease"
	etag, err := o.acquire(ctx, key)
	if err != nil {
		m.Unlock()
		return nil, err
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	var cur sync.Mutex
	go func() {
		defer close(done)
		t := time.NewTicker(o.ttl() / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				cur.Lock()
				next, err := o.renew(key, etag)
				if err != nil {
					o.logger().Warn("lock lease lost or not renewed", "lock", name, "err", err)
				} else {
					etag = next
				}
				cur.Unlock()
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(stop)
			<-done
			cur.Lock()
			o.release(key, etag)
			cur.Unlock()
			m.Unlock()
		})
	}, nil
}

func (o *Objects) leaseBytes() []byte {
	b, _ := json.Marshal(lease{Holder: o.holder, Expires: time.Now().Add(o.ttl()).UTC()})
	return b
}

// acquire blocks until the lease is ours and returns its ETag.
func (o *Objects) acquire(ctx context.Context, key string) (string, error) {
	wait := 20 * time.Millisecond
	for {
		ok, err := o.WriteIfVersion(ctx, key, o.leaseBytes(), "")
		if err != nil {
			return "", fmt.Errorf("lock %s: %w", key, err)
		}
		if ok {
			return o.etagOf(ctx, key)
		}
		b, etag, err := o.ReadVersion(ctx, key)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // released meanwhile: try to create it again
		case err != nil:
			return "", fmt.Errorf("lock %s: %w", key, err)
		}
		var l lease
		if json.Unmarshal(b, &l) != nil || time.Now().After(l.Expires) || o.holderGone(l.Holder) {
			ok, err := o.WriteIfVersion(ctx, key, o.leaseBytes(), etag)
			if err != nil {
				return "", fmt.Errorf("lock %s: take over expired lease: %w", key, err)
			}
			if ok {
				o.logger().Warn("took over an expired lock lease", "lock", key, "previous", l.Holder)
				return o.etagOf(ctx, key)
			}
			continue
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("lock %s (held by %s): %w", key, l.Holder, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// holderGone reports whether a lease's holder was a process on this host
// that no longer exists (killed without releasing): its lease is taken over
// at once instead of after its expiry.
func (o *Objects) holderGone(holder string) bool {
	host, rest, ok := strings.Cut(holder, "/")
	mine, _, _ := strings.Cut(o.holder, "/")
	if !ok || host != mine {
		return false
	}
	pidText, _, _ := strings.Cut(rest, "/")
	pid, err := strconv.Atoi(pidText)
	return err == nil && pid > 0 && pid != os.Getpid() && processGone(pid)
}

// etagOf returns the ETag of the lease just written, checking it is ours.
func (o *Objects) etagOf(ctx context.Context, key string) (string, error) {
	b, etag, err := o.ReadVersion(ctx, key)
	if err != nil {
		return "", fmt.Errorf("lock %s: %w", key, err)
	}
	var l lease
	if json.Unmarshal(b, &l) != nil || l.Holder != o.holder {
		// Another process took it between our write and this read: only
		// possible when our lease had expired already, i.e. never in practice.
		return "", fmt.Errorf("lock %s: lease taken over by %s at once", key, l.Holder)
	}
	return etag, nil
}

func (o *Objects) renew(key, etag string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), o.ttl()/3)
	defer cancel()
	ok, err := o.WriteIfVersion(ctx, key, o.leaseBytes(), etag)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("lease %s changed: another process took it over", key)
	}
	_, next, err := o.ReadVersion(ctx, key)
	return next, err
}

func (o *Objects) release(key, etag string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, cur, err := o.ReadVersion(ctx, key)
	if err != nil || cur != etag {
		return // gone, or another holder's now: leave it
	}
	if err := o.b.Delete(ctx, key); err != nil && !notExist(err) {
		o.logger().Warn("release lock lease", "lock", key, "err", err)
	}
}
