package memory_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/store/memory"
)

// The reference implementations below follow the Store contract as
// literally as possible, with no indexes, so that the store's fast paths
// (merged walks, probing of hubs, the token index, precomputed timeline)
// can be checked against them on random graphs with hubs, parallel
// relationships and self-loops.

func randomDataset(rng *rand.Rand, entities, rels int) *dataset.Dataset {
	ds := &dataset.Dataset{}
	names := []string{"Alpha", "Beta", "Gamma Delta", "Delta", "Épsilon", "alpha beta"}
	var ids []string
	for i := range entities {
		kind := pg.Kinds[i%len(pg.Kinds)]
		e := &pg.Entity{
			ID:   fmt.Sprintf("%s/e%03d", strings.ToLower(string(kind)), rng.IntN(1000)),
			Kind: kind,
			Name: names[rng.IntN(len(names))],
		}
		if kind == pg.Policy {
			e.Type = pg.PolicyTypes[rng.IntN(3)]
			e.Status = pg.Statuses[rng.IntN(3)]
			e.Date = randomDate(rng)
			if e.Date == "" {
				e.Start = randomDate(rng)
			}
		}
		ids = append(ids, e.ID)
		ds.Add(&dataset.Record{Entity: e})
	}
	for i := range 3 {
		ds.Add(&dataset.Record{Source: &pg.Source{ID: fmt.Sprintf("source/s%d", i), Title: "S"}})
	}
	// A few hubs take a third of the ends, so that some lists are long.
	end := func() string {
		if rng.IntN(3) == 0 {
			return ids[rng.IntN(3)]
		}
		return ids[rng.IntN(len(ids))]
	}
	types := []pg.RelType{pg.AlliedWith, pg.Accused, pg.Targets, pg.Enacted, pg.Announced, pg.Leads}
	for range rels {
		r := pg.Relationship{Type: types[rng.IntN(len(types))], From: end(), To: end()}
		switch rng.IntN(10) {
		case 0:
			r.Type, r.To = pg.QuotedIn, fmt.Sprintf("source/s%d", rng.IntN(3))
		case 1:
			r.Key = "k"
		case 2:
			r.Date = randomDate(rng)
		}
		r.ID = pg.RelationshipID(r.From, r.Type, r.To, r.Key)
		ds.Add(&dataset.Record{Relationship: &r})
	}
	return ds
}

func randomDate(rng *rand.Rand) pg.Date {
	return []pg.Date{"", "2024", "2025", "2025-02", "2025-02-01", "2025-02-19", "2025-03"}[rng.IntN(7)]
}

// allowed is the contract's set of types a walk follows.
func allowed(types []pg.RelType, r *pg.Relationship) bool {
	spec, _ := pg.Spec(r.Type)
	return spec.Traversable() && (len(types) == 0 || slices.Contains(types, r.Type))
}

func refNeighborhood(ds *dataset.Dataset, q pg.NeighborhoodQuery) string {
	depth := map[string]int{q.Center: 0}
	frontier := []string{q.Center}
	for d := 1; d <= q.Depth; d++ {
		var next []string
		for _, u := range frontier {
			for _, r := range ds.Relationships {
				if !allowed(q.Types, r) {
					continue
				}
				var v string
				switch {
				case r.From == u && q.Direction != pg.In:
					v = r.To
				case r.To == u && q.Direction != pg.Out:
					v = r.From
				default:
					continue
				}
				if _, seen := depth[v]; !seen {
					depth[v] = d
					next = append(next, v)
				}
			}
		}
		frontier = next
	}
	var nodes []string
	for id := range depth {
		nodes = append(nodes, id)
	}
	slices.SortFunc(nodes, func(a, b string) int { return cmp.Or(cmp.Compare(depth[a], depth[b]), cmp.Compare(a, b)) })
	truncated := q.Limit > 0 && len(nodes) > q.Limit
	if truncated {
		nodes = nodes[:q.Limit]
	}
	var edges []string
	for _, r := range ds.Relationships {
		if allowed(q.Types, r) && slices.Contains(nodes, r.From) && slices.Contains(nodes, r.To) {
			edges = append(edges, r.ID)
		}
	}
	slices.Sort(edges)
	var b strings.Builder
	for _, n := range nodes {
		fmt.Fprintf(&b, "%s@%d ", n, depth[n])
	}
	fmt.Fprintf(&b, "%v %v", edges, truncated)
	return b.String()
}

func showSubgraph(g pg.Subgraph) string {
	var b strings.Builder
	for _, n := range g.Nodes {
		fmt.Fprintf(&b, "%s@%d ", n.Entity.ID, n.Depth)
	}
	edges := make([]string, len(g.Edges))
	for i, e := range g.Edges {
		edges[i] = e.ID
	}
	fmt.Fprintf(&b, "%v %v", edges, g.Truncated)
	return b.String()
}

