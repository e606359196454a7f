package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	pg "github.com/policygraph/policygraph"
)

// Graph layout in Neo4j:
//
//   - an entity is a node labelled Entity and its kind (Person, …) with id,
//     kind, name, aliases, description, type, status, date, start, end,
//     rate, count; evidence as the parallel lists evidenceSources and
//     evidenceQuotes; search, its normalized names for the full-text index;
//     and dateSort, the floor of its date for ordering timelines;
//   - a source is a node labelled Source;
//   - a relationship has its vocabulary type and id, key, the optional
//     properties, evidence as above, and dateSort;
//   - createdBy on nodes and relationships names the load that created
//     them, which is what a rollback removes.
//
// Labels and relationship types are spliced into Cypher only from the
// vocabulary; every value is a parameter.

// Names of the schema objects that queries rely on.
const (
	searchIndex = "entity_search"
)

// schema is the idempotent set-up of constraints and indexes.
func schema() []string {
	stmts := []string{
		"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
		"CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE",
		// Names and aliases, folded by policygraph.Normalize before they are
		// stored, so the whitespace analyzer splits exactly the tokens that
		// the in-memory store matches: case and accents never matter.
		"CREATE FULLTEXT INDEX " + searchIndex + " IF NOT EXISTS FOR (n:Entity) ON EACH [n.search] " +
			"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
		"CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)",
		"CREATE INDEX policy_type IF NOT EXISTS FOR (n:Policy) ON (n.type)",
		"CREATE INDEX policy_status IF NOT EXISTS FOR (n:Policy) ON (n.status)",
		"CREATE INDEX policy_date IF NOT EXISTS FOR (n:Policy) ON (n.dateSort)",
		"CREATE INDEX organization_type IF NOT EXISTS FOR (n:Organization) ON (n.type)",
		"CREATE INDEX backup_target IF NOT EXISTS FOR (b:_Backup) ON (b._load, b._target)",
		// What a staged load has not committed (see staged.go).
		"CREATE INDEX staged_id IF NOT EXISTS FOR (n:_Staged) ON (n.id)",
		"CREATE INDEX shadow_target IF NOT EXISTS FOR (n:_Shadow) ON (n._load, n._target)",
	}
	for _, k := range pg.Kinds {
		name := strings.ToLower(string(k))
		stmts = append(stmts, fmt.Sprintf("CREATE CONSTRAINT %s_id IF NOT EXISTS FOR (n:%s) REQUIRE n.id IS UNIQUE", name, k))
		// Lists of one kind are read in name order from these.
		stmts = append(stmts, fmt.Sprintf("CREATE INDEX %s_name IF NOT EXISTS FOR (n:%s) ON (n.name)", name, k))
	}
	return stmts
}

// EnsureSchema creates the constraints and indexes and waits until they are
// online.
func (s *Store) EnsureSchema(ctx context.Context) error {
	return s.createSchema(ctx, 300*time.Second)
}

// createSchema is EnsureSchema waiting up to wait for the indexes, which
// take long to populate on a graph that is already there (an import).
func (s *Store) createSchema(ctx context.Context, wait time.Duration) error {
	for _, stmt := range schema() {
		s.trips.Add(1)
		_, err := neo4jdrv.ExecuteQuery(ctx, s.driver, stmt, nil, neo4jdrv.EagerResultTransformer,
			neo4jdrv.ExecuteQueryWithDatabase(s.db), neo4jdrv.ExecuteQueryWithWritersRouting())
		if err != nil {
			return fmt.Errorf("schema %q: %w", stmt, classify(err))
		}
	}
	_, err := neo4jdrv.ExecuteQuery(ctx, s.driver, "CALL db.awaitIndexes($secs)",
		map[string]any{"secs": int64(max(wait.Seconds(), 1))}, neo4jdrv.EagerResultTransformer,
		neo4jdrv.ExecuteQueryWithDatabase(s.db), neo4jdrv.ExecuteQueryWithWritersRouting())
	if err != nil {
		return fmt.Errorf("await indexes: %w", classify(err))
	}
	return nil
}

