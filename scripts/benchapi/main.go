// Command benchapi measures policygraph's GraphQL API against two baselines
// that are not our code, in one run over the same Neo4j database:
//
//   - the floor: for each scenario one hand-written Cypher statement, as an
//     expert would write it (index-led, typed and directed patterns), sent
//     through neo4j-go-driver, returning what the GraphQL query returns;
//   - the peer: @neo4j/graphql (scripts/benchpeer) over HTTP, with type
//     definitions for our labels and relationship types.
//
// Before timing a scenario it sends a sample of its requests to all three
// and fails the scenario when any returns other IDs than ours. Then the three
// are timed interleaved: the requests go in batches, each batch to every
// system in turn (the order rotating), so that load from the rest of the
// machine falls on all alike. It prints p50/p95 latency and throughput per
// system, the ratios of our p50 to the floor's and the peer's, and how many
// Cypher statements our server sent per request (from its /metrics).
//
//	go run ./scripts/benchapi -url http://127.0.0.1:8080 -peer http://127.0.0.1:7780 -n 400 -c 1,16
//	go run ./scripts/benchapi -types   # the traversable types, for the peer
//
// Neo4j comes from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/store/neo4j"
)

// vars are the parameters of one request, from which each system builds
// its own: our GraphQL variables, the floor's Cypher parameters, the
// peer's GraphQL variables.
type vars = map[string]any

