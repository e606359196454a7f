package memory

import "slices"

// adjacency holds one list per node in compressed sparse row form: node n's
// entries are rel[off[n]:off[n+1]], and nbr holds the node at the other end
// of each. Three flat slices instead of a slice per node keep a graph of
// millions of nodes to a few allocations and no per-list headers.
type adjacency struct {
	off []int32
	rel []int32
	nbr []int32
}

// newAdjacency builds the lists from the entries that each yields, in the
// order yielded within each node's list. each is called twice: once to
// count, once to fill.
func newAdjacency(nodes int, each func(yield func(node, rel, nbr int32))) adjacency {
	a := adjacency{off: make([]int32, nodes+1)}
	each(func(node, _, _ int32) { a.off[node+1]++ })
	for i := 1; i <= nodes; i++ {
		a.off[i] += a.off[i-1]
	}
	a.rel = make([]int32, a.off[nodes])
	a.nbr = make([]int32, a.off[nodes])
	next := slices.Clone(a.off[:nodes])
	each(func(node, rel, nbr int32) {
		a.rel[next[node]] = rel
		a.nbr[next[node]] = nbr
		next[node]++
	})
	return a
}

// list returns node n's relationships and the nodes at their other ends.
func (a *adjacency) list(n int32) (rels, nbrs []int32) {
	lo, hi := a.off[n], a.off[n+1]
	return a.rel[lo:hi], a.nbr[lo:hi]
}

// countingOrder returns 0…n-1 stably sorted by key, whose values lie in
// [0, keys): linear time, which matters for millions of relationships.
func countingOrder(n, keys int, key func(int32) int32) []int32 {
	start := make([]int32, keys+1)
	for i := range int32(n) {
		start[key(i)+1]++
	}
	for k := 1; k <= keys; k++ {
		start[k] += start[k-1]
	}
	order := make([]int32, n)
	for i := range int32(n) {
		k := key(i)
		order[start[k]] = i
		start[k]++
	}
	return order
}