// runner is what both managed and explicit transactions offer.
type runner interface {
	Run(ctx context.Context, cypher string, params map[string]any) (neo4jdrv.ResultWithContext, error)
}

// writeBatch writes one batch through tx: one UNWIND statement per source
// set, entity kind and relationship type present.
func (s *Store) writeBatch(ctx context.Context, tx runner, loadID string, b pg.Batch) (pg.WriteCounts, error) {
	var c pg.WriteCounts
	run := func(cypher string, rows []map[string]any, node bool) error {
		if len(rows) == 0 {
			return nil
		}
		s.trips.Add(1)
		res, err := tx.Run(ctx, cypher, map[string]any{"rows": rows, "load": loadID})
		if err != nil {
			return classify(err)
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			return classify(err)
		}
		if node {
			n := sum.Counters().NodesCreated()
			c.NodesCreated += n
			c.NodesUpdated += len(rows) - n
		} else {
			n := sum.Counters().RelationshipsCreated()
			c.RelationshipsCreated += n
			c.RelationshipsUpdated += len(rows) - n
		}
		return nil
	}
	if err := run(sourceCypher, sourceRows(b.Sources), true); err != nil {
		return c, fmt.Errorf("write sources: %w", err)
	}
	// Records that do not exist yet are created outright from properties
	// computed in Go; only the others take the merging statements.
	ids := make([]string, len(b.Entities))
	for i, e := range b.Entities {
		ids[i] = e.ID
	}
	have, err := s.existing(ctx, tx, "UNWIND $ids AS id MATCH (:Entity {id: id}) RETURN id", map[string]any{"ids": ids})
	if err != nil {
		return c, fmt.Errorf("look up entities: %w", err)
	}
	for _, k := range pg.Kinds {
		var fresh, old []*pg.Entity
		for _, e := range b.Entities {
			switch {
			case e.Kind != k:
			case have[e.ID]:
				old = append(old, e)
			default:
				fresh = append(fresh, e)
			}
		}
		if err := run(createEntityCypher(k), newEntityRows(fresh, loadID), true); err != nil {
			return c, fmt.Errorf("create %s entities: %w", k, err)
		}
		if err := run(entityCypher(k), entityRows(old, k), true); err != nil {
			return c, fmt.Errorf("write %s entities: %w", k, err)
		}
	}
	for _, spec := range pg.Vocabulary {
		rows := relRows(b.Relationships, spec.Type)
		if len(rows) == 0 {
			continue
		}
		from, to := endpointLabels(spec)
		// Both ends bound first: Neo4j then looks from the end with fewer
		// relationships rather than walk a hub's.
		have, err := s.existing(ctx, tx, fmt.Sprintf(`UNWIND $rows AS row
MATCH (a:%s {id: row.from})
MATCH (c:%s {id: row.to})
WITH row, a, c
MATCH (a)-[r:%s {id: row.id}]->(c) RETURN row.id AS id`, from, to, spec.Type),
			map[string]any{"rows": rows})
		if err != nil {
			return c, fmt.Errorf("look up %s relationships: %w", spec.Type, err)
		}
		var fresh, old []*pg.Relationship
		for _, r := range b.Relationships {
			switch {
			case r.Type != spec.Type:
			case have[r.ID]:
				old = append(old, r)
			default:
				fresh = append(fresh, r)
			}
		}
		if err := run(createRelCypher(spec), newRelRows(fresh, loadID), false); err != nil {
			return c, fmt.Errorf("create %s relationships: %w", spec.Type, err)
		}
		if err := run(relCypher(spec), relRows(old, spec.Type), false); err != nil {
			return c, fmt.Errorf("write %s relationships: %w", spec.Type, err)
		}
	}
	return c, nil
}

// writePrefix keeps write plans cached: on a small graph every load shifts
// the statistics enough to make Neo4j plan each statement again (~250 ms).
const writePrefix = "CYPHER replan=skip\n"

const sourceCypher = writePrefix + `UNWIND $rows AS row
MERGE (x:Source {id: row.id})
ON CREATE SET x.createdBy = $load
` + sourceBody

// sourceBody merges row into the source x.
const sourceBody = `SET x.title = coalesce(row.title, x.title), x.publisher = coalesce(row.publisher, x.publisher),
    x.published = coalesce(row.published, x.published), x.url = coalesce(row.url, x.url)`