// scenario is one kind of request, asked of the three systems.
type scenario struct {
	name string
	gen  func(r *rand.Rand) vars

	ours    string   // GraphQL of policygraph, with vars as variables
	oursIDs []string // paths of the IDs to compare, into its data

	// floor is one Cypher statement with vars as parameters; it returns
	// columns shaped like our data, so oursIDs apply to it too.
	floor    string
	floorFor func(v vars) string // instead of floor, where the statement depends on the request

	peer    func(v vars) (query string, variables vars)
	peerIDs []string // the same IDs, in the same order, in the peer's data
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "policygraph serve base URL")
	peerURL := flag.String("peer", "http://127.0.0.1:7780", "benchpeer (@neo4j/graphql) base URL")
	n := flag.Int("n", 400, "requests per scenario and concurrency")
	conc := flag.String("c", "1,16", "comma-separated concurrencies")
	check := flag.Int("check", 20, "requests per scenario whose IDs are compared before timing")
	label := flag.String("label", "graph", "name of the graph, printed with the results")
	only := flag.String("only", "", "run only scenarios whose name contains this")
	hub := flag.Int("hub-degree", pg.DefaultHubDegree, "the neighbourhood's hubDegree: entities of a higher degree are not walked through")
	types := flag.Bool("types", false, "print the traversable relationship types as A|B|C and exit")
	flag.Parse()
	if *types {
		fmt.Println(traversable())
		return
	}

	ctx := context.Background()
	driver, err := neo4j.Connect(ctx, neo4j.ConfigFromEnv(), neo4jdrv.AccessModeRead)
	if err != nil {
		fail(err)
	}
	defer func() { _ = driver.Close(ctx) }() // the benchmark is over
	db := os.Getenv("NEO4J_DATABASE")
	floor := func(ctx context.Context, cypher string, params vars) (any, error) {
		res, err := neo4jdrv.ExecuteQuery(ctx, driver, cypher, params, neo4jdrv.EagerResultTransformer,
			neo4jdrv.ExecuteQueryWithDatabase(db), neo4jdrv.ExecuteQueryWithReadersRouting())
		if err != nil {
			return nil, err
		}
		switch len(res.Records) {
		case 0:
			return map[string]any{}, nil
		case 1:
			return res.Records[0].AsMap(), nil
		}
		return nil, fmt.Errorf("floor: %d records, want one", len(res.Records))
	}
	smp, err := sample(ctx, floor)
	if err != nil {
		fail(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	systems := []system{
		{name: "ours", do: func(ctx context.Context, sc scenario, v vars) (any, error) {
			return post(ctx, client, *url+"/graphql", sc.ours, v)
		}},
		{name: "floor", do: func(ctx context.Context, sc scenario, v vars) (any, error) {
			if sc.floorFor != nil {
				return floor(ctx, sc.floorFor(v), v)
			}
			return floor(ctx, sc.floor, v)
		}},
		{name: "peer", do: func(ctx context.Context, sc scenario, v vars) (any, error) {
			q, pv := sc.peer(v)
			return post(ctx, client, *peerURL+"/graphql", q, pv)
		}},
	}

	fmt.Printf("# %s: %d people, %d organizations/countries, %d organizations with OPERATES_IN, %d/%d enacted/targeted (entity, status) pairs, %d names sampled; %d requests per cell, %d checked\n",
		*label, len(smp.people), len(smp.groups), len(smp.orgs), len(smp.enacted), len(smp.targeted), len(smp.words), *n, *check)
	fmt.Printf("# ours: policygraph GraphQL over HTTP; floor: one hand-written Cypher statement through the Go driver; peer: @neo4j/graphql over HTTP. p50/p95 in ms; ratios of p50; stmts: Cypher statements per request of ours (floor: 1)\n")
	fmt.Printf("%-22s %4s | %8s %8s %6s | %8s %8s %6s | %8s %8s %6s | %7s %7s | %5s\n", "scenario", "conc",
		"ours p50", "p95", "rps", "flr p50", "p95", "rps", "peer p50", "p95", "rps", "o/floor", "o/peer", "stmts")
	failed := 0
	for _, sc := range scenarios(smp, *hub) {
		if *only != "" && !strings.Contains(sc.name, *only) {
			continue
		}
		if !sc.usable() {
			fmt.Printf("%-22s      skipped: the graph has nothing to ask this about\n", sc.name)
			continue
		}
		reqs := requests(sc, max(*n, *check))
		if err := compare(ctx, sc, systems, reqs[:min(*check, len(reqs))]); err != nil {
			fmt.Printf("%-22s      FAILED the ID check: %v\n", sc.name, err)
			failed++
			continue
		}
		for _, cs := range strings.Split(*conc, ",") {
			c, err := strconv.Atoi(cs)
			if err != nil || c < 1 {
				fail(fmt.Errorf("bad concurrency %q", cs))
			}
			before, okBefore := statements(ctx, client, *url)
			res := interleave(ctx, sc, systems, reqs[:*n], c)
			after, okAfter := statements(ctx, client, *url)
			stmts := "n/a"
			if okBefore && okAfter {
				stmts = fmt.Sprintf("%.1f", (after-before)/float64(*n))
			}
			o, f, p := res[0], res[1], res[2]
			fmt.Printf("%-22s %4d | %8s %8s %6.0f | %8s %8s %6.0f | %8s %8s %6.0f | %6.2fx %6.2fx | %5s\n", sc.name, c,
				ms(o.p50), ms(o.p95), o.rps, ms(f.p50), ms(f.p95), f.rps, ms(p.p50), ms(p.p95), p.rps,
				ratio(o.p50, f.p50), ratio(o.p50, p.p50), stmts)
			for i, r := range res {
				if r.errs > 0 {
					fmt.Printf("%-22s      %s: %d errors, the first: %.300v\n", "", systems[i].name, r.errs, r.firstErr)
				}
			}
		}
	}
	if failed > 0 {
		fmt.Printf("# %d scenarios FAILED the ID check and were not timed\n", failed)
		os.Exit(1)
	}
}

// traversable is the alternation of the entity-to-entity relationship
// types, "LEADS|HOLDS_OFFICE|...", which every traversal follows.
func traversable() string {
	var ts []string
	for _, t := range pg.TraversableTypes() {
		ts = append(ts, string(t))
	}
	return strings.Join(ts, "|")
}

// samples are the entities and words that requests are drawn from.
type samples struct {
	people, groups, orgs []string
	enacted, targeted    [][2]string // entity ID, status
	words, prefixes      []string
}

// sample asks the database, through the floor's driver, for what the
// scenarios ask about. The order is Neo4j's store order: no sort, so that
// hubs are not over-represented by their low IDs.
func sample(ctx context.Context, floor func(context.Context, string, vars) (any, error)) (samples, error) {
	var s samples
	list := func(cypher string) ([]any, error) {
		v, err := floor(ctx, "CALL () { "+cypher+" } RETURN collect(x) AS l", nil)
		if err != nil {
			return nil, fmt.Errorf("sample: %w", err)
		}
		l, _ := v.(map[string]any)["l"].([]any)
		return l, nil
	}
	strs := func(cypher string) ([]string, error) {
		l, err := list(cypher)
		var out []string
		for _, x := range l {
			out = append(out, x.(string))
		}
		return out, err
	}
	pairs := func(cypher string) ([][2]string, error) {
		l, err := list(cypher)
		var out [][2]string
		for _, x := range l {
			p := x.([]any)
			out = append(out, [2]string{p[0].(string), p[1].(string)})
		}
		return out, err
	}
	var err error
	if s.people, err = strs("MATCH (n:Person) RETURN n.id AS x LIMIT 300"); err != nil {
		return s, err
	}
	if s.groups, err = strs("CALL () { MATCH (n:Organization) RETURN n LIMIT 150 UNION MATCH (n:Country) RETURN n LIMIT 50 } RETURN n.id AS x"); err != nil {
		return s, err
	}
	if s.orgs, err = strs("MATCH (n:Organization) WHERE EXISTS { (n)-[:OPERATES_IN]->(:Country) } RETURN n.id AS x LIMIT 200"); err != nil {
		return s, err
	}
	if s.enacted, err = pairs("MATCH (a:Entity)-[:ENACTED|ANNOUNCED]->(p:Policy) WHERE p.status IS NOT NULL WITH DISTINCT a.id AS a, p.status AS st LIMIT 300 RETURN [a, st] AS x"); err != nil {
		return s, err
	}
	if s.targeted, err = pairs("MATCH (p:Policy)-[:TARGETS]->(a:Entity) WHERE p.status IS NOT NULL WITH DISTINCT a.id AS a, p.status AS st LIMIT 300 RETURN [a, st] AS x"); err != nil {
		return s, err
	}
	names, err := strs("CALL () { MATCH (n:Person) RETURN n LIMIT 150 UNION MATCH (n:Organization) RETURN n LIMIT 150 } RETURN n.name AS x")
	if err != nil {
		return s, err
	}
	for _, name := range names {
		toks := pg.Tokens(name)
		if len(toks) == 0 {
			continue
		}
		w := toks[len(toks)-1]
		s.words = append(s.words, w)
		if r := []rune(w); len(r) >= 3 {
			s.prefixes = append(s.prefixes, string(r[:3]))
		}
	}
	if len(s.people) == 0 || len(s.groups) == 0 {
		return s, errors.New("the graph has no people or no organizations: load a dataset first")
	}
	return s, nil
}

func pick[T any](r *rand.Rand, l []T) T { return l[r.IntN(len(l))] }

// usable reports whether the samples hold what the scenario draws from:
// gen panics on an empty list.
func (sc scenario) usable() (ok bool) {
	defer func() { ok = recover() == nil }()
	sc.gen(rand.New(rand.NewPCG(0, 0)))
	return true
}

// requests draws n requests from a seeded source, the same sequence for
// every system and concurrency.
func requests(sc scenario, n int) []vars {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]vars, n)
	for i := range out {
		out[i] = sc.gen(r)
	}
	return out
}

