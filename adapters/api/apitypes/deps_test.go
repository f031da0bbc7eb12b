package apitypes

import (
	"os/exec"
	"strings"
	"testing"
)

// A client decodes answers with apitypes without importing the server or the
// builder: the package never depends on adapters/api, its router or its
// metrics, nor on the root package (which brings the builder, the scraper
// and rod), the scraper or an object-store SDK.
func TestApitypesDoesNotImportTheServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	forbidden := map[string]bool{
		"github.com/toaststats/toaststats":              true,
		"github.com/toaststats/toaststats/adapters/api": true,
		"github.com/toaststats/toaststats/scrape":       true,
	}
	prefixes := []string{"github.com/julienschmidt/httprouter", "github.com/prometheus/", "github.com/go-rod/", "github.com/aws/", "gocloud.dev"}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps printed %d packages: %q", len(deps), out)
	}
	for _, dep := range deps {
		bad := forbidden[dep]
		for _, p := range prefixes {
			bad = bad || strings.HasPrefix(dep, p)
		}
		if bad {
			t.Errorf("package apitypes depends on %s", dep)
		}
	}
}
