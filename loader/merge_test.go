package loader_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/loader"
)

// memTarget is a LoadTarget held in maps, which merges what it is given by
// the rules of package dataset (the rules the Neo4j store's Cypher keeps,
// as the Neo4j tests of this package check). With it the loader's own part
// of merging (repeats within a batch, batches across files and loads, the
// MENTIONS it derives) is tested without a database.
type memTarget struct {
	mu       sync.Mutex
	sources  map[string]pg.Source
	entities map[string]pg.Entity
	rels     map[string]pg.Relationship
	batches  []pg.Batch
}

func newMemTarget() *memTarget {
	return &memTarget{sources: map[string]pg.Source{}, entities: map[string]pg.Entity{}, rels: map[string]pg.Relationship{}}
}

func (m *memTarget) EnsureSchema(context.Context) error { return nil }

func (m *memTarget) Existing(_ context.Context, ids []string) (map[string]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]string{}
	for _, id := range ids {
		if e, ok := m.entities[id]; ok {
			out[id] = string(e.Kind)
		} else if _, ok := m.sources[id]; ok {
			out[id] = pg.SourceLabel
		}
	}
	return out, nil
}

type memLease struct{ id string }

func (l memLease) LoadID() string                { return l.id }
func (l memLease) Expires() time.Time            { return time.Now().Add(time.Minute) }
func (l memLease) Release(context.Context) error { return nil }

func (m *memTarget) Acquire(_ context.Context, id string) (pg.Lease, error) { return memLease{id}, nil }

func (m *memTarget) RecoverLoads(context.Context, pg.Lease) ([]pg.RecoveredLoad, error) {
	return nil, nil
}

func (m *memTarget) WriteAtomic(ctx context.Context, _ pg.Lease, fill func(context.Context, func(pg.Batch) error) error) (pg.WriteCounts, error) {
	var c pg.WriteCounts
	err := fill(ctx, func(b pg.Batch) error {
		c.Add(m.write(b))
		return nil
	})
	return c, err
}

func (m *memTarget) BeginStaged(context.Context, pg.Lease) (pg.StagedLoad, error) {
	return memStage{m}, nil
}

type memStage struct{ m *memTarget }

func (s memStage) Write(_ context.Context, b pg.Batch) (pg.WriteCounts, error) {
	return s.m.write(b), nil
}
func (s memStage) Commit(context.Context) error   { return nil }
func (s memStage) Rollback(context.Context) error { return nil }

// write merges one batch, which must hold each ID once (LoadTarget's rule).
func (m *memTarget) write(b pg.Batch) pg.WriteCounts {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.batches = append(m.batches, b)
	var c pg.WriteCounts
	for _, src := range b.Sources {
		count(upsert(m.sources, src.ID, *src, dataset.MergeSource), &c.NodesCreated, &c.NodesUpdated)
	}
	for _, e := range b.Entities {
		count(upsert(m.entities, e.ID, *e, dataset.MergeEntity), &c.NodesCreated, &c.NodesUpdated)
	}
	for _, r := range b.Relationships {
		count(upsert(m.rels, r.ID, *r, dataset.MergeRelationship), &c.RelationshipsCreated, &c.RelationshipsUpdated)
	}
	return c
}

// upsert stores v under id, merged into what is there; found tells which.
func upsert[T any](m map[string]T, id string, v T, merge func(old, new T) T) (found bool) {
	old, found := m[id]
	if found {
		v = merge(old, v)
	}
	m[id] = v
	return found
}

func count(found bool, created, updated *int) {
	if found {
		*updated++
	} else {
		*created++
	}
}

// TestMergeRulesWithoutNeo4j is TestSecondSourceMergesIntoExistingEntities
// on memTarget: the same files, counts and merged fields.
func TestMergeRulesWithoutNeo4j(t *testing.T) {
	ctx := context.Background()
	m := newMemTarget()
	if _, err := loader.Load(ctx, m, []dataset.File{write(t, "a.yaml", sourceA)}, loader.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := loader.Load(ctx, m, []dataset.File{write(t, "b.yaml", sourceB)}, loader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (pg.WriteCounts{NodesCreated: 2, NodesUpdated: 1, RelationshipsCreated: 2, RelationshipsUpdated: 1}); res.Counts != want {
		t.Errorf("counts = %+v, want %+v", res.Counts, want)
	}
	checkMerged(t, m)
}

// TestMergeWithinOneLoad: the two files in one load, in batches of every
// size from one record to all of them, give the same merged records, and
// no batch holds an ID twice.
func TestMergeWithinOneLoad(t *testing.T) {
	ctx := context.Background()
	files := []dataset.File{write(t, "a.yaml", sourceA), write(t, "b.yaml", sourceB)}
	for _, size := range []int{1, 2, 3, 1000} {
		m := newMemTarget()
		if _, err := loader.Load(ctx, m, files, loader.Options{BatchSize: size}); err != nil {
			t.Fatal(err)
		}
		checkMerged(t, m)
		for i, b := range m.batches {
			var ids []string
			for _, s := range b.Sources {
				ids = append(ids, s.ID)
			}
			for _, e := range b.Entities {
				ids = append(ids, e.ID)
			}
			for _, r := range b.Relationships {
				ids = append(ids, r.ID)
			}
			slices.Sort(ids)
			if len(slices.Compact(ids)) != b.Len() {
				t.Errorf("batch size %d: batch %d holds an ID twice: %v", size, i, ids)
			}
		}
	}
	// Staged: the same, batch by batch.
	m := newMemTarget()
	if _, err := loader.Load(ctx, m, files, loader.Options{BatchSize: 2, AtomicLimit: 1}); err != nil {
		t.Fatal(err)
	}
	checkMerged(t, m)
}

// checkMerged holds the merged person/x and its LEADS to what both files
// say together: aliases and evidence united in order, set fields kept or
// replaced.
func checkMerged(t *testing.T, m *memTarget) {
	t.Helper()
	x := m.entities["person/x"]
	if !slices.Equal(x.Aliases, []string{"Mr. X", "President Xavier"}) || x.Description != "Leader of Ysland." ||
		!slices.Equal(x.Evidence, []pg.Evidence{{Source: "source/a", Quote: "Mr. X spoke"}, {Source: "source/b", Quote: "President Xavier"}}) {
		t.Errorf("person/x = %+v", x)
	}
	r := m.rels[pg.RelationshipID("person/x", pg.Leads, "country/y", "")]
	if r.Role != "President" || r.Start != "2024" || !slices.Equal(r.Evidence, []pg.Evidence{
		{Source: "source/a", Quote: "Mr. X leads Ysland"}, {Source: "source/b", Quote: "Xavier has led Ysland since 2024"}}) {
		t.Errorf("LEADS = %+v", r)
	}
	if _, ok := m.rels[pg.RelationshipID("source/b", pg.Mentions, "person/x", "")]; !ok {
		t.Errorf("no MENTIONS from source/b of person/x, derived from its evidence")
	}
	if len(m.sources) != 2 || len(m.entities) != 3 || len(m.rels) != 4 {
		t.Errorf("%d sources, %d entities, %d relationships; want 2, 3, 4", len(m.sources), len(m.entities), len(m.rels))
	}
}
