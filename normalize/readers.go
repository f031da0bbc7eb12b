package normalize

import (
	"fmt"
	"strings"

	"github.com/toaststats/toaststats/snapshot"
)

// SummaryReport is the all-districts summary: one row per real district.
type SummaryReport struct {
	Footer   Footer
	Rows     []snapshot.SummaryRow
	Warnings []string
}

// ClubReport is a district's club-performance report with each club's goals
// and level computed.
type ClubReport struct {
	Footer Footer
	// Era is the header era (EraPathways, EraCSP, ...).
	Era string
	// DistrictID is the district the rows name (the District column).
	DistrictID string
	// ProgramYear is the program year whose level rules were applied: the
	// footer's, or the era's when the footer is missing.
	ProgramYear string
	// Clubs in report order, each club once.
	Clubs []snapshot.Club
	// AwardColumns are the header names, as printed, of the six education
	// columns: Level 1s, Level 2s, Add. Level 2s, Level 3s, the goal-5
	// column and its Add. column ("" when absent).
	AwardColumns [6]string
	// Duplicates lists club ids the report listed more than once.
	Duplicates []string
	Warnings   []string
}

// DistrictClubRow is one club of the district-performance report.
type DistrictClubRow struct {
	DistrictID string `json:"districtId"`
	DivisionID string `json:"divisionId"`
	AreaID     string `json:"areaId"`
	ClubID     string `json:"clubId"`
	ClubName   string `json:"clubName"`
	// Payments are the club's membership payments for the program year.
	Payments snapshot.ClubPayments `json:"payments"`
	// DistinguishedStatus is the report's letter ("", "D", "S", "P", "M").
	DistinguishedStatus string `json:"distinguishedStatus"`
	CharterDate         string `json:"charterDate,omitempty"`
	SuspendDate         string `json:"suspendDate,omitempty"`
}

// DistrictReport is a district's district-performance report.
type DistrictReport struct {
	Footer     Footer
	Clubs      []DistrictClubRow
	Duplicates []string
	Warnings   []string
}

// DivisionClubRow is one club of the division-performance report.
type DivisionClubRow struct {
	DistrictID string `json:"districtId"`
	DivisionID string `json:"divisionId"`
	AreaID     string `json:"areaId"`
	ClubID     string `json:"clubId"`
	ClubName   string `json:"clubName"`
	// OctRenewal and AprRenewal are the report's 0/1 renewal flags.
	OctRenewal bool `json:"octRenewal"`
	AprRenewal bool `json:"aprRenewal"`
	// NovVisit and MayVisit are the visit awards; nil when the report has
	// no such column.
	NovVisit *bool `json:"novVisit,omitempty"`
	MayVisit *bool `json:"mayVisit,omitempty"`
	// MembershipToDate and GoalsMet are -1 when the column is absent.
	MembershipToDate  int    `json:"membershipToDate"`
	GoalsMet          int    `json:"goalsMet"`
	DistinguishedClub string `json:"distinguishedClub"`
	CharterDate       string `json:"charterDate,omitempty"`
	SuspendDate       string `json:"suspendDate,omitempty"`
}

// DivisionReport is a district's division-performance report with the
// divisions and their areas, standing computed from the report's own goal
// columns.
type DivisionReport struct {
	Footer     Footer
	Clubs      []DivisionClubRow
	Divisions  []snapshot.Division
	Duplicates []string
	Warnings   []string
}

func noRows(t *table) error {
	return reportErr(t.kind, t.name, ErrNoRows, "header%s but no data rows", map[bool]string{true: " and footer", false: ""}[t.footer.Found])
}

// ReadSummary reads the all-districts summary. Only real district rows are
// kept (the footer is never a row; a row whose DISTRICT is not an id is
// dropped with a warning). Flags and Smedley counts absent from the report's
// era are nil.
func ReadSummary(name string, b []byte) (*SummaryReport, error) {
	r := readOne(ReportSummary, name, b)
	return r.Summary, r.Err
}

