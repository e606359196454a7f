package memory

import (
	"context"
	"runtime"
)

// scratch is per-query working state for walks: labels per entity, from one
// end and (for paths) from the other. Labels are epoch-stamped, so starting
// a query costs nothing rather than clearing arrays of a million entries.
//
// A store owns a bounded set of them, each held by one query at a time,
// which keeps it safe for concurrent readers and bounds memory: at a
// million entities a scratch is 8 or 16 MB, and a burst of a hundred
// concurrent walks must not allocate a hundred. Walks are CPU-bound, so
// queueing beyond twice GOMAXPROCS costs no throughput.
type scratch struct {
	fwd  labels
	bwd  labels // allocated on first use, by the two-ended path searches
	heap []cursor
}

// labels marks entities and gives each marked one a value.
type labels struct {
	stamp []uint32 // stamp[n] == epoch: n is marked in this query
	val   []int32  // meaningful only when marked
	epoch uint32
}

// scratchPool hands out at most cap(tokens) scratches.
type scratchPool struct {
	entities int
	free     chan *scratch
	tokens   chan struct{} // one per scratch that may still be made
}

func newScratchPool(entities int) scratchPool {
	n := max(4, 2*runtime.GOMAXPROCS(0))
	p := scratchPool{entities: entities, free: make(chan *scratch, n), tokens: make(chan struct{}, n)}
	for range n {
		p.tokens <- struct{}{}
	}
	return p
}

// acquire returns scratch with nothing marked, waiting while all are in use.
func (s *Store) acquire(ctx context.Context) (*scratch, error) {
	var sc *scratch
	select {
	case sc = <-s.scratch.free:
	default:
		select {
		case sc = <-s.scratch.free:
		case <-s.scratch.tokens:
			sc = &scratch{fwd: newLabels(s.scratch.entities)}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	sc.fwd.reset()
	if sc.bwd.stamp != nil {
		sc.bwd.reset()
	}
	return sc, nil
}

// release gives sc back; it never blocks, as at most cap(free) exist.
func (s *Store) release(sc *scratch) {
	clear(sc.heap) // drop references to adjacency slices
	sc.heap = sc.heap[:0]
	s.scratch.free <- sc
}

// back returns the second set of labels, cleared.
func (sc *scratch) back() *labels {
	if sc.bwd.stamp == nil {
		sc.bwd = newLabels(len(sc.fwd.stamp))
		sc.bwd.reset()
	}
	return &sc.bwd
}

func newLabels(entities int) labels {
	return labels{stamp: make([]uint32, entities), val: make([]int32, entities)}
}

func (l *labels) reset() {
	l.epoch++
	if l.epoch == 0 { // wrapped: old stamps could collide with new epochs
		clear(l.stamp)
		l.epoch = 1
	}
}

func (l *labels) marked(n int32) bool { return l.stamp[n] == l.epoch }

func (l *labels) mark(n int32, v int32) {
	l.stamp[n] = l.epoch
	l.val[n] = v
}

// value returns n's value, or -1 when n is unmarked.
func (l *labels) value(n int32) int32 {
	if l.stamp[n] != l.epoch {
		return -1
	}
	return l.val[n]
}
