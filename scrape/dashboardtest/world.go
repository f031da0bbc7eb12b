package dashboardtest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/snapshot"
)

// Errors returned by World.CSV; branch on them with errors.Is.
var (
	// ErrUnknownDate: the as-of date is not one the world publishes.
	ErrUnknownDate = errors.New("dashboardtest: no data published for that as-of date")
	// ErrUnknownDistrict: the district does not exist on that date.
	ErrUnknownDistrict = errors.New("dashboardtest: unknown district")
	// ErrUnknownReport: the report kind is not one of the four.
	ErrUnknownReport = errors.New("dashboardtest: unknown report kind")
)

// Config sizes and places a generated world. The zero value is a small
// world (4 districts of about 20 clubs) over a span that crosses the
// 2025 program-year rollover.
type Config struct {
	// Districts is how many districts the world has (default 4; 128 is the
	// full 2025-26 world). The first ones are, in order, 02, 61, 118, U, F,
	// 09, then the other numeric ids up to 130.
	Districts int
	// ClubsPerDistrict is the mean number of clubs per district (default
	// 20; 110 gives the full world's ~14,000 clubs). District U is small.
	ClubsPerDistrict int
	// Seed makes the world; the same Config always gives the same bytes.
	Seed int64
	// From and To (YYYY-MM-DD) bound the published as-of dates. Defaults:
	// 2025-06-01 and 2025-08-31.
	From, To string
	// Era, when set to a program-year label ("2019-2020", "2024-2025",
	// "2025-2026", "2026-2027") or a normalize era (normalize.EraTransition,
	// EraPathways, EraCSP, EraEOM), forces that era's headers and rules for
	// every date; otherwise each date uses the era of its program year
	// (2018-19 and 2019-20: the 29-column transition header).
	Era string
	// HostileNames gives some clubs names that test escaping everywhere
	// they are shown: quotes, ampersands, angle brackets and markup,
	// non-Latin letters and right-to-left text.
	HostileNames bool
}

// World is a deterministic generated dashboard: districts, divisions,
// areas and clubs whose numbers evolve day by day over the configured span.
// It is safe for concurrent use; per-date state is generated lazily and
// cached.
type World struct {
	cfg      Config
	seed     uint64
	from, to time.Time
	era      era // eraAuto unless forced

	districts []*district
	byID      map[string]*district // by id up to 2025-26
	byNewID   map[string]*district // by id from 2026-27

	dates     []time.Time // published as-of dates, ascending
	dataMonth map[time.Time]month
	published map[time.Time]bool
	newest    time.Time

	mu     sync.Mutex
	states map[stateKey]*stateEntry
	order  []stateKey // insertion order, for eviction
	plans  map[int][]plan
}

type stateKey struct {
	asOf time.Time
	salt int
}

type stateEntry struct {
	once sync.Once
	st   *dayState
	mu   sync.Mutex
	csv  map[string][]byte
}

const maxCachedStates = 6

type district struct {
	idx    int
	id     string // id up to PY 2025-26
	newID  string // id from PY 2026-27 (the 201–231 renumbering), or ""
	region string
	clubs  []*club // in report order (division, area, number), without the duplicate
	dup    *club   // the club that also appears under 0D/0A, or nil
}

type club struct {
	gidx   int
	number string
	name   string
	div    string
	area   string
	born   time.Time // zero: chartered long ago
	susp   time.Time // zero: never suspended
}

// NewWorld makes a world from cfg (see Config for defaults). Malformed From
// or To fall back to the defaults.
func NewWorld(cfg Config) *World {
	if cfg.Districts <= 0 {
		cfg.Districts = 4
	}
	if cfg.ClubsPerDistrict <= 0 {
		cfg.ClubsPerDistrict = 20
	}
	from, err := parseISO(cfg.From)
	if err != nil {
		from, _ = parseISO("2025-06-01")
		cfg.From = from.Format(isoDate)
	}
	to, err := parseISO(cfg.To)
	if err != nil {
		to, _ = parseISO("2025-08-31")
		cfg.To = to.Format(isoDate)
	}
	if to.Before(from) {
		from, to = to, from
	}
	w := &World{
		cfg:       cfg,
		seed:      mix(uint64(cfg.Seed) ^ 0x70a57), // "toast"
		from:      from,
		to:        to,
		byID:      map[string]*district{},
		byNewID:   map[string]*district{},
		dataMonth: map[time.Time]month{},
		published: map[time.Time]bool{},
		states:    map[stateKey]*stateEntry{},
		plans:     map[int][]plan{},
	}
	if start, ok := parsePY(cfg.Era); ok {
		w.era = eraOfPY(start)
	} else if cfg.Era == normalize.EraPathways {
		w.era = eraLegacy
	} else if cfg.Era == normalize.EraTransition {
		w.era = eraTransition
	}
	w.buildCalendar()
	w.buildDistricts()
	return w
}

