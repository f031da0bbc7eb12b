package toaststats_test

import (
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

// module is the import path of this module.
const module = "github.com/toaststats/toaststats"

// importRules is design.md §3's table ("which package owns what, and what may
// import what") as data: for every package of the module, the packages of
// the module it may import directly, as paths relative to the module ("" is
// the root package toaststats). A name ending in "/..." allows every package
// below it; "*" allows anything. A package missing here fails
// TestImportRules: classify it here and in design.md when you add it.
//
// The arrows point down: snapshot imports nothing of ours, no core package
// imports the root or an adapter, and examples import only public packages.
var importRules = map[string][]string{
	// The data model and the packages over it.
	"snapshot":  {},
	"normalize": {"snapshot"},
	"validate":  {"snapshot"},
	"ranking":   {"snapshot"},
	"analytics": {"snapshot"},
	"jobs":      {"snapshot"},
	"store":     {"snapshot", "internal/..."},
	// Object-store backends sit behind store.Objects in their own subpackages.
	"store/blobstore":          {"store", "snapshot"},
	"store/blobstore/blobtest": {"store", "store/blobstore", "snapshot"},
	"store/backends":           {"store", "store/blobstore"},
	// design.md lists store and normalize (footer and header checks only);
	// the data model (snapshot) is below both.
	"scrape":               {"store", "normalize", "snapshot"},
	"scrape/dashboardtest": {"normalize", "snapshot"},
	// Library features of their own (design.md §3, "newer capabilities").
	"assess":    {"analytics", "snapshot", "store"},
	"readcheck": {"store", "snapshot"},
	// Truly private helpers.
	"internal/...": {"internal/...", "snapshot"},

	// The front door: every core package, never an adapter.
	"": {"snapshot", "normalize", "validate", "ranking", "analytics", "jobs", "store", "store/...", "scrape", "assess", "readcheck", "internal/..."},

	// Importable adapters: the API as an http.Handler and its pieces.
	"adapters/httpkit":             {"internal/..."},
	"adapters/httpkit/httpmetrics": {"adapters/httpkit"},
	"adapters/api/apitypes":        {"snapshot", "analytics", "assess", "jobs", "readcheck", "store"},
	"adapters/pages":               {"", "snapshot", "analytics", "store", "assess"},
	"adapters/api":                 {"", "snapshot", "normalize", "validate", "ranking", "analytics", "jobs", "store", "assess", "readcheck", "internal/...", "adapters/httpkit", "adapters/pages", "adapters/api/apitypes"},
	"adapters/api/apimetrics":      {"adapters/api", "adapters/httpkit/httpmetrics", "store"},
	"adapters/static":              {"", "adapters/api", "store", "snapshot"},

	// The two programs may import anything.
	"adapters/cli":  {"*"},
	"adapters/http": {"*"},
}

// publicOnly are packages that may import any public package of the module
// but nothing under internal/ (Go would allow it: they are in the module).
var publicOnly = []string{"examples/..."}

// heavyDeps are external modules that stay at the edges (design.md §3,
// "Heavy dependencies stay at the edges"): each may be imported directly
// only by the packages named.
var heavyDeps = map[string][]string{
	"github.com/go-rod/":                    {"scrape"},
	"github.com/hashicorp/go-retryablehttp": {"scrape"},
	"github.com/prometheus/":                {"adapters/api/apimetrics", "adapters/httpkit/httpmetrics", "adapters/http"},
	"github.com/schollz/progressbar":        {"adapters/cli"},
	"github.com/aws/":                       {"store/blobstore", "store/blobstore/blobtest"},
	"gocloud.dev/":                          {"store/blobstore", "store/blobstore/blobtest"},
	"cloud.google.com/":                     {"store/blobstore", "store/blobstore/blobtest"},
	"github.com/Azure/":                     {"store/blobstore", "store/blobstore/blobtest"},
}

// lightPackages must not depend on any heavy module, even indirectly: a
// program that reads snapshots, decodes API answers or embeds the API's
// HTTP machinery does not link a browser driver, Prometheus or a cloud SDK.
var lightPackages = []string{"snapshot", "normalize", "validate", "ranking", "analytics", "jobs", "store", "assess", "readcheck", "scrape/dashboardtest", "adapters/api/apitypes", "adapters/httpkit"}

// notLinkingPrometheus may link rod (through the root package) but not
// Prometheus: metrics belong to toaststats-server (api.Deps.Metrics).
var notLinkingPrometheus = []string{"", "adapters/api", "adapters/pages", "adapters/static", "adapters/cli"}

type listedPackage struct {
	path    string   // relative to the module; "" for the root
	imports []string // direct imports, full paths
	deps    []string // every dependency, full paths
}

// listPackages runs go list over the whole module.
func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	if testing.Short() {
		t.Skip("runs go list")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool: %v", err)
	}
	cmd := exec.Command(goTool, "list", "-f", "{{.ImportPath}}\t{{join .Imports \" \"}}\t{{join .Deps \" \"}}", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPackage
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("go list line %q", line)
		}
		pkgs = append(pkgs, listedPackage{path: rel(f[0]), imports: strings.Fields(f[1]), deps: strings.Fields(f[2])})
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	return pkgs
}

