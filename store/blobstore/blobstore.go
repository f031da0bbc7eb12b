package blobstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithymiddleware "github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"golang.org/x/sync/errgroup"
)

// Objects is the store's object storage in an S3 bucket (AWS S3 or an
// S3-compatible server), under a key prefix. It implements store.Objects
// and the optional capabilities store.Statter, store.VersionStatter,
// store.ConditionalWriter, store.Copier, store.Locker and a (non-atomic)
// Rename; it deliberately does not implement store.DirSwapper, so the store
// publishes snapshots with its in-place protocol.
type Objects struct {
	client *s3.Client
	bucket string
	// prefix is "" or the key prefix with a trailing "/": every key is
	// stored as prefix+key, and listings strip it.
	prefix string
	name   string

	// LeaseTTL is how long a lock lease lasts without renewal (default 30 s).
	LeaseTTL time.Duration
	// ResponseTimeout bounds each HTTP attempt of a client Open built: how
	// long it waits for the server's response headers once its request is
	// sent, and how long one read of a response body waits for data
	// (default 60 s; negative: no bound). An attempt that stalls fails with
	// a timeout, which the SDK's retryer sends again (a body read of
	// ReadVersion, which runs after the SDK has returned, fails the read
	// instead). It does not bound a slow but progressing transfer. Open
	// sets it from the URL's response_timeout=. A client given to New is
	// used as it is: this field does not apply to it.
	ResponseTimeout time.Duration
	// Logger receives the lease's warnings (a lease lost, not renewed,
	// taken over after it expired). When nil, the logger UseLogger gave
	// (the store's: store.OpenObjects hands it over) receives them; with
	// neither they are discarded.
	Logger *slog.Logger
	// useLog is the logger UseLogger gave.
	useLog atomic.Pointer[slog.Logger]

	holder string
	// now is this host's clock (time.Now; tests skew it).
	now   func() time.Time
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

// Schemes that are refused, with the reason.
var refused = map[string]string{
	"gs":     "gs:// (Google Cloud Storage) is not supported yet: the store's pointer and lease need generation preconditions (ifGenerationMatch), which this backend has not implemented and tested; use s3:// (GCS offers an S3-compatible XML API) or a local path",
	"azblob": "azblob:// (Azure Blob Storage) is not supported yet: the store's pointer and lease need If-Match conditional writes, which this backend has not implemented and tested against Azure; use s3:// or a local path",
}

// params are the query parameters Open understands: the ones the
// gocloud.dev/blob URL opener this backend used to be built on took for
// these purposes, with the same meaning. Any other parameter is refused, so
// that a typo is not silently ignored.
var params = []string{"endpoint", "region", "use_path_style", "disable_https", "profile", "anonymous", "prefix", "response_timeout"}

// Open opens the bucket a URL names:
//
//	s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1&use_path_style=true
//
// The path, joined with the prefix= parameter if any, is the key prefix the
// data directory lives under. The other query parameters:
//
//   - endpoint: the server's base URL (an S3-compatible server); AWS's
//     endpoint for the region otherwise. With it, uploads carry a checksum
//     only where the operation requires one (many S3-compatible servers
//     refuse the SDK's default trailing CRC32 over HTTPS), unless
//     AWS_REQUEST_CHECKSUM_CALCULATION says otherwise;
//   - region: the signing region; the AWS environment's (AWS_REGION,
//     AWS_DEFAULT_REGION) when absent, us-east-1 when neither gives one;
//   - use_path_style=true: bucket in the path (http://host/bucket/key), as
//     most S3-compatible servers want, instead of bucket.host;
//   - disable_https=true: plain HTTP to AWS's endpoints;
//   - profile: the shared configuration profile (~/.aws/config) to use;
//   - anonymous=true: unsigned requests (a public bucket);
//   - response_timeout: Objects.ResponseTimeout as a Go duration ("90s",
//     "2m"; default 60s), how long each HTTP attempt waits on a silent
//     server before it is retried; 0 waits for ever.
//
// Any other parameter is an error. Credentials come from the AWS SDK's
// usual chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE,
// the shared files, instance roles), never from the URL. The bucket must
// exist and be reachable (one HEAD).
func Open(ctx context.Context, rawURL string) (*Objects, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("blobstore: parse %q: %w", redact(rawURL), err)
	}
	if why, ok := refused[u.Scheme]; ok {
		return nil, fmt.Errorf("blobstore: %s", why)
	}
	if u.Scheme != "s3" {
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
	}
	if prefix != "" && (path.Clean(prefix) != prefix || !verbatim(prefix+"/")) {
		return nil, fmt.Errorf("blobstore: bad prefix %q in %q", prefix, redact(rawURL))
	}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains(params, name) {
			return nil, fmt.Errorf("blobstore: unknown query parameter %q in %q (known: %s)", name, redact(rawURL), strings.Join(params, ", "))
		}
	}
	var flags [3]bool
	for i, name := range []string{"use_path_style", "disable_https", "anonymous"} {
		if v := q.Get(name); v != "" {
			if flags[i], err = strconv.ParseBool(v); err != nil {
				return nil, fmt.Errorf("blobstore: invalid value for %q in %q: %w", name, redact(rawURL), err)
			}
		}
	}
	usePathStyle, disableHTTPS, anonymous := flags[0], flags[1], flags[2]
	var responseTimeout time.Duration
	if v := q.Get("response_timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("blobstore: invalid value for \"response_timeout\" in %q: %q is not a duration such as 90s or 2m (0: no bound)", redact(rawURL), v)
		}
		responseTimeout = d
		if d == 0 {
			responseTimeout = -1 // Objects' "no bound"
		}
	}

	region := q.Get("region")
	if region == "" && os.Getenv("AWS_REGION") == "" && os.Getenv("AWS_DEFAULT_REGION") == "" {
		region = "us-east-1" // what S3-compatible servers accept; AWS redirects otherwise
	}
	opts := []func(*config.LoadOptions) error{
		// Retries are not rationed. The SDK's default retryer draws on a
		// token bucket and, once about a hundred retries have emptied it,
		// fails requests without retrying ("retry quota exceeded"): a
		// flaky link under the store's 16 parallel requests can get there.
		// gocloud.dev, which this backend used to be built on, turned it
		// off too.
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.RateLimiter = ratelimit.None })
		}),
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	endpoint := q.Get("endpoint")
	if endpoint != "" && os.Getenv("AWS_REQUEST_CHECKSUM_CALCULATION") == "" {
		// A server other than AWS: uploads without the SDK's default
		// CRC32 (which, over HTTPS, turns every PUT into an aws-chunked
		// body with a trailing checksum, STREAMING-UNSIGNED-PAYLOAD-TRAILER,
		// that many S3-compatible servers refuse: GCS's XML API, gateways,
		// older Ceph). Every read is checked against the store's own
		// checksums anyway. AWS_REQUEST_CHECKSUM_CALCULATION overrides it.
		opts = append(opts, config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired))
	}
	if p := q.Get("profile"); p != "" {
		opts = append(opts, config.WithSharedConfigProfile(p))
	}
	if anonymous {
		opts = append(opts, config.WithCredentialsProvider(aws.AnonymousCredentials{}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("blobstore: open %s: %w", redact(rawURL), err)
	}
	// The SDK's HTTP client as the SDK resolved it (transport defaults,
	// AWS_CA_BUNDLE, ...), with a bound on every attempt's wait for an
	// answer: S3's default has none (the SDK exempts S3 from its read
	// timeouts), so a server or middlebox that accepts a request and never
	// answers would block the call, and the store's lock, for ever.
	bounded := &boundedClient{}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		bounded.next = o.HTTPClient
		o.HTTPClient = bounded
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.UsePathStyle = usePathStyle
		o.EndpointOptions.DisableHTTPS = disableHTTPS
		// Objects stored without an S3 checksum (written without one, or
		// before servers kept them) are read as they are, without the
		// SDK logging so on stderr at every GET: the store checks every
		// read against its own checksums.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	objs := New(client, u.Host, prefix, redact(rawURL))
	objs.ResponseTimeout = responseTimeout
	bounded.timeout = objs.responseTimeout
	if _, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(u.Host)}); err != nil {
		return nil, fmt.Errorf("blobstore: bucket %q at %s: %w", u.Host, redact(rawURL), bucketError(err, cfg.Region))
	}
	return objs, nil
}

