package memory

// scratch is per-query working state for walks: a mark and a value per
// entity. Marks are epoch stamps, so starting a query costs nothing rather
// than clearing an array of a million entries, and a sync.Pool hands each
// goroutine its own, which keeps the store safe for concurrent readers.
type scratch struct {
	stamp []uint32 // stamp[n] == epoch: n is marked in this query
	val   []int32  // a per-node value, meaningful only when marked
	epoch uint32
	heap  []cursor // reused by nextLayer
}

func newScratch(entities int) *scratch {
	return &scratch{stamp: make([]uint32, entities), val: make([]int32, entities)}
}

// acquire returns scratch with no node marked; release gives it back.
func (s *Store) acquire() *scratch {
	sc := s.scratch.Get().(*scratch)
	sc.epoch++
	if sc.epoch == 0 { // wrapped: old stamps could collide with new epochs
		clear(sc.stamp)
		sc.epoch = 1
	}
	return sc
}

func (s *Store) release(sc *scratch) {
	clear(sc.heap) // drop references to adjacency slices
	sc.heap = sc.heap[:0]
	s.scratch.Put(sc)
}

func (sc *scratch) marked(n int32) bool { return sc.stamp[n] == sc.epoch }

func (sc *scratch) mark(n int32, v int32) {
	sc.stamp[n] = sc.epoch
	sc.val[n] = v
}

// value returns n's value, or -1 when n is unmarked.
func (sc *scratch) value(n int32) int32 {
	if sc.stamp[n] != sc.epoch {
		return -1
	}
	return sc.val[n]
}
