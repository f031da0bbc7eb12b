package apitypes

import (
	"time"

	"github.com/toaststats/toaststats/store"
)

// SnapshotMeta is the "_snapshot_metadata" block of every data answer: the
// snapshot the answer was read from.
type SnapshotMeta struct {
	SnapshotID          string          `json:"snapshot_id"`
	CreatedAt           time.Time       `json:"created_at"`
	SchemaVersion       string          `json:"schema_version"`
	CalculationVersion  string          `json:"calculation_version"`
	DataAsOf            string          `json:"data_as_of"`
	IsClosingPeriodData *bool           `json:"is_closing_period_data,omitempty"`
	CollectionDate      string          `json:"collection_date,omitempty"`
	LogicalDate         string          `json:"logical_date,omitempty"`
	Fallback            *store.Fallback `json:"fallback,omitempty"`
}

// Envelope is the shape of the data answers read from a snapshot (every
// data route but the rankings): the route's data and its snapshot.
type Envelope[T any] struct {
	Data T             `json:"data"`
	Meta *SnapshotMeta `json:"_snapshot_metadata"`
}

// Data is the {"data": …} answer of routes not read from one snapshot
// (snapshot dates, jobs, assessments).
type Data[T any] struct {
	Data T `json:"data"`
}

// OpMeta is the metadata block of admin answers: the request id, when the
// operation ran and how long it took, each under the name the predecessor
// gave it for the route (one *At and one *Ms field is set).
type OpMeta struct {
	OperationID          string     `json:"operation_id"`
	GeneratedAt          *time.Time `json:"generated_at,omitempty"`
	InspectedAt          *time.Time `json:"inspected_at,omitempty"`
	RetrievedAt          *time.Time `json:"retrieved_at,omitempty"`
	CheckedAt            *time.Time `json:"checked_at,omitempty"`
	ResetAt              *time.Time `json:"reset_at,omitempty"`
	ValidatedAt          *time.Time `json:"validated_at,omitempty"`
	MonitoredAt          *time.Time `json:"monitored_at,omitempty"`
	UpdatedAt            *time.Time `json:"updated_at,omitempty"`
	DeletedAt            *time.Time `json:"deleted_at,omitempty"`
	QueryDurationMs      *float64   `json:"query_duration_ms,omitempty"`
	InspectionDurationMs *float64   `json:"inspection_duration_ms,omitempty"`
	RetrievalDurationMs  *float64   `json:"retrieval_duration_ms,omitempty"`
	CheckDurationMs      *float64   `json:"check_duration_ms,omitempty"`
	OperationDurationMs  *float64   `json:"operation_duration_ms,omitempty"`
	ValidationDurationMs *float64   `json:"validation_duration_ms,omitempty"`
	MonitoringDurationMs *float64   `json:"monitoring_duration_ms,omitempty"`
}

// Done is the answer of an admin action without data of its own.
type Done struct {
	Success  bool   `json:"success"`
	Message  string `json:"message"`
	Metadata OpMeta `json:"metadata"`
}

// SnapshotRef names a snapshot and when it was made.
type SnapshotRef struct {
	SnapshotID string    `json:"snapshot_id"`
	CreatedAt  time.Time `json:"created_at"`
}

// Health is the answer of GET /health: liveness (always 200 while the
// process serves) and readiness (a current snapshot can be read).
type Health struct {
	Status          string       `json:"status"`
	Timestamp       time.Time    `json:"timestamp"`
	Uptime          float64      `json:"uptime"`
	Version         string       `json:"version"`
	Ready           bool         `json:"ready"`
	CurrentSnapshot *SnapshotRef `json:"current_snapshot"`
	BuildRunning    bool         `json:"build_running"`
	Data            struct {
		HasBuilder bool `json:"has_builder"`
	} `json:"data"`
	CurrentBuild    string   `json:"current_build,omitempty"`
	DegradedReasons []string `json:"degraded_reasons,omitempty"`
}

// Index is the answer of GET /api.
type Index struct {
	Message string `json:"message"`
	Version string `json:"version"`
	OpenAPI string `json:"openapi"`
}
