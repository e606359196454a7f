package graph_test

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/client"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/internal/pgtest"
)

// TestSchemaDefaults: the schema is the only source of argument defaults.
// An argument left out takes the schema's default, one given takes its
// value, and an explicit null is refused by validation rather than
// meaning a default that Go would have to restate.
func TestSchemaDefaults(t *testing.T) {
	var got struct {
		paths pg.PathQuery
		n     int
		hood  pg.NeighborhoodQuery
		page  pg.Page
	}
	seed := pgtest.Seed(t)
	store := &pgtest.Store{
		Base: seed,
		PathsFunc: func(ctx context.Context, q pg.PathQuery, n int) ([]pg.Path, error) {
			got.paths, got.n = q, n
			return seed.Paths(ctx, q, n)
		},
		NeighborhoodFunc: func(ctx context.Context, q pg.NeighborhoodQuery) (pg.Subgraph, error) {
			got.hood = q
			return seed.Neighborhood(ctx, q)
		},
		ListEntitiesFunc: func(ctx context.Context, f pg.EntityFilter, p pg.Page) (pg.EntityPage, error) {
			got.page = p
			return seed.ListEntities(ctx, f, p)
		},
	}
	c := pgtest.Client(newHandler(graph.Config{}, store))
	const (
		cs = "person/claudia-sheinbaum"
		mx = "country/mexico"
	)
	var resp struct{ Paths []struct{ Length int } }

	c.MustPost(`query($from: ID!, $to: ID!) { paths(from: $from, to: $to) { length } }`, &resp,
		client.Var("from", cs), client.Var("to", mx))
	if got.paths.MaxHops != 3 || got.n != 10 {
		t.Errorf("paths with maxHops and first left out: maxHops %d, first %d; want the schema's 3 and 10", got.paths.MaxHops, got.n)
	}
	// A nullable variable that is not sent is left out, too.
	c.MustPost(`query($hops: Int) { paths(from: "`+cs+`", to: "`+mx+`", maxHops: $hops) { length } }`, &resp)
	if got.paths.MaxHops != 3 {
		t.Errorf("paths with an unsent $hops: maxHops %d, want 3", got.paths.MaxHops)
	}
	c.MustPost(`{ paths(from: "`+cs+`", to: "`+mx+`", maxHops: 2, first: 4) { length } }`, &resp)
	if got.paths.MaxHops != 2 || got.n != 4 {
		t.Errorf("paths(maxHops: 2, first: 4): maxHops %d, first %d", got.paths.MaxHops, got.n)
	}

	var hood struct{ Neighborhood struct{ Truncated bool } }
	c.MustPost(`{ neighborhood(id: "`+cs+`") { truncated } }`, &hood)
	if want := (pg.NeighborhoodQuery{Center: cs, Depth: 1, Direction: pg.Both, Limit: 100, HubDegree: 200}); !sameHood(got.hood, want) {
		t.Errorf("neighborhood with defaults: %+v, want %+v", got.hood, want)
	}
	var people struct{ People struct{ TotalCount int } }
	c.MustPost(`{ people { totalCount } }`, &people)
	if got.page.Limit != 20 {
		t.Errorf("people with first left out: limit %d, want 20", got.page.Limit)
	}

	h := newHandler(graph.Config{}, store)
	for _, q := range []string{
		`{ paths(from: "` + cs + `", to: "` + mx + `", maxHops: null) { length } }`,
		`{ neighborhood(id: "` + cs + `", depth: null) { truncated } }`,
		`{ people(first: null) { totalCount } }`,
	} {
		if r := pgtest.Post(t, h, q, nil); r.Code() != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("%s: code %q, want GRAPHQL_VALIDATION_FAILED: %s", q, r.Code(), r.Raw)
		}
	}
	// A variable sent as null is refused when the arguments are coerced.
	r := pgtest.Post(t, h, `query($hops: Int) { paths(from: "`+cs+`", to: "`+mx+`", maxHops: $hops) { length } }`,
		map[string]any{"hops": nil})
	if len(r.Errors) == 0 || len(r.Data) != 0 && string(r.Data["paths"]) != "null" {
		t.Errorf("paths with $hops: null = %s, want an error", r.Raw)
	}
}

func sameHood(a, b pg.NeighborhoodQuery) bool {
	return a.Center == b.Center && a.Depth == b.Depth && a.Direction == b.Direction &&
		a.Limit == b.Limit && a.HubDegree == b.HubDegree
}
