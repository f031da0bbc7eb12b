package validate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// Input is everything one snapshot build hands to validation.
type Input struct {
	// Districts are the normalised districts of the snapshot.
	Districts []snapshot.District
	// Summary are the rows of the all-districts summary report of the same
	// date (what normalize.ReadSummary returned); nil when it was missing.
	Summary []snapshot.SummaryRow
	// DataAsOfDate is the dashboard's as-of date (YYYY-MM-DD) of the data.
	DataAsOfDate string
	// Now is the time of the build; the zero value skips the future-date
	// check.
	Now time.Time

	// CollectionDate is the raw-cache folder (YYYY-MM-DD) the snapshot is
	// built from; "" skips the staleness checks, which are relative to it.
	CollectionDate string
	// DistrictErrors are the configured districts the build could not read
	// (missing report, checksum mismatch, parse error, ...); each becomes a
	// DISTRICT_UNAVAILABLE warning so that file errors reach the findings.
	DistrictErrors []snapshot.DistrictError
}

// MaxCollectionLagDays is how many days the as-of date may lag behind the
// collection date before STALE_DATA is reported.
const MaxCollectionLagDays = 7

// maxListed is how many club or district ids a summarising message lists.
const maxListed = 5

// Validate runs every rule over in and returns the findings, snapshot-wide
// findings first, then district findings by district id in natural order
// (numeric ids first), each district's in rule order. It never panics on bad
// input and returns nil when everything is consistent.
func Validate(in Input) []snapshot.Finding {
	x := NewValidator(in)
	ids := make([]string, len(in.Districts))
	per := make([][]snapshot.Finding, len(in.Districts))
	for i := range in.Districts {
		ids[i] = in.Districts[i].DistrictID
		per[i] = x.District(&in.Districts[i])
	}
	return x.Findings(ids, per, in.DistrictErrors)
}

// Validator runs Validate's rules district by district: District as each
// district is built (from several goroutines at once), then Findings with
// every district's id and findings, which returns exactly what Validate
// returns for the same districts. A builder so validates each district
// while it has it at hand and need not keep every district until the end.
type Validator struct {
	in      Input
	summary map[string]*snapshot.SummaryRow
}

// NewValidator returns a Validator of in; in.Districts and
// in.DistrictErrors are not used (they are handed to District and
// Findings).
func NewValidator(in Input) *Validator {
	in.Districts, in.DistrictErrors = nil, nil
	v := &validator{in: in}
	v.summaryRules(false)
	return &Validator{in: in, summary: v.summary}
}

// District returns the findings of the rules over one district. It is safe
// for concurrent use.
func (x *Validator) District(d *snapshot.District) []snapshot.Finding {
	v := &validator{in: x.in, summary: x.summary}
	v.districtRules(d)
	return v.out
}

// Findings returns the findings of the snapshot whose districts have the
// ids (in the order Validate would get them) and the findings District
// returned for each, in the same order, and whose unavailable districts are
// unavailable (Input.DistrictErrors).
func (x *Validator) Findings(ids []string, districts [][]snapshot.Finding, unavailable []snapshot.DistrictError) []snapshot.Finding {
	v := &validator{in: x.in}
	v.snapshotRules(ids)
	v.summaryRules(len(ids) > 0)
	for _, f := range districts {
		v.out = append(v.out, f...)
	}
	for _, de := range unavailable {
		msg := fmt.Sprintf("District %s: not included (%s", de.DistrictID, de.Reason)
		if de.Report != "" {
			msg += ", " + de.Report
		}
		msg += ")"
		if de.Error != "" {
			msg += ": " + de.Error
		}
		v.add(snapshot.SeverityWarning, CodeDistrictUnavailable, de.DistrictID, msg)
	}
	slices.SortStableFunc(v.out, func(a, b snapshot.Finding) int {
		switch {
		case a.DistrictID == b.DistrictID:
			return 0
		case a.DistrictID == "":
			return -1
		case b.DistrictID == "":
			return 1
		}
		return snapshot.CompareDistrictIDs(a.DistrictID, b.DistrictID)
	})
	return v.out
}

