package dashboardtest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
)

// A test starts an imitation dashboard over a small world and downloads a
// report the way a scraper would.
func ExampleNewServer() {
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 4, ClubsPerDistrict: 20, Seed: 1,
		From: "2025-09-01", To: "2025-10-15"})
	s := dashboardtest.NewServer(w)
	defer s.Close()

	resp, err := http.Get(s.URL + "/export.aspx?type=CSV&report=clubperformance~61~9/30/2025~10/3/2025~2025-2026")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	lines := strings.Split(strings.TrimSpace(string(body)), "\r\n")

	want, _ := w.CSV(normalize.ReportClub, "61", "2025-10-03")
	fmt.Println(w.DataMonth("2025-10-03"), w.Districts("2025-10-03"))
	fmt.Println(lines[len(lines)-1])
	fmt.Println(string(body) == string(want))
	// Output:
	// 2025-09 [02 61 118 U]
	// Month of Sep, As of 10/03/2025
	// true
}
