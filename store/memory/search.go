package memory

import (
	"context"
	"slices"
	"sort"
	"strings"

	pg "github.com/policygraph/policygraph"
)

// searchIndex is an inverted index of the tokens of entities' names and
// aliases. Tokens are sorted, so the tokens that start with a query token
// are a contiguous run of token numbers, found by binary search; an entity
// matches a query token when one of its token numbers falls in that run.
type searchIndex struct {
	tokens []string  // every token, sorted, unique; a token's number is its index
	post   adjacency // token → entities having it, ascending (nbr unused)
	ent    adjacency // entity → its token numbers, ascending (nbr unused)
}

func newSearchIndex(ents []*pg.Entity) searchIndex {
	// Number tokens in order of first sight, then renumber in sorted order.
	first := map[string]int32{}
	var words []string
	var pairs [][2]int32 // (entity, first-sight token number)
	for i, e := range ents {
		start := len(pairs)
		for _, name := range e.Names() {
			for _, tok := range pg.Tokens(name) {
				t, ok := first[tok]
				if !ok {
					t = int32(len(words))
					first[tok] = t
					words = append(words, tok)
				}
				pairs = append(pairs, [2]int32{int32(i), t})
			}
		}
		// One entry per token per entity.
		own := pairs[start:]
		slices.SortFunc(own, func(a, b [2]int32) int { return int(a[1] - b[1]) })
		pairs = pairs[:start+len(slices.Compact(own))]
	}
	order := make([]int32, len(words))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(words[a], words[b]) })
	rank := make([]int32, len(words))
	ix := searchIndex{tokens: make([]string, len(words))}
	for r, t := range order {
		rank[t] = int32(r)
		ix.tokens[r] = words[t]
	}
	for i := range pairs {
		pairs[i][1] = rank[pairs[i][1]]
	}
	// Pairs are in entity order, so each posting list comes out ascending.
	ix.post = newAdjacency(len(words), func(yield func(node, rel, nbr int32)) {
		for _, p := range pairs {
			yield(p[1], p[0], 0)
		}
	})
	byToken := countingOrder(len(pairs), len(words), func(i int32) int32 { return pairs[i][1] })
	ix.ent = newAdjacency(len(ents), func(yield func(node, rel, nbr int32)) {
		for _, i := range byToken {
			yield(pairs[i][0], pairs[i][1], 0)
		}
	})
	return ix
}

// prefixed returns the run [lo, hi) of token numbers that start with q.
func (ix *searchIndex) prefixed(q string) (lo, hi int32) {
	l := sort.SearchStrings(ix.tokens, q)
	h := l + sort.Search(len(ix.tokens)-l, func(i int) bool { return !strings.HasPrefix(ix.tokens[l+i], q) })
	return int32(l), int32(h)
}

// has reports whether entity e has a token in [lo, hi).
func (ix *searchIndex) has(e, lo, hi int32) bool {
	toks, _ := ix.ent.list(e)
	i, _ := slices.BinarySearch(toks, lo)
	return i < len(toks) && toks[i] < hi
}

// Search finds the entities whose names and aliases have, for every query
// token, a token starting with it ([pg.Matches]), keeps those of q.Kinds,
// and ranks them by [pg.Score] and [pg.Less]. A query with no tokens (empty
// or punctuation only) matches nothing: an empty page, not an error, since
// the API validates input.
func (s *Store) Search(ctx context.Context, q pg.SearchQuery, p pg.Page) (pg.SearchPage, error) {
	if err := ctx.Err(); err != nil {
		return pg.SearchPage{}, err
	}
	query := pg.Tokens(q.Text)
	if len(query) == 0 {
		return pg.SearchPage{}, nil
	}
	ix := &s.index
	runs := make([][2]int32, len(query))
	best := 0 // the query token with the fewest candidates drives the search
	for i, tok := range query {
		lo, hi := ix.prefixed(tok)
		if lo == hi {
			return pg.SearchPage{}, nil
		}
		runs[i] = [2]int32{lo, hi}
		if ix.post.off[hi]-ix.post.off[lo] < ix.post.off[runs[best][1]]-ix.post.off[runs[best][0]] {
			best = i
		}
	}
	lo, hi := runs[best][0], runs[best][1]
	cands := ix.post.rel[ix.post.off[lo]:ix.post.off[hi]]
	if hi-lo > 1 { // several tokens: their postings overlap and interleave
		cands = slices.Clone(cands)
		slices.Sort(cands)
		cands = slices.Compact(cands)
	}
	var hits []pg.SearchHit
next:
	for _, e := range cands {
		ent := s.ents[e]
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, ent.Kind) {
			continue
		}
		for i, r := range runs {
			if i != best && !ix.has(e, r[0], r[1]) {
				continue next
			}
		}
		hits = append(hits, pg.SearchHit{Entity: ent, Score: pg.Score(query, ent)})
	}
	slices.SortFunc(hits, func(a, b pg.SearchHit) int {
		switch {
		case pg.Less(a.Entity, a.Score, b.Entity, b.Score):
			return -1
		case pg.Less(b.Entity, b.Score, a.Entity, a.Score):
			return 1
		}
		return 0
	})
	from, to := window(len(hits), p)
	return pg.SearchPage{Hits: slices.Clip(hits[from:to]), Total: len(hits)}, nil
}
