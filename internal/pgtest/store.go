package pgtest

import (
	"context"

	pg "github.com/policygraph/policygraph"
)

// Store is a policygraph.Store whose methods are function fields, in the
// style of wtf's mock package: a test sets the methods it cares about.
// A method whose function is nil asks Base, and panics when Base is nil
// too, so a test that calls what it did not expect fails loudly.
//
//	down := &pgtest.Store{Base: seed, PingFunc: func(context.Context) error { return errDown }}
type Store struct {
	Base                  pg.Store
	EntitiesFunc          func(ctx context.Context, ids []string) ([]*pg.Entity, error)
	SourcesFunc           func(ctx context.Context, ids []string) ([]*pg.Source, error)
	ListEntitiesFunc      func(ctx context.Context, f pg.EntityFilter, p pg.Page) (pg.EntityPage, error)
	SearchFunc            func(ctx context.Context, q pg.SearchQuery, p pg.Page) (pg.SearchPage, error)
	RelationshipsFunc     func(ctx context.Context, qs []pg.RelQuery) ([]pg.RelPage, error)
	RelationshipsByIDFunc func(ctx context.Context, ids []string) ([]*pg.Relationship, error)
	NeighborhoodFunc      func(ctx context.Context, q pg.NeighborhoodQuery) (pg.Subgraph, error)
	ShortestPathFunc      func(ctx context.Context, q pg.PathQuery) (*pg.Path, error)
	PathsFunc             func(ctx context.Context, q pg.PathQuery, n int) ([]pg.Path, error)
	TimelineFunc          func(ctx context.Context, q pg.TimelineQuery) ([]pg.Event, error)
	StatsFunc             func(ctx context.Context) (pg.Stats, error)
	PingFunc              func(ctx context.Context) error
}

var _ pg.Store = (*Store)(nil)

// Entities calls EntitiesFunc, else Base.
func (s *Store) Entities(ctx context.Context, ids []string) ([]*pg.Entity, error) {
	if s.EntitiesFunc != nil {
		return s.EntitiesFunc(ctx, ids)
	}
	return s.Base.Entities(ctx, ids)
}

// Sources calls SourcesFunc, else Base.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*pg.Source, error) {
	if s.SourcesFunc != nil {
		return s.SourcesFunc(ctx, ids)
	}
	return s.Base.Sources(ctx, ids)
}

// ListEntities calls ListEntitiesFunc, else Base.
func (s *Store) ListEntities(ctx context.Context, f pg.EntityFilter, p pg.Page) (pg.EntityPage, error) {
	if s.ListEntitiesFunc != nil {
		return s.ListEntitiesFunc(ctx, f, p)
	}
	return s.Base.ListEntities(ctx, f, p)
}

// Search calls SearchFunc, else Base.
func (s *Store) Search(ctx context.Context, q pg.SearchQuery, p pg.Page) (pg.SearchPage, error) {
	if s.SearchFunc != nil {
		return s.SearchFunc(ctx, q, p)
	}
	return s.Base.Search(ctx, q, p)
}

// Relationships calls RelationshipsFunc, else Base.
func (s *Store) Relationships(ctx context.Context, qs []pg.RelQuery) ([]pg.RelPage, error) {
	if s.RelationshipsFunc != nil {
		return s.RelationshipsFunc(ctx, qs)
	}
	return s.Base.Relationships(ctx, qs)
}

// RelationshipsByID calls RelationshipsByIDFunc, else Base.
func (s *Store) RelationshipsByID(ctx context.Context, ids []string) ([]*pg.Relationship, error) {
	if s.RelationshipsByIDFunc != nil {
		return s.RelationshipsByIDFunc(ctx, ids)
	}
	return s.Base.RelationshipsByID(ctx, ids)
}

// Neighborhood calls NeighborhoodFunc, else Base.
func (s *Store) Neighborhood(ctx context.Context, q pg.NeighborhoodQuery) (pg.Subgraph, error) {
	if s.NeighborhoodFunc != nil {
		return s.NeighborhoodFunc(ctx, q)
	}
	return s.Base.Neighborhood(ctx, q)
}

// ShortestPath calls ShortestPathFunc, else Base.
func (s *Store) ShortestPath(ctx context.Context, q pg.PathQuery) (*pg.Path, error) {
	if s.ShortestPathFunc != nil {
		return s.ShortestPathFunc(ctx, q)
	}
	return s.Base.ShortestPath(ctx, q)
}

// Paths calls PathsFunc, else Base.
func (s *Store) Paths(ctx context.Context, q pg.PathQuery, n int) ([]pg.Path, error) {
	if s.PathsFunc != nil {
		return s.PathsFunc(ctx, q, n)
	}
	return s.Base.Paths(ctx, q, n)
}

// Timeline calls TimelineFunc, else Base.
func (s *Store) Timeline(ctx context.Context, q pg.TimelineQuery) ([]pg.Event, error) {
	if s.TimelineFunc != nil {
		return s.TimelineFunc(ctx, q)
	}
	return s.Base.Timeline(ctx, q)
}

// Stats calls StatsFunc, else Base.
func (s *Store) Stats(ctx context.Context) (pg.Stats, error) {
	if s.StatsFunc != nil {
		return s.StatsFunc(ctx)
	}
	return s.Base.Stats(ctx)
}

// Ping calls PingFunc, else Base.
func (s *Store) Ping(ctx context.Context) error {
	if s.PingFunc != nil {
		return s.PingFunc(ctx)
	}
	return s.Base.Ping(ctx)
}

// Failing returns a store whose every call fails with fail(ctx), which
// may also block or panic.
func Failing(fail func(ctx context.Context) error) *Store {
	return &Store{
		EntitiesFunc: func(ctx context.Context, _ []string) ([]*pg.Entity, error) { return nil, fail(ctx) },
		SourcesFunc:  func(ctx context.Context, _ []string) ([]*pg.Source, error) { return nil, fail(ctx) },
		ListEntitiesFunc: func(ctx context.Context, _ pg.EntityFilter, _ pg.Page) (pg.EntityPage, error) {
			return pg.EntityPage{}, fail(ctx)
		},
		SearchFunc: func(ctx context.Context, _ pg.SearchQuery, _ pg.Page) (pg.SearchPage, error) {
			return pg.SearchPage{}, fail(ctx)
		},
		RelationshipsFunc:     func(ctx context.Context, _ []pg.RelQuery) ([]pg.RelPage, error) { return nil, fail(ctx) },
		RelationshipsByIDFunc: func(ctx context.Context, _ []string) ([]*pg.Relationship, error) { return nil, fail(ctx) },
		NeighborhoodFunc: func(ctx context.Context, _ pg.NeighborhoodQuery) (pg.Subgraph, error) {
			return pg.Subgraph{}, fail(ctx)
		},
		ShortestPathFunc: func(ctx context.Context, _ pg.PathQuery) (*pg.Path, error) { return nil, fail(ctx) },
		PathsFunc:        func(ctx context.Context, _ pg.PathQuery, _ int) ([]pg.Path, error) { return nil, fail(ctx) },
		TimelineFunc:     func(ctx context.Context, _ pg.TimelineQuery) ([]pg.Event, error) { return nil, fail(ctx) },
		StatsFunc:        func(ctx context.Context) (pg.Stats, error) { return pg.Stats{}, fail(ctx) },
		PingFunc:         fail,
	}
}
