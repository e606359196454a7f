package graph_test

import (
	"context"
	"flag"
	"testing"

	"github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/graph/graphtest"
	"github.com/policygraph/policygraph/store/memory"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the responses")

// seedStore is the in-memory store over the seed dataset.
func seedStore(t *testing.T) policygraph.Store {
	t.Helper()
	ds, err := dataset.Load(context.Background(), data.Seed(), dataset.Options{})
	if err != nil {
		t.Fatalf("load seed: %v", err)
	}
	return memory.New(ds)
}

// TestGolden answers the analyst questions of testdata/queries from the
// seed dataset. The Neo4j store's tests run the same files through
// graphtest.Run.
func TestGolden(t *testing.T) {
	graphtest.Run(t, graphtest.Options{
		Queries: "testdata/queries",
		Golden:  "testdata/golden",
		Update:  *update,
	}, seedStore)
}