// The floor's statements follow. Each anchors on a unique-ID index (or the
// full-text index), names its relationship types and directions, and
// counts and pages in the same statement.

// searchRank is policygraph.Score (search.go) in Cypher, over the
// normalized names the loader keeps in searchNames (the name first);
// $text is normalized already. scripts/benchpeer/server.js has the same.
const searchRank = `WITH split($text, ' ') AS tokens
WITH tokens, reduce(s = '', t IN tokens | s + CASE WHEN s = '' THEN '' ELSE ' AND ' END + t + '*') AS lucene
CALL db.index.fulltext.queryNodes('entity_search', lucene) YIELD node
WITH node, tokens, [n IN node.searchNames | split(n, ' ')] AS words
WHERE all(t IN tokens WHERE any(ws IN words WHERE any(w IN ws WHERE w STARTS WITH t)))
WITH node, [i IN range(0, size(words) - 1) | CASE
    WHEN node.searchNames[i] = $text THEN 100
    WHEN node.searchNames[i] STARTS WITH $text THEN 80
    WHEN all(t IN tokens WHERE t IN words[i]) THEN 60
    WHEN all(t IN tokens WHERE any(w IN words[i] WHERE w STARTS WITH t)) THEN 40
    ELSE 0 END - CASE WHEN i > 0 THEN 10 ELSE 0 END] AS scores
WITH node, reduce(best = 10, s IN scores | CASE WHEN s > best THEN s ELSE best END) AS score
WITH node, score ORDER BY score DESC, node.name, node.id
WITH collect({score: score, node: node {.id, .name, .kind}}) AS hits
RETURN {totalCount: size(hits), edges: hits[0..10]} AS search`

