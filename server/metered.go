package server

import (
	"context"
	"time"

	"github.com/policygraph/policygraph"
)

// meteredStore counts and times the calls of a Store by method.
type meteredStore struct {
	next policygraph.Store
	m    *metrics
}

var _ policygraph.Store = meteredStore{}

// outcomes is the metric label of each class of error. Before ErrorCode a
// canceled call counted as "error"; it has its own label now.
var outcomes = map[policygraph.Code]string{
	policygraph.ENotFound:    "not_found",
	policygraph.EInvalid:     "invalid",
	policygraph.EUnavailable: "unavailable",
	policygraph.ETimeout:     "timeout",
	policygraph.ECanceled:    "canceled",
	policygraph.EInternal:    "error",
}

func instrument(s policygraph.Store, m *metrics) policygraph.Store { return meteredStore{s, m} }

// observe records a call that began at start and ended with *err. It is
// deferred directly, so it sees a panic too: it counts it and panics on.
func (s meteredStore) observe(method string, start time.Time, err *error) {
	p := recover()
	outcome := "ok"
	switch {
	case p != nil:
		outcome = "panic"
	case *err != nil:
		outcome = outcomes[policygraph.ErrorCode(*err)]
	}
	s.m.storeCalls.WithLabelValues(method, outcome).Inc()
	s.m.storeLatency.WithLabelValues(method).Observe(time.Since(start).Seconds())
	if p != nil {
		panic(p)
	}
}

func (s meteredStore) Entities(ctx context.Context, ids []string) (_ []*policygraph.Entity, err error) {
	defer s.observe("Entities", time.Now(), &err)
	return s.next.Entities(ctx, ids)
}

func (s meteredStore) Sources(ctx context.Context, ids []string) (_ []*policygraph.Source, err error) {
	defer s.observe("Sources", time.Now(), &err)
	return s.next.Sources(ctx, ids)
}

func (s meteredStore) ListEntities(ctx context.Context, f policygraph.EntityFilter, p policygraph.Page) (_ policygraph.EntityPage, err error) {
	defer s.observe("ListEntities", time.Now(), &err)
	return s.next.ListEntities(ctx, f, p)
}

func (s meteredStore) Search(ctx context.Context, q policygraph.SearchQuery, p policygraph.Page) (_ policygraph.SearchPage, err error) {
	defer s.observe("Search", time.Now(), &err)
	return s.next.Search(ctx, q, p)
}

func (s meteredStore) Relationships(ctx context.Context, qs []policygraph.RelQuery) (_ []policygraph.RelPage, err error) {
	defer s.observe("Relationships", time.Now(), &err)
	return s.next.Relationships(ctx, qs)
}

func (s meteredStore) RelationshipsByID(ctx context.Context, ids []string) (_ []*policygraph.Relationship, err error) {
	defer s.observe("RelationshipsByID", time.Now(), &err)
	return s.next.RelationshipsByID(ctx, ids)
}

func (s meteredStore) Neighborhood(ctx context.Context, q policygraph.NeighborhoodQuery) (_ policygraph.Subgraph, err error) {
	defer s.observe("Neighborhood", time.Now(), &err)
	return s.next.Neighborhood(ctx, q)
}

func (s meteredStore) ShortestPath(ctx context.Context, q policygraph.PathQuery) (_ *policygraph.Path, err error) {
	defer s.observe("ShortestPath", time.Now(), &err)
	return s.next.ShortestPath(ctx, q)
}

func (s meteredStore) Paths(ctx context.Context, q policygraph.PathQuery, n int) (_ []policygraph.Path, err error) {
	defer s.observe("Paths", time.Now(), &err)
	return s.next.Paths(ctx, q, n)
}

func (s meteredStore) Timeline(ctx context.Context, q policygraph.TimelineQuery) (_ []policygraph.Event, err error) {
	defer s.observe("Timeline", time.Now(), &err)
	return s.next.Timeline(ctx, q)
}

func (s meteredStore) Stats(ctx context.Context) (_ policygraph.Stats, err error) {
	defer s.observe("Stats", time.Now(), &err)
	return s.next.Stats(ctx)
}

func (s meteredStore) Ping(ctx context.Context) (err error) {
	defer s.observe("Ping", time.Now(), &err)
	return s.next.Ping(ctx)
}
