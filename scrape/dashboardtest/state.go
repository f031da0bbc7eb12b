package dashboardtest

import (
	"sort"
	"time"
)

// era is a header-and-rules era of the reports.
type era int

const (
	eraAuto       era = iota
	eraLegacy         // PY 2020-21 .. 2024-25: 23-col club, 21-col summary
	era2025           // PY 2025-26: CSP, Net Growth, Smedley, 25-col summary
	era2026           // PY 2026-27: "Level 2s or EOM", no Region Advisor Visit
	eraTransition     // PY 2018-19 and 2019-20: 29-col club (both education programs), 21-col summary
)

// classic reports whether the era has no CSP, no Net Growth and no Smedley
// (the D/S/P rules with 20 members or net growth 3).
func (e era) classic() bool { return e == eraLegacy || e == eraTransition }

func eraOfPY(start int) era {
	switch {
	case start <= 2019:
		return eraTransition
	case start <= 2024:
		return eraLegacy
	case start == 2025:
		return era2025
	}
	return era2026
}

func (w *World) eraFor(py int) era {
	if w.era != eraAuto {
		return w.era
	}
	return eraOfPY(py)
}

// clubRow is one club's values on one as-of date, shared by the three
// per-district reports.
type clubRow struct {
	c                         *club
	div, area                 string
	atStart                   bool // existed at the start of the program year
	status                    string
	csp                       bool
	base, members, net        int
	l1, l2, addL2, l3         int
	l4, addL4, newM, addNew   int
	trad                      [6]int // 2018-20: CCs, Add. CCs, ACs, Add. ACs, CL/AL/DTMs, Add. CL/AL/DTMs
	r1, r2                    int
	duesOct, duesApr, offList int
	goals                     int
	letter                    string
	newPay, late, oct, apr    int
	chart                     int
	charterCell               string
	nov, may                  int
	paymentBase               int
}

func (r *clubRow) totalRen() int  { return r.late + r.oct + r.apr }
func (r *clubRow) totalPaid() int { return r.newPay + r.totalRen() + r.chart }

// summaryRow is one district's row of the all-districts summary.
type summaryRow struct {
	region, id                     string
	flags                          [5]bool // DSP, Training, Market Analysis, Communication Plan, Region Advisor Visit
	newP, aprP, octP, lateP, chart int
	payBase, paidBase              int
	paid, active                   int
	dD, dS, dP, dM                 int
}

func (s *summaryRow) total() int     { return s.newP + s.aprP + s.octP + s.lateP + s.chart }
func (s *summaryRow) totalDist() int { return s.dD + s.dS + s.dP + s.dM }

type districtState struct {
	d    *district
	id   string     // the district's id in this program year
	rows []*clubRow // report order, including the 0D/0A duplicate
	sum  summaryRow
}

// dayState is the whole world on one as-of date.
type dayState struct {
	asOf    time.Time
	month   month
	py      int
	era     era
	closing bool
	list    []*districtState
	byID    map[string]*districtState
}

// state returns the (cached) state of a published as-of date. salt > 0 is
// an intraday restatement of the same date.
func (w *World) state(t time.Time, salt int) *stateEntry {
	key := stateKey{t, salt}
	w.mu.Lock()
	e, ok := w.states[key]
	if !ok {
		e = &stateEntry{csv: map[string][]byte{}}
		w.states[key] = e
		w.order = append(w.order, key)
		for len(w.order) > maxCachedStates {
			delete(w.states, w.order[0])
			w.order = w.order[1:]
		}
	}
	w.mu.Unlock()
	e.once.Do(func() { e.st = w.generate(t, w.monthOf(t), salt) })
	return e
}

