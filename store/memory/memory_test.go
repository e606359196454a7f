package memory_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/store/memory"
	"github.com/policygraph/policygraph/store/storetest"
)

func open(t testing.TB, files []dataset.File) pg.Store {
	t.Helper()
	ds, err := dataset.Load(t.Context(), files, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return memory.New(ds)
}

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}

// TestSearchMatchesDefinition holds the token index to pg.Matches: for
// every prefix of every token of the seed's and fixture's names, alone and
// in pairs, the index finds exactly the entities that Matches accepts.
func TestSearchMatchesDefinition(t *testing.T) {
	for name, files := range map[string][]dataset.File{"seed": data.Seed(), "fixture": storetest.Fixture()} {
		t.Run(name, func(t *testing.T) {
			ds, err := dataset.Load(t.Context(), files, dataset.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := memory.New(ds)
			var words []string
			for _, e := range ds.Entities {
				for _, n := range e.Names() {
					for _, tok := range pg.Tokens(n) {
						for i := 1; i <= len(tok); i += 2 {
							words = append(words, tok[:i])
						}
					}
				}
			}
			slices.Sort(words)
			words = slices.Compact(words)
			queries := slices.Clone(words)
			for i := 0; i+7 < len(words); i += 7 {
				queries = append(queries, words[i]+" "+words[i+7], words[i+3]+" "+words[len(words)-1-i])
			}
			for _, q := range queries {
				var want []string
				for _, e := range ds.Entities {
					if pg.Matches(pg.Tokens(q), e) {
						want = append(want, e.ID)
					}
				}
				slices.Sort(want)
				res, err := s.Search(t.Context(), pg.SearchQuery{Text: q}, pg.Page{Limit: len(ds.Entities)})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, h := range res.Hits {
					got = append(got, h.Entity.ID)
				}
				slices.Sort(got)
				if !slices.Equal(got, want) || res.Total != len(want) {
					t.Errorf("Search(%q) = %v (total %d), want %v", q, got, res.Total, want)
				}
			}
		})
	}
}

// TestConcurrentReaders runs every kind of query from many goroutines at
// once and checks each answer against the one given alone; under -race it
// also proves the store and its scratch pool free of data races.
func TestConcurrentReaders(t *testing.T) {
	ds, err := dataset.Load(t.Context(), data.Seed(), dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := memory.New(ds)
	ids := make([]string, len(ds.Entities))
	for i, e := range ds.Entities {
		ids[i] = e.ID
	}
	slices.Sort(ids)

	// Each query renders its answer to a string, so answers compare simply.
	queries := []func(ctx context.Context, i int) (string, error){
		func(ctx context.Context, i int) (string, error) {
			g, err := s.Neighborhood(ctx, pg.NeighborhoodQuery{Center: ids[i%len(ids)], Depth: 2, Limit: 10 + i%7})
			return fmt.Sprint(nodes(g), len(g.Edges), g.Truncated), err
		},
		func(ctx context.Context, i int) (string, error) {
			p, err := s.ShortestPath(ctx, pg.PathQuery{From: ids[i%len(ids)], To: ids[(i*7+3)%len(ids)], MaxHops: 4})
			if p == nil {
				return "none", err
			}
			return fmt.Sprint(len(p.Edges), p.Nodes[len(p.Nodes)/2].ID), err
		},
		func(ctx context.Context, i int) (string, error) {
			ps, err := s.Paths(ctx, pg.PathQuery{From: ids[i%len(ids)], To: ids[(i*5+1)%len(ids)], MaxHops: 3}, 3)
			return fmt.Sprint(len(ps)), err
		},
		func(ctx context.Context, i int) (string, error) {
			r, err := s.Search(ctx, pg.SearchQuery{Text: ids[i%len(ids)][len("xxxxxx"):][:2]}, pg.Page{Limit: 5})
			return fmt.Sprint(r.Total, len(r.Hits)), err
		},
		func(ctx context.Context, i int) (string, error) {
			evs, err := s.Timeline(ctx, pg.TimelineQuery{Entity: ids[i%len(ids)], Limit: 5})
			return fmt.Sprint(len(evs)), err
		},
		func(ctx context.Context, i int) (string, error) {
			rs, err := s.Relationships(ctx, []pg.RelQuery{{Node: ids[i%len(ids)], Page: pg.Page{Limit: 3}}})
			return fmt.Sprint(rs[0].Total), err
		},
	}
	const n = 200
	want := make([][]string, len(queries))
	for q, query := range queries {
		for i := range n {
			a, err := query(t.Context(), i)
			if err != nil {
				t.Fatal(err)
			}
			want[q] = append(want[q], a)
		}
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for k := range n {
				i := (k*16 + g) % n
				q := (k + g) % len(queries)
				got, err := queries[q](t.Context(), i)
				if err != nil {
					t.Error(err)
					return
				}
				if got != want[q][i] {
					t.Errorf("query %d(%d) = %q concurrently, %q alone", q, i, got, want[q][i])
				}
			}
		})
	}
	wg.Wait()
}

func nodes(g pg.Subgraph) []string {
	var out []string
	for _, n := range g.Nodes {
		out = append(out, n.Entity.ID)
	}
	return out
}

// BenchmarkStore runs the benchmarks that every store runs (see
// storetest.Bench and the Neo4j store's BenchmarkStore).
func BenchmarkStore(b *testing.B) { storetest.Bench(b, open) }
