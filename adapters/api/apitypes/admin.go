package apitypes

import (
	"time"

	"github.com/toaststats/toaststats/jobs"
	"github.com/toaststats/toaststats/readcheck"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// SnapshotList is the answer of GET /api/admin/snapshots; store.ListEntry
// carries the predecessor's snake_case names.
type SnapshotList struct {
	Snapshots []store.ListEntry `json:"snapshots"`
	Metadata  SnapshotListMeta  `json:"metadata"`
}

// SnapshotListMeta is SnapshotList's metadata: the filters the listing
// applied.
type SnapshotListMeta struct {
	OpMeta
	TotalCount     int               `json:"total_count"`
	FiltersApplied map[string]string `json:"filters_applied"`
	LimitApplied   int               `json:"limit_applied"`
}

// SnapshotInspection is the answer of GET /api/admin/snapshots/:snapshotId.
type SnapshotInspection struct {
	Inspection *store.Inspection `json:"inspection"`
	Metadata   OpMeta            `json:"metadata"`
}

// SnapshotPayload is the answer of GET /api/admin/snapshots/:id/payload,
// P being store.Payload (the server sends it pre-encoded, as
// json.RawMessage).
type SnapshotPayload[P any] struct {
	SnapshotID string          `json:"snapshot_id"`
	CreatedAt  time.Time       `json:"created_at"`
	Status     snapshot.Status `json:"status"`
	Payload    P               `json:"payload"`
	Metadata   OpMeta          `json:"metadata"`
}

// StoreHealth is the answer of GET /api/admin/snapshot-store/health.
type StoreHealth struct {
	Health   *store.Health `json:"health"`
	Metadata OpMeta        `json:"metadata"`
}

// StoreIntegrity is the answer of GET /api/admin/snapshot-store/integrity.
type StoreIntegrity struct {
	Integrity *store.IntegrityReport `json:"integrity"`
	Metadata  OpMeta                 `json:"metadata"`
}

// StorePerformance is the answer of GET /api/admin/snapshot-store/performance.
type StorePerformance struct {
	Performance readcheck.StorePerformance `json:"performance"`
	Metadata    OpMeta                     `json:"metadata"`
}

// SeparationMeasurements are the read latencies behind the
// process-separation answers, with the build running now.
type SeparationMeasurements struct {
	readcheck.Measurements
	CurrentBuild *jobs.Job `json:"current_build,omitempty"`
}

// SeparationVerdict says whether reads stay fast while builds run.
type SeparationVerdict struct {
	IsValid      bool                   `json:"isValid"`
	Issues       []string               `json:"issues"`
	Measurements SeparationMeasurements `json:"measurements"`
}

// SeparationValidation is the answer of GET /api/admin/process-separation/validate.
type SeparationValidation struct {
	Validation SeparationVerdict `json:"validation"`
	Metadata   OpMeta            `json:"metadata"`
}

// SeparationMonitoring is the answer of GET /api/admin/process-separation/monitor.
type SeparationMonitoring struct {
	Monitoring SeparationMeasurements `json:"monitoring"`
	Metadata   OpMeta                 `json:"metadata"`
}

// ComplianceVerdict is a compliance score from the measured read latencies.
type ComplianceVerdict struct {
	ComplianceScore int                    `json:"complianceScore"`
	Status          string                 `json:"status"`
	Issues          []string               `json:"issues"`
	Measurements    SeparationMeasurements `json:"measurements"`
}

// SeparationCompliance is the answer of GET /api/admin/process-separation/compliance.
type SeparationCompliance struct {
	Compliance ComplianceVerdict `json:"compliance"`
	Metadata   OpMeta            `json:"metadata"`
}

// IndependenceVerdict compares read latency during builds with idle.
type IndependenceVerdict struct {
	IsIndependent           bool                   `json:"isIndependent"`
	MeasuredDuringBuild     bool                   `json:"measuredDuringBuild"`
	P99RatioDuringBuildIdle float64                `json:"p99RatioDuringBuildIdle"`
	Issues                  []string               `json:"issues"`
	Measurements            SeparationMeasurements `json:"measurements"`
}

// SeparationIndependence is the answer of GET /api/admin/process-separation/independence.
type SeparationIndependence struct {
	Independence IndependenceVerdict `json:"independence"`
	Metadata     OpMeta              `json:"metadata"`
}

// ConfigBlock is the configuration block of the district configuration
// answers.
type ConfigBlock struct {
	ConfiguredDistricts []string `json:"configuredDistricts"`
	Exists              bool     `json:"exists"`
}

// ConfigAnswer is the answer of GET /api/admin/districts/config.
type ConfigAnswer struct {
	Configuration ConfigBlock `json:"configuration"`
	Status        struct {
		HasConfiguredDistricts bool `json:"hasConfiguredDistricts"`
		TotalDistricts         int  `json:"totalDistricts"`
	} `json:"status"`
	Validation *store.ConfigCheck `json:"validation"`
	Metadata   OpMeta             `json:"metadata"`
}

// ConfigValidation is the answer of POST
// /api/admin/districts/config/validate: the configuration checked (against
// allDistrictIds when given, else the current rankings) with what to do.
type ConfigValidation struct {
	Validation struct {
		*store.ConfigCheck
		Suggestions []string `json:"suggestions"`
	} `json:"validation"`
	Metadata OpMeta `json:"metadata"`
}

// ConfigChanged is the answer of a change of the district configuration
// (POST /api/admin/districts/config, DELETE …/config/:districtId).
type ConfigChanged struct {
	Success       bool        `json:"success"`
	Message       string      `json:"message"`
	Configuration ConfigBlock `json:"configuration"`
	Changes       struct {
		Action         string   `json:"action"`
		Districts      []string `json:"districts,omitempty"`
		District       string   `json:"district,omitempty"`
		TotalDistricts int      `json:"total_districts"`
	} `json:"changes"`
	Metadata OpMeta `json:"metadata"`
}

// ConfigHistory is the answer of GET /api/admin/districts/config/history.
type ConfigHistory struct {
	History  []store.ConfigChange `json:"history"`
	Summary  *store.ConfigSummary `json:"summary"`
	Metadata struct {
		OpMeta
		Filters struct {
			Limit     int    `json:"limit"`
			StartDate string `json:"start_date"`
			EndDate   string `json:"end_date"`
		} `json:"filters"`
	} `json:"metadata"`
}
