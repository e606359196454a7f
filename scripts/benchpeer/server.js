// The peer of `make bench-api`: @neo4j/graphql (pinned in package.json) over
// the very Neo4j database that policygraph serves, with type definitions for
// policygraph's labels and relationship types. Queries the library compiles
// natively (typed relationship fields, connections sorted by a relationship
// property, filters on related nodes) use its own features; what it has no
// feature for (an entity's relationships of every type, ranked search,
// shortest path, a breadth-first neighbourhood) is an @cypher field, as a
// user of the library would write it.
//
//   PORT=7780 NEO4J_URI=bolt://127.0.0.1:7692 NEO4J_USER=neo4j \
//   NEO4J_PASSWORD=... PG_TRAVERSABLE=LEADS|HOLDS_OFFICE|... node server.js
//
// POST /graphql {query, variables} answers as any GraphQL server; GET /healthz
// answers 200 once the schema is built. PG_TRAVERSABLE is the alternation of
// policygraph's entity-to-entity relationship types (vocab.go), which
// scripts/bench-api takes from `benchapi -types`.
import http from "node:http";
import { graphql } from "graphql";
import neo4j from "neo4j-driver";
import { Neo4jGraphQL } from "@neo4j/graphql";

const T = process.env.PG_TRAVERSABLE;
if (!T || !/^[A-Z_|]+$/.test(T)) {
  console.error("benchpeer: PG_TRAVERSABLE must be the traversable types, A|B|C");
  process.exit(2);
}

// The ranking of policygraph.Score (search.go) in Cypher, over the
// normalized names that the loader stores in searchNames (name first). $text
// is already normalized (lower-case ASCII words), as the benchmark sends it.
const searchCypher = `
WITH split($text, ' ') AS tokens
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
WITH node, reduce(best = 10, s IN scores | CASE WHEN s > best THEN s ELSE best END) AS score`;

