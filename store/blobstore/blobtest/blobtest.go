// Package blobtest starts a real S3-compatible server (MinIO) on loopback
// for tests, like net/http/httptest does for HTTP servers.
//
// MinIO is AGPL-licensed: it is only ever run as a separate process by
// tests, never linked into or shipped with toaststats. Install it with
//
//	go install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c
//
// Tests skip (with a message saying how to install it) when the minio
// binary is not on PATH, in GOBIN or in GOPATH/bin, and fail instead when
// TOASTSTATS_REQUIRE_S3=1.
package blobtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The fixed test credentials the server is started with; Start exports them
// as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for the process.
const (
	AccessKey = "toaststats-test"
	SecretKey = "toaststats-test-secret"
	Region    = "us-east-1"
)

// Server is a running MinIO.
type Server struct {
	// Endpoint is http://127.0.0.1:<port>.
	Endpoint string
	dir      string
	cmd      *exec.Cmd
	done     chan error
	client   *s3.Client
	buckets  atomic.Int64
}

// Binary returns the path of the minio binary, or "" when there is none.
func Binary() string {
	if p, err := exec.LookPath("minio"); err == nil {
		return p
	}
	var dirs []string
	if gb := os.Getenv("GOBIN"); gb != "" {
		dirs = append(dirs, gb)
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if h, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(h, "go")
		}
	}
	for _, p := range filepath.SplitList(gopath) {
		dirs = append(dirs, filepath.Join(p, "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "minio")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

// Required reports whether TOASTSTATS_REQUIRE_S3=1 (a missing server fails
// instead of skipping).
func Required() bool { return os.Getenv("TOASTSTATS_REQUIRE_S3") == "1" }

// ErrNoMinio is returned by Start when the minio binary is not installed.
var ErrNoMinio = errors.New("blobtest: minio not installed (go install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c)")

// Start runs minio server on a random loopback port with a temporary data
// directory (under dir) and the test credentials, waits until it is ready,
// and sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION for this
// process. Stop ends it.
func Start(dir string) (*Server, error) {
	bin := Binary()
	if bin == "" {
		return nil, ErrNoMinio
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	cln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ln.Close()
		return nil, err
	}
	caddr := cln.Addr().String()
	ln.Close()
	cln.Close()
	data := filepath.Join(dir, "minio-data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "server", "--quiet", "--address", addr, "--console-address", caddr, data)
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+AccessKey, "MINIO_ROOT_PASSWORD="+SecretKey,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_CI_CD=1")
	logf, err := os.Create(filepath.Join(dir, "minio.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("blobtest: start minio: %w", err)
	}
	s := &Server{Endpoint: "http://" + addr, dir: dir, cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logf.Close() }()
	os.Setenv("AWS_ACCESS_KEY_ID", AccessKey)
	os.Setenv("AWS_SECRET_ACCESS_KEY", SecretKey)
	os.Setenv("AWS_REGION", Region)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.Endpoint + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-s.done:
			log, _ := os.ReadFile(filepath.Join(dir, "minio.log"))
			return nil, fmt.Errorf("blobtest: minio exited: %v\n%s", err, log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("blobtest: minio not ready after 60 s")
		}
	}
	if s.client, err = s.newClient(nil); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// newClient returns a new S3 client for the server; its requests go
// through transport when it is not nil.
func (s *Server) newClient(transport http.RoundTripper) (*s3.Client, error) {
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(Region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, "")))
	if err != nil {
		return nil, err
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(s.Endpoint)
		o.UsePathStyle = true
		if transport != nil {
			o.HTTPClient = &http.Client{Transport: transport}
		}
	}), nil
}

// ClientThrough returns a new S3 client for the server whose requests go
// through transport (for tests that delay or cut one client's requests:
// a stalled host, a network partition).
func (s *Server) ClientThrough(t testing.TB, transport http.RoundTripper) *s3.Client {
	t.Helper()
	c, err := s.newClient(transport)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Stop kills the server and waits for it to exit.
func (s *Server) Stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd.Process = nil
}

// Bucket creates a new empty bucket and returns its name.
func (s *Server) Bucket(ctx context.Context) (string, error) {
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := fmt.Sprintf("test-%d-%s", s.buckets.Add(1), hex.EncodeToString(rnd[:]))
	if _, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		return "", fmt.Errorf("blobtest: create bucket: %w", err)
	}
	return name, nil
}

// URL returns the s3:// URL of prefix in bucket on this server, as a user
// would write it.
func (s *Server) URL(bucket, prefix string) string {
	u := "s3://" + bucket
	if prefix = strings.Trim(prefix, "/"); prefix != "" {
		u += "/" + prefix
	}
	return u + "?endpoint=" + s.Endpoint + "&region=" + Region + "&use_path_style=true"
}

// Client returns an S3 client for the server (for tests that look at the
// bucket behind the store's back).
func (s *Server) Client() *s3.Client { return s.client }

// New starts a server for one test and stops it when the test ends. It
// skips the test when minio is not installed (fails when Required).
func New(t testing.TB) *Server {
	t.Helper()
	s, err := Start(t.TempDir())
	if errors.Is(err, ErrNoMinio) {
		if Required() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// NewBucketURL is a fresh bucket's URL on s (with a prefix, so the store
// is exercised below the bucket's top).
func (s *Server) NewBucketURL(t testing.TB) string {
	t.Helper()
	b, err := s.Bucket(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s.URL(b, "data")
}

// NewBucketBehind makes a fresh bucket as NewBucketURL does, for a test
// that puts a proxy in front of the server: proxy forwards to the server
// (keeping the signed Host header), and via is the bucket's URL with the
// given endpoint (the proxy's) in place of the server's.
func (s *Server) NewBucketBehind(t testing.TB) (proxy *httputil.ReverseProxy, via func(endpoint string) string) {
	t.Helper()
	u, err := url.Parse(s.NewBucketURL(t))
	if err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(u.Query().Get("endpoint"))
	if err != nil {
		t.Fatal(err)
	}
	return httputil.NewSingleHostReverseProxy(target), func(endpoint string) string {
		v := *u
		q := v.Query()
		q.Set("endpoint", endpoint)
		v.RawQuery = q.Encode()
		return v.String()
	}
}
