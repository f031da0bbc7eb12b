#!/usr/bin/env python3
"""Writes testdata/predecessor/: a data directory in the exact shape the
TypeScript predecessor (rservant/toast-stats@cf4c3a5) wrote, per
predecessor.md §5, §5.1, §5.2, §5.4, §5.5: JSON.stringify(obj, null, 2)
(two-space indent, no trailing newline), key order as written, manifests
and metadata without sha256, district files carrying the raw CSV records and
byClub, legacy single-file snapshots, raw CSV cache with sha256 checksums.

Run from store/testdata: python3 make_predecessor.py
"""
import csv as csvmod, hashlib, io, json, os, shutil

root = "predecessor"
shutil.rmtree(root, ignore_errors=True)

def dump(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False)

def write(path, text):
    p = os.path.join(root, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w", newline="") as f:
        f.write(text)
    return len(text.encode())

# ---- raw CSV cache ----
summary = ("REGION,DISTRICT,DSP,Training,Market Analysis Plan,Communication Plan,Region Advisor Visit,"
           "New Payments,April Payments,October Payments,Late Payments,Charter Payments,Total YTD Payments,"
           "Payment Base,% Payment Growth,Paid Club Base,Paid Clubs,% Club Growth,Active Clubs,"
           "Distinguished Clubs,Select Distinguished Clubs,Presidents Distinguished Clubs,Total Distinguished Clubs,"
           "% Distinguished Clubs\n"
           "01,42,Y,Y,Y,Y,N,310,0,1650,40,20,2020,3800,-46.84%,110,104,-5.45%,104,10,5,3,18,17.31%\n"
           "07,101,Y,N,Y,Y,N,200,0,1100,30,0,1330,2500,-46.80%,80,82,2.50%,82,6,2,1,9,10.98%\n"
           "U,F,Y,Y,Y,Y,Y,500,0,2500,60,40,3100,5000,-38.00%,150,155,3.33%,155,20,9,4,33,21.29%\n"
           "Month of Dec, As of 01/05/2026\n")
club42 = ("District,Division,Area,Club Number,Club Name,Club Status,Mem. Base,Active Members,Goals Met,"
          "Level 1s,Level 2s,Add. Level 2s,Level 3s,\"Level 4s, Path Completions, or DTM Awards\","
          "\"Add. Level 4s, Path Completions, or DTM award\",New Members,Add. New Members,"
          "Off. Trained Round 1,Off. Trained Round 2,Mem. dues on time Oct,Mem. dues on time Apr,"
          "Off. List On Time,Club Distinguished Status\n"
          "42,A,A1,00001234,Alpha Speakers,Active,20,23,5,4,2,1,1,0,0,4,0,4,3,1,0,1,D\n"
          "42,A,A2,00005678,Beta Orators,Low,10,9,1,1,0,0,0,0,0,1,0,2,0,0,0,1,\n"
          "Month of Dec, As of 01/05/2026\n")
div42 = ("District,Division,Area,Club,Club Name,Div. Club Base,Area Club Base,Nov Visit award,May visit award\n"
         "42,A,A1,1234,Alpha Speakers,2,1,1,0\n42,A,A2,5678,Beta Orators,2,1,0,0\n"
         "Month of Dec, As of 01/05/2026\n")
dist42 = ("District,Division,Area,Club,Club Name,New,Late Ren.,Oct. Ren.,Apr. Ren.,Total Ren.,Total Chart,Total to Date,Charter Date/Suspend Date\n"
          "42,A,A1,1234,Alpha Speakers,4,0,19,0,19,0,23,\n42,A,A2,5678,Beta Orators,1,0,8,0,8,0,9,\n"
          "Month of Dec, As of 01/05/2026\n")
clubF = club42.replace("42,A,", "F,A,")
files = {"all-districts.csv": summary,
         "district-42/club-performance.csv": club42,
         "district-42/division-performance.csv": div42,
         "district-42/district-performance.csv": dist42,
         "district-F/club-performance.csv": clubF}
checksums = {}
total = 0
for k, v in files.items():
    total += write("raw-csv/2026-01-05/" + k, v)
    checksums[k] = hashlib.sha256(v.encode()).hexdigest()
write("raw-csv/2026-01-05/metadata.json", dump({
    "date": "2026-01-05",
    "timestamp": 1767603600000,
    "programYear": "2025-2026",
    "csvFiles": {"allDistricts": True, "districts": {
        "42": {"districtPerformance": True, "divisionPerformance": True, "clubPerformance": True},
        "F": {"districtPerformance": False, "divisionPerformance": False, "clubPerformance": True}}},
    "downloadStats": {"totalDownloads": 5, "cacheHits": 3, "cacheMisses": 5, "lastAccessed": 1767603700000},
    "integrity": {"checksums": checksums, "totalSize": total, "fileCount": len(files)},
    "source": "scraper",
    "cacheVersion": 1,
    "isClosingPeriod": True,
    "dataMonth": "2025-12",
    "requestedDate": "2026-01-05",
}))
# A date whose metadata.json the predecessor never wrote (reads must still work).
write("raw-csv/2026-01-04/all-districts.csv", summary.replace("01/05/2026", "01/04/2026"))

# ---- per-district snapshot 2025-12-31 (closing period of 2026-01-05) ----
def records(csv):
    rows = list(csvmod.reader(io.StringIO(csv)))
    head = rows[0]
    return [{h.strip(): v.strip() for h, v in zip(head, vals)} for vals in rows[1:] if vals]

def district_file(did, status="success"):
    clubs = records(club42 if did == "42" else clubF)
    by_club = [{"clubId": c["Club Number"], "clubName": c["Club Name"], "memberCount": int(c["Active Members"])}
               for c in clubs if c.get("Club Number") and c.get("Club Name")]
    data = {
        "districtId": did,
        "asOfDate": "2026-01-05",
        "membership": {"total": 32, "change": 0, "changePercent": 0, "byClub": by_club},
        "clubs": {"total": 3, "active": 2, "suspended": 0, "ineligible": 0, "low": 1, "distinguished": 1},
        "education": {"totalAwards": 0, "byType": [], "topClubs": []},
        "districtPerformance": records(dist42) if did == "42" else [],
        "divisionPerformance": records(div42) if did == "42" else [],
        "clubPerformance": clubs,
    }
    return {"districtId": did, "districtName": "District " + did, "collectedAt": "2026-01-05T09:03:12.345Z",
            "status": status, "data": data}

def snapshot_dir(sid, ms, districts, failed, status, closing):
    entries = []
    for did in districts:
        size = write(f"snapshots/{sid}/district_{did}.json", dump(district_file(did)))
        entries.append({"districtId": did, "fileName": f"district_{did}.json", "status": "success",
                        "fileSize": size, "lastModified": "2026-01-05T09:03:13.001Z"})
    for did in failed:
        entries.append({"districtId": did, "fileName": f"district_{did}.json", "status": "failed",
                        "fileSize": 0, "lastModified": "2026-01-05T09:03:13.001Z",
                        "errorMessage": "No data found for district " + did})
    rankings = {"metadata": {"snapshotId": sid, "calculatedAt": "2026-01-05T09:03:12.900Z", "schemaVersion": "1.0.0",
                             "calculationVersion": "1.0.0", "rankingVersion": "2.0", "sourceCsvDate": "2026-01-05",
                             "csvFetchedAt": "2026-01-05T09:00:00.000Z", "totalDistricts": 3, "fromCache": True},
                "rankings": [
        {"districtId": "F", "districtName": "F", "region": "U", "paidClubs": 155, "paidClubBase": 150,
         "clubGrowthPercent": 3.33, "totalPayments": 3100, "paymentBase": 5000, "paymentGrowthPercent": -38,
         "activeClubs": 155, "distinguishedClubs": 33, "selectDistinguished": 9, "presidentsDistinguished": 4,
         "distinguishedPercent": 21.29032258064516, "clubsRank": 1, "paymentsRank": 1, "distinguishedRank": 1,
         "aggregateScore": 9},
        {"districtId": "42", "districtName": "42", "region": "01", "paidClubs": 104, "paidClubBase": 110,
         "clubGrowthPercent": -5.45, "totalPayments": 2020, "paymentBase": 3800, "paymentGrowthPercent": -46.84,
         "activeClubs": 104, "distinguishedClubs": 18, "selectDistinguished": 5, "presidentsDistinguished": 3,
         "distinguishedPercent": 17.307692307692307, "clubsRank": 3, "paymentsRank": 3, "distinguishedRank": 2,
         "aggregateScore": 4},
        {"districtId": "101", "districtName": "101", "region": "07", "paidClubs": 82, "paidClubBase": 80,
         "clubGrowthPercent": 2.5, "totalPayments": 1330, "paymentBase": 2500, "paymentGrowthPercent": -46.8,
         "activeClubs": 82, "distinguishedClubs": 9, "selectDistinguished": 2, "presidentsDistinguished": 1,
         "distinguishedPercent": 10.975609756097562, "clubsRank": 2, "paymentsRank": 2, "distinguishedRank": 3,
         "aggregateScore": 5}]}
    rsize = write(f"snapshots/{sid}/all-districts-rankings.json", dump(rankings))
    write(f"snapshots/{sid}/manifest.json", dump({
        "snapshotId": f"snapshot_{ms}", "createdAt": "2026-01-05T09:03:13.000Z", "districts": entries,
        "totalDistricts": len(entries), "successfulDistricts": len(districts), "failedDistricts": len(failed),
        "allDistrictsRankings": {"filename": "all-districts-rankings.json", "size": rsize, "status": "present"}}))
    md = {"snapshotId": f"snapshot_{ms}", "createdAt": "2026-01-05T09:03:13.000Z", "schemaVersion": "1.0.0",
          "calculationVersion": "1.0.0", "rankingVersion": "2.0", "status": status,
          "configuredDistricts": districts + failed, "successfulDistricts": districts, "failedDistricts": failed,
          "errors": ["Data is older than 7 days (as of 2026-01-05)"] if status == "success" else
                    [f"Partial snapshot: {len(failed)} districts missing from cache: " + ", ".join(failed)],
          "districtErrors": [], "processingDuration": 41, "source": "toastmasters-dashboard",
          "dataAsOfDate": "2026-01-05"}
    if closing:
        md.update({"isClosingPeriodData": True, "collectionDate": "2026-01-05", "logicalDate": sid})
    write(f"snapshots/{sid}/metadata.json", dump(md))

snapshot_dir("2025-12-31", 1767603793000, ["42", "F"], [], "success", True)
snapshot_dir("2026-01-04", 1767517393000, ["42"], ["101"], "partial", False)

# ---- legacy single-file snapshot (FileSnapshotStore, §5.2) ----
write("snapshots/snapshot_1767430993000.json", dump({
    "snapshot_id": "snapshot_1767430993000", "created_at": "2026-01-03T09:03:13.000Z",
    "schema_version": "1.0.0", "calculation_version": "1.0.0", "status": "success", "errors": [],
    "payload": {"districts": [district_file("42")["data"]],
                "metadata": {"source": "toastmasters-dashboard", "fetchedAt": "2026-01-03T09:00:00.000Z",
                             "dataAsOfDate": "2026-01-03", "districtCount": 1, "processingDurationMs": 812,
                             "configuredDistricts": ["42"], "successfulDistricts": ["42"], "failedDistricts": []}}}))

write("current.json", dump({"snapshot_id": "2025-12-31", "updated_at": "2026-01-05T09:03:13.100Z",
                            "schema_version": "1.0.0", "calculation_version": "1.0.0"}))

# ---- district configuration (§5.5): sorted as strings by the predecessor ----
write("config/districts.json", dump({"configuredDistricts": ["101", "42", "F"],
                                     "lastUpdated": "2026-01-02T10:00:00.000Z", "updatedBy": "admin", "version": 1}))
log = [{"timestamp": "2026-01-01T10:00:00.000Z", "action": "add", "districtId": None, "adminUser": "admin",
        "newDistricts": ["42", "F"], "context": "Districts added via admin API"},
       {"timestamp": "2026-01-02T10:00:00.000Z", "action": "add", "districtId": "101", "adminUser": "admin",
        "previousDistricts": ["42", "F"], "newDistricts": ["101", "42", "F"], "context": "District added"}]
write("config/district-changes.log", "".join(json.dumps(e) + "\n" for e in log))
