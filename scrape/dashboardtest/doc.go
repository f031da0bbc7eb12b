// Package dashboardtest is a faithful imitation of the Toastmasters dashboard
// (pages, dropdowns, export.aspx, closing periods, failure modes) over a
// generated world of any size, for tests, benchmarks and the demo, in the
// manner of net/http/httptest.
//
// # The world
//
// NewWorld(Config) builds a deterministic world from a seed: districts (02,
// 61, 118, U in region DNAR, F, 09, then the other numeric ids up to 130;
// 128 of them is the 2025-26 world), divisions A.., areas 01.., clubs with
// 8-digit numbers, names with trailing spaces, "&" and "'", clubs chartered
// and suspended on the way, Low and Ineligible clubs, and in some districts
// one club listed twice (also under 0D/0A). From PY 2026-27, districts 07,
// 11, 15, ... (up to thirty of them) carry the new ids 201–231 (204 absent),
// so the district set depends on the date. Its numbers evolve day by day:
// education awards, renewals and new members accumulate through the
// program year, and each as-of date is internally consistent across the four
// reports (summary payments and club counts are the sums over the district
// reports, Goals Met and the level letters follow the era's rules with TI's
// new-club credits — goal 9 after September 1 with round-2 training, goal
// 10 after October 1, CSP after April 1 — the area and division goal columns
// follow spec/dashboard.md §2.3). The summary's distinguished counts are 0
// before April.
//
// One as-of date is published per day in [From, To], except for a short dark
// window between June's close and the first data of the new program year.
// After month M ends, the first days of M+1 (5–10; June: July 12–20) still
// carry month M's data, with footers "Month of <M>, As of <date in M+1>".
// Headers follow the era of each date's program year: the exact 29-column
// club header of 2019-20 (both education programs; also used for 2018-19)
// and the 21-column summary up to 2019-20, the 23-column club and 21-column
// summary from 2020-21 to 2024-25, CSP/Net Growth/Smedley and the 25-column
// summary in 2025-26, "Level 2s or EOM" and no Region Advisor Visit from
// 2026-27 (Config.Era forces one era).
//
// World.CSV returns exactly the bytes export.aspx serves; per-date state is
// generated lazily and cached (the full world takes about 0.1 s per date).
//
// # The server
//
// NewServer(w) listens on 127.0.0.1 with a free port and serves, at the root
// (the live program year: the year of the newest data month) and under
// /{PY}/ (archived years), case-insensitively: "/", Default.aspx,
// District.aspx, Division.aspx, Club.aspx, export.aspx and error.aspx. Pages
// carry the real control ids (cpContent_TopControls2_* on the summary page,
// cpContent_TopControls1_* on district pages: _ddlDistricts,
// _ddlProgramYear, _ddlMonth, _ddlAsOf, _ddlExport) and navigate by
// ?id=&month=&day= URLs; picking CSV in _ddlExport calls dll_onchange, which
// opens export.aspx?type=CSV&report=<descriptor> in a new window.
//
// export.aspx follows rules A–E of spec/dashboard.md §1.5: the live year on
// its archive path answers 500 "URL Rewrite Module Error."; the root ignores
// the ~PY token and serves the live year, today's data when the month-end
// slot is empty, and current data when asked for a past year's month; an
// archived year serves the asked as-of date; a date without data gives 200
// with a header, an echoing footer and no rows; an archive request with an
// empty or malformed month-end slot gives that year's June close stamped
// with today's date. Program years the dashboard does not have redirect to
// error.aspx.
//
// SetFailure and AddFailure switch on the misbehaviours of the real site:
// FailRedirect, FailHTMLError, Fail500, Fail503, FailEmpty, FailSlow and
// FailRestatement, on export.aspx, on a page or on every request, for one
// district or report, always or for the next N matching requests only
// (FailureRule.Times: "the first two exports of district 61's club report
// answer 503"). SetLatency delays every request; Requests, ExportRequests
// and RequestLog report what was asked, and LoggedRequests when each
// request arrived and which page it asked for (the browser's own requests
// for scripts, styles and images included: the pages name them, and the
// imitation answers them 404).
//
// # Its own copy of the rules
//
// The world computes Goals Met, the level letters, the new-club credits and
// the area and division goal columns with its own code, written from
// spec/dashboard.md, not by calling package snapshot, on purpose: it is the
// oracle the rules are tested against (a test that built the world with the
// rules under test would agree with any bug in them). It shares only names
// and orderings (report kinds, eras, district id order, program years).
// A rule change goes into both, from the spec.
package dashboardtest
