package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/loader"
	"github.com/policygraph/policygraph/store/memory"
	"github.com/policygraph/policygraph/store/neo4j"
	"github.com/policygraph/policygraph/store/neo4j/neo4jtest"
)

// wideDataset has n people, each a member of two of ten organizations.
func wideDataset(n int) *dataset.Dataset {
	const src = "source/s"
	ev := []pg.Evidence{{Source: src, Quote: "q"}}
	ds := &dataset.Dataset{}
	ds.Add(&dataset.Record{Source: &pg.Source{ID: src, Title: "S"}})
	for i := range 10 {
		ds.Add(&dataset.Record{Entity: &pg.Entity{ID: fmt.Sprintf("organization/o%02d", i),
			Kind: pg.Organization, Type: "agency", Name: fmt.Sprintf("O%02d", i), Evidence: ev}})
	}
	for i := range n {
		p := fmt.Sprintf("person/p%03d", i)
		ds.Add(&dataset.Record{Entity: &pg.Entity{ID: p, Kind: pg.Person, Name: fmt.Sprintf("P%03d", i), Evidence: ev}})
		for _, o := range []int{i % 10, (i + 3) % 10} {
			to := fmt.Sprintf("organization/o%02d", o)
			ds.Add(&dataset.Record{Relationship: &pg.Relationship{
				ID: pg.RelationshipID(p, pg.MemberOf, to, ""), Type: pg.MemberOf,
				From: p, To: to, Evidence: ev}})
		}
	}
	return ds
}

// The store calls of a query are bounded by how deep it nests, not by how
// many items it lists: the dataloaders batch each level into one call.
func TestStoreCallsBoundedByDepth(t *testing.T) {
	const query = `{ people(first: %d) { edges { node {
		name
		relationships(first: 10) { totalCount edges { direction
			node { id name }
			relationship { type source target from { name } to { name } evidence { quote source { title } } }
		} }
	} } } }`
	for _, n := range []int{5, 50} {
		store := newCountingStore(memory.New(wideDataset(n)))
		// A level's fields ask within the batch wait; the default is tuned
		// for latency, this one for a loaded machine under -race, where
		// goroutines may start late and split a batch in two.
		cfg := graph.Config{BatchWait: 100 * time.Millisecond}
		resp := do(t, newHandler(cfg, store), fmt.Sprintf(query, n), nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Raw)
		}
		var people struct {
			Edges []struct {
				Node struct {
					Relationships struct{ Edges []json.RawMessage }
				}
			}
		}
		mustUnmarshal(t, resp.Data["people"], &people)
		if len(people.Edges) != n || len(people.Edges[n-1].Node.Relationships.Edges) != 2 {
			t.Fatalf("unexpected response: %.500s", resp.Raw)
		}
		// ListEntities, Relationships, Entities (the organizations), Sources.
		if got := store.total(); got > 4 {
			t.Errorf("%d people: %d store calls %v, want at most 4", n, got, store.calls)
		}
	}
}

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
}

// The same bound in Cypher round trips, on the real Neo4j: 50 people with
// their relationships, the far ends and the evidence's sources cost one
// query a level.
func TestCypherRoundTripsBoundedByDepth(t *testing.T) {
	const n = 50
	driver := neo4jtest.Exclusive(t)
	store := neo4j.New(driver, neo4jtest.Config(t).Database)
	path := filepath.Join(t.TempDir(), "wide.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := dataset.NewWriter(f)
	ds := wideDataset(n)
	for _, s := range ds.Sources {
		_ = w.Source(s)
	}
	for _, e := range ds.Entities {
		_ = w.Entity(e)
	}
	for _, r := range ds.Relationships {
		if r.Type != pg.Mentions { // derived again from the entities' evidence
			_ = w.Relationship(r)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := loader.Load(context.Background(), store, dataset.Paths(path), loader.Options{}); err != nil {
		t.Fatal(err)
	}

	const query = `{ people(first: 50) { edges { node {
		name
		relationships(first: 10) { totalCount edges { direction
			node { id name }
			relationship { type source target from { name } to { name } evidence { quote source { title } } }
		} }
	} } } }`
	h := newHandler(graph.Config{BatchWait: 100 * time.Millisecond}, store)
	before := store.RoundTrips()
	resp := do(t, h, query, nil)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Raw)
	}
	var people struct{ Edges []json.RawMessage }
	mustUnmarshal(t, resp.Data["people"], &people)
	if len(people.Edges) != n {
		t.Fatalf("got %d people, want %d", len(people.Edges), n)
	}
	// ListEntities, Relationships, Entities (the organizations), Sources.
	got := store.RoundTrips() - before
	t.Logf("%d people with their relationships: %d Cypher round trips", n, got)
	if got > 4 {
		t.Errorf("%d people cost %d Cypher round trips, want at most 4", n, got)
	}
}
