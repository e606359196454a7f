package memory_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/store/memory"
)

// The benchmarks run on a graph chosen by the environment:
//
//	PG_BENCH_DATA=a.jsonl,b.yaml  load these dataset files (validated), or
//	PG_BENCH_NODES=1000000        synthesize this many entities (default 100000)
//
// Each benchmark function runs once (it loops with b.Loop), so it builds its
// graph once, and reports, besides ns/op, the 50th and 99th percentile of
// single queries. BenchmarkNew builds b.N stores: run it with
// -benchtime 1x on large graphs.

// benchDataset returns the dataset the environment asks for.
func benchDataset(b *testing.B) *dataset.Dataset {
	b.Helper()
	if files := os.Getenv("PG_BENCH_DATA"); files != "" {
		ds, err := dataset.Load(b.Context(), dataset.Paths(strings.Split(files, ",")...), dataset.Options{})
		if err != nil {
			b.Fatalf("load PG_BENCH_DATA: %v", err)
		}
		return ds
	}
	n := 100_000
	if s := os.Getenv("PG_BENCH_NODES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 100 {
			b.Fatalf("PG_BENCH_NODES=%q: want a number of at least 100", s)
		}
	}
	return Synthetic(n, 1)
}

// Synthetic makes a skewed graph of n entities and about 3n relationships
// (MENTIONS included), like news data: a few hub countries and
// organizations, chosen by a Zipf law, hold most of the edges; people and
// policies, the many, hold a few each. Every record gets its own strings,
// as decoding a file would give it, so that memory use is realistic.
func Synthetic(n int, seed uint64) *dataset.Dataset {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	ds := &dataset.Dataset{}
	g := synth{rng: rng, ds: ds}
	w := newWords()

	for i := range max(n/1000, 1) {
		g.src = append(g.src, fmt.Sprintf("source/article-%d", i))
		ds.Add(&dataset.Record{Source: &pg.Source{ID: g.src[i], Title: fmt.Sprintf("Article %d", i), Published: "2025-03-10"}})
	}
	nCountries := max(n/5000, 20)
	nOrgs := n / 20
	nPeople := n * 55 / 100
	nPolicies := n - nCountries - nOrgs - nPeople
	g.countries = g.entities(nCountries, pg.Country, func(i int) string { return fmt.Sprintf("%s %d", pick(rng, w.places), i) })
	g.orgs = g.entities(nOrgs, pg.Organization, func(int) string {
		return pick(rng, w.places) + " " + pick(rng, w.orgWords) + " " + pick(rng, w.orgKinds)
	})
	g.people = g.entities(nPeople, pg.Person, func(int) string { return pick(rng, w.firstNames) + " " + pick(rng, w.lastNames) })
	g.policies = g.entities(nPolicies, pg.Policy, func(int) string {
		return pick(rng, w.policyWords) + " on " + pick(rng, w.places) + " " + pick(rng, w.goods)
	})

	hubCountry := rand.NewZipf(rng, 1.2, 1, uint64(nCountries-1))
	hubOrg := rand.NewZipf(rng, 1.1, 1, uint64(nOrgs-1))
	country := func() string { return g.countries[hubCountry.Uint64()] }
	org := func() string { return g.orgs[hubOrg.Uint64()] }
	for _, p := range g.people {
		if rng.IntN(10) < 7 {
			g.rel(p, pick(rng, []pg.RelType{pg.MemberOf, pg.EmployedBy}), org())
		} else {
			g.rel(p, pick(rng, []pg.RelType{pg.HoldsOffice, pg.Leads}), country())
		}
		g.rel(p, pick(rng, []pg.RelType{pg.AlliedWith, pg.Accused}), pick(rng, g.people))
		if rng.IntN(5) == 0 {
			g.rel(p, pg.QuotedIn, pick(rng, g.src))
		}
	}
	for _, p := range g.policies {
		actor := country()
		if rng.IntN(3) == 0 {
			actor = org()
		}
		g.rel(actor, pick(rng, []pg.RelType{pg.Enacted, pg.Announced}), p)
		g.rel(p, pg.Targets, pick(rng, []func() string{country, org, func() string { return pick(rng, g.people) }})())
		g.rel(pick(rng, g.people), pick(rng, []pg.RelType{pg.Supports, pg.Opposes}), p)
	}
	for _, o := range g.orgs {
		g.rel(o, pg.OperatesIn, country())
	}
	return ds
}

