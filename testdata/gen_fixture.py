#!/usr/bin/env python3
"""Writes the hand-made raw-cache fixture under testdata/cache/<date>/.

Four districts (02, 42, 61, F), four clubs each, PY 2025-26 headers, exactly
the dashboard's CSV format (spec/dashboard.md §2): every cell quoted, CRLF,
unquoted footer line last. Every report of a date is internally consistent
(club, division and district reports list the same clubs; the summary sums
the district reports). Run from the repository root: python3 testdata/gen_fixture.py
"""
import os, random

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DISTRICTS = [("01", "02"), ("02", "42"), ("03", "61"), ("14", "F")]
# collection date -> (data month number, as-of MM/DD/YYYY, seed)
DATES = {
    "2025-11-14": (11, "11/14/2025", 1),
    "2025-12-03": (11, "12/03/2025", 2),
    "2025-12-05": (11, "12/05/2025", 3),
}

def q(row):
    return ",".join('"%s"' % c for c in row) + "\r\n"

CLUB_HDR = ["District","Division","Area","Club Number","Club Name","Club Status","CSP","Mem. Base","Active Members","Net Growth","Goals Met","Level 1s","Level 2s","Add. Level 2s","Level 3s","Level 4s, Path Completions, or DTM Awards","Add. Level 4s, Path Completions, or DTM award","New Members","Add. New Members","Off. Trained Round 1","Off. Trained Round 2","Mem. dues on time Oct","Mem. dues on time Apr","Off. List On Time","Club Distinguished Status"]
DIST_HDR = ["District","Division","Area","Club","Club Name","New","Late Ren.","Oct. Ren.","Apr. Ren.","Total Ren.","Total Chart","Total to Date","Distinguished Status","Charter Date/Suspend Date"]
DIV_HDR = ["District","Division","Area","Club","Club Name","October Renewals","April Renewals","Nov Visit award","May Visit award","Membership to date","Club Goals Met","Distinguished Club","Area Club Base","Area Paid Club Goal for Dist.","Area Paid Club Goal for Select Dist.","Area Paid Club Goal for Pres. Dist.","Total Paid Area Clubs","Area Dist. Club Goal for Dist.","Area Dist. Club Goal for Select Dist.","Area Dist. Club Goal for Pres. Dist.","Total Dist. Area Clubs","Distinguished Area","Division Club Base","Division Paid Club Goal for Dist.","Division Paid Club Goal for Select Dist.","Division Paid Club Goal for Pres. Dist.","Total Paid Division Clubs","Division Dist. Club Goal for Dist.","Division Dist. Club Goal for Select Dist.","Division Dist. Club Goal for Pres. Dist.","Total Dist. Division Clubs","Distinguished Division","Charter Date/Suspend Date"]
SUM_HDR = ["REGION","DISTRICT","DSP","Training","Market Analysis","Communication Plan","Region Advisor Visit","New Payments","April Payments","October Payments","Late Payments","Charter Payments","Total YTD Payments","Payment Base","% Payment Growth","Paid Club Base","Paid Clubs","% Club Growth","Active Clubs","Distinguished Clubs","Select Distinguished Clubs","Presidents Distinguished Clubs","Smedley Distinguished Clubs","Total Distinguished Clubs","% Distinguished Clubs"]

def goals(c):
    g = [c["l1"] >= 4, c["l2"] >= 2, c["l2"] >= 2 and c["al2"] >= 2, c["l3"] >= 2,
         c["l4"] >= 1, c["l4"] >= 1 and c["al4"] >= 1, c["new"] >= 4, c["new"] >= 4 and c["anew"] >= 4,
         c["r1"] >= 4 and c["r2"] >= 4, c["offlist"] >= 1 and (c["oct"] >= 1 or c["apr"] >= 1)]
    return sum(g)

def level(c, met):
    if c["csp"] != "Y":
        return ""
    a, n = c["active"], c["active"] - c["base"]
    if met >= 10 and a >= 25: return "M"
    if met >= 9 and a >= 20: return "P"
    if met >= 7 and (a >= 20 or n >= 5): return "S"
    if met >= 5 and (a >= 20 or n >= 3): return "D"
    return ""

