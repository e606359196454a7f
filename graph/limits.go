package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph/apierror"
	"github.com/policygraph/policygraph/graph/generated"
)

// documentLimit refuses a document whose parsing, validation or walking
// could cost more than a query may, before gqlgen parses and validates it:
// validation's overlapping-fields check is quadratic in the fields of a
// selection, and fragments that spread others twice grow exponentially
// while the text stays small. It bounds the tokens of the text and the
// fields that the operation expands to, counted with fragments memoised so
// the count itself is linear in the text. Accepted texts are remembered,
// so a repeated query is not parsed twice (gqlgen caches its own parse).
type documentLimit struct {
	maxTokens, maxFields int
	accepted             graphql.Cache[struct{}]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentLimit{}

func (documentLimit) ExtensionName() string                   { return "DocumentLimit" }
func (documentLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (l documentLimit) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if ctx.Err() != nil {
		return timedOut(ctx)
	}
	if _, ok := l.accepted.Get(ctx, p.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.maxTokens)
	if err != nil {
		if strings.Contains(err.Error(), "token limit") {
			return apierror.New(apierror.DocumentLimitExceeded, "the query has more than %d tokens", l.maxTokens)
		}
		return nil // gqlgen reports the syntax error with its position
	}
	if n := expandedFields(doc, l.maxFields); n > l.maxFields {
		return apierror.New(apierror.DocumentLimitExceeded,
			"the query expands to more than %d fields (fragments counted each time they are spread)", l.maxFields)
	}
	l.accepted.Add(ctx, p.Query, struct{}{})
	return nil
}

// expandedFields counts the fields of every operation of doc with each
// fragment spread counted as the fields it expands to. It stops counting
// past limit, so a count cannot overflow.
func expandedFields(doc *ast.QueryDocument, limit int) int {
	frags := map[string]*ast.FragmentDefinition{}
	for _, f := range doc.Fragments {
		frags[f.Name] = f
	}
	memo := map[string]int{}
	var count func(set ast.SelectionSet) int
	count = func(set ast.SelectionSet) int {
		n := 0
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				n += 1 + count(sel.SelectionSet)
			case *ast.InlineFragment:
				n += count(sel.SelectionSet)
			case *ast.FragmentSpread:
				v, ok := memo[sel.Name]
				if !ok {
					memo[sel.Name] = 0 // a cycle counts nothing; validation rejects it
					if f := frags[sel.Name]; f != nil {
						v = count(f.SelectionSet)
					}
					memo[sel.Name] = v
				}
				n += v
			}
			if n > limit {
				return limit + 1
			}
		}
		return n
	}
	total := 0
	for _, op := range doc.Operations {
		total = min(total+count(op.SelectionSet), limit+1)
	}
	return total
}

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
	if n := depth(opCtx.Operation.SelectionSet, map[*ast.FragmentDefinition]int{}); n > d.max {
		return apierror.New(apierror.DepthLimitExceeded, "operation has depth %d, which exceeds the limit of %d", n, d.max)
	}
	return nil
}

// depth is how deep a selection set nests, each fragment walked once.
// Validation has already ruled out fragment cycles.
func depth(set ast.SelectionSet, memo map[*ast.FragmentDefinition]int) int {
	most := 0
	for _, sel := range set {
		n := 0
		switch sel := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(sel.Name, "__") {
				continue
			}
			n = 1 + depth(sel.SelectionSet, memo)
		case *ast.InlineFragment:
			n = depth(sel.SelectionSet, memo)
		case *ast.FragmentSpread:
			if def := sel.Definition; def != nil {
				v, ok := memo[def]
				if !ok {
					v = depth(def.SelectionSet, memo)
					memo[def] = v
				}
				n = v
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
	size := func(n int) int {
		return min(max(n, 0), max(cfg.MaxPageSize, cfg.MaxNeighborhoodLimit)) // larger values are refused anyway
	}
	conn := func(child int, first int, _ *string) int { return 1 + size(first)*child }
	rels := func(child int, _ []pg.RelType, _ pg.Direction, first int, after *string) int {
		return conn(child, first, after)
	}

	c.Query.People = conn
	c.Query.Countries = conn
	c.Query.Organizations = func(child int, _ []string, first int, after *string) int { return conn(child, first, after) }
	c.Query.Policies = func(child int, _, _ []string, _, _ *string, _, _ *pg.Date, first int, after *string) int {
		return conn(child, first, after)
	}
	c.Query.Search = func(child int, _ string, _ []pg.Kind, first int, after *string) int {
		return conn(child, first, after)
	}
	c.Query.Entities = func(child int, ids []string) int { return 1 + len(ids)*child }
	// A neighbourhood walks up to limit entities per level; paths explore
	// up to maxHops levels for each of the first paths.
	c.Query.Neighborhood = func(child int, _ string, depth int, _ []pg.RelType, _ pg.Direction, limit, _ int) int {
		return 1 + size(limit)*min(max(depth, 1), cfg.MaxNeighborhoodDepth)*child
	}
	c.Query.Paths = func(child int, _, _ string, maxHops int, _ []pg.RelType, first int) int {
		return 1 + size(first)*min(max(maxHops, 1), cfg.MaxHops)*child
	}
	c.Query.Timeline = func(child int, _ *string, _, _ *pg.Date, _ []pg.RelType, _ []string, first int) int {
		return 1 + size(first)*child
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
