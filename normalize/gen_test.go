package normalize

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"

	"github.com/toaststats/toaststats/snapshot"
)

// This file writes reports the way export.aspx does (every cell quoted,
// CRLF, the unquoted two-cell footer), for the table tests, properties,
// fuzz seeds, golden files and benchmarks.

func quoteRow(cells []string) string {
	q := make([]string, len(cells))
	for i, c := range cells {
		q[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
	}
	return strings.Join(q, ",")
}

func csvBytes(header []string, rows [][]string, footer string) []byte {
	var b strings.Builder
	b.WriteString(quoteRow(header))
	b.WriteString("\r\n")
	for _, r := range rows {
		b.WriteString(quoteRow(r))
		b.WriteString("\r\n")
	}
	if footer != "" {
		b.WriteString(footer)
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

var clubHeaders = map[string][]string{
	EraPathways: {"District", "Division", "Area", "Club Number", "Club Name", "Club Status", "Mem. Base", "Active Members", "Goals Met", "Level 1s", "Level 2s", "Add. Level 2s", "Level 3s", "Level 4s, Level 5s, or DTM award", "Add. Level 4s, Level 5s, or DTM award", "New Members", "Add. New Members", "Off. Trained Round 1", "Off. Trained Round 2", "Mem. dues on time Oct", "Mem. dues on time Apr", "Off. List On Time", "Club Distinguished Status"},
	EraCSP:      {"District", "Division", "Area", "Club Number", "Club Name", "Club Status", "CSP", "Mem. Base", "Active Members", "Net Growth", "Goals Met", "Level 1s", "Level 2s", "Add. Level 2s", "Level 3s", "Level 4s, Path Completions, or DTM Awards", "Add. Level 4s, Path Completions, or DTM award", "New Members", "Add. New Members", "Off. Trained Round 1", "Off. Trained Round 2", "Mem. dues on time Oct", "Mem. dues on time Apr", "Off. List On Time", "Club Distinguished Status"},
	EraEOM:      {"District", "Division", "Area", "Club Number", "Club Name", "Club Status", "CSP", "Mem. Base", "Active Members", "Net Growth", "Goals Met", "Level 1s", "Level 2s or EOM", "Add. Level 2s or EOM", "Level 3s", "Level 4s, Path Completions, or DTM Awards", "Add. Level 4s, Path Completions, or DTM award", "New Members", "Add. New Members", "Off. Trained Round 1", "Off. Trained Round 2", "Mem. dues on time Oct", "Mem. dues on time Apr", "Off. List On Time", "Club Distinguished Status"},
	// Older eras: names are real, the order is not known (spec §2.4).
	EraTransition:  {"District", "Division", "Area", "Club Number", "Club Name", "Club Status", "Mem. Base", "Active Members", "Goals Met", "Level 1s", "Level 2s", "Add. Level 2s", "Level 3s", "Level 4s", "Add. Level 4s", "New Members", "Add. New Members", "Off. Trained Round 1", "Off. Trained Round 2", "Mem. dues on time Oct", "Mem. dues on time Apr", "Off. List On Time", "Club Distinguished Status"},
	EraTraditional: {"District", "Division", "Area", "Club Number", "Club Name", "Club Status", "Mem. Base", "Active Members", "Goals Met", "CCs", "Add. CCs", "ACs", "Add. ACs", "CL/AL/DTMs", "Add. CL/AL/DTMs", "New Members", "Add. New Members", "Off. Trained Round 1", "Off. Trained Round 2", "Mem. dues on time Oct & Apr", "Off. List On Time", "Club Distinguished Status"},
}

// clubCells renders one club under a header, by header name.
func clubCells(header []string, district string, c snapshot.Club) []string {
	g := c.Goals
	out := make([]string, len(header))
	for i, h := range header {
		var v string
		switch h {
		case "District":
			v = district
		case "Division":
			v = c.DivisionID
		case "Area":
			v = c.AreaID
		case "Club Number", "Club":
			v = c.ClubID
		case "Club Name":
			v = c.ClubName
		case "Club Status":
			v = c.Status
		case "CSP":
			if c.CSP != nil && *c.CSP {
				v = "Y"
			} else {
				v = "N"
			}
		case "Mem. Base":
			v = strconv.Itoa(c.MembershipBase)
		case "Active Members":
			v = strconv.Itoa(c.ActiveMembers)
		case "Net Growth":
			v = strconv.Itoa(c.NetGrowth)
		case "Goals Met":
			v = strconv.Itoa(c.GoalsMet)
		case "Level 1s", "CCs":
			v = strconv.Itoa(g.Level1s)
		case "Level 2s", "Level 2s or EOM", "Add. CCs":
			v = strconv.Itoa(g.Level2s)
		case "Add. Level 2s", "Add. Level 2s or EOM", "ACs":
			v = strconv.Itoa(g.AddLevel2s)
		case "Level 3s", "Add. ACs":
			v = strconv.Itoa(g.Level3s)
		case "Level 4s, Level 5s, or DTM award", "Level 4s, Path Completions, or DTM Awards", "Level 4s", "CL/AL/DTMs":
			v = strconv.Itoa(g.Level4s)
		case "Add. Level 4s, Level 5s, or DTM award", "Add. Level 4s, Path Completions, or DTM award", "Add. Level 4s", "Add. CL/AL/DTMs":
			v = strconv.Itoa(g.AddLevel4s)
		case "New Members":
			v = strconv.Itoa(g.NewMembers)
		case "Add. New Members":
			v = strconv.Itoa(g.AddNewMembers)
		case "Off. Trained Round 1":
			v = strconv.Itoa(g.OfficersRound1)
		case "Off. Trained Round 2":
			v = strconv.Itoa(g.OfficersRound2)
		case "Mem. dues on time Oct", "Mem. dues on time Oct & Apr":
			v = strconv.Itoa(g.DuesOnTimeOct)
		case "Mem. dues on time Apr":
			v = strconv.Itoa(g.DuesOnTimeApr)
		case "Off. List On Time":
			v = strconv.Itoa(g.OfficerListOnTime)
		case "Club Distinguished Status":
			v = c.DistinguishedStatus
		}
		out[i] = v
	}
	return out
}

func clubCSV(era, district string, clubs []snapshot.Club, footer string) []byte {
	h := clubHeaders[era]
	rows := make([][]string, len(clubs))
	for i, c := range clubs {
		rows[i] = clubCells(h, district, c)
	}
	return csvBytes(h, rows, footer)
}

var districtHeader14 = []string{"District", "Division", "Area", "Club", "Club Name", "New", "Late Ren.", "Oct. Ren.", "Apr. Ren.", "Total Ren.", "Total Chart", "Total to Date", "Distinguished Status", "Charter Date/Suspend Date"}

func districtCSV(district string, rows []DistrictClubRow, charterCells []string, footer string) []byte {
	out := make([][]string, len(rows))
	for i, r := range rows {
		p := r.Payments
		cell := ""
		if charterCells != nil {
			cell = charterCells[i]
		}
		out[i] = []string{district, r.DivisionID, r.AreaID, r.ClubID, r.ClubName, strconv.Itoa(p.New), strconv.Itoa(p.LateRenewals),
			strconv.Itoa(p.OctRenewals), strconv.Itoa(p.AprRenewals), strconv.Itoa(p.TotalRenewals), strconv.Itoa(p.Charter),
			strconv.Itoa(p.TotalToDate), r.DistinguishedStatus, cell}
	}
	return csvBytes(districtHeader14, out, footer)
}

var divisionHeader33 = []string{"District", "Division", "Area", "Club", "Club Name", "October Renewals", "April Renewals", "Nov Visit award", "May Visit award", "Membership to date", "Club Goals Met", "Distinguished Club", "Area Club Base", "Area Paid Club Goal for Dist.", "Area Paid Club Goal for Select Dist.", "Area Paid Club Goal for Pres. Dist.", "Total Paid Area Clubs", "Area Dist. Club Goal for Dist.", "Area Dist. Club Goal for Select Dist.", "Area Dist. Club Goal for Pres. Dist.", "Total Dist. Area Clubs", "Distinguished Area", "Division Club Base", "Division Paid Club Goal for Dist.", "Division Paid Club Goal for Select Dist.", "Division Paid Club Goal for Pres. Dist.", "Total Paid Division Clubs", "Division Dist. Club Goal for Dist.", "Division Dist. Club Goal for Select Dist.", "Division Dist. Club Goal for Pres. Dist.", "Total Dist. Division Clubs", "Distinguished Division", "Charter Date/Suspend Date"}

var summaryHeader25 = []string{"REGION", "DISTRICT", "DSP", "Training", "Market Analysis", "Communication Plan", "Region Advisor Visit", "New Payments", "April Payments", "October Payments", "Late Payments", "Charter Payments", "Total YTD Payments", "Payment Base", "% Payment Growth", "Paid Club Base", "Paid Clubs", "% Club Growth", "Active Clubs", "Distinguished Clubs", "Select Distinguished Clubs", "Presidents Distinguished Clubs", "Smedley Distinguished Clubs", "Total Distinguished Clubs", "% Distinguished Clubs"}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

func pctString(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "0"), "0")
	s = strings.TrimSuffix(s, ".")
	return s + "%"
}

func summaryCells(r snapshot.SummaryRow) []string {
	return []string{r.Region, r.DistrictID, yn(*r.DSP), yn(*r.Training), yn(*r.MarketAnalysis), yn(*r.CommunicationPlan), yn(*r.RegionAdvisorVisit),
		strconv.Itoa(r.NewPayments), strconv.Itoa(r.AprilPayments), strconv.Itoa(r.OctoberPayments), strconv.Itoa(r.LatePayments),
		strconv.Itoa(r.CharterPayments), strconv.Itoa(r.TotalYTDPayments), strconv.Itoa(r.PaymentBase), pctString(r.PaymentGrowthPercent),
		strconv.Itoa(r.PaidClubBase), strconv.Itoa(r.PaidClubs), pctString(r.ClubGrowthPercent), strconv.Itoa(r.ActiveClubs),
		strconv.Itoa(r.DistinguishedClubs), strconv.Itoa(r.SelectDistinguishedClubs), strconv.Itoa(r.PresidentsDistinguishedClubs),
		strconv.Itoa(*r.SmedleyDistinguishedClubs), strconv.Itoa(r.TotalDistinguishedClubs), pctString(r.DistinguishedClubsPercent)}
}

// randomClub makes a club whose columns respect the report's caps and whose
// reported goals and letter follow the rules of py.
func randomClub(rng *rand.Rand, i int, py string, withCSP bool) snapshot.Club {
	divs := "ABCDEFGHJK"
	base := rng.Intn(40)
	active := rng.Intn(45)
	c := snapshot.Club{
		ClubID:         fmt.Sprintf("%08d", 1000+i*7919%99999999),
		ClubName:       fmt.Sprintf("Club %d Speakers", i),
		DivisionID:     string(divs[i/25%len(divs)]),
		AreaID:         fmt.Sprintf("%02d", i/5%60+1),
		Status:         []string{"Active", "Active", "Active", "Low", "Ineligible", "Suspended"}[rng.Intn(6)],
		MembershipBase: base,
		ActiveMembers:  active,
		NetGrowth:      active - base,
		Goals: snapshot.GoalCounts{
			Level1s: rng.Intn(9), Level2s: rng.Intn(3), AddLevel2s: rng.Intn(5), Level3s: rng.Intn(5),
			Level4s: rng.Intn(2), AddLevel4s: rng.Intn(4), NewMembers: rng.Intn(5), AddNewMembers: rng.Intn(30),
			OfficersRound1: rng.Intn(8), OfficersRound2: rng.Intn(8), DuesOnTimeOct: rng.Intn(2), DuesOnTimeApr: rng.Intn(2),
			OfficerListOnTime: rng.Intn(3),
		},
	}
	if i%9 == 4 {
		c.ClubName += " " // trailing spaces occur in real names
	}
	if withCSP {
		v := rng.Intn(4) != 0
		c.CSP = &v
	}
	c.DCPGoals = ComputeGoals(c.Goals)
	c.GoalsMet = CountGoals(c.DCPGoals)
	c.DistinguishedLevel = ComputeLevel(py, c.GoalsMet, c.ActiveMembers, c.NetGrowth, c.CSP)
	c.DistinguishedStatus = c.DistinguishedLevel
	return c
}

func randomClubs(seed int64, n int, py string, withCSP bool) []snapshot.Club {
	rng := rand.New(rand.NewSource(seed))
	clubs := make([]snapshot.Club, n)
	for i := range clubs {
		clubs[i] = randomClub(rng, i, py, withCSP)
	}
	return clubs
}

// worldSummary makes a summary of n districts with real-looking ids.
func worldSummary(n int, footer string) []byte {
	rows := make([][]string, 0, n)
	t := true
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%02d", i+1)
		region := fmt.Sprintf("%02d", i%14+1)
		switch i {
		case n - 2:
			id = "F"
		case n - 1:
			id, region = "U", "DNAR"
		}
		sm := i % 7
		base := 3000 + 97*i
		total := base - 500 + 13*i
		r := snapshot.SummaryRow{Region: region, DistrictID: id, DSP: &t, Training: &t, MarketAnalysis: &t, CommunicationPlan: &t, RegionAdvisorVisit: &t,
			NewPayments: 1000 + i, AprilPayments: 900, OctoberPayments: total - 1000 - i - 900 - 10 - 50, LatePayments: 10, CharterPayments: 50,
			TotalYTDPayments: total, PaymentBase: base, PaymentGrowthPercent: float64(int(float64(total-base)/float64(base)*10000)) / 100,
			PaidClubBase: 100 + i, PaidClubs: 98 + i, ClubGrowthPercent: -1.5, ActiveClubs: 99 + i,
			DistinguishedClubs: 10, SelectDistinguishedClubs: 8, PresidentsDistinguishedClubs: 6, SmedleyDistinguishedClubs: &sm,
			TotalDistinguishedClubs: 24 + sm, DistinguishedClubsPercent: 24.5}
		rows = append(rows, summaryCells(r))
	}
	return csvBytes(summaryHeader25, rows, footer)
}
