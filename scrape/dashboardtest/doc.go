// Package dashboardtest is a faithful imitation of the Toastmasters dashboard
// (pages, dropdowns, export.aspx, closing periods, failure modes) over a
// generated world of any size, for tests, benchmarks and the demo, in the
// manner of net/http/httptest.
package dashboardtest
