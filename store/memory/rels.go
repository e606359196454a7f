package memory

import (
	"context"
	"math"

	pg "github.com/policygraph/policygraph"
)

// Relationships answers each query with a page of the node's relationships
// of the asked types (all types, QUOTED_IN and MENTIONS included, when none
// are asked) in the asked direction (Both when empty), ordered by type name
// and then ID. The node may be an entity or a source; an unknown node gets
// an empty page rather than failing the whole batch. A self-loop is one
// relationship, listed once, whatever the direction.
func (s *Store) Relationships(ctx context.Context, qs []pg.RelQuery) ([]pg.RelPage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]pg.RelPage, len(qs))
	for i, q := range qs {
		out[i] = s.relPage(q)
	}
	return out, nil
}

func (s *Store) relPage(q pg.RelQuery) pg.RelPage {
	n, ok := s.node(q.Node)
	if !ok {
		return pg.RelPage{}
	}
	m := s.mask(q.Types, s.allTypes())
	lo, hi := q.Page.Window(math.MaxInt)
	var page pg.RelPage
	rels, _ := s.all.list(n)
	for _, r := range rels {
		if !m.has(s.relType[r]) || !s.follows(r, n, q.Direction) {
			continue
		}
		if page.Total >= lo && page.Total < hi {
			page.Relationships = append(page.Relationships, s.relationship(r))
			page.Ends = append(page.Ends, s.entityAt(s.other(r, n)))
		}
		page.Total++
	}
	return page
}

// follows reports whether relationship r leaves or enters node n as
// direction d asks; the empty direction is Both.
func (s *Store) follows(r, n int32, d pg.Direction) bool {
	switch d {
	case pg.Out:
		return s.relFrom[r] == n
	case pg.In:
		return s.relTo[r] == n
	}
	return true
}

// other returns the node at the far end of relationship r from node n (n
// itself for a self-loop).
func (s *Store) other(r, n int32) int32 {
	if s.relFrom[r] == n {
		return s.relTo[r]
	}
	return s.relFrom[r]
}

// entityAt returns the entity of node n, or nil when n is a source.
func (s *Store) entityAt(n int32) *pg.Entity {
	if int(n) < len(s.ents) {
		return s.ents[n]
	}
	return nil
}
