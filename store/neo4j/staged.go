package neo4j

import (
	"context"
	"fmt"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	pg "github.com/policygraph/policygraph"
)

// A staged load commits batch by batch, so it can be larger than one
// transaction may hold, and stays all or nothing, and invisible to readers
// until it commits, in this way:
//
//   - its :_Load node is its lease (see lease.go) and records that it is
//     under way, so a load cut off is found and finished by RecoverLoads;
//   - a node it creates is written as :_Staged, without its Entity, kind or
//     Source label, which _label keeps (createdBy = the load's ID);
//   - a node or relationship that existed is never changed while the load
//     writes: the first batch that changes it copies its properties into
//     a :_Shadow node (_load, _target = its ID, and _label, or _type,
//     _from and _to), and every batch merges into the copy;
//   - a relationship it creates between two nodes that existed is written
//     as a :_Shadow with _new = true; one with an end it created is written
//     as a relationship, which a staged end keeps out of every read that
//     anchors both ends on their labels;
//   - Commit checks the lease and marks the load committing in one
//     transaction; then it applies the load in short idempotent steps:
//     shadows of nodes overwrite their nodes, staged nodes take their
//     labels, shadows of relationships overwrite theirs or become new
//     ones. A commit cut off is finished by RecoverLoads, not undone;
//   - Rollback deletes the staged nodes (with their relationships) and the
//     shadows: nothing that existed was touched, so nothing is restored.
//
// Readers see nothing of a staged load until it commits; while the commit
// applies it they may see part of it.
type stagedLoad struct {
	s     *Store
	id    string
	lease *lease
}

// BeginStaged registers a staged load under its lease.
func (s *Store) BeginStaged(ctx context.Context, pl pg.Lease) (pg.StagedLoad, error) {
	l, err := asLease(pl)
	if err != nil {
		return nil, err
	}
	if err := s.inTx(ctx, func(tx neo4jdrv.ManagedTransaction) error { return held(ctx, tx, l, "writing") }); err != nil {
		return nil, fmt.Errorf("begin load %s: %w", l.id, err)
	}
	return &stagedLoad{s: s, id: l.id, lease: l}, nil
}

// inTx runs f in a managed write transaction.
func (s *Store) inTx(ctx context.Context, f func(tx neo4jdrv.ManagedTransaction) error) error {
	s.trips.Add(1)
	sess := s.session(ctx)
	defer closeSession(ctx, sess)
	_, err := neo4jdrv.ExecuteWrite(ctx, sess, func(tx neo4jdrv.ManagedTransaction) (struct{}, error) { return struct{}{}, f(tx) })
	return classify(err)
}

// Write stages a batch in one transaction, provided the lease is held.
func (l *stagedLoad) Write(ctx context.Context, b pg.Batch) (pg.WriteCounts, error) {
	sess := l.s.session(ctx)
	defer closeSession(ctx, sess)
	c, err := neo4jdrv.ExecuteWrite(ctx, sess, func(tx neo4jdrv.ManagedTransaction) (pg.WriteCounts, error) {
		if err := held(ctx, tx, l.lease, ""); err != nil {
			return pg.WriteCounts{}, err
		}
		return l.write(ctx, tx, b)
	})
	if err != nil {
		return pg.WriteCounts{}, classify(err)
	}
	return c, nil
}

// flags tell where a record of a batch is: stored (for a relationship,
// storedEnds: both its ends are), staged by this load, shadowed by it;
// exists says a relationship is there, stored or staged.
type flags struct{ shadowed, staged, stored, storedEnds, exists bool }

// places runs a classifying query returning id and the flags' columns.
func (l *stagedLoad) places(ctx context.Context, tx runner, cypher string, params map[string]any) (map[string]flags, error) {
	l.s.trips.Add(1)
	params["load"] = l.id
	res, err := tx.Run(ctx, writePrefix+cypher, params)
	if err != nil {
		return nil, classify(err)
	}
	out := map[string]flags{}
	for res.Next(ctx) {
		r := res.Record().AsMap()
		id, _ := r["id"].(string)
		out[id] = flags{shadowed: r["shadowed"] == true, staged: r["staged"] == true, stored: r["stored"] == true,
			storedEnds: r["storedEnds"] == true, exists: r["present"] == true}
	}
	return out, classify(res.Err())
}

// Classifying Cypher: which ids are stored, staged by this load, or
// shadowed by it.
const placeNodes = `UNWIND $ids AS id
RETURN id, EXISTS { MATCH (s:_Shadow {_load: $load, _target: id}) USING INDEX s:_Shadow(_load, _target) } AS shadowed,
  EXISTS { MATCH (n:_Staged {id: id}) USING INDEX n:_Staged(id) WHERE n.createdBy = $load } AS staged,
  EXISTS { MATCH (:%s {id: id}) } AS stored`