// HasErrors reports whether any finding is an error (which makes the
// snapshot failed).
func HasErrors(f []snapshot.Finding) bool {
	return slices.ContainsFunc(f, func(x snapshot.Finding) bool { return x.Severity == snapshot.SeverityError })
}

// Messages returns the findings of one severity as "CODE: message" lines,
// in order, for snapshot metadata's errors and warnings lists. It returns
// an empty, non-nil slice when there are none.
func Messages(f []snapshot.Finding, severity snapshot.Severity) []string {
	out := []string{}
	for _, x := range f {
		if x.Severity == severity {
			out = append(out, x.Code+": "+x.Message)
		}
	}
	return out
}

type validator struct {
	in  Input
	out []snapshot.Finding
	// summary holds the first summary row of each real district id.
	summary map[string]*snapshot.SummaryRow
}

func (v *validator) add(sev snapshot.Severity, code, district, msg string) {
	v.out = append(v.out, snapshot.Finding{Severity: sev, Code: code, DistrictID: district, Message: msg})
}

func (v *validator) errorf(code, district, format string, args ...any) {
	v.add(snapshot.SeverityError, code, district, prefix(district)+fmt.Sprintf(format, args...))
}

func (v *validator) warnf(code, district, format string, args ...any) {
	v.add(snapshot.SeverityWarning, code, district, prefix(district)+fmt.Sprintf(format, args...))
}

func prefix(district string) string {
	if district == "" {
		return ""
	}
	return "District " + district + ": "
}

// snapshotRules are the rules over the snapshot as a whole, whose
// districts have the ids.
func (v *validator) snapshotRules(ids []string) {
	in := v.in
	if len(ids) == 0 && len(in.Summary) == 0 {
		v.errorf(CodeNoData, "", "the snapshot has no districts and no summary rows")
	}

	asOf, asOfOK := parseDate(in.DataAsOfDate)
	if !asOfOK {
		if in.DataAsOfDate == "" {
			v.errorf(CodeInvalidAsOfDate, "", "the data as-of date is missing")
		} else {
			v.errorf(CodeInvalidAsOfDate, "", "the data as-of date %q is not a calendar date YYYY-MM-DD", in.DataAsOfDate)
		}
	} else {
		v.futureDate(asOf, "", "the data as-of date")
		if coll, ok := parseDate(in.CollectionDate); ok {
			lag := int(coll.Sub(asOf).Hours() / 24)
			if lag > MaxCollectionLagDays {
				v.warnf(CodeStaleData, "", "the data as-of date %s is %d days older than the collection date %s (the dashboard served old data)",
					in.DataAsOfDate, lag, in.CollectionDate)
			} else if lag < 0 {
				v.warnf(CodeAsOfAfterCollection, "", "the data as-of date %s is later than the collection date %s",
					in.DataAsOfDate, in.CollectionDate)
			}
		} else if in.CollectionDate != "" {
			v.errorf(CodeInvalidAsOfDate, "", "the collection date %q is not a calendar date YYYY-MM-DD", in.CollectionDate)
		}
	}

	// Duplicate and malformed district ids.
	count := make(map[string]int, len(ids))
	for _, id := range ids {
		if !isDistrictID(id) {
			v.errorf(CodeInvalidDistrictID, id, "district id %q is not a district id (upper-case letters and digits)", id)
			continue
		}
		count[id]++
		if count[id] == 2 {
			v.errorf(CodeDuplicateDistrictID, id, "the district appears more than once in the snapshot")
		}
	}
}

// futureDate reports a date later than the day after Now (UTC): a snapshot
// id from the future would keep every later snapshot from becoming current.
func (v *validator) futureDate(d time.Time, district, what string) {
	if v.in.Now.IsZero() {
		return
	}
	n := v.in.Now.UTC()
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	if d.After(today.AddDate(0, 0, 1)) {
		v.errorf(CodeAsOfDateInFuture, district, "%s %s is in the future (now is %s)", what, d.Format(time.DateOnly), n.Format(time.RFC3339))
	}
}

