package validate

// The stable finding codes, with their severity. The package documentation
// says when each fires.
const (
	// CodeNoData (error): no districts and no summary rows.
	CodeNoData = "NO_DATA"
	// CodeInvalidAsOfDate (error): an as-of or collection date is missing
	// or not a calendar date.
	CodeInvalidAsOfDate = "INVALID_AS_OF_DATE"
	// CodeAsOfDateInFuture (error): an as-of date after tomorrow (UTC).
	CodeAsOfDateInFuture = "AS_OF_DATE_IN_FUTURE"
	// CodeStaleData (warning): the as-of date lags the collection date by
	// more than MaxCollectionLagDays.
	CodeStaleData = "STALE_DATA"
	// CodeAsOfAfterCollection (warning): the as-of date is after the
	// collection date.
	CodeAsOfAfterCollection = "AS_OF_AFTER_COLLECTION"
	// CodeInvalidDistrictID (error): a district's id is not ^[A-Z0-9]+$.
	CodeInvalidDistrictID = "INVALID_DISTRICT_ID"
	// CodeDuplicateDistrictID (error): a district appears twice.
	CodeDuplicateDistrictID = "DUPLICATE_DISTRICT_ID"
	// CodeDistrictUnavailable (warning): a configured district could not be
	// read (one per Input.DistrictErrors entry).
	CodeDistrictUnavailable = "DISTRICT_UNAVAILABLE"
	// CodeSummaryMissing (warning): districts but no summary district rows.
	CodeSummaryMissing = "SUMMARY_MISSING"
	// CodeSummaryNonDistrictRow (warning): summary rows that are not
	// districts (a leaked footer).
	CodeSummaryNonDistrictRow = "SUMMARY_NON_DISTRICT_ROW"
	// CodeDuplicateSummaryDistrict (warning): a district has several summary
	// rows.
	CodeDuplicateSummaryDistrict = "DUPLICATE_SUMMARY_DISTRICT"
	// CodeSummaryPaymentsSum (warning): a summary row's payment columns do
	// not add up to its total YTD payments.
	CodeSummaryPaymentsSum = "SUMMARY_PAYMENTS_SUM"
	// CodeSummaryDistinguishedExceedsActive (warning): a summary row has more
	// distinguished than active clubs.
	CodeSummaryDistinguishedExceedsActive = "SUMMARY_DISTINGUISHED_EXCEEDS_ACTIVE"
	// CodeAsOfDateUnknown (warning): none of a district's reports has a
	// footer.
	CodeAsOfDateUnknown = "AS_OF_DATE_UNKNOWN"
	// CodeAsOfDateMismatch (warning): a district's as-of date differs from
	// the snapshot's.
	CodeAsOfDateMismatch = "AS_OF_DATE_MISMATCH"
	// CodeNegativeCount (error): a count below zero.
	CodeNegativeCount = "NEGATIVE_COUNT"
	// CodeClubStatusSum (error): the status counts do not sum to the total.
	CodeClubStatusSum = "CLUB_STATUS_SUM"
	// CodeDistinguishedLevelSum (error): the level counts do not sum to the
	// distinguished count.
	CodeDistinguishedLevelSum = "DISTINGUISHED_LEVEL_SUM"
	// CodeDistinguishedExceedsTotal (error): more distinguished clubs than
	// clubs.
	CodeDistinguishedExceedsTotal = "DISTINGUISHED_EXCEEDS_TOTAL"
	// CodeDistinguishedExceedsActive (warning): more distinguished clubs than
	// active and low clubs.
	CodeDistinguishedExceedsActive = "DISTINGUISHED_EXCEEDS_ACTIVE"
	// CodeMembershipWithoutClubs (error): members but no clubs.
	CodeMembershipWithoutClubs = "MEMBERSHIP_WITHOUT_CLUBS"
	// CodeClubsWithoutMembership (warning): active clubs but no members.
	CodeClubsWithoutMembership = "CLUBS_WITHOUT_MEMBERSHIP"
	// CodeMembershipChange (warning): change or change percent do not follow
	// from total and base.
	CodeMembershipChange = "MEMBERSHIP_CHANGE_MISMATCH"
	// CodeMembershipSum (warning): the clubs' members do not sum to the
	// total.
	CodeMembershipSum = "MEMBERSHIP_SUM_MISMATCH"
	// CodePaymentsSum (warning): the payment kinds do not sum to the total.
	CodePaymentsSum = "PAYMENTS_SUM_MISMATCH"
	// CodeInvalidClubID (error): a club id that is not a club number.
	CodeInvalidClubID = "INVALID_CLUB_ID"
	// CodeDuplicateClubID (error): a club appears twice in the district.
	CodeDuplicateClubID = "DUPLICATE_CLUB_ID"
	// CodeUnknownClubStatus (warning): a club status outside the four known.
	CodeUnknownClubStatus = "UNKNOWN_CLUB_STATUS"
	// CodeUnknownDistinguishedStatus (warning): a level letter outside
	// "", D, S, P, M.
	CodeUnknownDistinguishedStatus = "UNKNOWN_DISTINGUISHED_STATUS"
	// CodeClubCountMismatch (warning): the club counts differ from what the
	// club details give.
	CodeClubCountMismatch = "CLUB_COUNT_MISMATCH"
	// CodeGoalsUnexplained (warning): the dashboard's Goals Met (the
	// authority) is not what the per-goal breakdown explains, new-club
	// credits included (snapshot.Club.GoalsUnexplained). One finding per
	// club, naming the club and the signed difference; clubs whose
	// breakdown is approximate (2018-20) are summarised in one finding per
	// district. It replaces GOALS_MET_MISMATCH, which compared the columns
	// alone.
	CodeGoalsUnexplained = "GOALS_UNEXPLAINED"
	// CodeLevelMismatch (warning): reported distinguished status differs
	// from the level the rules give for the reported Goals Met
	// (snapshot.ClubLevelOf).
	CodeLevelMismatch = "LEVEL_MISMATCH"
	// CodeEducationSum (warning): awards by type do not sum to the total.
	CodeEducationSum = "EDUCATION_SUM_MISMATCH"
	// CodeTopClubAwardsExceedTotal (warning): the top clubs hold more awards
	// than the district.
	CodeTopClubAwardsExceedTotal = "TOP_CLUB_AWARDS_EXCEED_TOTAL"
	// CodeDistrictNotInSummary (warning): a district missing from the
	// summary.
	CodeDistrictNotInSummary = "DISTRICT_NOT_IN_SUMMARY"
	// CodeSummaryPaymentsMismatch (warning): the summary's total YTD payments
	// differ from the district's payments total.
	CodeSummaryPaymentsMismatch = "SUMMARY_PAYMENTS_MISMATCH"
	// CodeSummaryActiveClubsMismatch (warning): the summary's active clubs
	// differ from the district's clubs that are not suspended.
	CodeSummaryActiveClubsMismatch = "SUMMARY_ACTIVE_CLUBS_MISMATCH"
	// CodeSourceDataMonthMismatch (error): the district's reports are of
	// different data months.
	CodeSourceDataMonthMismatch = "SOURCE_DATA_MONTH_MISMATCH"
	// CodeSourceAsOfMismatch (warning): the district's reports have
	// different as-of dates.
	CodeSourceAsOfMismatch = "SOURCE_AS_OF_MISMATCH"
	// CodeSourceClubsMismatch (warning): the district's reports list
	// different clubs.
	CodeSourceClubsMismatch = "SOURCE_CLUBS_MISMATCH"
	// CodeSourceMembersMismatch (warning): the district's reports disagree
	// on total members.
	CodeSourceMembersMismatch = "SOURCE_MEMBERS_MISMATCH"
	// CodeSourcePaymentsMismatch (warning): the district's reports disagree
	// on total payments.
	CodeSourcePaymentsMismatch = "SOURCE_PAYMENTS_MISMATCH"
	// CodeSourceDuplicateClubs (warning): a report lists a club twice.
	CodeSourceDuplicateClubs = "SOURCE_DUPLICATE_CLUBS"
)
