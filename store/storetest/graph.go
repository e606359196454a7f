package storetest

import (
	"fmt"
	"strings"
	"testing"

	pg "github.com/policygraph/policygraph"
)

// at renders a subgraph node as "id@depth".
func at(id string, depth int) string { return fmt.Sprintf("%s@%d", id, depth) }

func nodeIDs(ns []pg.SubgraphNode) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = at(n.Entity.ID, n.Depth)
	}
	return out
}

func testNeighborhood(t *testing.T, s pg.Store) {
	csDepth1 := []string{at(cs, 0), at(mx, 1), at(am, 1), at(dt, 1), at(tm, 1)}
	csEdges1 := []string{amLeadsMx, csAccDt, csLeadsMx, csOppTm, csSuccAm, dtAccCsA, dtAccCsB, dtAnnTm, tmTgtMx}
	csDepth2 := append(csDepth1[:5:5], at(cn, 2), at(us, 2), at(cj, 2), at(sa, 2), at(sc, 2),
		at(gg, 2), at(ct, 2), at(ft, 2), at(st, 2))
	csDepth3 := append(csDepth2[:14:14], at(ca, 3), at(sd, 3), at(jl, 3), at(mr, 3), at(er, 3))
	// Leaving out the entities not kept leaves out their relationships.
	csEdges2 := without(traversable(), jgSuccJg, usAnnEr, erTgtSc, mrHoldsUs, mrLeadsSd, sdPartUs, stTgtCa, jlMemSc)
	tests := []struct {
		name      string
		q         pg.NeighborhoodQuery
		nodes     []string // "id@depth"
		edges     []string
		truncated bool
	}{
		{"depth 0", pg.NeighborhoodQuery{Center: cs}, []string{at(cs, 0)}, nil, false},
		{"depth 1", pg.NeighborhoodQuery{Center: cs, Depth: 1}, csDepth1, csEdges1, false},
		{"depth 2", pg.NeighborhoodQuery{Center: cs, Depth: 2}, csDepth2, csEdges2, false},
		{"depth 3", pg.NeighborhoodQuery{Center: cs, Depth: 3}, csDepth3, without(traversable(), jgSuccJg), false},
		{"depth beyond reach", pg.NeighborhoodQuery{Center: cs, Depth: 6, Limit: 19}, csDepth3, without(traversable(), jgSuccJg), false},
		// Limits: the nearest first, then the lowest IDs at the cut depth.
		{"limit at the depth", pg.NeighborhoodQuery{Center: cs, Depth: 1, Limit: 5}, csDepth1, csEdges1, false},
		{"limit cuts the next depth", pg.NeighborhoodQuery{Center: cs, Depth: 2, Limit: 5}, csDepth1, csEdges1, true},
		{"limit within a depth", pg.NeighborhoodQuery{Center: cs, Depth: 2, Limit: 7}, csDepth2[:7],
			[]string{mxTradeCn, mxTradeUs, usEnTm, amLeadsMx, csAccDt, csLeadsMx, csOppTm, csSuccAm,
				dtAccCsA, dtAccCsB, dtAnnTm, dtLeadsUs, tmTgtMx}, true},
		{"limit of all", pg.NeighborhoodQuery{Center: cs, Depth: 2, Limit: 14}, csDepth2, csEdges2, false},
		{"limit of all but one", pg.NeighborhoodQuery{Center: cs, Depth: 2, Limit: 13}, csDepth2[:13],
			without(csEdges2, usEnSt, stTgtMx), true},
		{"limit of all but one, deeper", pg.NeighborhoodQuery{Center: cs, Depth: 3, Limit: 18}, csDepth3[:18],
			without(traversable(), jgSuccJg, usAnnEr, erTgtSc), true},
		{"limit of one", pg.NeighborhoodQuery{Center: cs, Depth: 2, Limit: 1}, []string{at(cs, 0)}, nil, true},
		{"hub cut by ID", pg.NeighborhoodQuery{Center: mx, Depth: 1, Limit: 4},
			[]string{at(mx, 0), at(cn, 1), at(us, 1), at(cj, 1)}, []string{mxTradeCn, mxTradeUs, cjOpMx}, true},
		// Edges are all relationships among the kept nodes, not only those
		// walked.
		{"out", pg.NeighborhoodQuery{Center: mx, Depth: 1, Direction: pg.Out},
			[]string{at(mx, 0), at(cn, 1), at(us, 1), at(ct, 1), at(ft, 1)},
			[]string{mxEnCt, mxOppFt, mxTradeCn, mxTradeUs, usEnFt, ctTgtCn}, false},
		{"in", pg.NeighborhoodQuery{Center: mx, Depth: 1, Direction: pg.In},
			[]string{at(mx, 0), at(cj, 1), at(sa, 1), at(sc, 1), at(am, 1), at(cs, 1), at(gg, 1), at(st, 1), at(tm, 1)},
			[]string{cjOpMx, saPartMx, scOpMx, amLeadsMx, csLeadsMx, csOppTm, csSuccAm, ggHoldsMx, stTgtMx, tmTgtMx}, false},
		{"out depth 2", pg.NeighborhoodQuery{Center: dt, Depth: 2, Direction: pg.Out},
			[]string{at(dt, 0), at(us, 1), at(cs, 1), at(tm, 1), at(mx, 2), at(am, 2), at(er, 2), at(ft, 2), at(st, 2)},
			without([]string{csLeadsMx, amLeadsMx, csSuccAm, dtLeadsUs, dtAnnTm, usEnTm, tmTgtMx, usEnFt, mxOppFt,
				mxTradeUs, dtAccCsA, dtAccCsB, csAccDt, csOppTm, usAnnEr, usEnSt, stTgtMx}), false},
		{"types", pg.NeighborhoodQuery{Center: mx, Depth: 2, Types: []pg.RelType{pg.OperatesIn, pg.Targets}},
			[]string{at(mx, 0), at(cj, 1), at(sc, 1), at(st, 1), at(tm, 1), at(ca, 2), at(er, 2), at(ft, 2)},
			[]string{cjOpMx, scOpMx, erTgtSc, ftTgtCj, ftTgtSc, stTgtCa, stTgtMx, tmTgtMx}, false},
		{"types and direction", pg.NeighborhoodQuery{Center: mx, Depth: 2, Types: []pg.RelType{pg.Targets}, Direction: pg.In},
			[]string{at(mx, 0), at(st, 1), at(tm, 1)}, []string{stTgtMx, tmTgtMx}, false},
		// QUOTED_IN and MENTIONS are never followed.
		{"untraversable types", pg.NeighborhoodQuery{Center: cs, Depth: 2, Types: []pg.RelType{pg.Mentions, pg.QuotedIn}},
			[]string{at(cs, 0)}, nil, false},
		{"self-loop", pg.NeighborhoodQuery{Center: jg, Depth: 2}, []string{at(jg, 0)}, []string{jgSuccJg}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkNeighborhood(t, s, tt.q, tt.nodes, tt.edges, tt.truncated) })
	}
}

