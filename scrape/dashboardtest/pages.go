package dashboardtest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/toaststats/toaststats/normalize"
)

var pageNames = map[normalize.ReportKind]string{
	normalize.ReportSummary:  "Default.aspx",
	normalize.ReportDistrict: "District.aspx",
	normalize.ReportDivision: "Division.aspx",
	normalize.ReportClub:     "Club.aspx",
}

// Months in program-year order, as the month dropdown lists them.
var pyMonths = []int{7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6}

const pageScript = `<script type="text/javascript">
//<![CDATA[
function dll_onchange(value, report, el) {
    if (value === null || value === undefined || value === '') { return; }
    window.open('export.aspx?type=' + value + '&report=' + report);
    if (el) { el.selectedIndex = 0; }
}
function tc_navigate(el) {
    var v = el.value;
    if (v === null || v === undefined || v === '') { return; }
    var u = el.getAttribute('data-url');
    if (el.getAttribute('data-live') === v) { u = el.getAttribute('data-live-url'); }
    if (u) {
        u = u.split('{value}').join(encodeURIComponent(v).replace(/%2F/g, '/'));
        var f = document.getElementById('finish');
        if (f) { f.style.display = 'block'; }
        window.location.href = u;
    }
}
//]]>
</script>
`

// pageView is everything one dashboard page shows.
type pageView struct {
	kind     normalize.ReportKind
	py       int
	root     bool   // served at the root path
	prefix   string // "" or "/{PY}"
	id       string // selected district ("" none)
	rawID    string
	m        month
	list     []time.Time
	selected time.Time
}

func (s *Server) servePage(rw http.ResponseWriter, r *http.Request, kind normalize.ReportKind, py int, root bool) {
	w := s.World
	q := r.URL.Query()
	v := pageView{kind: kind, py: py, root: root}
	if !root {
		v.prefix = "/" + pyLabel(py)
	}
	if mn, err := strconv.Atoi(strings.TrimSpace(q.Get("month"))); err == nil && mn >= 1 && mn <= 12 {
		y := py
		if mn < 7 {
			y = py + 1
		}
		v.m = month(y*12 + mn - 1)
	} else if py == w.livePY() && !w.newest.IsZero() {
		v.m = w.dataMonth[w.newest]
	} else {
		v.m = month((py+1)*12 + 5) // an archived year opens on June
	}
	v.list = w.asOfList(v.m)
	if d, ok := parseSlashDate(q.Get("day")); ok {
		for _, x := range v.list {
			if x.Equal(d) {
				v.selected = d
			}
		}
	}
	if v.selected.IsZero() && len(v.list) > 0 {
		v.selected = v.list[0] // unknown day: the newest date of the month's list
	}
	v.rawID = strings.ToUpper(strings.TrimSpace(q.Get("id")))
	if d := w.districtIn(v.rawID, py); d != nil && v.rawID != "" {
		v.id = d.idIn(py)
	}
	writeHTML(rw, http.StatusOK, s.renderPage(&v))
}

// query builds ?id=&month=&day= for navigation, leaving out empty parts.
func (v *pageView) query(id string, mon int, day time.Time) string {
	var parts []string
	if id != "" {
		parts = append(parts, "id="+id) // ids are [A-Z0-9] or the "{value}" placeholder
	}
	if mon > 0 {
		parts = append(parts, "month="+strconv.Itoa(mon))
	}
	if !day.IsZero() {
		parts = append(parts, "day="+day.Format(unpadded))
	}
	if len(parts) == 0 {
		return ""
	}
	return "?" + strings.Join(parts, "&")
}

// queryTemplate is query with "{value}" standing for the district (id
// "{value}") or the month (mon -1).
func (v *pageView) queryTemplate(id string, mon int, day time.Time) string {
	q := v.query(id, max(mon, 0), day)
	if mon < 0 {
		if q == "" {
			return "?month={value}"
		}
		return q + "&month={value}"
	}
	if q == "" {
		return "?"
	}
	return q
}

func (v *pageView) descriptor() string {
	asOf := ""
	if !v.selected.IsZero() {
		asOf = v.selected.Format(unpadded)
	}
	me := v.m.last().Format(unpadded)
	if v.kind == normalize.ReportSummary {
		return fmt.Sprintf("districtsummary~%s~%s~%s", me, asOf, pyLabel(v.py))
	}
	id := v.id
	if id == "" {
		id = v.rawID
	}
	return fmt.Sprintf("%s~%s~%s~%s~%s", v.kind, id, me, asOf, pyLabel(v.py))
}

