// Package gen generates synthetic policy graphs for load tests and
// benchmarks, written as JSON Lines through [dataset.Writer].
//
// A graph has the skew of real ones: a few dozen countries and a few hundred
// organizations are hubs that most relationships point at (their in-degree
// follows a Zipf law, so the top hubs take a large share of the edges),
// around them many people and policies. Names are made of syllables, some
// with accents ("López"), so that search has something to match; every
// relationship is allowed by the vocabulary and carries one piece of
// evidence quoting a source. The output is deterministic for a seed and
// streamed: sources, then entities, then relationships, so that a reader
// never meets a forward reference. Memory stays bounded by the degree of the
// busiest entity, whatever the size asked for.
package gen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"strings"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
)

// Config sizes a generated graph.
type Config struct {
	Nodes         int    // entities, sources not included
	Relationships int    // relationships stated; MENTIONS derived from entity evidence come on top
	Seed          uint64 // same seed and sizes, same bytes
}

// Stats tells what a graph holds.
type Stats struct {
	Sources       int
	Entities      map[pg.Kind]int
	Relationships map[pg.RelType]int // stated relationships, by type
	// Mentions is how many MENTIONS relationships a loader derives from the
	// entities' evidence, on top of Relationships.
	Mentions int
	Keyed    int   // relationships that needed a key to be told apart
	Bytes    int64 // size of the output
}

// Nodes returns the number of nodes: sources and entities.
func (s Stats) Nodes() int {
	n := s.Sources
	for _, c := range s.Entities {
		n += c
	}
	return n
}

// Rels returns the number of stated relationships.
func (s Stats) Rels() int {
	n := 0
	for _, c := range s.Relationships {
		n += c
	}
	return n
}

// Generate writes a graph of cfg's size to w.
func Generate(ctx context.Context, w io.Writer, cfg Config) (Stats, error) {
	if cfg.Nodes < 0 || cfg.Relationships < 0 {
		return Stats{}, fmt.Errorf("generate: negative size (%d nodes, %d relationships)", cfg.Nodes, cfg.Relationships)
	}
	if cfg.Nodes == 0 && cfg.Relationships > 0 {
		return Stats{}, errors.New("generate: relationships need at least one node")
	}
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<20)
	g := newGenerator(cfg, dataset.NewWriter(bw))
	err := g.run(ctx)
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("generate: %w", ferr)
	}
	g.stats.Bytes = cw.n
	return g.stats, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// kind indexes the node kinds a generator makes; the order is the output
// order of entities.
type kind int

const (
	country kind = iota
	organization
	person
	policy
	source // not an entity; only a relationship's end
	numKinds
)

var (
	pgKinds  = [...]pg.Kind{country: pg.Country, organization: pg.Organization, person: pg.Person, policy: pg.Policy}
	idPrefix = [...]string{country: "country/c-", organization: "organization/org-", person: "person/p-",
		policy: "policy/pol-", source: "source/s-"}
)

// node is one node by kind and index within the kind.
type node struct {
	kind kind
	i    int
}

type generator struct {
	cfg   Config
	out   *dataset.Writer
	count [numKinds]int
	first [numKinds]int // index of a kind's first entity in output order
	rng   *rand.Rand    // relationships' stream
	zipf  [numKinds]*rand.Zipf
	stats Stats
}

func newGenerator(cfg Config, out *dataset.Writer) *generator {
	g := &generator{cfg: cfg, out: out, rng: rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))}
	n := cfg.Nodes
	if n > 0 {
		g.count[source] = (n + 9999) / 10000
	}
	g.count[country] = min(clamp(n/100, 1, 48), n)
	g.count[organization] = min(clamp(n/50, 1, 400), n-g.count[country])
	rest := n - g.count[country] - g.count[organization]
	g.count[policy] = rest * 2 / 5
	g.count[person] = rest - g.count[policy]
	for k := kind(1); k < source; k++ {
		g.first[k] = g.first[k-1] + g.count[k-1]
	}
	// Hubs are steep; people and policies have a flatter head.
	shape := [numKinds]struct{ s, v float64 }{
		country: {1.1, 1}, organization: {1.1, 1}, person: {1.1, 20}, policy: {1.1, 20}, source: {1.2, 2},
	}
	for k := range numKinds {
		if g.count[k] > 0 {
			g.zipf[k] = rand.NewZipf(g.rng, shape[k].s, shape[k].v, uint64(g.count[k]-1))
		}
	}
	g.stats = Stats{Entities: map[pg.Kind]int{}, Relationships: map[pg.RelType]int{}}
	return g
}