// summaryReport is ReadSummary after readTable.
func summaryReport(t *table) (*SummaryReport, error) {
	name := t.name
	if len(t.lines) == 0 {
		return nil, noRows(t)
	}
	rows, n, derr := decodeRows[summaryRecord](t)
	rep := &SummaryReport{Footer: t.footer, Warnings: t.warnings}
	l := t.layout
	if l.has(sMarketAnalysis) || l.has(sCommunicationPlan) || l.has(sSmedley) {
		for _, c := range []int{sMarketAnalysis, sCommunicationPlan, sSmedley} {
			if !l.has(c) {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: column %q is missing from a 2025-26+ header; its values are unknown", name, summarySchema.cols[c].name))
			}
		}
	}
	seen := map[string]bool{}
	for r := range rows[:n] {
		in := rows[r]
		id := string(in.District)
		if !snapshot.IsDistrictID(id) {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: line %d: DISTRICT %q is not a district id; row dropped", name, t.lines[r], clip(id, 40)))
			continue
		}
		if seen[strings.ToUpper(id)] {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: line %d: district %s listed again; row dropped", name, t.lines[r], id))
			continue
		}
		seen[strings.ToUpper(id)] = true
		row := snapshot.SummaryRow{
			Region:                       string(in.Region),
			DistrictID:                   id,
			DSP:                          in.DSP.ptr(),
			Training:                     in.Training.ptr(),
			MarketAnalysis:               in.MarketAnalysis.ptr(),
			CommunicationPlan:            in.CommunicationPlan.ptr(),
			RegionAdvisorVisit:           in.RegionAdvisorVisit.ptr(),
			NewPayments:                  int(in.NewPayments),
			AprilPayments:                int(in.AprilPayments),
			OctoberPayments:              int(in.OctoberPayments),
			LatePayments:                 int(in.LatePayments),
			CharterPayments:              int(in.CharterPayments),
			TotalYTDPayments:             int(in.TotalYTDPayments),
			PaymentBase:                  int(in.PaymentBase),
			PaymentGrowthPercent:         float64(in.PaymentGrowth),
			PaidClubBase:                 int(in.PaidClubBase),
			PaidClubs:                    int(in.PaidClubs),
			ClubGrowthPercent:            float64(in.ClubGrowth),
			ActiveClubs:                  int(in.ActiveClubs),
			DistinguishedClubs:           int(in.Distinguished),
			SelectDistinguishedClubs:     int(in.Select),
			PresidentsDistinguishedClubs: int(in.Presidents),
			TotalDistinguishedClubs:      int(in.TotalDistinguished),
			DistinguishedClubsPercent:    float64(in.DistinguishedPct),
		}
		if l.has(sSmedley) {
			n := int(in.Smedley)
			row.SmedleyDistinguishedClubs = &n
		}
		rep.Rows = append(rep.Rows, row)
	}
	if derr != nil {
		return nil, derr
	}
	if len(rep.Rows) == 0 {
		return nil, reportErr(ReportSummary, name, ErrNoRows, "no row has a district id")
	}
	return rep, nil
}

// ReadDistrictPerformance reads a district-performance report: each club's
// payments and charter/suspend dates. A club listed twice (0D/0A and its
// real division) appears once.
func ReadDistrictPerformance(name string, b []byte) (*DistrictReport, error) {
	r := readOne(ReportDistrict, name, b)
	return r.District, r.Err
}

