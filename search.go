package policygraph

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds s for matching: accents removed, lower case, and every run
// of characters other than letters and digits turned into one space. Both
// stores index and query through it, so "López Obrador", "lopez obrador"
// and "LOPEZ-OBRADOR" all fold to "lopez obrador".
func Normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r): // combining accent, dropped
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// MaxSearchTokens is the most tokens a search may have. The API refuses
// more, and both stores answer alike up to it (Neo4j's full-text index
// refuses a query of a thousand clauses; no name has sixteen words).
const MaxSearchTokens = 16

// Tokens returns the words of Normalize(s).
func Tokens(s string) []string { return strings.Fields(Normalize(s)) }

// SearchText is what the full-text index holds for an entity: its
// normalized names and aliases, one per line. Matching tokens against it is
// [Matches]; its ranking is [Score].
func SearchText(e *Entity) string {
	names := e.Names()
	for i, n := range names {
		names[i] = Normalize(n)
	}
	return strings.Join(names, "\n")
}

// Matches reports whether every query token is a prefix of some token of
// the entity's names and aliases together.
func Matches(query []string, e *Entity) bool {
	var tokens []string
	for _, n := range e.Names() {
		tokens = append(tokens, Tokens(n)...)
	}
	for _, q := range query {
		if !hasPrefixed(tokens, q) {
			return false
		}
	}
	return true
}

func hasPrefixed(tokens []string, prefix string) bool {
	for _, t := range tokens {
		if strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}

// Score ranks an entity that [Matches] a query: the best tier any one of its
// names reaches, name above alias.
//
//	100/90  the name/an alias equals the query
//	 80/70  the name/an alias starts with the query
//	 60/50  the name/an alias contains every query token as a whole word
//	 40/30  the name/an alias has a word starting with every query token
//	    10  the tokens match only across several names
//
// Ties are broken by name and then ID (see [CompareHits]), so that every store ranks
// alike.
func Score(query []string, e *Entity) int {
	q := strings.Join(query, " ")
	best := 10
	for i, n := range e.Names() {
		alias := 0
		if i > 0 {
			alias = 10
		}
		norm := Normalize(n)
		tokens := strings.Fields(norm)
		var s int
		switch {
		case norm == q:
			s = 100
		case strings.HasPrefix(norm, q):
			s = 80
		case all(query, func(t string) bool { return slices.Contains(tokens, t) }):
			s = 60
		case all(query, func(t string) bool { return hasPrefixed(tokens, t) }):
			s = 40
		default:
			continue
		}
		best = max(best, s-alias)
	}
	return best
}

func all(ts []string, f func(string) bool) bool {
	for _, t := range ts {
		if !f(t) {
			return false
		}
	}
	return true
}