// ---- deterministic hashing ----

func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (w *World) h(a, b, c uint64) uint64 { return mix(mix(mix(w.seed^a)^b) ^ c) }

// unit maps a hash to [0,1).
func unit(x uint64) float64 { return float64(x>>11) / (1 << 53) }

// ---- calendar: closing periods and published dates ----

// closeDay is the last day of month m+1 whose as-of dates still carry month
// m's data (the month-end close). June closes in mid-July.
func (w *World) closeDay(m month) int {
	x := w.h(0xc105e, uint64(m), 0)
	if m.num() == 6 {
		return 12 + int(x%9) // July 12..20
	}
	return 5 + int(x%6) // day 5..10
}

// darkDays is how many days after June's close pass before the new
// program year's first data appears (those days publish nothing).
func (w *World) darkDays(py int) int { return 2 + int(w.h(0xda4c, uint64(py), 0)%4) }

// monthForAsOf reports the data month of an as-of date and whether that date
// is published at all (false inside the July dark window).
func (w *World) monthForAsOf(t time.Time) (month, bool) {
	m := monthOf(t)
	prev := m - 1
	c := w.closeDay(prev)
	if t.Day() <= c {
		return prev, true
	}
	if m.num() == 7 && t.Day() <= c+w.darkDays(m.year()) {
		return m, false
	}
	return m, true
}

func (w *World) buildCalendar() {
	for t := w.from; !t.After(w.to); t = t.AddDate(0, 0, 1) {
		m, ok := w.monthForAsOf(t)
		if !ok {
			continue
		}
		w.dates = append(w.dates, t)
		w.dataMonth[t] = m
		w.published[t] = true
	}
	if len(w.dates) > 0 {
		w.newest = w.dates[len(w.dates)-1]
	}
}

// AsOfDates returns every published as-of date in the span (YYYY-MM-DD),
// ascending. One date is published per day, except in the short dark window
// between June's close and the first data of a new program year.
func (w *World) AsOfDates() []string {
	out := make([]string, len(w.dates))
	for i, t := range w.dates {
		out[i] = t.Format(isoDate)
	}
	return out
}

// DataMonth returns the data month (YYYY-MM) of a published as-of date:
// the previous month during its month-end closing period. It returns "" for
// a date the world does not publish.
func (w *World) DataMonth(asOf string) string {
	t, err := parseISO(asOf)
	if err != nil || !w.published[t] {
		return ""
	}
	return w.dataMonth[t].String()
}

// Newest returns the newest published as-of date (the dashboard's "today").
func (w *World) Newest() string {
	if w.newest.IsZero() {
		return ""
	}
	return w.newest.Format(isoDate)
}

// LiveProgramYear is the program year of the newest data month, e.g.
// "2025-2026": the year the dashboard serves at its root path.
func (w *World) LiveProgramYear() string { return pyLabel(w.livePY()) }

func (w *World) livePY() int {
	if w.newest.IsZero() {
		return monthOf(w.to).pyStart()
	}
	return w.dataMonth[w.newest].pyStart()
}

// asOfList returns the published as-of dates whose data month is m, newest
// first.
func (w *World) asOfList(m month) []time.Time {
	var out []time.Time
	for i := len(w.dates) - 1; i >= 0; i-- {
		if w.dataMonth[w.dates[i]] == m {
			out = append(out, w.dates[i])
		}
	}
	return out
}

// finalClose is the last as-of date that carries month m's data, whether or
// not it lies in the span.
func (w *World) finalClose(m month) time.Time {
	return (m + 1).first().AddDate(0, 0, w.closeDay(m)-1)
}

// ---- districts and clubs ----

// preferred district ids, then the remaining numeric ids.
var preferredIDs = []string{"02", "61", "118", "U", "F", "09"}

var skippedNumeric = map[int]bool{3: true, 50: true, 78: true, 103: true}

