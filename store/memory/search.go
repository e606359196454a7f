package memory

import (
	"context"
	"math"
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
	text   []string  // entity → pg.SearchText, so that ranking need not normalize again
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
	ix := searchIndex{tokens: make([]string, len(words)), text: make([]string, len(ents))}
	for i, e := range ents {
		ix.text[i] = pg.SearchText(e)
	}
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
// and ranks them by [pg.Score] and [pg.CompareHits]. A query with no tokens (empty
// or punctuation only) matches nothing: an empty page, not an error, since
// the API validates input.
//
// Every match is scored, since Total counts them all, but only the best
// offset+limit are kept and sorted.
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
	var seen *labels
	if hi-lo > 1 { // several tokens, whose postings may share entities
		sc, err := s.acquire(ctx)
		if err != nil {
			return pg.SearchPage{}, err
		}
		defer s.release(sc)
		seen = &sc.fwd
	}
	joined := strings.Join(query, " ")
	from, to := p.Window(math.MaxInt)
	top := hitHeap{max: to}
	total := 0
next:
	for _, e := range cands {
		if seen != nil {
			if seen.marked(e) {
				continue
			}
			seen.mark(e, 0)
		}
		ent := s.ents[e]
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, ent.Kind) {
			continue
		}
		for i, r := range runs {
			if i != best && !ix.has(e, r[0], r[1]) {
				continue next
			}
		}
		total++
		top.add(pg.SearchHit{Entity: ent, Score: score(query, joined, ix.text[e])})
	}
	hits := top.sorted()
	return pg.SearchPage{Hits: hits[min(from, len(hits)):], Total: total}, nil
}

// hitHeap keeps the best max hits seen, the worst on top.
type hitHeap struct {
	max  int
	hits []pg.SearchHit
}

// worse reports whether hits[i] ranks after hits[j].
func (h *hitHeap) worse(i, j int) bool {
	return pg.CompareHits(h.hits[i], h.hits[j]) > 0
}

func (h *hitHeap) add(hit pg.SearchHit) {
	if h.max <= 0 {
		return
	}
	if len(h.hits) == h.max {
		top := h.hits[0]
		if pg.CompareHits(hit, top) >= 0 {
			return
		}
		h.hits[0] = hit
		h.down(0)
		return
	}
	h.hits = append(h.hits, hit)
	for i := len(h.hits) - 1; i > 0 && h.worse(i, (i-1)/2); i = (i - 1) / 2 {
		h.hits[i], h.hits[(i-1)/2] = h.hits[(i-1)/2], h.hits[i]
	}
}

func (h *hitHeap) down(i int) {
	for {
		w := i
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < len(h.hits) && h.worse(c, w) {
				w = c
			}
		}
		if w == i {
			return
		}
		h.hits[i], h.hits[w] = h.hits[w], h.hits[i]
		i = w
	}
}

// sorted returns the kept hits, best first.
func (h *hitHeap) sorted() []pg.SearchHit {
	slices.SortFunc(h.hits, pg.CompareHits)
	return h.hits
}

// score is pg.Score(query, e) computed on pg.SearchText(e), whose names are
// already normalized, without allocating; joined is the query tokens joined
// by spaces. TestScore holds it equal to pg.Score.
func score(query []string, joined, text string) int {
	best, alias := 10, 0
	for name := range strings.SplitSeq(text, "\n") {
		s := 0
		switch {
		case name == joined:
			s = 100
		case strings.HasPrefix(name, joined):
			s = 80
		case everyToken(query, name, func(w, t string) bool { return w == t }):
			s = 60
		case everyToken(query, name, strings.HasPrefix):
			s = 40
		}
		if s > 0 {
			best = max(best, s-alias)
		}
		alias = 10
	}
	return best
}

// everyToken reports whether every query token matches some word of name.
func everyToken(query []string, name string, match func(word, token string) bool) bool {
	for _, t := range query {
		found := false
		for w := range strings.FieldsSeq(name) {
			if match(w, t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
