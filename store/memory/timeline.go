package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"

	pg "github.com/policygraph/policygraph"
)

// event is a dated policy (ref = entity index) or relationship (ref =
// ^relationship index, so negative) with the floor of its date.
type event struct {
	day uint32
	ref int32
}

func (e event) policy() bool { return e.ref >= 0 }

// compareEvents is timeline order: floor of the date, policies before
// relationships, then ID (indexes are in ID order).
func compareEvents(a, b event) int {
	if c := cmp.Compare(a.day, b.day); c != 0 {
		return c
	}
	if a.policy() != b.policy() {
		if a.policy() {
			return -1
		}
		return 1
	}
	if a.policy() {
		return cmp.Compare(a.ref, b.ref)
	}
	return cmp.Compare(^a.ref, ^b.ref)
}

// timelineEvents lists every dated policy and relationship, of any type, in
// timeline order, so that the whole-graph timeline is a range scan.
func (s *Store) timelineEvents() []event {
	var evs []event
	for i, e := range s.ents {
		if e.Kind == pg.Policy && e.When() != "" {
			evs = append(evs, event{floorDay(e.When()), int32(i)})
		}
	}
	for r := range int32(len(s.relData)) {
		if w := s.when(r); w != "" {
			evs = append(evs, event{floorDay(w), ^r})
		}
	}
	slices.SortFunc(evs, compareEvents)
	return evs
}

// Timeline returns dated events in timeline order: by the floor of their
// date, policies before relationships on the same floor, then by ID. An
// event's date is its record's When().
//
// Relationship events are the dated relationships of q.Types (every
// traversable type when empty; asked non-traversable types are honoured)
// incident to q.Entity either way, or all of them without an entity. Policy
// events are the dated policies of q.PolicyTypes (all when empty): without
// an entity every one; with one, the entity itself when it is a policy and
// every policy joined to it by a traversable relationship of any type,
// whatever q.Types says. From and To bound the floor as in ListEntities.
// Limit keeps the first ones; 0 or less means no limit. An unknown entity,
// or a source, is [pg.ErrNotFound].
func (s *Store) Timeline(ctx context.Context, q pg.TimelineQuery) ([]pg.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m := s.mask(pg.TimelineTypes(q.Types), 0)
	from, to := dayRange(q.From, q.To)
	keep := func(e event) bool {
		if e.day < from || e.day > to {
			return false
		}
		if e.policy() {
			return len(q.PolicyTypes) == 0 || slices.Contains(q.PolicyTypes, s.ents[e.ref].Type)
		}
		return m.has(s.relType[^e.ref])
	}

	var evs []event
	if q.Entity == "" {
		evs = s.events[sort.Search(len(s.events), func(i int) bool { return s.events[i].day >= from }):]
	} else {
		n, ok := s.entIdx[q.Entity]
		if !ok {
			return nil, fmt.Errorf("timeline of %q: %w", q.Entity, pg.ErrNotFound)
		}
		evs = s.eventsOf(n)
	}

	var out []pg.Event
	for _, e := range evs {
		if q.Limit > 0 && len(out) == q.Limit || e.day > to {
			break
		}
		if !keep(e) {
			continue
		}
		if e.policy() {
			p := s.ents[e.ref]
			out = append(out, pg.Event{Date: p.When(), Policy: p})
		} else {
			r := s.relationship(^e.ref)
			out = append(out, pg.Event{Date: r.When(), Relationship: &r})
		}
	}
	return out, nil
}

// eventsOf lists, in timeline order, the dated relationships incident to
// entity n and the dated policies among n and its traversable neighbours.
func (s *Store) eventsOf(n int32) []event {
	var evs []event
	policy := func(i int32) {
		if e := s.ents[i]; e.Kind == pg.Policy && e.When() != "" {
			evs = append(evs, event{floorDay(e.When()), i})
		}
	}
	policy(n)
	rels, nbrs := s.all.list(n)
	for j, r := range rels {
		if w := s.when(r); w != "" {
			evs = append(evs, event{floorDay(w), ^r})
		}
		if s.traversable.has(s.relType[r]) && nbrs[j] != n {
			policy(nbrs[j])
		}
	}
	slices.SortFunc(evs, compareEvents)
	return slices.Compact(evs) // a policy joined by several relationships
}
