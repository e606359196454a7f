package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/gen"
	"github.com/policygraph/policygraph/store/neo4j"
)

// TestImportMatchesLoad imports datasets into the bundled Neo4j with
// `policygraph import` (offline importer, restart, schema), then wipes it and
// writes the same files with `policygraph load`, and requires the two graphs
// to be identical: the same nodes with the same labels and every property,
// the same relationships with the same types, ends and every property.
// createdBy names the load or import, so only its presence is compared.
//
// It replaces the data of the Neo4j it runs against, so it runs only from
// scripts/test-import (part of `make test`), which starts an instance of its
// own and sets POLICYGRAPH_IMPORT_TEST.
func TestImportMatchesLoad(t *testing.T) {
	if os.Getenv("POLICYGRAPH_IMPORT_TEST") == "" {
		t.Skip("replaces the whole database: run by scripts/test-import, which gives it a Neo4j of its own")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	generated := filepath.Join(t.TempDir(), "gen.jsonl")
	if _, err := generateTo(context.Background(), generated, nil, gen.Config{Nodes: 3000, Relationships: 9000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		files []string
	}{
		{"seed", []string{filepath.Join(root, "data/seed.yaml")}},
		{"generated", []string{generated}},
		// b.yaml restates records of a.yaml: import must merge them as load does.
		{"merging", []string{filepath.Join(root, "store/storetest/testdata/a.yaml"), filepath.Join(root, "store/storetest/testdata/b.yaml")}},
	}
	cfg := neo4j.ConfigFromEnv()
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := append([]string{"import", "--quiet", "--neo4j-script", filepath.Join(root, "scripts/neo4j")}, c.files...)
			if code := run(ctx, args, &out, &errOut); code != 0 {
				t.Fatalf("import exited %d:\n%s%s", code, out.String(), errOut.String())
			}
			t.Log(out.String())
			imported := dumpGraph(t, cfg)

			wipe(t, cfg)
			out.Reset()
			errOut.Reset()
			if code := run(ctx, append([]string{"load", "--quiet"}, c.files...), &out, &errOut); code != 0 {
				t.Fatalf("load exited %d:\n%s%s", code, out.String(), errOut.String())
			}
			loaded := dumpGraph(t, cfg)

			if len(loaded.nodes) == 0 || len(loaded.rels) == 0 {
				t.Fatalf("load wrote %d nodes and %d relationships", len(loaded.nodes), len(loaded.rels))
			}
			compare(t, "node", imported.nodes, loaded.nodes)
			compare(t, "relationship", imported.rels, loaded.rels)
		})
	}
}

// graph is a whole database: nodes and relationships by their id property,
// each as its labels or type, ends and properties.
type graph struct {
	nodes map[string]map[string]any
	rels  map[string]map[string]any
}

func withDriver(t *testing.T, cfg neo4j.Config, fn func(ctx context.Context, d neo4jdrv.DriverWithContext)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d, err := neo4j.Connect(ctx, cfg, neo4jdrv.AccessModeWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	fn(ctx, d)
}

func dumpGraph(t *testing.T, cfg neo4j.Config) graph {
	t.Helper()
	g := graph{nodes: map[string]map[string]any{}, rels: map[string]map[string]any{}}
	withDriver(t, cfg, func(ctx context.Context, d neo4jdrv.DriverWithContext) {
		query := func(cypher string, into map[string]map[string]any) {
			res, err := neo4jdrv.ExecuteQuery(ctx, d, cypher, nil, neo4jdrv.EagerResultTransformer,
				neo4jdrv.ExecuteQueryWithDatabase(cfg.Database))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res.Records {
				rec := r.AsMap()
				props := rec["props"].(map[string]any)
				id, _ := props["id"].(string)
				if _, dup := into[id]; dup || id == "" {
					t.Fatalf("id %q missing or not unique", id)
				}
				if props["createdBy"] == nil {
					t.Errorf("%s has no createdBy", id)
				}
				delete(props, "createdBy")
				into[id] = rec
			}
		}
		// The load lease's lock node is the loader's bookkeeping, not data.
		query("MATCH (n) WHERE NOT n:_LoadLock RETURN labels(n) AS labels, properties(n) AS props", g.nodes)
		query("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props", g.rels)
	})
	for _, n := range g.nodes {
		labels := n["labels"].([]any)
		sort.Slice(labels, func(i, j int) bool { return labels[i].(string) < labels[j].(string) })
	}
	return g
}

func wipe(t *testing.T, cfg neo4j.Config) {
	t.Helper()
	withDriver(t, cfg, func(ctx context.Context, d neo4jdrv.DriverWithContext) {
		if _, err := neo4jdrv.ExecuteQuery(ctx, d, "MATCH (n) DETACH DELETE n", nil, neo4jdrv.EagerResultTransformer,
			neo4jdrv.ExecuteQueryWithDatabase(cfg.Database)); err != nil {
			t.Fatal(err)
		}
	})
}

// compare reports every record that one graph has and the other lacks or
// holds differently, up to a few of each.
func compare(t *testing.T, what string, imported, loaded map[string]map[string]any) {
	t.Helper()
	var ids []string
	for id := range loaded {
		ids = append(ids, id)
	}
	for id := range imported {
		if _, ok := loaded[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	bad := 0
	for _, id := range ids {
		a, b := imported[id], loaded[id]
		if reflect.DeepEqual(a, b) {
			continue
		}
		if bad++; bad <= 5 {
			t.Errorf("%s %s:\n import %s\n load   %s", what, id, show(a), show(b))
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d %ss differ", bad, len(ids), what)
	} else {
		t.Logf("%d %ss identical", len(ids), what)
	}
}

func show(m map[string]any) string {
	if m == nil {
		return "(absent)"
	}
	return fmt.Sprintf("%#v", m)
}
