package policygraph

import (
	"cmp"
	"slices"
	"strings"
)

// The orders, windows and filters of the [Store] contract, as code. The
// in-memory store calls them, or keeps an index in the same order; the
// Neo4j store orders in Cypher, and the conformance suite (store/storetest)
// holds every answer of both to these functions, so they are the reference
// that the prose of store.go describes.

// Window returns the bounds of page p within a list of n items: a negative
// offset counts as 0, and a limit of 0 or less selects nothing, as LIMIT 0
// does in Cypher, so that a caller can ask for the total alone.
func (p Page) Window(n int) (lo, hi int) {
	lo = min(max(p.Offset, 0), n)
	hi = lo
	if p.Limit > 0 {
		hi = lo + min(p.Limit, n-lo)
	}
	return lo, hi
}

// CompareHits is search order: higher score first, then name, then ID.
func CompareHits(a, b SearchHit) int {
	return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.Entity.Name, b.Entity.Name),
		strings.Compare(a.Entity.ID, b.Entity.ID))
}

// CompareEvents is timeline order: the floor of the date, then policies
// before relationships, then ID.
func CompareEvents(a, b Event) int {
	return cmp.Or(strings.Compare(a.Date.Floor(), b.Date.Floor()),
		cmp.Compare(a.rank(), b.rank()), strings.Compare(a.id(), b.id()))
}

// rank puts policies before relationships.
func (e Event) rank() int {
	if e.Policy != nil {
		return 0
	}
	return 1
}

func (e Event) id() string {
	if e.Policy != nil {
		return e.Policy.ID
	}
	return e.Relationship.ID
}

// ComparePaths is path order: length, then the node IDs compared in turn,
// then the edge IDs.
func ComparePaths(a, b Path) int {
	return cmp.Or(cmp.Compare(len(a.Edges), len(b.Edges)),
		slices.CompareFunc(a.Nodes, b.Nodes, func(x, y *Entity) int { return strings.Compare(x.ID, y.ID) }),
		slices.CompareFunc(a.Edges, b.Edges, compareRelIDs))
}

func compareRelIDs(x, y Relationship) int { return strings.Compare(x.ID, y.ID) }

// Sort puts g in subgraph order: nodes by depth, then ID; edges by ID.
func (g *Subgraph) Sort() {
	slices.SortFunc(g.Nodes, compareNodes)
	slices.SortFunc(g.Edges, compareRelIDs)
}

func compareNodes(a, b SubgraphNode) int {
	return cmp.Or(cmp.Compare(a.Depth, b.Depth), strings.Compare(a.Entity.ID, b.Entity.ID))
}

// Sorted reports whether g is in subgraph order.
func (g *Subgraph) Sorted() bool {
	return slices.IsSortedFunc(g.Nodes, compareNodes) && slices.IsSortedFunc(g.Edges, compareRelIDs)
}

// WalkTypes returns the types that a neighbourhood or path query follows:
// the traversable ones of asked, in vocabulary order, or every traversable
// type when none are asked. Types that join entities to sources are never
// walked; none left means the walk goes nowhere.
func WalkTypes(asked []RelType) []RelType {
	all := TraversableTypes()
	if len(asked) == 0 {
		return all
	}
	return slices.DeleteFunc(all, func(t RelType) bool { return !slices.Contains(asked, t) })
}

// TimelineTypes returns the relationship types a timeline includes: the
// vocabulary types of asked, in vocabulary order and of any kind (a dated
// QUOTED_IN is an event too), or every traversable type when none are
// asked.
func TimelineTypes(asked []RelType) []RelType {
	if len(asked) == 0 {
		return TraversableTypes()
	}
	all := RelTypes()
	return slices.DeleteFunc(all, func(t RelType) bool { return !slices.Contains(asked, t) })
}

// ParseRelationshipID splits an ID made by [RelationshipID]; ok is false
// when id is not of that shape or its type is not in the vocabulary. Node
// IDs hold no "|"; whatever follows the third one is the key.
func ParseRelationshipID(id string) (from string, t RelType, to, key string, ok bool) {
	parts := strings.SplitN(id, "|", 4)
	if len(parts) < 3 {
		return "", "", "", "", false
	}
	if len(parts) == 4 {
		key = parts[3]
	}
	t = RelType(parts[1])
	if _, known := Spec(t); !known {
		return "", "", "", "", false
	}
	return parts[0], t, parts[2], key, true
}

// NewStats returns Stats with every kind and every vocabulary type at zero,
// which is how every store reports a kind or type it has none of.
func NewStats() Stats {
	st := Stats{Nodes: make(map[Kind]int, len(Kinds)), Relationships: make(map[RelType]int, len(Vocabulary))}
	for _, k := range Kinds {
		st.Nodes[k] = 0
	}
	for _, s := range Vocabulary {
		st.Relationships[s.Type] = 0
	}
	return st
}

// CompareByName is list order: name, then ID.
func CompareByName(a, b *Entity) int {
	return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
}

// CompareRelationships is the order of a node's relationships: type name,
// then ID.
func CompareRelationships(a, b Relationship) int {
	return cmp.Or(strings.Compare(string(a.Type), string(b.Type)), compareRelIDs(a, b))
}
