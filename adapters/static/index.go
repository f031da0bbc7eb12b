package static

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/toaststats/toaststats/store"
)

// FormatVersion names the layout of an export and of its index; a reader
// refuses an index of another format.
const FormatVersion = "toaststats-static/1"

// IndexKey is the object key of the index, at the top of the destination.
const IndexKey = "index.json"

// Index is index.json: every file of an export, and whether the export
// that wrote it was complete.
type Index struct {
	// Format is FormatVersion.
	Format string `json:"format"`
	// SnapshotID is the current snapshot the export reflects.
	SnapshotID string `json:"snapshot_id"`
	// Complete is true when every answer of the export was exported. When
	// it is false, Failures lists the answers the API could not give: the
	// files of those answers are missing, or are an earlier export's (then
	// Files still lists them, with that export's sha256). An index written
	// before this field existed reads as false: it did not say.
	Complete bool `json:"complete"`
	// Failures are the answers that could not be exported, sorted by
	// Request; none when Complete.
	Failures []IndexFailure `json:"failures,omitempty"`
	// Files are sorted by Path.
	Files []IndexEntry `json:"files"`
}

// IndexFailure is an answer an export could not give.
type IndexFailure struct {
	// Path is the file the answer would be; Request the API request, such
	// as "/api/districts/61/statistics?date=2025-11-12".
	Path    string `json:"path"`
	Request string `json:"request"`
	// Status is the HTTP status the API answered with; Error says why:
	// "CODE: message" of the API's error envelope, or the start of the
	// answer when it is not one.
	Status int    `json:"status"`
	Error  string `json:"error"`
}

// IndexEntry describes one exported file.
type IndexEntry struct {
	// Path is the object key (the URL path without its leading "/").
	Path string `json:"path"`
	// Request is the API request the file answers, such as
	// "/api/districts/rankings?date=2025-11-19".
	Request string `json:"request"`
	// SHA256 is the hex sha256 of the file's bytes; Size their length.
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// SnapshotID is the snapshot the answer came from.
	SnapshotID string `json:"snapshot_id"`
}

// Marshal encodes the index as index.json holds it (indented, one field a
// line, a final newline): the same index always gives the same bytes.
func (idx *Index) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(idx); err != nil {
		return nil, fmt.Errorf("static: encode the index: %w", err)
	}
	return buf.Bytes(), nil
}

// ParseIndex decodes and checks index.json: the format, and for every
// entry a path under api/ ending in .json that is a valid object key, a
// sha256 of 64 hex digits, a size that is not negative, no path twice;
// for every failure such a path and a request under /api/, and none in a
// complete index. The error names the first entry that is wrong.
func ParseIndex(data []byte) (*Index, error) {
	var idx Index
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&idx); err != nil {
		return nil, fmt.Errorf("static: %s is not an export index: %w", IndexKey, err)
	}
	// Only white space may follow (dec.More is no test of that: it reports
	// false before a closing bracket).
	if len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		return nil, fmt.Errorf("static: %s has data after the index", IndexKey)
	}
	if idx.Format != FormatVersion {
		return nil, fmt.Errorf("static: %s has format %q, want %q", IndexKey, truncate(idx.Format), FormatVersion)
	}
	seen := make(map[string]bool, len(idx.Files))
	for i, e := range idx.Files {
		bad := func(what string) error {
			return fmt.Errorf("static: %s entry %d (%q): %s", IndexKey, i, truncate(e.Path), what)
		}
		if !exportPath(e.Path) {
			return nil, bad("path is not a file of an export")
		}
		if seen[e.Path] {
			return nil, bad("path listed twice")
		}
		seen[e.Path] = true
		if !isHex(e.SHA256, 64) {
			return nil, bad("sha256 is not 64 hex digits")
		}
		if e.Size < 0 {
			return nil, bad("negative size")
		}
	}
	if len(idx.Failures) == 0 {
		idx.Failures = nil // "failures": [] is none, as an omitted list
	}
	if idx.Complete && len(idx.Failures) > 0 {
		return nil, fmt.Errorf("static: %s says it is complete and lists %d failures", IndexKey, len(idx.Failures))
	}
	for i, f := range idx.Failures {
		if !exportPath(f.Path) || !strings.HasPrefix(f.Request, "/api/") {
			return nil, fmt.Errorf("static: %s failure %d (%q): not an answer of an export", IndexKey, i, truncate(f.Path))
		}
	}
	return &idx, nil
}

// ReadIndex reads and checks the index of the export in dst; an error
// wrapping fs.ErrNotExist when there is none.
func ReadIndex(ctx context.Context, dst store.Objects) (*Index, error) {
	b, err := dst.Read(ctx, IndexKey)
	if err != nil {
		return nil, err
	}
	return ParseIndex(b)
}

// exportPath reports whether p can be a file of an export: an object key
// under api/ ending in .json.
func exportPath(p string) bool {
	return strings.HasPrefix(p, "api/") && strings.HasSuffix(p, ".json") && store.ValidKey(p) == nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
