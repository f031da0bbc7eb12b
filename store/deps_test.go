package store

import (
	"os/exec"
	"strings"
	"testing"
)

// The root package's documentation promises that a reader importing store
// alone does not pull in rod (nor any network client or metrics library).
func TestStoreDoesNotImportHeavyDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, heavy := range []string{"github.com/go-rod/", "github.com/hashicorp/go-retryablehttp", "github.com/prometheus/", "github.com/schollz/progressbar", "gocloud.dev/", "github.com/aws/", "cloud.google.com/", "github.com/Azure/", "net/http"} {
			if strings.HasPrefix(dep, heavy) && (heavy != "net/http" || dep == "net/http") {
				t.Errorf("package store depends on %s", dep)
			}
		}
	}
}
