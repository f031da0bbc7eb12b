package normalize

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
// record's tags once instead of once per file, and each file's rows are
// mapped as they are read, so its records are never all held at once
// (stream.go). A file of an unknown kind gets the error the readers give
// for it.
func ReadReports(files []ReportFile) []ReadResult {
	out := make([]ReadResult, len(files))
	streams := make([]*streamTable, len(files))
	type groupKey struct {
		kind  ReportKind
		width int
		pos   [maxCols]int
	}
	groups := map[groupKey][]*streamTable{}
	var order []groupKey
	for i, f := range files {
		st := openStream(f)
		if st == nil {
			out[i] = readExact(f)
			continue
		}
		streams[i] = st
		// Same kind, width and column positions: the same gocsv header.
		key := groupKey{f.Kind, st.width, st.t.layout.pos}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], st)
	}
	for _, key := range order {
		ts := groups[key]
		switch key.kind {
		case ReportSummary:
			decodeStream[summaryRecord](ts)
		case ReportDistrict:
			decodeStream[districtRecord](ts)
		case ReportDivision:
			decodeStream[divisionRecord](ts)
		case ReportClub:
			decodeStream[clubRecord](ts)
		}
	}
	for i, st := range streams {
		switch {
		case st == nil:
		case st.done && !st.failed:
			out[i] = reportOf(st.t)
		default:
			st.release()
			out[i] = readExact(files[i])
		}
	}
	return out
}

// readExact reads one file alone: readTable, then the kind's report. It is
// what the readers did before ReadReports streamed the rows, and what a
// file the stream could not take is read with.
func readExact(f ReportFile) ReadResult {
	t, err := readTable(f.Kind, f.Name, f.Data)
	if err != nil {
		return ReadResult{Err: err}
	}
	return reportOf(t)
}

// reportOf is the kind's report of a table read (readTable or the stream).
func reportOf(t *table) ReadResult {
	var r ReadResult
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
	return r
}

// readOne is ReadReports of one file.
func readOne(kind ReportKind, name string, b []byte) ReadResult {
	return ReadReports([]ReportFile{{Kind: kind, Name: name, Data: b}})[0]
}