// mergeEvidence unites the evidence lists of x with row.evidence, a list of
// [source, quote] pairs, keeping the order first seen, and sets dateSort to
// the floor of when, the Cypher of Entity.When or Relationship.When.
func mergeEvidence(when string) string {
	return strings.ReplaceAll(`
WITH x, row, [i IN range(0, size(coalesce(x.evidenceSources, [])) - 1) | [x.evidenceSources[i], x.evidenceQuotes[i]]] AS old
WITH x, row, reduce(acc = old, e IN row.evidence | CASE WHEN e IN acc THEN acc ELSE acc + [e] END) AS ev
SET x.evidenceSources = [e IN ev | e[0]], x.evidenceQuotes = [e IN ev | e[1]],
    x.dateSort = CASE size(coalesce({when}, ''))
      WHEN 0 THEN null WHEN 4 THEN {when} + '-01-01' WHEN 7 THEN {when} + '-01' ELSE {when} END`, "{when}", when)
}

// The Cypher of Entity.When and Relationship.When.
const (
	entityWhen = "coalesce(x.date, x.start)"
	relWhen    = "coalesce(x.date, x.start, x.end)"
)

func entityCypher(k pg.Kind) string {
	return writePrefix + fmt.Sprintf(`UNWIND $rows AS row
MERGE (x:Entity {id: row.id})
ON CREATE SET x:%s, x.kind = row.kind, x.createdBy = $load
`, k) + entityBody()
}

// entityBody merges row into the entity x.
func entityBody() string {
	return `SET x.name = row.name, x.description = coalesce(row.description, x.description),
    x.type = coalesce(row.type, x.type), x.status = coalesce(row.status, x.status),
    x.date = coalesce(row.date, x.date), x.start = coalesce(row.start, x.start),
    x.end = coalesce(row.end, x.end), x.rate = coalesce(row.rate, x.rate), x.count = coalesce(row.count, x.count)
SET x.aliases = reduce(acc = [], a IN coalesce(x.aliases, []) + row.aliases | CASE WHEN a = x.name OR a IN acc THEN acc ELSE acc + a END),
    x.searchNames = reduce(acc = coalesce(x.searchNames, []), a IN row.search | CASE WHEN a IN acc THEN acc ELSE acc + a END)
SET x.search = reduce(s = '', a IN x.searchNames | s + a + '\n')` + mergeEvidence(entityWhen)
}

func relCypher(spec pg.RelSpec) string {
	from, to := endpointLabels(spec)
	return writePrefix + fmt.Sprintf(`UNWIND $rows AS row
MATCH (a:%s {id: row.from})
MATCH (b:%s {id: row.to})
MERGE (a)-[x:%s {id: row.id}]->(b)
ON CREATE SET x.createdBy = $load, x.key = row.key
`, from, to, spec.Type) + relBody()
}

// relBody merges row into the relationship x (or a shadow node of one).
func relBody() string {
	return `SET x.role = coalesce(row.role, x.role), x.allegation = coalesce(row.allegation, x.allegation),
    x.rank = coalesce(row.rank, x.rank), x.count = coalesce(row.count, x.count), x.rate = coalesce(row.rate, x.rate),
    x.status = coalesce(row.status, x.status), x.date = coalesce(row.date, x.date),
    x.start = coalesce(row.start, x.start), x.end = coalesce(row.end, x.end)` + mergeEvidence(relWhen)
}

// existing runs a query returning an id column and collects the ids.
func (s *Store) existing(ctx context.Context, tx runner, cypher string, params map[string]any) (map[string]bool, error) {
	s.trips.Add(1)
	res, err := tx.Run(ctx, writePrefix+cypher, params)
	if err != nil {
		return nil, classify(err)
	}
	have := map[string]bool{}
	var dec decoder
	for res.Next(ctx) {
		id, _ := res.Record().Get("id")
		have[dec.str(id, "id")] = true
	}
	if dec.err != nil {
		return nil, dec.err
	}
	return have, classify(res.Err())
}