// checkNeighborhood asks s for q's neighbourhood and checks its nodes
// ("id@depth"), edges and truncation.
func checkNeighborhood(t *testing.T, s pg.Store, q pg.NeighborhoodQuery, nodes, edges []string, truncated bool) pg.Subgraph {
	t.Helper()
	g, err := s.Neighborhood(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "nodes", nodeIDs(g.Nodes), nodes)
	same(t, "edges", relIDs(g.Edges), edges)
	if g.Truncated != truncated {
		t.Errorf("Truncated = %v, want %v", g.Truncated, truncated)
	}
	return g
}

// testHubs checks the hub rule of pg.NeighborhoodQuery and the degrees and
// hidden counts of a subgraph's nodes.
func testHubs(t *testing.T, s pg.Store) {
	csDepth1 := []string{at(cs, 0), at(mx, 1), at(am, 1), at(dt, 1), at(tm, 1)}
	tests := []struct {
		name      string
		q         pg.NeighborhoodQuery
		nodes     []string // "id@depth"
		edges     []string
		truncated bool
		degrees   []string // "id degree/hidden" of every node
	}{
		{"self-loop", pg.NeighborhoodQuery{Center: jg, Depth: 2}, []string{at(jg, 0)}, []string{jgSuccJg}, false,
			[]string{jg + " 1/0"}},
		// mx (degree 12) and us (8) are hubs above 6: kept, not walked
		// through, so us is reached from dt and tm only, and what they
		// lead to is not; their edge is found between the two hubs.
		{"hubs", pg.NeighborhoodQuery{Center: cs, Depth: 2, HubDegree: 6},
			append(csDepth1[:5:5], at(us, 2)),
			without([]string{csLeadsMx, amLeadsMx, csSuccAm, dtLeadsUs, dtAnnTm, usEnTm, tmTgtMx, mxTradeUs,
				dtAccCsA, dtAccCsB, csAccDt, csOppTm}), false,
			[]string{cs + " 6/0", mx + " 12/8", am + " 2/0", dt + " 5/0", tm + " 4/0", us + " 8/5"}},
		// The centre is walked whatever its degree.
		{"hub at the centre", pg.NeighborhoodQuery{Center: mx, Depth: 1, HubDegree: 1, Types: []pg.RelType{pg.TradesWith}},
			[]string{at(mx, 0), at(cn, 1), at(us, 1)}, []string{mxTradeCn, mxTradeUs}, false,
			[]string{mx + " 2/0", cn + " 1/0", us + " 1/0"}},
		{"hidden by the limit", pg.NeighborhoodQuery{Center: cs, Depth: 1, Limit: 2},
			[]string{at(cs, 0), at(mx, 1)}, []string{csLeadsMx}, true,
			[]string{cs + " 6/5", mx + " 12/11"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := checkNeighborhood(t, s, tt.q, tt.nodes, tt.edges, tt.truncated)
			var got []string
			for _, n := range g.Nodes {
				got = append(got, fmt.Sprintf("%s %d/%d", n.Entity.ID, n.Degree, n.Hidden))
			}
			same(t, "degrees", got, tt.degrees)
		})
	}
}