type synth struct {
	rng                                    *rand.Rand
	ds                                     *dataset.Dataset
	src, countries, orgs, people, policies []string
}

func (g *synth) entities(n int, kind pg.Kind, name func(int) string) []string {
	ids := make([]string, n)
	for i := range ids {
		e := &pg.Entity{Kind: kind, Name: name(i)}
		e.ID = fmt.Sprintf("%s/%s-%d", strings.ToLower(string(kind)), strings.Join(pg.Tokens(e.Name), "-"), i)
		switch kind {
		case pg.Organization:
			e.Type = pick(g.rng, pg.OrganizationTypes)
		case pg.Policy:
			e.Type = pick(g.rng, pg.PolicyTypes)
			e.Status = pick(g.rng, pg.Statuses)
			e.Date = g.date()
		case pg.Person:
			if g.rng.IntN(4) == 0 {
				e.Aliases = []string{strings.Fields(e.Name)[1]}
			}
		}
		if g.rng.IntN(2) == 0 || kind == pg.Policy {
			e.Evidence = g.evidence(e.Name)
		}
		ids[i] = e.ID
		g.ds.Add(&dataset.Record{Entity: e})
	}
	return ids
}

func (g *synth) rel(from string, t pg.RelType, to string) {
	r := &pg.Relationship{Type: t, From: strings.Clone(from), To: strings.Clone(to),
		Evidence: g.evidence(from + " " + to)}
	if g.rng.IntN(3) == 0 {
		r.Date = g.date()
	}
	r.ID = pg.RelationshipID(r.From, r.Type, r.To, r.Key)
	g.ds.Add(&dataset.Record{Relationship: r})
}

func (g *synth) evidence(about string) []pg.Evidence {
	return []pg.Evidence{{Source: strings.Clone(pick(g.rng, g.src)),
		Quote: fmt.Sprintf("A sentence of about eighty characters that mentions %s.", about)}}
}

func (g *synth) date() pg.Date {
	d := fmt.Sprintf("%d-%02d-%02d", 2015+g.rng.IntN(11), 1+g.rng.IntN(12), 1+g.rng.IntN(28))
	return pg.Date(d[:[]int{4, 7, 10, 10}[g.rng.IntN(4)]])
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// words are the vocabularies that synthetic names are drawn from: a few
// hundred words, so that names repeat and tie as real ones do.
type words struct {
	firstNames, lastNames, places, orgWords, orgKinds, policyWords, goods []string
}

func newWords() words {
	return words{
		firstNames: strings.Fields("María José Juan Luis Carlos Ana Jorge Pedro Rosa Miguel Laura Sofía Diego " +
			"Elena Pablo Andrés Lucía Marta Raúl Isabel John Mary James Linda Robert Susan Michael Karen David Lisa " +
			"Wei Li Chen Zhang Ahmed Fatima Olga Ivan Pierre Marie Hans Anna Giulia Marco Kenji Yuki Ravi Priya"),
		lastNames: strings.Fields("García Rodríguez Martínez López González Hernández Pérez Sánchez Ramírez " +
			"Torres Flores Rivera Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Chávez Ruiz Álvarez Castillo " +
			"Jiménez Moreno Romero Herrera Medina Aguilar Vargas Smith Johnson Williams Brown Jones Miller Davis " +
			"Wilson Anderson Taylor Thomas Moore Martin Jackson Thompson White Harris Clark Lewis Walker Young " +
			"Wang Liu Yang Huang Zhao Wu Zhou Xu Sun Ma Khan Singh Kumar Ivanov Petrov Müller Schmidt Rossi Sato"),
		places: strings.Fields("Sinaloa Jalisco Sonora Chihuahua Tamaulipas Michoacán Guerrero Texas Arizona " +
			"California Florida Ontario Quebec Beijing Shanghai Guangdong Bogotá Lima Caracas Panamá Madrid Berlin"),
		orgWords:    strings.Fields("New Generation United Northern Southern Gulf Pacific National Federal Border Trade"),
		orgKinds:    strings.Fields("Cartel Agency Ministry Company Group Council Court Party Institute Network"),
		policyWords: strings.Fields("Tariff Sanction Designation Deployment Extradition Investigation Program Ban Quota Agreement"),
		goods:       strings.Fields("steel aluminum apparel fentanyl avocados cars textiles electronics migrants weapons"),
	}
}

// percentiles runs op once per iteration of b.Loop, timing each call, and
// reports the 50th and 99th percentiles.
func percentiles(b *testing.B, op func(i int)) {
	var times []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		op(i)
		times = append(times, time.Since(start))
		i++
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
}

// entityIDs lists the IDs of n random entities, the same every run.
func entityIDs(ds *dataset.Dataset, n int) []string {
	rng := rand.New(rand.NewPCG(2, 2))
	ids := make([]string, n)
	for i := range ids {
		ids[i] = ds.Entities[rng.IntN(len(ds.Entities))].ID
	}
	return ids
}

// BenchmarkNew builds the store and reports the heap it holds (records
// included) and how long building took.
func BenchmarkNew(b *testing.B) {
	ds := benchDataset(b)
	nEnt, nRel := len(ds.Entities), len(ds.Relationships)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var s *memory.Store
	for b.Loop() {
		// New takes over ds; building again from the same records is
		// still correct, since it only shares their strings.
		s = memory.New(ds)
	}
	ds = nil
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc)/(1<<20), "MB-heap")
	b.ReportMetric(float64(nEnt), "entities")
	b.ReportMetric(float64(nRel), "relationships")
	runtime.KeepAlive(s)
}

