package analytics

import (
	"math"
	"sort"
	"strconv"

	"github.com/toaststats/toaststats/snapshot"
)

// series is a validated, date-sorted copy of the input points.
type series struct {
	points []Point
}

// newSeries keeps the points that have district data, sorted by date (the
// last of equal dates wins).
func newSeries(points []Point) (*series, error) {
	ps := make([]Point, 0, len(points))
	for _, p := range points {
		if p.District != nil {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return nil, ErrNoData
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Date < ps[j].Date })
	dedup := ps[:0]
	for i, p := range ps {
		if i+1 < len(ps) && ps[i+1].Date == p.Date {
			continue
		}
		dedup = append(dedup, p)
	}
	return &series{points: dedup}, nil
}

func indexClubs(d *snapshot.District) map[string]*snapshot.Club {
	m := make(map[string]*snapshot.Club, len(d.ClubDetails))
	for j := range d.ClubDetails {
		m[d.ClubDetails[j].ClubID] = &d.ClubDetails[j]
	}
	return m
}

func (s *series) last() *Point       { return &s.points[len(s.points)-1] }
func (s *series) first() *Point      { return &s.points[0] }
func (s *series) districtID() string { return s.last().District.DistrictID }

// round rounds to the given number of decimals.
func round(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}

// pct is (cur−prev)/prev×100 rounded to 1 decimal; 100 when prev is 0 and
// cur positive, 0 when both are 0.
func pct(prev, cur float64) float64 {
	if prev == 0 {
		if cur > 0 {
			return 100
		}
		return 0
	}
	return round((cur-prev)/prev*100, 1)
}

// clubKey is the key of an area: division and area together.
func areaKey(div, area string) string { return div + "/" + area }

// areaName is the display name of an area.
func areaName(div, area string) string { return "Division " + div + " Area " + area }

func divisionName(div string) string { return "Division " + div }

// clubPaymentsTotal returns a club's payments to date, and whether known.
func clubPaymentsTotal(c *snapshot.Club) (int, bool) {
	if c.Payments == nil {
		return 0, false
	}
	return c.Payments.TotalToDate, true
}

// levelCounts counts the reported distinguished letters of the clubs that
// are not suspended.
func levelCounts(d *snapshot.District) LevelCounts {
	var lc LevelCounts
	for i := range d.ClubDetails {
		c := &d.ClubDetails[i]
		if c.Status == snapshot.ClubSuspended {
			continue
		}
		switch reportedLevel(c) {
		case snapshot.LevelSmedley:
			lc.Smedley++
		case snapshot.LevelPresidents:
			lc.Presidents++
		case snapshot.LevelSelect:
			lc.Select++
		case snapshot.LevelDistinguished:
			lc.Distinguished++
		}
	}
	lc.Total = lc.Smedley + lc.Presidents + lc.Select + lc.Distinguished
	return lc
}

// reportedLevel is the dashboard's letter, or the computed letter when the
// reported one is not a known letter.
func reportedLevel(c *snapshot.Club) string {
	if snapshot.LevelRank(c.DistinguishedStatus) >= 0 {
		return c.DistinguishedStatus
	}
	if snapshot.LevelRank(c.DistinguishedLevel) >= 0 {
		return c.DistinguishedLevel
	}
	return snapshot.LevelNone
}

// levelName is the long name of a level letter.
func levelName(l string) string {
	switch l {
	case snapshot.LevelDistinguished:
		return "Distinguished"
	case snapshot.LevelSelect:
		return "Select"
	case snapshot.LevelPresidents:
		return "President"
	case snapshot.LevelSmedley:
		return "Smedley"
	}
	return "NotDistinguished"
}

// memberTotal sums Active Members over the district's clubs when the
// district total is not filled.
func memberTotal(d *snapshot.District) int {
	if d.Membership.Total != 0 || len(d.ClubDetails) == 0 {
		return d.Membership.Total
	}
	t := 0
	for i := range d.ClubDetails {
		t += d.ClubDetails[i].ActiveMembers
	}
	return t
}

// paymentTotal is the district's payments to date (summary "Total YTD
// Payments" or the sum of clubs' "Total to Date").
func paymentTotal(d *snapshot.District) int {
	if d.Membership.Payments.Total != 0 {
		return d.Membership.Payments.Total
	}
	if d.Summary != nil {
		return d.Summary.TotalYTDPayments
	}
	t := 0
	for i := range d.ClubDetails {
		if v, ok := clubPaymentsTotal(&d.ClubDetails[i]); ok {
			t += v
		}
	}
	return t
}

func itoa(n int) string { return strconv.Itoa(n) }

// datePlusDays returns the day number (days since 0000-03-01, proleptic
// Gregorian) of a YYYY-MM-DD date, for differences between dates without any
// time zone; ok false when unparseable.
func dayNumber(date string) (int, bool) {
	if len(date) != 10 {
		return 0, false
	}
	y, e1 := strconv.Atoi(date[:4])
	m, e2 := strconv.Atoi(date[5:7])
	d, e3 := strconv.Atoi(date[8:10])
	if e1 != nil || e2 != nil || e3 != nil || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	if m <= 2 {
		y--
		m += 12
	}
	return 365*y + y/4 - y/100 + y/400 + (153*(m-3)+2)/5 + d - 1, true
}
