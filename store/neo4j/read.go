package neo4j

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	pg "github.com/policygraph/policygraph"
)

var _ pg.Store = (*Store)(nil)

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
		if from, t, to, _, ok := pg.ParseRelationshipID(id); ok {
			byType[t] = append(byType[t], map[string]any{"id": id, "from": from, "to": to})
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

// ListEntities filters, orders by name and ID, and pages in Cypher. The
// statement is built from the filters given, so the planner starts from
// the entity a policy filter names (an index seek and its relationships)
// or from an index on the filtered property, never from a scan that tests
// absent filters row by row.
func (s *Store) ListEntities(ctx context.Context, f pg.EntityFilter, p pg.Page) (pg.EntityPage, error) {
	label := pg.EntityLabel
	if f.Kind != "" {
		if !f.Kind.Valid() {
			return pg.EntityPage{}, nil
		}
		label = string(f.Kind)
	}
	params := map[string]any{"offset": max(p.Offset, 0), "limit": max(p.Limit, 0)}
	match := "MATCH (n:" + label + ")"
	var where []string
	switch {
	case f.EnactedBy != "":
		// ENACTED and ANNOUNCED may both join the same pair: DISTINCT.
		match = "MATCH (:Entity {id: $enactedBy})-[:ENACTED|ANNOUNCED]->(n:" + label + ") WITH DISTINCT n"
		params["enactedBy"] = f.EnactedBy
		if f.Targets != "" {
			where = append(where, "EXISTS { MATCH (n)-[:TARGETS]->(:Entity {id: $targets}) }")
			params["targets"] = f.Targets
		}
	case f.Targets != "":
		match = "MATCH (n:" + label + ")-[:TARGETS]->(:Entity {id: $targets}) WITH DISTINCT n"
		params["targets"] = f.Targets
	}
	if len(f.Types) > 0 {
		where = append(where, "n.type IN $types")
		params["types"] = f.Types
	}
	if len(f.Statuses) > 0 {
		where = append(where, "n.status IN $statuses")
		params["statuses"] = f.Statuses
	}
	if f.From != "" {
		where = append(where, "n.dateSort >= $from")
		params["from"] = f.From.Floor()
	}
	if f.To != "" {
		where = append(where, "n.dateSort <= $to")
		params["to"] = f.To.Ceil()
	}
	var q string
	if len(where) == 0 && match == "MATCH (n:"+label+")" {
		// A whole label: the count store answers the total, and the page
		// is read in the order of the label's name index, not sorted.
		q = fmt.Sprintf(`CALL () { MATCH (n:%[1]s) RETURN count(n) AS total }
CALL () { MATCH (n:%[1]s) WHERE n.name IS NOT NULL
  WITH n ORDER BY n.name, n.id SKIP $offset LIMIT $limit RETURN collect(n {.*}) AS page }
RETURN total, page`, label)
	} else {
		cond := ""
		if len(where) > 0 {
			cond = " WHERE " + strings.Join(where, " AND ")
		}
		// One pass: what passes is counted and sliced together.
		q = match + cond + `
WITH n ORDER BY n.name, n.id
WITH collect(n) AS ns
RETURN size(ns) AS total, [x IN ns[$offset..$offset + $limit] | x {.*}] AS page`
	}
	recs, err := s.read(ctx, q, params)
	if err != nil {
		return pg.EntityPage{}, fmt.Errorf("list entities: %w", err)
	}
	var out pg.EntityPage
	var dec decoder
	if len(recs) == 1 {
		m := recs[0].AsMap()
		out.Total = dec.int(m["total"], "total")
		for _, v := range dec.list(m["page"], "page") {
			out.Entities = append(out.Entities, dec.entity(v, "page entity"))
		}
	}
	if dec.err != nil {
		return pg.EntityPage{}, fmt.Errorf("list entities: %w", dec.err)
	}
	return out, nil
}

// Search finds the candidates in the full-text index, whose tokens are the
// ones policygraph.Normalize makes, and ranks, counts and pages them in the
// same statement with the tiers of policygraph.Score (see searchScore), so
// that only the page crosses the wire and both stores rank alike.
func (s *Store) Search(ctx context.Context, q pg.SearchQuery, p pg.Page) (pg.SearchPage, error) {
	tokens := pg.Tokens(q.Text)
	if len(tokens) == 0 {
		return pg.SearchPage{}, nil
	}
	terms := make([]string, len(tokens))
	for i, t := range tokens {
		terms[i] = t + "*" // tokens are [a-z0-9]+: nothing to escape
	}
	params := map[string]any{
		"index": searchIndex, "query": strings.Join(terms, " AND "), "tokens": tokens,
		"q": strings.Join(tokens, " "), "offset": max(p.Offset, 0), "limit": max(p.Limit, 0),
	}
	kinds := ""
	if len(q.Kinds) > 0 {
		var ks []string
		for _, k := range q.Kinds {
			ks = append(ks, string(k))
		}
		params["kinds"] = ks
		kinds = " AND n.kind IN $kinds"
	}
	recs, err := s.read(ctx, `CALL db.index.fulltext.queryNodes($index, $query) YIELD node AS n
WHERE n:Entity`+kinds+`
WITH n, [nm IN split(n.search, '\n') | split(nm, ' ')] AS words, split(n.search, '\n') AS names
WHERE all(t IN $tokens WHERE any(ws IN words WHERE any(w IN ws WHERE w STARTS WITH t)))
WITH n, `+searchScore+` AS score
ORDER BY score DESC, n.name, n.id
WITH collect(n) AS ns, collect(score) AS scores
RETURN size(ns) AS total, [x IN ns[$offset..$offset + $limit] | x {.*}] AS page,
  scores[$offset..$offset + $limit] AS scores`, params)
	if err != nil {
		return pg.SearchPage{}, fmt.Errorf("search: %w", err)
	}
	var out pg.SearchPage
	var dec decoder
	if len(recs) == 1 {
		m := recs[0].AsMap()
		out.Total = dec.int(m["total"], "total")
		scores := dec.list(m["scores"], "scores")
		for i, v := range dec.list(m["page"], "page") {
			out.Hits = append(out.Hits, pg.SearchHit{Entity: dec.entity(v, "hit"), Score: dec.int(dec.at(scores, i, "scores"), "score")})
		}
	}
	if dec.err != nil {
		return pg.SearchPage{}, fmt.Errorf("search: %w", dec.err)
	}
	return out, nil
}

// searchScore is policygraph.Score in Cypher, over names (the normalized
// name, then aliases) and words (each split into tokens): the best tier of
// any one name, 10 less for an alias, and 10 when only names together
// match.
const searchScore = `reduce(best = 10, v IN [i IN range(0, size(names) - 1) |
  CASE WHEN names[i] = $q THEN 100
    WHEN names[i] STARTS WITH $q THEN 80
    WHEN all(t IN $tokens WHERE t IN words[i]) THEN 60
    WHEN all(t IN $tokens WHERE any(w IN words[i] WHERE w STARTS WITH t)) THEN 40
    ELSE 0 END - CASE WHEN i > 0 THEN 10 ELSE 0 END] |
  CASE WHEN v > best THEN v ELSE best END)`

// Relationships answers a batch of queries in one statement. Queries of the
// same types and direction share a branch of it whose pattern is typed and
// directed, so a hub's few relationships of one type cost those, not its
// degree; the far ends come back with the page.
func (s *Store) Relationships(ctx context.Context, qs []pg.RelQuery) ([]pg.RelPage, error) {
	out := make([]pg.RelPage, len(qs))
	// A branch per pattern and end of page: its LIMIT is a literal, so
	// Neo4j keeps the top of the page rather than sorting every
	// relationship of a hub.
	type shape struct {
		pattern string
		end     int
		both    bool
	}
	branch := map[shape]int{}
	var shapes []shape
	var rows []map[string]any
	for i, q := range qs {
		pat, ok := relPattern(q.Types, q.Direction)
		if !ok {
			continue // no type asked for exists: nothing to find
		}
		offset, limit := max(q.Page.Offset, 0), max(q.Page.Limit, 0)
		sh := shape{pat, offset + limit, q.Direction != pg.Out && q.Direction != pg.In}
		if limit == 0 {
			sh.end = 0
		}
		g, seen := branch[sh]
		if !seen {
			g = len(shapes)
			branch[sh] = g
			shapes = append(shapes, sh)
		}
		rows = append(rows, map[string]any{"i": i, "g": g, "node": q.Node, "offset": offset})
	}
	if len(rows) == 0 {
		return out, nil
	}
	branches := make([]string, len(shapes))
	for g, sh := range shapes {
		// DISTINCT: an undirected pattern may meet a self-loop twice.
		distinct := ""
		if sh.both {
			distinct = "DISTINCT "
		}
		branches[g] = fmt.Sprintf(`WITH q, n WHERE q.g = %[1]d
    CALL (n) { MATCH (n)%[2]s(o) WHERE o:Entity OR o:Source RETURN count(%[3]sr) AS total }
    CALL (n) { MATCH (n)%[2]s(o) WHERE o:Entity OR o:Source
      WITH %[3]sr, o ORDER BY type(r), r.id LIMIT %[4]d RETURN collect(r) AS rs, collect(o) AS os }
    RETURN total, rs, os`, g, sh.pattern, distinct, sh.end)
	}
	recs, err := s.read(ctx, `UNWIND $qs AS q
CALL (q) {
  OPTIONAL MATCH (e:Entity {id: q.node})
  OPTIONAL MATCH (src:Source {id: q.node})
  WITH q, coalesce(e, src) AS n WHERE n IS NOT NULL
  CALL (q, n) {
    `+strings.Join(branches, "\n    UNION ALL\n    ")+`
  }
  RETURN total, [x IN rs[q.offset..] | x `+fmt.Sprintf(relProjection, "x")+`] AS page,
    [x IN os[q.offset..] | CASE WHEN x:Entity THEN x {.*} END] AS ends
}
RETURN q.i AS i, total, page, ends`, map[string]any{"qs": rows})
	if err != nil {
		return nil, fmt.Errorf("relationships: %w", err)
	}
	var dec decoder
	for _, rec := range recs {
		m := rec.AsMap()
		rp := pg.RelPage{Total: dec.int(m["total"], "total")}
		ends := dec.list(m["ends"], "ends")
		for j, v := range dec.list(m["page"], "page") {
			rp.Relationships = append(rp.Relationships, dec.relationship(v, "page relationship"))
			rp.Ends = append(rp.Ends, decodeEntity(dec.at(ends, j, "ends"))) // nil for a source
		}
		if i := dec.int(m["i"], "i"); i >= 0 && i < len(out) {
			out[i] = rp
		} else {
			dec.fail("i", i, fmt.Sprintf("a query index below %d", len(out)))
		}
	}
	if dec.err != nil {
		return nil, fmt.Errorf("relationships: %w", dec.err)
	}
	return out, nil
}

// relPattern renders the relationship pattern of a query's types (any
// vocabulary type; none: every type) and direction; ok is false when types
// were asked for and none is in the vocabulary.
func relPattern(types []pg.RelType, d pg.Direction) (pattern string, ok bool) {
	var ts []string
	for _, t := range types {
		if _, known := pg.Spec(t); known && !slices.Contains(ts, string(t)) {
			ts = append(ts, string(t))
		}
	}
	if len(types) > 0 && len(ts) == 0 {
		return "", false
	}
	slices.Sort(ts)
	r := "[r]"
	if len(ts) > 0 {
		r = "[r:" + strings.Join(ts, "|") + "]"
	}
	switch d {
	case pg.Out:
		return "-" + r + "->", true
	case pg.In:
		return "<-" + r + "-", true
	}
	return "-" + r + "-", true
}

// typePattern renders the types a walk follows (pg.WalkTypes) as a Cypher
// type alternation, "LEADS|TARGETS"; the types come from the vocabulary
// only. Empty: no type asked for can be traversed.
func typePattern(types []pg.RelType) string { return joinTypes(pg.WalkTypes(types)) }

func joinTypes(ts []pg.RelType) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString(string(t))
	}
	return b.String()
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