// districtReport is ReadDistrictPerformance after readTable.
func districtReport(t *table) (*DistrictReport, error) {
	name := t.name
	if len(t.lines) == 0 {
		return nil, noRows(t)
	}
	rep := &DistrictReport{Footer: t.footer, Warnings: t.warnings}
	in, n, derr := decodeRows[districtRecord](t)
	rows := make([]DistrictClubRow, 0, n)
	var badRen, badTotal []string
	for r := range in[:n] {
		d := in[r]
		c := DistrictClubRow{
			DistrictID:          string(d.District),
			DivisionID:          string(d.Division),
			AreaID:              string(d.Area),
			ClubID:              string(d.Club),
			ClubName:            string(d.ClubName),
			DistinguishedStatus: strings.ToUpper(string(d.DistinguishedStatus)),
			Payments: snapshot.ClubPayments{
				New:          int(d.New),
				LateRenewals: int(d.LateRen),
				OctRenewals:  int(d.OctRen),
				AprRenewals:  int(d.AprRen),
				Charter:      int(d.TotalChart),
				TotalToDate:  int(d.TotalToDate),
			},
			CharterDate: d.CharterSuspend.charter,
			SuspendDate: d.CharterSuspend.suspend,
		}
		p := &c.Payments
		sumRen := p.LateRenewals + p.OctRenewals + p.AprRenewals
		if t.layout.has(dTotalRen) {
			p.TotalRenewals = int(d.TotalRen)
			if p.TotalRenewals != sumRen {
				badRen = append(badRen, c.ClubID)
			}
		} else {
			p.TotalRenewals = sumRen
		}
		if p.TotalToDate != p.New+p.TotalRenewals+p.Charter {
			badTotal = append(badTotal, c.ClubID)
		}
		if c.ClubID == "" {
			return nil, reportErr(ReportDistrict, name, ErrMalformed, "line %d: empty club number", t.lines[r])
		}
		rows = append(rows, c)
	}
	if derr != nil {
		return nil, derr
	}
	if len(badRen) > 0 {
		rep.Warnings = append(rep.Warnings, summarise(name, "with Total Ren. != Late + Oct. + Apr.", badRen))
	}
	if len(badTotal) > 0 {
		rep.Warnings = append(rep.Warnings, summarise(name, "with Total to Date != New + Total Ren. + Total Chart", badTotal))
	}
	keep, dups := dedupe(rows, func(c *DistrictClubRow) (string, string, string) { return c.ClubID, c.DivisionID, c.AreaID })
	if len(dups) == 0 && len(rows) > 0 {
		rep.Clubs = rows // every row is kept
	} else {
		for i, c := range rows {
			if keep[i] {
				rep.Clubs = append(rep.Clubs, c)
			}
		}
	}
	if len(dups) > 0 {
		rep.Duplicates = dups
		rep.Warnings = append(rep.Warnings, summarise(name, "listed twice (kept the real division's row)", dups))
	}
	return rep, nil
}

// ReadDivisionPerformance reads a division-performance report: each club's
// visit awards and the area and division goal columns, from which it builds
// the divisions and areas with their standing (snapshot.StandingOn).
func ReadDivisionPerformance(name string, b []byte) (*DivisionReport, error) {
	r := readOne(ReportDivision, name, b)
	return r.Division, r.Err
}