func (w *World) districtIDs(n int) []string {
	ids := append([]string(nil), preferredIDs...)
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	for k := 1; len(ids) < n; k++ {
		if k <= 130 && skippedNumeric[k] {
			continue
		}
		id := fmt.Sprintf("%02d", k)
		if !seen[id] {
			ids = append(ids, id)
			seen[id] = true
		}
	}
	ids = ids[:n]
	sort.Slice(ids, func(i, j int) bool { return districtLess(ids[i], ids[j]) })
	return ids
}

// districtLess orders district ids as the summary report does
// (snapshot.CompareDistrictIDs: numbers by value, then letters).
func districtLess(a, b string) bool { return snapshot.CompareDistrictIDs(a, b) < 0 }

func regionOf(id string) string {
	switch id {
	case "U":
		return "DNAR"
	case "F":
		return "01"
	}
	n, _ := strconv.Atoi(id)
	return fmt.Sprintf("%02d", (n*5)%14+1)
}

var (
	namePlaces = []string{"Seaway", "Stittsville", "Solent", "Hamwic", "Reading", "Cornwall", "Riverside", "Lakeshore",
		"Harbour", "Maple", "Summit", "Capital", "Northgate", "Westbrook", "Eastside", "Pioneer", "Sunrise", "Twilight",
		"Lunchtime", "Downtown", "Bayview", "Hillcrest", "Oakridge", "Silver Lake", "Red Rock", "Golden Gate", "Bluebird",
		"Evergreen", "Prairie", "Canyon", "Coastal", "Metro", "Valley", "Granite", "Cedar", "Willow"}
	nameTails = []string{"Toastmasters Club", "Speakers Club", "Toastmasters", "Speakers", "Orators", "Talkers",
		"Communicators", "Advanced Toastmasters", "Speak Easy", "Club"}
	nameSpecial = []string{"Speak & Lead", "Captain's Table", "Talk & Toast", "Mind's Eye", "Bits & Bytes", "O'Clock Speakers"}
)

// hostileNames are the club names of a world with HostileNames.
var hostileNames = []string{`<script>alert("x")</script> Speakers`, `Tom "The Voice" & Jerry's Club`, `Клуб ораторов «Москва»`,
	`東京 Toastmasters 話し方`, `<b>Bold</b> & <i>Brave</i> Orators`, `نادي الخطابة`, `O'Reilly & Sons </td></tr> Club`, `=cmd|' /C calc'!A0 Club`}

func (w *World) clubName(gidx int) string {
	x := w.h(0x4a3e, uint64(gidx), 0)
	if w.cfg.HostileNames && gidx%3 == 0 {
		return hostileNames[(gidx/3)%len(hostileNames)]
	}
	var s string
	if x%11 == 0 {
		s = nameSpecial[(x>>8)%uint64(len(nameSpecial))]
		if (x>>20)%2 == 0 {
			s += " Toastmasters"
		}
	} else {
		s = namePlaces[(x>>8)%uint64(len(namePlaces))] + " " + nameTails[(x>>16)%uint64(len(nameTails))]
	}
	if (x>>32)%19 == 0 {
		s += " " // TI keeps trailing spaces
	}
	return s
}

