package storetest

import (
	"context"
	"fmt"
	"slices"

	pg "github.com/policygraph/policygraph"
)

// contract wraps the store under test and fails any answer that breaks
// the orders and windows of the contract, as the reference functions of
// package policygraph define them (order.go). The in-memory store keeps
// indexes in those orders and the Neo4j store sorts in Cypher: this is
// where both are held to the Go definition, on every call of the suite.
type contract struct{ pg.Store }

func broke(method string, format string, args ...any) error {
	return fmt.Errorf("%s breaks the contract: %s", method, fmt.Sprintf(format, args...))
}

// paged checks that a page holds what the window of p over total selects.
func paged(method string, p pg.Page, n, total int) error {
	if lo, hi := p.Window(total); n != hi-lo {
		return broke(method, "page %+v of %d holds %d, want %d", p, total, n, hi-lo)
	}
	return nil
}

func (s contract) ListEntities(ctx context.Context, f pg.EntityFilter, p pg.Page) (pg.EntityPage, error) {
	ep, err := s.Store.ListEntities(ctx, f, p)
	if err == nil && !slices.IsSortedFunc(ep.Entities, pg.CompareByName) {
		err = broke("ListEntities", "not in name order")
	}
	if err == nil {
		err = paged("ListEntities", p, len(ep.Entities), ep.Total)
	}
	return ep, err
}

func (s contract) Search(ctx context.Context, q pg.SearchQuery, p pg.Page) (pg.SearchPage, error) {
	sp, err := s.Store.Search(ctx, q, p)
	if err == nil && !slices.IsSortedFunc(sp.Hits, pg.CompareHits) {
		err = broke("Search", "hits not in search order")
	}
	if err == nil {
		err = paged("Search", p, len(sp.Hits), sp.Total)
	}
	return sp, err
}

func (s contract) Relationships(ctx context.Context, qs []pg.RelQuery) ([]pg.RelPage, error) {
	pages, err := s.Store.Relationships(ctx, qs)
	if err == nil && len(pages) != len(qs) {
		err = broke("Relationships", "%d answers to %d queries", len(pages), len(qs))
	}
	for i := range pages {
		if err != nil {
			break
		}
		rp := pages[i]
		switch {
		case !slices.IsSortedFunc(rp.Relationships, pg.CompareRelationships):
			err = broke("Relationships", "page of %s not in type and ID order", qs[i].Node)
		case len(rp.Ends) != len(rp.Relationships):
			err = broke("Relationships", "%d ends for %d relationships", len(rp.Ends), len(rp.Relationships))
		default:
			err = paged("Relationships", qs[i].Page, len(rp.Relationships), rp.Total)
		}
	}
	return pages, err
}

func (s contract) Neighborhood(ctx context.Context, q pg.NeighborhoodQuery) (pg.Subgraph, error) {
	g, err := s.Store.Neighborhood(ctx, q)
	if err == nil && !g.Sorted() {
		err = broke("Neighborhood", "not in subgraph order")
	}
	return g, err
}

func (s contract) Paths(ctx context.Context, q pg.PathQuery, n int) ([]pg.Path, error) {
	ps, err := s.Store.Paths(ctx, q, n)
	if err == nil && !slices.IsSortedFunc(ps, pg.ComparePaths) {
		err = broke("Paths", "not in path order")
	}
	if err == nil && len(ps) > max(n, 0) {
		err = broke("Paths", "%d paths, asked for %d", len(ps), n)
	}
	return ps, err
}

func (s contract) Timeline(ctx context.Context, q pg.TimelineQuery) ([]pg.Event, error) {
	evs, err := s.Store.Timeline(ctx, q)
	if err == nil && !slices.IsSortedFunc(evs, pg.CompareEvents) {
		err = broke("Timeline", "not in timeline order")
	}
	if err == nil && q.Limit > 0 && len(evs) > q.Limit {
		err = broke("Timeline", "%d events, limit %d", len(evs), q.Limit)
	}
	return evs, err
}

func (s contract) Stats(ctx context.Context) (pg.Stats, error) {
	st, err := s.Store.Stats(ctx)
	if err == nil && (len(st.Nodes) != len(pg.Kinds) || len(st.Relationships) != len(pg.Vocabulary)) {
		err = broke("Stats", "%d kinds and %d types, want every one, zero or not", len(st.Nodes), len(st.Relationships))
	}
	return st, err
}
