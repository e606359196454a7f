package storetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/gen"
)

// Bench runs the same read benchmarks against any store, so that the
// stores can be compared query by query on one graph:
//
//	go test -run '^$' -bench Store ./store/memory/
//	NEO4J_URI=... go test -run '^$' -bench Store ./store/neo4j/
//
// The graph is gen's synthetic one, PG_BENCH_STORE_NODES entities (default
// 10000) and three times as many relationships, loaded once through open.
// Each query cycles through a few hundred entities read from the store, so
// that no one answer is cached. For the in-memory store at a million nodes
// and p50/p99 figures, see store/memory's own benchmarks.
func Bench(b *testing.B, open Opener) {
	n := 10_000
	if s := os.Getenv("PG_BENCH_STORE_NODES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 100 {
			b.Fatalf("PG_BENCH_STORE_NODES=%q: want a number of at least 100", s)
		}
	}
	var buf bytes.Buffer
	if _, err := gen.Generate(context.Background(), &buf, gen.Config{Nodes: n, Relationships: 3 * n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	s := open(b, []dataset.File{{Name: "bench.jsonl", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}}})

	ids := func(k pg.Kind) []string {
		ep, err := s.ListEntities(b.Context(), pg.EntityFilter{Kind: k}, pg.Page{Limit: 300})
		if err != nil || len(ep.Entities) == 0 {
			b.Fatalf("ListEntities(%s) = %d entities, %v", k, len(ep.Entities), err)
		}
		out := make([]string, len(ep.Entities))
		for i, e := range ep.Entities {
			out[i] = e.ID
		}
		return out
	}
	people, countries, policies := ids(pg.Person), ids(pg.Country), ids(pg.Policy)
	var words []string
	for _, id := range people[:50] {
		es, err := s.Entities(b.Context(), []string{id})
		if err != nil || es[0] == nil {
			b.Fatal(id, err)
		}
		words = append(words, pg.Tokens(es[0].Name)[0])
	}

	run := func(name string, f func(ctx context.Context, i int) error) {
		b.Run(name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if err := f(b.Context(), i); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
	run("Entities/batch=20", func(ctx context.Context, i int) error {
		at := (i * 20) % (len(people) - 20)
		_, err := s.Entities(ctx, people[at:at+20])
		return err
	})
	run("ListEntities/policies", func(ctx context.Context, i int) error {
		_, err := s.ListEntities(ctx, pg.EntityFilter{Kind: pg.Policy}, pg.Page{Offset: i % 100, Limit: 20})
		return err
	})
	run("Search", func(ctx context.Context, i int) error {
		_, err := s.Search(ctx, pg.SearchQuery{Text: words[i%len(words)]}, pg.Page{Limit: 20})
		return err
	})
	run("Relationships/batch=20", func(ctx context.Context, i int) error {
		qs := make([]pg.RelQuery, 20)
		for j := range qs {
			qs[j] = pg.RelQuery{Node: people[(i*20+j)%len(people)], Page: pg.Page{Limit: 10}}
		}
		_, err := s.Relationships(ctx, qs)
		return err
	})
	run("Relationships/hub", func(ctx context.Context, i int) error {
		_, err := s.Relationships(ctx, []pg.RelQuery{{Node: countries[i%len(countries)], Page: pg.Page{Limit: 10}}})
		return err
	})
	for _, depth := range []int{1, 2} {
		run(fmt.Sprintf("Neighborhood/depth=%d", depth), func(ctx context.Context, i int) error {
			_, err := s.Neighborhood(ctx, pg.NeighborhoodQuery{Center: people[i%len(people)], Depth: depth, Limit: 100})
			return err
		})
	}
	run("ShortestPath/maxHops=4", func(ctx context.Context, i int) error {
		_, err := s.ShortestPath(ctx, pg.PathQuery{From: people[i%len(people)], To: policies[i%len(policies)], MaxHops: 4})
		return err
	})
	run("Paths/maxHops=3", func(ctx context.Context, i int) error {
		_, err := s.Paths(ctx, pg.PathQuery{From: people[i%len(people)], To: people[(i+1)%len(people)], MaxHops: 3}, 10)
		return err
	})
	run("Timeline/entity", func(ctx context.Context, i int) error {
		_, err := s.Timeline(ctx, pg.TimelineQuery{Entity: countries[i%len(countries)], Limit: 100})
		return err
	})
	run("Stats", func(ctx context.Context, _ int) error {
		_, err := s.Stats(ctx)
		return err
	})
}