type refPath struct{ nodes, edges []string }

// refPaths lists every simple path within q.MaxHops, in path order.
func refPaths(ds *dataset.Dataset, q pg.PathQuery) []refPath {
	var out []refPath
	var walk func(p refPath)
	walk = func(p refPath) {
		u := p.nodes[len(p.nodes)-1]
		if u == q.To {
			out = append(out, refPath{slices.Clone(p.nodes), slices.Clone(p.edges)})
			return
		}
		if len(p.edges) == q.MaxHops {
			return
		}
		for _, r := range ds.Relationships {
			if !allowed(q.Types, r) || (r.From != u && r.To != u) {
				continue
			}
			v := r.Other(u)
			if slices.Contains(p.nodes, v) {
				continue
			}
			walk(refPath{append(p.nodes, v), append(p.edges, r.ID)})
		}
	}
	walk(refPath{nodes: []string{q.From}})
	slices.SortFunc(out, func(a, b refPath) int {
		return cmp.Or(cmp.Compare(len(a.nodes), len(b.nodes)), slices.Compare(a.nodes, b.nodes), slices.Compare(a.edges, b.edges))
	})
	return out
}

// refShortest finds the first shortest path by listing them all: distances
// to q.To breadth first, then every walk from q.From that gets one hop
// nearer at each step, sorted.
func refShortest(ds *dataset.Dataset, q pg.PathQuery) string {
	dist := map[string]int{q.To: 0}
	for frontier, d := []string{q.To}, 1; len(frontier) > 0 && d <= q.MaxHops; d++ {
		var next []string
		for _, u := range frontier {
			for _, r := range ds.Relationships {
				if allowed(q.Types, r) && (r.From == u || r.To == u) {
					if _, ok := dist[r.Other(u)]; !ok {
						dist[r.Other(u)] = d
						next = append(next, r.Other(u))
					}
				}
			}
		}
		frontier = next
	}
	if _, ok := dist[q.From]; !ok {
		return "none"
	}
	var all []refPath
	var walk func(p refPath)
	walk = func(p refPath) {
		u := p.nodes[len(p.nodes)-1]
		if u == q.To {
			all = append(all, refPath{slices.Clone(p.nodes), slices.Clone(p.edges)})
			return
		}
		for _, r := range ds.Relationships {
			if v := r.Other(u); allowed(q.Types, r) && (r.From == u || r.To == u) && v != u {
				if d, ok := dist[v]; ok && d == dist[u]-1 {
					walk(refPath{append(p.nodes, v), append(p.edges, r.ID)})
				}
			}
		}
	}
	walk(refPath{nodes: []string{q.From}})
	slices.SortFunc(all, func(a, b refPath) int {
		return cmp.Or(slices.Compare(a.nodes, b.nodes), slices.Compare(a.edges, b.edges))
	})
	return fmt.Sprint(all[0])
}

func showPath(p *pg.Path) string {
	if p == nil {
		return "none"
	}
	var r refPath
	for _, n := range p.Nodes {
		r.nodes = append(r.nodes, n.ID)
	}
	for _, e := range p.Edges {
		r.edges = append(r.edges, e.ID)
	}
	return fmt.Sprint(r)
}

func refRelationships(ds *dataset.Dataset, q pg.RelQuery) string {
	var rs []*pg.Relationship
	for _, r := range ds.Relationships {
		if len(q.Types) > 0 && !slices.Contains(q.Types, r.Type) {
			continue
		}
		if r.From == q.Node && q.Direction != pg.In || r.To == q.Node && q.Direction != pg.Out {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *pg.Relationship) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.ID, b.ID))
	})
	total := len(rs)
	rs = rs[min(q.Page.Offset, total):min(q.Page.Offset+q.Page.Limit, total)]
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return fmt.Sprint(ids, total)
}

func inRange(d, from, to pg.Date) bool {
	return d != "" && (from == "" || d.Floor() >= from.Floor()) && (to == "" || d.Floor() <= to.Ceil())
}