// bucketError says in words why the bucket could not be reached, for the
// answers to Open's HEAD whose own text names no cause (a HEAD's answer has
// no body, so the SDK can only print its status):
//
//   - 404: no such bucket;
//   - any answer naming the bucket's region (x-amz-bucket-region) other than
//     the one requests were signed for: AWS answers 301 (or 400) to a bucket
//     of another region addressed through this one;
//   - 403: the credentials may not list the bucket (HEAD on a bucket needs
//     s3:ListBucket, which the store needs anyway: without it S3 answers a
//     read of a missing key with 403 instead of 404).
//
// Other errors are returned as they are. The SDK's error stays wrapped.
func bucketError(err error, region string) error {
	if notExist(err) {
		return errors.New("no such bucket")
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		if r := re.Response.Header.Get("X-Amz-Bucket-Region"); r != "" && r != region {
			return fmt.Errorf("the bucket is in region %s, not %s: add region=%s to the URL (or set AWS_REGION=%s) (%w)", r, region, r, r, err)
		}
	}
	if _, status := s3Error(err); status == http.StatusForbidden {
		return fmt.Errorf("access denied: the credentials in use (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or profile=, an instance role) may not list this bucket; the store needs s3:ListBucket on it, and s3:GetObject, s3:PutObject and s3:DeleteObject on its keys (%w)", err)
	}
	return err
}