// generate computes every club of every district on as-of date t, whose
// data month is m.
func (w *World) generate(t time.Time, m month, salt int) *dayState {
	py := m.pyStart()
	start := pyStartDate(py)
	plans := w.plansFor(py)
	st := &dayState{asOf: t, month: m, py: py, era: w.eraFor(py), closing: monthOf(t) != m, byID: map[string]*districtState{}}

	eff := t
	eps := 0.0
	if st.closing {
		eff = m.last()
		eps = 0.9 * float64(daysBetween(eff, t)) / float64(w.closeDay(m)+1)
	}
	if eff.Before(start) { // never happens for published dates; keep x >= 0
		eff = start
	}
	dayIdx := float64(daysBetween(start, eff)+1) + eps
	x := dayIdx / 365
	if salt > 0 {
		x += 0.002 * float64(salt)
	}
	distinguishedPublished := m.num() >= 4 && m.num() <= 6

	for _, d := range w.districts {
		id := d.idIn(py)
		ds := &districtState{d: d, id: id, sum: summaryRow{region: d.region, id: id}}
		var dupRow *clubRow
		for _, c := range d.clubs {
			if !c.susp.IsZero() && c.susp.Before(start) {
				continue // suspended in an earlier program year: gone
			}
			if !c.born.IsZero() && c.born.After(eff) {
				continue // not chartered yet
			}
			r := w.clubOn(c, &plans[c.gidx], x, dayIdx, eff, st.era, salt)
			ds.rows = append(ds.rows, r)
			if c == d.dup {
				cp := *r
				cp.div, cp.area = "0D", "0A"
				dupRow = &cp
			}
			s := &ds.sum
			s.newP += r.newPay
			s.aprP += r.apr
			s.octP += r.oct
			s.lateP += r.late
			s.chart += r.chart
			if r.atStart {
				s.payBase += r.paymentBase
				if r.base >= 8 {
					s.paidBase++
				}
			}
			if r.status == "Active" {
				s.paid++
			}
			if r.status != "Suspended" {
				s.active++
			}
			if distinguishedPublished {
				switch r.letter {
				case "D":
					s.dD++
				case "S":
					s.dS++
				case "P":
					s.dP++
				case "M":
					s.dM++
				}
			}
		}
		if dupRow != nil {
			ds.rows = append([]*clubRow{dupRow}, ds.rows...) // "0D" sorts before "A"
		}
		for i := range ds.sum.flags {
			hx := w.h(0xf1a9, uint64(d.idx)<<8|uint64(i), uint64(py))
			ds.sum.flags[i] = unit(hx) < 0.9 && x >= 0.05+0.6*unit(mix(hx))
		}
		st.list = append(st.list, ds)
		st.byID[id] = ds
	}
	sort.SliceStable(st.list, func(i, j int) bool { return districtLess(st.list[i].id, st.list[j].id) })
	return st
}

func (w *World) clubOn(c *club, p *plan, x, dayIdx float64, eff time.Time, e era, salt int) *clubRow {
	r := &clubRow{c: c, div: c.div, area: c.area, atStart: !p.isNew, base: p.base, paymentBase: p.paymentBase}
	if p.isNew {
		r.charterCell = "Charter " + c.born.Format(shortCharter)
	}
	if !c.susp.IsZero() && !eff.Before(c.susp) {
		r.status = "Suspended"
		r.charterCell += " Susp " + c.susp.Format(shortCharter)
		r.net = -r.base
		return r
	}
	newS := p.eduS * 0.5
	if p.isNew {
		newS = p.charterX
	}
	newTot := part(p.newM, x, newS, 1)
	members := p.base + newTot - part(p.drop, x, 0, 1)
	if p.isNew {
		members += p.charterMembers
	}
	if x > 0.03 {
		members += int(w.h(0x0153, uint64(c.gidx), uint64(dayIdx)^uint64(salt)<<20)%3) - 1
	}
	switch {
	case p.inelig && x >= p.ineligX, members < 4:
		r.status, r.members = "Ineligible", 0
	case members < 8:
		r.status, r.members = "Low", members
	default:
		r.status, r.members = "Active", members
	}
	r.csp = p.csp && x >= p.cspX

	l2 := part(p.l2, x, p.eduS+0.05, p.eduE)
	l4 := part(p.l4, x, p.eduS+0.2, p.eduE)
	r.l1 = part(p.l1, x, p.eduS, p.eduE)
	r.l2, r.addL2 = capSplit(l2, 2)
	r.l3 = part(p.l3, x, p.eduS+0.1, p.eduE)
	r.l4, r.addL4 = capSplit(l4, 1)
	r.newM, r.addNew = capSplit(newTot, 4)
	if !p.isNew || p.charterX < 0.15 {
		r.r1 = part(p.r1, x, 0.02, 0.2)
	}
	if !p.isNew || p.charterX < 0.6 {
		r.r2 = part(p.r2, x, 0.45, 0.67)
	}
	if p.duesOct && x >= 0.255 && (!p.isNew || p.charterX < 0.2) {
		r.duesOct = 1
	}
	if p.duesApr && x >= 0.75 && (!p.isNew || p.charterX < 0.6) {
		r.duesApr = 1
	}
	if p.off1 && (!p.isNew || x >= p.charterX+0.02) {
		r.offList++
	}
	if p.off2 && x >= 0.5 {
		r.offList++
	}
	if p.nov && x >= p.novX {
		r.nov = 1
	}
	if p.may && x >= p.mayX {
		r.may = 1
	}
	r.net = r.members - r.base
	in := goalInputs{r.l1, r.l2, r.addL2, r.l3, r.l4, r.addL4, r.newM, r.addNew, r.r1, r.r2, r.duesOct, r.duesApr, r.offList}
	var goals [10]bool
	if e == eraTransition {
		// The traditional program's awards, beside Pathways; Level 5s are
		// printed where the later eras print Add. Level 4s.
		hx := w.h(0x7ad1, uint64(c.gidx), 0)
		for i := range r.trad {
			r.trad[i] = part(int(hx>>(8*i)%4), x, p.eduS, p.eduE)
		}
		goals = transitionGoals(in, r.trad)
	} else {
		goals = in.goals()
	}
	// TI's new-club credits (spec §2.4): goal 9 with round-2 training for a
	// club chartered after September 1, goal 10 for one chartered after
	// October 1, CSP credit after April 1 (from 2025-26).
	if p.charteredAfterSep1 && r.r2 >= 4 {
		goals[8] = true
	}
	if p.charteredAfterOct1 {
		goals[9] = true
	}
	r.goals = 0
	for _, ok := range goals {
		if ok {
			r.goals++
		}
	}
	r.letter = clubLevel(e, r.goals, r.members, r.net, r.csp || p.charteredAfterApr1)

	r.newPay = newTot
	octS, aprS := 0.1, 0.59
	if p.isNew {
		r.chart = p.charterMembers
		octS = max(octS, p.charterX)
		aprS = max(aprS, p.charterX)
	}
	r.oct = part(p.oct, x, octS, 0.33)
	r.apr = part(p.apr, x, aprS, 0.84)
	r.late = part(p.late, x, 0.34, 0.95)
	return r
}