// summaryRules are the rules over the all-districts summary rows of a
// snapshot that has districts or not; they fill v.summary.
func (v *validator) summaryRules(haveDistricts bool) {
	v.summary = make(map[string]*snapshot.SummaryRow, len(v.in.Summary))
	var junk []string
	dups := map[string]int{}
	var dupOrder []string
	for i := range v.in.Summary {
		r := &v.in.Summary[i]
		// Summary ids are matched case-insensitively, as ranking does.
		if !isDistrictID(strings.ToUpper(r.DistrictID)) {
			junk = append(junk, strconv.Quote(r.DistrictID))
			continue
		}
		key := strings.ToUpper(r.DistrictID)
		if _, seen := v.summary[key]; seen {
			if dups[key] == 0 {
				dupOrder = append(dupOrder, key)
			}
			dups[key]++
			continue
		}
		v.summary[key] = r
	}
	if len(junk) > 0 {
		v.warnf(CodeSummaryNonDistrictRow, "", "%d summary row(s) are not districts and are not ranked: %s", len(junk), list(junk))
	}
	for _, id := range dupOrder {
		v.warnf(CodeDuplicateSummaryDistrict, id, "the summary has %d more row(s) for the district; only the first is used", dups[id])
	}
	if len(v.summary) == 0 && haveDistricts {
		v.warnf(CodeSummaryMissing, "", "the summary has no district rows: no rankings can be computed")
	}
	ids := make([]string, 0, len(v.summary))
	for id := range v.summary {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, snapshot.CompareDistrictIDs)
	for _, id := range ids {
		r := v.summary[id]
		if sum := r.NewPayments + r.AprilPayments + r.OctoberPayments + r.LatePayments + r.CharterPayments; sum != r.TotalYTDPayments {
			v.warnf(CodeSummaryPaymentsSum, id, "summary payments new %d + april %d + october %d + late %d + charter %d = %d, but total YTD payments is %d",
				r.NewPayments, r.AprilPayments, r.OctoberPayments, r.LatePayments, r.CharterPayments, sum, r.TotalYTDPayments)
		}
		if r.TotalDistinguishedClubs > r.ActiveClubs {
			v.warnf(CodeSummaryDistinguishedExceedsActive, id, "summary total distinguished clubs (%d) exceed active clubs (%d)",
				r.TotalDistinguishedClubs, r.ActiveClubs)
		}
	}
}