func clamp(x, lo, hi int) int { return max(lo, min(x, hi)) }

func (g *generator) id(n node) string { return fmt.Sprintf("%s%07d", idPrefix[n.kind], n.i) }

func (g *generator) run(ctx context.Context) error {
	for i := range g.count[source] {
		if err := g.out.Source(g.source(i)); err != nil {
			return fmt.Errorf("generate: write source: %w", err)
		}
		g.stats.Sources++
	}
	for k := range source {
		for i := range g.count[k] {
			if i%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			e := g.entity(node{k, i})
			if err := g.out.Entity(e); err != nil {
				return fmt.Errorf("generate: write entity: %w", err)
			}
			g.stats.Entities[e.Kind]++
			g.stats.Mentions += len(e.Evidence)
		}
	}
	return g.relationships(ctx)
}

// relationships writes cfg.Relationships relationships, grouped by their
// start node. Each node's share is proportional to a weight by kind with
// some jitter; the end nodes are drawn from Zipf laws, which is where the
// hubs come from. Relationships are unique by start node, so a map of the
// current node's relationships is enough to keep IDs unique.
func (g *generator) relationships(ctx context.Context) error {
	total := uint64(g.cfg.Relationships)
	if total == 0 {
		return nil
	}
	var sum uint64
	g.eachStart(func(_ node, w uint64) { sum += w })
	seen := map[edgeKey]int{}
	var acc uint64
	var err error
	g.eachStart(func(n node, w uint64) {
		if err != nil {
			return
		}
		from := share(total, acc, sum)
		acc += w
		degree := int(share(total, acc, sum) - from)
		clear(seen)
		for range degree {
			if err = g.relationship(n, seen); err != nil {
				return
			}
		}
		if n.i%4096 == 0 {
			err = ctx.Err()
		}
	})
	return err
}

// share returns total·acc/sum, rounded down, without overflow.
func share(total, acc, sum uint64) uint64 {
	hi, lo := bits.Mul64(total, acc)
	q, _ := bits.Div64(hi, lo, sum)
	return q
}

// eachStart calls fn for every entity in output order with its weight as a
// start node. Weights depend only on the seed and the node, so two calls
// agree.
func (g *generator) eachStart(fn func(node, uint64)) {
	base := [numKinds]uint64{country: 200, organization: 40, person: 4, policy: 4}
	for k := range source {
		for i := range g.count[k] {
			h := mix(g.cfg.Seed ^ uint64(k)<<56 ^ uint64(i))
			fn(node{k, i}, base[k]*(1+h%8))
		}
	}
}

// mix is SplitMix64's finalizer: a cheap, well-spread hash.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

type edgeKey struct {
	t  pg.RelType
	to node
}

// relationship writes one relationship that starts at from, unique among
// the start node's relationships in seen.
func (g *generator) relationship(from node, seen map[edgeKey]int) error {
	var (
		ro  relOption
		to  node
		key edgeKey
	)
	// A few draws avoid repeats; a repeat that remains gets a key, as a
	// second term in the same office would.
	for try := 0; ; try++ {
		ro = g.pick(from.kind)
		to = g.end(ro, from)
		key = edgeKey{ro.t, to}
		if seen[key] == 0 || try == 4 {
			break
		}
	}
	seen[key]++
	r := &pg.Relationship{Type: ro.t, From: g.id(from), To: g.id(to)}
	if n := seen[key]; n > 1 {
		r.Key = fmt.Sprint(n)
		g.stats.Keyed++
	}
	g.props(r, from, to)
	src := node{source, int(g.zipf[source].Uint64())}
	if to.kind == source {
		src = to
	}
	r.Evidence = []pg.Evidence{{Source: g.id(src), Quote: g.quote(r.Type, from, to)}}
	if err := g.out.Relationship(r); err != nil {
		return fmt.Errorf("generate: write relationship: %w", err)
	}
	g.stats.Relationships[r.Type]++
	return nil
}