func (s *Server) renderPage(v *pageView) string {
	w := s.World
	n := "1"
	if v.kind == normalize.ReportSummary {
		n = "2" // the summary page's controls are TopControls2
	}
	ctl := func(name string) (string, string) {
		return "ctl00$cpContent$TopControls" + n + "$" + name, "cpContent_TopControls" + n + "_" + name
	}
	page := pageNames[v.kind]
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">` + "\r\n")
	b.WriteString(`<html xmlns="http://www.w3.org/1999/xhtml">` + "\r\n<head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" /><title>Toastmasters International</title>\r\n")
	b.WriteString(`<link href="Styles/site.css" rel="stylesheet" type="text/css" />` + "\r\n" + pageScript + "</head>\r\n<body>\r\n")
	fmt.Fprintf(&b, `<form method="post" action="./%s%s" id="form1">`+"\r\n", page, htmlEscape(v.query(v.id, v.m.num(), v.selected)))
	vs := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("dashboardtest|%s|%s|%s|%s", v.kind, v.id, v.m, v.selected.Format(isoDate))))
	fmt.Fprintf(&b, `<div class="aspNetHidden">`+"\r\n"+`<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="%s" />`+"\r\n", vs)
	b.WriteString(`<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="CA0B0334" />` + "\r\n")
	b.WriteString(`<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="/wEdAAIAAAAAAAAAAAAAAAAAAAAA" />` + "\r\n</div>\r\n")
	b.WriteString(`<div id="finish" style="display:none">Please Wait...</div>` + "\r\n")
	b.WriteString(`<div id="menu"><ul><li><a href="Default.aspx">Dashboard</a></li><li><a href="UpdateReports.aspx">Daily Reports</a></li></ul></div>` + "\r\n")
	b.WriteString(`<div id="cpContent_TopControls` + n + `_pnlControls" class="top-controls">` + "\r\n")

	// District picker.
	name, id := ctl("ddlDistricts")
	target := page
	if v.kind == normalize.ReportSummary {
		target = "District.aspx"
	}
	fmt.Fprintf(&b, `<select name="%s" id="%s" class="ddl" onchange="tc_navigate(this)" data-url="%s">`+"\r\n", name, id,
		htmlEscape(target+v.queryTemplate("{value}", v.m.num(), v.selected)))
	sel := ""
	if v.id == "" {
		sel = ` selected="selected"`
	}
	fmt.Fprintf(&b, `<option%s value="">Select a District</option>`+"\r\n", sel)
	for _, d := range w.idsIn(v.py) {
		sel = ""
		if d == v.id {
			sel = ` selected="selected"`
		}
		fmt.Fprintf(&b, `<option%s value="%s">District %s</option>`+"\r\n", sel, d, d)
	}
	b.WriteString("</select>\r\n")

	// Program year, newest first.
	name, id = ctl("ddlProgramYear")
	live := w.livePY()
	fmt.Fprintf(&b, `<select name="%s" id="%s" class="ddl" onchange="tc_navigate(this)" data-url="%s" data-live="%s" data-live-url="%s">`+"\r\n",
		name, id, htmlEscape("/{value}/"+page+v.query(v.id, 0, time.Time{})), pyLabel(live), htmlEscape("/"+page+v.query(v.id, 0, time.Time{})))
	for py := live; py >= 2008; py-- {
		sel = ""
		if py == v.py {
			sel = ` selected="selected"`
		}
		fmt.Fprintf(&b, `<option%s value="%s">%s</option>`+"\r\n", sel, pyLabel(py), pyLabel(py))
	}
	b.WriteString("</select>\r\n")

	// Month, July first.
	name, id = ctl("ddlMonth")
	fmt.Fprintf(&b, `<select name="%s" id="%s" class="ddl" onchange="tc_navigate(this)" data-url="%s">`+"\r\n", name, id,
		htmlEscape(page+v.queryTemplate(v.id, -1, time.Time{})))
	for _, mn := range pyMonths {
		sel = ""
		if mn == v.m.num() {
			sel = ` selected="selected"`
		}
		fmt.Fprintf(&b, `<option%s value="%d">%s</option>`+"\r\n", sel, mn, monthAbbr[mn])
	}
	b.WriteString("</select>\r\n")

	// As-of dates of the month, newest first.
	name, id = ctl("ddlAsOf")
	class := "ddl"
	if len(v.list) > 0 && !v.selected.Equal(v.list[0]) || monthOf(v.selected) != v.m && !v.selected.IsZero() {
		class = "ddl PastDate"
	}
	fmt.Fprintf(&b, `<select name="%s" id="%s" class="%s" onchange="tc_navigate(this)" data-url="%s">`+"\r\n", name, id, class,
		htmlEscape(page+v.queryTemplate(v.id, v.m.num(), time.Time{})+"&day={value}"))
	for _, t := range v.list {
		sel = ""
		if t.Equal(v.selected) {
			sel = ` selected="selected"`
		}
		fmt.Fprintf(&b, `<option%s value="%s">As of %s</option>`+"\r\n", sel, t.Format(unpadded), t.Format(asOfOption))
	}
	b.WriteString("</select>\r\n")

	// Export.
	name, id = ctl("ddlExport")
	if v.kind == normalize.ReportSummary || v.id != "" || v.rawID != "" {
		fmt.Fprintf(&b, `<select name="%s" id="%s" class="ddl" onchange="dll_onchange(this.value,&#39;%s&#39;, this)">`+"\r\n", name, id, htmlEscape(v.descriptor()))
		b.WriteString(`<option selected="selected" value="">Export</option>` + "\r\n" + `<option value="CSV">CSV</option>` + "\r\n" + `<option value="PDF">PDF</option>` + "\r\n</select>\r\n")
	}
	b.WriteString("</div>\r\n")

	if !v.selected.IsZero() && monthOf(v.selected) != v.m {
		fmt.Fprintf(&b, `<div class="closing-banner">The reports for %s %d are not yet final: month-end processing is in progress.</div>`+"\r\n", monthAbbr[v.m.num()], v.m.year())
	}
	if v.kind != normalize.ReportSummary && v.id != "" {
		q := v.query(v.id, v.m.num(), v.selected)
		fmt.Fprintf(&b, `<div class="tabs"><a href="District.aspx%s">District Performance</a> | <a href="Division.aspx%s">Division &amp; Area Performance</a> | <a href="Club.aspx%s">Club Performance</a></div>`+"\r\n",
			htmlEscape(q), htmlEscape(q), htmlEscape(q))
	}
	s.renderGrid(&b, v)
	b.WriteString(`<div id="footer">Recognition Version 2.0</div>` + "\r\n</form>\r\n</body>\r\n</html>\r\n")
	return b.String()
}

