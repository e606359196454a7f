package neo4j_test

import (
	"context"
	"testing"

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
	driver := neo4jtest.Exclusive(t)
	db := neo4jtest.Config(t).Database
	storetest.Run(t, func(t *testing.T, files []dataset.File) pg.Store {
		t.Helper()
		ctx := context.Background()
		neo4jtest.Wipe(t, ctx, driver, db)
		s := neo4j.New(driver, db)
		if _, err := loader.Load(ctx, s, files, loader.Options{}); err != nil {
			t.Fatalf("load %d files: %v", len(files), err)
		}
		return s
	})
}
