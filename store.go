package policygraph

import "context"

// Store answers the read queries of the API. It is implemented by the Neo4j
// store (production) and the in-memory store (the default with no database);
// the conformance suite in store/storetest holds both to the same answers,
// so every list has a defined, deterministic order.
//
// Methods validate nothing that the API already bounds (depths, page sizes);
// they return [ErrNotFound] for an unknown ID where one is required (a
// neighbourhood centre, a path endpoint, a timeline entity), and an error
// wrapping [ErrUnavailable] when the backing database cannot be reached. An
// unknown ID elsewhere — in a batch lookup, a relationship query or a list
// filter — finds nothing rather than failing.
//
// Strings order by code point. What a method returns is shared: callers
// must not change it.
type Store interface {
	// Entities returns the entities with the given IDs, in the order asked,
	// with nil where an ID is unknown. It is the batch call behind lookups.
	Entities(ctx context.Context, ids []string) ([]*Entity, error)

	// Sources returns the sources with the given IDs, like Entities.
	Sources(ctx context.Context, ids []string) ([]*Source, error)

	// ListEntities returns one page of the entities that pass the filter,
	// ordered by name, then ID.
	ListEntities(ctx context.Context, f EntityFilter, p Page) (EntityPage, error)

	// Search returns one page of the entities whose names or aliases match
	// the query tokens ([Matches]), ranked by [Score] and then [CompareHits]. A
	// query has at most [MaxSearchTokens] tokens.
	Search(ctx context.Context, q SearchQuery, p Page) (SearchPage, error)

	// Relationships answers a batch of relationship queries, one list per
	// query in the order asked. It is the batch call behind every
	// relationship field, so a request costs one call per nesting level.
	Relationships(ctx context.Context, qs []RelQuery) ([]RelPage, error)

	// RelationshipsByID returns the relationships with the given IDs, like
	// Entities. It answers "which quotes support this edge".
	RelationshipsByID(ctx context.Context, ids []string) ([]*Relationship, error)

	// Neighborhood returns the entities within q.Depth hops of q.Center and
	// the relationships among them.
	Neighborhood(ctx context.Context, q NeighborhoodQuery) (Subgraph, error)

	// ShortestPath returns the first shortest path from q.From to q.To in
	// path order, or nil when there is none within q.MaxHops.
	ShortestPath(ctx context.Context, q PathQuery) (*Path, error)

	// Paths returns the first n simple paths from q.From to q.To within
	// q.MaxHops, in path order.
	Paths(ctx context.Context, q PathQuery, n int) ([]Path, error)

	// Timeline returns the dated events of q in date order.
	Timeline(ctx context.Context, q TimelineQuery) ([]Event, error)

	// Stats counts nodes per kind and relationships per type.
	Stats(ctx context.Context) (Stats, error)

	// Ping reports whether the store can answer.
	Ping(ctx context.Context) error
}

// Page selects a slice of an ordered list; cursors are offsets. A Limit of
// 0 or less selects nothing, so a query can ask for a total alone; a
// negative Offset counts as 0.
type Page struct {
	Offset int
	Limit  int
}

// EntityFilter selects entities for [Store.ListEntities]. Zero fields do not
// filter.
type EntityFilter struct {
	Kind     Kind
	Types    []string // organization or policy types
	Statuses []string // policy statuses
	// EnactedBy keeps policies with an ENACTED or ANNOUNCED relationship
	// from the entity with this ID.
	EnactedBy string
	// Targets keeps policies that TARGET the entity with this ID.
	Targets string
	// From and To keep policies whose [Entity.When] lies in the range,
	// inclusive, compared by [Date.Floor] against From's floor and To's ceil.
	From, To Date
}

// EntityPage is one page of entities and how many there are in all.
type EntityPage struct {
	Entities []*Entity
	Total    int
}

// SearchQuery asks for entities by name or alias.
type SearchQuery struct {
	Text  string
	Kinds []Kind // empty: every kind
}

// SearchHit is one ranked search result.
type SearchHit struct {
	Entity *Entity
	Score  int
}

// SearchPage is one page of hits and how many matched in all.
type SearchPage struct {
	Hits  []SearchHit
	Total int
}

// Direction is which relationships of a node a query follows.
type Direction string

// The directions.
const (
	Out  Direction = "OUT"  // from the node
	In   Direction = "IN"   // to the node
	Both Direction = "BOTH" // either
)

