package loader

import (
	"context"
	"fmt"
	"sync/atomic"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
)

// streamer reads validated files into batches. Nodes are always written
// before the relationships that need them: when no record refers ahead, one
// pass flushes pending nodes before each relationship batch; otherwise a
// first pass writes every node and a second every relationship.
type streamer struct {
	files   []dataset.File
	size    int
	twoPass bool
	done    *atomic.Int64 // records written, for progress
}

func (s streamer) stream(ctx context.Context, write func(pg.Batch) error) error {
	if !s.twoPass {
		return s.pass(ctx, write, true, true)
	}
	if err := s.pass(ctx, write, true, false); err != nil {
		return err
	}
	return s.pass(ctx, write, false, true)
}

// pass reads the files once and writes their nodes, relationships or both.
// An entity's evidence yields its MENTIONS relationships.
func (s streamer) pass(ctx context.Context, write func(pg.Batch) error, nodes, rels bool) error {
	var nb, rb batch
	flush := func(b *batch) error {
		if b.Len() == 0 {
			return nil
		}
		if err := write(b.Batch); err != nil {
			return err
		}
		s.done.Add(int64(b.Len()))
		*b = batch{}
		return nil
	}
	var bad error
	err := dataset.Each(ctx, s.files, func(r *dataset.Record) error {
		switch {
		case r.Source != nil && nodes:
			nb.addSource(r.Source)
		case r.Entity != nil:
			if nodes {
				nb.addEntity(r.Entity)
			}
			if rels {
				for _, m := range dataset.Mentions(r.Entity) {
					rb.addRelationship(&m)
				}
			}
		case r.Relationship != nil && rels:
			rb.addRelationship(r.Relationship)
		}
		if nb.Len() >= s.size {
			if err := flush(&nb); err != nil {
				return err
			}
		}
		if rb.Len() >= s.size {
			if err := flush(&nb); err != nil {
				return err
			}
			return flush(&rb)
		}
		return nil
	}, func(p dataset.Problem) {
		// The files passed validation; a problem now means one changed
		// during the load.
		bad = fmt.Errorf("dataset changed during the load: %w", &p)
	})
	if err == nil {
		err = bad
	}
	if err == nil {
		err = flush(&nb)
	}
	if err == nil {
		err = flush(&rb)
	}
	return err
}

// batch gathers records and merges those whose ID it already holds, as a
// later batch merges into what an earlier one wrote.
type batch struct {
	pg.Batch
	at map[string]int // ID → index in its slice
}

func (b *batch) addSource(s *pg.Source) {
	add(b, "s:"+s.ID, &b.Sources, s, dataset.MergeSource)
}

func (b *batch) addEntity(e *pg.Entity) {
	add(b, "e:"+e.ID, &b.Entities, e, dataset.MergeEntity)
}

func (b *batch) addRelationship(r *pg.Relationship) {
	add(b, "r:"+r.ID, &b.Relationships, r, dataset.MergeRelationship)
}

// add appends v to list, or merges it into the record of the same key.
func add[T any](b *batch, key string, list *[]*T, v *T, merge func(old, new T) T) {
	if b.at == nil {
		b.at = map[string]int{}
	}
	if i, ok := b.at[key]; ok {
		m := merge(*(*list)[i], *v)
		(*list)[i] = &m
		return
	}
	b.at[key] = len(*list)
	*list = append(*list, v)
}