// pathString renders a path as "a -r1- b -r2- c".
func pathString(p *pg.Path) string {
	if p == nil {
		return "<nil>"
	}
	var b strings.Builder
	for i, n := range p.Nodes {
		if i > 0 {
			if i-1 < len(p.Edges) {
				fmt.Fprintf(&b, " -%s- ", p.Edges[i-1].ID)
			} else {
				b.WriteString(" -?- ")
			}
		}
		b.WriteString(n.ID)
	}
	if len(p.Edges) != max(len(p.Nodes)-1, 0) {
		fmt.Fprintf(&b, " (%d edges)", len(p.Edges))
	}
	return b.String()
}

// path builds the expected rendering from alternating nodes and edges.
func path(parts ...string) string {
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			fmt.Fprintf(&b, " -%s- ", p)
		} else {
			b.WriteString(p)
		}
	}
	return b.String()
}

func testShortestPath(t *testing.T, s pg.Store) {
	tests := []struct {
		name string
		q    pg.PathQuery
		want string // "<nil>" for none
	}{
		// Three paths of two hops, through mx, dt and tm: the lowest ID wins.
		{"lowest IDs", pg.PathQuery{From: cs, To: us, MaxHops: 4}, path(cs, csLeadsMx, mx, mxTradeUs, us)},
		{"either direction", pg.PathQuery{From: us, To: cs, MaxHops: 4}, path(us, mxTradeUs, mx, csLeadsMx, cs)},
		// Three accusations, two from dt and one to it: the lowest
		// relationship ID, whichever way it points.
		{"parallel edges", pg.PathQuery{From: dt, To: cs, MaxHops: 4}, path(dt, csAccDt, cs)},
		{"parallel edges reversed", pg.PathQuery{From: cs, To: dt, MaxHops: 4}, path(cs, csAccDt, dt)},
		{"types", pg.PathQuery{From: cs, To: us, MaxHops: 4, Types: []pg.RelType{pg.Accused, pg.Leads}},
			path(cs, csAccDt, dt, dtLeadsUs, us)},
		{"types without a path", pg.PathQuery{From: cs, To: us, MaxHops: 4, Types: []pg.RelType{pg.Leads}}, "<nil>"},
		{"untraversable types", pg.PathQuery{From: dt, To: cs, MaxHops: 4, Types: []pg.RelType{pg.QuotedIn, pg.Mentions}}, "<nil>"},
		{"max hops enough", pg.PathQuery{From: cs, To: cn, MaxHops: 2}, path(cs, csLeadsMx, mx, mxTradeCn, cn)},
		{"max hops too small", pg.PathQuery{From: cs, To: cn, MaxHops: 1}, "<nil>"},
		{"three hops", pg.PathQuery{From: cs, To: ca, MaxHops: 3}, path(cs, csLeadsMx, mx, stTgtMx, st, stTgtCa, ca)},
		{"same node", pg.PathQuery{From: cs, To: cs, MaxHops: 3}, path(cs)},
		{"same node, no hops", pg.PathQuery{From: cs, To: cs}, path(cs)},
		{"unreachable", pg.PathQuery{From: jg, To: mx, MaxHops: 6}, "<nil>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := s.ShortestPath(t.Context(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := pathString(p); got != tt.want {
				t.Errorf("ShortestPath(%+v):\ngot  %s\nwant %s", tt.q, got, tt.want)
			}
		})
	}
}

