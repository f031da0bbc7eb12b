package pages

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
)

// Chart geometry (SVG user units; the SVG scales to its container).
const (
	chartW      = 720
	chartH      = 280
	chartLeft   = 64
	chartRight  = 16
	chartTop    = 16
	chartBottom = 56
	// axisCharW is the estimated width of one character of an axis label
	// (0.6 em of the 12 px font set by pages.css on svg.chart).
	axisCharW = 7.2
)

// seriesColours are distinguishable, print-safe colours with at least 4.5:1
// contrast on white.
var seriesColours = []string{"#1f4e99", "#a4262c", "#0b6a0b", "#6b3fa0", "#8a5300", "#005b70"}

// DatedValue is one value of a line series on a calendar date.
type DatedValue struct {
	Date  string // YYYY-MM-DD
	Value float64
}

// Series is one line of a LineChart.
type Series struct {
	Name   string
	Values []DatedValue
	// Dashed draws the line dashed (a comparison, such as last year).
	Dashed bool
}

// LineChart is a time chart: dates on the x axis, values on the y axis.
type LineChart struct {
	ID     string // unique on the page; used for aria ids
	Title  string
	Desc   string // one sentence saying what the chart shows
	YLabel string
	// InvertY puts the smallest value at the top (ranks: 1 is best).
	InvertY bool
	// FromZero always starts the y axis at 0 (counts out of a fixed scale).
	FromZero bool
	Series   []Series
	// TableDateLabel heads the date column of the data table.
	TableDateLabel string
}

// Bar is one bar group of a BarChart.
type Bar struct {
	Label  string
	Values []float64 // one per BarChart.Keys
	// Ranges, when set, holds a [low, high] range per value (nil for none),
	// drawn as a whisker over the bar and written beside the value in the
	// table: a projection's band, for instance.
	Ranges []*[2]float64
}

// rangeOf is bar's range for value k, nil when it has none.
func (bar Bar) rangeOf(k int) *[2]float64 {
	if k < len(bar.Ranges) {
		return bar.Ranges[k]
	}
	return nil
}

// BarChart is a grouped bar chart.
type BarChart struct {
	ID     string
	Title  string
	Desc   string
	YLabel string
	Keys   []string // the series of each group (legend)
	Bars   []Bar
}