const searchOurs = `query($text: String!) { search(text: $text, first: 10) { totalCount
  edges { score node { id name kind } } } }`

func searchPeer(v vars) (string, vars) {
	return `query($text: String!) { rankedSearch(text: $text, first: 10) { total hits { id name kind score } } }`,
		vars{"text": v["text"]}
}

var (
	searchIDs     = []string{"search.totalCount", "search.edges.*.node.id", "search.edges.*.score"}
	searchPeerIDs = []string{"rankedSearch.total", "rankedSearch.hits.*.id", "rankedSearch.hits.*.score"}
)

func scenarios(s samples, hub int) []scenario {
	T := traversable()
	return []scenario{
		{
			name: "entity+relationships",
			gen:  func(r *rand.Rand) vars { return vars{"id": pick(r, s.people)} },
			ours: `query($id: ID!) { entity(id: $id) { id name kind
  relationships(first: 20) { totalCount edges { direction node { id name kind }
    relationship { id type role status date evidence { quote source { id } } } } } } }`,
			oursIDs: []string{"entity.id", "entity.relationships.totalCount",
				"entity.relationships.edges.*.relationship.id", "entity.relationships.edges.*.node.id"},
			floor: `MATCH (n:Entity {id: $id})
CALL (n) {
  MATCH (n)-[r:` + T + `]-(m:Entity)
  WITH r, m ORDER BY type(r), r.id LIMIT 20
  RETURN collect({direction: CASE WHEN startNode(r) = n THEN 'OUT' ELSE 'IN' END, node: m {.id, .name, .kind},
    relationship: r {.id, type: type(r), .role, .status, .date, .evidenceQuotes, .evidenceSources}}) AS edges
}
RETURN {id: n.id, name: n.name, kind: n.kind,
  relationships: {totalCount: COUNT { (n)-[:` + T + `]-() }, edges: edges}} AS entity`,
			peer: func(v vars) (string, vars) {
				return `query($id: ID!) { people(where: {id: {eq: $id}}) { id name kind relationshipCount
  relationshipsPage(first: 20) { id type direction role status date evidenceQuotes evidenceSources nodeId nodeName nodeKind } } }`, v
			},
			peerIDs: []string{"people.*.id", "people.*.relationshipCount",
				"people.*.relationshipsPage.*.id", "people.*.relationshipsPage.*.nodeId"},
		},
		{
			// Organization -OPERATES_IN-> Country <-TARGETS- Policy: two
			// typed hops, each a connection ordered by relationship ID.
			name: "two-hop selection",
			gen:  func(r *rand.Rand) vars { return vars{"id": pick(r, s.orgs)} },
			ours: `query($id: ID!) { entity(id: $id) { id name ... on Organization {
  operatesIn(first: 5) { totalCount edges { node { id name ... on Country {
    policiesTargeting(first: 5) { totalCount edges { node { id name } } } } } } } } } }`,
			oursIDs: []string{"entity.id", "entity.operatesIn.totalCount", "entity.operatesIn.edges.*.node.id",
				"entity.operatesIn.edges.*.node.policiesTargeting.totalCount",
				"entity.operatesIn.edges.*.node.policiesTargeting.edges.*.node.id"},
			floor: `MATCH (o:Organization {id: $id})
CALL (o) {
  MATCH (o)-[r:OPERATES_IN]->(c:Country)
  WITH r, c ORDER BY r.id LIMIT 5
  CALL (c) {
    MATCH (c)<-[t:TARGETS]-(p:Policy)
    WITH t, p ORDER BY t.id LIMIT 5
    RETURN collect({node: p {.id, .name}}) AS targeting
  }
  RETURN collect({node: c {.id, .name,
    policiesTargeting: {totalCount: COUNT { (c)<-[:TARGETS]-() }, edges: targeting}}}) AS edges
}
RETURN {id: o.id, name: o.name, operatesIn: {totalCount: COUNT { (o)-[:OPERATES_IN]->() }, edges: edges}} AS entity`,
			peer: func(v vars) (string, vars) {
				return `query($id: ID!) { organizations(where: {id: {eq: $id}}) { id name
  operatesInConnection(first: 5, sort: [{edge: {id: ASC}}]) { totalCount edges { node { id name
    policiesTargetingConnection(first: 5, sort: [{edge: {id: ASC}}]) { totalCount edges { node { id name } } } } } } } }`, v
			},
			peerIDs: []string{"organizations.*.id", "organizations.*.operatesInConnection.totalCount",
				"organizations.*.operatesInConnection.edges.*.node.id",
				"organizations.*.operatesInConnection.edges.*.node.policiesTargetingConnection.totalCount",
				"organizations.*.operatesInConnection.edges.*.node.policiesTargetingConnection.edges.*.node.id"},
		},
		{
			// Every other request filters by who enacted or announced the
			// policy, the others by whom it targets; both by one status.
			name: "filtered policy list",
			gen: func(r *rand.Rand) vars {
				if r.IntN(2) == 0 {
					p := pick(r, s.enacted)
					return vars{"by": p[0], "target": nil, "status": p[1], "statuses": []string{strings.ToUpper(p[1])}, "stored": []string{p[1]}}
				}
				p := pick(r, s.targeted)
				return vars{"by": nil, "target": p[0], "status": p[1], "statuses": []string{strings.ToUpper(p[1])}, "stored": []string{p[1]}}
			},
			ours: `query($by: ID, $target: ID, $statuses: [Status!]) {
  policies(enactedBy: $by, target: $target, statuses: $statuses, first: 20) { totalCount
    edges { node { id name status } } } }`,
			oursIDs: []string{"policies.totalCount", "policies.edges.*.node.id"},
			floorFor: func(v vars) string {
				match := "MATCH (:Entity {id: $by})-[:ENACTED|ANNOUNCED]->(p:Policy)"
				if v["by"] == nil {
					match = "MATCH (:Entity {id: $target})<-[:TARGETS]-(p:Policy)"
				}
				return match + ` WHERE p.status IN $stored
WITH DISTINCT p ORDER BY p.name, p.id
WITH collect(p {.id, .name, .status}) AS ps
RETURN {totalCount: size(ps), edges: [x IN ps[0..20] | {node: x}]} AS policies`
			},
			peer: func(v vars) (string, vars) {
				if v["by"] != nil {
					return `query($by: ID!, $stored: [String!]) { policiesConnection(first: 20, sort: [{name: ASC}, {id: ASC}],
  where: {status: {in: $stored}, OR: [{enactors: {some: {id: {eq: $by}}}}, {announcers: {some: {id: {eq: $by}}}}]}) {
  totalCount edges { node { id name status } } } }`, vars{"by": v["by"], "stored": v["stored"]}
				}
				return `query($target: ID!, $stored: [String!]) { policiesConnection(first: 20, sort: [{name: ASC}, {id: ASC}],
  where: {status: {in: $stored}, targets: {some: {id: {eq: $target}}}}) {
  totalCount edges { node { id name status } } } }`, vars{"target": v["target"], "stored": v["stored"]}
			},
			peerIDs: []string{"policiesConnection.totalCount", "policiesConnection.edges.*.node.id"},
		},
		{
			name:    "word search",
			gen:     func(r *rand.Rand) vars { return vars{"text": pick(r, s.words)} },
			ours:    searchOurs,
			oursIDs: searchIDs,
			floor:   searchRank,
			peer:    searchPeer,
			peerIDs: searchPeerIDs,
		},
		{
			name:    "prefix search",
			gen:     func(r *rand.Rand) vars { return vars{"text": pick(r, s.prefixes)} },
			ours:    searchOurs,
			oursIDs: searchIDs,
			floor:   searchRank,
			peer:    searchPeer,
			peerIDs: searchPeerIDs,
		},
		{
			// The first of the shortest paths in node-ID, then edge-ID order:
			// the contract's choice among equal paths.
			name: "shortest path",
			gen: func(r *rand.Rand) vars {
				return vars{"from": pick(r, s.people), "to": pick(r, s.groups)}
			},
			ours: `query($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to, maxHops: 4) { length
  nodes { id name } edges { id type source target } } }`,
			oursIDs: []string{"shortestPath.length", "shortestPath.nodes.*.id", "shortestPath.edges.*.id"},
			floor: `MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
MATCH p = allShortestPaths((a)-[:` + T + `*..4]-(b))
WITH p ORDER BY [x IN nodes(p) | x.id], [x IN relationships(p) | x.id] LIMIT 1
RETURN {length: length(p), nodes: [x IN nodes(p) | x {.id, .name}],
  edges: [x IN relationships(p) | {id: x.id, type: type(x), source: startNode(x).id, target: endNode(x).id}]} AS shortestPath`,
			peer: func(v vars) (string, vars) {
				return `query($from: ID!, $to: ID!) { firstShortestPath(from: $from, to: $to) { length
  nodes { id name } edges { id type source target } } }`, v
			},
			peerIDs: []string{"firstShortestPath.length", "firstShortestPath.nodes.*.id", "firstShortestPath.edges.*.id"},
		},
		{
			// Breadth first: each level keeps the lowest new IDs that fit
			// under the limit, and hubs (degree above hubDegree) are not
			// walked through; then every relationship among the kept, which
			// hubs' relationships are not expanded for but between hubs.
			name: "neighborhood depth 2",
			gen:  func(r *rand.Rand) vars { return vars{"id": pick(r, s.people), "limit": 100, "hub": hub} },
			ours: `query($id: ID!, $hub: Int) { neighborhood(id: $id, depth: 2, limit: 100, hubDegree: $hub) { truncated
  nodes { id label kind depth } edges { id type source target } } }`,
			oursIDs: []string{"neighborhood.truncated", "neighborhood.nodes.*.id", "neighborhood.nodes.*.depth", "neighborhood.edges.*.id"},
			floor: `MATCH (c:Entity {id: $id})
CALL (c) {
  OPTIONAL MATCH (c)-[:` + T + `]-(b:Entity) WHERE b <> c
  WITH DISTINCT b ORDER BY b.id LIMIT $limit
  RETURN collect(b) AS l1
}
WITH c, l1[..$limit - 1] AS d1, size(l1) > $limit - 1 AS t1
CALL (c, d1, t1) {
  UNWIND CASE WHEN t1 THEN [] ELSE d1 END AS x
  WITH x WHERE COUNT { (x)-[:` + T + `]-() } <= $hub
  MATCH (x)-[:` + T + `]-(b:Entity) WHERE b <> c AND NOT b IN d1
  WITH DISTINCT b ORDER BY b.id LIMIT $limit
  RETURN collect(b) AS l2
}
WITH c, d1, t1, l2[..$limit - 1 - size(d1)] AS d2, size(l2) > $limit - 1 - size(d1) AS t2
WITH c, d1, d2, t1 OR t2 AS truncated, [c] + d1 + d2 AS kept
WITH c, d1, d2, truncated, kept, [x IN kept WHERE COUNT { (x)-[:` + T + `]-() } > $hub] AS hubs
CALL (kept, hubs) {
  CALL (kept, hubs) {
    UNWIND kept AS a
    WITH a WHERE NOT a IN hubs
    MATCH (a)-[r:` + T + `]-(b) WHERE b IN kept
    RETURN r
    UNION
    UNWIND hubs AS a
    UNWIND hubs AS b
    MATCH (a)-[r:` + T + `]->(b)
    RETURN r
  }
  WITH r ORDER BY r.id
  RETURN collect({id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id}) AS edges
}
RETURN {truncated: truncated,
  nodes: [{id: c.id, label: c.name, kind: c.kind, depth: 0}]
    + [x IN d1 | {id: x.id, label: x.name, kind: x.kind, depth: 1}]
    + [x IN d2 | {id: x.id, label: x.name, kind: x.kind, depth: 2}],
  edges: edges} AS neighborhood`,
			peer: func(v vars) (string, vars) {
				return `query($id: ID!, $hub: Int) { neighborhood2(id: $id, limit: 100, hub: $hub) { truncated
  nodes { id label kind depth } edges { id type source target } } }`, vars{"id": v["id"], "hub": v["hub"]}
			},
			peerIDs: []string{"neighborhood2.truncated", "neighborhood2.nodes.*.id", "neighborhood2.nodes.*.depth", "neighborhood2.edges.*.id"},
		},
	}
}

