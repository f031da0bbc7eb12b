package normalize

import (
	"fmt"
	"sort"
	"strings"
)

// need says what happens when a known column is missing from a header.
type need int

const (
	required need = iota // missing: ErrWrongHeader
	optional             // missing: a warning; the value is unknown, never a silent zero
	eraOnly              // exists only in some eras: missing is normal (eras decide warnings)
)

// column is one known column of a report: its canonical header name, the
// other names it had in other eras, and whether it must be there.
type column struct {
	name    string
	aliases []string
	need    need
}

// maxCols bounds the number of known columns of one report.
const maxCols = 40

// schema is the set of known columns of one report kind.
type schema struct {
	kind  ReportKind
	cols  []column
	exact map[string]int // every spelling as printed -> column index
	loose map[string]int // normalised spelling -> column index
	keys  []string       // column index -> its gocsv key (gocsvKey of the name)
}

// normHeader folds case and runs of white space, so that `May visit award`,
// `May Visit award` and `Club Name ` all find their column.
func normHeader(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(strings.TrimPrefix(s, "\uFEFF")), " "))
}

func newSchema(kind ReportKind, cols []column) *schema {
	if len(cols) > maxCols {
		panic("normalize: too many columns in schema " + string(kind))
	}
	s := &schema{kind: kind, cols: cols, exact: map[string]int{}, loose: map[string]int{}, keys: make([]string, len(cols))}
	for i, c := range cols {
		s.keys[i] = gocsvKey(c.name)
		for _, n := range append([]string{c.name}, c.aliases...) {
			if _, dup := s.loose[normHeader(n)]; dup {
				panic("normalize: duplicate column name " + n)
			}
			s.exact[n] = i
			s.loose[normHeader(n)] = i
		}
	}
	return s
}

// index returns the column index of a header cell, or -1.
func (s *schema) index(h string) int {
	if i, ok := s.exact[h]; ok {
		return i
	}
	if i, ok := s.loose[normHeader(h)]; ok {
		return i
	}
	return -1
}

// layout is a schema resolved against one file's header row.
type layout struct {
	s      *schema
	header []string
	pos    [maxCols]int // column index -> position in the header, -1 when absent
	name   [maxCols]string
}

func (l *layout) has(c int) bool { return l.pos[c] >= 0 }

// gocsvHeader is the file's header row as gocsv is to read it: each known
// column's gocsv key (its canonical name, gocsvKey) at its position, ""
// for cells no column claims.
func (l *layout) gocsvHeader() []string {
	h := make([]string, len(l.header))
	for c := range l.s.cols {
		if p := l.pos[c]; p >= 0 {
			h[p] = l.s.keys[c]
		}
	}
	return h
}

// columnAt is the canonical name of the column at header position p, or
// the header cell as printed when no column claims it.
func (l *layout) columnAt(p int) string {
	for c := range l.s.cols {
		if l.pos[c] == p {
			return l.s.cols[c].name
		}
	}
	if p >= 0 && p < len(l.header) {
		return l.header[p]
	}
	return fmt.Sprintf("#%d", p+1)
}

