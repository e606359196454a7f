// Package loader writes datasets into a database, validated first, merged
// by ID, in batches, and all or nothing.
//
// A load of up to [Options.AtomicLimit] records is one transaction. A larger
// one is staged: its batches commit one by one, and a failure — a database
// error, a cancelled context, the database going down — rolls back all of
// it (see [policygraph.LoadTarget]). Files are streamed, so memory stays
// bounded by the batch size whatever their size.
package loader

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
)

// Options adjust a load. The zero value is usable.
type Options struct {
	BatchSize   int  // records a batch; default 20,000
	AtomicLimit int  // loads of up to this many records are one transaction; default 100,000
	DryRun      bool // validate and report, write nothing

	// Wait is how long to wait for another load's lease to end; zero
	// refuses at once with a *[policygraph.LoadBusyError].
	Wait time.Duration

	// Texts maps source IDs to their full text, to check evidence quotes.
	Texts map[string]string

	// Progress receives a progress line every second once a load has run
	// for two seconds; nil is quiet.
	Progress io.Writer
	Logger   *slog.Logger
}

func (o *Options) defaults() {
	if o.BatchSize <= 0 {
		o.BatchSize = 20000
	}
	if o.AtomicLimit <= 0 {
		o.AtomicLimit = 100_000
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Result reports a load.
type Result struct {
	LoadID   string
	Summary  dataset.Summary // what the files hold
	Counts   pg.WriteCounts  // what was written; zero for a dry run
	Records  int             // records written, derived MENTIONS included
	Staged   bool
	Duration time.Duration
}

// Load validates the files and writes them to target. When the files have
// problems it returns them as a *[dataset.Problems] and writes nothing.
func Load(ctx context.Context, target pg.LoadTarget, files []dataset.File, opts Options) (Result, error) {
	opts.defaults()
	start := time.Now()
	var existing func(context.Context, []string) (map[string]string, error)
	if !opts.DryRun {
		existing = target.Existing
	}
	sum, err := dataset.Check(ctx, files, dataset.Options{Texts: opts.Texts, Existing: existing})
	res := Result{Summary: sum}
	if err != nil {
		return res, err
	}
	total := sum.Sources
	for _, n := range sum.Entities {
		total += n
	}
	for _, n := range sum.Relationships {
		total += n
	}
	if opts.DryRun {
		res.Duration = time.Since(start)
		return res, nil
	}

	res.LoadID = NewLoadID(start)
	lease, err := acquire(ctx, target, res.LoadID, opts)
	if err != nil {
		return res, err
	}
	// The lease is given up however the load ends, even on a cancelled
	// context; a load that left something to recover keeps its record.
	defer release(ctx, lease, opts.Logger)
	if err := target.EnsureSchema(ctx); err != nil {
		return res, fmt.Errorf("set up schema: %w", err)
	}
	if err := recoverLoads(ctx, target, lease, opts.Logger); err != nil {
		return res, err
	}

	res.Staged = total > opts.AtomicLimit
	var done atomic.Int64
	var totalN atomic.Int64
	totalN.Store(int64(total))
	stopProgress := progress(opts.Progress, start, &totalN, &done)
	defer stopProgress()
	s := streamer{files: files, size: opts.BatchSize, twoPass: sum.ForwardRefs, done: &done}

	if !res.Staged {
		res.Counts, err = target.WriteAtomic(ctx, lease, func(ctx context.Context, write func(pg.Batch) error) error {
			done.Store(0) // the driver may retry the whole transaction
			return s.stream(ctx, write)
		})
		if err != nil {
			err = &Error{LoadID: res.LoadID, Outcome: NothingWritten, Err: err}
		}
	} else {
		res.Counts, err = staged(ctx, target, lease, s)
	}
	res.Records = int(done.Load())
	res.Duration = time.Since(start)
	if err != nil {
		return res, err
	}
	opts.Logger.Info("loaded", "load", res.LoadID, "records", res.Records, "staged", res.Staged,
		"nodes_created", res.Counts.NodesCreated, "relationships_created", res.Counts.RelationshipsCreated,
		"duration", res.Duration)
	return res, nil
}

// Recover takes the load lease, waiting for it as opts.Wait says, and
// finishes every load whose lease expired.
func Recover(ctx context.Context, target pg.LoadTarget, opts Options) ([]pg.RecoveredLoad, error) {
	opts.defaults()
	lease, err := acquire(ctx, target, "recover-"+NewLoadID(time.Now()), opts)
	if err != nil {
		return nil, err
	}
	defer release(ctx, lease, opts.Logger)
	if err := target.EnsureSchema(ctx); err != nil {
		return nil, fmt.Errorf("set up schema: %w", err)
	}
	recovered, err := target.RecoverLoads(ctx, lease)
	if err != nil {
		return recovered, fmt.Errorf("recover unfinished loads: %w", err)
	}
	return recovered, nil
}

func recoverLoads(ctx context.Context, target pg.LoadTarget, lease pg.Lease, log *slog.Logger) error {
	recovered, err := target.RecoverLoads(ctx, lease)
	for _, r := range recovered {
		if r.Committed {
			log.Warn("finished committing a load that was cut off while committing", "load", r.ID, "owner", r.Owner)
		} else {
			log.Warn("rolled back a load that did not finish", "load", r.ID, "owner", r.Owner)
		}
	}
	if err != nil {
		return fmt.Errorf("recover unfinished loads: %w", err)
	}
	return nil
}

// acquire takes the load lease, retrying every second while another load
// holds it, for up to opts.Wait.
func acquire(ctx context.Context, target pg.LoadTarget, id string, opts Options) (pg.Lease, error) {
	deadline := time.Now().Add(opts.Wait)
	var seen string
	for {
		lease, err := target.Acquire(ctx, id)
		var busy *pg.LoadBusyError
		if !errors.As(err, &busy) {
			if err != nil {
				return nil, fmt.Errorf("take the load lease: %w", err)
			}
			return lease, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, fmt.Errorf("another load is running: %w", err)
		}
		if busy.LoadID != seen {
			seen = busy.LoadID
			opts.Logger.Info("waiting for another load to finish", "load", busy.LoadID, "owner", busy.Owner,
				"state", busy.State, "lease_expires", busy.Expires.UTC().Format(time.RFC3339), "wait_left", left.Round(time.Second))
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for load %s: %w", busy.LoadID, ctx.Err())
		case <-time.After(min(time.Second, left)):
		}
	}
}

func release(ctx context.Context, lease pg.Lease, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := lease.Release(ctx); err != nil {
		log.Warn("could not release the load lease; it expires by itself", "load", lease.LoadID(),
			"expires", lease.Expires().UTC().Format(time.RFC3339), "err", err)
	}
}

// Outcome is what a failed load left in the database.
type Outcome int

const (
	// NothingWritten: the load failed before anything of it committed.
	NothingWritten Outcome = iota
	// RolledBack: batches had committed and were rolled back.
	RolledBack
	// NotRolledBack: batches committed and could not be rolled back (the
	// database went away, or the lease was lost); recovery rolls them back.
	NotRolledBack
	// CommitUnfinished: the load committed but was cut off while applying
	// it; recovery finishes it.
	CommitUnfinished
)

// Error is a failed load and what it left behind.
type Error struct {
	LoadID  string
	Outcome Outcome
	Err     error
}

func (e *Error) Error() string { return fmt.Sprintf("load %s: %v", e.LoadID, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// staged writes a load batch by batch and rolls it all back on failure.
func staged(ctx context.Context, target pg.LoadTarget, lease pg.Lease, s streamer) (pg.WriteCounts, error) {
	fail := func(o Outcome, err error) (pg.WriteCounts, error) {
		return pg.WriteCounts{}, &Error{LoadID: lease.LoadID(), Outcome: o, Err: err}
	}
	var counts pg.WriteCounts
	load, err := target.BeginStaged(ctx, lease)
	if err != nil {
		return fail(NothingWritten, err)
	}
	err = s.stream(ctx, func(b pg.Batch) error {
		c, err := load.Write(ctx, b)
		counts.Add(c)
		return err
	})
	if err == nil {
		err = load.Commit(ctx)
		if errors.Is(err, pg.ErrCommitUnfinished) {
			return fail(CommitUnfinished, err)
		}
	}
	if err != nil {
		// The load's own context may be what failed; the rollback must
		// still run. If it cannot (the database is down), the next load's
		// RecoverLoads finishes it.
		if rbErr := load.Rollback(context.WithoutCancel(ctx)); rbErr != nil {
			return fail(NotRolledBack, errors.Join(err, fmt.Errorf("roll back: %w", rbErr)))
		}
		return fail(RolledBack, err)
	}
	return counts, nil
}

// NewLoadID returns a load ID for a load or import that starts at t: its time
// and a random suffix.
func NewLoadID(t time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// progress prints records/s and an ETA every second after the first two,
// until the returned stop is called. total may be learnt as it goes; zero
// means not known yet.
func progress(w io.Writer, start time.Time, total, done *atomic.Int64) (stop func()) {
	if w == nil {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case now := <-tick.C:
				elapsed := now.Sub(start)
				if elapsed < 2*time.Second {
					continue
				}
				n, t := done.Load(), total.Load()
				rate := float64(n) / elapsed.Seconds()
				eta := "?"
				if rate > 0 && t > 0 {
					eta = (time.Duration(float64(t-n)/rate) * time.Second).Round(time.Second).String()
				}
				fmt.Fprintf(w, "loaded %d/%d records (%.0f records/s, ETA %s)\n", n, t, rate, eta)
			}
		}
	}()
	return func() { close(quit); <-finished }
}
