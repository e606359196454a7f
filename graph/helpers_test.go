package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph"
)

// response is a GraphQL response as a client reads it.
type response struct {
	status int
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	raw string
}

func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// do posts a query to h.
func do(t *testing.T, h http.Handler, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	resp := response{status: w.Code, raw: w.Body.String()}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response is not JSON (status %d): %s", w.Code, w.Body)
	}
	return resp
}

func newHandler(cfg graph.Config, s policygraph.Store) *graph.Handler {
	return graph.NewHandler(cfg, s, slog.New(slog.DiscardHandler))
}

// failingStore fails every call through fail, which returns an error or
// panics.
type failingStore struct {
	fail func(ctx context.Context) error
}

func (s failingStore) Entities(ctx context.Context, _ []string) ([]*policygraph.Entity, error) {
	return nil, s.fail(ctx)
}
func (s failingStore) Sources(ctx context.Context, _ []string) ([]*policygraph.Source, error) {
	return nil, s.fail(ctx)
}
func (s failingStore) ListEntities(ctx context.Context, _ policygraph.EntityFilter, _ policygraph.Page) (policygraph.EntityPage, error) {
	return policygraph.EntityPage{}, s.fail(ctx)
}
func (s failingStore) Search(ctx context.Context, _ policygraph.SearchQuery, _ policygraph.Page) (policygraph.SearchPage, error) {
	return policygraph.SearchPage{}, s.fail(ctx)
}
func (s failingStore) Relationships(ctx context.Context, _ []policygraph.RelQuery) ([]policygraph.RelPage, error) {
	return nil, s.fail(ctx)
}
func (s failingStore) RelationshipsByID(ctx context.Context, _ []string) ([]*policygraph.Relationship, error) {
	return nil, s.fail(ctx)
}
func (s failingStore) Neighborhood(ctx context.Context, _ policygraph.NeighborhoodQuery) (policygraph.Subgraph, error) {
	return policygraph.Subgraph{}, s.fail(ctx)
}
func (s failingStore) ShortestPath(ctx context.Context, _ policygraph.PathQuery) (*policygraph.Path, error) {
	return nil, s.fail(ctx)
}
func (s failingStore) Paths(ctx context.Context, _ policygraph.PathQuery, _ int) ([]policygraph.Path, error) {
	return nil, s.fail(ctx)
}
func (s failingStore) Timeline(ctx context.Context, _ policygraph.TimelineQuery) ([]policygraph.Event, error) {
	return nil, s.fail(ctx)
}
func (s failingStore) Stats(ctx context.Context) (policygraph.Stats, error) {
	return policygraph.Stats{}, s.fail(ctx)
}
func (s failingStore) Ping(ctx context.Context) error { return s.fail(ctx) }

// countingStore counts the calls of a store by method.
type countingStore struct {
	next  policygraph.Store
	mu    sync.Mutex
	calls map[string]int
}

func newCountingStore(s policygraph.Store) *countingStore {
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

func (s *countingStore) Entities(ctx context.Context, ids []string) ([]*policygraph.Entity, error) {
	s.count("Entities")
	return s.next.Entities(ctx, ids)
}
func (s *countingStore) Sources(ctx context.Context, ids []string) ([]*policygraph.Source, error) {
	s.count("Sources")
	return s.next.Sources(ctx, ids)
}
func (s *countingStore) ListEntities(ctx context.Context, f policygraph.EntityFilter, p policygraph.Page) (policygraph.EntityPage, error) {
	s.count("ListEntities")
	return s.next.ListEntities(ctx, f, p)
}
func (s *countingStore) Search(ctx context.Context, q policygraph.SearchQuery, p policygraph.Page) (policygraph.SearchPage, error) {
	s.count("Search")
	return s.next.Search(ctx, q, p)
}
func (s *countingStore) Relationships(ctx context.Context, qs []policygraph.RelQuery) ([]policygraph.RelPage, error) {
	s.count("Relationships")
	return s.next.Relationships(ctx, qs)
}
func (s *countingStore) RelationshipsByID(ctx context.Context, ids []string) ([]*policygraph.Relationship, error) {
	s.count("RelationshipsByID")
	return s.next.RelationshipsByID(ctx, ids)
}
func (s *countingStore) Neighborhood(ctx context.Context, q policygraph.NeighborhoodQuery) (policygraph.Subgraph, error) {
	s.count("Neighborhood")
	return s.next.Neighborhood(ctx, q)
}
func (s *countingStore) ShortestPath(ctx context.Context, q policygraph.PathQuery) (*policygraph.Path, error) {
	s.count("ShortestPath")
	return s.next.ShortestPath(ctx, q)
}
func (s *countingStore) Paths(ctx context.Context, q policygraph.PathQuery, n int) ([]policygraph.Path, error) {
	s.count("Paths")
	return s.next.Paths(ctx, q, n)
}
func (s *countingStore) Timeline(ctx context.Context, q policygraph.TimelineQuery) ([]policygraph.Event, error) {
	s.count("Timeline")
	return s.next.Timeline(ctx, q)
}
func (s *countingStore) Stats(ctx context.Context) (policygraph.Stats, error) {
	s.count("Stats")
	return s.next.Stats(ctx)
}
func (s *countingStore) Ping(ctx context.Context) error {
	s.count("Ping")
	return s.next.Ping(ctx)
}