// districtRules are the rules over one district.
func (v *validator) districtRules(d *snapshot.District) {
	id := d.DistrictID
	if !isDistrictID(id) {
		return // reported as INVALID_DISTRICT_ID; nothing else can be attributed
	}

	// Dates.
	if asOf, ok := parseDate(d.AsOfDate); !ok {
		if d.AsOfDate == "" {
			// Some exports have no footer: unknown, not invalid.
			v.warnf(CodeAsOfDateUnknown, id, "no report of the district has a footer: its as-of date and data month are unknown")
		} else {
			v.errorf(CodeInvalidAsOfDate, id, "the as-of date %q is not a calendar date YYYY-MM-DD", d.AsOfDate)
		}
	} else {
		v.futureDate(asOf, id, "the as-of date")
		if _, ok := parseDate(v.in.DataAsOfDate); ok && d.AsOfDate != v.in.DataAsOfDate {
			v.warnf(CodeAsOfDateMismatch, id, "the district's as-of date %s differs from the snapshot's %s", d.AsOfDate, v.in.DataAsOfDate)
		}
	}

	v.negativeCounts(d)

	// Clubs with a status or level letter the dashboard has not used before
	// fall in no bucket; they draw UNKNOWN_* warnings, and the sums below
	// accept them either way, so that a new word on the dashboard does not
	// fail every snapshot.
	var unknownStatus, unknownLevel int
	for i := range d.ClubDetails {
		switch d.ClubDetails[i].Status {
		case snapshot.ClubActive, snapshot.ClubLow, snapshot.ClubIneligible, snapshot.ClubSuspended:
		default:
			unknownStatus++
		}
		if snapshot.LevelRank(d.ClubDetails[i].DistinguishedStatus) < 0 {
			unknownLevel++
		}
	}
	c := d.Clubs
	if sum := c.Active + c.Low + c.Ineligible + c.Suspended; sum != c.Total && sum+unknownStatus != c.Total {
		v.errorf(CodeClubStatusSum, id, "club status counts active %d + low %d + ineligible %d + suspended %d = %d do not sum to total clubs %d",
			c.Active, c.Low, c.Ineligible, c.Suspended, sum, c.Total)
	}
	if sum := c.DistinguishedOnly + c.Select + c.Presidents + c.Smedley; sum != c.Distinguished && sum+unknownLevel != c.Distinguished {
		v.errorf(CodeDistinguishedLevelSum, id, "distinguished levels D %d + S %d + P %d + M %d = %d do not sum to distinguished clubs %d",
			c.DistinguishedOnly, c.Select, c.Presidents, c.Smedley, sum, c.Distinguished)
	}
	if c.Distinguished > c.Total {
		v.errorf(CodeDistinguishedExceedsTotal, id, "distinguished clubs (%d) exceed total clubs (%d)", c.Distinguished, c.Total)
	} else if c.Distinguished > c.Active+c.Low {
		v.warnf(CodeDistinguishedExceedsActive, id, "distinguished clubs (%d) exceed clubs in good standing (active %d + low %d): some suspended or ineligible clubs carry a level",
			c.Distinguished, c.Active, c.Low)
	}

	m := d.Membership
	if m.Total > 0 && c.Total == 0 {
		v.errorf(CodeMembershipWithoutClubs, id, "has %d members but no clubs", m.Total)
	}
	if c.Active > 0 && m.Total == 0 {
		v.warnf(CodeClubsWithoutMembership, id, "has %d active clubs but no members", c.Active)
	}
	if m.Change != m.Total-m.Base {
		v.warnf(CodeMembershipChange, id, "membership change %d is not total %d - base %d = %d", m.Change, m.Total, m.Base, m.Total-m.Base)
	} else if want := changePercent(m.Change, m.Base); !(abs(m.ChangePercent-want) <= 0.0051) {
		v.warnf(CodeMembershipChange, id, "membership change percent %v is not change %d / base %d = %v", m.ChangePercent, m.Change, m.Base, want)
	}
	if len(d.ClubDetails) > 0 {
		sum := 0
		for i := range d.ClubDetails {
			sum += d.ClubDetails[i].ActiveMembers
		}
		if sum != m.Total {
			v.warnf(CodeMembershipSum, id, "the clubs' active members sum to %d, but total membership is %d", sum, m.Total)
		}
	}
	if len(m.ByClub) > 0 {
		sum := 0
		for _, b := range m.ByClub {
			sum += b.MemberCount
		}
		if sum != m.Total {
			v.warnf(CodeMembershipSum, id, "membership by club sums to %d, but total membership is %d", sum, m.Total)
		}
	}
	p := m.Payments
	if sum := p.New + p.October + p.April + p.Late + p.Charter; sum != p.Total {
		v.warnf(CodePaymentsSum, id, "payments new %d + october %d + april %d + late %d + charter %d = %d, but total is %d",
			p.New, p.October, p.April, p.Late, p.Charter, sum, p.Total)
	}

	v.clubRules(d)

	e := d.Education
	sum := 0
	for _, t := range e.ByType {
		sum += t.Count
	}
	if sum != e.TotalAwards {
		v.warnf(CodeEducationSum, id, "awards by type sum to %d, but total awards is %d", sum, e.TotalAwards)
	}
	top := 0
	for _, t := range e.TopClubs {
		top += t.Awards
	}
	if top > e.TotalAwards {
		v.warnf(CodeTopClubAwardsExceedTotal, id, "the top clubs' awards (%d) exceed total awards (%d)", top, e.TotalAwards)
	}

	v.summaryVsDistrict(d)
	v.sourceRules(d)
}