const shadowNodes = `UNWIND $ids AS id
MATCH (n:%[1]s {id: id})
CREATE (x:_Shadow) SET x = properties(n), x._load = $load, x._target = id, x._label = '%[1]s'`

const intoShadow = "UNWIND $rows AS row\nMATCH (x:_Shadow {_load: $load, _target: row.id}) USING INDEX x:_Shadow(_load, _target)\n"

const intoStaged = "UNWIND $rows AS row\nMATCH (x:_Staged {id: row.id}) USING INDEX x:_Staged(id) WHERE x.createdBy = $load\n"

// stagedEnds binds a and c to the ends of each row: the stored node, or
// else the one this load staged. Lookups of staging nodes name their index:
// a planner that picked another (every node of the load has the same
// createdBy) would scan them all for each row.
const stagedEnds = `UNWIND $rows AS row
OPTIONAL MATCH (ra:%[1]s {id: row.from})
OPTIONAL MATCH (sa:_Staged {id: row.from}) USING INDEX sa:_Staged(id) WHERE sa.createdBy = $load
WITH row, ra, coalesce(ra, sa) AS a
OPTIONAL MATCH (rc:%[2]s {id: row.to})
OPTIONAL MATCH (sc:_Staged {id: row.to}) USING INDEX sc:_Staged(id) WHERE sc.createdBy = $load
WITH row, ra, rc, a, coalesce(rc, sc) AS c
`

const placeRels = `
RETURN row.id AS id, EXISTS { MATCH (s:_Shadow {_load: $load, _target: row.id}) USING INDEX s:_Shadow(_load, _target) } AS shadowed,
  ra IS NOT NULL AND rc IS NOT NULL AS storedEnds,
  a IS NOT NULL AND c IS NOT NULL AND EXISTS { MATCH (a)-[:%s {id: row.id}]->(c) } AS present`

const shadowRels = `UNWIND $rows AS row
MATCH (a:%[1]s {id: row.from})
MATCH (c:%[2]s {id: row.to})
WITH row, a, c
MATCH (a)-[r:%[3]s {id: row.id}]->(c)
CREATE (x:_Shadow) SET x = properties(r), x._load = $load, x._target = row.id, x._type = '%[3]s',
  x._from = row.from, x._to = row.to, x._new = false`

const newRelShadows = `UNWIND $rows AS row
CREATE (x:_Shadow) SET x = row.props, x._load = $load, x._target = row.props.id, x._type = '%s',
  x._from = row.from, x._to = row.to, x._new = true`