func createEntityCypher(k pg.Kind) string {
	return writePrefix + fmt.Sprintf("UNWIND $rows AS row CREATE (x:%s:%s) SET x = row", pg.EntityLabel, k)
}

func createRelCypher(spec pg.RelSpec) string {
	from, to := endpointLabels(spec)
	return writePrefix + fmt.Sprintf(`UNWIND $rows AS row
MATCH (a:%s {id: row.from})
MATCH (b:%s {id: row.to})
CREATE (a)-[x:%s]->(b) SET x = row.props`, from, to, spec.Type)
}

// newEntityRows holds every property of entities that are not stored yet,
// computed as the merging statement would compute them.
func newEntityRows(es []*pg.Entity, loadID string) []map[string]any {
	rows := make([]map[string]any, 0, len(es))
	for _, e := range es {
		var search []string
		for _, n := range e.Names() {
			if f := pg.Normalize(n); f != "" && !slices.Contains(search, f) {
				search = append(search, f)
			}
		}
		row := map[string]any{"id": e.ID, "kind": string(e.Kind), "name": e.Name, "createdBy": loadID,
			"aliases": orEmpty(pg.MergeAliases(e.Name, nil, e.Aliases)), "searchNames": search,
			"search": strings.Join(search, "\n") + "\n"}
		setProps(row, e.Description, e.Type, e.Status, e.Date, e.Start, e.End, e.Rate, e.Count, e.Evidence, e.When())
		rows = append(rows, row)
	}
	return rows
}

// newRelRows is newEntityRows for relationships.
func newRelRows(rs []*pg.Relationship, loadID string) []map[string]any {
	rows := make([]map[string]any, 0, len(rs))
	for _, r := range rs {
		props := map[string]any{"id": r.ID, "createdBy": loadID}
		if r.Rank != nil {
			props["rank"] = *r.Rank
		}
		for _, kv := range [][2]string{{"key", r.Key}, {"role", r.Role}, {"allegation", r.Allegation}} {
			if kv[1] != "" {
				props[kv[0]] = kv[1]
			}
		}
		setProps(props, "", "", r.Status, r.Date, r.Start, r.End, r.Rate, r.Count, r.Evidence, r.When())
		rows = append(rows, map[string]any{"from": r.From, "to": r.To, "props": props})
	}
	return rows
}

// setProps adds the properties that entities and relationships share,
// leaving out what is not set.
func setProps(m map[string]any, description, typ, status string, date, start, end pg.Date,
	rate *float64, count *int64, evs []pg.Evidence, when pg.Date) {
	for _, kv := range [][2]string{{"description", description}, {"type", typ}, {"status", status},
		{"date", string(date)}, {"start", string(start)}, {"end", string(end)}, {"dateSort", when.Floor()}} {
		if kv[1] != "" {
			m[kv[0]] = kv[1]
		}
	}
	if rate != nil {
		m["rate"] = *rate
	}
	if count != nil {
		m["count"] = *count
	}
	evs = pg.MergeEvidence(nil, evs)
	srcs, quotes := make([]string, len(evs)), make([]string, len(evs))
	for i, ev := range evs {
		srcs[i], quotes[i] = ev.Source, ev.Quote
	}
	m["evidenceSources"], m["evidenceQuotes"] = srcs, quotes
}

