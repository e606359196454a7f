package graph_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/internal/pgtest"
)

// do posts a query to h.
func do(t *testing.T, h http.Handler, query string, vars map[string]any) pgtest.Response {
	t.Helper()
	return pgtest.Post(t, h, query, vars)
}

func newHandler(cfg graph.Config, s pg.Store) *graph.Handler {
	return graph.NewHandler(cfg, s, slog.New(slog.DiscardHandler))
}

// countingStore counts the calls of a store by method.
type countingStore struct {
	next  pg.Store
	mu    sync.Mutex
	calls map[string]int
}

func newCountingStore(s pg.Store) *countingStore {
	return &countingStore{next: s, calls: map[string]int{}}
}

func (s *countingStore) count(method string) {
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
}

func (s *countingStore) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		n += c
	}
	return n
}

func (s *countingStore) Entities(ctx context.Context, ids []string) ([]*pg.Entity, error) {
	s.count("Entities")
	return s.next.Entities(ctx, ids)
}
func (s *countingStore) Sources(ctx context.Context, ids []string) ([]*pg.Source, error) {
	s.count("Sources")
	return s.next.Sources(ctx, ids)
}
func (s *countingStore) ListEntities(ctx context.Context, f pg.EntityFilter, p pg.Page) (pg.EntityPage, error) {
	s.count("ListEntities")
	return s.next.ListEntities(ctx, f, p)
}
func (s *countingStore) Search(ctx context.Context, q pg.SearchQuery, p pg.Page) (pg.SearchPage, error) {
	s.count("Search")
	return s.next.Search(ctx, q, p)
}
func (s *countingStore) Relationships(ctx context.Context, qs []pg.RelQuery) ([]pg.RelPage, error) {
	s.count("Relationships")
	return s.next.Relationships(ctx, qs)
}
func (s *countingStore) RelationshipsByID(ctx context.Context, ids []string) ([]*pg.Relationship, error) {
	s.count("RelationshipsByID")
	return s.next.RelationshipsByID(ctx, ids)
}
func (s *countingStore) Neighborhood(ctx context.Context, q pg.NeighborhoodQuery) (pg.Subgraph, error) {
	s.count("Neighborhood")
	return s.next.Neighborhood(ctx, q)
}
func (s *countingStore) ShortestPath(ctx context.Context, q pg.PathQuery) (*pg.Path, error) {
	s.count("ShortestPath")
	return s.next.ShortestPath(ctx, q)
}
func (s *countingStore) Paths(ctx context.Context, q pg.PathQuery, n int) ([]pg.Path, error) {
	s.count("Paths")
	return s.next.Paths(ctx, q, n)
}
func (s *countingStore) Timeline(ctx context.Context, q pg.TimelineQuery) ([]pg.Event, error) {
	s.count("Timeline")
	return s.next.Timeline(ctx, q)
}
func (s *countingStore) Stats(ctx context.Context) (pg.Stats, error) {
	s.count("Stats")
	return s.next.Stats(ctx)
}
func (s *countingStore) Ping(ctx context.Context) error {
	s.count("Ping")
	return s.next.Ping(ctx)
}
