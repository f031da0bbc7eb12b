package analytics

import (
	"testing"
)

func TestDayNumberRoundTrip(t *testing.T) {
	start, _ := dayNumber("2023-01-01")
	for n := start; n < start+1500; n++ {
		d := dateOfDay(n)
		got, ok := dayNumber(d)
		if !ok || got != n {
			t.Fatalf("dayNumber(dateOfDay(%d)=%s) = %d", n, d, got)
		}
	}
	a, _ := dayNumber("2024-02-28")
	b, _ := dayNumber("2024-03-01")
	if b-a != 2 {
		t.Fatalf("leap year: got %d days between 2024-02-28 and 2024-03-01", b-a)
	}
}
