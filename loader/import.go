package loader

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync/atomic"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
)

// BulkWriter receives the records of a dataset for an offline import into a
// new database, such as the CSV files of Neo4j's importer. Each ID comes
// once: Import merges records that several files state before it writes
// them, as a load merges them into what it wrote.
type BulkWriter interface {
	Source(*pg.Source) error
	Entity(*pg.Entity) error
	Relationship(*pg.Relationship) error
	// Reset forgets every record written so far.
	Reset() error
}

// Import validates the files as [Load] does, for a database that is empty,
// and writes every record to w, the MENTIONS that entities' evidence
// implies included. Records are streamed: what stays in memory is what
// validation needs, and the records whose ID more than one file states.
//
// Validation and writing run side by side, each reading the files, since
// the writer's output is only kept once the files prove valid: when they
// have problems, Import returns them as a *[dataset.Problems] and the
// caller discards what w got. When files restate records, w is Reset and
// written again, merging them.
//
// Only Texts, Progress and Logger of opts apply.
func Import(ctx context.Context, w BulkWriter, files []dataset.File, opts Options) (Result, error) {
	opts.defaults()
	start := time.Now()
	var total, done atomic.Int64
	stopProgress := progress(opts.Progress, start, &total, &done)
	defer stopProgress()

	type checked struct {
		sum dataset.Summary
		err error
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan checked, 1)
	go func() {
		sum, err := dataset.Check(wctx, files, dataset.Options{Texts: opts.Texts})
		if err != nil {
			cancel() // no need to write what will not be imported
		} else {
			n := sum.Sources
			for _, c := range sum.Entities {
				n += c
			}
			for _, c := range sum.Relationships {
				n += c
			}
			total.Store(int64(n))
		}
		ch <- checked{sum, err}
	}()
	// One pass whatever the order of the records: the importer reads every
	// node before any relationship.
	im := importer{w: w, done: &done}
	werr := im.pass(wctx, files)
	if werr != nil {
		cancel()
	}
	c := <-ch
	res := Result{Summary: c.sum}
	switch {
	case c.err != nil && !errors.Is(c.err, context.Canceled):
		return res, c.err // problems first: they explain a writer's failure
	case werr != nil:
		return res, fmt.Errorf("import: %w", werr)
	case c.err != nil:
		return res, c.err
	}
	if c.sum.Repeats > 0 {
		repeated, err := repeatedIDs(ctx, files)
		if err == nil {
			err = w.Reset()
		}
		if err != nil {
			return res, fmt.Errorf("import: %w", err)
		}
		done.Store(0)
		im = importer{w: w, repeated: repeated, done: &done}
		if err := im.pass(ctx, files); err != nil {
			return res, fmt.Errorf("import: %w", err)
		}
		if err := im.flushHeld(); err != nil {
			return res, fmt.Errorf("import: %w", err)
		}
	}
	res.Records = int(done.Load())
	res.Duration = time.Since(start)
	opts.Logger.Info("import written", "records", res.Records, "duration", res.Duration, "merged", c.sum.Repeats > 0)
	return res, nil
}

// importer writes records straight through, except those whose ID is
// repeated: they merge in held and are written at the end.
type importer struct {
	w        BulkWriter
	repeated map[string]bool
	held     batch
	done     *atomic.Int64
}

func (im *importer) pass(ctx context.Context, files []dataset.File) error {
	var bad error
	err := dataset.Each(ctx, files, func(r *dataset.Record) error {
		switch {
		case r.Source != nil:
			if im.repeated[r.Source.ID] {
				im.held.addSource(r.Source)
				return nil
			}
			im.done.Add(1)
			return im.w.Source(r.Source)
		case r.Entity != nil:
			for _, m := range dataset.Mentions(r.Entity) {
				if err := im.relationship(&m); err != nil {
					return err
				}
			}
			if im.repeated[r.Entity.ID] {
				im.held.addEntity(r.Entity)
				return nil
			}
			im.done.Add(1)
			return im.w.Entity(r.Entity)
		case r.Relationship != nil:
			return im.relationship(r.Relationship)
		}
		return nil
	}, func(p dataset.Problem) {
		bad = fmt.Errorf("dataset changed during the import: %w", &p)
	})
	if err == nil {
		err = bad
	}
	return err
}

func (im *importer) relationship(r *pg.Relationship) error {
	if im.repeated[r.ID] {
		im.held.addRelationship(r)
		return nil
	}
	im.done.Add(1)
	return im.w.Relationship(r)
}

// flushHeld writes the merged records, nodes first.
func (im *importer) flushHeld() error {
	for _, s := range im.held.Sources {
		if err := im.w.Source(s); err != nil {
			return err
		}
	}
	for _, e := range im.held.Entities {
		if err := im.w.Entity(e); err != nil {
			return err
		}
	}
	for _, r := range im.held.Relationships {
		if err := im.w.Relationship(r); err != nil {
			return err
		}
	}
	im.done.Add(int64(im.held.Len()))
	im.held = batch{}
	return nil
}

// repeatedIDs reads the files once more for the IDs that more than one
// record states, derived MENTIONS included. Sources, entities and
// relationships cannot share an ID (validation sees to the first two; a
// relationship ID holds "|"), so one set serves them all.
func repeatedIDs(ctx context.Context, files []dataset.File) (map[string]bool, error) {
	seed := maphash.MakeSeed()
	seen := map[uint64]struct{}{}
	out := map[string]bool{}
	see := func(id string) {
		h := maphash.String(seed, id)
		if _, ok := seen[h]; ok {
			// A hash collision only holds a record back to merge it
			// with nothing, which changes nothing.
			out[id] = true
			return
		}
		seen[h] = struct{}{}
	}
	err := dataset.Each(ctx, files, func(r *dataset.Record) error {
		see(r.ID())
		if r.Entity != nil {
			for _, m := range dataset.Mentions(r.Entity) {
				see(m.ID)
			}
		}
		return nil
	}, func(dataset.Problem) {})
	if err != nil {
		return nil, fmt.Errorf("find repeated ids: %w", err)
	}
	return out, nil
}