// renderGrid shows the page's data as a table (Club.aspx in the shape U2
// parses: table.divisionArea_grid, tr.club_gray, span.redFont, ...).
func (s *Server) renderGrid(b *strings.Builder, v *pageView) {
	if v.selected.IsZero() {
		b.WriteString(`<p class="nodata">No data is available for the selected month.</p>` + "\r\n")
		return
	}
	st := s.World.state(v.selected, 0).st
	if v.kind == normalize.ReportSummary {
		b.WriteString(`<table class="districtSummary_grid"><tr><th>Region</th><th>District</th><th>Paid Clubs</th><th>Total YTD Payments</th></tr>` + "\r\n")
		for _, d := range st.list {
			fmt.Fprintf(b, `<tr><td>%s</td><td><a href="District.aspx%s">%s</a></td><td>%d</td><td>%d</td></tr>`+"\r\n",
				d.sum.region, htmlEscape(v.query(d.id, v.m.num(), v.selected)), d.id, d.sum.paid, d.sum.total())
		}
		b.WriteString("</table>\r\n")
		return
	}
	ds := st.byID[v.id]
	if ds == nil {
		return
	}
	b.WriteString(`<table class="divisionArea_grid">` + "\r\n")
	div, area := "", ""
	for _, r := range ds.rows {
		if r.div != div {
			div = r.div
			if div == "0D" {
				b.WriteString(`<tr><th colspan="14" class="division_title">Division for Clubs Pending Alignment</th></tr>` + "\r\n")
			} else {
				fmt.Fprintf(b, `<tr><th colspan="14" class="division_title">Division %s</th></tr>`+"\r\n", div)
			}
			area = ""
		}
		if r.area != area {
			area = r.area
			if area == "0A" {
				b.WriteString(`<tr><th colspan="14" class="area_title">Area for Clubs Pending Alignment</th></tr>` + "\r\n")
			} else {
				fmt.Fprintf(b, `<tr><th colspan="14" class="area_title">Area %s</th></tr>`+"\r\n", area)
			}
		}
		img := ""
		switch r.letter {
		case "D", "S", "P", "M":
			img = fmt.Sprintf(`<img class="recog_status" src="images/%s.png" alt="%s" />`, strings.ToLower(r.letter), r.letter)
		}
		susp := ""
		if r.status == "Suspended" {
			susp = "<span>" + htmlEscape(strings.TrimSpace(r.charterCell[strings.Index(r.charterCell, "Susp"):])) + "</span>"
		}
		fmt.Fprintf(b, `<tr class="club_gray"><td class="Grid_Title_top5" title="%s">%s <span class="redFont">%s</span>%s</td><th class="Grid_Table_yellow">%d</th><td class="Grid_Table title_gray">%d</td><td><span class="goalsMetBorder">%d</span></td><td>%s</td>`,
			htmlEscape(r.c.name), htmlEscape(r.c.name), r.c.number, susp, r.base, r.members, r.goals, img)
		for i, ok := range (goalInputs{r.l1, r.l2, r.addL2, r.l3, r.l4, r.addL4, r.newM, r.addNew, r.r1, r.r2, r.duesOct, r.duesApr, r.offList}).goals() {
			mark := ""
			if ok {
				mark = "&#10004;"
			}
			fmt.Fprintf(b, `<th class="Grid_Title_goal%d">%s</th>`, i+1, mark)
		}
		b.WriteString("</tr>\r\n")
	}
	b.WriteString("</table>\r\n")
}