func refTimeline(ds *dataset.Dataset, q pg.TimelineQuery) string {
	type ev struct {
		date   pg.Date
		policy bool
		id     string
	}
	var evs []ev
	policies := map[string]bool{}
	for _, e := range ds.Entities {
		if e.Kind == pg.Policy && (q.Entity == "" || q.Entity == e.ID) {
			policies[e.ID] = true
		}
	}
	for _, r := range ds.Relationships {
		if q.Entity != "" && r.From != q.Entity && r.To != q.Entity {
			continue
		}
		if q.Entity != "" && allowed(nil, r) {
			policies[r.Other(q.Entity)] = true
		}
		if allowed(q.Types, r) || len(q.Types) > 0 && slices.Contains(q.Types, r.Type) {
			evs = append(evs, ev{r.When(), false, r.ID})
		}
	}
	for _, e := range ds.Entities {
		if policies[e.ID] && e.Kind == pg.Policy && (len(q.PolicyTypes) == 0 || slices.Contains(q.PolicyTypes, e.Type)) {
			evs = append(evs, ev{e.When(), true, e.ID})
		}
	}
	evs = slices.DeleteFunc(evs, func(e ev) bool { return !inRange(e.date, q.From, q.To) })
	slices.SortFunc(evs, func(a, b ev) int {
		if a.policy != b.policy && a.date.Floor() == b.date.Floor() {
			if a.policy {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.date.Floor(), b.date.Floor()), cmp.Compare(a.id, b.id))
	})
	if q.Limit > 0 && len(evs) > q.Limit {
		evs = evs[:q.Limit]
	}
	var ids []string
	for _, e := range evs {
		ids = append(ids, e.id+" "+string(e.date))
	}
	return fmt.Sprint(ids)
}

func refList(ds *dataset.Dataset, f pg.EntityFilter, p pg.Page) string {
	var es []*pg.Entity
	for _, e := range ds.Entities {
		if f.Kind != "" && e.Kind != f.Kind ||
			len(f.Types) > 0 && !slices.Contains(f.Types, e.Type) ||
			(f.From != "" || f.To != "") && !inRange(e.When(), f.From, f.To) {
			continue
		}
		if f.EnactedBy != "" && !slices.ContainsFunc(ds.Relationships, func(r *pg.Relationship) bool {
			return r.From == f.EnactedBy && r.To == e.ID && (r.Type == pg.Enacted || r.Type == pg.Announced)
		}) {
			continue
		}
		es = append(es, e)
	}
	slices.SortFunc(es, func(a, b *pg.Entity) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	total := len(es)
	es = es[min(p.Offset, total):min(p.Offset+p.Limit, total)]
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return fmt.Sprint(ids, total)
}

func TestAgainstReference(t *testing.T) {
	ctx := t.Context()
	dirs := []pg.Direction{"", pg.Out, pg.In, pg.Both}
	typeSets := [][]pg.RelType{nil, {pg.AlliedWith, pg.Accused}, {pg.Targets, pg.QuotedIn}, {pg.Mentions}}
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 7))
		ds := randomDataset(rng, 30+rng.IntN(40), 30+rng.IntN(100))
		// The store shares and rewrites records: give it its own copy.
		s := memory.New(copyDataset(ds))
		checkRelationshipsByID(t, s, ds)
		id := func() string {
			if rng.IntN(3) == 0 {
				return ds.Entities[rng.IntN(3)].ID // a hub
			}
			return ds.Entities[rng.IntN(len(ds.Entities))].ID
		}
		for range 60 {
			nq := pg.NeighborhoodQuery{Center: id(), Depth: rng.IntN(4), Types: typeSets[rng.IntN(len(typeSets))],
				Direction: dirs[rng.IntN(len(dirs))], Limit: rng.IntN(12)}
			g, err := s.Neighborhood(ctx, nq)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := showSubgraph(g), refNeighborhood(ds, nq); got != want {
				t.Errorf("seed %d: Neighborhood(%+v):\ngot  %s\nwant %s", seed, nq, got, want)
			}

			pq := pg.PathQuery{From: id(), To: id(), MaxHops: rng.IntN(5), Types: typeSets[rng.IntN(2)]}
			all := refPaths(ds, pq)
			p, err := s.ShortestPath(ctx, pq)
			if err != nil {
				t.Fatal(err)
			}
			want := "none"
			if len(all) > 0 {
				want = fmt.Sprint(all[0])
			}
			if got := showPath(p); got != want {
				t.Errorf("seed %d: ShortestPath(%+v):\ngot  %s\nwant %s", seed, pq, got, want)
			}
			n := 1 + rng.IntN(20)
			ps, err := s.Paths(ctx, pq, n)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]string, len(ps))
			for i := range ps {
				got[i] = showPath(&ps[i])
			}
			wantPaths := make([]string, min(n, len(all)))
			for i := range wantPaths {
				wantPaths[i] = fmt.Sprint(all[i])
			}
			if !slices.Equal(got, wantPaths) {
				t.Errorf("seed %d: Paths(%+v, %d):\ngot  %v\nwant %v", seed, pq, n, got, wantPaths)
			}

			sq := pg.PathQuery{From: id(), To: id(), MaxHops: rng.IntN(9), Types: typeSets[rng.IntN(2)]}
			p, err = s.ShortestPath(ctx, sq)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := showPath(p), refShortest(ds, sq); got != want {
				t.Errorf("seed %d: ShortestPath(%+v):\ngot  %s\nwant %s", seed, sq, got, want)
			}

			node := id()
			if rng.IntN(5) == 0 {
				node = ds.Sources[rng.IntN(len(ds.Sources))].ID
			}
			rq := pg.RelQuery{Node: node, Types: typeSets[rng.IntN(len(typeSets))], Direction: dirs[rng.IntN(len(dirs))],
				Page: pg.Page{Offset: rng.IntN(4), Limit: rng.IntN(6)}}
			pages, err := s.Relationships(ctx, []pg.RelQuery{rq})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprint(relIDList(pages[0].Relationships), pages[0].Total), refRelationships(ds, rq); got != want {
				t.Errorf("seed %d: Relationships(%+v):\ngot  %s\nwant %s", seed, rq, got, want)
			}

			tq := pg.TimelineQuery{From: randomDate(rng), To: randomDate(rng), Types: typeSets[rng.IntN(len(typeSets))],
				Limit: rng.IntN(8)}
			if rng.IntN(3) > 0 {
				tq.Entity = id()
			}
			if rng.IntN(3) == 0 {
				tq.PolicyTypes = []string{pg.PolicyTypes[0]}
			}
			evs, err := s.Timeline(ctx, tq)
			if err != nil {
				t.Fatal(err)
			}
			var evIDs []string
			for _, e := range evs {
				if e.Policy != nil {
					evIDs = append(evIDs, e.Policy.ID+" "+string(e.Date))
				} else {
					evIDs = append(evIDs, e.Relationship.ID+" "+string(e.Date))
				}
			}
			if got, want := fmt.Sprint(evIDs), refTimeline(ds, tq); got != want {
				t.Errorf("seed %d: Timeline(%+v):\ngot  %s\nwant %s", seed, tq, got, want)
			}

			f := pg.EntityFilter{From: randomDate(rng), To: randomDate(rng)}
			switch rng.IntN(3) {
			case 0:
				f.Kind = pg.Kinds[rng.IntN(len(pg.Kinds))]
			case 1:
				f.EnactedBy = id()
			}
			lp := pg.Page{Offset: rng.IntN(5), Limit: rng.IntN(10)}
			list, err := s.ListEntities(ctx, f, lp)
			if err != nil {
				t.Fatal(err)
			}
			var listIDs []string
			for _, e := range list.Entities {
				listIDs = append(listIDs, e.ID)
			}
			if got, want := fmt.Sprint(listIDs, list.Total), refList(ds, f, lp); got != want {
				t.Errorf("seed %d: ListEntities(%+v, %+v):\ngot  %s\nwant %s", seed, f, lp, got, want)
			}
		}
	}
}