// RelQuery asks for one page of a node's relationships.
type RelQuery struct {
	Node      string    // an entity or source ID
	Types     []RelType // empty: every type
	Direction Direction // empty means Both
	Page      Page
}

// RelPage is one page of relationships, ordered by type and then ID, and
// how many there are in all.
type RelPage struct {
	Relationships []Relationship
	// Ends holds, for each relationship, the entity at its far end from the
	// queried node, or nil where that end is a source; callers draw the
	// neighbours without asking for them again.
	Ends  []*Entity
	Total int
}

// NeighborhoodQuery asks for the neighbourhood of an entity. Only
// [RelSpec.Traversable] types are followed.
//
// The walk is breadth first; when more than Limit entities are in reach, it
// keeps the nearest, and among those at the same depth the lowest IDs, and
// sets [Subgraph.Truncated].
//
// A hub, an entity other than the centre whose [SubgraphNode.Degree] is
// above HubDegree, is kept like any other but not walked through: its
// neighbours are reached only by other ways, so a walk never costs a hub's
// degree (the United States with its thousands of policies). Clients draw
// its [SubgraphNode.Hidden] relationships as "+N more" and ask for the hub's
// own neighbourhood to open it.
type NeighborhoodQuery struct {
	Center    string
	Depth     int
	Types     []RelType // empty: every traversable type
	Direction Direction
	Limit     int // most entities, the centre included; 0 or less: no limit
	HubDegree int // 0 or less: [DefaultHubDegree]
}

// DefaultHubDegree is the degree above which a neighbourhood walk does not
// go through an entity. A news graph's people and groups have tens of
// relationships; its hubs, thousands.
const DefaultHubDegree = 200

// HubLimit returns the hub degree that q asks for, with the default applied.
func (q NeighborhoodQuery) HubLimit() int {
	if q.HubDegree <= 0 {
		return DefaultHubDegree
	}
	return q.HubDegree
}

// Subgraph is a set of entities and the relationships among them, the shape
// that visualization tools draw. Nodes are ordered by depth, then ID. Edges
// are every relationship of a followed type between two kept nodes,
// whichever way it points (the direction only steers the walk), self-loops
// included, ordered by ID.
type Subgraph struct {
	Nodes     []SubgraphNode
	Edges     []Relationship
	Truncated bool
}

// SubgraphNode is an entity and its distance in hops from the centre.
type SubgraphNode struct {
	Entity *Entity
	Depth  int
	// Degree counts the entity's relationships of the followed types, in
	// either direction, in the whole graph (a self-loop once).
	Degree int
	// Hidden counts those of them that are not among the subgraph's edges.
	Hidden int
}

// PathQuery asks for paths between two entities along traversable
// relationships, followed in either direction.
type PathQuery struct {
	From, To string
	MaxHops  int
	Types    []RelType // empty: every traversable type
}

// Path is an alternating walk: Nodes[i] and Nodes[i+1] are joined by
// Edges[i], whose own direction may point either way.
//
// Paths are ordered by length, then by their node IDs compared in turn, then
// by their edge IDs; so the first shortest path is the same in every store.
type Path struct {
	Nodes []*Entity
	Edges []Relationship
}

// TimelineQuery asks for dated events. Without Entity it covers the whole
// graph; with it, the entity's own date when it is a policy, its dated
// relationships of Types, and the policies joined to it by any traversable
// relationship (whatever Types says). PolicyTypes filters policy events
// only. A Limit of 0 or less means no limit.
type TimelineQuery struct {
	Entity      string
	From, To    Date      // inclusive; empty: open
	Types       []RelType // relationship types to include; empty: all traversable
	PolicyTypes []string  // policy types to include; empty: all
	Limit       int
}

// Event is a dated relationship or a dated policy. Events are ordered by the
// floor of Date, then policies before relationships, then ID.
type Event struct {
	Date         Date
	Policy       *Entity       // set for a policy event
	Relationship *Relationship // set for a relationship event
}

// Stats counts what a store holds.
type Stats struct {
	Sources       int
	Nodes         map[Kind]int
	Relationships map[RelType]int
}

// CountHidden sets each node's Hidden from its Degree and the edges drawn
// among the nodes; both stores call it, so they count alike.
func (g *Subgraph) CountHidden() {
	drawn := map[string]int{}
	for _, r := range g.Edges {
		drawn[r.From]++
		if r.To != r.From {
			drawn[r.To]++
		}
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		n.Hidden = max(n.Degree-drawn[n.Entity.ID], 0)
	}
}