// relOption is a relationship type a start kind may take, how often, and
// the kinds of its end node with their weights.
type relOption struct {
	t      pg.RelType
	weight int
	ends   []weighted
}

type weighted struct {
	k kind
	w int
}

// options lists, for each start kind, the relationships it starts. Every
// pair is allowed by pg.Vocabulary; a test checks it.
var options = [...][]relOption{
	person: {
		{pg.HoldsOffice, 10, []weighted{{country, 6}, {organization, 4}}},
		{pg.Leads, 3, []weighted{{organization, 8}, {country, 2}}},
		{pg.MemberOf, 12, []weighted{{organization, 1}}},
		{pg.EmployedBy, 10, []weighted{{organization, 1}}},
		{pg.AlliedWith, 6, []weighted{{person, 7}, {organization, 2}, {country, 1}}},
		{pg.Succeeded, 2, []weighted{{person, 1}}},
		{pg.Enacted, 3, []weighted{{policy, 1}}},
		{pg.Announced, 6, []weighted{{policy, 1}}},
		{pg.Supports, 8, []weighted{{policy, 1}}},
		{pg.Opposes, 8, []weighted{{policy, 1}}},
		{pg.ExtraditedTo, 1, []weighted{{country, 1}}},
		{pg.Accused, 4, []weighted{{person, 5}, {organization, 3}, {country, 2}}},
		{pg.QuotedIn, 5, []weighted{{source, 1}}},
	},
	organization: {
		{pg.MemberOf, 4, []weighted{{organization, 1}}},
		{pg.OperatesIn, 10, []weighted{{country, 1}}},
		{pg.PartOf, 4, []weighted{{organization, 1}, {country, 1}}},
		{pg.AlliedWith, 3, []weighted{{organization, 2}, {country, 1}}},
		{pg.Succeeded, 1, []weighted{{organization, 1}}},
		{pg.Enacted, 6, []weighted{{policy, 1}}},
		{pg.Announced, 4, []weighted{{policy, 1}}},
		{pg.Supports, 4, []weighted{{policy, 1}}},
		{pg.Opposes, 4, []weighted{{policy, 1}}},
		{pg.Accused, 3, []weighted{{person, 1}, {organization, 1}, {country, 1}}},
		{pg.QuotedIn, 2, []weighted{{source, 1}}},
	},
	country: {
		{pg.TradesWith, 10, []weighted{{country, 1}}},
		{pg.AlliedWith, 5, []weighted{{country, 1}}},
		{pg.Enacted, 8, []weighted{{policy, 1}}},
		{pg.Announced, 8, []weighted{{policy, 1}}},
		{pg.Supports, 2, []weighted{{policy, 1}}},
		{pg.Opposes, 2, []weighted{{policy, 1}}},
		{pg.Accused, 3, []weighted{{country, 2}, {organization, 1}, {person, 1}}},
		{pg.QuotedIn, 1, []weighted{{source, 1}}},
	},
	policy: {
		{pg.Targets, 12, []weighted{{country, 4}, {organization, 4}, {person, 2}}},
		{pg.PartOf, 4, []weighted{{policy, 7}, {country, 2}, {organization, 1}}},
	},
}

// pick draws a relationship type for a start kind among those whose end
// kinds exist.
func (g *generator) pick(k kind) relOption {
	total := 0
	for _, o := range options[k] {
		if g.anyEnd(o) {
			total += o.weight
		}
	}
	x := g.rng.IntN(total)
	for _, o := range options[k] {
		if !g.anyEnd(o) {
			continue
		}
		if x < o.weight {
			return o
		}
		x -= o.weight
	}
	panic("unreachable")
}