func (w *World) buildDistricts() {
	ids := w.districtIDs(w.cfg.Districts)
	gidx := 0
	for i, id := range ids {
		d := &district{idx: i, id: id, region: regionOf(id)}
		hx := w.h(0xd15, uint64(i), uint64(len(id))^uint64(id[0]))
		n := int(float64(w.cfg.ClubsPerDistrict) * (0.75 + 0.5*unit(hx)))
		if id == "U" {
			n = w.cfg.ClubsPerDistrict / 5
		}
		if n < 3 {
			n = 3
		}
		perDivision := (hx>>40)%2 == 0 || n/4 > 99 // area numbers restart per division (and stay 2-digit)
		areaNum, divIdx, areasInDiv := 0, 0, 0
		areasPerDiv := 4 + int((hx>>44)%3)
		if need := (n + 3) / 4; need > 26*areasPerDiv {
			areasPerDiv = need/26 + 1
		}
		for left := n; left > 0; {
			size := 4 + int(w.h(0xa4ea, uint64(i), uint64(areaNum))%3)
			if size > left {
				size = left
			}
			if areasInDiv == areasPerDiv {
				divIdx++
				areasInDiv = 0
				if perDivision {
					areaNum = 0
				}
			}
			areaNum++
			areasInDiv++
			div := string(rune('A' + divIdx))
			area := fmt.Sprintf("%02d", areaNum)
			for k := 0; k < size; k++ {
				c := &club{gidx: gidx, div: div, area: area, name: w.clubName(gidx)}
				x := w.h(0xc1ab, uint64(gidx), 0)
				num := 1000 + gidx*1997 + int(x%1997)
				// About 7% of clubs are chartered inside or just before the span.
				if unit(mix(x)) < 0.07 {
					window := daysBetween(w.from, w.to) + 400
					c.born = w.from.AddDate(0, 0, -400+int(w.h(0xb042, uint64(gidx), 0)%uint64(window+1)))
					num = 28_000_000 + gidx*37 + int(x%37)
				}
				if unit(w.h(0x5059, uint64(gidx), 0)) < 0.04 {
					window := daysBetween(w.from, w.to) + 400
					s := w.from.AddDate(0, 0, -300+int(w.h(0x5051, uint64(gidx), 0)%uint64(window+1)))
					c.susp = monthOf(s).last() // suspensions fall on month ends
					if !c.born.IsZero() && !c.susp.After(c.born.AddDate(0, 0, 60)) {
						c.susp = time.Time{}
					}
				}
				c.number = fmt.Sprintf("%08d", num)
				gidx++
				d.clubs = append(d.clubs, c)
			}
			left -= size
		}
		sort.SliceStable(d.clubs, func(a, b int) bool {
			ca, cb := d.clubs[a], d.clubs[b]
			if ca.div != cb.div {
				return ca.div < cb.div
			}
			if ca.area != cb.area {
				return ca.area < cb.area
			}
			return ca.number < cb.number
		})
		if hx%5 == 0 && len(d.clubs) > 4 {
			d.dup = d.clubs[int((hx>>8)%uint64(len(d.clubs)))]
		}
		w.districts = append(w.districts, d)
		w.byID[id] = d
	}
	// From PY 2026-27, districts numbered 7, 11, 15, ... (not the preferred
	// ones) are renumbered 201, 202, 203, 205, ... 231 (204 absent).
	next := 201
	for _, d := range w.districts {
		n, err := strconv.Atoi(d.id)
		if err != nil || n%4 != 3 || next > 231 || isPreferred(d.id) {
			continue
		}
		d.newID = strconv.Itoa(next)
		if next++; next == 204 {
			next++
		}
	}
	for _, d := range w.districts {
		w.byNewID[d.idIn(2026)] = d
	}
}

func isPreferred(id string) bool {
	for _, p := range preferredIDs {
		if p == id {
			return true
		}
	}
	return false
}

// renumberedFrom is the first program year of the 201–231 district ids.
const renumberedFrom = 2026

// idIn is the district's id in program year py.
func (d *district) idIn(py int) string {
	if py >= renumberedFrom && d.newID != "" {
		return d.newID
	}
	return d.id
}

// districtIn finds a district by its id in program year py, accepting a
// numeric id without its zero padding ("2" for "02").
func (w *World) districtIn(id string, py int) *district {
	m := w.byID
	if py >= renumberedFrom {
		m = w.byNewID
	}
	if d := m[id]; d != nil {
		return d
	}
	if n, err := strconv.Atoi(id); err == nil && n >= 0 {
		return m[fmt.Sprintf("%02d", n)]
	}
	return nil
}

// Districts returns the district ids the summary lists on a published as-of
// date, in the dashboard's order (numbers first, then letters); nil for an
// unpublished date.
func (w *World) Districts(asOf string) []string {
	t, err := parseISO(asOf)
	if err != nil || !w.published[t] {
		return nil
	}
	return w.idsIn(w.dataMonth[t].pyStart())
}

// idsIn lists the district ids of program year py in the dashboard's order.
func (w *World) idsIn(py int) []string {
	out := make([]string, len(w.districts))
	for i, d := range w.districts {
		out[i] = d.idIn(py)
	}
	sort.Slice(out, func(i, j int) bool { return districtLess(out[i], out[j]) })
	return out
}

// ---- per program year plans ----

