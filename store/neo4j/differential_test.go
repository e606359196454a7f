package neo4j_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/loader"
	"github.com/policygraph/policygraph/store/memory"
	"github.com/policygraph/policygraph/store/neo4j"
	"github.com/policygraph/policygraph/store/neo4j/neo4jtest"
)

// TestSeedAnswersMatchMemory loads the seed dataset into Neo4j and into the
// in-memory store and asks both a broad battery of queries drawn from the
// data itself — every entity, name, node and pair within reach — which must
// be answered identically.
func TestSeedAnswersMatchMemory(t *testing.T) {
	ctx := context.Background()
	driver := neo4jtest.Exclusive(t)
	db := neo4jtest.Config(t).Database
	n4j := neo4j.New(driver, db)
	if _, err := loader.Load(ctx, n4j, data.Seed(), loader.Options{}); err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Load(ctx, data.Seed(), dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.New(ds)

	same := func(what string, ask func(pg.Store) (any, error)) {
		t.Helper()
		want, werr := ask(mem)
		got, gerr := ask(n4j)
		w, _ := json.Marshal(want)
		g, _ := json.Marshal(got)
		if string(w) != string(g) || (werr == nil) != (gerr == nil) {
			t.Errorf("%s:\n neo4j  %s (err %v)\n memory %s (err %v)", what, g, gerr, w, werr)
		}
	}

	var ids, nodes []string
	for _, e := range ds.Entities {
		ids = append(ids, e.ID)
	}
	nodes = append(nodes, ids...)
	for _, s := range ds.Sources {
		nodes = append(nodes, s.ID)
	}
	var relIDs []string
	for _, r := range ds.Relationships {
		relIDs = append(relIDs, r.ID)
	}
	same("entities", func(s pg.Store) (any, error) { return s.Entities(ctx, append(ids, "person/nobody")) })
	same("sources", func(s pg.Store) (any, error) { return s.Sources(ctx, []string{ds.Sources[0].ID, "source/none"}) })
	same("relationships by id", func(s pg.Store) (any, error) { return s.RelationshipsByID(ctx, append(relIDs, "a|LEADS|b")) })
	same("stats", func(s pg.Store) (any, error) { return s.Stats(ctx) })

	// Search: every name and alias, their first word, and prefixes of it.
	var queries []string
	for _, e := range ds.Entities {
		for _, n := range e.Names() {
			queries = append(queries, n)
			if toks := pg.Tokens(n); len(toks) > 0 {
				queries = append(queries, toks[0], toks[0][:min(3, len(toks[0]))])
			}
		}
	}
	queries = append(queries, "LOPEZ obrador", "sheinbaum", "cjng", "x y z", "", "  ")
	for _, q := range queries {
		same("search "+q, func(s pg.Store) (any, error) {
			return s.Search(ctx, pg.SearchQuery{Text: q}, pg.Page{Limit: 5})
		})
	}
	same("search by kind", func(s pg.Store) (any, error) {
		return s.Search(ctx, pg.SearchQuery{Text: "mex", Kinds: []pg.Kind{pg.Country, pg.Policy}}, pg.Page{Offset: 1, Limit: 3})
	})

	filters := []pg.EntityFilter{
		{}, {Kind: pg.Person}, {Kind: pg.Organization, Types: []string{"cartel", "agency"}},
		{Kind: pg.Policy, Statuses: []string{"in_force", "postponed"}},
		{Kind: pg.Policy, EnactedBy: "country/mexico"}, {Kind: pg.Policy, Targets: "country/china"},
		{Kind: pg.Policy, EnactedBy: "country/united-states", Targets: "country/mexico"},
		{Kind: pg.Policy, From: "2025-02", To: "2025-03"}, {From: "2025"}, {To: "2025-01-31"},
	}
	for i, f := range filters {
		for _, p := range []pg.Page{{Limit: 100}, {Offset: 2, Limit: 3}, {Offset: 1000, Limit: 10}} {
			same(fmt.Sprintf("list %d %+v", i, p), func(s pg.Store) (any, error) { return s.ListEntities(ctx, f, p) })
		}
	}

	var rqs []pg.RelQuery
	for _, n := range append(nodes, "person/nobody") {
		for _, d := range []pg.Direction{"", pg.Out, pg.In} {
			rqs = append(rqs, pg.RelQuery{Node: n, Direction: d, Page: pg.Page{Limit: 100}})
		}
		rqs = append(rqs, pg.RelQuery{Node: n, Types: []pg.RelType{pg.Enacted, pg.Targets, pg.Mentions}, Page: pg.Page{Offset: 1, Limit: 2}})
	}
	same("relationships", func(s pg.Store) (any, error) { return s.Relationships(ctx, rqs) })

	for _, id := range ids {
		for _, q := range []pg.NeighborhoodQuery{
			{Center: id, Depth: 1, Limit: 100}, {Center: id, Depth: 2, Limit: 15}, {Center: id, Depth: 3, Limit: 1000},
			{Center: id, Depth: 2, Direction: pg.Out, Limit: 100}, {Center: id, Depth: 2, Direction: pg.In, Limit: 100},
			{Center: id, Depth: 2, Types: []pg.RelType{pg.Enacted, pg.Targets}, Limit: 100},
		} {
			same(fmt.Sprintf("neighborhood %+v", q), func(s pg.Store) (any, error) { return s.Neighborhood(ctx, q) })
		}
		same("timeline "+id, func(s pg.Store) (any, error) { return s.Timeline(ctx, pg.TimelineQuery{Entity: id}) })
	}
	same("neighborhood of nobody", func(s pg.Store) (any, error) {
		return s.Neighborhood(ctx, pg.NeighborhoodQuery{Center: "person/nobody", Depth: 1, Limit: 10})
	})
	for _, q := range []pg.TimelineQuery{
		{}, {From: "2025-02", To: "2025-03-10"}, {Types: []pg.RelType{pg.Leads}}, {PolicyTypes: []string{"tariff"}, Limit: 3},
		{Entity: "country/mexico", From: "2025"}, {Entity: "person/nobody"},
	} {
		same(fmt.Sprintf("timeline %+v", q), func(s pg.Store) (any, error) { return s.Timeline(ctx, q) })
	}

	// Paths between every pair of a sample that spans the graph.
	sample := ids[:min(len(ids), 14)]
	for _, a := range sample {
		for _, b := range sample {
			q := pg.PathQuery{From: a, To: b, MaxHops: 4}
			same("shortest "+a+" "+b, func(s pg.Store) (any, error) { return s.ShortestPath(ctx, q) })
			q.MaxHops = 3
			same("paths "+a+" "+b, func(s pg.Store) (any, error) { return s.Paths(ctx, q, 5) })
		}
	}
	same("shortest typed", func(s pg.Store) (any, error) {
		return s.ShortestPath(ctx, pg.PathQuery{From: "person/pete-hegseth", To: "organization/sinaloa-cartel", MaxHops: 6,
			Types: []pg.RelType{pg.HoldsOffice, pg.Leads, pg.Enacted, pg.Targets, pg.MemberOf}})
	})
}