func (g *generator) anyEnd(o relOption) bool {
	for _, e := range o.ends {
		if g.count[e.k] > 0 {
			return true
		}
	}
	return false
}

// end draws the end node: a kind by weight, then a node of it by its Zipf
// law, avoiding a loop back to the start when the kind has another node.
func (g *generator) end(o relOption, from node) node {
	total := 0
	for _, e := range o.ends {
		if g.count[e.k] > 0 {
			total += e.w
		}
	}
	x := g.rng.IntN(total)
	var k kind
	for _, e := range o.ends {
		if g.count[e.k] == 0 {
			continue
		}
		if x < e.w {
			k = e.k
			break
		}
		x -= e.w
	}
	to := node{k, int(g.zipf[k].Uint64())}
	if to == from && g.count[k] > 1 {
		to.i = (to.i + 1) % g.count[k]
	}
	return to
}

// props sets the optional properties, status and dates of a relationship.
func (g *generator) props(r *pg.Relationship, from, to node) {
	rng := g.rng
	switch r.Type {
	case pg.HoldsOffice:
		r.Role = pickOf(rng, officeRoles)
	case pg.Leads:
		if to.kind == country {
			r.Role = pickOf(rng, []string{"president", "prime minister", "head of state"})
		} else {
			r.Role = pickOf(rng, leaderRoles)
		}
	case pg.MemberOf:
		if from.kind == person && rng.IntN(2) == 0 {
			r.Role = pickOf(rng, memberRoles)
		}
	case pg.EmployedBy:
		r.Role = pickOf(rng, jobRoles)
	case pg.Succeeded:
		if from.kind == person {
			r.Role = pickOf(rng, officeRoles)
		}
	case pg.TradesWith:
		rank := int64(1 + rng.IntN(20))
		r.Rank = &rank
	case pg.Accused:
		r.Allegation = pickOf(rng, allegations)
	case pg.ExtraditedTo:
		if rng.IntN(10) == 0 {
			c := int64(2 + rng.IntN(40))
			r.Count = &c
		}
	}
	if r.Role != "" && rng.IntN(3) == 0 {
		r.Status = pickOf(rng, []string{"in_force", "former", "announced"})
	}
	switch rng.IntN(10) {
	case 0, 1, 2:
		r.Date = pg.Date(date(rng))
	case 3:
		r.Start, r.End = span(rng)
	}
}

// source returns the i-th source.
func (g *generator) source(i int) *pg.Source {
	rng := g.nodeRand(node{source, i})
	pub := capitalize(word(rng, 2, false)) + " " + pickOf(rng, []string{"Times", "Herald", "Post", "Wire", "Daily", "Review"})
	s := &pg.Source{
		ID:        g.id(node{source, i}),
		Title:     fmt.Sprintf("%s %s over %s", capitalize(word(rng, 2, false)), pickOf(rng, headlineVerbs), word(rng, 3, false)),
		Publisher: pub,
		Published: pg.Date(date(rng)),
	}
	s.URL = fmt.Sprintf("https://example.org/%s/%07d", slug(pub), i)
	return s
}

// nodeRand is the random stream of one node: a node's fields depend only on
// the seed and the node, so its name can be made again for a quote.
func (g *generator) nodeRand(n node) *rand.Rand {
	return rand.New(rand.NewPCG(g.cfg.Seed, uint64(n.kind)<<48|uint64(n.i)))
}

// name returns a node's name, made again from its stream for a quote.
func (g *generator) name(n node) string {
	name, _, _ := identity(g.nodeRand(n), n.kind)
	return name
}

