package normalize

import (
	"fmt"
	"regexp"
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

var districtIDRE = regexp.MustCompile(`^[A-Za-z0-9]{1,8}$`)

func noRows(t *table) error {
	return reportErr(t.kind, t.name, ErrNoRows, "header%s but no data rows", map[bool]string{true: " and footer", false: ""}[t.footer.Found])
}

// ReadSummary reads the all-districts summary. Only real district rows are
// kept (the footer is never a row; a row whose DISTRICT is not an id is
// dropped with a warning). Flags and Smedley counts absent from the report's
// era are nil.
func ReadSummary(name string, b []byte) (*SummaryReport, error) {
	t, err := readTable(ReportSummary, name, b)
	if err != nil {
		return nil, err
	}
	if len(t.rows) == 0 {
		return nil, noRows(t)
	}
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
	for r := range t.rows {
		rr := &rowReader{t: t, r: r}
		id := rr.str(sDistrict)
		if !districtIDRE.MatchString(id) {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: line %d: DISTRICT %q is not a district id; row dropped", name, t.lines[r], clip(id, 40)))
			continue
		}
		if seen[strings.ToUpper(id)] {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: line %d: district %s listed again; row dropped", name, t.lines[r], id))
			continue
		}
		seen[strings.ToUpper(id)] = true
		row := snapshot.SummaryRow{
			Region:                       rr.str(sRegion),
			DistrictID:                   id,
			DSP:                          rr.flag(sDSP),
			Training:                     rr.flag(sTraining),
			MarketAnalysis:               rr.flag(sMarketAnalysis),
			CommunicationPlan:            rr.flag(sCommunicationPlan),
			RegionAdvisorVisit:           rr.flag(sRegionAdvisorVisit),
			NewPayments:                  rr.int(sNewPayments),
			AprilPayments:                rr.int(sAprilPayments),
			OctoberPayments:              rr.int(sOctoberPayments),
			LatePayments:                 rr.int(sLatePayments),
			CharterPayments:              rr.int(sCharterPayments),
			TotalYTDPayments:             rr.int(sTotalYTDPayments),
			PaymentBase:                  rr.int(sPaymentBase),
			PaymentGrowthPercent:         rr.pct(sPaymentGrowth),
			PaidClubBase:                 rr.int(sPaidClubBase),
			PaidClubs:                    rr.int(sPaidClubs),
			ClubGrowthPercent:            rr.pct(sClubGrowth),
			ActiveClubs:                  rr.int(sActiveClubs),
			DistinguishedClubs:           rr.int(sDistinguished),
			SelectDistinguishedClubs:     rr.int(sSelect),
			PresidentsDistinguishedClubs: rr.int(sPresidents),
			TotalDistinguishedClubs:      rr.int(sTotalDistinguished),
			DistinguishedClubsPercent:    rr.pct(sDistinguishedPercent),
		}
		if l.has(sSmedley) {
			n := rr.int(sSmedley)
			row.SmedleyDistinguishedClubs = &n
		}
		if rr.err != nil {
			return nil, rr.err
		}
		rep.Rows = append(rep.Rows, row)
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
	t, err := readTable(ReportDistrict, name, b)
	if err != nil {
		return nil, err
	}
	if len(t.rows) == 0 {
		return nil, noRows(t)
	}
	rep := &DistrictReport{Footer: t.footer, Warnings: t.warnings}
	rows := make([]DistrictClubRow, 0, len(t.rows))
	var badRen, badTotal []string
	for r := range t.rows {
		rr := &rowReader{t: t, r: r}
		c := DistrictClubRow{
			DistrictID:          rr.str(dDistrict),
			DivisionID:          rr.str(dDivision),
			AreaID:              rr.str(dArea),
			ClubID:              rr.str(dClub),
			ClubName:            rr.str(dClubName),
			DistinguishedStatus: strings.ToUpper(rr.str(dDistinguishedStatus)),
			Payments: snapshot.ClubPayments{
				New:          rr.int(dNew),
				LateRenewals: rr.int(dLateRen),
				OctRenewals:  rr.int(dOctRen),
				AprRenewals:  rr.int(dAprRen),
				Charter:      rr.int(dTotalChart),
				TotalToDate:  rr.int(dTotalToDate),
			},
		}
		p := &c.Payments
		sumRen := p.LateRenewals + p.OctRenewals + p.AprRenewals
		if t.layout.has(dTotalRen) {
			p.TotalRenewals = rr.int(dTotalRen)
			if p.TotalRenewals != sumRen {
				badRen = append(badRen, c.ClubID)
			}
		} else {
			p.TotalRenewals = sumRen
		}
		if p.TotalToDate != p.New+p.TotalRenewals+p.Charter {
			badTotal = append(badTotal, c.ClubID)
		}
		var cerr error
		c.CharterDate, c.SuspendDate, cerr = ParseCharterSuspend(rr.str(dCharterSuspend))
		if cerr != nil {
			rr.fail(dCharterSuspend, "%v", cerr)
		}
		if rr.err != nil {
			return nil, rr.err
		}
		if c.ClubID == "" {
			return nil, reportErr(ReportDistrict, name, ErrMalformed, "line %d: empty club number", t.lines[r])
		}
		rows = append(rows, c)
	}
	if len(badRen) > 0 {
		rep.Warnings = append(rep.Warnings, summarise(name, "with Total Ren. != Late + Oct. + Apr.", badRen))
	}
	if len(badTotal) > 0 {
		rep.Warnings = append(rep.Warnings, summarise(name, "with Total to Date != New + Total Ren. + Total Chart", badTotal))
	}
	ids, divs, areas := make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows))
	for i, c := range rows {
		ids[i], divs[i], areas[i] = c.ClubID, c.DivisionID, c.AreaID
	}
	keep, dups := dedupe(ids, divs, areas)
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
	t, err := readTable(ReportDivision, name, b)
	if err != nil {
		return nil, err
	}
	if len(t.rows) == 0 {
		return nil, noRows(t)
	}
	rep := &DivisionReport{Footer: t.footer, Warnings: t.warnings}
	l := t.layout
	type areaCols struct{ area, div snapshot.Standing }
	rows := make([]DivisionClubRow, 0, len(t.rows))
	stand := make([]areaCols, 0, len(t.rows))
	for r := range t.rows {
		rr := &rowReader{t: t, r: r}
		c := DivisionClubRow{
			DistrictID:        rr.str(vDistrict),
			DivisionID:        rr.str(vDivision),
			AreaID:            rr.str(vArea),
			ClubID:            rr.str(vClub),
			ClubName:          rr.str(vClubName),
			OctRenewal:        rr.int(vOctRenewals) > 0,
			AprRenewal:        rr.int(vAprRenewals) > 0,
			MembershipToDate:  -1,
			GoalsMet:          -1,
			DistinguishedClub: strings.ToUpper(rr.str(vDistinguishedClub)),
		}
		if l.has(vNovVisit) {
			v := rr.int(vNovVisit) > 0
			c.NovVisit = &v
		}
		if l.has(vMayVisit) {
			v := rr.int(vMayVisit) > 0
			c.MayVisit = &v
		}
		if l.has(vMembershipToDate) {
			c.MembershipToDate = rr.int(vMembershipToDate)
		}
		if l.has(vClubGoalsMet) {
			c.GoalsMet = rr.int(vClubGoalsMet)
		}
		var cerr error
		c.CharterDate, c.SuspendDate, cerr = ParseCharterSuspend(rr.str(vCharterSuspend))
		if cerr != nil {
			rr.fail(vCharterSuspend, "%v", cerr)
		}
		s := areaCols{
			area: snapshot.Standing{
				ClubBase:           rr.int(vAreaClubBase),
				PaidGoals:          snapshot.TierGoals{Distinguished: rr.int(vAreaPaidD), Select: rr.int(vAreaPaidS), Presidents: rr.int(vAreaPaidP)},
				PaidClubs:          rr.int(vAreaPaidTotal),
				DistinguishedGoals: snapshot.TierGoals{Distinguished: rr.int(vAreaDistD), Select: rr.int(vAreaDistS), Presidents: rr.int(vAreaDistP)},
				DistinguishedClubs: rr.int(vAreaDistTotal),
				ReportedStatus:     rr.str(vAreaStatus),
			},
			div: snapshot.Standing{
				ClubBase:           rr.int(vDivClubBase),
				PaidGoals:          snapshot.TierGoals{Distinguished: rr.int(vDivPaidD), Select: rr.int(vDivPaidS), Presidents: rr.int(vDivPaidP)},
				PaidClubs:          rr.int(vDivPaidTotal),
				DistinguishedGoals: snapshot.TierGoals{Distinguished: rr.int(vDivDistD), Select: rr.int(vDivDistS), Presidents: rr.int(vDivDistP)},
				DistinguishedClubs: rr.int(vDivDistTotal),
				ReportedStatus:     rr.str(vDivStatus),
			},
		}
		if rr.err != nil {
			return nil, rr.err
		}
		if c.ClubID == "" {
			return nil, reportErr(ReportDivision, name, ErrMalformed, "line %d: empty club number", t.lines[r])
		}
		rows = append(rows, c)
		stand = append(stand, s)
	}
	ids, divs, areas := make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows))
	for i, c := range rows {
		ids[i], divs[i], areas[i] = c.ClubID, c.DivisionID, c.AreaID
	}
	keep, dups := dedupe(ids, divs, areas)
	if len(dups) > 0 {
		rep.Duplicates = dups
		rep.Warnings = append(rep.Warnings, summarise(name, "listed twice (kept the real division's row)", dups))
	}
	divIndex := map[string]int{}
	areaIndex := map[[2]string]int{}
	type visits struct{ nov, may int }
	var areaVisits [][]visits
	var disagree []string
	if len(rows) > 0 {
		rep.Clubs = make([]DivisionClubRow, 0, len(keep))
	}
	for i, c := range rows {
		if !keep[i] {
			continue
		}
		rep.Clubs = append(rep.Clubs, c)
		di, ok := divIndex[c.DivisionID]
		if !ok {
			di = len(rep.Divisions)
			divIndex[c.DivisionID] = di
			rep.Divisions = append(rep.Divisions, snapshot.Division{DivisionID: c.DivisionID, Standing: stand[i].div})
			areaVisits = append(areaVisits, nil)
		} else if !sameGoals(rep.Divisions[di].Standing, stand[i].div) {
			disagree = append(disagree, "division "+c.DivisionID)
		}
		d := &rep.Divisions[di]
		key := [2]string{c.DivisionID, c.AreaID}
		ai, ok := areaIndex[key]
		if !ok {
			ai = len(d.Areas)
			areaIndex[key] = ai
			d.Areas = append(d.Areas, snapshot.Area{AreaID: c.AreaID, DivisionID: c.DivisionID, Standing: stand[i].area})
			areaVisits[di] = append(areaVisits[di], visits{})
		} else if !sameGoals(d.Areas[ai].Standing, stand[i].area) {
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
	t, err := readTable(ReportClub, name, b)
	if err != nil {
		return nil, err
	}
	era, warn, err := clubEra(t)
	if err != nil {
		return nil, err
	}
	if len(t.rows) == 0 {
		return nil, noRows(t)
	}
	rep := &ClubReport{Footer: t.footer, Era: era, Warnings: append(t.warnings, warn...)}
	l := t.layout
	for i, c := range []int{cLevel1s, cLevel2s, cAddLevel2s, cLevel3s, cGoal5, cAddGoal5} {
		rep.AwardColumns[i] = l.name[c]
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
	rows := make([]snapshot.Club, 0, len(t.rows))
	var badStatus, badLetter, goalsDiffer, levelDiffer, growthDiffer []string
	for r := range t.rows {
		rr := &rowReader{t: t, r: r}
		if id := rr.str(cDistrict); id != "" {
			if rep.DistrictID == "" {
				rep.DistrictID = id
			} else if !sameDistrict(id, rep.DistrictID) {
				return nil, reportErr(ReportClub, name, ErrMalformed, "line %d: district %q, earlier rows say %q", t.lines[r], id, rep.DistrictID)
			}
		}
		c := snapshot.Club{
			ClubID:         rr.str(cClubNumber),
			ClubName:       rr.str(cClubName),
			DivisionID:     rr.str(cDivision),
			AreaID:         rr.str(cArea),
			Status:         rr.str(cClubStatus),
			CSP:            rr.flag(cCSP),
			MembershipBase: rr.int(cMemBase),
			ActiveMembers:  rr.int(cActiveMembers),
			GoalsMet:       rr.int(cGoalsMet),
			Goals: snapshot.GoalCounts{
				Level1s:           rr.int(cLevel1s),
				Level2s:           rr.int(cLevel2s),
				AddLevel2s:        rr.int(cAddLevel2s),
				Level3s:           rr.int(cLevel3s),
				Level4s:           rr.int(cGoal5),
				AddLevel4s:        rr.int(cAddGoal5),
				NewMembers:        rr.int(cNewMembers),
				AddNewMembers:     rr.int(cAddNewMembers),
				OfficersRound1:    rr.int(cOffTrained1),
				OfficersRound2:    rr.int(cOffTrained2),
				DuesOnTimeOct:     rr.int(cDuesOct),
				DuesOnTimeApr:     rr.int(cDuesApr),
				OfficerListOnTime: rr.int(cOffListOnTime),
			},
		}
		if era == EraTraditional {
			c.Goals.Level4s, c.Goals.AddLevel4s = rr.int(cCLALDTMs), rr.int(cAddCLALDTMs)
		}
		if l.has(cDuesOctApr) {
			both := rr.int(cDuesOctApr)
			c.Goals.DuesOnTimeOct, c.Goals.DuesOnTimeApr = both, both
		}
		if s, ok := knownStatus[strings.ToLower(c.Status)]; ok {
			c.Status = s
		} else {
			badStatus = append(badStatus, c.ClubID)
		}
		letter, ok := normLetter(rr.str(cDistinguishedStatus))
		if !ok {
			badLetter = append(badLetter, c.ClubID)
		}
		c.DistinguishedStatus = letter
		var reported *int
		if l.has(cNetGrowth) && rr.str(cNetGrowth) != "" {
			ng := rr.int(cNetGrowth)
			reported = &ng
			if ng != c.ActiveMembers-c.MembershipBase {
				growthDiffer = append(growthDiffer, c.ClubID)
			}
		}
		c.NetGrowth = snapshot.NetGrowth(reported, c.ActiveMembers, c.MembershipBase)
		trad := traditionalCounts{rr.int(cCCs), rr.int(cAddCCs), rr.int(cACs), rr.int(cAddACs), rr.int(cCLALDTMs), rr.int(cAddCLALDTMs)}
		switch era {
		case EraTraditional:
			c.DCPGoals = traditionalGoals(c.Goals, trad)
		case EraTransition:
			c.DCPGoals = transitionGoals(c.Goals, trad, rr.int(cLevel5s))
			c.GoalsApproximate = true
		default:
			c.DCPGoals = ComputeGoals(c.Goals)
		}
		if rr.err != nil {
			return nil, rr.err
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
	ids, divs, areas := make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows))
	for i, c := range rows {
		ids[i], divs[i], areas[i] = c.ClubID, c.DivisionID, c.AreaID
	}
	keep, dups := dedupe(ids, divs, areas)
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