func testPaths(t *testing.T, s pg.Store) {
	two := []string{
		path(cs, csLeadsMx, mx, mxTradeUs, us),
		path(cs, csAccDt, dt, dtLeadsUs, us),
		path(cs, dtAccCsA, dt, dtLeadsUs, us),
		path(cs, dtAccCsB, dt, dtLeadsUs, us),
		path(cs, csOppTm, tm, usEnTm, us),
	}
	three := []string{
		path(cs, csLeadsMx, mx, mxOppFt, ft, usEnFt, us),
		path(cs, csLeadsMx, mx, stTgtMx, st, usEnSt, us),
		path(cs, csLeadsMx, mx, tmTgtMx, tm, usEnTm, us),
		path(cs, csSuccAm, am, amLeadsMx, mx, mxTradeUs, us),
		path(cs, csAccDt, dt, dtAnnTm, tm, usEnTm, us),
		path(cs, dtAccCsA, dt, dtAnnTm, tm, usEnTm, us),
		path(cs, dtAccCsB, dt, dtAnnTm, tm, usEnTm, us),
		path(cs, csOppTm, tm, tmTgtMx, mx, mxTradeUs, us),
		path(cs, csOppTm, tm, dtAnnTm, dt, dtLeadsUs, us),
	}
	tests := []struct {
		name string
		q    pg.PathQuery
		n    int
		want []string
	}{
		{"shortest only", pg.PathQuery{From: cs, To: us, MaxHops: 2}, 10, two},
		{"first n", pg.PathQuery{From: cs, To: us, MaxHops: 2}, 3, two[:3]},
		{"into longer", pg.PathQuery{From: cs, To: us, MaxHops: 3}, 7, append(two[:5:5], three[:2]...)},
		{"all within three hops", pg.PathQuery{From: cs, To: us, MaxHops: 3}, 100, append(two[:5:5], three...)},
		// dt-cs-dt-us is within reach but not simple.
		{"simple paths only", pg.PathQuery{From: dt, To: us, MaxHops: 3}, 100, []string{
			path(dt, dtLeadsUs, us),
			path(dt, dtAnnTm, tm, usEnTm, us),
			path(dt, csAccDt, cs, csLeadsMx, mx, mxTradeUs, us),
			path(dt, dtAccCsA, cs, csLeadsMx, mx, mxTradeUs, us),
			path(dt, dtAccCsB, cs, csLeadsMx, mx, mxTradeUs, us),
			path(dt, csAccDt, cs, csOppTm, tm, usEnTm, us),
			path(dt, dtAccCsA, cs, csOppTm, tm, usEnTm, us),
			path(dt, dtAccCsB, cs, csOppTm, tm, usEnTm, us),
			path(dt, dtAnnTm, tm, tmTgtMx, mx, mxTradeUs, us),
		}},
		{"types", pg.PathQuery{From: cs, To: us, MaxHops: 3, Types: []pg.RelType{pg.Leads, pg.TradesWith, pg.Opposes}}, 10,
			[]string{path(cs, csLeadsMx, mx, mxTradeUs, us)}},
		{"max hops too small", pg.PathQuery{From: cs, To: us, MaxHops: 1}, 10, nil},
		{"adjacent", pg.PathQuery{From: dt, To: cs, MaxHops: 1}, 10,
			[]string{path(dt, csAccDt, cs), path(dt, dtAccCsA, cs), path(dt, dtAccCsB, cs)}},
		{"same node", pg.PathQuery{From: cs, To: cs, MaxHops: 3}, 10, []string{path(cs)}},
		{"none asked", pg.PathQuery{From: cs, To: us, MaxHops: 3}, 0, nil},
		{"unreachable", pg.PathQuery{From: jg, To: mx, MaxHops: 6}, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := s.Paths(t.Context(), tt.q, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]string, len(ps))
			for i := range ps {
				got[i] = pathString(&ps[i])
			}
			same(t, fmt.Sprintf("Paths(%+v, %d)", tt.q, tt.n), got, tt.want)
		})
	}
}

// event renders a timeline event as "id date".
func event(id string, date pg.Date) string { return id + " " + string(date) }