const typeDefs = /* GraphQL */ `
  type Rel @relationshipProperties {
    id: ID!
    status: String
    role: String
    date: String
    evidenceQuotes: [String!]
    evidenceSources: [String!]
  }

  interface Entity {
    id: ID!
    name: String!
    kind: String!
  }

  "One relationship of an entity, seen from it."
  type RelEdge {
    id: ID!
    type: String!
    direction: String!
    role: String
    status: String
    date: String
    evidenceQuotes: [String!]
    evidenceSources: [String!]
    nodeId: ID!
    nodeName: String!
    nodeKind: String!
  }

  type SearchHit {
    id: ID!
    name: String!
    kind: String!
    score: Int!
  }

  type SearchResult {
    total: Int!
    hits: [SearchHit!]!
  }

  type PathNode {
    id: ID!
    name: String!
  }

  type PathEdge {
    id: ID!
    type: String!
    source: ID!
    target: ID!
  }

  type PathResult {
    length: Int!
    nodes: [PathNode!]!
    edges: [PathEdge!]!
  }

  type HoodNode {
    id: ID!
    label: String!
    kind: String!
    depth: Int!
  }

  type Hood {
    truncated: Boolean!
    nodes: [HoodNode!]!
    edges: [PathEdge!]!
  }

  type Person implements Entity @node {
    id: ID!
    name: String!
    kind: String!
    aliases: [String!]
    description: String
    "Every entity-to-entity relationship, ordered by type and ID, as policygraph's Entity.relationships."
    relationshipsPage(first: Int = 20): [RelEdge!]!
      @cypher(
        statement: """
        MATCH (this)-[r:${T}]-(m:Entity)
        WITH r, m ORDER BY type(r), r.id LIMIT $first
        RETURN {id: r.id, type: type(r), direction: CASE WHEN startNode(r) = this THEN 'OUT' ELSE 'IN' END,
          role: r.role, status: r.status, date: r.date, evidenceQuotes: r.evidenceQuotes,
          evidenceSources: r.evidenceSources, nodeId: m.id, nodeName: m.name, nodeKind: m.kind} AS e
        """
        columnName: "e"
      )
    relationshipCount: Int!
      @cypher(statement: "RETURN COUNT { (this)-[:${T}]-(:Entity) } AS c", columnName: "c")
  }

  type Organization implements Entity @node {
    id: ID!
    name: String!
    kind: String!
    type: String
    operatesIn: [Country!]! @relationship(type: "OPERATES_IN", direction: OUT, properties: "Rel")
  }

  type Country implements Entity @node {
    id: ID!
    name: String!
    kind: String!
    policiesTargeting: [Policy!]! @relationship(type: "TARGETS", direction: IN, properties: "Rel")
  }

  type Policy implements Entity @node {
    id: ID!
    name: String!
    kind: String!
    type: String
    status: String
    enactors: [Entity!]! @relationship(type: "ENACTED", direction: IN, properties: "Rel")
    announcers: [Entity!]! @relationship(type: "ANNOUNCED", direction: IN, properties: "Rel")
    targets: [Entity!]! @relationship(type: "TARGETS", direction: OUT, properties: "Rel")
  }

  type Source @node {
    id: ID!
    title: String!
  }

  type Query {
    "policygraph's search: every word must begin a word of the names, ranked as policygraph.Score."
    rankedSearch(text: String!, first: Int = 10): SearchResult!
      @cypher(
        statement: """
        ${searchCypher}
        WITH node, score ORDER BY score DESC, node.name, node.id
        WITH collect({id: node.id, name: node.name, kind: node.kind, score: score}) AS hits
        RETURN {total: size(hits), hits: hits[0..$first]} AS result
        """
        columnName: "result"
      )

    "The first of the shortest paths in node-ID then edge-ID order, as policygraph's shortestPath."
    firstShortestPath(from: ID!, to: ID!): PathResult
      @cypher(
        statement: """
        MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
        MATCH p = allShortestPaths((a)-[:${T}*..4]-(b))
        WITH p ORDER BY [x IN nodes(p) | x.id], [x IN relationships(p) | x.id] LIMIT 1
        RETURN {length: length(p), nodes: [x IN nodes(p) | {id: x.id, name: x.name}],
          edges: [x IN relationships(p) | {id: x.id, type: type(x), source: startNode(x).id, target: endNode(x).id}]} AS path
        """
        columnName: "path"
      )

    "Breadth first to depth 2, the lowest new IDs first at each level, not through hubs (degree above hub), as policygraph's neighborhood."
    neighborhood2(id: ID!, limit: Int = 100, hub: Int = 200): Hood
      @cypher(
        statement: """
        MATCH (c:Entity {id: $id})
        CALL (c) {
          OPTIONAL MATCH (c)-[:${T}]-(b:Entity) WHERE b <> c
          WITH DISTINCT b ORDER BY b.id LIMIT $limit
          RETURN collect(b) AS l1
        }
        WITH c, l1[..$limit - 1] AS d1, size(l1) > $limit - 1 AS t1
        CALL (c, d1, t1) {
          UNWIND CASE WHEN t1 THEN [] ELSE d1 END AS x
          WITH x WHERE COUNT { (x)-[:${T}]-() } <= $hub
          MATCH (x)-[:${T}]-(b:Entity) WHERE b <> c AND NOT b IN d1
          WITH DISTINCT b ORDER BY b.id LIMIT $limit
          RETURN collect(b) AS l2
        }
        WITH c, d1, t1, l2[..$limit - 1 - size(d1)] AS d2, size(l2) > $limit - 1 - size(d1) AS t2
        WITH c, d1, d2, t1 OR t2 AS truncated, [c] + d1 + d2 AS kept
        WITH c, d1, d2, truncated, kept, [x IN kept WHERE COUNT { (x)-[:${T}]-() } > $hub] AS hubs
        CALL (kept, hubs) {
          CALL (kept, hubs) {
            UNWIND kept AS a
            WITH a WHERE NOT a IN hubs
            MATCH (a)-[r:${T}]-(b) WHERE b IN kept
            RETURN r
            UNION
            UNWIND hubs AS a
            UNWIND hubs AS b
            MATCH (a)-[r:${T}]->(b)
            RETURN r
          }
          WITH r ORDER BY r.id
          RETURN collect({id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id}) AS edges
        }
        RETURN {truncated: truncated,
          nodes: [{id: c.id, label: c.name, kind: c.kind, depth: 0}]
            + [x IN d1 | {id: x.id, label: x.name, kind: x.kind, depth: 1}]
            + [x IN d2 | {id: x.id, label: x.name, kind: x.kind, depth: 2}],
          edges: edges} AS hood
        """
        columnName: "hood"
      )
  }
`;

const driver = neo4j.driver(
  process.env.NEO4J_URI || "bolt://127.0.0.1:7687",
  neo4j.auth.basic(process.env.NEO4J_USER || "neo4j", process.env.NEO4J_PASSWORD || ""),
);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

const server = http.createServer(async (req, res) => {
  if (req.method === "GET" && req.url === "/healthz") {
    res.writeHead(200).end("ok");
    return;
  }
  if (req.method !== "POST" || req.url !== "/graphql") {
    res.writeHead(404).end();
    return;
  }
  let out;
  try {
    const { query, variables } = JSON.parse(await body(req));
    out = await graphql({ schema, source: query, variableValues: variables, contextValue: {} });
  } catch (e) {
    out = { errors: [{ message: String(e && e.message) }] };
  }
  res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(out));
});
const port = Number(process.env.PORT || 7780);
server.listen(port, "127.0.0.1", () => console.error(`benchpeer: @neo4j/graphql on 127.0.0.1:${port}`));
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close();
    driver.close().finally(() => process.exit(0));
  });
}
