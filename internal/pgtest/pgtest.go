// Package pgtest is the test support that the packages' tests share: the
// in-memory store over the seed dataset, a fake store whose methods are
// function fields (store.go), and clients for the GraphQL API (graphql.go).
// Tests of the stores themselves use the conformance suite in
// store/storetest instead.
package pgtest

import (
	"context"
	"sync"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/store/memory"
)

// seed is built once per test binary: the store is immutable and safe for
// any number of goroutines, so tests may share it.
var seed = sync.OnceValues(func() (*memory.Store, error) {
	ds, err := dataset.Load(context.Background(), data.Seed(), dataset.Options{})
	if err != nil {
		return nil, err
	}
	return memory.New(ds), nil
})

// Seed returns the in-memory store over the seed dataset. Callers must not
// change what it returns.
func Seed(t testing.TB) pg.Store {
	t.Helper()
	s, err := seed()
	if err != nil {
		t.Fatalf("load seed: %v", err)
	}
	return s
}
