package graph_test

import (
	"context"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/graph/graphtest"
	"github.com/policygraph/policygraph/loader"
	"github.com/policygraph/policygraph/store/neo4j"
	"github.com/policygraph/policygraph/store/neo4j/neo4jtest"
)

// TestGoldenNeo4j holds the Neo4j store to the same golden answers as the
// in-memory one. It needs the Neo4j of NEO4J_URI (`make test` starts one)
// to itself, and skips without one.
func TestGoldenNeo4j(t *testing.T) {
	graphtest.Run(t, graphtest.Options{
		Queries: "testdata/queries",
		Golden:  "testdata/golden",
	}, neo4jSeed)
}

// neo4jSeed is the Neo4j of NEO4J_URI, to this test alone, holding the
// seed dataset; it skips without one.
func neo4jSeed(t testing.TB) pg.Store {
	t.Helper()
	driver := neo4jtest.Exclusive(t)
	s := neo4j.New(driver, neo4jtest.Config(t).Database)
	if _, err := loader.Load(context.Background(), s, data.Seed(), loader.Options{}); err != nil {
		t.Fatalf("load the seed into Neo4j: %v", err)
	}
	return s
}