func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// orNil turns an empty value into nil, so that coalesce keeps what is
// stored.
func orNil[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

// deref is *p, or nil (no property) for a nil p.
func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func evidenceRows(evs []pg.Evidence) [][]string {
	out := make([][]string, len(evs))
	for i, ev := range evs {
		out[i] = []string{ev.Source, ev.Quote}
	}
	return out
}

func sourceRows(ss []*pg.Source) []map[string]any {
	rows := make([]map[string]any, len(ss))
	for i, src := range ss {
		rows[i] = map[string]any{"id": src.ID, "title": orNil(src.Title), "publisher": orNil(src.Publisher),
			"published": orNil(string(src.Published)), "url": orNil(src.URL)}
	}
	return rows
}

func entityRows(es []*pg.Entity, k pg.Kind) []map[string]any {
	var rows []map[string]any
	for _, e := range es {
		if e.Kind != k {
			continue
		}
		search := make([]string, 0, 1+len(e.Aliases))
		for _, n := range e.Names() {
			if f := pg.Normalize(n); f != "" {
				search = append(search, f)
			}
		}
		aliases := e.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		rows = append(rows, map[string]any{
			"id": e.ID, "kind": string(e.Kind), "name": e.Name, "aliases": aliases, "search": search,
			"description": orNil(e.Description), "type": orNil(e.Type), "status": orNil(e.Status),
			"date": orNil(string(e.Date)), "start": orNil(string(e.Start)), "end": orNil(string(e.End)),
			"rate": deref(e.Rate), "count": deref(e.Count), "evidence": evidenceRows(e.Evidence),
		})
	}
	return rows
}

func relRows(rs []*pg.Relationship, t pg.RelType) []map[string]any {
	var rows []map[string]any
	for _, r := range rs {
		if r.Type != t {
			continue
		}
		rows = append(rows, map[string]any{
			"id": r.ID, "from": r.From, "to": r.To, "key": orNil(r.Key),
			"role": orNil(r.Role), "allegation": orNil(r.Allegation),
			"rank": deref(r.Rank), "count": deref(r.Count), "rate": deref(r.Rate),
			"status": orNil(r.Status), "date": orNil(string(r.Date)), "start": orNil(string(r.Start)),
			"end": orNil(string(r.End)), "evidence": evidenceRows(r.Evidence),
		})
	}
	return rows
}

// WriteAtomic writes a whole load in one managed write transaction, which
// ends by checking that the lease is still held and deleting its record,
// so that the load commits only under its lease and never leaves a record
// that recovery could mistake for an unfinished load. The driver retries
// fill on transient errors, so fill must be repeatable.
func (s *Store) WriteAtomic(ctx context.Context, pl pg.Lease, fill func(ctx context.Context, write func(pg.Batch) error) error) (pg.WriteCounts, error) {
	l, err := asLease(pl)
	if err != nil {
		return pg.WriteCounts{}, err
	}
	sess := s.session(ctx)
	defer closeSession(ctx, sess)
	counts, err := neo4jdrv.ExecuteWrite(ctx, sess, func(tx neo4jdrv.ManagedTransaction) (pg.WriteCounts, error) {
		var total pg.WriteCounts
		err := fill(ctx, func(b pg.Batch) error {
			c, err := s.writeBatch(ctx, tx, l.id, b)
			total.Add(c)
			return err
		})
		if err != nil {
			return total, err
		}
		l.mu.Lock()
		l.finishing = true
		l.mu.Unlock()
		if err := held(ctx, tx, l, "done"); err != nil {
			return total, err
		}
		s.trips.Add(1)
		res, err := tx.Run(ctx, "MATCH (l:_Load {token: $token}) DELETE l", map[string]any{"token": l.token})
		if err == nil {
			_, err = res.Consume(ctx)
		}
		return total, err
	})
	if err != nil {
		return pg.WriteCounts{}, classify(err)
	}
	return counts, nil
}

// Existing maps the IDs that are stored to their kind, or "Source". It
// asks the writer: the load that follows merges with what the writer
// holds.
func (s *Store) Existing(ctx context.Context, ids []string) (map[string]string, error) {
	found := map[string]string{}
	for start := 0; start < len(ids); start += 10000 {
		chunk := ids[start:min(start+10000, len(ids))]
		recs, err := s.readWriter(ctx, `UNWIND $ids AS id
CALL (id) {
  MATCH (n:Entity {id: id}) RETURN n.kind AS kind
  UNION
  MATCH (n:Source {id: id}) RETURN 'Source' AS kind
}
RETURN id, kind`, map[string]any{"ids": chunk})
		if err != nil {
			return nil, fmt.Errorf("look up ids: %w", err)
		}
		var dec decoder
		for _, r := range recs {
			id, _ := r.Get("id")
			kind, _ := r.Get("kind")
			found[dec.str(id, "id")] = dec.str(kind, "kind")
		}
		if dec.err != nil {
			return nil, fmt.Errorf("look up ids: %w", dec.err)
		}
	}
	return found, nil
}