// identity draws, first from a node's stream, its name and for
// organizations and policies the type (and a policy's date) that its name
// tells.
func identity(rng *rand.Rand, k kind) (name, typ string, d pg.Date) {
	switch k {
	case country:
		name = capitalize(word(rng, 2, true)) + pickOf(rng, []string{"ia", "land", "stan", "a", "or", "ay"})
	case organization:
		typ = pickOf(rng, pg.OrganizationTypes)
		name = orgName(rng, capitalize(word(rng, 2+rng.IntN(2), true)), typ)
	case person:
		name = capitalize(word(rng, 2+rng.IntN(2), true)) + " " + capitalize(word(rng, 2+rng.IntN(2), true))
		if rng.IntN(3) == 0 {
			name += " " + capitalize(word(rng, 2, true))
		}
	case policy:
		typ = pickOf(rng, pg.PolicyTypes)
		d = pg.Date(date(rng))
		name = fmt.Sprintf("%s %s %s", capitalize(word(rng, 2, true)), policyNoun[typ], d[:4])
	default:
		name = word(rng, 2, false)
	}
	return name, typ, d
}

// entity returns the entity n.
func (g *generator) entity(n node) *pg.Entity {
	rng := g.nodeRand(n)
	name, typ, d := identity(rng, n.kind)
	e := &pg.Entity{ID: g.id(n), Kind: pgKinds[n.kind], Name: name, Type: typ, Date: d}
	switch n.kind {
	case country:
		if rng.IntN(2) == 0 {
			e.Aliases = []string{"Republic of " + name}
		}
		e.Description = "A country of the " + pickOf(rng, regions) + "."
	case organization:
		if rng.IntN(5) < 2 {
			e.Aliases = []string{acronym(e.Name)}
		}
		if rng.IntN(2) == 0 {
			e.Description = fmt.Sprintf("An organization (%s) based in %s.", strings.ReplaceAll(e.Type, "_", " "),
				g.name(node{country, rng.IntN(g.count[country])}))
		}
	case person:
		if rng.IntN(10) < 3 {
			last := name[lastSpace(name)+1:]
			e.Aliases = []string{pickOf(rng, []string{"Mr. ", "Ms. ", "Dr. "}) + last}
		}
	case policy:
		e.Status = pickOf(rng, pg.Statuses)
		if rng.IntN(2) == 0 {
			e.Start, e.End = span(rng)
		}
		switch e.Type {
		case "tariff":
			rate := float64(5 * (1 + rng.IntN(30)))
			e.Rate = &rate
		case "troop_deployment", "extradition":
			c := int64(1 + rng.IntN(5000))
			e.Count = &c
		}
		if rng.IntN(10) == 0 {
			e.Aliases = []string{acronym(e.Name)}
		}
	}
	// A policy needs evidence; a few other entities have some too. Each
	// piece makes a MENTIONS relationship in the loader.
	if n.kind == policy || rng.IntN(20) == 0 {
		src := node{source, rng.IntN(g.count[source])}
		e.Evidence = []pg.Evidence{{Source: g.id(src), Quote: fmt.Sprintf("%s was %s, officials said.", e.Name, pickOf(rng, entityVerbs))}}
	}
	return e
}

// quote is the evidence sentence of a relationship.
func (g *generator) quote(t pg.RelType, from, to node) string {
	a := g.name(from)
	if to.kind == source {
		return fmt.Sprintf("%q, %s told reporters.", capitalize(word(g.rng, 3, false))+" is not on the table", a)
	}
	return fmt.Sprintf(quoteFormats[t], a, g.name(to))
}

var quoteFormats = map[pg.RelType]string{
	pg.Leads:        "%s, who leads %s, spoke on Tuesday.",
	pg.HoldsOffice:  "%s holds office in %s.",
	pg.MemberOf:     "%s is a member of %s.",
	pg.EmployedBy:   "%s works for %s.",
	pg.AlliedWith:   "%s has long been allied with %s.",
	pg.Succeeded:    "%s succeeded %s.",
	pg.Enacted:      "%s enacted the %s.",
	pg.Announced:    "%s announced the %s.",
	pg.Targets:      "The %s is aimed at %s.",
	pg.Supports:     "%s praised the %s.",
	pg.Opposes:      "%s criticized the %s.",
	pg.ExtraditedTo: "%s was extradited to %s.",
	pg.Accused:      "%s accused %s.",
	pg.OperatesIn:   "%s operates in %s.",
	pg.PartOf:       "%s is part of %s.",
	pg.TradesWith:   "%s counts %s among its largest trading partners.",
}