// negativeCounts reports every count of the district that is below zero.
func (v *validator) negativeCounts(d *snapshot.District) {
	var bad []string
	check := func(name string, n int) {
		if n < 0 {
			bad = append(bad, fmt.Sprintf("%s %d", name, n))
		}
	}
	c, m, p := d.Clubs, d.Membership, d.Membership.Payments
	for _, f := range []struct {
		name string
		n    int
	}{
		{"clubs.total", c.Total}, {"clubs.active", c.Active}, {"clubs.low", c.Low},
		{"clubs.ineligible", c.Ineligible}, {"clubs.suspended", c.Suspended},
		{"clubs.distinguished", c.Distinguished}, {"clubs.distinguishedOnly", c.DistinguishedOnly},
		{"clubs.select", c.Select}, {"clubs.presidents", c.Presidents}, {"clubs.smedley", c.Smedley},
		{"membership.total", m.Total}, {"membership.base", m.Base},
		{"payments.new", p.New}, {"payments.october", p.October}, {"payments.april", p.April},
		{"payments.late", p.Late}, {"payments.charter", p.Charter}, {"payments.total", p.Total},
		{"education.totalAwards", d.Education.TotalAwards},
	} {
		check(f.name, f.n)
	}
	for i := range d.ClubDetails {
		cl := &d.ClubDetails[i]
		if cl.ActiveMembers < 0 || cl.MembershipBase < 0 || cl.GoalsMet < 0 {
			check("club "+cl.ClubID+" activeMembers", cl.ActiveMembers)
			check("club "+cl.ClubID+" membershipBase", cl.MembershipBase)
			check("club "+cl.ClubID+" goalsMet", cl.GoalsMet)
		}
	}
	if len(bad) > 0 {
		v.errorf(CodeNegativeCount, d.DistrictID, "negative counts: %s", list(bad))
	}
}

// clubRules are the per-club rules, each summarised in one finding per
// district.
func (v *validator) clubRules(d *snapshot.District) {
	id := d.DistrictID
	var invalid, dups, unknownStatus, unknownLevel, approx, levels []string
	type unexplained struct {
		club                string
		goalsMet, breakdown int
	}
	var goals []unexplained
	py := d.ProgramYear
	if py == "" {
		py = snapshot.ProgramYearOf(d.DataMonth)
	}
	seen := make(map[string]bool, len(d.ClubDetails))
	var got snapshot.ClubCounts
	for i := range d.ClubDetails {
		cl := &d.ClubDetails[i]
		if !isClubID(cl.ClubID) {
			invalid = append(invalid, strconv.Quote(cl.ClubID))
		} else if seen[cl.ClubID] {
			dups = append(dups, cl.ClubID)
		}
		seen[cl.ClubID] = true

		got.Total++
		switch cl.Status {
		case snapshot.ClubActive:
			got.Active++
		case snapshot.ClubLow:
			got.Low++
		case snapshot.ClubIneligible:
			got.Ineligible++
		case snapshot.ClubSuspended:
			got.Suspended++
		default:
			unknownStatus = append(unknownStatus, fmt.Sprintf("%s %q", cl.ClubID, cl.Status))
		}
		switch cl.DistinguishedStatus {
		case snapshot.LevelNone:
		case snapshot.LevelDistinguished:
			got.DistinguishedOnly++
		case snapshot.LevelSelect:
			got.Select++
		case snapshot.LevelPresidents:
			got.Presidents++
		case snapshot.LevelSmedley:
			got.Smedley++
		default:
			unknownLevel = append(unknownLevel, fmt.Sprintf("%s %q", cl.ClubID, cl.DistinguishedStatus))
		}
		if snapshot.LevelRank(cl.DistinguishedStatus) > 0 {
			got.Distinguished++
		}
		if diff := cl.GoalsUnexplained(); diff != 0 {
			if cl.GoalsApproximate {
				approx = append(approx, fmt.Sprintf("%s (%+d)", cl.ClubID, diff))
			} else {
				goals = append(goals, unexplained{cl.ClubID, cl.GoalsMet, cl.GoalsComputed()})
			}
		}
		if computed := snapshot.ClubLevelOf(cl, py); cl.DistinguishedStatus != computed && snapshot.LevelRank(cl.DistinguishedStatus) >= 0 {
			levels = append(levels, fmt.Sprintf("%s (reported %q, computed %q)", cl.ClubID, cl.DistinguishedStatus, computed))
		}
	}
	if len(invalid) > 0 {
		v.errorf(CodeInvalidClubID, id, "%d club(s) with an id that is not a club number: %s", len(invalid), list(invalid))
	}
	if len(dups) > 0 {
		v.errorf(CodeDuplicateClubID, id, "%d club(s) appear more than once: %s", len(dups), list(dups))
	}
	if len(unknownStatus) > 0 {
		v.warnf(CodeUnknownClubStatus, id, "%d club(s) with an unknown status: %s", len(unknownStatus), list(unknownStatus))
	}
	if len(unknownLevel) > 0 {
		v.warnf(CodeUnknownDistinguishedStatus, id, "%d club(s) with an unknown distinguished status: %s", len(unknownLevel), list(unknownLevel))
	}
	if diff := countDiff(got, d.Clubs); diff != "" {
		v.warnf(CodeClubCountMismatch, id, "club counts differ from the %d club details: %s", len(d.ClubDetails), diff)
	}
	for _, g := range goals {
		v.warnf(CodeGoalsUnexplained, id, "club %s: Goals Met %d, the per-goal breakdown explains %d (difference %+d)", g.club, g.goalsMet, g.breakdown, g.goalsMet-g.breakdown)
	}
	if len(approx) > 0 {
		v.warnf(CodeGoalsUnexplained, id, "%d club(s) whose Goals Met the approximate (2018-20) breakdown does not explain: %s", len(approx), list(approx))
	}
	if len(levels) > 0 {
		v.warnf(CodeLevelMismatch, id, "%d club(s) whose reported distinguished status differs from the level computed by the rules: %s", len(levels), list(levels))
	}
}

