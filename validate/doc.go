// Package validate checks a built snapshot model against the rules of the
// dashboard and its own consistency. Each finding carries a severity (error
// or warning), a stable code, the district it concerns and a message.
//
// [Validate] runs every rule over an [Input] (the normalised districts, the
// all-districts summary rows, the data as-of date, the build time and,
// optionally, the collection date and the districts the build could not
// read). An error makes the snapshot failed; a warning is kept for the
// reader. Rules that concern many clubs of a district give one finding per
// district that counts the clubs and lists the first five, never one
// finding per club. Findings come snapshot-wide first, then by district id
// in natural order, so the same input always gives the same list.
//
// # Codes
//
// Snapshot-wide (DistrictID "" unless a district is named):
//
//	NO_DATA                      error    no districts and no summary rows
//	INVALID_AS_OF_DATE           error    the data as-of date is missing or not a calendar date
//	                                      YYYY-MM-DD (also an invalid collection date, and per
//	                                      district: a district's own as-of date that is not a date)
//	AS_OF_DATE_IN_FUTURE         error    an as-of date later than tomorrow (UTC) of Input.Now: a
//	                                      snapshot id from the future would keep every real later
//	                                      snapshot from becoming current (also per district)
//	STALE_DATA                   warning  the as-of date is more than MaxCollectionLagDays (7)
//	                                      before the collection date: the dashboard served old data
//	AS_OF_AFTER_COLLECTION       warning  the as-of date is after the collection date
//	INVALID_DISTRICT_ID          error    a district whose id is not ^[A-Z0-9]+$
//	DUPLICATE_DISTRICT_ID        error    a district id appears more than once (one finding per id)
//	DISTRICT_UNAVAILABLE         warning  one per Input.DistrictErrors entry: a configured district
//	                                      that could not be read (missing report, checksum
//	                                      mismatch, parse error), with the reason, file and error
//	SUMMARY_MISSING              warning  districts but no summary district rows: nothing to rank
//	SUMMARY_NON_DISTRICT_ROW     warning  summary rows whose id is not a district id (a leaked
//	                                      footer "Month of Dec" / "As of 01/05/2026"); never ranked
//	DUPLICATE_SUMMARY_DISTRICT   warning  a district with several summary rows; the first is used
//	SUMMARY_PAYMENTS_SUM         warning  a summary row's New + April + October + Late + Charter
//	                                      payments differ from its Total YTD Payments
//	SUMMARY_DISTINGUISHED_EXCEEDS_ACTIVE
//	                             warning  a summary row's Total Distinguished Clubs exceed its
//	                                      Active Clubs
//
// Per district:
//
//	AS_OF_DATE_UNKNOWN           warning  the district's as-of date is empty: none of its reports
//	                                      has a footer (some older exports have none; unknown is
//	                                      not wrong)
//	AS_OF_DATE_MISMATCH          warning  the district's as-of date differs from Input.DataAsOfDate
//	NEGATIVE_COUNT               error    any count (clubs, members, payments, awards, a club's
//	                                      members, base or goals met) below zero; one finding
//	                                      listing them
//	CLUB_STATUS_SUM              error    active + low + ineligible + suspended != total clubs
//	                                      (clubs with an unknown status may be in the total or not)
//	DISTINGUISHED_LEVEL_SUM      error    D + S + P + M != distinguished clubs (likewise for
//	                                      unknown level letters)
//	DISTINGUISHED_EXCEEDS_TOTAL  error    more distinguished clubs than clubs
//	DISTINGUISHED_EXCEEDS_ACTIVE warning  more distinguished clubs than active + low clubs (some
//	                                      suspended or ineligible club carries a level)
//	MEMBERSHIP_WITHOUT_CLUBS     error    members > 0 but no clubs
//	CLUBS_WITHOUT_MEMBERSHIP     warning  active clubs but no members
//	MEMBERSHIP_CHANGE_MISMATCH   warning  change != total − base, or change percent is not
//	                                      change / base * 100 to 2 decimals
//	MEMBERSHIP_SUM_MISMATCH      warning  the clubs' active members (club details, or
//	                                      membership.byClub when present) do not sum to the total
//	PAYMENTS_SUM_MISMATCH        warning  new + october + april + late + charter != payments total
//	INVALID_CLUB_ID              error    a club whose id is not a club number (digits), e.g. a
//	                                      footer line read as a club
//	DUPLICATE_CLUB_ID            error    a club listed twice in the district's club details
//	UNKNOWN_CLUB_STATUS          warning  a club status other than Active, Low, Ineligible,
//	                                      Suspended
//	UNKNOWN_DISTINGUISHED_STATUS warning  a reported level letter other than "", D, S, P, M
//	CLUB_COUNT_MISMATCH          warning  the counts by status and by reported level differ from
//	                                      what the club details give
//	GOALS_UNEXPLAINED            warning  one per club whose reported Goals Met (the authority)
//	                                      the per-goal breakdown, new-club credits included, does
//	                                      not explain: the club and the signed difference
//	                                      (Club.GoalsUnexplained); approximate (2018-20)
//	                                      breakdowns in one finding per district
//	LEVEL_MISMATCH               warning  clubs whose reported distinguished status differs from
//	                                      the level the era's rules give for the reported Goals
//	                                      Met (snapshot.ClubLevelOf)
//	EDUCATION_SUM_MISMATCH       warning  awards by type do not sum to total awards
//	TOP_CLUB_AWARDS_EXCEED_TOTAL warning  the top clubs' awards exceed total awards
//	DISTRICT_NOT_IN_SUMMARY      warning  the summary has districts, but not this one
//	SUMMARY_PAYMENTS_MISMATCH    warning  the summary row's Total YTD Payments differ from the
//	                                      district's membership payments total
//	SUMMARY_ACTIVE_CLUBS_MISMATCH
//	                             warning  the summary row's Active Clubs differ from the
//	                                      district's clubs that are not suspended (total −
//	                                      suspended; the dashboard's Active Clubs count exceeds
//	                                      its Paid Clubs, so it includes low and ineligible clubs)
//
// Across the district's own reports (District.Sources, one entry per
// report read; the summary's entry, all-districts.csv, counts active clubs
// rather than all clubs and is left to the SUMMARY_* rules above):
//
//	SOURCE_DATA_MONTH_MISMATCH   error    the reports' footers name different data months: the
//	                                      district would mix two months' data
//	SOURCE_AS_OF_MISMATCH        warning  the reports' footers have different as-of dates
//	SOURCE_CLUBS_MISMATCH        warning  the reports list different clubs (different counts, or
//	                                      clubs missing from or extra to a report)
//	SOURCE_MEMBERS_MISMATCH      warning  the reports that carry members disagree on the total
//	SOURCE_PAYMENTS_MISMATCH     warning  the reports that carry payments disagree on the total
//	SOURCE_DUPLICATE_CLUBS       warning  a report lists a club twice (the dashboard does this
//	                                      for clubs under 0D/0A and their real division)
//
// # Departures from the predecessor
//
// The predecessor's DataValidator (predecessor.md §3) counted distinguished
// clubs regardless of status and made "distinguished > active" an error, so a
// suspended club with a level failed the whole snapshot; here the
// impossible case (more distinguished clubs than clubs) is the error and the
// status question is a warning. Its "data is older than 7 days" warning,
// measured against the wall clock, fired on every backfilled snapshot;
// staleness is a property of a collection, not of when it is read, so
// STALE_DATA compares the as-of date with the collection date instead (and
// the wall clock is used only to refuse as-of dates from the future). File
// and parse errors never reached its result; here each unreadable district
// becomes a DISTRICT_UNAVAILABLE warning (a warning because the Builder
// already marks such a snapshot partial). Its schema checks of JSON types
// are the Go type system's job; its "processing duration was unusually
// long" warning concerns the build, not the data, and is left to the
// Builder's own reporting.
package validate