func capSplit(v, c int) (int, int) {
	if v > c {
		return c, v - c
	}
	return v, 0
}

// goalInputs are the club-report columns the ten DCP goals read.
type goalInputs struct {
	l1, l2, addL2, l3, l4, addL4, newM, addNew, r1, r2, duesOct, duesApr, offList int
}

// goals returns the ten DCP goals of spec §3.4.
func (g goalInputs) goals() [10]bool {
	return [10]bool{
		g.l1 >= 4,
		g.l2 >= 2,
		g.l2 >= 2 && g.addL2 >= 2,
		g.l3 >= 2,
		g.l4 >= 1,
		g.l4 >= 1 && g.addL4 >= 1,
		g.newM >= 4,
		g.newM >= 4 && g.addNew >= 4,
		g.r1 >= 4 && g.r2 >= 4,
		g.offList >= 1 && (g.duesOct >= 1 || g.duesApr >= 1),
	}
}

// transitionGoals are the 2018-20 goals when both education programs
// counted: goals 1–6 by either program (2 CCs or 4 Level 1s; 2 more CCs or
// 2 Level 2s; 1 AC or 2 more Level 2s; 1 more AC or 2 Level 3s; 1
// CL/AL/DTM or 1 Level 4; 1 more CL/AL/DTM or 1 Level 5), goals 7–10 as
// usual. TI's real formula is not known; this is the imitation's.
func transitionGoals(g goalInputs, t [6]int) [10]bool {
	out := g.goals()
	out[0] = g.l1 >= 4 || t[0] >= 2
	out[1] = g.l2 >= 2 || (t[0] >= 2 && t[1] >= 2)
	out[2] = (g.l2 >= 2 && g.addL2 >= 2) || t[2] >= 1
	out[3] = g.l3 >= 2 || (t[2] >= 1 && t[3] >= 1)
	out[4] = g.l4 >= 1 || t[4] >= 1
	out[5] = g.addL4 >= 1 || (t[4] >= 1 && t[5] >= 1) // addL4 prints as Level 5s
	return out
}

// clubLevel applies spec §3.5 for the era.
func clubLevel(e era, goals, members, net int, csp bool) string {
	if e.classic() {
		if members < 20 && net < 3 {
			return ""
		}
		switch {
		case goals >= 9:
			return "P"
		case goals >= 7:
			return "S"
		case goals >= 5:
			return "D"
		}
		return ""
	}
	if !csp {
		return ""
	}
	switch {
	case goals >= 10 && members >= 25:
		return "M"
	case goals >= 9 && members >= 20:
		return "P"
	case goals >= 7 && (members >= 20 || net >= 5):
		return "S"
	case goals >= 5 && (members >= 20 || net >= 3):
		return "D"
	}
	return ""
}