// Neighborhood walks breadth first in one statement: each level keeps the
// lowest new IDs that still fit under the limit, walks on from the entities
// that are not hubs, and the edges are found from the kept entities that
// are not hubs; those between two hubs, from all hubs' outgoing or all
// their incoming relationships, whichever are fewer. No step but the first
// costs a hub's whole degree.
func (s *Store) Neighborhood(ctx context.Context, q pg.NeighborhoodQuery) (pg.Subgraph, error) {
	types := typePattern(q.Types)
	if types == "" || q.Depth < 1 {
		return s.lonely(ctx, q.Center, types)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = math.MaxInt32 // no limit, as in the contract
	}
	degree := func(x string) string { return "COUNT { (" + x + ")-[:" + types + "]-() }" }
	var b strings.Builder
	b.WriteString(`MATCH (c:Entity {id: $center})
WITH c, [c] AS kept, [0] AS depths, [c] AS frontier, false AS truncated
`)
	for d := 1; d <= q.Depth; d++ {
		fmt.Fprintf(&b, `CALL (kept, frontier) {
  UNWIND frontier AS a
  MATCH (a)%s(b:Entity) WHERE NOT b IN kept
  WITH DISTINCT b ORDER BY b.id LIMIT $limit
  RETURN collect(b) AS next
}
WITH c, kept, depths, truncated, next, $limit - size(kept) AS room
WITH c, kept + next[0..room] AS kept, depths + [x IN next[0..room] | %d] AS depths,
  truncated OR size(next) > room AS truncated, next[0..room] AS layer
WITH c, kept, depths, truncated,
  CASE WHEN truncated THEN [] ELSE [x IN layer WHERE %s <= $hub] END AS frontier
`, arrow(types, q.Direction), d, degree("x"))
	}
	// Each kept entity's degree, read once: it marks the hubs and is
	// returned with the node.
	fmt.Fprintf(&b, `WITH kept, depths, truncated, [x IN kept | %[2]s] AS degrees
WITH kept, depths, truncated, degrees, [i IN range(0, size(kept) - 1) WHERE degrees[i] > $hub | kept[i]] AS hubs
CALL (hubs) {
  UNWIND hubs AS x
  RETURN sum(COUNT { (x)-[:%[1]s]->() }) AS hubOut, sum(COUNT { (x)<-[:%[1]s]-() }) AS hubIn
}
CALL (kept, hubs, hubOut, hubIn) {
  CALL (kept, hubs, hubOut, hubIn) {
    UNWIND kept AS a
    WITH a WHERE NOT a IN hubs
    MATCH (a)-[r:%[1]s]-(b) WHERE b IN kept
    RETURN r
    UNION
    UNWIND hubs AS a
    WITH a WHERE hubOut <= hubIn
    MATCH (a)-[r:%[1]s]->(b) WHERE b IN hubs
    RETURN r
    UNION
    UNWIND hubs AS b
    WITH b WHERE hubOut > hubIn
    MATCH (a)-[r:%[1]s]->(b) WHERE a IN hubs
    RETURN r
  }
  WITH r ORDER BY r.id
  RETURN collect(r %[3]s) AS edges
}
CALL (kept, depths, degrees) {
  UNWIND range(0, size(kept) - 1) AS i
  WITH kept[i] AS x, depths[i] AS d, degrees[i] AS degree
  RETURN collect({n: x {.*}, depth: d, degree: degree}) AS nodes
}
RETURN truncated, nodes, edges`,
		types, degree("x"), fmt.Sprintf(relProjection, "r"))
	recs, err := s.read(ctx, b.String(), map[string]any{"center": q.Center, "limit": limit, "hub": q.HubLimit()})
	if err != nil {
		return pg.Subgraph{}, fmt.Errorf("neighborhood of %q: %w", q.Center, err)
	}
	if len(recs) == 0 {
		return pg.Subgraph{}, fmt.Errorf("neighborhood of %q: %w", q.Center, pg.ErrNotFound)
	}
	m := recs[0].AsMap()
	var dec decoder
	sg := pg.Subgraph{Truncated: dec.bool(m["truncated"], "truncated"), Edges: []pg.Relationship{}}
	for _, v := range dec.list(m["nodes"], "nodes") {
		n := dec.fields(v, "node")
		sg.Nodes = append(sg.Nodes, pg.SubgraphNode{Entity: dec.entity(n["n"], "node entity"),
			Depth: dec.int(n["depth"], "depth"), Degree: dec.int(n["degree"], "degree")})
	}
	for _, v := range dec.list(m["edges"], "edges") {
		sg.Edges = append(sg.Edges, dec.relationship(v, "edge"))
	}
	if dec.err != nil {
		return pg.Subgraph{}, fmt.Errorf("neighborhood of %q: %w", q.Center, dec.err)
	}
	sg.CountHidden()
	return sg, nil
}

