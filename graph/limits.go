package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph/apierror"
	"github.com/policygraph/policygraph/graph/generated"
)

// depthLimit rejects an operation whose selections nest deeper than max,
// before anything runs. Introspection fields are not counted: tools send a
// deep introspection query that costs nothing.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(_ context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if opCtx.Operation == nil {
		return nil
	}
	if n := depth(opCtx.Operation.SelectionSet); n > d.max {
		return apierror.New(apierror.DepthLimitExceeded, "operation has depth %d, which exceeds the limit of %d", n, d.max)
	}
	return nil
}

// depth is how deep a selection set nests. Validation has already ruled out
// fragment cycles.
func depth(set ast.SelectionSet) int {
	most := 0
	for _, sel := range set {
		n := 0
		switch sel := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(sel.Name, "__") {
				continue
			}
			n = 1 + depth(sel.SelectionSet)
		case *ast.InlineFragment:
			n = depth(sel.SelectionSet)
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				n = depth(sel.Definition.SelectionSet)
			}
		}
		most = max(most, n)
	}
	return most
}

// setComplexity prices the fields that return lists: each costs the number
// of items it may return times the cost of one item, so that nesting
// connections multiplies. Other fields cost 1 plus their selections.
func setComplexity(c *generated.ComplexityRoot, cfg Config) {
	size := func(n *int, def int) int {
		if n == nil {
			return def
		}
		return min(max(*n, 0), max(cfg.MaxPageSize, cfg.MaxNeighborhoodLimit)) // larger values are refused anyway
	}
	conn := func(child int, first *int, _ *string) int { return 1 + size(first, 20)*child }
	rels := func(child int, _ []policygraph.RelType, _ *policygraph.Direction, first *int, after *string) int {
		return conn(child, first, after)
	}

	c.Query.People = conn
	c.Query.Countries = conn
	c.Query.Organizations = func(child int, _ []string, first *int, after *string) int { return conn(child, first, after) }
	c.Query.Policies = func(child int, _, _ []string, _, _ *string, _, _ *policygraph.Date, first *int, after *string) int {
		return conn(child, first, after)
	}
	c.Query.Search = func(child int, _ string, _ []policygraph.Kind, first *int, after *string) int {
		return conn(child, first, after)
	}
	c.Query.Entities = func(child int, ids []string) int { return 1 + len(ids)*child }
	c.Query.Neighborhood = func(child int, _ string, _ *int, _ []policygraph.RelType, _ *policygraph.Direction, limit *int) int {
		return 1 + size(limit, 100)*child
	}
	c.Query.Paths = func(child int, _, _ string, _ *int, _ []policygraph.RelType, first *int) int {
		return 1 + size(first, 10)*child
	}
	c.Query.Timeline = func(child int, _ *string, _, _ *policygraph.Date, _ []policygraph.RelType, _ []string, first *int) int {
		return 1 + size(first, 100)*child
	}

	c.Person.Relationships = rels
	c.Person.Offices = conn
	c.Person.Memberships = conn
	c.Organization.Relationships = rels
	c.Organization.Leaders = conn
	c.Organization.Members = conn
	c.Organization.Designations = conn
	c.Organization.OperatesIn = conn
	c.Country.Relationships = rels
	c.Country.Leaders = conn
	c.Country.Officials = conn
	c.Country.PoliciesEnacted = conn
	c.Country.PoliciesTargeting = conn
	c.Country.TradePartners = conn
	c.Policy.Relationships = rels
	c.Policy.EnactedBy = conn
	c.Policy.Targets = conn
	c.Policy.Supporters = conn
	c.Policy.Opponents = conn
	c.Source.Mentions = conn
}