func notFoundPage(path string) string {
	return "<!DOCTYPE html>\r\n<html><head><title>404 - File or directory not found.</title></head><body><h2>404 - File or directory not found.</h2><p>" +
		htmlEscape(path) + "</p></body></html>\r\n"
}

func runtimeErrorPage() string {
	return "<!DOCTYPE html>\r\n<html><head><title>Runtime Error</title></head><body><h1>Server Error in '/' Application.</h1><h2><i>Runtime Error</i></h2></body></html>\r\n"
}

// serviceUnavailablePage is IIS's answer when the application is down.
func serviceUnavailablePage() string {
	return "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n"
}

// errorPage imitates the dashboard's 200 error page (TR fixture shape).
func errorPage(aspxPath string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">` + "\r\n")
	b.WriteString(`<html xmlns="http://www.w3.org/1999/xhtml">` + "\r\n<head><title>Toastmasters International</title>\r\n")
	b.WriteString(`<script src="Scripts/jquery-1.7.2.min.js" type="text/javascript"></script><script src="Scripts/base.js" type="text/javascript"></script><script src="Scripts/top-controls.js" type="text/javascript"></script>` + "\r\n</head>\r\n<body>\r\n")
	fmt.Fprintf(&b, `<form method="post" action="./error.aspx?aspxerrorpath=%s" id="form1">`+"\r\n", strings.ReplaceAll(queryEscape(aspxPath), "%2F", "%2f"))
	b.WriteString(`<div class="aspNetHidden"><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1MmRk" /></div>` + "\r\n")
	b.WriteString(`<div id="finish" style="display:none">Please Wait</div>` + "\r\n")
	b.WriteString(`<div id="menu"><ul><li><a href="Default.aspx">Dashboard</a></li><li><a href="UpdateReports.aspx">Daily Reports</a></li><li><a href="https://reports2.toastmasters.org">Reports</a></li></ul></div>` + "\r\n")
	b.WriteString(`<div id="content"><h2>We're sorry, an error has occurred.</h2><p>The page you requested could not be displayed. Please try again later.</p></div>` + "\r\n")
	b.WriteString(`<div id="footer">Recognition Version 2.0</div>` + "\r\n</form>\r\n</body>\r\n</html>\r\n")
	return b.String()
}