// lonely is the neighbourhood that walks nowhere: the centre alone.
func (s *Store) lonely(ctx context.Context, center, types string) (pg.Subgraph, error) {
	degree := "0"
	if types != "" {
		degree = "COUNT { (c)-[:" + types + "]-() }"
	}
	recs, err := s.read(ctx, "MATCH (c:Entity {id: $center}) RETURN c {.*} AS c, "+degree+" AS degree",
		map[string]any{"center": center})
	if err != nil {
		return pg.Subgraph{}, fmt.Errorf("neighborhood of %q: %w", center, err)
	}
	if len(recs) == 0 {
		return pg.Subgraph{}, fmt.Errorf("neighborhood of %q: %w", center, pg.ErrNotFound)
	}
	m := recs[0].AsMap()
	var dec decoder
	sg := pg.Subgraph{Edges: []pg.Relationship{},
		Nodes: []pg.SubgraphNode{{Entity: dec.entity(m["c"], "centre"), Degree: dec.int(m["degree"], "degree")}}}
	if dec.err != nil {
		return pg.Subgraph{}, fmt.Errorf("neighborhood of %q: %w", center, dec.err)
	}
	sg.CountHidden()
	return sg, nil
}

// ShortestPath asks Neo4j for every shortest path and keeps the first in
// path order, so the choice among equal paths is the in-memory store's.
func (s *Store) ShortestPath(ctx context.Context, q pg.PathQuery) (*pg.Path, error) {
	// Only through entities: a staged load's nodes have no labels yet.
	paths, err := s.paths(ctx, q, `MATCH p = allShortestPaths((a)-[:%s*..%d]-(b))
  WHERE all(x IN nodes(p) WHERE x:Entity)`, 1)
	if err != nil || len(paths) == 0 {
		return nil, err
	}
	return &paths[0], nil
}

