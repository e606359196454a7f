package neo4j

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	pg "github.com/policygraph/policygraph"
)

// Store is policygraph's store on Neo4j. It answers the read queries of
// [pg.Store] in read sessions, which a cluster routes to readers, and
// writes loads as a [pg.LoadTarget] in write sessions only, which go to
// the writer. Every session names the one database the store was made
// with, so the same store runs unchanged against a cluster or Aura, and
// nothing a request carries can point it at another database.
type Store struct {
	driver neo4jdrv.DriverWithContext
	db     string
	owned  bool         // Close closes the driver
	trips  atomic.Int64 // Cypher round trips, for tests and metrics
	// observe, when set, sees every read statement before it is sent.
	observe func(ctx context.Context, cypher string, params map[string]any)

	leaseTTL, leaseBeat time.Duration // zero: the defaults; see SetLease
}

var _ pg.LoadTarget = (*Store)(nil)

// Open connects to the Neo4j of cfg for serving: the check that it
// answers runs in a read session, as every query of [pg.Store] does, so on
// a cluster serve talks to readers only. Close the store when done.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	return open(ctx, cfg, neo4jdrv.AccessModeRead)
}

// OpenWriter connects to the Neo4j of cfg for loading or importing: the
// check that it answers runs in a write session, as does everything the
// loader calls (lease, lookups of stored IDs, staging, recovery), so on a
// cluster load talks to the writer only and sees what the writer holds,
// never a follower that may lag. Close the store when done.
func OpenWriter(ctx context.Context, cfg Config) (*Store, error) {
	return open(ctx, cfg, neo4jdrv.AccessModeWrite)
}

func open(ctx context.Context, cfg Config, mode neo4jdrv.AccessMode) (*Store, error) {
	d, err := Connect(ctx, cfg, mode)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", pg.ErrUnavailable, err)
	}
	s := New(d, cfg.Database)
	s.owned = true
	return s, nil
}

// New returns a store on a driver that the caller owns.
func New(driver neo4jdrv.DriverWithContext, database string) *Store {
	return &Store{driver: driver, db: database}
}

// Close closes the driver if Open made it.
func (s *Store) Close(ctx context.Context) error {
	if !s.owned {
		return nil
	}
	return s.driver.Close(ctx)
}

// RoundTrips is how many Cypher queries the store has sent, for tests that
// bound the cost of a request.
func (s *Store) RoundTrips() int64 { return s.trips.Load() }

// ObserveReads makes f see every read statement and its parameters before
// it is sent, for tracing and for tests that read query plans. Call it
// before the store is shared.
func (s *Store) ObserveReads(f func(ctx context.Context, cypher string, params map[string]any)) {
	s.observe = f
}

// Ping reports whether Neo4j answers.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.read(ctx, "RETURN 1", nil)
	return err
}

// read runs one query as an auto-commit transaction routed to a reader:
// one round trip, where a managed transaction adds a COMMIT. Reads change
// nothing, so one that fails on a transient error or a dropped connection
// is simply run again, a few times while the context lasts. The context's
// deadline becomes the transaction timeout, so Neo4j stops work that
// nobody waits for.
func (s *Store) read(ctx context.Context, cypher string, params map[string]any) ([]*neo4jdrv.Record, error) {
	return s.query(ctx, neo4jdrv.AccessModeRead, cypher, params)
}

// readWriter is read routed to the writer, for what a load reads: which
// IDs are stored, which loads were cut off. On a cluster a reader may not
// have applied the last load yet, and a load must decide on what the
// writer holds.
func (s *Store) readWriter(ctx context.Context, cypher string, params map[string]any) ([]*neo4jdrv.Record, error) {
	return s.query(ctx, neo4jdrv.AccessModeWrite, cypher, params)
}

func (s *Store) query(ctx context.Context, mode neo4jdrv.AccessMode, cypher string, params map[string]any) ([]*neo4jdrv.Record, error) {
	s.trips.Add(1)
	if s.observe != nil {
		s.observe(ctx, cypher, params)
	}
	var err error
	for attempt := range readAttempts {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, classify(err)
			case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
			}
		}
		var recs []*neo4jdrv.Record
		if recs, err = s.queryOnce(ctx, mode, cypher, params); err == nil {
			return recs, nil
		}
		if !neo4jdrv.IsRetryable(err) || ctx.Err() != nil {
			break
		}
	}
	return nil, classify(err)
}

// readAttempts bounds how often query tries one statement.
const readAttempts = 3

func (s *Store) queryOnce(ctx context.Context, mode neo4jdrv.AccessMode, cypher string, params map[string]any) ([]*neo4jdrv.Record, error) {
	sess := s.driver.NewSession(ctx, neo4jdrv.SessionConfig{DatabaseName: s.db, AccessMode: mode})
	defer closeSession(ctx, sess)
	var cfg []func(*neo4jdrv.TransactionConfig)
	if dl, ok := ctx.Deadline(); ok {
		cfg = append(cfg, neo4jdrv.WithTxTimeout(max(time.Until(dl), time.Millisecond)))
	}
	res, err := sess.Run(ctx, cypher, params, cfg...)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// classify marks errors that mean Neo4j cannot be reached, so the API can
// answer UNAVAILABLE rather than INTERNAL.
func classify(err error) error {
	if err != nil && unreachable(err) {
		return fmt.Errorf("%w: %w", pg.ErrUnavailable, err)
	}
	return err
}

func unreachable(err error) bool {
	var ce *neo4jdrv.ConnectivityError
	if errors.As(err, &ce) {
		return true
	}
	// Managed transactions that ran out of retries wrap what failed them
	// in a type that does not unwrap.
	var tel *neo4jdrv.TransactionExecutionLimit
	if errors.As(err, &tel) {
		for _, e := range tel.Errors {
			if unreachable(e) {
				return true
			}
		}
	}
	var ne *neo4jdrv.Neo4jError
	return errors.As(err, &ne) && (ne.Code == "Neo.ClientError.Security.Unauthorized" ||
		ne.Code == "Neo.TransientError.General.DatabaseUnavailable" ||
		ne.Code == "Neo.ClientError.Database.DatabaseNotFound")
}

// session opens a write session on the store's database.
func (s *Store) session(ctx context.Context) neo4jdrv.SessionWithContext {
	return s.driver.NewSession(ctx, neo4jdrv.SessionConfig{DatabaseName: s.db, AccessMode: neo4jdrv.AccessModeWrite})
}