// defaultResponseTimeout is ResponseTimeout's default. S3 answers within
// milliseconds, a second or two at worst (a PUT's answer waits on the
// write being durable; a small copy on the copy): a minute of silence is a
// stalled request, not a slow one, and costs a retry at most once a minute.
// The bound starts once the request is sent, so a slow upload of the store's
// largest objects (~15 MB) does not count against it.
const defaultResponseTimeout = 60 * time.Second

func (o *Objects) responseTimeout() time.Duration {
	switch {
	case o.ResponseTimeout > 0:
		return o.ResponseTimeout
	case o.ResponseTimeout < 0:
		return 0
	}
	return defaultResponseTimeout
}

// boundedClient is the S3 client's HTTP client: the SDK's, with every
// attempt bounded by timeout() (0: unbounded) while it waits on the server:
// for the response headers once the request is written, and for each read
// of the response body. A stalled attempt fails with a *stallError, a
// timeout the SDK's standard retryer retries (as it does a connection
// error: the request may have been applied, which writeIfVersion handles
// for conditional PUTs).
type boundedClient struct {
	next interface {
		Do(*http.Request) (*http.Response, error)
	}
	timeout func() time.Duration
}

func (c *boundedClient) Do(req *http.Request) (*http.Response, error) {
	d := c.timeout()
	if d <= 0 {
		return c.next.Do(req)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	w := &watchdog{d: d, cancel: cancel}
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { w.arm("response headers") }}
	resp, err := c.next.Do(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
	w.disarm(true)
	if err != nil {
		if se := stalled(ctx); se != nil {
			err = se
		}
		cancel(err)
		return nil, err
	}
	resp.Body = &watchedBody{ReadCloser: resp.Body, ctx: ctx, w: w}
	return resp, nil
}

// watchdog cancels an attempt's context with a *stallError when armed for
// longer than d.
type watchdog struct {
	d      time.Duration
	cancel context.CancelCauseFunc

	mu      sync.Mutex
	timer   *time.Timer
	headers bool // the response headers came: arm only for body reads
}

// arm starts the clock for what the attempt waits on.
func (w *watchdog) arm(what string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.headers && what == "response headers" {
		return // a late WroteRequest: the answer is in already
	}
	if w.timer != nil {
		w.timer.Stop()
	}
	err := &stallError{what: what, after: w.d}
	w.timer = time.AfterFunc(w.d, func() { w.cancel(err) })
}

// disarm stops the clock; headers marks the response headers as come.
func (w *watchdog) disarm(headers bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	w.headers = w.headers || headers
}

// stalled returns the *stallError ctx was cancelled with, if it was.
func stalled(ctx context.Context) *stallError {
	var se *stallError
	if errors.As(context.Cause(ctx), &se) {
		return se
	}
	return nil
}

// watchedBody is a response body whose reads the watchdog bounds; closing
// it releases the attempt's context.
type watchedBody struct {
	io.ReadCloser
	ctx context.Context
	w   *watchdog
}

func (b *watchedBody) Read(p []byte) (int, error) {
	b.w.arm("response body data")
	n, err := b.ReadCloser.Read(p)
	b.w.disarm(false)
	if err != nil && err != io.EOF {
		if se := stalled(b.ctx); se != nil {
			err = se
		}
	}
	return n, err
}

func (b *watchedBody) Close() error {
	err := b.ReadCloser.Close()
	b.w.cancel(context.Canceled)
	return err
}

// stallError is an HTTP attempt that waited longer than ResponseTimeout on
// the server.
type stallError struct {
	what  string
	after time.Duration
}

func (e *stallError) Error() string {
	return fmt.Sprintf("timeout: no %s from the server within %v", e.what, e.after)
}

// Timeout and Temporary make the SDK's retryer retry the attempt.
func (e *stallError) Timeout() bool   { return true }
func (e *stallError) Temporary() bool { return true }

// redact drops any user info from a URL for messages.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	return raw
}

// New returns the objects under prefix ("" for the whole bucket; a
// "/"-separated path, stored as prefix+"/"+key) in bucket, through client;
// name is what error messages call them.
func New(client *s3.Client, bucket, prefix, name string) *Objects {
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	host, _ := os.Hostname()
	if prefix = strings.Trim(prefix, "/"); prefix != "" {
		prefix += "/"
	}
	return &Objects{client: client, bucket: bucket, prefix: prefix, name: name, holder: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(rnd[:])), now: time.Now, locks: map[string]*sync.Mutex{}}
}