// plan is one club's trajectory through one program year: final values and
// the fractions of the year at which things happen.
type plan struct {
	base, charterMembers       int
	isNew                      bool
	charterX                   float64
	csp                        bool
	cspX                       float64
	l1, l2, l3, l4, newM, drop int
	eduS, eduE                 float64
	r1, r2                     int
	duesOct, duesApr           bool
	off1, off2                 bool
	oct, apr, late             int
	nov, may                   bool
	novX, mayX                 float64
	inelig                     bool
	ineligX                    float64
	// New-club rule edges (spec §2.4): chartered in this program year and
	// strictly after September 1, October 1, April 1.
	charteredAfterSep1, charteredAfterOct1, charteredAfterApr1 bool
	paymentBase                                                int
	flags                                                      [5]float64 // district prerequisite thresholds (only used on district plans)
}

func (w *World) plansFor(py int) []plan {
	w.mu.Lock()
	defer w.mu.Unlock()
	if p, ok := w.plans[py]; ok {
		return p
	}
	total := 0
	for _, d := range w.districts {
		total += len(d.clubs)
	}
	ps := make([]plan, total)
	start := pyStartDate(py)
	for _, d := range w.districts {
		for _, c := range d.clubs {
			ps[c.gidx] = w.makePlan(c, py, start)
		}
	}
	w.plans[py] = ps
	return ps
}

func (w *World) makePlan(c *club, py int, start time.Time) plan {
	r := rand.New(rand.NewPCG(w.seed^uint64(c.gidx)*0x9e37, uint64(py)^0x51ed))
	u := func(a, b float64) float64 { return a + (b-a)*r.Float64() }
	var p plan
	p.isNew = !c.born.IsZero() && !c.born.Before(start)
	if p.isNew {
		p.charterX = float64(daysBetween(start, c.born)) / 365
		p.charterMembers = 20 + r.IntN(8)
		p.charteredAfterSep1 = c.born.After(time.Date(py, time.September, 1, 0, 0, 0, 0, time.UTC))
		p.charteredAfterOct1 = c.born.After(time.Date(py, time.October, 1, 0, 0, 0, 0, time.UTC))
		p.charteredAfterApr1 = c.born.After(time.Date(py+1, time.April, 1, 0, 0, 0, 0, time.UTC))
	} else {
		switch x := r.Float64(); {
		case x < 0.06:
			p.base = 4 + r.IntN(6)
		case x < 0.94:
			p.base = 10 + r.IntN(30)
		default:
			p.base = 40 + r.IntN(80)
		}
	}
	p.csp = r.Float64() < 0.8
	p.cspX = u(0.02, 0.6)
	quality := r.Float64()
	p.l1 = int(quality * 16 * r.Float64())
	p.l2 = int(quality * 9 * r.Float64())
	p.l3 = int(quality * 8 * r.Float64())
	p.l4 = int(quality * 5 * r.Float64())
	p.newM = int(quality*22*r.Float64()) + r.IntN(3)
	p.drop = r.IntN(4 + p.base/3)
	p.eduS = u(0, 0.15)
	p.eduE = u(0.7, 1.0)
	if p.isNew {
		p.eduS = p.charterX
		if p.eduE < p.eduS+0.1 {
			p.eduE = p.eduS + 0.1
		}
	}
	p.r1 = r.IntN(8)
	p.r2 = r.IntN(8)
	p.duesOct = r.Float64() < 0.7
	p.duesApr = r.Float64() < 0.6
	p.off1 = r.Float64() < 0.75
	p.off2 = r.Float64() < 0.5
	if p.isNew {
		if p.charterX < 0.2 {
			p.oct = int(float64(p.charterMembers) * 0.8)
		}
		if p.charterX < 0.6 {
			p.apr = int(float64(p.charterMembers+p.newM) * 0.85)
		}
	} else {
		p.oct = int(math.Round(float64(p.base) * u(0.75, 0.97)))
		mid := p.base + p.newM - p.drop/2
		if mid < 0 {
			mid = 0
		}
		p.apr = int(math.Round(float64(mid) * u(0.75, 0.97)))
		p.late = r.IntN(4)
		p.paymentBase = 2*p.base + r.IntN(5)
	}
	p.nov = r.Float64() < 0.8
	p.may = r.Float64() < 0.75
	p.novX = u(0.25, 0.42)
	p.mayX = u(0.67, 0.92)
	p.inelig = r.Float64() < 0.02
	p.ineligX = u(0.1, 0.9)
	return p
}

// ramp is 0 before s, 1 after e, linear between.
func ramp(x, s, e float64) float64 {
	switch {
	case x <= s:
		return 0
	case x >= e:
		return 1
	}
	return (x - s) / (e - s)
}

func part(final int, x, s, e float64) int { return int(float64(final) * ramp(x, s, e)) }