// Paths enumerates simple paths up to q.MaxHops and keeps the first n in
// path order.
func (s *Store) Paths(ctx context.Context, q pg.PathQuery, n int) ([]pg.Path, error) {
	return s.paths(ctx, q, `MATCH p = (a)-[:%s*1..%d]-(b)
  WHERE all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
    AND all(x IN nodes(p) WHERE x:Entity)`, n)
}

// paths finds both ends and the first n paths of match between them in one
// statement, ordered there by the contract's path order (length, node IDs,
// relationship IDs).
func (s *Store) paths(ctx context.Context, q pg.PathQuery, match string, n int) ([]pg.Path, error) {
	types := typePattern(q.Types)
	walk := q.From != q.To && types != "" && q.MaxHops >= 1 && n >= 1
	find := "[] AS paths"
	if walk {
		find = `paths`
		match = fmt.Sprintf(match, types, q.MaxHops)
	}
	stmt := `OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
`
	if walk {
		stmt += `CALL (a, b) {
  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL
  ` + match + `
  WITH p ORDER BY length(p), [x IN nodes(p) | x.id], [x IN relationships(p) | x.id] LIMIT $n
  RETURN collect({nodes: [x IN nodes(p) | x {.*}], edges: [x IN relationships(p) | x ` + fmt.Sprintf(relProjection, "x") + `]}) AS paths
}
`
	}
	stmt += "RETURN a {.*} AS a, b {.*} AS b, " + find
	recs, err := s.read(ctx, stmt, map[string]any{"from": q.From, "to": q.To, "n": n})
	if err != nil {
		return nil, fmt.Errorf("paths from %q to %q: %w", q.From, q.To, err)
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("paths from %q to %q: %d records", q.From, q.To, len(recs))
	}
	m := recs[0].AsMap()
	a, b := decodeEntity(m["a"]), decodeEntity(m["b"])
	switch {
	case a == nil:
		return nil, fmt.Errorf("path endpoint %q: %w", q.From, pg.ErrNotFound)
	case b == nil:
		return nil, fmt.Errorf("path endpoint %q: %w", q.To, pg.ErrNotFound)
	case q.From == q.To:
		return []pg.Path{{Nodes: []*pg.Entity{a}}}, nil
	}
	var out []pg.Path
	var dec decoder
	for _, v := range dec.list(m["paths"], "paths") {
		pm := dec.fields(v, "path")
		var p pg.Path
		for _, x := range dec.list(pm["nodes"], "path nodes") {
			p.Nodes = append(p.Nodes, dec.entity(x, "path node"))
		}
		for _, x := range dec.list(pm["edges"], "path edges") {
			p.Edges = append(p.Edges, dec.relationship(x, "path edge"))
		}
		out = append(out, p)
	}
	if dec.err != nil {
		return nil, fmt.Errorf("paths from %q to %q: %w", q.From, q.To, dec.err)
	}
	return out, nil
}

