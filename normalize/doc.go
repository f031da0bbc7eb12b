// Package normalize reads the four dashboard CSV reports (all-districts
// summary, district, division and club performance) exactly as downloaded, in
// every header era, with their footer (data month, as-of date, closing
// period), and turns the rows into the snapshot model: DCP goals, club
// levels, area and division standing, membership and payments.
//
// # Reading
//
// Every reader takes the file name (used in errors) and the bytes as
// downloaded. The bytes are split with an encoding/csv reader that accepts
// rows of any length (FieldsPerRecord = -1, set per call), the footer
// `Month of Jun, As of 09/13/2025` (two unquoted cells, or one quoted cell)
// is recognised as the last record and split off, and every other row must
// have the header's width. The header's names are then resolved once per
// file to the report's canonical column names (the era aliases below are our
// rule), the header row is replaced by those names, and gocsv maps the rows
// onto the report's record type by its `csv:"..."` tags, converting each
// cell through the field's type: whole numbers ("1,234" and "" read as 1234
// and 0), percentages ("N/A" is 0), Y/N flags, the charter/suspend cell.
// A cell that does not convert is ErrMalformed naming the file line and the
// canonical column. ReadReports reads many files at once with the same
// result per file, but hands gocsv the rows of every file with the same
// header layout in one call, so the header is matched against the record's
// tags once for all of them. (gocsv's package settings, such as SetHeaderNormalizer or
// FailIfUnmatchedStructTags, are global: a program that changes them changes
// how these reports are read.) Columns are found by name, never by
// position, through per-report alias lists that cover the header eras of
// spec §2.1–2.4; names are matched
// after folding case and white space, so `May Visit award` and `Club Name `
// are found. A missing required column is ErrWrongHeader; a missing optional
// column is a warning and its values stay unknown (nil pointers, -1 counts).
//
// Bad input is a *ReportError naming the file and wrapping a sentinel:
// ErrHTMLPage (an error page served with status 200), ErrNoRows (header and
// footer, no rows), ErrWrongHeader, ErrFooterMismatch (CheckReportFor) or
// ErrMalformed (bad quoting, a row of the wrong width, a non-numeric value,
// an unreadable footer).
//
// # Decisions where the spec is silent
//
//   - A missing footer is "unknown": Footer.Found is false, IsClosingPeriod
//     reports known=false, and CheckReportFor does not refuse the body.
//   - Level rules follow the footer's program year (from the data month);
//     without a footer, or when the footer's year contradicts the header era
//     (CSP columns or not), the era's year is used and a warning is given;
//     in that case the district's ProgramYear is the era's year too, so that
//     every later judgement of its levels follows the same rules. A nil CSP
//     flag does not gate a level.
//   - A club listed twice keeps the row under its real division (not 0D/0A);
//     between equals the last row wins (as RG did). The dropped ids are in
//     the report's Duplicates and in District.Sources.
//   - Area visits: a club counts for a round when its `Nov Visit award` /
//     `May Visit award` is 1. Area and division standing is
//     snapshot.StandingOn (the one standing rule), judged on the report's
//     logical date: each round needs ceil(75% of the club base) awards, an
//     area reaches a tier only when both rounds are complete as well as its
//     paid and distinguished goals, and a round that closed short blocks
//     the area for the year. Goal columns come from the division report.
//   - Club counts by letter use the reported letter of every club, whatever
//     its status. Education counts the six education columns (the capped
//     columns plus their Add. columns), labelled by the header names as
//     printed; TopClubs are the 10 clubs with most awards (report order
//     breaks ties). In the traditional program the CL/AL/DTMs (and Add.)
//     are those awards; its CCs and ACs have no place in the snapshot and
//     are not counted.
//   - Payments come from the district report (sum of the club rows); the
//     summary row gives the payment base and growth, and stands in for the
//     payments when the district report is missing. Members are never taken
//     from payments.
//   - The traditional program (before 2018-19: CCs, ACs, CL/AL/DTMs) is read
//     with its own goals 1–6 (2 CCs, 2 more CCs, 1 AC, 1 more AC, 1
//     CL/AL/DTM, 1 more); its exact column order is unknown, which does not
//     matter when reading by name. Every goal has its own column in every
//     era: the 2018-19 and 2019-20 header (EraTransition, 29 columns) prints
//     both programs side by side, and either program meets goals 1–6 there.
//     No formula reproduces that era's Goals Met, so its clubs are marked
//     GoalsApproximate.
//   - Goals Met is the authority for a club's goal count and level: the level
//     is snapshot.ClubLevelOf of the reported count. DCPGoals is the
//     per-goal breakdown that explains it; Assemble adds TI's new-club
//     credits (snapshot.NewClubGoals, recorded in GoalCredits) once the
//     district report gives the charter date, and validate's
//     GOALS_UNEXPLAINED names any club whose count the breakdown still
//     cannot explain.
package normalize