// resolve maps a header row onto the schema. A missing required column, or
// two header cells naming the same column, gives ErrWrongHeader; missing
// optional columns give warnings.
func (s *schema) resolve(name string, header []string) (*layout, []string, error) {
	l := &layout{s: s, header: header}
	for i := range l.pos {
		l.pos[i] = -1
	}
	var unknown []string
	for p, h := range header {
		i := s.index(h)
		if i < 0 {
			if strings.TrimSpace(h) != "" {
				unknown = append(unknown, h)
			}
			continue
		}
		if l.pos[i] >= 0 {
			return nil, nil, reportErr(s.kind, name, ErrWrongHeader, "columns %q and %q both give %q", header[l.pos[i]], h, s.cols[i].name)
		}
		l.pos[i] = p
		l.name[i] = strings.TrimSpace(h)
	}
	var missing, warnings []string
	for i, c := range s.cols {
		if l.pos[i] >= 0 {
			continue
		}
		switch c.need {
		case required:
			missing = append(missing, c.name)
		case optional:
			warnings = append(warnings, fmt.Sprintf("%s: column %q is missing; its values are unknown", name, c.name))
		}
	}
	if len(missing) > 0 {
		found := 0
		for i := range s.cols {
			if l.pos[i] >= 0 {
				found++
			}
		}
		return nil, nil, reportErr(s.kind, name, ErrWrongHeader, "missing column(s) %s (matched %d of %d known columns, header starts %q)",
			quoteList(missing), found, len(s.cols), clip(strings.Join(header, ","), 120))
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		warnings = append(warnings, fmt.Sprintf("%s: unknown column(s) %s ignored", name, quoteList(unknown)))
	}
	return l, warnings, nil
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// ---- all-districts summary -------------------------------------------------

const (
	sRegion = iota
	sDistrict
	sDSP
	sTraining
	sMarketAnalysis
	sCommunicationPlan
	sRegionAdvisorVisit
	sNewPayments
	sAprilPayments
	sOctoberPayments
	sLatePayments
	sCharterPayments
	sTotalYTDPayments
	sPaymentBase
	sPaymentGrowth
	sPaidClubBase
	sPaidClubs
	sClubGrowth
	sActiveClubs
	sDistinguished
	sSelect
	sPresidents
	sSmedley
	sTotalDistinguished
	sDistinguishedPercent
)

var summarySchema = newSchema(ReportSummary, []column{
	sRegion:               {name: "REGION", need: required},
	sDistrict:             {name: "DISTRICT", need: required},
	sDSP:                  {name: "DSP", need: optional},
	sTraining:             {name: "Training", need: optional},
	sMarketAnalysis:       {name: "Market Analysis", need: eraOnly},
	sCommunicationPlan:    {name: "Communication Plan", need: eraOnly},
	sRegionAdvisorVisit:   {name: "Region Advisor Visit", need: eraOnly},
	sNewPayments:          {name: "New Payments", need: required},
	sAprilPayments:        {name: "April Payments", need: required},
	sOctoberPayments:      {name: "October Payments", need: required},
	sLatePayments:         {name: "Late Payments", need: required},
	sCharterPayments:      {name: "Charter Payments", need: required},
	sTotalYTDPayments:     {name: "Total YTD Payments", need: required},
	sPaymentBase:          {name: "Payment Base", need: required},
	sPaymentGrowth:        {name: "% Payment Growth", need: required},
	sPaidClubBase:         {name: "Paid Club Base", need: required},
	sPaidClubs:            {name: "Paid Clubs", need: required},
	sClubGrowth:           {name: "% Club Growth", need: required},
	sActiveClubs:          {name: "Active Clubs", need: required},
	sDistinguished:        {name: "Distinguished Clubs", need: required},
	sSelect:               {name: "Select Distinguished Clubs", need: required},
	sPresidents:           {name: "Presidents Distinguished Clubs", aliases: []string{"President's Distinguished Clubs", "Presidents Distinguished"}, need: required},
	sSmedley:              {name: "Smedley Distinguished Clubs", need: eraOnly},
	sTotalDistinguished:   {name: "Total Distinguished Clubs", need: required},
	sDistinguishedPercent: {name: "% Distinguished Clubs", need: required},
})

// ---- district performance ---------------------------------------------------

const (
	dDistrict = iota
	dDivision
	dArea
	dClub
	dClubName
	dNew
	dLateRen
	dOctRen
	dAprRen
	dTotalRen
	dTotalChart
	dTotalToDate
	dDistinguishedStatus
	dCharterSuspend
)

var districtSchema = newSchema(ReportDistrict, []column{
	dDistrict:            {name: "District", need: required},
	dDivision:            {name: "Division", need: required},
	dArea:                {name: "Area", need: required},
	dClub:                {name: "Club", aliases: []string{"Club Number"}, need: required},
	dClubName:            {name: "Club Name", need: required},
	dNew:                 {name: "New", need: required},
	dLateRen:             {name: "Late Ren.", need: required},
	dOctRen:              {name: "Oct. Ren.", need: required},
	dAprRen:              {name: "Apr. Ren.", need: required},
	dTotalRen:            {name: "Total Ren.", need: optional},
	dTotalChart:          {name: "Total Chart", need: required},
	dTotalToDate:         {name: "Total to Date", need: required},
	dDistinguishedStatus: {name: "Distinguished Status", need: optional},
	dCharterSuspend:      {name: "Charter Date/Suspend Date", need: optional},
})

// ---- division and area performance -------------------------------------------

const (
	vDistrict = iota
	vDivision
	vArea
	vClub
	vClubName
	vOctRenewals
	vAprRenewals
	vNovVisit
	vMayVisit
	vMembershipToDate
	vClubGoalsMet
	vDistinguishedClub
	vAreaClubBase
	vAreaPaidD
	vAreaPaidS
	vAreaPaidP
	vAreaPaidTotal
	vAreaDistD
	vAreaDistS
	vAreaDistP
	vAreaDistTotal
	vAreaStatus
	vDivClubBase
	vDivPaidD
	vDivPaidS
	vDivPaidP
	vDivPaidTotal
	vDivDistD
	vDivDistS
	vDivDistP
	vDivDistTotal
	vDivStatus
	vCharterSuspend
)

var divisionSchema = newSchema(ReportDivision, []column{
	vDistrict:          {name: "District", need: required},
	vDivision:          {name: "Division", need: required},
	vArea:              {name: "Area", need: required},
	vClub:              {name: "Club", aliases: []string{"Club Number"}, need: required},
	vClubName:          {name: "Club Name", need: required},
	vOctRenewals:       {name: "October Renewals", need: optional},
	vAprRenewals:       {name: "April Renewals", need: optional},
	vNovVisit:          {name: "Nov Visit award", need: optional},
	vMayVisit:          {name: "May Visit award", need: optional},
	vMembershipToDate:  {name: "Membership to date", need: optional},
	vClubGoalsMet:      {name: "Club Goals Met", need: optional},
	vDistinguishedClub: {name: "Distinguished Club", need: optional},
	vAreaClubBase:      {name: "Area Club Base", need: required},
	vAreaPaidD:         {name: "Area Paid Club Goal for Dist.", need: required},
	vAreaPaidS:         {name: "Area Paid Club Goal for Select Dist.", need: required},
	vAreaPaidP:         {name: "Area Paid Club Goal for Pres. Dist.", need: required},
	vAreaPaidTotal:     {name: "Total Paid Area Clubs", need: required},
	vAreaDistD:         {name: "Area Dist. Club Goal for Dist.", need: required},
	vAreaDistS:         {name: "Area Dist. Club Goal for Select Dist.", need: required},
	vAreaDistP:         {name: "Area Dist. Club Goal for Pres. Dist.", need: required},
	vAreaDistTotal:     {name: "Total Dist. Area Clubs", need: required},
	vAreaStatus:        {name: "Distinguished Area", need: optional},
	vDivClubBase:       {name: "Division Club Base", need: required},
	vDivPaidD:          {name: "Division Paid Club Goal for Dist.", need: required},
	vDivPaidS:          {name: "Division Paid Club Goal for Select Dist.", need: required},
	vDivPaidP:          {name: "Division Paid Club Goal for Pres. Dist.", need: required},
	vDivPaidTotal:      {name: "Total Paid Division Clubs", need: required},
	vDivDistD:          {name: "Division Dist. Club Goal for Dist.", need: required},
	vDivDistS:          {name: "Division Dist. Club Goal for Select Dist.", need: required},
	vDivDistP:          {name: "Division Dist. Club Goal for Pres. Dist.", need: required},
	vDivDistTotal:      {name: "Total Dist. Division Clubs", need: required},
	vDivStatus:         {name: "Distinguished Division", need: optional},
	vCharterSuspend:    {name: "Charter Date/Suspend Date", need: optional},
})

// ---- club performance ----------------------------------------------------------

const (
	cDistrict = iota
	cDivision
	cArea
	cClubNumber
	cClubName
	cClubStatus
	cCSP
	cMemBase
	cActiveMembers
	cNetGrowth
	cGoalsMet
	cLevel1s
	cLevel2s
	cAddLevel2s
	cLevel3s
	cGoal5
	cAddGoal5
	cNewMembers
	cAddNewMembers
	cOffTrained1
	cOffTrained2
	cDuesOct
	cDuesApr
	cDuesOctApr
	cOffListOnTime
	cDistinguishedStatus
	cCCs
	cAddCCs
	cACs
	cAddACs
	cLevel5s
	cCLALDTMs
	cAddCLALDTMs
)

// Club-report header eras (ClubReport.Era).
const (
	// EraTraditional: before 2018-19, the traditional education program
	// (CCs, ACs, CL/AL/DTMs).
	EraTraditional = "2008-2018"
	// EraTransition: 2018-19 and 2019-20, both education programs side by
	// side (29 columns: CCs … Add. CL/AL/DTMs and Level 1s … Level 5s),
	// or a header whose goal-5 column is "Level 4s". No formula reproduces
	// the era's Goals Met (spec §2.4): the breakdown is approximate.
	EraTransition = "2018-2020"
	// EraPathways: 2020-21 to 2024-25, 23 columns, goal 5 is "Level 4s,
	// Level 5s, or DTM award".
	EraPathways = "2020-2025"
	// EraCSP: 2025-26, with CSP and Net Growth, goal 5 is "Level 4s, Path
	// Completions, or DTM Awards".
	EraCSP = "2025-2026"
	// EraEOM: 2026-27 onward, "Level 2s or EOM".
	EraEOM = "2026-2027"
)

var clubSchema = newSchema(ReportClub, []column{
	cDistrict:      {name: "District", need: required},
	cDivision:      {name: "Division", need: required},
	cArea:          {name: "Area", need: required},
	cClubNumber:    {name: "Club Number", aliases: []string{"Club"}, need: required},
	cClubName:      {name: "Club Name", need: required},
	cClubStatus:    {name: "Club Status", need: required},
	cCSP:           {name: "CSP", need: eraOnly},
	cMemBase:       {name: "Mem. Base", need: required},
	cActiveMembers: {name: "Active Members", need: required},
	cNetGrowth:     {name: "Net Growth", need: eraOnly},
	cGoalsMet:      {name: "Goals Met", need: required},
	cLevel1s:       {name: "Level 1s", need: eraOnly},
	cLevel2s:       {name: "Level 2s", aliases: []string{"Level 2s or EOM"}, need: eraOnly},
	cAddLevel2s:    {name: "Add. Level 2s", aliases: []string{"Add. Level 2s or EOM"}, need: eraOnly},
	cLevel3s:       {name: "Level 3s", need: eraOnly},
	cGoal5: {name: "Level 4s, Path Completions, or DTM Awards", aliases: []string{
		"Level 4s, Path Completions, or DTM award",
		"Level 4s, Level 5s, or DTM award",
		"Level 4s, Level 5s, or DTM Awards",
		"Level 4s",
	}, need: eraOnly},
	cAddGoal5: {name: "Add. Level 4s, Path Completions, or DTM award", aliases: []string{
		"Add. Level 4s, Path Completions, or DTM Awards",
		"Add. Level 4s, Level 5s, or DTM award",
		"Add. Level 4s, Level 5s, or DTM Awards",
		"Add. Level 4s",
	}, need: eraOnly},
	cNewMembers:          {name: "New Members", need: required},
	cAddNewMembers:       {name: "Add. New Members", need: required},
	cOffTrained1:         {name: "Off. Trained Round 1", need: required},
	cOffTrained2:         {name: "Off. Trained Round 2", need: required},
	cDuesOct:             {name: "Mem. dues on time Oct", need: eraOnly},
	cDuesApr:             {name: "Mem. dues on time Apr", need: eraOnly},
	cDuesOctApr:          {name: "Mem. dues on time Oct & Apr", need: eraOnly},
	cOffListOnTime:       {name: "Off. List On Time", need: required},
	cDistinguishedStatus: {name: "Club Distinguished Status", need: required},
	cCCs:                 {name: "CCs", need: eraOnly},
	cAddCCs:              {name: "Add. CCs", need: eraOnly},
	cACs:                 {name: "ACs", need: eraOnly},
	cAddACs:              {name: "Add. ACs", need: eraOnly},
	cLevel5s:             {name: "Level 5s", need: eraOnly},
	cCLALDTMs:            {name: "CL/AL/DTMs", need: eraOnly},
	cAddCLALDTMs:         {name: "Add. CL/AL/DTMs", need: eraOnly},
})

// districtColumn is the column holding each row's district id in a
// per-district report; -1 for the all-districts summary, whose rows are
// every district's.
func districtColumn(kind ReportKind) int {
	switch kind {
	case ReportDistrict:
		return dDistrict
	case ReportDivision:
		return vDistrict
	case ReportClub:
		return cDistrict
	}
	return -1
}

func schemaFor(kind ReportKind) *schema {
	switch kind {
	case ReportSummary:
		return summarySchema
	case ReportDistrict:
		return districtSchema
	case ReportDivision:
		return divisionSchema
	case ReportClub:
		return clubSchema
	}
	return nil
}
