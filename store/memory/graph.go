package memory

import (
	"context"
	"fmt"
	"iter"
	"math"
	"slices"

	pg "github.com/policygraph/policygraph"
)

// walkMask is the set of types a walk may follow, [pg.WalkTypes]: asking
// only for QUOTED_IN or MENTIONS leaves nothing to follow.
func (s *Store) walkMask(types []pg.RelType) typeMask {
	return s.mask(pg.WalkTypes(types), 0)
}

// Neighborhood walks breadth first from q.Center along traversable
// relationships of q.Types in q.Direction, up to q.Depth hops (a negative
// depth counts as 0). A node's depth is its hop distance in that walk.
//
// When more than q.Limit entities (centre included) are within reach, it
// keeps them in (depth, ID) order up to the limit, so the nearest survive
// and the cut falls on the highest IDs of the farthest depth kept, and it
// sets Truncated. Truncated is true exactly when some entity within q.Depth
// hops was left out. A limit of 0 or less means no limit.
//
// Edges are every relationship of an allowed type whose two ends were both
// kept (self-loops included), whichever way it points: with one direction
// every such relationship is one the walk could follow from one of its
// ends. They are ordered by ID.
//
// An unknown centre, or a source, is [pg.ErrNotFound].
func (s *Store) Neighborhood(ctx context.Context, q pg.NeighborhoodQuery) (pg.Subgraph, error) {
	if err := ctx.Err(); err != nil {
		return pg.Subgraph{}, err
	}
	c, ok := s.entIdx[q.Center]
	if !ok {
		return pg.Subgraph{}, fmt.Errorf("neighborhood of %q: %w", q.Center, pg.ErrNotFound)
	}
	m := s.walkMask(q.Types)
	limit := q.Limit
	if limit <= 0 {
		limit = math.MaxInt
	}
	sc, err := s.acquire(ctx)
	if err != nil {
		return pg.Subgraph{}, err
	}
	defer s.release(sc)
	seen := &sc.fwd // depths of the kept nodes
	hub := q.HubLimit()

	var g pg.Subgraph
	kept := []int32{c}
	seen.mark(c, 0)
	frontier := kept
	for d := 1; d <= q.Depth && len(frontier) > 0 && !g.Truncated; d++ {
		if err := ctx.Err(); err != nil { // an unlimited walk may be long
			return pg.Subgraph{}, err
		}
		room := limit - len(kept)
		// One more than fits tells whether anything was left out.
		layer := s.nextLayer(sc, frontier, q.Direction, m, room+1)
		if len(layer) > room {
			layer, g.Truncated = layer[:room], true
		}
		for _, v := range layer {
			seen.mark(v, int32(d))
		}
		kept = append(kept, layer...)
		// Hubs are kept but not walked through (see pg.NeighborhoodQuery).
		frontier = nil
		for _, v := range layer {
			if s.degree(v, m) <= hub {
				frontier = append(frontier, v)
			}
		}
	}

	g.Nodes = make([]pg.SubgraphNode, len(kept))
	for i, n := range kept {
		g.Nodes[i] = pg.SubgraphNode{Entity: s.ents[n], Depth: int(seen.val[n]), Degree: s.degree(n, m)}
	}
	g.Edges = s.edgesAmong(seen, kept, m)
	g.CountHidden()
	return g, nil
}

// cursor is the unread rest of one traversal list.
type cursor struct{ rel, nbr []int32 }