// system is one of the three: ours, the floor, the peer.
type system struct {
	name string
	do   func(ctx context.Context, sc scenario, v vars) (any, error)
}

// compare sends each request to every system in turn and fails on the first
// whose IDs differ from ours.
func compare(ctx context.Context, sc scenario, systems []system, reqs []vars) error {
	for i, v := range reqs {
		var want []string
		for j, sys := range systems {
			data, err := sys.do(ctx, sc, v)
			if err != nil {
				return fmt.Errorf("request %d %v: %s: %w", i, v, sys.name, err)
			}
			paths := sc.oursIDs
			if sys.name == "peer" {
				paths = sc.peerIDs
			}
			got := ids(data, paths)
			if j == 0 {
				want = got
				continue
			}
			if !slices.Equal(got, want) {
				return fmt.Errorf("request %d %v: %s returns other IDs than ours\n      ours:  %s\n      %-5s  %s",
					i, v, sys.name, clip(want), sys.name+":", clip(got))
			}
		}
	}
	return nil
}

func clip(l []string) string {
	s := strings.Join(l, " ")
	if len(s) > 600 {
		return s[:600] + "..."
	}
	return s
}

// ids gathers the values at each path, in order; "*" walks a list. A path
// whose parent is null gives nothing, so a null result compares equal to a
// null one.
func ids(data any, paths []string) []string {
	var out []string
	var walk func(v any, keys []string, path int)
	walk = func(v any, keys []string, path int) {
		if v == nil {
			return
		}
		if len(keys) == 0 {
			out = append(out, fmt.Sprintf("%d:%v", path, v))
			return
		}
		if keys[0] == "*" {
			l, _ := v.([]any)
			for _, x := range l {
				walk(x, keys[1:], path)
			}
			return
		}
		m, _ := v.(map[string]any)
		walk(m[keys[0]], keys[1:], path)
	}
	for i, p := range paths {
		walk(data, strings.Split(p, "."), i)
	}
	return out
}

