package api_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/toaststats/toaststats/adapters/api"
	"github.com/toaststats/toaststats/store"
)

// ExampleNewServer runs the whole HTTP API in-process over a data
// directory, as a user's test or program would: no second binary.
func ExampleNewServer() {
	dir, err := os.MkdirTemp("", "toaststats-api-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := store.Create(dir, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	build, pending := api.NewBuilder(st, nil)
	srv := api.NewServer(api.Config{AdminToken: "a-long-enough-admin-token"}, api.Deps{Store: st, Build: build, Pending: pending})
	defer srv.Close()

	hs := httptest.NewServer(srv)
	defer hs.Close()
	resp, err := http.Get(hs.URL + "/api/districts/rankings")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("rankings before the first snapshot:", resp.StatusCode)
	// Output: rankings before the first snapshot: 503
}