// write stages b through tx.
func (l *stagedLoad) write(ctx context.Context, tx runner, b pg.Batch) (pg.WriteCounts, error) {
	var c pg.WriteCounts
	run := func(cypher string, params map[string]any) error {
		l.s.trips.Add(1)
		params["load"] = l.id
		res, err := tx.Run(ctx, writePrefix+cypher, params)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		return classify(err)
	}
	places := func(cypher string, params map[string]any) (map[string]flags, error) {
		return l.places(ctx, tx, cypher, params)
	}

	// nodes stages one label's worth of rows: merges into shadows and
	// staged nodes, and creates the fresh ones with create.
	nodes := func(label string, ids []string, rows []map[string]any, body string, create func(fresh []int) error) error {
		found, err := places(fmt.Sprintf(placeNodes, label), map[string]any{"ids": ids})
		if err != nil {
			return err
		}
		var toShadow []string
		var intoSh, intoSt []map[string]any
		var freshRows []int
		for i, id := range ids {
			f := found[id]
			switch {
			case f.shadowed:
				intoSh = append(intoSh, rows[i])
			case f.staged:
				intoSt = append(intoSt, rows[i])
			case f.stored:
				toShadow = append(toShadow, id)
				intoSh = append(intoSh, rows[i])
			default:
				freshRows = append(freshRows, i)
			}
		}
		if len(toShadow) > 0 {
			if err := run(fmt.Sprintf(shadowNodes, label), map[string]any{"ids": toShadow}); err != nil {
				return fmt.Errorf("shadow: %w", err)
			}
		}
		for _, m := range []struct {
			head string
			rows []map[string]any
		}{{intoShadow, intoSh}, {intoStaged, intoSt}} {
			if len(m.rows) > 0 {
				if err := run(m.head+body, map[string]any{"rows": m.rows}); err != nil {
					return fmt.Errorf("merge: %w", err)
				}
			}
		}
		c.NodesCreated += len(freshRows)
		c.NodesUpdated += len(ids) - len(freshRows)
		if len(freshRows) == 0 {
			return nil
		}
		return create(freshRows)
	}

	if len(b.Sources) > 0 {
		rows := sourceRows(b.Sources)
		ids := make([]string, len(b.Sources))
		for i, src := range b.Sources {
			ids[i] = src.ID
		}
		err := nodes(pg.SourceLabel, ids, rows, sourceBody, func(fresh []int) error {
			create := make([]map[string]any, len(fresh))
			for j, i := range fresh {
				create[j] = rows[i]
			}
			return run("UNWIND $rows AS row CREATE (x:_Staged) SET x = row, x.createdBy = $load, x._label = '"+pg.SourceLabel+"'",
				map[string]any{"rows": create})
		})
		if err != nil {
			return c, fmt.Errorf("stage sources: %w", err)
		}
	}
	for _, k := range pg.Kinds {
		var es []*pg.Entity
		for _, e := range b.Entities {
			if e.Kind == k {
				es = append(es, e)
			}
		}
		if len(es) == 0 {
			continue
		}
		ids := make([]string, len(es))
		for i, e := range es {
			ids[i] = e.ID
		}
		err := nodes(pg.EntityLabel, ids, entityRows(es, k), entityBody(), func(fresh []int) error {
			create := make([]*pg.Entity, len(fresh))
			for j, i := range fresh {
				create[j] = es[i]
			}
			return run("UNWIND $rows AS row CREATE (x:_Staged) SET x = row, x._label = row.kind",
				map[string]any{"rows": newEntityRows(create, l.id)})
		})
		if err != nil {
			return c, fmt.Errorf("stage %s entities: %w", k, err)
		}
	}

	for _, spec := range pg.Vocabulary {
		var rs []*pg.Relationship
		for _, r := range b.Relationships {
			if r.Type == spec.Type {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			continue
		}
		if err := l.rels(ctx, tx, spec, rs, run, &c); err != nil {
			return c, fmt.Errorf("stage %s relationships: %w", spec.Type, err)
		}
	}
	return c, nil
}

// endpointLabels returns the labels of a type's start and end nodes.
func endpointLabels(spec pg.RelSpec) (from, to string) {
	from, to = pg.EntityLabel, pg.EntityLabel
	if spec.FromSource {
		from = pg.SourceLabel
	}
	if spec.ToSource {
		to = pg.SourceLabel
	}
	return from, to
}

// rels stages one type's relationships.
func (l *stagedLoad) rels(ctx context.Context, tx runner, spec pg.RelSpec, rs []*pg.Relationship,
	run func(string, map[string]any) error, c *pg.WriteCounts) error {
	from, to := endpointLabels(spec)
	rows := relRows(rs, spec.Type)
	ends := fmt.Sprintf(stagedEnds, from, to)
	found, err := l.places(ctx, tx, ends+fmt.Sprintf(placeRels, spec.Type), map[string]any{"rows": rows})
	if err != nil {
		return err
	}
	var toShadow, intoSh, inPlace []map[string]any
	var newShadow, newRel []*pg.Relationship
	for i, r := range rs {
		f := found[r.ID]
		switch {
		case f.shadowed:
			intoSh = append(intoSh, rows[i])
		case f.exists && f.storedEnds:
			toShadow = append(toShadow, rows[i])
			intoSh = append(intoSh, rows[i])
		case f.exists:
			inPlace = append(inPlace, rows[i])
		case f.storedEnds:
			newShadow = append(newShadow, r)
		default:
			newRel = append(newRel, r)
		}
	}
	steps := []struct {
		what, cypher string
		rows         []map[string]any
	}{
		{"shadow", fmt.Sprintf(shadowRels, from, to, spec.Type), toShadow},
		{"merge into shadows", intoShadow + relBody(), intoSh},
		{"merge", ends + fmt.Sprintf("MATCH (a)-[x:%s {id: row.id}]->(c)\n", spec.Type) + relBody(), inPlace},
		{"create shadows", fmt.Sprintf(newRelShadows, spec.Type), newRelRows(newShadow, l.id)},
		{"create", ends + fmt.Sprintf("CREATE (a)-[x:%s]->(c) SET x = row.props", spec.Type), newRelRows(newRel, l.id)},
	}
	for _, st := range steps {
		if len(st.rows) == 0 {
			continue
		}
		if err := run(st.cypher, map[string]any{"rows": st.rows}); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	created := len(newShadow) + len(newRel)
	c.RelationshipsCreated += created
	c.RelationshipsUpdated += len(rs) - created
	return nil
}

// Commit checks, in the transaction that marks the load committing, that
// it still holds its lease; from then on the load is final, and applying
// it is what RecoverLoads finishes if the loader is cut off.
func (l *stagedLoad) Commit(ctx context.Context) error {
	if err := l.s.inTx(ctx, func(tx neo4jdrv.ManagedTransaction) error { return held(ctx, tx, l.lease, "committing") }); err != nil {
		return fmt.Errorf("commit load %s: %w", l.id, err)
	}
	if err := l.s.apply(ctx, l.id); err != nil {
		return fmt.Errorf("commit load %s: %w: %w", l.id, pg.ErrCommitUnfinished, err)
	}
	return nil
}

// Rollback undoes the load, if it still holds its lease: a load whose
// lease was taken over is the new holder's to recover.
func (l *stagedLoad) Rollback(ctx context.Context) error {
	if err := l.s.inTx(ctx, func(tx neo4jdrv.ManagedTransaction) error { return held(ctx, tx, l.lease, "") }); err != nil {
		return fmt.Errorf("roll back load %s: %w", l.id, err)
	}
	return l.s.rollback(ctx, l.id)
}

// apply makes a committing load visible. Each step works in transactions
// of its own and drops what it applied in the same one, so a step cut off
// is resumed where it stopped.
func (s *Store) apply(ctx context.Context, id string) error {
	var steps []string
	for _, label := range []string{pg.SourceLabel, pg.EntityLabel} {
		steps = append(steps, fmt.Sprintf(`MATCH (x:_Shadow {_load: $load, _label: '%[1]s'})
CALL { WITH x MATCH (n:%[1]s {id: x._target}) SET n = properties(x) REMOVE n._load, n._target, n._label DELETE x }
IN TRANSACTIONS OF 10000 ROWS`, label))
	}
	steps = append(steps, `MATCH (n:_Staged {_label: 'Source'}) WHERE n.createdBy = $load
CALL { WITH n SET n:Source REMOVE n:_Staged, n._label } IN TRANSACTIONS OF 10000 ROWS`)
	for _, k := range pg.Kinds {
		steps = append(steps, fmt.Sprintf(`MATCH (n:_Staged {_label: '%[1]s'}) WHERE n.createdBy = $load
CALL { WITH n SET n:%[2]s:%[1]s REMOVE n:_Staged, n._label } IN TRANSACTIONS OF 10000 ROWS`, k, pg.EntityLabel))
	}
	const unshadow = "REMOVE r._load, r._target, r._type, r._from, r._to, r._new DELETE x"
	for _, spec := range pg.Vocabulary {
		from, to := endpointLabels(spec)
		steps = append(steps,
			fmt.Sprintf(`MATCH (x:_Shadow {_load: $load, _type: '%[3]s', _new: false})
CALL { WITH x MATCH (a:%[1]s {id: x._from}) MATCH (c:%[2]s {id: x._to}) WITH x, a, c
  MATCH (a)-[r:%[3]s {id: x._target}]->(c) SET r = properties(x) %[4]s } IN TRANSACTIONS OF 10000 ROWS`, from, to, spec.Type, unshadow),
			fmt.Sprintf(`MATCH (x:_Shadow {_load: $load, _type: '%[3]s', _new: true})
CALL { WITH x MATCH (a:%[1]s {id: x._from}) MATCH (c:%[2]s {id: x._to})
  CREATE (a)-[r:%[3]s]->(c) SET r = properties(x) %[4]s } IN TRANSACTIONS OF 10000 ROWS`, from, to, spec.Type, unshadow))
	}
	steps = append(steps,
		`MATCH (x:_Shadow {_load: $load}) CALL { WITH x DELETE x } IN TRANSACTIONS OF 10000 ROWS`,
		`MATCH (l:_Load {id: $load}) DELETE l`)
	for _, q := range steps {
		if err := s.exec(ctx, q, map[string]any{"load": id}); err != nil {
			return fmt.Errorf("apply load %s: %w", id, err)
		}
	}
	return nil
}

// rollback deletes what a load staged and its record.
func (s *Store) rollback(ctx context.Context, id string) error {
	for _, q := range []string{
		`MATCH (n:_Staged) WHERE n.createdBy = $load CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`,
		`MATCH (x:_Shadow {_load: $load}) CALL { WITH x DELETE x } IN TRANSACTIONS OF 10000 ROWS`,
		`MATCH (l:_Load {id: $load}) DELETE l`,
	} {
		if err := s.exec(ctx, q, map[string]any{"load": id}); err != nil {
			return fmt.Errorf("roll back load %s: %w", id, err)
		}
	}
	return nil
}

// rollbackLegacy undoes a load of the layout before leases, which wrote
// in place and kept :_Backup copies, so that a database left by an older
// loader is still recovered.
func (s *Store) rollbackLegacy(ctx context.Context, id string) error {
	p := map[string]any{"load": id}
	steps := []string{
		// What the load created goes, relationships first so that nodes
		// that existed before keep none of its edges.
		`MATCH ()-[r]->() WHERE r.createdBy = $load CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS`,
		`MATCH (n:Entity) WHERE n.createdBy = $load CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`,
		`MATCH (n:Source) WHERE n.createdBy = $load CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`,
		// What it changed gets its old properties back.
		`MATCH (b:_Backup {_load: $load, _kind: 'entity'}) MATCH (n:Entity {id: b._target})
		 CALL { WITH b, n SET n = properties(b) REMOVE n._load, n._target, n._kind } IN TRANSACTIONS OF 10000 ROWS`,
		`MATCH (b:_Backup {_load: $load, _kind: 'source'}) MATCH (n:Source {id: b._target})
		 CALL { WITH b, n SET n = properties(b) REMOVE n._load, n._target, n._kind } IN TRANSACTIONS OF 10000 ROWS`,
	}
	for _, spec := range pg.Vocabulary {
		from, to := endpointLabels(spec)
		steps = append(steps, fmt.Sprintf(`MATCH (b:_Backup {_load: $load, _kind: 'rel', _type: '%s'})
		 MATCH (:%s {id: b._from})-[r:%s {id: b._target}]->(:%s {id: b._to})
		 CALL { WITH b, r SET r = properties(b) REMOVE r._load, r._target, r._kind, r._type, r._from, r._to } IN TRANSACTIONS OF 10000 ROWS`,
			spec.Type, from, spec.Type, to))
	}
	for _, q := range steps {
		if err := s.exec(ctx, q, p); err != nil {
			return fmt.Errorf("roll back load %s: %w", id, err)
		}
	}
	return s.finishLegacy(ctx, id)
}

// finishLegacy drops a legacy load's backups and its record.
func (s *Store) finishLegacy(ctx context.Context, id string) error {
	p := map[string]any{"load": id}
	for _, q := range []string{
		`MATCH (b:_Backup {_load: $load}) CALL { WITH b DELETE b } IN TRANSACTIONS OF 10000 ROWS`,
		`MATCH (l:_Load {id: $load}) DELETE l`,
	} {
		if err := s.exec(ctx, q, p); err != nil {
			return fmt.Errorf("finish load %s: %w", id, err)
		}
	}
	return nil
}

// RecoverLoads finishes every load whose lease expired: one that was
// committing is committed, any other rolled back. A record without an
// expiry predates leases and counts as expired.
func (s *Store) RecoverLoads(ctx context.Context, pl pg.Lease) ([]pg.RecoveredLoad, error) {
	l, err := asLease(pl)
	if err != nil {
		return nil, err
	}
	recs, err := s.readWriter(ctx, `MATCH (l:_Load) WHERE coalesce(l.token, '') <> $token AND NOT coalesce(l.expires > datetime(), false)
RETURN l.id AS id, coalesce(l.owner, '') AS owner, l.state = 'committing' AS committing,
  l.token IS NULL AS legacy ORDER BY l.started`,
		map[string]any{"token": l.token})
	if err != nil {
		return nil, fmt.Errorf("find unfinished loads: %w", err)
	}
	var out []pg.RecoveredLoad
	for _, r := range recs {
		var rl pg.RecoveredLoad
		id, _ := r.Get("id")
		own, _ := r.Get("owner")
		c, _ := r.Get("committing")
		rl.ID, _ = id.(string)
		rl.Owner, _ = own.(string)
		rl.Committed = c == true
		legacy, _ := r.Get("legacy")
		switch {
		case legacy == true:
			err = s.rollbackLegacy(ctx, rl.ID)
		case rl.Committed:
			err = s.apply(ctx, rl.ID)
		default:
			err = s.rollback(ctx, rl.ID)
		}
		if err != nil {
			return out, err
		}
		out = append(out, rl)
	}
	return out, nil
}

// exec runs a statement in an auto-commit transaction, which CALL … IN
// TRANSACTIONS requires.
func (s *Store) exec(ctx context.Context, cypher string, params map[string]any) error {
	s.trips.Add(1)
	sess := s.session(ctx)
	defer closeSession(ctx, sess)
	res, err := sess.Run(ctx, cypher, params)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	return classify(err)
}