type result struct {
	lat      []time.Duration
	busy     time.Duration // wall time of this system's batches
	p50, p95 time.Duration
	rps      float64
	errs     int
	firstErr error
}

// interleave sends the requests to every system with c workers, batch by
// batch: each batch of 4c requests goes to every system in turn, starting
// with a different one each time.
func interleave(ctx context.Context, sc scenario, systems []system, reqs []vars, c int) []result {
	res := make([]result, len(systems))
	batch := 4 * c
	for k, lo := 0, 0; lo < len(reqs); k, lo = k+1, lo+batch {
		part := reqs[lo:min(lo+batch, len(reqs))]
		for j := range systems {
			i := (k + j) % len(systems)
			runBatch(ctx, sc, systems[i], part, c, &res[i])
		}
	}
	for i := range res {
		r := &res[i]
		slices.Sort(r.lat)
		r.p50, r.p95 = r.lat[len(r.lat)/2], r.lat[len(r.lat)*95/100]
		r.rps = float64(len(r.lat)) / r.busy.Seconds()
	}
	return res
}

func runBatch(ctx context.Context, sc scenario, sys system, reqs []vars, c int, res *result) {
	lat := make([]time.Duration, len(reqs))
	var mu sync.Mutex
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Go(func() {
			for i := range next {
				t := time.Now()
				_, err := sys.do(ctx, sc, reqs[i])
				lat[i] = time.Since(t)
				if err != nil {
					mu.Lock()
					res.errs++
					if res.firstErr == nil {
						res.firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range reqs {
		next <- i
	}
	close(next)
	wg.Wait()
	res.busy += time.Since(start)
	res.lat = append(res.lat, lat...)
}

// statements reads how many Cypher statements our server has sent, from
// policygraph_store_statements_total on its /metrics.
func statements(ctx context.Context, c *http.Client, url string) (float64, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/metrics", nil)
	if err != nil {
		return 0, false
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, false
	}
	defer func() { _ = resp.Body.Close() }() // read only
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "policygraph_store_statements_total "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f, err == nil
		}
	}
	return 0, false
}

// post sends one GraphQL request and returns its data; GraphQL errors are
// errors.
func post(ctx context.Context, c *http.Client, url, query string, variables vars) (any, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }() // read only
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data   any `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &out); err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	if len(out.Errors) > 0 {
		return nil, fmt.Errorf("graphql: %s", out.Errors[0].Message)
	}
	return out.Data, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func ratio(a, b time.Duration) float64 { return float64(a) / float64(max(b, 1)) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchapi:", err)
	os.Exit(1)
}
