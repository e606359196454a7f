package server

import (
	"context"
	"time"

	pg "github.com/policygraph/policygraph"
)

// meteredStore counts and times the calls of a Store by method.
type meteredStore struct {
	next pg.Store
	m    *metrics
}

var _ pg.Store = meteredStore{}

// outcomes is the metric label of each class of error. Before ErrorCode a
// canceled call counted as "error"; it has its own label now.
var outcomes = map[pg.Code]string{
	pg.ENotFound:    "not_found",
	pg.EInvalid:     "invalid",
	pg.EUnavailable: "unavailable",
	pg.ETimeout:     "timeout",
	pg.ECanceled:    "canceled",
	pg.EInternal:    "error",
}

func instrument(s pg.Store, m *metrics) pg.Store { return meteredStore{s, m} }

// observe records a call that began at start and ended with *err. It is
// deferred directly, so it sees a panic too: it counts it and panics on.
func (s meteredStore) observe(method string, start time.Time, err *error) {
	p := recover()
	outcome := "ok"
	switch {
	case p != nil:
		outcome = "panic"
	case *err != nil:
		outcome = outcomes[pg.ErrorCode(*err)]
	}
	s.m.storeCalls.WithLabelValues(method, outcome).Inc()
	s.m.storeLatency.WithLabelValues(method).Observe(time.Since(start).Seconds())
	if p != nil {
		panic(p)
	}
}

func (s meteredStore) Entities(ctx context.Context, ids []string) (_ []*pg.Entity, err error) {
	defer s.observe("Entities", time.Now(), &err)
	return s.next.Entities(ctx, ids)
}

func (s meteredStore) Sources(ctx context.Context, ids []string) (_ []*pg.Source, err error) {
	defer s.observe("Sources", time.Now(), &err)
	return s.next.Sources(ctx, ids)
}

func (s meteredStore) ListEntities(ctx context.Context, f pg.EntityFilter, p pg.Page) (_ pg.EntityPage, err error) {
	defer s.observe("ListEntities", time.Now(), &err)
	return s.next.ListEntities(ctx, f, p)
}

func (s meteredStore) Search(ctx context.Context, q pg.SearchQuery, p pg.Page) (_ pg.SearchPage, err error) {
	defer s.observe("Search", time.Now(), &err)
	return s.next.Search(ctx, q, p)
}

func (s meteredStore) Relationships(ctx context.Context, qs []pg.RelQuery) (_ []pg.RelPage, err error) {
	defer s.observe("Relationships", time.Now(), &err)
	return s.next.Relationships(ctx, qs)
}

func (s meteredStore) RelationshipsByID(ctx context.Context, ids []string) (_ []*pg.Relationship, err error) {
	defer s.observe("RelationshipsByID", time.Now(), &err)
	return s.next.RelationshipsByID(ctx, ids)
}

func (s meteredStore) Neighborhood(ctx context.Context, q pg.NeighborhoodQuery) (_ pg.Subgraph, err error) {
	defer s.observe("Neighborhood", time.Now(), &err)
	return s.next.Neighborhood(ctx, q)
}

func (s meteredStore) ShortestPath(ctx context.Context, q pg.PathQuery) (_ *pg.Path, err error) {
	defer s.observe("ShortestPath", time.Now(), &err)
	return s.next.ShortestPath(ctx, q)
}

func (s meteredStore) Paths(ctx context.Context, q pg.PathQuery, n int) (_ []pg.Path, err error) {
	defer s.observe("Paths", time.Now(), &err)
	return s.next.Paths(ctx, q, n)
}

func (s meteredStore) Timeline(ctx context.Context, q pg.TimelineQuery) (_ []pg.Event, err error) {
	defer s.observe("Timeline", time.Now(), &err)
	return s.next.Timeline(ctx, q)
}

func (s meteredStore) Stats(ctx context.Context) (_ pg.Stats, err error) {
	defer s.observe("Stats", time.Now(), &err)
	return s.next.Stats(ctx)
}

func (s meteredStore) Ping(ctx context.Context) (err error) {
	defer s.observe("Ping", time.Now(), &err)
	return s.next.Ping(ctx)
}