// Timeline gathers, orders and limits the dated relationships and policies
// in one statement, in the contract's order (dateSort is the floor of the
// date). An entity's timeline starts from its ID; the whole graph's reads
// the dated relationships of each type and the policy date index.
func (s *Store) Timeline(ctx context.Context, q pg.TimelineQuery) ([]pg.Event, error) {
	types := timelineTypes(q.Types)
	params := map[string]any{"id": q.Entity, "limit": math.MaxInt32}
	if q.Limit > 0 {
		params["limit"] = q.Limit
	}
	inRange := func(x string) string {
		c := x + ".dateSort IS NOT NULL"
		if q.From != "" {
			c += " AND " + x + ".dateSort >= $from"
			params["from"] = q.From.Floor()
		}
		if q.To != "" {
			c += " AND " + x + ".dateSort <= $to"
			params["to"] = q.To.Ceil()
		}
		return c
	}
	policyCond := func(x string) string {
		c := inRange(x)
		if len(q.PolicyTypes) > 0 {
			c += " AND " + x + ".type IN $ptypes"
			params["ptypes"] = q.PolicyTypes
		}
		return c
	}
	rel := "x " + fmt.Sprintf(relProjection, "x") + " AS m, 1 AS k, x.id AS id, x.dateSort AS d"
	policy := "x {.*} AS m, 0 AS k, x.id AS id, x.dateSort AS d"
	var branches []string
	head, scope, found := "", "()", "true"
	if q.Entity == "" {
		if types != "" {
			branches = append(branches, "MATCH (a)-[x:"+types+"]->(b) WHERE "+committed("a")+" AND "+committed("b")+" AND "+inRange("x")+" RETURN "+rel)
		}
		branches = append(branches, "MATCH (x:Policy) WHERE "+policyCond("x")+" RETURN "+policy)
	} else {
		head, scope, found = "OPTIONAL MATCH (e:Entity {id: $id})\n", "(e)", "e IS NOT NULL"
		if types != "" {
			branches = append(branches, "MATCH (e)-[x:"+types+"]-(o) WHERE "+committed("o")+" AND "+inRange("x")+" RETURN DISTINCT "+rel)
		}
		// The entity itself when it is a policy, and the policies it is
		// related to in any traversable way.
		branches = append(branches,
			"MATCH (e)-[:"+typePattern(nil)+"]-(x:Policy) WHERE "+policyCond("x")+" RETURN DISTINCT "+policy,
			"WITH e AS x WHERE x:Policy AND "+policyCond("x")+" RETURN "+policy)
	}
	// Aggregating inside the outer subquery keeps its one row when
	// nothing is dated, so found tells an unknown entity apart.
	stmt := head + "CALL " + scope + " {\n  CALL " + scope + " {\n    " + strings.Join(branches, "\n    UNION\n    ") + `
  }
  WITH m, k, id, d ORDER BY d, k, id LIMIT $limit
  RETURN collect(m) AS events, collect(k) AS kinds
}
RETURN ` + found + " AS found, events, kinds"
	recs, err := s.read(ctx, stmt, params)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	var dec decoder
	if q.Entity != "" && (len(recs) == 0 || !dec.bool(recs[0].AsMap()["found"], "found")) {
		if dec.err != nil {
			return nil, fmt.Errorf("timeline: %w", dec.err)
		}
		return nil, fmt.Errorf("timeline of %q: %w", q.Entity, pg.ErrNotFound)
	}
	var events []pg.Event
	for _, rec := range recs {
		m := rec.AsMap()
		kinds := dec.list(m["kinds"], "kinds")
		for i, v := range dec.list(m["events"], "events") {
			if dec.int(dec.at(kinds, i, "kinds"), "kind") == 0 {
				p := dec.entity(v, "policy event")
				events = append(events, pg.Event{Date: p.When(), Policy: p})
			} else {
				r := dec.relationship(v, "relationship event")
				events = append(events, pg.Event{Date: r.When(), Relationship: &r})
			}
		}
	}
	if dec.err != nil {
		return nil, fmt.Errorf("timeline: %w", dec.err)
	}
	return events, nil
}

