package snapshot

import "time"

// Versions written into every snapshot. Bump SchemaVersion when a JSON shape
// changes, CalculationVersion when a derived number would change for the same
// input, and RankingVersion when the ranking algorithm changes.
const (
	// SchemaVersion is the version of the on-disk JSON shapes in this package.
	SchemaVersion = "3.1.0"
	// CalculationVersion is the version of the normalisation rules (goals,
	// levels, area and division standing, membership and payment sums).
	CalculationVersion = "3.1.0"
	// RankingVersion names the ranking algorithm of package ranking.
	RankingVersion = "borda-count-v1"
)

// Status is the outcome of building a snapshot.
type Status string

// The three snapshot statuses. Only StatusSuccess snapshots ever become
// current.
const (
	StatusSuccess Status = "success"
	StatusPartial Status = "partial"
	StatusFailed  Status = "failed"
)

// Severity says whether a validation finding blocks a snapshot.
type Severity string

// Finding severities: an error makes a snapshot failed, a warning is kept
// for the reader.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one result of validation: what is wrong, how bad it is, and
// which district it concerns ("" for the whole snapshot).
type Finding struct {
	Severity   Severity `json:"severity"`
	Code       string   `json:"code"`
	DistrictID string   `json:"districtId,omitempty"`
	Message    string   `json:"message"`
}

// DistrictError records why a configured district is missing from a
// snapshot or was unreadable.
type DistrictError struct {
	DistrictID string `json:"districtId"`
	// Reason is a stable code: "missing_report", "checksum_mismatch",
	// "no_rows", "parse_error", "not_in_summary".
	Reason string `json:"reason"`
	// Report names the raw file concerned, e.g. "club-performance.csv".
	Report string `json:"report,omitempty"`
	Error  string `json:"error"`
}

// Metadata is snapshots/<id>/metadata.json.
type Metadata struct {
	SnapshotID          string          `json:"snapshotId"`
	CreatedAt           time.Time       `json:"createdAt"`
	SchemaVersion       string          `json:"schemaVersion"`
	CalculationVersion  string          `json:"calculationVersion"`
	RankingVersion      string          `json:"rankingVersion,omitempty"`
	Status              Status          `json:"status"`
	ConfiguredDistricts []string        `json:"configuredDistricts"`
	SuccessfulDistricts []string        `json:"successfulDistricts"`
	FailedDistricts     []string        `json:"failedDistricts"`
	Errors              []string        `json:"errors"`
	Warnings            []string        `json:"warnings"`
	Findings            []Finding       `json:"findings,omitempty"`
	DistrictErrors      []DistrictError `json:"districtErrors"`
	// ProcessingDuration is the build time in milliseconds.
	ProcessingDuration int64  `json:"processingDuration"`
	Source             string `json:"source"`
	// DataAsOfDate is the dashboard's as-of date (footer) of the data.
	DataAsOfDate        string `json:"dataAsOfDate"`
	IsClosingPeriodData *bool  `json:"isClosingPeriodData,omitempty"`
	// CollectionDate is the raw-cache folder the snapshot was built from.
	CollectionDate string `json:"collectionDate,omitempty"`
	// LogicalDate is the date the snapshot stands for: the as-of date, or the
	// last day of the data month for closing-period data. It is the id.
	LogicalDate string `json:"logicalDate,omitempty"`
	DataMonth   string `json:"dataMonth,omitempty"`
	ProgramYear string `json:"programYear,omitempty"`
	// InputChecksum is a digest of the raw files the snapshot was built
	// from; a rebuild with the same input is a no-op.
	InputChecksum string `json:"inputChecksum,omitempty"`
}

// Collection is the collection date (raw-cache folder) the snapshot was
// built from: CollectionDate, or, for snapshots written before it was
// recorded, the data's as-of date. Of two collections of the same
// snapshot the newer one wins (a month-end close is collected on several
// days).
func (m *Metadata) Collection() string {
	if m.CollectionDate != "" {
		return m.CollectionDate
	}
	return m.DataAsOfDate
}

// ManifestEntry describes one district file of a snapshot.
type ManifestEntry struct {
	DistrictID string `json:"districtId"`
	FileName   string `json:"fileName"`
	Status     Status `json:"status"`
	FileSize   int64  `json:"fileSize"`
	// CRC32C is the CRC-32C (Castagnoli) of the file's bytes as stored, 8
	// lowercase hex digits. Snapshots published before it was introduced
	// carry SHA256, the file's sha256 hex, instead; the predecessor's carry
	// neither.
	CRC32C       string    `json:"crc32c,omitempty"`
	SHA256       string    `json:"sha256,omitempty"`
	LastModified time.Time `json:"lastModified"`
	ErrorMessage string    `json:"errorMessage,omitempty"`
}

// ManifestFile describes a non-district file of a snapshot.
type ManifestFile struct {
	Filename string `json:"filename"`
	Size     int64  `json:"size"`
	CRC32C   string `json:"crc32c,omitempty"` // as ManifestEntry's
	SHA256   string `json:"sha256,omitempty"` // as ManifestEntry's
	// Status is "present" or "missing".
	Status string `json:"status"`
}

// Manifest is snapshots/<id>/manifest.json: every file of the snapshot with
// its size and checksum.
type Manifest struct {
	SnapshotID           string          `json:"snapshotId"`
	CreatedAt            time.Time       `json:"createdAt"`
	Districts            []ManifestEntry `json:"districts"`
	TotalDistricts       int             `json:"totalDistricts"`
	SuccessfulDistricts  int             `json:"successfulDistricts"`
	FailedDistricts      int             `json:"failedDistricts"`
	AllDistrictsRankings ManifestFile    `json:"allDistrictsRankings"`
	// Gzip is true when the JSON files are stored gzip-compressed.
	Gzip bool `json:"gzip,omitempty"`
	// Metadata is metadata.json's size and checksum; nil in snapshots
	// published before it was recorded (and the predecessor's).
	Metadata *ManifestFile `json:"metadata,omitempty"`
}

// CurrentPointer is current.json: the id of the snapshot readers see.
type CurrentPointer struct {
	SnapshotID         string    `json:"snapshot_id"`
	UpdatedAt          time.Time `json:"updated_at"`
	SchemaVersion      string    `json:"schema_version"`
	CalculationVersion string    `json:"calculation_version"`
}

// DistrictFile is snapshots/<id>/district_<districtId>.json.
type DistrictFile struct {
	DistrictID   string    `json:"districtId"`
	DistrictName string    `json:"districtName"`
	CollectedAt  time.Time `json:"collectedAt"`
	Status       Status    `json:"status"`
	Data         District  `json:"data"`
}

// Snapshot is everything a build produces for one logical date, in memory:
// the metadata, the district statistics and the rankings. The store writes
// it as a directory of files.
type Snapshot struct {
	Metadata  Metadata
	Districts []DistrictFile
	Rankings  *RankingsFile
}

// ID returns the snapshot id (its logical date).
func (s *Snapshot) ID() string { return s.Metadata.SnapshotID }