// countDiff describes the fields where the counts from club details (got)
// differ from the district's counts (want); "" when they agree.
func countDiff(got, want snapshot.ClubCounts) string {
	var parts []string
	for _, f := range []struct {
		name      string
		got, want int
	}{
		{"total", got.Total, want.Total}, {"active", got.Active, want.Active}, {"low", got.Low, want.Low},
		{"ineligible", got.Ineligible, want.Ineligible}, {"suspended", got.Suspended, want.Suspended},
		{"distinguished", got.Distinguished, want.Distinguished}, {"distinguishedOnly", got.DistinguishedOnly, want.DistinguishedOnly},
		{"select", got.Select, want.Select}, {"presidents", got.Presidents, want.Presidents}, {"smedley", got.Smedley, want.Smedley},
	} {
		if f.got != f.want {
			parts = append(parts, fmt.Sprintf("%s %d in details vs %d", f.name, f.got, f.want))
		}
	}
	return strings.Join(parts, ", ")
}

// summaryVsDistrict compares the district's summary row with its own
// totals.
func (v *validator) summaryVsDistrict(d *snapshot.District) {
	id := d.DistrictID
	row := d.Summary
	if row == nil {
		row = v.summary[id]
	}
	if _, inSummary := v.summary[id]; !inSummary && len(v.summary) > 0 {
		v.warnf(CodeDistrictNotInSummary, id, "the district has no row in the all-districts summary and is not ranked")
	}
	if row == nil {
		return
	}
	if row.TotalYTDPayments != d.Membership.Payments.Total {
		v.warnf(CodeSummaryPaymentsMismatch, id, "summary total YTD payments %d differ from the district's payments total %d",
			row.TotalYTDPayments, d.Membership.Payments.Total)
	}
	if inGood := d.Clubs.Total - d.Clubs.Suspended; row.ActiveClubs != inGood {
		v.warnf(CodeSummaryActiveClubsMismatch, id, "summary active clubs %d differ from the district's %d clubs that are not suspended",
			row.ActiveClubs, inGood)
	}
}

// list joins up to maxListed items and says how many more there are.
func list(items []string) string {
	if len(items) <= maxListed {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:maxListed], ", ") + fmt.Sprintf(" and %d more", len(items)-maxListed)
}

func parseDate(s string) (time.Time, bool) { return snapshot.ParseDate(s) }

// isDistrictID reports whether id is a district id in its canonical
// (upper-case) form, as snapshots store it (snapshot.CanonicalDistrictID).
func isDistrictID(id string) bool {
	c, ok := snapshot.CanonicalDistrictID(id)
	return ok && c == id
}

// isClubID reports whether id is a club number: digits only.
func isClubID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

func changePercent(change, base int) float64 {
	if base == 0 {
		return 0
	}
	return float64(change) / float64(base) * 100
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