func relIDList(rs []pg.Relationship) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// copyDataset copies the records, which memory.New takes over.
func copyDataset(ds *dataset.Dataset) *dataset.Dataset {
	out := &dataset.Dataset{}
	for _, s := range ds.Sources {
		c := *s
		out.Add(&dataset.Record{Source: &c})
	}
	for _, e := range ds.Entities {
		c := *e
		c.Evidence = slices.Clone(e.Evidence)
		out.Add(&dataset.Record{Entity: &c})
	}
	for _, r := range ds.Relationships {
		c := *r
		c.Evidence = slices.Clone(r.Evidence)
		out.Add(&dataset.Record{Relationship: &c})
	}
	return out
}

// checkRelationshipsByID finds every relationship by ID, equal field for
// field to its record, and finds nothing for IDs a character off.
func checkRelationshipsByID(t *testing.T, s *memory.Store, ds *dataset.Dataset) {
	t.Helper()
	var ids []string
	for _, r := range ds.Relationships {
		ids = append(ids, r.ID, r.ID+"x", r.ID+"|", r.ID[:len(r.ID)-1], strings.Replace(r.ID, "|", "/", 1))
	}
	got, err := s.RelationshipsByID(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range ds.Relationships {
		if g := got[5*i]; g == nil || !reflect.DeepEqual(*g, *r) {
			t.Errorf("RelationshipsByID(%s) = %+v, want %+v", r.ID, g, r)
		}
		for j := 1; j < 5; j++ {
			if g := got[5*i+j]; g != nil && g.ID != ids[5*i+j] {
				t.Errorf("RelationshipsByID(%s) = %s", ids[5*i+j], g.ID)
			}
		}
	}
}
