// Package memory is a policygraph.Store held entirely in memory, built once
// from a validated and merged dataset and never changed afterwards, so any
// number of goroutines may query it at once.
//
// It is laid out for graphs of millions of nodes: entities, sources and
// relationships live in slices sorted by ID, so that a node or relationship
// is an int32 index and comparing indexes compares IDs; adjacency is kept in
// compressed (CSR) lists of relationship indexes; maps are used only to turn
// IDs into indexes. Queries that walk the graph borrow scratch space from a
// bounded set (see scratch.go) instead of allocating per-node state.
//
// Where the Store contract leaves room, the choices are documented on each
// method; the Neo4j store makes the same ones and the conformance suite in
// store/storetest holds both to them.
package memory

import (
	"cmp"
	"context"
	"maps"
	"slices"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
)

// Store is an immutable in-memory graph. Create it with [New].
//
// Node numbers: entity i (in ID order) is node i; source j (in ID order) is
// node len(ents)+j. Relationship k is the k-th in ID order.
type Store struct {
	ents   []*pg.Entity
	srcs   []*pg.Source
	entIdx map[string]int32
	srcIdx map[string]int32

	types       []pg.RelType // every vocabulary type, ordered by name as Relationships orders them
	traversable typeMask
	relFrom     []int32 // node numbers of each relationship's ends
	relTo       []int32
	relType     []uint8   // index into types
	relData     []relData // the rest of each relationship (relationship.go)

	// all lists every relationship of every node (sources included),
	// ordered by type name and then ID, which is the Relationships order.
	all adjacency
	// out and in list each entity's traversable relationships by the entity
	// at the other end and then ID: the order in which walks discover
	// nodes, so that "lowest IDs first" needs no sorting.
	out, in adjacency

	byName   []int32             // entities ordered by name, then ID
	byKind   map[pg.Kind][]int32 // the same, one list per kind
	nameRank []int32             // entity → its position in byName

	index  searchIndex
	events []event // every dated policy and relationship, in timeline order
	stats  pg.Stats

	scratch scratchPool
}

var _ pg.Store = (*Store)(nil)

