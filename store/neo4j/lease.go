package neo4j

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	pg "github.com/policygraph/policygraph"
)

// The load lease. Every load holds it while it writes, recorded in its
// :_Load node: owner (host/pid), token (this process's hold on it),
// state, started, heartbeat and expires. A load is live while expires is
// in the future, which its holder keeps renewing; one that stopped
// renewing died, and the next holder recovers it. All times are the
// database's clock, so loaders on hosts whose clocks disagree still agree.
//
// Taking the lease is one transaction that first write-locks the one
// :_LoadLock node (unique by constraint, so concurrent MERGEs make one):
// two loaders that take it at once are serialised, and the second sees the
// first's live lease. Checks that the lease is still held take the same
// lock, so a takeover and a commit cannot both succeed.

// Default lease timing: a loader that stops renewing is taken for dead
// after leaseTTL; it renews every leaseBeat.
const (
	defaultLeaseTTL  = 30 * time.Second
	defaultLeaseBeat = 5 * time.Second
)

// SetLease changes how long a lease lasts without renewal and how often a
// holder renews it (tests shorten them; the defaults are 30 s and 5 s).
func (s *Store) SetLease(ttl, beat time.Duration) {
	s.leaseTTL, s.leaseBeat = ttl, beat
}

func (s *Store) ttl() time.Duration {
	if s.leaseTTL > 0 {
		return s.leaseTTL
	}
	return defaultLeaseTTL
}

func (s *Store) beat() time.Duration {
	if s.leaseBeat > 0 {
		return s.leaseBeat
	}
	return defaultLeaseBeat
}

// lockLease serialises every transaction that takes or checks a lease.
const lockLease = `MERGE (k:_LoadLock {id: 'load'}) SET k.at = datetime() WITH k `

// liveCypher finds the live lease, if any, holding the lock.
const liveCypher = lockLease + `
MATCH (live:_Load) WHERE live.expires > datetime()
RETURN live {.id, .owner, .state, .started, .expires} AS live ORDER BY live.started LIMIT 1`

const createLeaseCypher = `CREATE (l:_Load {id: $load, owner: $owner, token: $token, state: 'idle',
  started: datetime(), heartbeat: datetime(), expires: datetime() + duration({milliseconds: $ttl})})
RETURN l.expires AS expires`

// lease is a held load lease and the goroutine that renews it.
type lease struct {
	s     *Store
	id    string
	token string
	stop  chan struct{}
	done  chan struct{}

	mu      sync.Mutex
	expires time.Time
	lost    bool
	// finishing is set once the load's last transaction, which deletes
	// the record as it commits, is under way: a renewal that finds no
	// record then sees that commit, not a takeover (which that
	// transaction's own check catches).
	finishing bool
}

// Acquire takes the load lease, or fails with a *pg.LoadBusyError.
func (s *Store) Acquire(ctx context.Context, loadID string) (pg.Lease, error) {
	// The constraint that makes the lock node one; schema statements
	// cannot share a transaction with writes.
	if err := s.exec(ctx, "CREATE CONSTRAINT load_lock IF NOT EXISTS FOR (k:_LoadLock) REQUIRE k.id IS UNIQUE", nil); err != nil {
		return nil, fmt.Errorf("load lease: %w", err)
	}
	l := &lease{s: s, id: loadID, token: loadID + "@" + owner(), stop: make(chan struct{}), done: make(chan struct{})}
	sess := s.session(ctx)
	defer closeSession(ctx, sess)
	busy, err := neo4jdrv.ExecuteWrite(ctx, sess, func(tx neo4jdrv.ManagedTransaction) (*pg.LoadBusyError, error) {
		p := map[string]any{"load": loadID, "owner": owner(), "token": l.token, "ttl": s.ttl().Milliseconds()}
		res, err := tx.Run(ctx, liveCypher, p)
		if err != nil {
			return nil, err
		}
		if res.Next(ctx) {
			m, _ := res.Record().Get("live")
			live, _ := m.(map[string]any)
			b := &pg.LoadBusyError{}
			b.LoadID, _ = live["id"].(string)
			b.Owner, _ = live["owner"].(string)
			b.State, _ = live["state"].(string)
			b.Started, _ = live["started"].(time.Time)
			b.Expires, _ = live["expires"].(time.Time)
			return b, nil
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		res, err = tx.Run(ctx, createLeaseCypher, p)
		if err != nil {
			return nil, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return nil, err
		}
		exp, _ := rec.Get("expires")
		l.expires, _ = exp.(time.Time)
		return nil, nil
	})
	s.trips.Add(1)
	if err != nil {
		return nil, fmt.Errorf("load lease: %w", classify(err))
	}
	if busy != nil {
		return nil, busy
	}
	go l.renew()
	return l, nil
}

// owner names this process for other loaders' messages.
func owner() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown-host"
	}
	return fmt.Sprintf("%s/%d", host, os.Getpid())
}