// nextLayer returns, in ascending order, up to max entities unmarked in
// sc.fwd one step from the frontier along relationships of m in direction
// d. It merges the frontier's lists, each sorted by neighbour, so it reads
// only as far as the max lowest neighbours: a hub with a million
// neighbours costs little when a limit is near.
func (s *Store) nextLayer(sc *scratch, frontier []int32, d pg.Direction, m typeMask, max int) []int32 {
	h := sc.heap[:0]
	add := func(a *adjacency, n int32) {
		rels, nbrs := a.list(n)
		if c := s.skip(&sc.fwd, cursor{rels, nbrs}, m); len(c.nbr) > 0 {
			h = append(h, c)
		}
	}
	for _, f := range frontier {
		if d != pg.In {
			add(&s.out, f)
		}
		if d != pg.Out {
			add(&s.in, f)
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDown(h, i)
	}
	var layer []int32
	for len(h) > 0 && len(layer) < max {
		// The merge is in ascending order, so repeats are adjacent.
		if v := h[0].nbr[0]; len(layer) == 0 || layer[len(layer)-1] != v {
			layer = append(layer, v)
		}
		if c := s.skip(&sc.fwd, cursor{h[0].rel[1:], h[0].nbr[1:]}, m); len(c.nbr) > 0 {
			h[0] = c
		} else {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		siftDown(h, 0)
	}
	sc.heap = h
	return layer
}

// skip advances c past relationships not in m and nodes already marked.
func (s *Store) skip(seen *labels, c cursor, m typeMask) cursor {
	for len(c.nbr) > 0 && (seen.marked(c.nbr[0]) || !m.has(s.relType[c.rel[0]])) {
		c.rel, c.nbr = c.rel[1:], c.nbr[1:]
	}
	return c
}

// siftDown restores the min-heap order on the cursors' next neighbours.
func siftDown(h []cursor, i int) {
	for {
		least := i
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < len(h) && h[c].nbr[0] < h[least].nbr[0] {
				least = c
			}
		}
		if least == i {
			return
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
}

// edgesAmong returns, by ID, the relationships of m between marked nodes,
// which are exactly the kept ones. Each relationship is taken from its
// start's out list; a hub's list is probed per kept node rather than read
// whole.
func (s *Store) edgesAmong(kept *labels, nodes []int32, m typeMask) []pg.Relationship {
	sorted := slices.Sorted(slices.Values(nodes))
	var rels []int32
	for _, u := range nodes {
		rs, ns := s.out.list(u)
		if len(ns) <= 8*len(sorted) {
			for j, v := range ns {
				if kept.marked(v) && m.has(s.relType[rs[j]]) {
					rels = append(rels, rs[j])
				}
			}
			continue
		}
		for _, v := range sorted {
			j, _ := slices.BinarySearch(ns, v)
			for ; j < len(ns) && ns[j] == v; j++ {
				if m.has(s.relType[rs[j]]) {
					rels = append(rels, rs[j])
				}
			}
		}
	}
	slices.Sort(rels)
	edges := make([]pg.Relationship, len(rels))
	for i, r := range rels {
		edges[i] = s.relationship(r)
	}
	return edges
}

// neighbors yields, ascending, the entities other than u joined to u by a
// relationship of m in either direction, each once.
func (s *Store) neighbors(u int32, m typeMask) iter.Seq[int32] {
	return func(yield func(int32) bool) {
		or, on := s.out.list(u)
		ir, in := s.in.list(u)
		last := int32(-1)
		for i, j := 0, 0; i < len(on) || j < len(in); {
			var v, r int32
			if j == len(in) || i < len(on) && on[i] <= in[j] {
				v, r = on[i], or[i]
				i++
			} else {
				v, r = in[j], ir[j]
				j++
			}
			if v == last || v == u || !m.has(s.relType[r]) {
				continue
			}
			last = v
			if !yield(v) {
				return
			}
		}
	}
}

// between returns, ascending, the relationships of m that join u and v
// (u != v) in either direction.
func (s *Store) between(u, v int32, m typeMask) []int32 {
	var out []int32
	for _, a := range [2]*adjacency{&s.out, &s.in} {
		rels, nbrs := a.list(u)
		j, _ := slices.BinarySearch(nbrs, v)
		for ; j < len(nbrs) && nbrs[j] == v; j++ {
			if m.has(s.relType[rels[j]]) {
				out = append(out, rels[j])
			}
		}
	}
	slices.Sort(out)
	return out
}

// checkEvery is how many steps a long walk takes between looks at its
// context.
const checkEvery = 1 << 14

// distances marks in sc every entity within max hops of src, undirected
// along m, with its distance.
func (s *Store) distances(ctx context.Context, sc *labels, src int32, max int, m typeMask) error {
	sc.mark(src, 0)
	frontier := []int32{src}
	for d := int32(1); int(d) <= max && len(frontier) > 0; d++ {
		var err error
		if frontier, _, err = s.layer(ctx, sc, nil, frontier, d, m); err != nil {
			return err
		}
	}
	return nil
}

// endpoints resolves a path query's ends, which must be entities.
func (s *Store) endpoints(q pg.PathQuery) (from, to int32, err error) {
	for _, id := range []string{q.From, q.To} {
		if _, ok := s.entIdx[id]; !ok {
			return 0, 0, fmt.Errorf("path from %q to %q: %q: %w", q.From, q.To, id, pg.ErrNotFound)
		}
	}
	return s.entIdx[q.From], s.entIdx[q.To], nil
}

// ShortestPath returns the first shortest path in path order (length, then
// node IDs in turn, then relationship IDs in turn) from q.From to q.To,
// following relationships of q.Types (traversable ones) either way, within
// q.MaxHops hops; nil when there is none. From == To is a path of one node
// and no edges, whatever MaxHops. An unknown or source endpoint is
// [pg.ErrNotFound].
//
// Two breadth-first searches, from each end, grow the smaller frontier
// until they meet, so a query between two ends of a hub-rich graph reads
// two small balls rather than one big one. The walk from q.From then takes
// at each step the lowest-ID neighbour that lies on a shortest path, by the
// lowest-ID relationship: that greedy walk is the first path in path order.
func (s *Store) ShortestPath(ctx context.Context, q pg.PathQuery) (*pg.Path, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, t, err := s.endpoints(q)
	if err != nil {
		return nil, err
	}
	if f == t {
		return &pg.Path{Nodes: []*pg.Entity{s.ents[f]}}, nil
	}
	m := s.walkMask(q.Types)
	sc, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer s.release(sc)
	fw, bw := &sc.fwd, sc.back()
	mt, err := s.meet(ctx, fw, bw, f, t, q.MaxHops, m)
	if err != nil || mt.hops < 0 {
		return nil, err
	}
	s.markShortest(fw, bw, mt, m)
	p := &pg.Path{Nodes: []*pg.Entity{s.ents[f]}}
	for u, i := f, 0; i < mt.hops; i++ {
		var v, r int32
		if i+1 < len(mt.layers)-1 {
			v, r = s.firstStep(fw, u, m, int32(i+1)|onShortest)
		} else {
			v, r = s.firstStep(bw, u, m, int32(mt.hops-i-1))
		}
		p.Nodes = append(p.Nodes, s.ents[v])
		p.Edges = append(p.Edges, s.relationship(r))
		u = v
	}
	return p, nil
}

// meeting is where the two searches of ShortestPath met.
type meeting struct {
	hops   int       // the distance between the ends; -1: none within the bound
	layers [][]int32 // the forward search's layers: layers[i] is at distance i
	back   int       // how deep the backward search went
}

// meet labels fw with distances from f and bw with distances to t, layer by
// layer on the side whose frontier has the shorter lists, until a layer
// reaches a node the other side labelled, or the two depths add up to max.
// Every layer is completed, so that the labels are exact: within
// len(layers)-1 of f in fw, within back of t in bw.
func (s *Store) meet(ctx context.Context, fw, bw *labels, f, t int32, max int, m typeMask) (meeting, error) {
	fw.mark(f, 0)
	bw.mark(t, 0)
	mt := meeting{hops: -1, layers: [][]int32{{f}}}
	back := []int32{t}
	for len(mt.layers)-1+mt.back < max {
		front := mt.layers[len(mt.layers)-1]
		var next []int32
		var met bool
		var err error
		if s.listLen(front) <= s.listLen(back) {
			next, met, err = s.layer(ctx, fw, bw, front, int32(len(mt.layers)), m)
			mt.layers = append(mt.layers, next)
		} else {
			mt.back++
			next, met, err = s.layer(ctx, bw, fw, back, int32(mt.back), m)
			back = next
		}
		if err != nil {
			return mt, err
		}
		if met {
			mt.hops = len(mt.layers) - 1 + mt.back
			return mt, nil
		}
		if len(next) == 0 {
			return mt, nil
		}
	}
	return mt, nil
}

// listLen is how many relationships a frontier's walk would read.
func (s *Store) listLen(frontier []int32) int {
	n := 0
	for _, u := range frontier {
		n += int(s.out.off[u+1]-s.out.off[u]) + int(s.in.off[u+1]-s.in.off[u])
	}
	return n
}

// layer marks in sc, with distance d, the unmarked neighbours of frontier
// along m, either way, and returns them, and whether any is marked in other
// (if other is not nil).
func (s *Store) layer(ctx context.Context, sc, other *labels, frontier []int32, d int32, m typeMask) ([]int32, bool, error) {
	var next []int32
	met := false
	steps := 0
	for _, u := range frontier {
		for _, a := range [2]*adjacency{&s.out, &s.in} {
			rels, nbrs := a.list(u)
			if steps += len(nbrs); steps >= checkEvery {
				if err := ctx.Err(); err != nil {
					return nil, false, err
				}
				steps = 0
			}
			for j, v := range nbrs {
				if sc.marked(v) || !m.has(s.relType[rels[j]]) {
					continue
				}
				sc.mark(v, d)
				next = append(next, v)
				met = met || other != nil && other.marked(v)
			}
		}
	}
	return next, met, nil
}

// onShortest flags, in the forward labels, a node on a shortest path.
const onShortest = 1 << 30

// markShortest flags the nodes of the forward layers that lie on a shortest
// path: in the last layer, those the backward search reached at the
// remaining distance; in each layer before, those with a flagged neighbour
// in the next.
func (s *Store) markShortest(fw, bw *labels, mt meeting, m typeMask) {
	last := len(mt.layers) - 1
	var flagged []int32
	for _, v := range mt.layers[last] {
		if bw.value(v) == int32(mt.back) {
			fw.val[v] |= onShortest
			flagged = append(flagged, v)
		}
	}
	for d := last - 1; d >= 0; d-- {
		var prev []int32
		for _, v := range flagged {
			for u := range s.neighbors(v, m) {
				if fw.value(u) == int32(d) {
					fw.val[u] |= onShortest
					prev = append(prev, u)
				}
			}
		}
		flagged = prev
	}
}

// firstStep returns the least (neighbour, relationship) pair from u along m
// whose neighbour is marked with distance want. Each list is sorted by that
// pair, so the first fit in each is its least.
func (s *Store) firstStep(sc *labels, u int32, m typeMask, want int32) (v, r int32) {
	v, r = -1, -1
	for _, a := range [2]*adjacency{&s.out, &s.in} {
		rels, nbrs := a.list(u)
		for j, n := range nbrs {
			if sc.value(n) == want && m.has(s.relType[rels[j]]) {
				if v < 0 || n < v || n == v && rels[j] < r {
					v, r = n, rels[j]
				}
				break
			}
		}
	}
	return v, r
}

// maxPathSteps bounds the neighbours Paths looks at, so that a query
// between hubs of a huge graph answers in bounded time.
const maxPathSteps = 1 << 22

// Paths returns the first n simple paths (no node twice) from q.From to
// q.To within q.MaxHops hops, in path order (see ShortestPath): for each
// length from the shortest up, a depth-first walk in ascending neighbour
// order, pruned by distance to q.To; parallel relationships between the
// same nodes make distinct paths, ordered by their relationship IDs. From ==
// To gives the one-node path. n of 0 or less gives none.
//
// On a huge graph the walk stops after maxPathSteps steps and returns the
// paths found so far, which are still the first ones in order.
func (s *Store) Paths(ctx context.Context, q pg.PathQuery, n int) ([]pg.Path, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, t, err := s.endpoints(q)
	if err != nil || n <= 0 {
		return nil, err
	}
	if f == t {
		return []pg.Path{{Nodes: []*pg.Entity{s.ents[f]}}}, nil
	}
	m := s.walkMask(q.Types)
	sc, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer s.release(sc)
	// The two-ended search is cheap and settles whether there is a path at
	// all; only then label distances to t as far as the walk will need.
	mt, err := s.meet(ctx, &sc.fwd, sc.back(), f, t, q.MaxHops, m)
	if err != nil || mt.hops < 0 {
		return nil, err
	}
	dist := sc.back()
	dist.reset()
	if err := s.distances(ctx, dist, t, q.MaxHops-1, m); err != nil {
		return nil, err
	}
	w := &pathWalk{ctx: ctx, s: s, sc: dist, m: m, to: t, n: n}
	for w.hops = mt.hops; w.hops <= q.MaxHops && !w.done; w.hops++ {
		w.nodes = append(w.nodes[:0], f)
		if err := w.walk(f); err != nil {
			return nil, err
		}
	}
	return w.paths, nil
}

// pathWalk is the state of Paths' search for paths of exactly hops hops.
type pathWalk struct {
	ctx   context.Context
	s     *Store
	sc    *labels // distances to `to`, up to the longest path's length less one
	m     typeMask
	to    int32
	n     int
	hops  int
	nodes []int32 // the path so far
	paths []pg.Path
	steps int
	done  bool // n paths found, or out of steps
}

func (w *pathWalk) walk(u int32) error {
	at := len(w.nodes) - 1
	if at == w.hops { // u is `to`: only it is 0 hops away
		w.emit()
		return nil
	}
	left := int32(w.hops - at - 1) // hops after the next step
	for v := range w.s.neighbors(u, w.m) {
		if w.steps++; w.steps%checkEvery == 0 {
			if err := w.ctx.Err(); err != nil {
				return err
			}
		}
		if w.steps > maxPathSteps {
			w.done = true
		}
		if w.done {
			return nil
		}
		d := w.sc.value(v)
		if d < 0 || d > left || (v == w.to) != (left == 0) || slices.Contains(w.nodes, v) {
			continue
		}
		w.nodes = append(w.nodes, v)
		if err := w.walk(v); err != nil {
			return err
		}
		w.nodes = w.nodes[:len(w.nodes)-1]
	}
	return nil
}

// emit adds the paths along w.nodes, one per choice of parallel
// relationships, counting like an odometer so that they come out in order.
func (w *pathWalk) emit() {
	hops := len(w.nodes) - 1
	choices := make([][]int32, hops)
	for i := range hops {
		choices[i] = w.s.between(w.nodes[i], w.nodes[i+1], w.m)
	}
	nodes := make([]*pg.Entity, len(w.nodes))
	for i, n := range w.nodes {
		nodes[i] = w.s.ents[n]
	}
	pick := make([]int, hops)
	for {
		p := pg.Path{Nodes: nodes, Edges: make([]pg.Relationship, hops)}
		for i, c := range pick {
			p.Edges[i] = w.s.relationship(choices[i][c])
		}
		w.paths = append(w.paths, p)
		if len(w.paths) >= w.n {
			w.done = true
			return
		}
		i := hops - 1
		for ; i >= 0; i-- {
			if pick[i]++; pick[i] < len(choices[i]) {
				break
			}
			pick[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// degree counts u's relationships of m in either direction, a self-loop
// once.
func (s *Store) degree(u int32, m typeMask) int {
	n := 0
	rs, _ := s.out.list(u)
	for _, r := range rs {
		if m.has(s.relType[r]) {
			n++
		}
	}
	rs, ns := s.in.list(u)
	for j, r := range rs {
		if ns[j] != u && m.has(s.relType[r]) {
			n++
		}
	}
	return n
}
