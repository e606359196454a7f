package graph_test

import (
	"flag"
	"testing"

	"github.com/policygraph/policygraph/graph/graphtest"
	"github.com/policygraph/policygraph/internal/pgtest"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the responses")

// TestGolden answers the analyst questions of testdata/queries from the
// seed dataset. The Neo4j store's tests run the same files through
// graphtest.Run.
func TestGolden(t *testing.T) {
	graphtest.Run(t, graphtest.Options{
		Queries: "testdata/queries",
		Golden:  "testdata/golden",
		Update:  *update,
	}, pgtest.Seed)
}