// divisionReport is ReadDivisionPerformance after readTable.
func divisionReport(t *table) (*DivisionReport, error) {
	name := t.name
	if len(t.lines) == 0 {
		return nil, noRows(t)
	}
	rep := &DivisionReport{Footer: t.footer, Warnings: t.warnings}
	l := t.layout
	in, n, derr := decodeRows[divisionRecord](t)
	rows := make([]DivisionClubRow, 0, n)
	var awards []bool // the rows' NovVisit and MayVisit
	if l.has(vNovVisit) || l.has(vMayVisit) {
		awards = make([]bool, 2*n)
	}
	for r := range in[:n] {
		d := in[r]
		c := DivisionClubRow{
			DistrictID:        string(d.District),
			DivisionID:        string(d.Division),
			AreaID:            string(d.Area),
			ClubID:            string(d.Club),
			ClubName:          string(d.ClubName),
			OctRenewal:        d.OctRenewals > 0,
			AprRenewal:        d.AprRenewals > 0,
			MembershipToDate:  -1,
			GoalsMet:          -1,
			DistinguishedClub: strings.ToUpper(string(d.DistinguishedClub)),
			CharterDate:       d.CharterSuspend.charter,
			SuspendDate:       d.CharterSuspend.suspend,
		}
		if l.has(vNovVisit) {
			awards[2*r] = d.NovVisit > 0
			c.NovVisit = &awards[2*r]
		}
		if l.has(vMayVisit) {
			awards[2*r+1] = d.MayVisit > 0
			c.MayVisit = &awards[2*r+1]
		}
		if l.has(vMembershipToDate) {
			c.MembershipToDate = int(d.MembershipToDate)
		}
		if l.has(vClubGoalsMet) {
			c.GoalsMet = int(d.ClubGoalsMet)
		}
		if c.ClubID == "" {
			return nil, reportErr(ReportDivision, name, ErrMalformed, "line %d: empty club number", t.lines[r])
		}
		rows = append(rows, c)
	}
	if derr != nil {
		return nil, derr
	}
	keep, dups := dedupe(rows, func(c *DivisionClubRow) (string, string, string) { return c.ClubID, c.DivisionID, c.AreaID })
	if len(dups) > 0 {
		rep.Duplicates = dups
		rep.Warnings = append(rep.Warnings, summarise(name, "listed twice (kept the real division's row)", dups))
	}
	divIndex := map[string]int{}
	areaIndex := map[[2]string]int{}
	type visits struct{ nov, may int }
	var areaVisits [][]visits
	var disagree []string
	switch {
	case len(dups) == 0 && len(rows) > 0:
		rep.Clubs = rows // every row is kept
	case len(rows) > 0:
		rep.Clubs = make([]DivisionClubRow, 0, len(keep))
	}
	for i, c := range rows {
		if !keep[i] {
			continue
		}
		if len(dups) > 0 {
			rep.Clubs = append(rep.Clubs, c)
		}
		stand := standingOf(in[i]) // rows[i] is in[i]'s
		di, ok := divIndex[c.DivisionID]
		if !ok {
			di = len(rep.Divisions)
			divIndex[c.DivisionID] = di
			rep.Divisions = append(rep.Divisions, snapshot.Division{DivisionID: c.DivisionID, Standing: stand.div})
			areaVisits = append(areaVisits, nil)
		} else if !sameGoals(rep.Divisions[di].Standing, stand.div) {
			disagree = append(disagree, "division "+c.DivisionID)
		}
		d := &rep.Divisions[di]
		key := [2]string{c.DivisionID, c.AreaID}
		ai, ok := areaIndex[key]
		if !ok {
			ai = len(d.Areas)
			areaIndex[key] = ai
			d.Areas = append(d.Areas, snapshot.Area{AreaID: c.AreaID, DivisionID: c.DivisionID, Standing: stand.area})
			areaVisits[di] = append(areaVisits[di], visits{})
		} else if !sameGoals(d.Areas[ai].Standing, stand.area) {
			disagree = append(disagree, "area "+c.DivisionID+c.AreaID)
		}
		a := &d.Areas[ai]
		a.ClubIDs = append(a.ClubIDs, c.ClubID)
		if c.NovVisit != nil && *c.NovVisit {
			a.NovVisits++
		}
		if c.MayVisit != nil && *c.MayVisit {
			a.MayVisits++
		}
	}
	if len(disagree) > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: goal columns differ between rows of %s; the first row's values are used", name, strings.Join(uniq(disagree), ", ")))
	}
	haveVisits := l.has(vNovVisit) && l.has(vMayVisit)
	date := rep.Footer.LogicalDate()
	for di := range rep.Divisions {
		d := &rep.Divisions[di]
		snapshot.StandingOn(&d.Standing, false, nil, date)
		for ai := range d.Areas {
			a := &d.Areas[ai]
			if haveVisits {
				snapshot.StandingOn(&a.Standing, true, &snapshot.VisitCounts{Nov: a.NovVisits, May: a.MayVisits}, date)
			} else {
				snapshot.StandingOn(&a.Standing, true, nil, date)
			}
		}
	}
	return rep, nil
}

// areaCols are the area and division goal columns of a division report
// row.
type areaCols struct{ area, div snapshot.Standing }