// Client returns the S3 client the objects are accessed through.
func (o *Objects) Client() *s3.Client { return o.client }

// String returns the URL the objects were opened from (without secrets).
func (o *Objects) String() string { return o.name }

// Close does nothing: the S3 client holds nothing that needs releasing. It
// is there for callers that close what they open.
func (o *Objects) Close() error { return nil }

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
	stored := k // as the backend stores it: a folder is a prefix ending in "/"
	if folder {
		stored += "/"
	}
	if k == "" || strings.HasPrefix(k, "/") || path.Clean(k) != k || k == ".." || strings.HasPrefix(k, "../") || !verbatim(stored) {
		return "", fmt.Errorf("blobstore: invalid key %q", key)
	}
	return k, nil
}

// verbatim reports whether gocloud.dev/blob, which this backend used to be
// built on, stored key under its own name. It escaped control characters,
// the "/" after "..", and text that looks like its escapes ("__0x2f__"),
// and refused invalid UTF-8. Such keys are refused here (the store never
// builds them), so that every key names the object it always did in
// buckets written before.
func verbatim(key string) bool {
	return utf8.ValidString(key) && !strings.Contains(key, "../") && !strings.Contains(key, "__0x") &&
		!strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 })
}

// key is the object key of a (checked) store key.
func (o *Objects) key(k string) *string { return aws.String(o.prefix + k) }

// s3Error returns the S3 error code ("NoSuchKey", ...) and the HTTP status
// of a failed request: "" and 0 when the error did not come from the server.
func s3Error(err error) (code string, status int) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

// notExist reports whether err says the object (or the bucket) does not
// exist. A HEAD's 404 has no body, hence no error code: its status tells.
func notExist(err error) bool {
	code, status := s3Error(err)
	return code == "NoSuchKey" || code == "NotFound" || code == "NoSuchBucket" || status == http.StatusNotFound
}

// Read implements store.Objects.
func (o *Objects) Read(ctx context.Context, key string) ([]byte, error) {
	b, _, err := o.ReadVersion(ctx, key)
	return b, err
}

// ReadVersion implements store.ConditionalWriter: the bytes and the ETag
// of one GET. A GET whose body fails part-way (it stalls beyond
// ResponseTimeout, or the connection breaks) is sent again, up to the
// client's retryer's attempts in all: the SDK retries a request until its
// answer's headers arrive, not while its caller reads the body.
func (o *Objects) ReadVersion(ctx context.Context, key string) ([]byte, string, error) {
	k, err := checkKey(key, false)
	if err != nil {
		return nil, "", err
	}
	attempts := 1
	if r := o.client.Options().Retryer; r != nil {
		attempts = max(1, r.MaxAttempts())
	}
	for attempt := 1; ; attempt++ {
		b, etag, inBody, err := o.get(ctx, k)
		if err == nil {
			return b, etag, nil
		}
		if notExist(err) {
			return nil, "", fmt.Errorf("read %s: %w", key, fs.ErrNotExist)
		}
		if !inBody || attempt >= attempts || ctx.Err() != nil {
			return nil, "", fmt.Errorf("read %s: %w", key, err)
		}
		o.logger().Warn("read of an object's body failed; sending the GET again", "key", key, "attempt", attempt, "err", err)
	}
}

// get is one GET of the (checked) key k: its bytes and ETag, or its error
// and whether that came while reading the body (after the SDK's retries).
func (o *Objects) get(ctx context.Context, k string) (b []byte, etag string, inBody bool, err error) {
	out, err := o.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &o.bucket, Key: o.key(k)})
	if err != nil {
		return nil, "", false, err
	}
	defer out.Body.Close()
	// The body is read into a buffer of its announced size, plus the room
	// bytes.Buffer wants free before the read that meets the end: one
	// allocation. It is read to its end, where the SDK checks its checksum.
	n := max(0, min(aws.ToInt64(out.ContentLength), 1<<30))
	buf := bytes.NewBuffer(make([]byte, 0, n+bytes.MinRead))
	if _, err := buf.ReadFrom(out.Body); err != nil {
		return nil, "", true, err
	}
	return buf.Bytes(), aws.ToString(out.ETag), false, nil
}

