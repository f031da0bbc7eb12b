package normalize

// The rows' gocsv.TypeUnmarshalCSVWithFields: gocsv calls it with each
// cell's column key (the header row ReadReports hands gocsv holds the
// columns' keys, layout.gocsvHeader) and its text; the row converts the
// cell into the field whose `csv` tag is that key, through the field's
// UnmarshalCSV. Cells of columns no field names (a header cell no schema
// column claims has the key "") are ignored, as gocsv ignores them for tags.
// TestRowsUnmarshalEveryTag checks that every tag reaches its own field.

// UnmarshalCSVWithFields implements gocsv.TypeUnmarshalCSVWithFields.
func (r *summaryRecord) UnmarshalCSVWithFields(key, value string) error {
	switch key {
	case "REGION":
		return r.Region.UnmarshalCSV(value)
	case "DISTRICT":
		return r.District.UnmarshalCSV(value)
	case "DSP":
		return r.DSP.UnmarshalCSV(value)
	case "Training":
		return r.Training.UnmarshalCSV(value)
	case "Market Analysis":
		return r.MarketAnalysis.UnmarshalCSV(value)
	case "Communication Plan":
		return r.CommunicationPlan.UnmarshalCSV(value)
	case "Region Advisor Visit":
		return r.RegionAdvisorVisit.UnmarshalCSV(value)
	case "New Payments":
		return r.NewPayments.UnmarshalCSV(value)
	case "April Payments":
		return r.AprilPayments.UnmarshalCSV(value)
	case "October Payments":
		return r.OctoberPayments.UnmarshalCSV(value)
	case "Late Payments":
		return r.LatePayments.UnmarshalCSV(value)
	case "Charter Payments":
		return r.CharterPayments.UnmarshalCSV(value)
	case "Total YTD Payments":
		return r.TotalYTDPayments.UnmarshalCSV(value)
	case "Payment Base":
		return r.PaymentBase.UnmarshalCSV(value)
	case "% Payment Growth":
		return r.PaymentGrowth.UnmarshalCSV(value)
	case "Paid Club Base":
		return r.PaidClubBase.UnmarshalCSV(value)
	case "Paid Clubs":
		return r.PaidClubs.UnmarshalCSV(value)
	case "% Club Growth":
		return r.ClubGrowth.UnmarshalCSV(value)
	case "Active Clubs":
		return r.ActiveClubs.UnmarshalCSV(value)
	case "Distinguished Clubs":
		return r.Distinguished.UnmarshalCSV(value)
	case "Select Distinguished Clubs":
		return r.Select.UnmarshalCSV(value)
	case "Presidents Distinguished Clubs":
		return r.Presidents.UnmarshalCSV(value)
	case "Smedley Distinguished Clubs":
		return r.Smedley.UnmarshalCSV(value)
	case "Total Distinguished Clubs":
		return r.TotalDistinguished.UnmarshalCSV(value)
	case "% Distinguished Clubs":
		return r.DistinguishedPct.UnmarshalCSV(value)
	}
	return nil
}

// UnmarshalCSVWithFields implements gocsv.TypeUnmarshalCSVWithFields.
func (r *districtRecord) UnmarshalCSVWithFields(key, value string) error {
	switch key {
	case "District":
		return r.District.UnmarshalCSV(value)
	case "Division":
		return r.Division.UnmarshalCSV(value)
	case "Area":
		return r.Area.UnmarshalCSV(value)
	case "Club":
		return r.Club.UnmarshalCSV(value)
	case "Club Name":
		return r.ClubName.UnmarshalCSV(value)
	case "New":
		return r.New.UnmarshalCSV(value)
	case "Late Ren.":
		return r.LateRen.UnmarshalCSV(value)
	case "Oct. Ren.":
		return r.OctRen.UnmarshalCSV(value)
	case "Apr. Ren.":
		return r.AprRen.UnmarshalCSV(value)
	case "Total Ren.":
		return r.TotalRen.UnmarshalCSV(value)
	case "Total Chart":
		return r.TotalChart.UnmarshalCSV(value)
	case "Total to Date":
		return r.TotalToDate.UnmarshalCSV(value)
	case "Distinguished Status":
		return r.DistinguishedStatus.UnmarshalCSV(value)
	case "Charter Date/Suspend Date":
		return r.CharterSuspend.UnmarshalCSV(value)
	}
	return nil
}

