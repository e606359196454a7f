package policygraph

import "context"

// Batch is a slice of a load, written in one round trip per record kind.
// It holds each ID at most once: rows of one statement do not see each
// other's writes, so the loader merges repeats before it writes.
type Batch struct {
	Sources       []*Source
	Entities      []*Entity
	Relationships []*Relationship
}

// Len is how many records the batch holds.
func (b *Batch) Len() int { return len(b.Sources) + len(b.Entities) + len(b.Relationships) }

// WriteCounts tells what a write did: records that did not exist were
// created; the rest merged into what was there.
type WriteCounts struct {
	NodesCreated         int
	NodesUpdated         int
	RelationshipsCreated int
	RelationshipsUpdated int
}

// Add adds o to c.
func (c *WriteCounts) Add(o WriteCounts) {
	c.NodesCreated += o.NodesCreated
	c.NodesUpdated += o.NodesUpdated
	c.RelationshipsCreated += o.RelationshipsCreated
	c.RelationshipsUpdated += o.RelationshipsUpdated
}

// LoadTarget is a database that loads write to, all or nothing. Records
// merge by ID: aliases and evidence are united and set fields replace old
// ones, as [Dataset.Add] in package dataset does in memory.
type LoadTarget interface {
	// EnsureSchema creates the constraints and indexes, idempotently.
	EnsureSchema(ctx context.Context) error

	// Existing maps those of the IDs that are already stored to their
	// kind, or to "Source" for a source.
	Existing(ctx context.Context, ids []string) (map[string]string, error)

	// RecoverLoads rolls back staged loads that never finished, such as one
	// cut off when the database went down, and returns their IDs.
	RecoverLoads(ctx context.Context) ([]string, error)

	// WriteAtomic writes a load in one transaction: fill calls write for
	// each batch, and nothing is kept unless fill returns nil. fill may be
	// called again when the database asks for a retry.
	WriteAtomic(ctx context.Context, loadID string, fill func(ctx context.Context, write func(Batch) error) error) (WriteCounts, error)

	// BeginStaged starts a load too large for one transaction: each batch
	// commits on its own, and Rollback undoes the whole load.
	BeginStaged(ctx context.Context, loadID string) (StagedLoad, error)
}

// StagedLoad is a load in progress that commits batch by batch.
type StagedLoad interface {
	Write(ctx context.Context, b Batch) (WriteCounts, error)
	// Commit makes the load final.
	Commit(ctx context.Context) error
	// Rollback removes what the load created and restores what it changed.
	Rollback(ctx context.Context) error
}
