package pages

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
)

// TestNewFrame: a snapshot chosen by date carries date= on every JSON link
// (after ? or &) and on the CSV download; the current snapshot does not.
func TestNewFrame(t *testing.T) {
	closing := true
	m := snapshot.Metadata{DataAsOfDate: "2025-10-02", DataMonth: "2025-09", IsClosingPeriodData: &closing}
	f := NewFrame("2025-09-30", m, true, "T", nil, true, Link{Label: "a", Href: "/api/x"}, Link{Label: "b", Href: "/api/y?divisionId=A"})
	want := []Link{{"a", "/api/x?date=2025-09-30"}, {"b", "/api/y?divisionId=A&date=2025-09-30"}}
	if !reflect.DeepEqual(f.JSON, want) || f.CSV != "?format=csv&date=2025-09-30" {
		t.Errorf("by date: %+v %q", f.JSON, f.CSV)
	}
	if f.AsOf != (AsOf{SnapshotID: "2025-09-30", DataAsOf: "2025-10-02", DataMonth: "2025-09", ClosingPeriod: true}) {
		t.Errorf("as of: %+v", f.AsOf)
	}
	f = NewFrame("2025-09-30", m, false, "T", nil, false, Link{Label: "a", Href: "/api/x"})
	if f.JSON[0].Href != "/api/x" || f.CSV != "" {
		t.Errorf("current: %+v %q", f.JSON, f.CSV)
	}
}

func TestNewHomePage(t *testing.T) {
	rows := []snapshot.DistrictRanking{{DistrictID: "61", Region: "10"}, {DistrictID: "42", Region: "2"}, {DistrictID: "F", Region: "10"}}
	p := NewHomePage(Frame{}, rows, Moves{Week: map[string]int{"61": 2}, WeekDate: "2025-10-08"}, []string{"61"}, "", "")
	// Regions once each, in district-id order (2 before 10).
	if !reflect.DeepEqual(p.Regions, []string{"2", "10"}) || p.WeekDate != "2025-10-08" {
		t.Errorf("regions %v, week date %q", p.Regions, p.WeekDate)
	}
	if !p.Rows[0].HasPage || p.Rows[1].HasPage || p.Rows[0].WeekMove == nil || *p.Rows[0].WeekMove != 2 || p.Rows[1].WeekMove != nil || p.Rows[0].MonthMove != nil {
		t.Errorf("rows %+v", p.Rows)
	}
}

// TestUnitNotFound: a division or area the district does not have is a
// sentinel error, before any analytics runs.
func TestUnitNotFound(t *testing.T) {
	d := &snapshot.District{DistrictID: "61", Divisions: []snapshot.Division{{DivisionID: "A", Areas: []snapshot.Area{{DivisionID: "A", AreaID: "01"}}}}}
	year := []analytics.Point{{Date: "2025-10-01", District: d}}
	if _, _, _, err := Unit(year, "B", ""); !errors.Is(err, ErrDivisionNotFound) {
		t.Errorf("division B: %v", err)
	}
	if _, _, _, err := Unit(year, "A", "09"); !errors.Is(err, ErrAreaNotFound) {
		t.Errorf("area 09: %v", err)
	}
}

func TestWriteCSVNames(t *testing.T) {
	var buf bytes.Buffer
	name, err := WriteCSV(&buf, &DivisionPage{DistrictID: "61", Division: &analytics.DivisionStanding{UnitStanding: analytics.UnitStanding{DivisionID: "A"}}})
	if err != nil || name != "district_61_division_A" || buf.Len() == 0 {
		t.Errorf("division page: %q %v", name, err)
	}
	if _, err := WriteCSV(&buf, &DistrictPage{}); !errors.Is(err, ErrNoCSV) {
		t.Errorf("district page: %v", err)
	}
}
