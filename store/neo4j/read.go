package neo4j

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	pg "github.com/policygraph/policygraph"
)

var _ pg.Store = (*Store)(nil)

// maxCandidates bounds what one search or path query pulls from Neo4j before
// ranking in Go; past it, results are those of the first candidates found.
const maxCandidates = 10000

// Entities returns the entities with the given IDs, nil where unknown.
func (s *Store) Entities(ctx context.Context, ids []string) ([]*pg.Entity, error) {
	recs, err := s.read(ctx, "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN n {.*} AS n", map[string]any{"ids": ids})
	if err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	byID := map[string]*pg.Entity{}
	for _, r := range recs {
		v, _ := r.Get("n")
		if e := decodeEntity(v); e != nil {
			byID[e.ID] = e
		}
	}
	out := make([]*pg.Entity, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// Sources returns the sources with the given IDs, nil where unknown.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*pg.Source, error) {
	recs, err := s.read(ctx, "UNWIND $ids AS id MATCH (n:Source {id: id}) RETURN n {.*} AS n", map[string]any{"ids": ids})
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	byID := map[string]*pg.Source{}
	for _, r := range recs {
		v, _ := r.Get("n")
		if src := decodeSource(v); src != nil {
			byID[src.ID] = src
		}
	}
	out := make([]*pg.Source, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// RelationshipsByID finds relationships by ID. The ID names both endpoints
// and the type, so each is one index seek and one expansion.
func (s *Store) RelationshipsByID(ctx context.Context, ids []string) ([]*pg.Relationship, error) {
	byType := map[pg.RelType][]map[string]any{}
	for _, id := range ids {
		parts := strings.Split(id, "|")
		if len(parts) < 3 {
			continue
		}
		t := pg.RelType(parts[1])
		if _, ok := pg.Spec(t); ok {
			byType[t] = append(byType[t], map[string]any{"id": id, "from": parts[0], "to": parts[2]})
		}
	}
	found := map[string]*pg.Relationship{}
	for _, spec := range pg.Vocabulary {
		rows := byType[spec.Type]
		if len(rows) == 0 {
			continue
		}
		from, to := endpointLabels(spec)
		q := fmt.Sprintf(`UNWIND $rows AS row
MATCH (:%s {id: row.from})-[r:%s {id: row.id}]->(:%s {id: row.to})
RETURN r `, from, spec.Type, to) + fmt.Sprintf(relProjection, "r") + " AS r"
		recs, err := s.read(ctx, q, map[string]any{"rows": rows})
		if err != nil {
			return nil, fmt.Errorf("relationships by id: %w", err)
		}
		for _, rec := range recs {
			v, _ := rec.Get("r")
			if r := decodeRelationship(v); r != nil {
				found[r.ID] = r
			}
		}
	}
	out := make([]*pg.Relationship, len(ids))
	for i, id := range ids {
		out[i] = found[id]
	}
	return out, nil
}

// ListEntities filters, orders by name and ID, and pages in Cypher.
func (s *Store) ListEntities(ctx context.Context, f pg.EntityFilter, p pg.Page) (pg.EntityPage, error) {
	label := pg.EntityLabel
	if f.Kind != "" {
		if !f.Kind.Valid() {
			return pg.EntityPage{}, nil
		}
		label = string(f.Kind)
	}
	params := map[string]any{
		"types": nilIfEmpty(f.Types), "statuses": nilIfEmpty(f.Statuses),
		"enactedBy": orNil(f.EnactedBy), "targets": orNil(f.Targets),
		"from": nil, "to": nil, "offset": max(p.Offset, 0), "limit": max(p.Limit, 0),
	}
	if f.From != "" {
		params["from"] = f.From.Floor()
	}
	if f.To != "" {
		params["to"] = f.To.Ceil()
	}
	where := `($types IS NULL OR n.type IN $types) AND ($statuses IS NULL OR n.status IN $statuses)
  AND ($enactedBy IS NULL OR EXISTS { MATCH (:Entity {id: $enactedBy})-[:ENACTED|ANNOUNCED]->(n) })
  AND ($targets IS NULL OR EXISTS { MATCH (n)-[:TARGETS]->(:Entity {id: $targets}) })
  AND ($from IS NULL OR n.dateSort >= $from) AND ($to IS NULL OR n.dateSort <= $to)`
	q := fmt.Sprintf(`CALL () { MATCH (n:%[1]s) WHERE %[2]s RETURN count(n) AS total }
CALL () { MATCH (n:%[1]s) WHERE %[2]s
  WITH n ORDER BY n.name, n.id SKIP $offset LIMIT $limit RETURN collect(n {.*}) AS page }
RETURN total, page`, label, where)
	recs, err := s.read(ctx, q, params)
	if err != nil {
		return pg.EntityPage{}, fmt.Errorf("list entities: %w", err)
	}
	var out pg.EntityPage
	if len(recs) == 1 {
		total, _ := recs[0].Get("total")
		page, _ := recs[0].Get("page")
		out.Total = int(total.(int64))
		for _, v := range page.([]any) {
			out.Entities = append(out.Entities, decodeEntity(v))
		}
	}
	return out, nil
}

func nilIfEmpty[T any](l []T) any {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Search finds candidates in the full-text index, whose tokens are the ones
// policygraph.Normalize makes, then ranks them in Go with policygraph.Score
// so that both stores rank alike.
func (s *Store) Search(ctx context.Context, q pg.SearchQuery, p pg.Page) (pg.SearchPage, error) {
	tokens := pg.Tokens(q.Text)
	if len(tokens) == 0 {
		return pg.SearchPage{}, nil
	}
	terms := make([]string, len(tokens))
	for i, t := range tokens {
		terms[i] = t + "*" // tokens are [a-z0-9]+: nothing to escape
	}
	var kinds []string
	for _, k := range q.Kinds {
		kinds = append(kinds, string(k))
	}
	recs, err := s.read(ctx, `CALL db.index.fulltext.queryNodes($index, $query) YIELD node
WHERE $kinds IS NULL OR node.kind IN $kinds
RETURN node {.*} AS n LIMIT $cap`, map[string]any{
		"index": searchIndex, "query": strings.Join(terms, " AND "), "kinds": nilIfEmpty(kinds), "cap": maxCandidates,
	})
	if err != nil {
		return pg.SearchPage{}, fmt.Errorf("search: %w", err)
	}
	var hits []pg.SearchHit
	for _, r := range recs {
		v, _ := r.Get("n")
		if e := decodeEntity(v); e != nil && pg.Matches(tokens, e) {
			hits = append(hits, pg.SearchHit{Entity: e, Score: pg.Score(tokens, e)})
		}
	}
	slices.SortFunc(hits, func(a, b pg.SearchHit) int {
		if pg.Less(a.Entity, a.Score, b.Entity, b.Score) {
			return -1
		}
		return 1
	})
	lo, hi := window(len(hits), p)
	return pg.SearchPage{Hits: hits[lo:hi], Total: len(hits)}, nil
}

// window clips a page to a list of n items; a page without a limit is
// empty, as in the in-memory store.
func window(n int, p pg.Page) (lo, hi int) {
	lo = min(max(p.Offset, 0), n)
	return lo, lo + min(max(p.Limit, 0), n-lo)
}

// Relationships answers a batch of queries in one round trip.
func (s *Store) Relationships(ctx context.Context, qs []pg.RelQuery) ([]pg.RelPage, error) {
	rows := make([]map[string]any, len(qs))
	for i, q := range qs {
		var types []string
		for _, t := range q.Types {
			types = append(types, string(t))
		}
		dir := q.Direction
		if dir == "" {
			dir = pg.Both
		}
		rows[i] = map[string]any{"i": i, "node": q.Node, "types": nilIfEmpty(types), "dir": string(dir),
			"offset": max(q.Page.Offset, 0), "limit": max(q.Page.Limit, 0)}
	}
	recs, err := s.read(ctx, `UNWIND $qs AS q
CALL (q) {
  OPTIONAL MATCH (e:Entity {id: q.node})
  OPTIONAL MATCH (src:Source {id: q.node})
  WITH q, coalesce(e, src) AS n
  OPTIONAL MATCH (n)-[r]-()
  WHERE (q.types IS NULL OR type(r) IN q.types)
    AND (q.dir = 'BOTH' OR (q.dir = 'OUT' AND startNode(r) = n) OR (q.dir = 'IN' AND endNode(r) = n))
  WITH DISTINCT r ORDER BY type(r), r.id
  WITH collect(r) AS rs
  RETURN size(rs) AS total, [x IN rs[q.offset..q.offset + q.limit] | x `+fmt.Sprintf(relProjection, "x")+`] AS page
}
RETURN q.i AS i, total, page`, map[string]any{"qs": rows})
	if err != nil {
		return nil, fmt.Errorf("relationships: %w", err)
	}
	out := make([]pg.RelPage, len(qs))
	for _, rec := range recs {
		i, _ := rec.Get("i")
		total, _ := rec.Get("total")
		page, _ := rec.Get("page")
		rp := pg.RelPage{Total: int(total.(int64))}
		for _, v := range page.([]any) {
			rp.Relationships = append(rp.Relationships, *decodeRelationship(v))
		}
		out[i.(int64)] = rp
	}
	return out, nil
}

// typePattern renders the traversable types asked for as a Cypher type
// alternation, "LEADS|TARGETS"; the types come from the vocabulary only.
func typePattern(types []pg.RelType) string {
	var ts []string
	for _, t := range pg.TraversableTypes() {
		if len(types) == 0 || slices.Contains(types, t) {
			ts = append(ts, string(t))
		}
	}
	if len(ts) == 0 {
		return "" // no type asked for can be traversed
	}
	return strings.Join(ts, "|")
}

// arrow returns the relationship pattern between a and b for a direction.
func arrow(types string, d pg.Direction) string {
	switch d {
	case pg.Out:
		return "-[r:" + types + "]->"
	case pg.In:
		return "<-[r:" + types + "]-"
	}
	return "-[r:" + types + "]-"
}

// Neighborhood walks breadth first, one query per level: each level asks
// only for the lowest new IDs that still fit under the limit.
func (s *Store) Neighborhood(ctx context.Context, q pg.NeighborhoodQuery) (pg.Subgraph, error) {
	center, err := s.Entities(ctx, []string{q.Center})
	if err != nil {
		return pg.Subgraph{}, err
	}
	if center[0] == nil {
		return pg.Subgraph{}, fmt.Errorf("neighborhood of %q: %w", q.Center, pg.ErrNotFound)
	}
	types := typePattern(q.Types)
	limit := q.Limit
	if limit <= 0 {
		limit = math.MaxInt32 // no limit, as in the contract
	}
	depthOf := map[string]int{q.Center: 0}
	kept := []string{q.Center}
	frontier := []string{q.Center}
	sg := pg.Subgraph{Edges: []pg.Relationship{}}
	for depth := 1; depth <= q.Depth && len(frontier) > 0 && types != "" && !sg.Truncated; depth++ {
		room := limit - len(kept)
		recs, err := s.read(ctx, `UNWIND $frontier AS id
MATCH (:Entity {id: id})`+arrow(types, q.Direction)+`(b:Entity)
WHERE NOT b.id IN $seen
WITH DISTINCT b.id AS id ORDER BY id LIMIT $room
RETURN id`, map[string]any{"frontier": frontier, "seen": kept, "room": room + 1})
		if err != nil {
			return pg.Subgraph{}, fmt.Errorf("neighborhood of %q: %w", q.Center, err)
		}
		frontier = frontier[:0:0]
		for _, r := range recs {
			id, _ := r.Get("id")
			frontier = append(frontier, id.(string))
		}
		if len(frontier) > room {
			frontier, sg.Truncated = frontier[:room], true
		}
		for _, id := range frontier {
			depthOf[id] = depth
			kept = append(kept, id)
		}
	}
	ents, err := s.Entities(ctx, kept)
	if err != nil {
		return pg.Subgraph{}, err
	}
	for i, e := range ents {
		if e != nil {
			sg.Nodes = append(sg.Nodes, pg.SubgraphNode{Entity: e, Depth: depthOf[kept[i]]})
		}
	}
	if types != "" {
		recs, err := s.read(ctx, `MATCH (a:Entity)-[r:`+types+`]->(b:Entity)
WHERE a.id IN $ids AND b.id IN $ids
RETURN r `+fmt.Sprintf(relProjection, "r")+` AS r ORDER BY r.id`, map[string]any{"ids": kept})
		if err != nil {
			return pg.Subgraph{}, fmt.Errorf("neighborhood of %q: %w", q.Center, err)
		}
		for _, rec := range recs {
			v, _ := rec.Get("r")
			sg.Edges = append(sg.Edges, *decodeRelationship(v))
		}
	}
	return sg, nil
}

// ShortestPath asks Neo4j for every shortest path and keeps the first in
// path order, so the choice among equal paths is the in-memory store's.
func (s *Store) ShortestPath(ctx context.Context, q pg.PathQuery) (*pg.Path, error) {
	paths, err := s.paths(ctx, q, `MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
MATCH p = allShortestPaths((a)-[:%s*..%d]-(b))`, 1)
	if err != nil || len(paths) == 0 {
		return nil, err
	}
	return &paths[0], nil
}

// Paths enumerates simple paths up to q.MaxHops and keeps the first n in
// path order.
func (s *Store) Paths(ctx context.Context, q pg.PathQuery, n int) ([]pg.Path, error) {
	return s.paths(ctx, q, `MATCH p = (a:Entity {id: $from})-[:%s*1..%d]-(b:Entity {id: $to})
WHERE all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])`, n)
}

func (s *Store) paths(ctx context.Context, q pg.PathQuery, match string, n int) ([]pg.Path, error) {
	ends, err := s.Entities(ctx, []string{q.From, q.To})
	if err != nil {
		return nil, err
	}
	for i, e := range ends {
		if e == nil {
			return nil, fmt.Errorf("path endpoint %q: %w", []string{q.From, q.To}[i], pg.ErrNotFound)
		}
	}
	if q.From == q.To {
		return []pg.Path{{Nodes: ends[:1]}}, nil
	}
	types := typePattern(q.Types)
	if types == "" || q.MaxHops < 1 || n < 1 {
		return nil, nil
	}
	recs, err := s.read(ctx, fmt.Sprintf(match, types, q.MaxHops)+`
RETURN [x IN nodes(p) | x.id] AS nodes, [x IN relationships(p) | x `+fmt.Sprintf(relProjection, "x")+`] AS edges
LIMIT $cap`, map[string]any{"from": q.From, "to": q.To, "cap": maxCandidates})
	if err != nil {
		return nil, fmt.Errorf("paths from %q to %q: %w", q.From, q.To, err)
	}
	type rawPath struct {
		nodes []string
		edges []pg.Relationship
	}
	raw := make([]rawPath, len(recs))
	for i, rec := range recs {
		ns, _ := rec.Get("nodes")
		es, _ := rec.Get("edges")
		for _, v := range ns.([]any) {
			raw[i].nodes = append(raw[i].nodes, v.(string))
		}
		for _, v := range es.([]any) {
			raw[i].edges = append(raw[i].edges, *decodeRelationship(v))
		}
	}
	slices.SortFunc(raw, func(a, b rawPath) int {
		return cmp.Or(cmp.Compare(len(a.edges), len(b.edges)), slices.Compare(a.nodes, b.nodes),
			slices.CompareFunc(a.edges, b.edges, func(x, y pg.Relationship) int { return cmp.Compare(x.ID, y.ID) }))
	})
	raw = raw[:min(n, len(raw))]
	if len(raw) == 0 {
		return nil, nil
	}
	var ids []string
	for _, p := range raw {
		ids = append(ids, p.nodes...)
	}
	ents, err := s.Entities(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]pg.Path, len(raw))
	for i, p := range raw {
		out[i] = pg.Path{Nodes: ents[:len(p.nodes):len(p.nodes)], Edges: p.edges}
		ents = ents[len(p.nodes):]
	}
	return out, nil
}

// Timeline gathers dated relationships and policies in Cypher and orders
// them in Go by the contract's rule.
func (s *Store) Timeline(ctx context.Context, q pg.TimelineQuery) ([]pg.Event, error) {
	types := typePattern(q.Types)
	params := map[string]any{"id": q.Entity, "from": nil, "to": nil, "ptypes": nilIfEmpty(q.PolicyTypes)}
	if q.From != "" {
		params["from"] = q.From.Floor()
	}
	if q.To != "" {
		params["to"] = q.To.Ceil()
	}
	inRange := "x.dateSort IS NOT NULL AND ($from IS NULL OR x.dateSort >= $from) AND ($to IS NULL OR x.dateSort <= $to)"
	relProj := fmt.Sprintf(relProjection, "x")
	all := typePattern(nil)
	relQ := `MATCH (:Entity)-[x:` + types + `]->(:Entity) WHERE ` + inRange + ` RETURN x ` + relProj + ` AS x`
	policyQ := `MATCH (x:Policy) WHERE ` + inRange + ` AND ($ptypes IS NULL OR x.type IN $ptypes) RETURN x {.*} AS x`
	if q.Entity != "" {
		found, err := s.Entities(ctx, []string{q.Entity})
		if err != nil {
			return nil, err
		}
		if found[0] == nil {
			return nil, fmt.Errorf("timeline of %q: %w", q.Entity, pg.ErrNotFound)
		}
		relQ = `MATCH (:Entity {id: $id})-[x:` + types + `]-(:Entity) WHERE ` + inRange +
			` WITH DISTINCT x RETURN x ` + relProj + ` AS x`
		// The entity itself when it is a policy, and the policies it is
		// related to in any traversable way.
		policyQ = `MATCH (e:Entity {id: $id})
CALL (e) { MATCH (e)-[:` + all + `]-(x:Policy) RETURN x UNION MATCH (x:Policy) WHERE x = e RETURN x }
WITH DISTINCT x WHERE ` + inRange + ` AND ($ptypes IS NULL OR x.type IN $ptypes) RETURN x {.*} AS x`
	}
	var events []pg.Event
	if types != "" {
		recs, err := s.read(ctx, relQ, params)
		if err != nil {
			return nil, fmt.Errorf("timeline: %w", err)
		}
		for _, rec := range recs {
			v, _ := rec.Get("x")
			r := decodeRelationship(v)
			events = append(events, pg.Event{Date: r.When(), Relationship: r})
		}
	}
	recs, err := s.read(ctx, policyQ, params)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	for _, rec := range recs {
		v, _ := rec.Get("x")
		p := decodeEntity(v)
		events = append(events, pg.Event{Date: p.When(), Policy: p})
	}
	slices.SortFunc(events, compareEvents)
	if q.Limit > 0 && len(events) > q.Limit {
		events = events[:q.Limit]
	}
	return events, nil
}

// compareEvents orders events by date floor, policies first, then ID.
func compareEvents(a, b pg.Event) int {
	id := func(e pg.Event) (int, string) {
		if e.Policy != nil {
			return 0, e.Policy.ID
		}
		return 1, e.Relationship.ID
	}
	ak, aid := id(a)
	bk, bid := id(b)
	return cmp.Or(cmp.Compare(a.Date.Floor(), b.Date.Floor()), cmp.Compare(ak, bk), cmp.Compare(aid, bid))
}

// Stats counts from Neo4j's count store: one lookup per label and type.
func (s *Store) Stats(ctx context.Context) (pg.Stats, error) {
	var parts []string
	parts = append(parts, "MATCH (n:Source) RETURN 'node' AS what, 'Source' AS name, count(n) AS n")
	for _, k := range pg.Kinds {
		parts = append(parts, fmt.Sprintf("MATCH (n:%s) RETURN 'node' AS what, '%s' AS name, count(n) AS n", k, k))
	}
	for _, t := range pg.RelTypes() {
		parts = append(parts, fmt.Sprintf("MATCH ()-[r:%s]->() RETURN 'rel' AS what, '%s' AS name, count(r) AS n", t, t))
	}
	recs, err := s.read(ctx, strings.Join(parts, "\nUNION ALL\n"), nil)
	if err != nil {
		return pg.Stats{}, fmt.Errorf("stats: %w", err)
	}
	st := pg.Stats{Nodes: map[pg.Kind]int{}, Relationships: map[pg.RelType]int{}}
	for _, rec := range recs {
		m := rec.AsMap()
		n := int(m["n"].(int64))
		switch name := m["name"].(string); {
		case m["what"] == "rel":
			if n > 0 {
				st.Relationships[pg.RelType(name)] = n
			}
		case name == pg.SourceLabel:
			st.Sources = n
		case n > 0:
			st.Nodes[pg.Kind(name)] = n
		}
	}
	return st, nil
}
