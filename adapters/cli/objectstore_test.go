package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// TestObjectStorageCommands runs the real toaststats binary against a real
// S3-compatible server (MinIO on loopback, skipped when not installed):
// migrate a data directory into a bucket, build and verify there, and
// migrate it back. These are the commands of the README's "Running on
// object storage".
func TestObjectStorageCommands(t *testing.T) {
	cli, _ := realBinaries(t)
	srv := blobtest.New(t) // exports AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
	bucket := srv.NewBucketURL(t)
	dir := fixtureDataDir(t, "2025-11-14")
	back := filepath.Join(t.TempDir(), "back")
	run := func(want int, args ...string) string {
		t.Helper()
		cmd := exec.Command(cli, args...)
		cmd.Env = append(os.Environ(), "TOASTSTATS_NOW="+snapshotTestNow, "TOASTSTATS_DATA_DIR=", "TOASTSTATS_STORE=")
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != want {
			t.Fatalf("toaststats %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
		}
		return string(out)
	}
	out := run(0, "migrate", "--from", dir, "--to", bucket)
	if !strings.Contains(out, "every file copied and verified") {
		t.Fatalf("migrate:\n%s", out)
	}
	// Again: everything is there already.
	if out := run(0, "migrate", "--from", dir, "--to", bucket, "--json"); !strings.Contains(out, `"copied": 0`) {
		t.Fatalf("second migrate copied something:\n%s", out)
	}
	run(0, "build", "--store", bucket)
	if out := run(0, "verify", "--store", bucket); !strings.Contains(out, "verdict: HEALTHY") {
		t.Fatalf("verify on the bucket:\n%s", out)
	}
	if out := run(0, "status", "--store", bucket); !strings.Contains(out, "2025-11-14") {
		t.Fatalf("status on the bucket:\n%s", out)
	}
	run(0, "migrate", "--from", bucket, "--to", back)
	if out := run(0, "verify", "--data-dir", back); !strings.Contains(out, "verdict: HEALTHY") {
		t.Fatalf("verify after migrating back:\n%s", out)
	}
	if out := run(2, "verify", "--store", "gs://bucket/data"); !strings.Contains(out, "not supported") {
		t.Fatalf("gs:// refused without saying why:\n%s", out)
	}
	if out := run(2, "status", "--store", strings.Replace(bucket, "s3://", "s3://no-such-bucket-", 1)); !strings.Contains(out, "no-such-bucket") {
		t.Fatalf("missing bucket:\n%s", out)
	}
}