// New builds a store from a dataset that dataset.Load validated and merged.
// It relies on that validation (known types, resolvable endpoints) and does
// not repeat it: a relationship whose endpoint is unknown is dropped.
//
// New takes ownership of ds: the store keeps its entities and sources and
// the evidence of its relationships, and rewrites equal strings in them
// (kinds, evidence sources) to share one copy each, which saves hundreds of
// megabytes on large graphs. Neither ds nor its records may be used or
// changed by others afterwards. Callers of the store's methods must not
// change the entities, sources or evidence returned.
func New(ds *dataset.Dataset) *Store {
	s := &Store{
		ents:   slices.Clone(ds.Entities),
		srcs:   slices.Clone(ds.Sources),
		entIdx: make(map[string]int32, len(ds.Entities)),
		srcIdx: make(map[string]int32, len(ds.Sources)),
	}
	slices.SortFunc(s.ents, func(a, b *pg.Entity) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(s.srcs, func(a, b *pg.Source) int { return cmp.Compare(a.ID, b.ID) })
	for i, e := range s.ents {
		s.entIdx[e.ID] = int32(i)
		if k := slices.Index(pg.Kinds, e.Kind); k >= 0 {
			e.Kind = pg.Kinds[k]
		}
	}
	for i, src := range s.srcs {
		s.srcIdx[src.ID] = int32(i)
	}
	for _, e := range s.ents {
		s.internEvidence(e.Evidence)
	}

	s.types = pg.RelTypes()
	slices.Sort(s.types)
	for i, t := range s.types {
		if spec, _ := pg.Spec(t); spec.Traversable() {
			s.traversable |= 1 << i
		}
	}
	s.addRelationships(ds.Relationships)

	n := int32(len(s.ents))
	s.all = newAdjacency(len(s.ents)+len(s.srcs), func(yield func(node, rel, nbr int32)) {
		for _, r := range countingOrder(len(s.relData), len(s.types), func(r int32) int32 { return int32(s.relType[r]) }) {
			from, to := s.relFrom[r], s.relTo[r]
			yield(from, r, to)
			if to != from { // a self-loop is listed once
				yield(to, r, from)
			}
		}
	})
	s.out = newAdjacency(int(n), func(yield func(node, rel, nbr int32)) {
		for _, r := range countingOrder(len(s.relData), int(n), func(r int32) int32 { return clampEntity(s.relTo[r], n) }) {
			if s.traversable.has(s.relType[r]) {
				yield(s.relFrom[r], r, s.relTo[r])
			}
		}
	})
	s.in = newAdjacency(int(n), func(yield func(node, rel, nbr int32)) {
		for _, r := range countingOrder(len(s.relData), int(n), func(r int32) int32 { return clampEntity(s.relFrom[r], n) }) {
			if s.traversable.has(s.relType[r]) {
				yield(s.relTo[r], r, s.relFrom[r])
			}
		}
	})

	s.sortByName()
	s.index = newSearchIndex(s.ents)
	s.events = s.timelineEvents()
	s.stats = s.count()
	s.scratch = newScratchPool(len(s.ents))
	return s
}

// clampEntity maps source nodes to 0 for the counting sorts of the
// traversal lists, which only ever hold relationships between entities.
func clampEntity(node, entities int32) int32 {
	if node >= entities {
		return 0
	}
	return node
}

// internEvidence makes evidence share its source's ID string.
func (s *Store) internEvidence(evs []pg.Evidence) {
	for i := range evs {
		if j, ok := s.srcIdx[evs[i].Source]; ok {
			evs[i].Source = s.srcs[j].ID
		}
	}
}

// node returns the node number of an entity or source ID.
func (s *Store) node(id string) (int32, bool) {
	if i, ok := s.entIdx[id]; ok {
		return i, true
	}
	if i, ok := s.srcIdx[id]; ok {
		return int32(len(s.ents)) + i, true
	}
	return 0, false
}

func (s *Store) nodeID(n int32) string {
	if int(n) < len(s.ents) {
		return s.ents[n].ID
	}
	return s.srcs[int(n)-len(s.ents)].ID
}

// sortByName orders the entities for ListEntities.
func (s *Store) sortByName() {
	s.byName = make([]int32, len(s.ents))
	for i := range s.byName {
		s.byName[i] = int32(i)
	}
	// Indexes are in ID order, so the index breaks ties of name.
	slices.SortFunc(s.byName, func(a, b int32) int {
		return cmp.Or(cmp.Compare(s.ents[a].Name, s.ents[b].Name), cmp.Compare(a, b))
	})
	s.nameRank = make([]int32, len(s.ents))
	s.byKind = map[pg.Kind][]int32{}
	for rank, e := range s.byName {
		s.nameRank[e] = int32(rank)
		k := s.ents[e].Kind
		s.byKind[k] = append(s.byKind[k], e)
	}
}

// count computes Stats once; every kind and type is present, zero or not.
func (s *Store) count() pg.Stats {
	st := pg.NewStats()
	st.Sources = len(s.srcs)
	for _, e := range s.ents {
		st.Nodes[e.Kind]++
	}
	for _, t := range s.relType {
		st.Relationships[s.types[t]]++
	}
	return st
}

// Entities returns the entities with the given IDs, nil for unknown ones
// (a source ID is unknown here).
func (s *Store) Entities(ctx context.Context, ids []string) ([]*pg.Entity, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]*pg.Entity, len(ids))
	for i, id := range ids {
		if j, ok := s.entIdx[id]; ok {
			out[i] = s.ents[j]
		}
	}
	return out, nil
}

// Sources returns the sources with the given IDs, nil for unknown ones.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*pg.Source, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]*pg.Source, len(ids))
	for i, id := range ids {
		if j, ok := s.srcIdx[id]; ok {
			out[i] = s.srcs[j]
		}
	}
	return out, nil
}

// RelationshipsByID returns the relationships with the given IDs, nil for
// unknown ones. Relationships are found by binary search on their sorted
// IDs rather than a map, which would cost ~50 bytes per relationship.
// Each is built afresh.
func (s *Store) RelationshipsByID(ctx context.Context, ids []string) ([]*pg.Relationship, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]*pg.Relationship, len(ids))
	for i, id := range ids {
		if j, ok := s.relIndex(id); ok {
			r := s.relationship(int32(j))
			out[i] = &r
		}
	}
	return out, nil
}

// Stats counts sources, entities per kind and relationships per type
// (MENTIONS and QUOTED_IN included). Every kind and every vocabulary type
// has an entry, zero when there are none.
func (s *Store) Stats(ctx context.Context) (pg.Stats, error) {
	if err := ctx.Err(); err != nil {
		return pg.Stats{}, err
	}
	st := s.stats
	st.Nodes = maps.Clone(st.Nodes) // callers may change their copy
	st.Relationships = maps.Clone(st.Relationships)
	return st, nil
}

// Ping succeeds unless ctx is done: memory is always there.
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

// typeMask is a set of relationship types, by index into Store.types; the
// vocabulary has fewer than 32.
type typeMask uint32

func (m typeMask) has(t uint8) bool { return m&(1<<t) != 0 }

// mask returns the set of the given types, unknown ones left out, or
// dflt when none are given.
func (s *Store) mask(types []pg.RelType, dflt typeMask) typeMask {
	if len(types) == 0 {
		return dflt
	}
	var m typeMask
	for _, t := range types {
		if i, ok := slices.BinarySearch(s.types, t); ok {
			m |= 1 << i
		}
	}
	return m
}

func (s *Store) allTypes() typeMask { return 1<<len(s.types) - 1 }