// standingOf reads the goal columns of a division report row.
func standingOf(d *divisionRecord) areaCols {
	return areaCols{
		area: snapshot.Standing{
			ClubBase:           int(d.AreaClubBase),
			PaidGoals:          snapshot.TierGoals{Distinguished: int(d.AreaPaidD), Select: int(d.AreaPaidS), Presidents: int(d.AreaPaidP)},
			PaidClubs:          int(d.AreaPaidTotal),
			DistinguishedGoals: snapshot.TierGoals{Distinguished: int(d.AreaDistD), Select: int(d.AreaDistS), Presidents: int(d.AreaDistP)},
			DistinguishedClubs: int(d.AreaDistTotal),
			ReportedStatus:     string(d.AreaStatus),
		},
		div: snapshot.Standing{
			ClubBase:           int(d.DivClubBase),
			PaidGoals:          snapshot.TierGoals{Distinguished: int(d.DivPaidD), Select: int(d.DivPaidS), Presidents: int(d.DivPaidP)},
			PaidClubs:          int(d.DivPaidTotal),
			DistinguishedGoals: snapshot.TierGoals{Distinguished: int(d.DivDistD), Select: int(d.DivDistS), Presidents: int(d.DivDistP)},
			DistinguishedClubs: int(d.DivDistTotal),
			ReportedStatus:     string(d.DivStatus),
		},
	}
}

func sameGoals(a, b snapshot.Standing) bool {
	return a.ClubBase == b.ClubBase && a.PaidGoals == b.PaidGoals && a.DistinguishedGoals == b.DistinguishedGoals &&
		a.PaidClubs == b.PaidClubs && a.DistinguishedClubs == b.DistinguishedClubs && a.ReportedStatus == b.ReportedStatus
}

func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// clubEra decides the club report's header era from the matched columns and
// checks the era's own required columns: each goal has its own column in
// every era (the 2019-20 header prints CL/AL/DTMs beside Level 4s and Level
// 5s, spec §2.4).
func clubEra(t *table) (string, []string, error) {
	l := t.layout
	g5 := normHeader(l.name[cGoal5])
	var era string
	switch {
	case strings.Contains(normHeader(l.name[cLevel2s]), "eom"):
		era = EraEOM
	case l.has(cCSP) || l.has(cNetGrowth) || strings.Contains(g5, "path completions"):
		era = EraCSP
	case strings.Contains(g5, "level 5s"):
		era = EraPathways
	case l.has(cLevel1s) && (l.has(cCCs) || l.has(cCLALDTMs) || l.has(cLevel5s) || g5 == "level 4s"):
		era = EraTransition
	case l.has(cCLALDTMs) || l.has(cCCs):
		era = EraTraditional
	default:
		era = EraPathways // reports the Pathways columns it lacks below
	}
	traditional := []int{cCCs, cAddCCs, cACs, cAddACs, cCLALDTMs, cAddCLALDTMs}
	pathways := []int{cLevel1s, cLevel2s, cAddLevel2s, cLevel3s, cGoal5}
	var need []int
	var warn []string
	switch era {
	case EraTraditional:
		need = traditional
	case EraTransition:
		need = pathways
		if l.has(cCCs) || l.has(cCLALDTMs) {
			need = append(need, traditional...)
			need = append(need, cLevel5s)
		} else if !l.has(cLevel5s) {
			need = append(need, cAddGoal5)
		}
	case EraCSP, EraEOM:
		need = append([]int{cCSP, cAddGoal5}, pathways...)
		if !l.has(cNetGrowth) {
			warn = append(warn, fmt.Sprintf("%s: column \"Net Growth\" is missing from a %s header; net growth is computed as Active Members - Mem. Base", t.name, era))
		}
	default:
		need = append([]int{cAddGoal5}, pathways...)
	}
	if !l.has(cDuesOctApr) {
		need = append(need, cDuesOct, cDuesApr)
	}
	var missing []string
	for _, c := range need {
		if !l.has(c) {
			missing = append(missing, clubSchema.cols[c].name)
		}
	}
	if len(missing) > 0 {
		return era, nil, reportErr(ReportClub, t.name, ErrWrongHeader, "the %s header lacks column(s) %s", era, quoteList(missing))
	}
	return era, warn, nil
}

var knownStatus = map[string]string{
	"active": snapshot.ClubActive, "low": snapshot.ClubLow,
	"ineligible": snapshot.ClubIneligible, "suspended": snapshot.ClubSuspended,
}