// UnmarshalCSVWithFields implements gocsv.TypeUnmarshalCSVWithFields.
func (r *divisionRecord) UnmarshalCSVWithFields(key, value string) error {
	switch key {
	case "District":
		return r.District.UnmarshalCSV(value)
	case "Division":
		return r.Division.UnmarshalCSV(value)
	case "Area":
		return r.Area.UnmarshalCSV(value)
	case "Club":
		return r.Club.UnmarshalCSV(value)
	case "Club Name":
		return r.ClubName.UnmarshalCSV(value)
	case "October Renewals":
		return r.OctRenewals.UnmarshalCSV(value)
	case "April Renewals":
		return r.AprRenewals.UnmarshalCSV(value)
	case "Nov Visit award":
		return r.NovVisit.UnmarshalCSV(value)
	case "May Visit award":
		return r.MayVisit.UnmarshalCSV(value)
	case "Membership to date":
		return r.MembershipToDate.UnmarshalCSV(value)
	case "Club Goals Met":
		return r.ClubGoalsMet.UnmarshalCSV(value)
	case "Distinguished Club":
		return r.DistinguishedClub.UnmarshalCSV(value)
	case "Area Club Base":
		return r.AreaClubBase.UnmarshalCSV(value)
	case "Area Paid Club Goal for Dist.":
		return r.AreaPaidD.UnmarshalCSV(value)
	case "Area Paid Club Goal for Select Dist.":
		return r.AreaPaidS.UnmarshalCSV(value)
	case "Area Paid Club Goal for Pres. Dist.":
		return r.AreaPaidP.UnmarshalCSV(value)
	case "Total Paid Area Clubs":
		return r.AreaPaidTotal.UnmarshalCSV(value)
	case "Area Dist. Club Goal for Dist.":
		return r.AreaDistD.UnmarshalCSV(value)
	case "Area Dist. Club Goal for Select Dist.":
		return r.AreaDistS.UnmarshalCSV(value)
	case "Area Dist. Club Goal for Pres. Dist.":
		return r.AreaDistP.UnmarshalCSV(value)
	case "Total Dist. Area Clubs":
		return r.AreaDistTotal.UnmarshalCSV(value)
	case "Distinguished Area":
		return r.AreaStatus.UnmarshalCSV(value)
	case "Division Club Base":
		return r.DivClubBase.UnmarshalCSV(value)
	case "Division Paid Club Goal for Dist.":
		return r.DivPaidD.UnmarshalCSV(value)
	case "Division Paid Club Goal for Select Dist.":
		return r.DivPaidS.UnmarshalCSV(value)
	case "Division Paid Club Goal for Pres. Dist.":
		return r.DivPaidP.UnmarshalCSV(value)
	case "Total Paid Division Clubs":
		return r.DivPaidTotal.UnmarshalCSV(value)
	case "Division Dist. Club Goal for Dist.":
		return r.DivDistD.UnmarshalCSV(value)
	case "Division Dist. Club Goal for Select Dist.":
		return r.DivDistS.UnmarshalCSV(value)
	case "Division Dist. Club Goal for Pres. Dist.":
		return r.DivDistP.UnmarshalCSV(value)
	case "Total Dist. Division Clubs":
		return r.DivDistTotal.UnmarshalCSV(value)
	case "Distinguished Division":
		return r.DivStatus.UnmarshalCSV(value)
	case "Charter Date/Suspend Date":
		return r.CharterSuspend.UnmarshalCSV(value)
	}
	return nil
}

// UnmarshalCSVWithFields implements gocsv.TypeUnmarshalCSVWithFields.
func (r *clubRecord) UnmarshalCSVWithFields(key, value string) error {
	switch key {
	case "District":
		return r.District.UnmarshalCSV(value)
	case "Division":
		return r.Division.UnmarshalCSV(value)
	case "Area":
		return r.Area.UnmarshalCSV(value)
	case "Club Number":
		return r.ClubNumber.UnmarshalCSV(value)
	case "Club Name":
		return r.ClubName.UnmarshalCSV(value)
	case "Club Status":
		return r.ClubStatus.UnmarshalCSV(value)
	case "CSP":
		return r.CSP.UnmarshalCSV(value)
	case "Mem. Base":
		return r.MemBase.UnmarshalCSV(value)
	case "Active Members":
		return r.ActiveMembers.UnmarshalCSV(value)
	case "Net Growth":
		return r.NetGrowth.UnmarshalCSV(value)
	case "Goals Met":
		return r.GoalsMet.UnmarshalCSV(value)
	case "Level 1s":
		return r.Level1s.UnmarshalCSV(value)
	case "Level 2s":
		return r.Level2s.UnmarshalCSV(value)
	case "Add. Level 2s":
		return r.AddLevel2s.UnmarshalCSV(value)
	case "Level 3s":
		return r.Level3s.UnmarshalCSV(value)
	case "Level 4s Path Completions or DTM Awards":
		return r.Goal5.UnmarshalCSV(value)
	case "Add. Level 4s Path Completions or DTM award":
		return r.AddGoal5.UnmarshalCSV(value)
	case "New Members":
		return r.NewMembers.UnmarshalCSV(value)
	case "Add. New Members":
		return r.AddNewMembers.UnmarshalCSV(value)
	case "Off. Trained Round 1":
		return r.OffTrained1.UnmarshalCSV(value)
	case "Off. Trained Round 2":
		return r.OffTrained2.UnmarshalCSV(value)
	case "Mem. dues on time Oct":
		return r.DuesOct.UnmarshalCSV(value)
	case "Mem. dues on time Apr":
		return r.DuesApr.UnmarshalCSV(value)
	case "Mem. dues on time Oct & Apr":
		return r.DuesOctApr.UnmarshalCSV(value)
	case "Off. List On Time":
		return r.OffListOnTime.UnmarshalCSV(value)
	case "Club Distinguished Status":
		return r.DistinguishedStatus.UnmarshalCSV(value)
	case "CCs":
		return r.CCs.UnmarshalCSV(value)
	case "Add. CCs":
		return r.AddCCs.UnmarshalCSV(value)
	case "ACs":
		return r.ACs.UnmarshalCSV(value)
	case "Add. ACs":
		return r.AddACs.UnmarshalCSV(value)
	case "Level 5s":
		return r.Level5s.UnmarshalCSV(value)
	case "CL/AL/DTMs":
		return r.CLALDTMs.UnmarshalCSV(value)
	case "Add. CL/AL/DTMs":
		return r.AddCLALDTMs.UnmarshalCSV(value)
	}
	return nil
}