func testTimeline(t *testing.T, s pg.Store) {
	// Every dated event: same floors are ordered policies first, then ID;
	// "2025" floors to 2025-01-01 and "2025-02" to 2025-02-01.
	var (
		e01 = event(ggHoldsMx, "2006-12")
		e02 = event(amLeadsMx, "2018-12")
		e03 = event(jgSuccJg, "2024")
		e04 = event(csLeadsMx, "2024-10-01")
		e05 = event(csSuccAm, "2024-10-01")
		e06 = event(ct, "2025")
		e07 = event(mxEnCt, "2025")
		e08 = event(dtLeadsUs, "2025-01-20")
		e09 = event(mrHoldsUs, "2025-01-21")
		e10 = event(mrLeadsSd, "2025-01-21")
		e11 = event(tm, "2025-02")
		e12 = event(dtAccCsA, "2025-02")
		e13 = event(dtAnnTm, "2025-02-01")
		e14 = event(ft, "2025-02-19")
		e15 = event(usEnFt, "2025-02-19")
		e16 = event(dtAccCsB, "2025-03-02")
		e17 = event(st, "2025-03-12")
		eq  = event(dtQuotedAlpha, "2025-03-10") // QUOTED_IN: only when asked for
	)
	everything := []string{e01, e02, e03, e04, e05, e06, e07, e08, e09, e10, e11, e12, e13, e14, e15, e16, e17}
	tests := []struct {
		name string
		q    pg.TimelineQuery
		want []string
	}{
		{"everything", pg.TimelineQuery{}, everything},
		{"month", pg.TimelineQuery{From: "2025-02", To: "2025-02"}, []string{e11, e12, e13, e14, e15}},
		{"year", pg.TimelineQuery{From: "2025", To: "2025"}, everything[5:]},
		{"from", pg.TimelineQuery{From: "2025-02-19"}, []string{e14, e15, e16, e17}},
		{"to", pg.TimelineQuery{To: "2024"}, []string{e01, e02, e03, e04, e05}},
		{"limit", pg.TimelineQuery{Limit: 3}, []string{e01, e02, e03}},
		{"range and limit", pg.TimelineQuery{From: "2025", Limit: 2}, []string{e06, e07}},
		{"policy types", pg.TimelineQuery{From: "2025-02", To: "2025-02", PolicyTypes: []string{"designation"}}, []string{e12, e13, e14, e15}},
		// Types choose relationships; policies stay.
		{"types", pg.TimelineQuery{Types: []pg.RelType{pg.Leads}}, []string{e02, e04, e06, e08, e10, e11, e14, e17}},
		{"entity", pg.TimelineQuery{Entity: cs}, []string{e04, e05, e11, e12, e16}},
		{"policy entity", pg.TimelineQuery{Entity: tm}, []string{e11, e13}},
		{"hub", pg.TimelineQuery{Entity: mx}, []string{e01, e02, e04, e06, e07, e11, e14, e17}},
		{"hub, policy types", pg.TimelineQuery{Entity: mx, PolicyTypes: []string{"tariff"}}, []string{e01, e02, e04, e06, e07, e11, e17}},
		{"hub, types", pg.TimelineQuery{Entity: mx, Types: []pg.RelType{pg.Enacted}}, []string{e06, e07, e11, e14, e17}},
		{"hub, days", pg.TimelineQuery{Entity: mx, From: "2025-01-01", To: "2025-02-01"}, []string{e06, e07, e11}},
		{"hub, limit", pg.TimelineQuery{Entity: mx, Limit: 2}, []string{e01, e02}},
		{"other hub", pg.TimelineQuery{Entity: us}, []string{e08, e09, e11, e14, e15, e17}},
		{"self-loop", pg.TimelineQuery{Entity: jg}, []string{e03}},
		{"nothing dated", pg.TimelineQuery{Entity: er}, nil},
		// Asked types that join entities to sources count too.
		{"non-traversable types", pg.TimelineQuery{Entity: dt, Types: []pg.RelType{pg.QuotedIn}}, []string{e11, eq}},
		{"non-traversable types, whole graph", pg.TimelineQuery{From: "2025-03", Types: []pg.RelType{pg.QuotedIn, pg.Mentions}}, []string{eq, e17}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := s.Timeline(t.Context(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]string, len(evs))
			for i, e := range evs {
				switch {
				case e.Policy != nil && e.Relationship == nil:
					got[i] = event(e.Policy.ID, e.Date)
				case e.Relationship != nil && e.Policy == nil:
					got[i] = event(e.Relationship.ID, e.Date)
				default:
					got[i] = fmt.Sprintf("bad event %+v", e)
				}
			}
			same(t, fmt.Sprintf("Timeline(%+v)", tt.q), got, tt.want)
		})
	}
}
