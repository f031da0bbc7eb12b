package normalize

import "strings"

// ReportFile is one report file for ReadReports: its kind, its name (used
// in errors) and its bytes as downloaded.
type ReportFile struct {
	Kind ReportKind
	Name string
	Data []byte
}

// ReadResult is what ReadReports gives for one file: the report of the
// file's kind (Summary, District, Division or Club) or Err, exactly as the
// kind's Read function returns them.
type ReadResult struct {
	Summary  *SummaryReport
	District *DistrictReport
	Division *DivisionReport
	Club     *ClubReport
	Err      error
}

// ReadReports reads many report files at once, giving for each file what
// ReadSummary, ReadDistrictPerformance, ReadDivisionPerformance or
// ReadClubPerformance gives for it alone (results in files order). The
// difference is speed: the files whose headers resolve to the same columns
// at the same positions (every district of one date, as a rule) have their
// rows mapped by gocsv in one call, so gocsv matches the header against the
// record's tags once instead of once per file. A file of an unknown kind
// gets the error the readers give for it.
func ReadReports(files []ReportFile) []ReadResult {
	out := make([]ReadResult, len(files))
	tables := make([]*table, len(files))
	groups := map[string][]*table{}
	var order []string
	for i, f := range files {
		t, err := readTable(f.Kind, f.Name, f.Data)
		if err != nil {
			out[i].Err = err
			continue
		}
		tables[i] = t
		if len(t.lines) == 0 || t.records == nil {
			continue
		}
		key := string(f.Kind) + "\x00" + strings.Join(t.records[0], "\x00")
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], t)
	}
	for _, key := range order {
		ts := groups[key]
		switch ts[0].kind {
		case ReportSummary:
			decodeBatch[summaryRecord](ts)
		case ReportDistrict:
			decodeBatch[districtRecord](ts)
		case ReportDivision:
			decodeBatch[divisionRecord](ts)
		case ReportClub:
			decodeBatch[clubRecord](ts)
		}
	}
	for i, t := range tables {
		if t == nil {
			continue
		}
		r := &out[i]
		switch t.kind {
		case ReportSummary:
			r.Summary, r.Err = summaryReport(t)
		case ReportDistrict:
			r.District, r.Err = districtReport(t)
		case ReportDivision:
			r.Division, r.Err = divisionReport(t)
		case ReportClub:
			r.Club, r.Err = clubReport(t)
		}
		t.records = nil
	}
	return out
}