func BenchmarkNeighborhood(b *testing.B) {
	ds := benchDataset(b)
	centers := entityIDs(ds, 4096)
	s := memory.New(ds)
	for _, c := range []struct {
		depth, limit int
	}{{1, 100}, {2, 100}, {2, 1000}, {3, 1000}} {
		b.Run(fmt.Sprintf("depth=%d/limit=%d", c.depth, c.limit), func(b *testing.B) {
			nodes := 0
			percentiles(b, func(i int) {
				g, err := s.Neighborhood(b.Context(), pg.NeighborhoodQuery{Center: centers[i%len(centers)], Depth: c.depth, Limit: c.limit})
				if err != nil {
					b.Fatal(err)
				}
				nodes += len(g.Nodes)
			})
			b.ReportMetric(float64(nodes)/float64(b.N), "nodes/op")
		})
	}
}

func BenchmarkShortestPath(b *testing.B) {
	ds := benchDataset(b)
	ends := entityIDs(ds, 4096)
	s := memory.New(ds)
	for _, hops := range []int{4, 6} {
		b.Run(fmt.Sprintf("maxHops=%d", hops), func(b *testing.B) {
			found := 0
			percentiles(b, func(i int) {
				p, err := s.ShortestPath(b.Context(), pg.PathQuery{From: ends[i%len(ends)], To: ends[(i+1)%len(ends)], MaxHops: hops})
				if err != nil {
					b.Fatal(err)
				}
				if p != nil {
					found++
				}
			})
			b.ReportMetric(float64(found)/float64(b.N), "found/op")
		})
	}
}

func BenchmarkPaths(b *testing.B) {
	ds := benchDataset(b)
	ends := entityIDs(ds, 4096)
	s := memory.New(ds)
	percentiles(b, func(i int) {
		if _, err := s.Paths(b.Context(), pg.PathQuery{From: ends[i%len(ends)], To: ends[(i+1)%len(ends)], MaxHops: 4}, 10); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkSearch(b *testing.B) {
	ds := benchDataset(b)
	rng := rand.New(rand.NewPCG(3, 3))
	var names, prefixes []string
	for range 1024 {
		e := ds.Entities[rng.IntN(len(ds.Entities))]
		names = append(names, e.Name)
		tok := pg.Tokens(e.Name)
		prefixes = append(prefixes, tok[len(tok)-1][:min(3, len(tok[len(tok)-1]))])
	}
	s := memory.New(ds)
	for _, c := range []struct {
		name    string
		queries []string
	}{
		{"name", names},      // few hits
		{"prefix", prefixes}, // thousands of hits on a large graph
		{"common", []string{"tariff", "garcia", "cartel"}}, // a large share of the graph
	} {
		b.Run(c.name, func(b *testing.B) {
			hits := 0
			percentiles(b, func(i int) {
				res, err := s.Search(b.Context(), pg.SearchQuery{Text: c.queries[i%len(c.queries)]}, pg.Page{Limit: 20})
				if err != nil {
					b.Fatal(err)
				}
				hits += res.Total
			})
			b.ReportMetric(float64(hits)/float64(b.N), "total/op")
		})
	}
}
