package neo4j

import (
	"context"
	"fmt"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	pg "github.com/policygraph/policygraph"
)

// A staged load commits batch by batch, so it can be larger than one
// transaction may hold, and stays all or nothing in this way:
//
//   - a :_Load node records that the load is under way, so a load cut off
//     (say, Neo4j went down) is found and undone by the next RecoverLoads;
//   - what the load creates carries createdBy = its ID;
//   - before the load changes a node or relationship that existed, it keeps
//     a copy of its properties in a :_Backup node;
//   - Rollback deletes what the load created and restores the copies;
//     Commit deletes the copies and the :_Load node.
//
// Readers see a staged load's batches as they commit: it is atomic in
// outcome, not isolated while it runs.
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
	defer sess.Close(context.WithoutCancel(ctx))
	_, err := neo4jdrv.ExecuteWrite(ctx, sess, func(tx neo4jdrv.ManagedTransaction) (struct{}, error) { return struct{}{}, f(tx) })
	return classify(err)
}

// Write backs up what the batch will change and writes it, in one
// transaction.
func (l *stagedLoad) Write(ctx context.Context, b pg.Batch) (pg.WriteCounts, error) {
	sess := l.s.session(ctx)
	defer sess.Close(context.WithoutCancel(ctx))
	c, err := neo4jdrv.ExecuteWrite(ctx, sess, func(tx neo4jdrv.ManagedTransaction) (pg.WriteCounts, error) {
		if err := held(ctx, tx, l.lease, ""); err != nil {
			return pg.WriteCounts{}, err
		}
		if err := l.backup(ctx, tx, b); err != nil {
			return pg.WriteCounts{}, err
		}
		return l.s.writeBatch(ctx, tx, l.id, b)
	})
	if err != nil {
		return pg.WriteCounts{}, classify(err)
	}
	return c, nil
}

const backupNodes = `UNWIND $ids AS id
MATCH (n:%s {id: id}) WHERE n.createdBy <> $load
  AND NOT EXISTS { MATCH (:_Backup {_load: $load, _target: id}) }
CREATE (b:_Backup) SET b = properties(n)
SET b._load = $load, b._target = id, b._kind = $kind`

// backupRels binds both ends before the relationship, so that Neo4j checks
// for it from the end with fewer relationships (hubs have millions), and
// skips rows with an end this load created: such a relationship cannot
// predate the load.
const backupRels = `UNWIND $rows AS row
MATCH (a:%[1]s {id: row.from}) WHERE coalesce(a.createdBy, '') <> $load
MATCH (c:%[2]s {id: row.to}) WHERE coalesce(c.createdBy, '') <> $load
WITH row, a, c
MATCH (a)-[r:%[3]s {id: row.id}]->(c) WHERE r.createdBy <> $load
  AND NOT EXISTS { MATCH (:_Backup {_load: $load, _target: row.id}) }
CREATE (b:_Backup) SET b = properties(r)
SET b._load = $load, b._target = row.id, b._kind = 'rel', b._type = $type, b._from = row.from, b._to = row.to`

func (l *stagedLoad) backup(ctx context.Context, tx runner, b pg.Batch) error {
	run := func(cypher string, params map[string]any) error {
		l.s.trips.Add(1)
		params["load"] = l.id
		res, err := tx.Run(ctx, cypher, params)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		return err
	}
	if len(b.Sources) > 0 {
		ids := make([]string, len(b.Sources))
		for i, s := range b.Sources {
			ids[i] = s.ID
		}
		if err := run(fmt.Sprintf(backupNodes, pg.SourceLabel), map[string]any{"ids": ids, "kind": "source"}); err != nil {
			return fmt.Errorf("back up sources: %w", err)
		}
	}
	if len(b.Entities) > 0 {
		ids := make([]string, len(b.Entities))
		for i, e := range b.Entities {
			ids[i] = e.ID
		}
		if err := run(fmt.Sprintf(backupNodes, pg.EntityLabel), map[string]any{"ids": ids, "kind": "entity"}); err != nil {
			return fmt.Errorf("back up entities: %w", err)
		}
	}
	for _, spec := range pg.Vocabulary {
		rows := relRows(b.Relationships, spec.Type)
		if len(rows) == 0 {
			continue
		}
		from, to := endpointLabels(spec)
		cypher := fmt.Sprintf(backupRels, from, to, spec.Type)
		if err := run(cypher, map[string]any{"rows": rows, "type": string(spec.Type)}); err != nil {
			return fmt.Errorf("back up %s relationships: %w", spec.Type, err)
		}
	}
	return nil
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

// Commit verifies, in the transaction that marks the load committing,
// that it still holds its lease; from then on the load is final, and
// dropping its backups and record is what RecoverLoads finishes if the
// loader is cut off.
func (l *stagedLoad) Commit(ctx context.Context) error {
	if err := l.s.inTx(ctx, func(tx neo4jdrv.ManagedTransaction) error { return held(ctx, tx, l.lease, "committing") }); err != nil {
		return fmt.Errorf("commit load %s: %w", l.id, err)
	}
	if err := l.s.finish(ctx, l.id); err != nil {
		return fmt.Errorf("%w: %w", pg.ErrCommitUnfinished, err)
	}
	return nil
}

// Rollback undoes the load, if it still holds its lease: a load whose
// lease was taken over is the new holder's to recover, and undoing it here
// as well could overwrite what the new holder writes next.
func (l *stagedLoad) Rollback(ctx context.Context) error {
	if err := l.s.inTx(ctx, func(tx neo4jdrv.ManagedTransaction) error { return held(ctx, tx, l.lease, "") }); err != nil {
		return fmt.Errorf("roll back load %s: %w", l.id, err)
	}
	return l.s.rollback(ctx, l.id)
}

func (s *Store) rollback(ctx context.Context, id string) error {
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
	return s.finish(ctx, id)
}

// finish drops a load's backups and its record.
func (s *Store) finish(ctx context.Context, id string) error {
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
	recs, err := s.read(ctx, `MATCH (l:_Load) WHERE coalesce(l.token, '') <> $token AND NOT coalesce(l.expires > datetime(), false)
RETURN l.id AS id, coalesce(l.owner, '') AS owner, l.state = 'committing' AS committing ORDER BY l.started`,
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
		if rl.Committed {
			err = s.finish(ctx, rl.ID)
		} else {
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
	defer sess.Close(context.WithoutCancel(ctx))
	res, err := sess.Run(ctx, cypher, params)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	return classify(err)
}