// normLetter maps a reported distinguished status to its letter; ok is false
// for text that is not a known letter or word.
func normLetter(s string) (string, bool) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if snapshot.LevelRank(u) >= 0 {
		return u, true
	}
	if l := levelOfWord(s); l != "" {
		return l, false
	}
	return u, false
}

// ReadClubPerformance reads a club-performance report in any header era,
// computes each club's ten DCP goals from the era's own columns (the
// breakdown; marked GoalsApproximate in the 2018-20 transition era) and its
// level from the reported Goals Met under the rules of the report's program
// year (the footer's; the era's when there is no footer). The new-club
// credits need the charter date of the district report: Assemble applies
// them (ApplyNewClubRules). A club listed twice (0D/0A and its real
// division) appears once.
func ReadClubPerformance(name string, b []byte) (*ClubReport, error) {
	r := readOne(ReportClub, name, b)
	return r.Club, r.Err
}

// clubReport is ReadClubPerformance after readTable.
func clubReport(t *table) (*ClubReport, error) {
	name := t.name
	era, warn, err := clubEra(t)
	if err != nil {
		return nil, err
	}
	if len(t.lines) == 0 {
		return nil, noRows(t)
	}
	rep := &ClubReport{Footer: t.footer, Era: era, Warnings: append(t.warnings, warn...)}
	l := t.layout
	for i, c := range []int{cLevel1s, cLevel2s, cAddLevel2s, cLevel3s, cGoal5, cAddGoal5} {
		rep.AwardColumns[i] = l.name[c]
	}
	if era == EraTraditional {
		// The traditional program's CL/AL/DTMs are kept where Pathways
		// keeps its Level 4s (Goals.Level4s/AddLevel4s, below), so they are
		// counted under their own names. CCs and ACs have no place in the
		// snapshot model and are not counted as awards.
		rep.AwardColumns[4], rep.AwardColumns[5] = l.name[cCLALDTMs], l.name[cAddCLALDTMs]
	}
	py := t.footer.ProgramYear()
	eraPY := map[string]string{EraTraditional: "2017-2018", EraTransition: "2019-2020", EraPathways: "2024-2025", EraCSP: "2025-2026", EraEOM: "2026-2027"}[era]
	switch {
	case py == "":
		py = eraPY
	case snapshot.UsesCSPRules(py) != snapshot.UsesCSPRules(eraPY):
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: the footer's program year %s does not match the %s header; the %s level rules are used", name, py, era, eraPY))
		py = eraPY
	}
	rep.ProgramYear = py
	in, n, derr := decodeRows[clubRecord](t)
	rows := make([]snapshot.Club, 0, n)
	var badStatus, badLetter, goalsDiffer, levelDiffer, growthDiffer []string
	for r := range in[:n] {
		d := in[r]
		if id := string(d.District); id != "" {
			if rep.DistrictID == "" {
				rep.DistrictID = id
			} else if !sameDistrict(id, rep.DistrictID) {
				return nil, reportErr(ReportClub, name, ErrMalformed, "line %d: district %q, earlier rows say %q", t.lines[r], id, rep.DistrictID)
			}
		}
		c := snapshot.Club{
			ClubID:         string(d.ClubNumber),
			ClubName:       string(d.ClubName),
			DivisionID:     string(d.Division),
			AreaID:         string(d.Area),
			Status:         string(d.ClubStatus),
			CSP:            d.CSP.ptr(),
			MembershipBase: int(d.MemBase),
			ActiveMembers:  int(d.ActiveMembers),
			GoalsMet:       int(d.GoalsMet),
			Goals: snapshot.GoalCounts{
				Level1s:           int(d.Level1s),
				Level2s:           int(d.Level2s),
				AddLevel2s:        int(d.AddLevel2s),
				Level3s:           int(d.Level3s),
				Level4s:           int(d.Goal5),
				AddLevel4s:        int(d.AddGoal5),
				NewMembers:        int(d.NewMembers),
				AddNewMembers:     int(d.AddNewMembers),
				OfficersRound1:    int(d.OffTrained1),
				OfficersRound2:    int(d.OffTrained2),
				DuesOnTimeOct:     int(d.DuesOct),
				DuesOnTimeApr:     int(d.DuesApr),
				OfficerListOnTime: int(d.OffListOnTime),
			},
		}
		if era == EraTraditional {
			c.Goals.Level4s, c.Goals.AddLevel4s = int(d.CLALDTMs), int(d.AddCLALDTMs)
		}
		if l.has(cDuesOctApr) {
			both := int(d.DuesOctApr)
			c.Goals.DuesOnTimeOct, c.Goals.DuesOnTimeApr = both, both
		}
		if s, ok := knownStatus[strings.ToLower(c.Status)]; ok {
			c.Status = s
		} else {
			badStatus = append(badStatus, c.ClubID)
		}
		letter, ok := normLetter(string(d.DistinguishedStatus))
		if !ok {
			badLetter = append(badLetter, c.ClubID)
		}
		c.DistinguishedStatus = letter
		var reported *int
		if d.NetGrowth.ok {
			ng := d.NetGrowth.n
			reported = &ng
			if ng != c.ActiveMembers-c.MembershipBase {
				growthDiffer = append(growthDiffer, c.ClubID)
			}
		}
		c.NetGrowth = snapshot.NetGrowth(reported, c.ActiveMembers, c.MembershipBase)
		trad := traditionalCounts{int(d.CCs), int(d.AddCCs), int(d.ACs), int(d.AddACs), int(d.CLALDTMs), int(d.AddCLALDTMs)}
		switch era {
		case EraTraditional:
			c.DCPGoals = traditionalGoals(c.Goals, trad)
		case EraTransition:
			c.DCPGoals = transitionGoals(c.Goals, trad, int(d.Level5s))
			c.GoalsApproximate = true
		default:
			c.DCPGoals = ComputeGoals(c.Goals)
		}
		if c.ClubID == "" {
			return nil, reportErr(ReportClub, name, ErrMalformed, "line %d: empty club number", t.lines[r])
		}
		c.DistinguishedLevel = snapshot.ClubLevelOf(&c, py)
		if !c.GoalsApproximate && !mayBeNewClubCredit(&c) {
			goalsDiffer = append(goalsDiffer, c.ClubID)
		}
		if c.DistinguishedLevel != c.DistinguishedStatus && !mayBeNewClubCSP(&c, py) {
			levelDiffer = append(levelDiffer, c.ClubID)
		}
		rows = append(rows, c)
	}
	if derr != nil {
		return nil, derr
	}
	if len(badStatus) > 0 {
		rep.Warnings = append(rep.Warnings, summarise(name, "with an unknown Club Status", badStatus))
	}
	if len(badLetter) > 0 {
		rep.Warnings = append(rep.Warnings, summarise(name, "with an unknown Club Distinguished Status", badLetter))
	}
	if len(growthDiffer) > 0 {
		rep.Warnings = append(rep.Warnings, summarise(name, "whose Net Growth != Active Members - Mem. Base (the report's value is kept)", growthDiffer))
	}
	if len(goalsDiffer) > 0 {
		rep.Warnings = append(rep.Warnings, summarise(name, "whose Goals Met the goal columns cannot explain, even with new-club credits", goalsDiffer))
	}
	if len(levelDiffer) > 0 {
		rep.Warnings = append(rep.Warnings, summarise(name, "whose computed level ("+py+" rules) differs from the reported letter", levelDiffer))
	}
	keep, dups := dedupe(rows, func(c *snapshot.Club) (string, string, string) { return c.ClubID, c.DivisionID, c.AreaID })
	if len(dups) == 0 {
		rep.Clubs = rows // every row is kept
	} else {
		rep.Clubs = make([]snapshot.Club, 0, len(rows))
		for i, c := range rows {
			if keep[i] {
				rep.Clubs = append(rep.Clubs, c)
			}
		}
	}
	if len(dups) > 0 {
		rep.Duplicates = dups
		rep.Warnings = append(rep.Warnings, summarise(name, "listed twice (kept the real division's row)", dups))
	}
	return rep, nil
}
