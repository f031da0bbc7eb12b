package apitypes

import (
	"os/exec"
	"strings"
	"testing"
)

// A client decodes answers with apitypes without importing the server: the
// package never depends on adapters/api, its router or its metrics.
func TestApitypesDoesNotImportTheServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	server := "github.com/toaststats/toaststats/adapters/api"
	for dep := range strings.FieldsSeq(string(out)) {
		if dep == server || strings.HasPrefix(dep, "github.com/julienschmidt/httprouter") || strings.HasPrefix(dep, "github.com/prometheus/") {
			t.Errorf("package apitypes depends on %s", dep)
		}
	}
}