func (l *lease) LoadID() string { return l.id }

func (l *lease) Expires() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.expires
}

// renew extends the lease every beat until Release stops it. A renewal
// that finds the lease gone marks it lost; one that cannot reach the
// database tries again at the next beat, and the lease may run out
// meanwhile — which the checks before writing and committing then see.
func (l *lease) renew() {
	defer close(l.done)
	tick := time.NewTicker(l.s.beat())
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), l.s.beat())
		exp, ok, err := l.s.renewLease(ctx, l.token)
		cancel()
		l.mu.Lock()
		switch {
		case err != nil:
			slog.Warn("could not renew the load lease", "load", l.id, "err", err)
		case !ok && l.finishing:
			// Keep renewing: if that transaction is rolled back and
			// retried, the record is back and must be kept alive.
		case !ok:
			l.lost = true
		default:
			l.expires = exp
		}
		lost := l.lost
		l.mu.Unlock()
		if lost {
			slog.Error("the load lease was taken over by another process", "load", l.id)
			return
		}
	}
}

func (s *Store) renewLease(ctx context.Context, token string) (time.Time, bool, error) {
	recs, err := s.writeQuery(ctx, `MATCH (l:_Load {token: $token}) WHERE l.expires > datetime()
SET l.heartbeat = datetime(), l.expires = datetime() + duration({milliseconds: $ttl})
RETURN l.expires AS expires`, map[string]any{"token": token, "ttl": s.ttl().Milliseconds()})
	if err != nil || len(recs) == 0 {
		return time.Time{}, false, err
	}
	exp, _ := recs[0].Get("expires")
	t, _ := exp.(time.Time)
	return t, true, nil
}

// Release stops the renewal and deletes the lease's record if the load
// left nothing behind (state idle), or else lets it expire at once so that
// recovery may begin without waiting.
func (l *lease) Release(ctx context.Context) error {
	l.halt()
	p := map[string]any{"token": l.token}
	_, err := l.s.writeQuery(ctx, `MATCH (l:_Load {token: $token, state: 'idle'}) DELETE l`, p)
	if err == nil {
		_, err = l.s.writeQuery(ctx, `MATCH (l:_Load {token: $token}) SET l.expires = datetime()`, p)
	}
	if err != nil {
		return fmt.Errorf("release load lease %s: %w", l.id, err)
	}
	return nil
}

// halt stops the renewal goroutine, once.
func (l *lease) halt() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	<-l.done
}

// held checks, under the lease lock, that l still holds its lease and moves
// it to state; it runs in tx, so that what tx writes commits only with it.
func held(ctx context.Context, tx runner, l *lease, state string) error {
	// Only a change of state writes the record: a write would wait on
	// the renewal's lock, and a batch that waits must not let the lease
	// run out.
	set := ""
	if state != "" {
		set = "SET l.state = $state\n"
	}
	res, err := tx.Run(ctx, lockLease+`
OPTIONAL MATCH (l:_Load {token: $token}) WHERE l.expires > datetime()
`+set+`RETURN l IS NOT NULL AS held`, map[string]any{"token": l.token, "state": state})
	if err != nil {
		return err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return err
	}
	if ok, _ := rec.Get("held"); ok != true {
		l.mu.Lock()
		l.lost = true
		l.mu.Unlock()
		return fmt.Errorf("load %s: %w (it expired, or another process took it over)", l.id, pg.ErrLeaseLost)
	}
	return nil
}

// asLease returns the store's own lease behind a pg.Lease.
func asLease(pl pg.Lease) (*lease, error) {
	l, ok := pl.(*lease)
	if !ok || l == nil {
		return nil, errors.New("not a lease taken by this store's Acquire")
	}
	return l, nil
}

// writeQuery runs one statement in a managed write transaction.
func (s *Store) writeQuery(ctx context.Context, cypher string, params map[string]any) ([]*neo4jdrv.Record, error) {
	s.trips.Add(1)
	res, err := neo4jdrv.ExecuteQuery(ctx, s.driver, cypher, params, neo4jdrv.EagerResultTransformer,
		neo4jdrv.ExecuteQueryWithDatabase(s.db), neo4jdrv.ExecuteQueryWithWritersRouting())
	if err != nil {
		return nil, classify(err)
	}
	return res.Records, nil
}