// Write implements store.Objects: one PUT, which S3 applies atomically (a
// reader sees the whole old object or the whole new one).
func (o *Objects) Write(ctx context.Context, key string, data []byte) error {
	k, err := checkKey(key, false)
	if err != nil {
		return err
	}
	if _, err := o.client.PutObject(ctx, o.put(k, data)); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// put is the PUT of data at the (checked) key k.
func (o *Objects) put(k string, data []byte) *s3.PutObjectInput {
	return &s3.PutObjectInput{
		Bucket:        &o.bucket,
		Key:           o.key(k),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
		ContentType:   aws.String(contentType(k)),
	}
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
//
// Two answers of AWS S3 that MinIO does not give are handled here:
//
//   - 409 ConditionalRequestConflict (a concurrent operation on the key,
//     such as a DELETE, got in the way): nothing was written and nobody is
//     known to have won, so the PUT is sent again, as AWS documents, a few
//     times; a server that keeps answering 409 is an error;
//   - a PUT the SDK sent more than once (the first one's answer was a 5xx
//     or was lost with the connection, although the server may have
//     applied it) whose precondition then fails: the object is read back,
//     and holding exactly the bytes written it is reported written, with
//     the version read. (Another writer of the very same bytes at the same
//     moment cannot be told apart; callers write bytes of their own: a
//     lease names its holder, a record its time.)
func (o *Objects) WriteIfVersion(ctx context.Context, key string, data []byte, version string) (bool, error) {
	_, ok, err := o.writeIfVersion(ctx, key, data, version)
	return ok, err
}

// conflictAttempts bounds the PUTs of one conditional write that S3
// answers with 409 ConditionalRequestConflict.
const conflictAttempts = 6

// writeIfVersion is WriteIfVersion, with the written object's ETag ("" when
// the server's answer gave none).
func (o *Objects) writeIfVersion(ctx context.Context, key string, data []byte, version string) (string, bool, error) {
	k, err := checkKey(key, false)
	if err != nil {
		return "", false, err
	}
	attempts := 0 // HTTP requests sent, over every PUT below
	count := func(so *s3.Options) { so.APIOptions = append(so.APIOptions, countAttempts(&attempts)) }
	wait := 20 * time.Millisecond
	for try := 1; ; try++ {
		in := o.put(k, data)
		if version == "" {
			in.IfNoneMatch = aws.String("*")
		} else {
			in.IfMatch = aws.String(version)
		}
		out, err := o.client.PutObject(ctx, in, count)
		if err == nil {
			return aws.ToString(out.ETag), true, nil
		}
		code, status := s3Error(err)
		switch {
		case code == "PreconditionFailed", status == http.StatusPreconditionFailed, version != "" && notExist(err):
			if attempts > 1 {
				// An earlier request may have written the object.
				if b, etag, rerr := o.ReadVersion(ctx, key); rerr == nil && bytes.Equal(b, data) {
					return etag, true, nil
				}
			}
			return "", false, nil
		case (code == "ConditionalRequestConflict" || code == "" && status == http.StatusConflict) && try < conflictAttempts:
			select {
			case <-ctx.Done():
				return "", false, fmt.Errorf("write %s: %w", key, err)
			case <-time.After(wait):
			}
			wait *= 2
			continue
		}
		return "", false, fmt.Errorf("write %s: %w", key, err)
	}
}

// countAttempts counts, in *n, the HTTP requests of an operation (the
// SDK's retries included).
func countAttempts(n *int) func(*smithymiddleware.Stack) error {
	return func(stack *smithymiddleware.Stack) error {
		return stack.Finalize.Insert(smithymiddleware.FinalizeMiddlewareFunc("toaststats:countAttempts",
			func(ctx context.Context, in smithymiddleware.FinalizeInput, next smithymiddleware.FinalizeHandler) (smithymiddleware.FinalizeOutput, smithymiddleware.Metadata, error) {
				*n++
				return next.HandleFinalize(ctx, in)
			}), "Retry", smithymiddleware.After)
	}
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
	out, err := o.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &o.bucket, Key: o.key(k)})
	if err != nil {
		if notExist(err) {
			return 0, time.Time{}, "", fmt.Errorf("stat %s: %w", key, fs.ErrNotExist)
		}
		return 0, time.Time{}, "", fmt.Errorf("stat %s: %w", key, err)
	}
	return aws.ToInt64(out.ContentLength), aws.ToTime(out.LastModified), aws.ToString(out.ETag), nil
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
	var out []string
	err = o.list(ctx, k, "/", func(key string) {
		if key != k { // a folder marker object some tools create
			out = append(out, key)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	slices.Sort(out)
	return out, nil
}

// listAll lists every object under the folder prefix (recursively).
func (o *Objects) listAll(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	if err := o.list(ctx, prefix, "", func(key string) { out = append(out, key) }); err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	return out, nil
}

// list calls f with the key (o.prefix stripped) of every object and, when
// delimiter is not "", every common prefix under prefix, page after page
// (a ListObjectsV2 returns at most 1,000 keys).
func (o *Objects) list(ctx context.Context, prefix, delimiter string, f func(key string)) error {
	in := &s3.ListObjectsV2Input{Bucket: &o.bucket, Prefix: o.key(prefix)}
	if delimiter != "" {
		in.Delimiter = aws.String(delimiter)
	}
	for p := s3.NewListObjectsV2Paginator(o.client, in); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, obj := range page.Contents {
			f(strings.TrimPrefix(aws.ToString(obj.Key), o.prefix))
		}
		for _, cp := range page.CommonPrefixes {
			f(strings.TrimPrefix(aws.ToString(cp.Prefix), o.prefix))
		}
	}
	return nil
}

// deleteObject deletes the object at the (checked) key k; a missing one is
// not an error (S3 answers a DELETE of it with success anyway).
func (o *Objects) deleteObject(ctx context.Context, k string) error {
	if _, err := o.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &o.bucket, Key: o.key(k)}); err != nil && !notExist(err) {
		return err
	}
	return nil
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
		if err := o.deleteObject(ctx, k); err != nil {
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
			if err := o.deleteObject(gctx, key); err != nil {
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
	_, err = o.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &o.bucket, Key: o.key(t), CopySource: aws.String(copySource(o.bucket, o.prefix+f))})
	if err != nil {
		if notExist(err) {
			return fmt.Errorf("copy %s: %w", from, fs.ErrNotExist)
		}
		return fmt.Errorf("copy %s to %s: %w", from, to, err)
	}
	return nil
}