// rel is p relative to the module ("" for the root), or p itself when it is
// not in the module.
func rel(p string) string {
	if p == module {
		return ""
	}
	if r, ok := strings.CutPrefix(p, module+"/"); ok {
		return r
	}
	return p
}

func inModule(p string) bool { return p == module || strings.HasPrefix(p, module+"/") }

// matches reports whether the module-relative path p is one of patterns.
func matches(p string, patterns []string) bool {
	for _, pat := range patterns {
		if pat == "*" || pat == p {
			return true
		}
		if base, ok := strings.CutSuffix(pat, "/..."); ok && (p == base || strings.HasPrefix(p, base+"/")) {
			return true
		}
	}
	return false
}

// ruleFor returns the allowed imports of p: an exact entry of importRules
// wins over a "/..." one.
func ruleFor(p string) (allowed []string, public, ok bool) {
	if r, ok := importRules[p]; ok {
		return r, false, true
	}
	for pat, r := range importRules {
		if strings.HasSuffix(pat, "/...") && matches(p, []string{pat}) {
			return r, false, true
		}
	}
	if matches(p, publicOnly) {
		return nil, true, true
	}
	return nil, false, false
}

func name(p string) string {
	if p == "" {
		return "toaststats (root)"
	}
	return p
}

// TestImportRules checks design.md's import rules on every package of the
// module: each imports only what its row allows.
func TestImportRules(t *testing.T) {
	for _, p := range listPackages(t) {
		allowed, public, ok := ruleFor(p.path)
		if !ok {
			t.Errorf("package %s has no import rule: add it to importRules (imports_test.go) and to design.md's table", name(p.path))
			continue
		}
		for _, imp := range p.imports {
			if !inModule(imp) {
				continue
			}
			r := rel(imp)
			switch {
			case public:
				if r == "internal" || strings.HasPrefix(r, "internal/") || strings.Contains(r, "/internal/") {
					t.Errorf("%s imports %s: examples use only the public library", name(p.path), name(r))
				}
			case !matches(r, allowed):
				t.Errorf("%s imports %s, which design.md's table does not allow (allowed: %q)", name(p.path), name(r), allowed)
			}
		}
	}
}

// TestHeavyDependenciesAtTheEdges checks that the browser driver, the HTTP
// retry client, Prometheus, the progress bar and cloud SDKs are imported
// only by the packages at the edge that own them, and never reached from the
// light packages a library user imports.
func TestHeavyDependenciesAtTheEdges(t *testing.T) {
	prefixes := make([]string, 0, len(heavyDeps))
	for pre := range heavyDeps {
		prefixes = append(prefixes, pre)
	}
	sort.Strings(prefixes)
	seen := map[string]bool{}
	for _, p := range listPackages(t) {
		seen[p.path] = true
		for _, imp := range p.imports {
			for _, pre := range prefixes {
				if strings.HasPrefix(imp, pre) && !slices.Contains(heavyDeps[pre], p.path) {
					t.Errorf("%s imports %s; only %q may", name(p.path), imp, heavyDeps[pre])
				}
			}
		}
		light := slices.Contains(lightPackages, p.path)
		noProm := slices.Contains(notLinkingPrometheus, p.path)
		for _, dep := range p.deps {
			for _, pre := range prefixes {
				if !strings.HasPrefix(dep, pre) {
					continue
				}
				if light || (noProm && pre == "github.com/prometheus/") {
					t.Errorf("%s depends on %s", name(p.path), dep)
				}
			}
		}
	}
	for _, p := range append(slices.Clone(lightPackages), notLinkingPrometheus...) {
		if !seen[p] {
			t.Errorf("package %s is named in imports_test.go but does not exist", name(p))
		}
	}
}