// committed is the condition that x is an entity or a source: the nodes of
// a staged load have no labels until it commits.
func committed(x string) string { return "(" + x + ":Entity OR " + x + ":Source)" }

// timelineTypes renders the relationship types a timeline includes
// (pg.TimelineTypes).
func timelineTypes(types []pg.RelType) string { return joinTypes(pg.TimelineTypes(types)) }

// Stats counts from Neo4j's count store: one lookup per label and type.
// A staged load's relationships touch a :_Staged node until it commits, so
// while there are staged nodes a second statement takes those out of the
// totals (both ends staged counted once). The second statement is run only
// then: its 72 branches take seconds to plan the first time on a loaded
// machine, longer than a request may wait.
func (s *Store) Stats(ctx context.Context) (pg.Stats, error) {
	parts := []string{
		"MATCH (n:Source) RETURN 'node' AS what, 'Source' AS name, count(n) AS n",
		"MATCH (n:_Staged) RETURN 'staged' AS what, '' AS name, count(n) AS n",
	}
	for _, k := range pg.Kinds {
		parts = append(parts, fmt.Sprintf("MATCH (n:%s) RETURN 'node' AS what, '%s' AS name, count(n) AS n", k, k))
	}
	var staged []string
	for _, t := range pg.RelTypes() {
		parts = append(parts, fmt.Sprintf("MATCH ()-[r:%s]->() RETURN 'rel' AS what, '%s' AS name, count(r) AS n", t, t))
		staged = append(staged,
			fmt.Sprintf("MATCH (:_Staged)-[r:%s]->() RETURN 'rel' AS what, '%s' AS name, -count(r) AS n", t, t),
			fmt.Sprintf("MATCH ()-[r:%s]->(:_Staged) RETURN 'rel' AS what, '%s' AS name, -count(r) AS n", t, t),
			fmt.Sprintf("MATCH (:_Staged)-[r:%s]->(:_Staged) RETURN 'rel' AS what, '%s' AS name, count(r) AS n", t, t))
	}
	recs, err := s.read(ctx, strings.Join(parts, "\nUNION ALL\n"), nil)
	if err != nil {
		return pg.Stats{}, fmt.Errorf("stats: %w", err)
	}
	for _, rec := range recs {
		if what, _ := rec.Get("what"); what == "staged" {
			if n, _ := rec.Get("n"); n != int64(0) {
				more, err := s.read(ctx, strings.Join(staged, "\nUNION ALL\n"), nil)
				if err != nil {
					return pg.Stats{}, fmt.Errorf("stats: %w", err)
				}
				recs = append(recs, more...)
			}
			break
		}
	}
	st := pg.NewStats()
	var dec decoder
	for _, rec := range recs {
		m := rec.AsMap()
		n := dec.int(m["n"], "n")
		switch name := dec.str(m["name"], "name"); {
		case m["what"] == "staged":
		case m["what"] == "rel":
			st.Relationships[pg.RelType(name)] += n
		case name == pg.SourceLabel:
			st.Sources = n
		default:
			st.Nodes[pg.Kind(name)] = n
		}
	}
	if dec.err != nil {
		return pg.Stats{}, fmt.Errorf("stats: %w", dec.err)
	}
	return st, nil
}