// copySource is CopyObject's x-amz-copy-source, "bucket/key", which the
// server URL-decodes: each segment is escaped as a URL path segment, and
// '+' too (url.PathEscape keeps it; decoded as a form value it would be a
// space).
func copySource(bucket, key string) string {
	segs := strings.Split(bucket+"/"+key, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
	}
	return strings.Join(segs, "/")
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
	// A key deleted since the listing (by a request a crashed writer had
	// already sent, say) is skipped: it is gone from the source either way.
	var copied atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for _, k := range keys {
		g.Go(func() error {
			err := o.Copy(gctx, k, t+"/"+strings.TrimPrefix(k, f+"/"))
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err == nil {
				copied.Add(1)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := o.Delete(ctx, f+"/"); err != nil {
		return err
	}
	if copied.Load() == 0 {
		return fmt.Errorf("rename %s: %w", from, fs.ErrNotExist)
	}
	return nil
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
	Holder string `json:"holder"`
	// Expires is the holder's clock's idea of the expiry, for people
	// reading the object; other hosts judge expiry by TTLMillis instead.
	Expires time.Time `json:"expires"`
	// TTLMillis is the lease's time to live: it has expired once the
	// storage server's clock is that long past the object's last write.
	// Leases written before it was recorded have none (Expires is used).
	TTLMillis int64 `json:"ttlMs,omitempty"`
}

func (o *Objects) ttl() time.Duration {
	if o.LeaseTTL > 0 {
		return o.LeaseTTL
	}
	return 30 * time.Second
}

// UseLogger implements store.Logging: l receives the lease's warnings
// unless Logger is set. The store calls it with its own logger when it is
// opened over o, so the warnings reach the program's log.
func (o *Objects) UseLogger(l *slog.Logger) { o.useLog.Store(l) }

func (o *Objects) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	if l := o.useLog.Load(); l != nil {
		return l
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Lock implements store.Locker with a lease object shared by every process
// on every host using the bucket:
//
//   - acquire: PUT .locks/<name>.lease with If-None-Match: * (only one
//     creator wins), holding {holder, expires};
//   - an existing lease that has expired (not renewed for its TTL, judged
//     on the storage server's clock: the response's Date against the
//     object's Last-Modified, so hosts with skewed clocks agree), or whose
//     holder was a process on this host that no longer exists, is taken
//     over with a PUT If-Match on the ETag read (only one taker wins);
//   - while held, the lease is renewed every third of its TTL with If-Match
//     on the ETag of the last write (sooner again after a failed renewal);
//   - the lease is lost when a renewal finds it taken over (the object no
//     longer has our ETag and names another holder), or when no renewal
//     has succeeded for a whole TTL since the last successful one was sent:
//     from then on another process may take it over. Lock's caller is not
//     told (see LockLease); the loss is logged;
//   - release: the lease is deleted if it is still ours.
//
// Within one process, callers queue on a mutex first.
func (o *Objects) Lock(ctx context.Context, name string) (func(), error) {
	_, _, unlock, err := o.LockLease(ctx, name)
	return unlock, err
}

// LockLease implements store.LeaseLocker: it takes the lease as Lock does
// and also returns
//
//   - held, a context derived from ctx that is cancelled once the lease is
//     known lost, with a cause (context.Cause) saying how: requests made
//     with it stop then, so a writer that lost the lease stops writing;
//   - confirm, which renews the lease now (If-Match on its ETag), retrying
//     transient failures, and returns nil only when that renewal succeeded:
//     nobody else has taken the lease, and it is ours for another TTL. It
//     returns the loss (and cancels held) when the lease was taken over or
//     could not be renewed before a whole TTL had passed since the last
//     renewal, or ctx's error when ctx ends first. Callers confirm the
//     lease right before a write that must not land once another process
//     may hold it.
//
// unlock stops the renewals, cancels held and deletes the lease if it is
// still ours.
func (o *Objects) LockLease(ctx context.Context, name string) (held context.Context, confirm func(context.Context) error, unlock func(), err error) {
	if name == "" || strings.ContainsAny(name, "/") {
		return nil, nil, nil, fmt.Errorf("blobstore: lock name %q", name)
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
	etag, sent, err := o.acquire(ctx, key)
	if err != nil {
		m.Unlock()
		return nil, nil, nil, err
	}
	held, cancel := context.WithCancelCause(ctx)
	l := &heldLease{o: o, key: key, etag: etag, validUntil: sent.Add(o.ttl()), cancel: cancel}
	// The renewals' context: unlock ends one in flight at once.
	rctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.renewLoop(rctx)
	}()
	var once sync.Once
	return held, l.confirm, func() {
		once.Do(func() {
			stop()
			<-done
			cancel(context.Canceled)
			l.mu.Lock()
			if l.lost == nil {
				o.release(key, l.etag)
			}
			l.mu.Unlock()
			m.Unlock()
		})
	}, nil
}

// heldLease is a lease this process holds (LockLease).
type heldLease struct {
	o      *Objects
	key    string
	cancel context.CancelCauseFunc // cancels LockLease's held context

	// mu serialises the renewals (background and confirm) and guards the
	// fields below.
	mu sync.Mutex
	// etag is the ETag of our last write of the lease object.
	etag string
	// validUntil is when another process may take the lease over at the
	// earliest: a TTL after our last successful write was sent (the
	// server's Last-Modified of that write is later than its sending, and
	// takers wait until the server's clock is more than a TTL past it).
	validUntil time.Time
	// lost, once set, is why the lease is no longer ours.
	lost error
}

// renewLoop renews the lease every third of its TTL until ctx ends or the
// lease is lost; after a failed renewal it tries again sooner.
func (l *heldLease) renewLoop(ctx context.Context) {
	ttl := l.o.ttl()
	wait := ttl / 3
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		err := l.renew(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err == nil:
			wait = ttl / 3
		case l.isLost():
			l.o.logger().Warn("lock lease lost", "lock", l.key, "err", err)
			return
		default:
			l.o.logger().Warn("lock lease not renewed; retrying", "lock", l.key, "err", err)
			wait = max(ttl/10, 10*time.Millisecond)
		}
	}
}

func (l *heldLease) isLost() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost != nil
}

// confirm renews the lease now, retrying failures that do not lose it
// (see LockLease).
func (l *heldLease) confirm(ctx context.Context) error {
	wait := 10 * time.Millisecond
	for {
		err := l.renew(ctx)
		if err == nil || l.isLost() {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, l.o.ttl()/10)
	}
}

// renew writes the lease once, with If-Match on our last ETag. An error
// that leaves the lease ours for now (a failed request before validUntil)
// is returned as it is; a loss is recorded in l.lost, cancels the held
// context and is returned.
func (l *heldLease) renew(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lost != nil {
		return l.lost
	}
	o := l.o
	ttl := o.ttl()
	sent := o.now()
	// One attempt lasts a third of the TTL at most, and not past the point
	// where the lease may be taken over (a renewal started later may
	// still succeed: If-Match proves nobody took it).
	deadline := sent.Add(ttl / 3)
	if sent.Before(l.validUntil) && l.validUntil.Before(deadline) {
		deadline = l.validUntil
	}
	actx, cancel := context.WithTimeout(ctx, deadline.Sub(sent))
	defer cancel()
	etag, ok, err := o.writeLease(actx, l.key, l.etag)
	if err == nil && !ok {
		// Not our ETag any more: taken over, or our own earlier write
		// landed although its answer never came.
		cur, curTag, _, rerr := o.readLease(actx, l.key)
		switch {
		case rerr == nil && cur.Holder == o.holder:
			l.etag = curTag
			etag, ok, err = o.writeLease(actx, l.key, l.etag)
			if err == nil && !ok {
				return l.lose(fmt.Errorf("lock lease %s changed while renewing it: another process took it over", l.key))
			}
		case rerr == nil:
			return l.lose(fmt.Errorf("lock lease %s was taken over by %s", l.key, cur.Holder))
		case errors.Is(rerr, fs.ErrNotExist):
			return l.lose(fmt.Errorf("lock lease %s was deleted: another process took it over and released it", l.key))
		default:
			err = rerr
		}
	}
	if err == nil && ok {
		l.etag, l.validUntil = etag, sent.Add(ttl)
		return nil
	}
	if ctx.Err() == nil && !o.now().Before(l.validUntil) {
		return l.lose(fmt.Errorf("lock lease %s not renewed within its TTL of %v (last attempt: %v): another process may have taken it over", l.key, ttl, err))
	}
	return fmt.Errorf("renew lock lease %s: %w", l.key, err)
}

// lose records why the lease is lost and cancels the held context with
// it. The caller holds l.mu.
func (l *heldLease) lose(err error) error {
	l.lost = err
	l.cancel(err)
	return err
}

func (o *Objects) leaseBytes() []byte {
	b, _ := json.Marshal(lease{Holder: o.holder, Expires: o.now().Add(o.ttl()).UTC(), TTLMillis: o.ttl().Milliseconds()})
	return b
}

// acquire blocks until the lease is ours and returns its ETag and when
// the write that made it ours was sent (this host's clock).
func (o *Objects) acquire(ctx context.Context, key string) (string, time.Time, error) {
	wait := 20 * time.Millisecond
	for {
		sent := o.now()
		etag, ok, err := o.writeLease(ctx, key, "")
		if err != nil {
			return "", sent, fmt.Errorf("lock %s: %w", key, err)
		}
		if ok {
			return etag, sent, nil
		}
		l, etag, expired, err := o.readLease(ctx, key)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // released meanwhile: try to create it again
		case err != nil:
			return "", sent, fmt.Errorf("lock %s: %w", key, err)
		}
		if expired || o.holderGone(l.Holder) {
			// Say which: a lease taken over before its expiry because its
			// holder exited on this host (killed, crashed) is no expired one.
			why := "expired"
			if !expired {
				why = "of a process on this host that has exited"
			}
			sent = o.now()
			etag, ok, err := o.writeLease(ctx, key, etag)
			if err != nil {
				return "", sent, fmt.Errorf("lock %s: take over the lease %s: %w", key, why, err)
			}
			if ok {
				if expired {
					o.logger().Warn("took over an expired lock lease", "lock", key, "previous", l.Holder)
				} else {
					o.logger().Warn("took over the lock lease of a process on this host that has exited", "lock", key, "previous", l.Holder)
				}
				return etag, sent, nil
			}
			continue
		}
		select {
		case <-ctx.Done():
			return "", sent, fmt.Errorf("lock %s (held by %s): %w", key, l.Holder, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// readLease reads the lease object and tells whether it has expired. The
// expiry is judged on the storage server's clock: the time of the
// response (its Date header) against the object's last write, both the
// server's, so hosts whose clocks disagree agree on it. A lease written
// by an older version (no TTL recorded), or a server that sends no Date,
// falls back to the holder's Expires against this host's clock.
func (o *Objects) readLease(ctx context.Context, key string) (l lease, etag string, expired bool, err error) {
	k, err := checkKey(key, false)
	if err != nil {
		return l, "", false, err
	}
	out, err := o.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &o.bucket, Key: o.key(k)})
	if err != nil {
		if notExist(err) {
			return l, "", false, fmt.Errorf("read %s: %w", key, fs.ErrNotExist)
		}
		return l, "", false, fmt.Errorf("read %s: %w", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return l, "", false, fmt.Errorf("read %s: %w", key, err)
	}
	etag = aws.ToString(out.ETag)
	if json.Unmarshal(b, &l) != nil {
		return l, etag, true, nil // not a lease: take it over
	}
	serverNow, ok := awsmiddleware.GetServerTime(out.ResultMetadata)
	if l.TTLMillis > 0 && ok && out.LastModified != nil {
		// Both times have one-second resolution: a second more.
		age := serverNow.Sub(*out.LastModified)
		return l, etag, age > time.Duration(l.TTLMillis)*time.Millisecond+time.Second, nil
	}
	return l, etag, o.now().After(l.Expires), nil
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

// writeLease writes our lease with If-Match on etag (If-None-Match: * when
// etag is ""), returning the ETag of the write: false, with no error, when
// the precondition failed. A server whose PUT answers carry no ETag has
// it read back, checking the lease is ours.
func (o *Objects) writeLease(ctx context.Context, key, etag string) (string, bool, error) {
	t, ok, err := o.writeIfVersion(ctx, key, o.leaseBytes(), etag)
	if err != nil || !ok {
		return "", ok, err
	}
	if t != "" {
		return t, true, nil
	}
	t, err = o.etagOf(ctx, key)
	return t, err == nil, err
}

func (o *Objects) release(key, etag string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, cur, err := o.ReadVersion(ctx, key)
	if err != nil || cur != etag {
		return // gone, or another holder's now: leave it
	}
	if err := o.deleteObject(ctx, key); err != nil {
		o.logger().Warn("release lock lease", "lock", key, "err", err)
	}
}
