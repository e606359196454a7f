package policygraph

import (
	"context"
	"errors"
	"fmt"
	"time"
)

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
//
// Loads exclude each other through a lease: a load first takes the
// database's one load lease ([LoadTarget.Acquire]), which names its owner
// and expires unless its holder keeps renewing it, and writes only while
// it holds it. A lease that expired belongs to a load that died; the next
// holder recovers that load ([LoadTarget.RecoverLoads]).
type LoadTarget interface {
	// EnsureSchema creates the constraints and indexes, idempotently.
	EnsureSchema(ctx context.Context) error

	// Existing maps those of the IDs that are already stored to their
	// kind, or to "Source" for a source. Records of a staged load that has
	// not committed are not stored yet.
	Existing(ctx context.Context, ids []string) (map[string]string, error)

	// Acquire takes the load lease for loadID and keeps renewing it until
	// the lease is released. While another load holds a live lease it
	// fails at once with a *[LoadBusyError] naming that load.
	Acquire(ctx context.Context, loadID string) (Lease, error)

	// RecoverLoads finishes the loads whose lease expired, such as one cut
	// off when the database or the loader went down: a load cut off while
	// writing is rolled back, one cut off while committing is committed.
	// The caller holds lease; loads with a live lease are never touched.
	RecoverLoads(ctx context.Context, lease Lease) ([]RecoveredLoad, error)

	// WriteAtomic writes a load in one transaction: fill calls write for
	// each batch, and nothing is kept unless fill returns nil. fill may be
	// called again when the database asks for a retry. The transaction
	// commits only if lease is still held, and releases it.
	WriteAtomic(ctx context.Context, lease Lease, fill func(ctx context.Context, write func(Batch) error) error) (WriteCounts, error)

	// BeginStaged starts a load too large for one transaction, under
	// lease: each batch commits on its own, invisible to readers until
	// Commit, and Rollback undoes the whole load.
	BeginStaged(ctx context.Context, lease Lease) (StagedLoad, error)
}

// Lease is a load's hold on the database's load lease.
type Lease interface {
	// LoadID is the load that holds the lease.
	LoadID() string
	// Expires is when the lease runs out unless it is renewed again.
	Expires() time.Time
	// Release ends the renewal and gives the lease up. A load that left
	// something to recover keeps its record, which expires at once, so
	// that the next load or `policygraph load --recover` finishes it.
	Release(ctx context.Context) error
}

// LoadBusyError says that another load holds a live lease.
type LoadBusyError struct {
	LoadID  string    // the load that holds the lease
	Owner   string    // host/pid of the process that runs it
	State   string    // what it is doing: idle, writing, committing
	Started time.Time // when it took the lease
	Expires time.Time // when its lease runs out unless renewed
}

func (e *LoadBusyError) Error() string {
	return fmt.Sprintf("load %s (%s, started %s, %s) holds the load lease until %s",
		e.LoadID, e.Owner, e.Started.UTC().Format(time.RFC3339), e.State, e.Expires.UTC().Format(time.RFC3339))
}

// ErrLeaseLost means a load no longer holds its lease: it expired and
// another process took it over, so the load must not commit.
var ErrLeaseLost = errors.New("the load lease was lost")

// RecoveredLoad is a load that RecoverLoads finished.
type RecoveredLoad struct {
	ID        string
	Owner     string // the process that ran it
	Committed bool   // true: it was cut off while committing and is now committed; false: rolled back
}

// StagedLoad is a load in progress that commits batch by batch.
type StagedLoad interface {
	Write(ctx context.Context, b Batch) (WriteCounts, error)
	// Commit makes the load final, provided its lease is still held. Once
	// Commit has begun to apply the load, a failure leaves the load
	// committed but unfinished ([ErrCommitUnfinished]): recovery finishes
	// it, Rollback must not be called.
	Commit(ctx context.Context) error
	// Rollback removes what the load staged. What existed before the load
	// was never changed.
	Rollback(ctx context.Context) error
}

// ErrCommitUnfinished means a staged load is committed but not yet wholly
// applied: readers may see part of it until RecoverLoads finishes it.
var ErrCommitUnfinished = errors.New("the load is committed but not wholly applied")
