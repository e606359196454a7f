package graph_test

import (
	"strings"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/internal/pgtest"
)

func TestQueryLimits(t *testing.T) {
	seed := pgtest.Seed(t)
	deep := `{ entity(id: "country/mexico") { relationships(first: 5) { edges { node { relationships(first: 5) { edges { node { relationships(first: 5) { edges { node { id } } } } } } } } } } }`
	tests := []struct {
		name  string
		cfg   graph.Config
		query string
		code  string // "": accepted
	}{
		{"default depth accepts analyst queries", graph.Config{}, deep, ""},
		{"depth limit", graph.Config{MaxDepth: 8}, deep, "DEPTH_LIMIT_EXCEEDED"},
		{"fragments count towards depth", graph.Config{MaxDepth: 3},
			`{ entity(id: "country/mexico") { ...R } } fragment R on Entity { relationships { edges { node { id } } } }`, "DEPTH_LIMIT_EXCEEDED"},
		{"introspection is not counted", graph.Config{MaxDepth: 2},
			`{ __schema { types { fields { type { ofType { ofType { name } } } } } } }`, ""},
		{"nested connections multiply", graph.Config{},
			`{ people(first: 100) { edges { node { relationships(first: 100) { edges { node { ... on Person { relationships(first: 100) { totalCount } } } } } } } } }`,
			"COMPLEXITY_LIMIT_EXCEEDED"},
		{"complexity limit is configurable", graph.Config{MaxComplexity: 50},
			`{ people(first: 30) { edges { node { id name } } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"page size is configurable", graph.Config{MaxPageSize: 5}, `{ people(first: 6) { totalCount } }`, "BAD_USER_INPUT"},
		{"hops are configurable", graph.Config{MaxHops: 2},
			`{ shortestPath(from: "country/mexico", to: "country/china", maxHops: 3) { length } }`, "BAD_USER_INPUT"},
		{"neighbourhood depth is configurable", graph.Config{MaxNeighborhoodDepth: 1},
			`{ neighborhood(id: "country/mexico", depth: 2) { truncated } }`, "BAD_USER_INPUT"},
		{"neighbourhood limit is configurable", graph.Config{MaxNeighborhoodLimit: 10},
			`{ neighborhood(id: "country/mexico", limit: 11) { truncated } }`, "BAD_USER_INPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, newHandler(tt.cfg, seed), tt.query, nil)
			if resp.Code() != tt.code {
				t.Errorf("code = %q, want %q: %.300s", resp.Code(), tt.code, resp.Raw)
			}
		})
	}
}

func TestPaging(t *testing.T) {
	h := newHandler(graph.Config{}, pgtest.Seed(t))
	var names []string
	after := ""
	for range 20 {
		q := `query($after: String) { people(first: 4, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { name } } } }`
		vars := map[string]any{}
		if after != "" {
			vars["after"] = after
		}
		resp := do(t, h, q, vars)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Raw)
		}
		var page struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage, HasPreviousPage bool
				EndCursor                    string
			}
			Edges []struct{ Node struct{ Name string } }
		}
		mustUnmarshal(t, resp.Data["people"], &page)
		if page.PageInfo.HasPreviousPage != (after != "") {
			t.Errorf("hasPreviousPage = %v after %q", page.PageInfo.HasPreviousPage, after)
		}
		for _, e := range page.Edges {
			names = append(names, e.Node.Name)
		}
		if !page.PageInfo.HasNextPage {
			if len(names) != page.TotalCount {
				t.Errorf("paged through %d people, totalCount %d", len(names), page.TotalCount)
			}
			break
		}
		after = page.PageInfo.EndCursor
	}
	if len(names) < 10 || !sortedUnique(names) {
		t.Errorf("people by name: %s", strings.Join(names, ", "))
	}
}

func sortedUnique(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= s[i] {
			return false
		}
	}
	return true
}