def ceil_pct(p, n):
    """ceil(p% of n) in integers, as the Go rules compute it: a float ceiling
    is one too high where n * p/100 is an integer not exact in binary
    (math.ceil(100 * 0.55) == 56)."""
    return -(-p * n // 100)

def pct(x):
    s = "%.2f" % x
    s = s.rstrip("0").rstrip(".") if "." in s else s
    return s + "%"

def gen_district(rnd, region, d, di):
    clubs = []
    n = 0
    for div in "AB":
        for area in ("01", "02") if div == "A" else ("03", "04"):
            for k in range(1):
                n += 1
                clubs.append(dict(div=div, area=area))
    # 4 clubs: areas 01,02 in A and 03,04 in B -> one club per area
    out = []
    for i, c in enumerate(clubs):
        status = "Active"
        if d == "61" and i == 3: status = "Suspended"
        if d == "42" and i == 2: status = "Low"
        base = rnd.randint(12, 30)
        active = {"Active": rnd.randint(18, 34), "Low": 6, "Suspended": 0}[status]
        z = status == "Suspended"
        c.update(number="%08d" % (1000 + di * 100 + i * 7 + 3), name="Club %s-%d Speakers%s" % (d, i + 1, " " if i == 1 else ""),
                 status=status, csp=("Y" if rnd.random() < 0.8 else "N"), base=base, active=active,
                 l1=0 if z else rnd.randint(0, 7), l2=0 if z else rnd.randint(0, 2), al2=0 if z else rnd.randint(0, 3),
                 l3=0 if z else rnd.randint(0, 3), l4=0 if z else rnd.randint(0, 1), al4=0 if z else rnd.randint(0, 1),
                 new=0 if z else rnd.randint(0, 4), anew=0 if z else rnd.randint(0, 6), r1=0 if z else rnd.randint(2, 6),
                 r2=0 if z else rnd.randint(0, 5), oct=0 if z else 1, apr=0, offlist=0 if z else rnd.randint(0, 2))
        if c["new"] < 4: c["anew"] = 0
        c["met"] = goals(c)
        c["level"] = level(c, c["met"]) if status in ("Active",) else ""
        c["pnew"] = c["new"] + c["anew"]
        c["plate"] = 0 if z else rnd.randint(0, 2)
        c["poct"] = 0 if z else min(base, active) + rnd.randint(0, 3)
        c["papr"] = 0
        c["pchart"] = 0
        c["ptot"] = c["pnew"] + c["plate"] + c["poct"] + c["papr"] + c["pchart"]
        c["cs"] = " Susp 10/31/25" if z else ""
        out.append(c)
    return out

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(text)

def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cache")
    for date, (mon, asof, seed) in DATES.items():
        rnd = random.Random(seed)
        footer = "Month of %s, As of %s\r\n" % (MONTHS[mon - 1], asof)
        summary = q(SUM_HDR)
        for di, (region, d) in enumerate(DISTRICTS):
            clubs = gen_district(rnd, region, d, di)
            club = q(CLUB_HDR)
            dist = q(DIST_HDR)
            div = q(DIV_HDR)
            for c in clubs:
                club += q([d, c["div"], c["area"], c["number"], c["name"], c["status"], c["csp"], c["base"], c["active"],
                           c["active"] - c["base"], c["met"], c["l1"], c["l2"], c["al2"], c["l3"], c["l4"], c["al4"],
                           c["new"], c["anew"], c["r1"], c["r2"], c["oct"], c["apr"], c["offlist"], c["level"]])
                dist += q([d, c["div"], c["area"], c["number"], c["name"], c["pnew"], c["plate"], c["poct"], c["papr"],
                           c["plate"] + c["poct"] + c["papr"], c["pchart"], c["ptot"], c["level"], c["cs"].strip() and c["cs"]])
            for c in clubs:
                area = [x for x in clubs if x["div"] == c["div"] and x["area"] == c["area"]]
                dv = [x for x in clubs if x["div"] == c["div"]]
                abase, dbase = len(area), len(dv)
                apaid = sum(1 for x in area if x["status"] == "Active")
                adist = sum(1 for x in area if x["level"])
                dpaid = sum(1 for x in dv if x["status"] == "Active")
                ddist = sum(1 for x in dv if x["level"])
                ag = ceil_pct(50, abase)
                aword = ""
                if apaid >= abase + 1 and adist >= ag + 1: aword = "President's Distinguished"
                elif apaid >= abase and adist >= ag + 1: aword = "Select Distinguished"
                elif apaid >= abase and adist >= ag: aword = "Distinguished"
                dg = [ceil_pct(45, dbase), ceil_pct(50, dbase), ceil_pct(55, dbase)]
                dword = ""
                if dpaid >= dbase + 2 and ddist >= dg[2]: dword = "President's Distinguished"
                elif dpaid >= dbase + 1 and ddist >= dg[1]: dword = "Select Distinguished"
                elif dpaid >= dbase and ddist >= dg[0]: dword = "Distinguished"
                div += q([d, c["div"], c["area"], c["number"], c["name"], 1 if c["poct"] else 0, 0,
                          0 if c["status"] == "Suspended" else 1, 0, c["active"], c["met"], c["level"],
                          abase, abase, abase, abase + 1, apaid, ag, ag + 1, ag + 1, adist, aword,
                          dbase, dbase, dbase + 1, dbase + 2, dpaid, dg[0], dg[1], dg[2], ddist, dword, c["cs"]])
            folder = os.path.join(root, date, "district-" + d)
            write(os.path.join(folder, "club-performance.csv"), club + footer)
            write(os.path.join(folder, "district-performance.csv"), dist + footer)
            write(os.path.join(folder, "division-performance.csv"), div + footer)
            s = {k: sum(c[k] for c in clubs) for k in ("pnew", "papr", "poct", "plate", "pchart", "ptot")}
            pbase = sum(c["base"] for c in clubs) * 2
            paid = sum(1 for c in clubs if c["status"] == "Active")
            act = sum(1 for c in clubs if c["status"] != "Suspended")
            lv = [c["level"] for c in clubs]
            tot = sum(1 for x in lv if x)
            # % Distinguished Clubs is measured on Paid Clubs, as the dashboard's own
            # column is (spec/dashboard.md §3.1: "48.1% of paid"; D91 2024-25: 99/173).
            summary += q([region, d, "Y", "Y", "N", "Y", "N", s["pnew"], s["papr"], s["poct"], s["plate"], s["pchart"],
                          s["ptot"], pbase, pct((s["ptot"] - pbase) / pbase * 100), len(clubs), paid,
                          pct((paid - len(clubs)) / len(clubs) * 100), act, lv.count("D"), lv.count("S"), lv.count("P"),
                          lv.count("M"), tot, pct(tot / paid * 100 if paid else 0)])
        write(os.path.join(root, date, "all-districts.csv"), summary + footer)

main()
