// Package blobstore is the store's object-storage backend: store.Objects in
// an S3 bucket, on AWS S3 and S3-compatible servers (MinIO, Ceph, R2, ...),
// through the AWS SDK's S3 client (aws-sdk-go-v2).
//
// It is chosen by a URL, s3://bucket/prefix?endpoint=...&region=...&use_path_style=true,
// through the store's backend registry: import the package
// github.com/toaststats/toaststats/store/backends for its side effect and
// store.Open accepts such URLs. Credentials come only from the AWS SDK's
// credential chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE,
// instance roles), never from flags or the URL.
//
// The package does not import store (so the store's own test suite can run
// against it); it satisfies the store's interfaces structurally. Which of
// the store's guarantees rests on which S3 feature is documented in the
// store package ("Object storage").
//
// It used to be built on gocloud.dev/blob, which brought gRPC and
// OpenTelemetry into both programs (a tenth of their binaries, and
// milliseconds of every start) for one driver. It calls the S3 client
// directly instead, with the same URL parameters and objects under the same
// keys (the few keys gocloud would have escaped are refused).
//
// gs:// and azblob:// are refused with an error saying why: their
// preconditions (generation match, If-Match) are not implemented and tested
// here yet.
package blobstore
