package neo4j_test

import (
	"context"
	"testing"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/loader"
	"github.com/policygraph/policygraph/store/neo4j"
	"github.com/policygraph/policygraph/store/neo4j/neo4jtest"
	"github.com/policygraph/policygraph/store/storetest"
)

// TestConformance holds the Neo4j store to the suite that the in-memory
// store passes: each store the suite asks for is the database wiped and the
// files loaded through the loader.
func TestConformance(t *testing.T) {
	storetest.Run(t, opener(neo4jtest.Exclusive(t), neo4jtest.Config(t).Database))
}

// BenchmarkStore runs the benchmarks that every store runs, on the Neo4j
// of NEO4J_URI (skipped without one, as every Neo4j test is outside CI).
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, opener(neo4jtest.Exclusive(b), neo4jtest.Config(b).Database))
}

// opener wipes the database and loads the files through the loader.
func opener(driver neo4jdrv.DriverWithContext, db string) storetest.Opener {
	return func(t testing.TB, files []dataset.File) pg.Store {
		t.Helper()
		ctx := context.Background()
		neo4jtest.Wipe(t, ctx, driver, db)
		s := neo4j.New(driver, db)
		if _, err := loader.Load(ctx, s, files, loader.Options{}); err != nil {
			t.Fatalf("load %d files: %v", len(files), err)
		}
		return s
	}
}