// chartView is what the chart template renders: the SVG and its table.
type chartView struct {
	ID, Title, Desc string
	SVG             template.HTML
	Head            []string
	Rows            [][]string
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// niceTicks returns about n round tick values covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if step < 1 && lo == math.Trunc(lo) && hi == math.Trunc(hi) && hi-lo >= 1 {
		step = 1
	}
	var out []float64
	for v := math.Floor(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, v)
		if len(out) > 50 {
			break
		}
	}
	if out[len(out)-1] < hi {
		out = append(out, out[len(out)-1]+step)
	}
	return out
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// render draws the line chart as SVG with axes, ticks, labels, a legend and
// a data table (dates as rows, series as columns).
func (c LineChart) render() chartView {
	v := chartView{ID: c.ID, Title: c.Title, Desc: c.Desc}
	var t0, t1 time.Time
	lo, hi := math.Inf(1), math.Inf(-1)
	dates := map[string]bool{}
	for _, s := range c.Series {
		for _, p := range s.Values {
			t, ok := parseDay(p.Date)
			if !ok {
				continue
			}
			if t0.IsZero() || t.Before(t0) {
				t0 = t
			}
			if t1.IsZero() || t.After(t1) {
				t1 = t
			}
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
			dates[p.Date] = true
		}
	}
	// Table: one row per date, one column per series.
	v.Head = append(v.Head, cmpOr(c.TableDateLabel, "Date"))
	for _, s := range c.Series {
		v.Head = append(v.Head, s.Name)
	}
	sorted := make([]string, 0, len(dates))
	for d := range dates {
		sorted = append(sorted, d)
	}
	sortStrings(sorted)
	for _, d := range sorted {
		row := []string{d}
		for _, s := range c.Series {
			cell := "–"
			for _, p := range s.Values {
				if p.Date == d {
					cell = fmtNum(p.Value)
				}
			}
			row = append(row, cell)
		}
		v.Rows = append(v.Rows, row)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, chartW, chartH, esc(c.ID), esc(c.ID))
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))
	if len(sorted) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="empty">No data for this chart yet</text></svg>`, chartW/2, chartH/2)
		v.SVG = template.HTML(b.String())
		return v
	}
	if lo > 0 && !c.InvertY && (lo < hi/2 || c.FromZero) {
		lo = 0 // show the baseline unless the values sit far from zero
	}
	ticks := niceTicks(lo, hi, 5)
	ylo, yhi := ticks[0], ticks[len(ticks)-1]
	pw, ph := float64(chartW-chartLeft-chartRight), float64(chartH-chartTop-chartBottom)
	span := t1.Sub(t0).Hours() / 24
	if span == 0 {
		span = 1
	}
	x := func(t time.Time) float64 { return chartLeft + pw*(t.Sub(t0).Hours()/24)/span }
	y := func(val float64) float64 {
		f := (val - ylo) / (yhi - ylo)
		if c.InvertY {
			f = 1 - f
		}
		return chartTop + ph*(1-f)
	}
	// Grid and y axis.
	b.WriteString(`<g class="axis y">`)
	for _, tv := range ticks {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" text-anchor="end" dy="4">%s</text>`,
			chartLeft, chartW-chartRight, y(tv), y(tv), chartLeft-6, y(tv), fmtNum(tv))
	}
	fmt.Fprintf(&b, `<text transform="translate(14 %d) rotate(-90)" text-anchor="middle" class="label">%s</text></g>`, chartTop+int(ph/2), esc(c.YLabel))
	// X axis: month starts (or first/last date for short spans).
	b.WriteString(`<g class="axis x">`)
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="base"/>`, chartLeft, chartW-chartRight, chartTop+ph, chartTop+ph)
	var xt []time.Time
	for m := time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(t1); m = m.AddDate(0, 1, 0) {
		if !m.Before(t0) {
			xt = append(xt, m)
		}
	}
	format := "Jan 2006"
	if len(xt) < 2 {
		xt = []time.Time{t0, t1}
		format = "2 Jan"
		if t0.Equal(t1) {
			xt = xt[:1]
		}
	}
	step := (len(xt) + 7) / 8
	for i, t := range xt {
		if i%step != 0 {
			continue
		}
		label := t.Format(format)
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" class="tick"/><text x="%.1f" y="%.1f" text-anchor="%s">%s</text>`,
			x(t), x(t), chartTop+ph, chartTop+ph+5, x(t), chartTop+ph+18, tickAnchor(x(t), label), label)
	}
	b.WriteString(`</g>`)
	// Lines.
	for i, s := range c.Series {
		col := seriesColours[i%len(seriesColours)]
		var pts []string
		for _, p := range s.Values {
			t, ok := parseDay(p.Date)
			if !ok {
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(t), y(p.Value)))
		}
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		if len(pts) == 1 {
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`, strings.Split(pts[0], ",")[0], strings.Split(pts[0], ",")[1], col)
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"><title>%s</title></polyline>`, col, dash, strings.Join(pts, " "), esc(s.Name))
	}
	// Legend below the axis labels.
	lx := float64(chartLeft)
	for i, s := range c.Series {
		col := seriesColours[i%len(seriesColours)]
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="%s" stroke-width="3"%s/><text x="%.1f" y="%d" class="legend">%s</text>`,
			lx, lx+22, chartH-12, chartH-12, col, dash, lx+27, chartH-8, esc(s.Name))
		lx += 40 + 7*float64(len([]rune(s.Name)))
	}
	b.WriteString(`</svg>`)
	v.SVG = template.HTML(b.String())
	return v
}

// render draws the grouped bar chart as SVG with its data table.
func (c BarChart) render() chartView {
	v := chartView{ID: c.ID, Title: c.Title, Desc: c.Desc}
	v.Head = append([]string{""}, c.Keys...)
	hi := 0.0
	for _, bar := range c.Bars {
		row := []string{bar.Label}
		for k, val := range bar.Values {
			hi = math.Max(hi, val)
			cell := fmtNum(val)
			if r := bar.rangeOf(k); r != nil {
				hi = math.Max(hi, r[1])
				cell += " (" + fmtNum(r[0]) + "–" + fmtNum(r[1]) + ")"
			}
			row = append(row, cell)
		}
		v.Rows = append(v.Rows, row)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, chartW, chartH, esc(c.ID), esc(c.ID))
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))
	ticks := niceTicks(0, hi, 5)
	yhi := ticks[len(ticks)-1]
	pw, ph := float64(chartW-chartLeft-chartRight), float64(chartH-chartTop-chartBottom)
	y := func(val float64) float64 { return chartTop + ph*(1-val/yhi) }
	b.WriteString(`<g class="axis y">`)
	for _, tv := range ticks {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" text-anchor="end" dy="4">%s</text>`,
			chartLeft, chartW-chartRight, y(tv), y(tv), chartLeft-6, y(tv), fmtNum(tv))
	}
	fmt.Fprintf(&b, `<text transform="translate(14 %d) rotate(-90)" text-anchor="middle" class="label">%s</text></g>`, chartTop+int(ph/2), esc(c.YLabel))
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="base"/>`, chartLeft, chartW-chartRight, chartTop+ph, chartTop+ph)
	if n := len(c.Bars); n > 0 && len(c.Keys) > 0 {
		gw := pw / float64(n)
		bw := gw * 0.7 / float64(len(c.Keys))
		for i, bar := range c.Bars {
			gx := chartLeft + gw*float64(i) + gw*0.15
			for k, val := range bar.Values {
				col := seriesColours[k%len(seriesColours)]
				bx := gx + bw*float64(k)
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s, %s: %s</title></rect>`,
					bx, y(val), bw-2, chartTop+ph-y(val), col, esc(bar.Label), esc(c.Keys[min(k, len(c.Keys)-1)]), fmtNum(val))
				top := y(val)
				if r := bar.rangeOf(k); r != nil {
					cx := bx + (bw-2)/2
					fmt.Fprintf(&b, `<g class="whisker"><line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/><line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/><line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/><title>%s, %s: %s to %s</title></g>`,
						cx, cx, y(r[0]), y(r[1]), cx-5, cx+5, y(r[0]), y(r[0]), cx-5, cx+5, y(r[1]), y(r[1]),
						esc(bar.Label), esc(c.Keys[min(k, len(c.Keys)-1)]), fmtNum(r[0]), fmtNum(r[1]))
					top = math.Min(top, y(r[1]))
				}
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="value">%s</text>`, bx+(bw-2)/2, top-4, fmtNum(val))
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, gx+gw*0.35, chartTop+ph+18, esc(bar.Label))
		}
	}
	lx := float64(chartLeft)
	for k, key := range c.Keys {
		col := seriesColours[k%len(seriesColours)]
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="14" height="10" fill="%s"/><text x="%.1f" y="%d" class="legend">%s</text>`,
			lx, chartH-20, col, lx+19, chartH-11, esc(key))
		lx += 34 + 7*float64(len([]rune(key)))
	}
	b.WriteString(`</svg>`)
	v.SVG = template.HTML(b.String())
	return v
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// tickAnchor is the text-anchor of an x-axis label at x: centred under its
// tick, unless half of it would run past the chart's right edge (the last
// date of a short span sits at chartW-chartRight, 16 units from the edge),
// where it ends at the tick instead. The width is estimated at 0.6 em per
// character of the 12 px axis font: the labels are dates of ASCII digits
// and month abbreviations.
func tickAnchor(x float64, label string) string {
	if x+float64(len(label))*axisCharW/2 > chartW {
		return "end"
	}
	return "middle"
}
