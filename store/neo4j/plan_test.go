package neo4j_test

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/gen"
	"github.com/policygraph/policygraph/loader"
	"github.com/policygraph/policygraph/store/neo4j"
	"github.com/policygraph/policygraph/store/neo4j/neo4jtest"
)

// untyped matches a relationship pattern without a type in a plan's
// details: "(a)-[r]->(b)".
var untyped = regexp.MustCompile(`\[[A-Za-z_0-9]*\]`)

// TestPlans reads the plan of every statement that each store method sends
// on a generated graph with hubs, and fails on an operator that does work
// in proportion to the graph where the contract allows an index-led plan:
// a scan of every node, a scan of a label, or an expansion of every
// relationship type of a node. Where a scan is what the question asks (a
// whole-graph timeline), the case says so.
func TestPlans(t *testing.T) {
	driver := neo4jtest.Exclusive(t)
	db := neo4jtest.Config(t).Database
	ctx := t.Context()

	var buf bytes.Buffer
	if _, err := gen.Generate(ctx, &buf, gen.Config{Nodes: 3000, Relationships: 9000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	file := dataset.File{Name: "plan.jsonl", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(buf.Bytes())), nil
	}}
	s := neo4j.New(driver, db)
	if _, err := loader.Load(ctx, s, []dataset.File{file}, loader.Options{}); err != nil {
		t.Fatal(err)
	}
	type statement struct {
		cypher string
		params map[string]any
	}
	var sent []statement
	s.ObserveReads(func(_ context.Context, cypher string, params map[string]any) {
		sent = append(sent, statement{cypher, params})
	})

	person, hub, policy := "person/p-0000100", "country/c-0000000", "policy/pol-0000200"
	first := pg.Page{Limit: 20}
	tests := []struct {
		name string
		call func(ctx context.Context) error
		// what the question itself needs
		labelScan, untypedExpand bool
	}{
		{name: "Entities", call: func(ctx context.Context) error {
			_, err := s.Entities(ctx, []string{person, hub})
			return err
		}},
		{name: "Sources", call: func(ctx context.Context) error {
			_, err := s.Sources(ctx, []string{"source/s-0000000"})
			return err
		}},
		{name: "ListEntities kind", call: func(ctx context.Context) error {
			_, err := s.ListEntities(ctx, pg.EntityFilter{Kind: pg.Person}, first)
			return err
		}},
		{name: "ListEntities enacted by", call: func(ctx context.Context) error {
			_, err := s.ListEntities(ctx, pg.EntityFilter{Kind: pg.Policy, EnactedBy: hub, Statuses: []string{"in_force"}}, first)
			return err
		}},
		{name: "ListEntities targets", call: func(ctx context.Context) error {
			_, err := s.ListEntities(ctx, pg.EntityFilter{Kind: pg.Policy, Targets: hub, From: "2020"}, first)
			return err
		}},
		{name: "ListEntities statuses", call: func(ctx context.Context) error {
			_, err := s.ListEntities(ctx, pg.EntityFilter{Kind: pg.Policy, Statuses: []string{"in_force", "announced"}}, first)
			return err
		}},
		{name: "ListEntities organization types", call: func(ctx context.Context) error {
			_, err := s.ListEntities(ctx, pg.EntityFilter{Kind: pg.Organization, Types: []string{"cartel"}}, first)
			return err
		}},
		{name: "Search", call: func(ctx context.Context) error {
			_, err := s.Search(ctx, pg.SearchQuery{Text: "gre", Kinds: []pg.Kind{pg.Person}}, first)
			return err
		}},
		{name: "Relationships typed", call: func(ctx context.Context) error {
			_, err := s.Relationships(ctx, []pg.RelQuery{
				{Node: hub, Types: []pg.RelType{pg.Enacted, pg.Announced}, Direction: pg.Out, Page: first},
				{Node: person, Types: []pg.RelType{pg.MemberOf}, Page: first},
			})
			return err
		}},
		{name: "Relationships of every type", untypedExpand: true, call: func(ctx context.Context) error {
			_, err := s.Relationships(ctx, []pg.RelQuery{{Node: person, Page: first}})
			return err
		}},
		{name: "RelationshipsByID", call: func(ctx context.Context) error {
			_, err := s.RelationshipsByID(ctx, []string{person + "|MEMBER_OF|organization/o-0000000"})
			return err
		}},
		{name: "Neighborhood", call: func(ctx context.Context) error {
			_, err := s.Neighborhood(ctx, pg.NeighborhoodQuery{Center: person, Depth: 2, Limit: 100})
			return err
		}},
		{name: "Neighborhood typed", call: func(ctx context.Context) error {
			_, err := s.Neighborhood(ctx, pg.NeighborhoodQuery{Center: hub, Depth: 2, Limit: 50,
				Types: []pg.RelType{pg.Targets}, Direction: pg.In})
			return err
		}},
		{name: "ShortestPath", call: func(ctx context.Context) error {
			_, err := s.ShortestPath(ctx, pg.PathQuery{From: person, To: policy, MaxHops: 4})
			return err
		}},
		{name: "Paths", call: func(ctx context.Context) error {
			_, err := s.Paths(ctx, pg.PathQuery{From: person, To: hub, MaxHops: 2}, 3)
			return err
		}},
		{name: "Timeline of an entity", call: func(ctx context.Context) error {
			_, err := s.Timeline(ctx, pg.TimelineQuery{Entity: hub, Limit: 20})
			return err
		}},
		{name: "Timeline of the graph", labelScan: true, call: func(ctx context.Context) error {
			_, err := s.Timeline(ctx, pg.TimelineQuery{From: "2024", To: "2025", Limit: 20})
			return err
		}},
		{name: "Stats", call: func(ctx context.Context) error {
			_, err := s.Stats(ctx)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent = sent[:0]
			if err := tt.call(t.Context()); err != nil {
				t.Fatal(err)
			}
			if len(sent) != 1 {
				t.Errorf("sent %d statements, want 1", len(sent))
			}
			for _, st := range sent {
				res, err := neo4jdrv.ExecuteQuery(t.Context(), driver, "EXPLAIN "+st.cypher, st.params,
					neo4jdrv.EagerResultTransformer, neo4jdrv.ExecuteQueryWithDatabase(db))
				if err != nil {
					t.Fatalf("EXPLAIN: %v", err)
				}
				for _, bad := range badOperators(res.Summary.Plan(), tt.labelScan, tt.untypedExpand) {
					t.Errorf("%s\nin the plan of\n%s", bad, st.cypher)
				}
			}
		})
	}
}

// badOperators lists the plan's operators that scale with the graph.
func badOperators(p neo4jdrv.Plan, labelScan, untypedExpand bool) []string {
	if p == nil {
		return []string{"no plan"}
	}
	var bad []string
	op := strings.SplitN(p.Operator(), "@", 2)[0]
	details, _ := p.Arguments()["Details"].(string)
	switch {
	case op == "AllNodesScan":
		bad = append(bad, op+" "+details)
	case op == "NodeByLabelScan" && !labelScan:
		bad = append(bad, op+" "+details)
	case strings.HasPrefix(op, "Expand") || strings.HasPrefix(op, "OptionalExpand") || strings.HasPrefix(op, "VarLengthExpand"):
		if untyped.MatchString(details) && !untypedExpand {
			bad = append(bad, op+" "+details)
		}
	}
	for _, c := range p.Children() {
		bad = append(bad, badOperators(c, labelScan, untypedExpand)...)
	}
	return bad
}
