// Package export writes parts of the policy knowledge graph in the file
// formats of graph tools: GraphML (Gephi, yEd, networkx, igraph), GEXF 1.3
// (Gephi, networkx) and Cytoscape.js JSON (cytoscape({elements}) and
// cy.add()). [Handler] serves them over HTTP at /export/graphml,
// /export/gexf and /export/cytoscape.json.
//
// Every format carries the same attributes under the same names:
//
//   - nodes: id, label (the name), kind, type (organization or policy type),
//     aliases, description, status, date, start, end, rate, count, degree
//     (the entity's relationships of the exported types in the whole graph,
//     either way) and, for a neighbourhood, depth (hops from the centre);
//   - edges: id, source, target, type (also the edge label), role,
//     allegation, rank, count, rate, status, date, start, end and evidence.
//
// Kinds, types and statuses are spelt as the GraphQL API spells them
// ([policygraph.APIName]: PERSON, CARTEL, POSTPONED, LEADS), so that an
// export joins a GraphQL answer. An attribute without a value is left out
// rather than written empty. Numbers are typed (rate double; count, rank,
// degree, depth long). Aliases are a list: in GEXF an attribute of type
// liststring, which Gephi reads as a list; in GraphML, which has no lists, a
// string; both hold a JSON array of strings, which Gephi's list parser and
// Python's json.loads both read. Evidence is a JSON array of {"source",
// "quote"} objects in a string attribute, since neither format has records.
// In Cytoscape JSON both are real arrays.
//
// The GEXF also carries Gephi's viz data: each node coloured by kind (the
// explorer's colours) and sized by degree, so that it opens readable.
//
// Output is deterministic: nodes and edges are written in the order of the
// [Graph], attributes in a fixed order, and nothing depends on the clock.
package export

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/policygraph/policygraph"
)

// Graph is a subgraph to export and what it was cut from.
type Graph struct {
	policygraph.Subgraph

	// Picked says that the nodes and edges were asked for by ID, as a
	// client's drawing, rather than cut from the graph.
	Picked bool

	// Center is the ID of the entity whose neighbourhood this is; empty
	// for (a prefix of) the whole graph, whose nodes have no depth.
	Center string
	// Depth is how many hops from Center the neighbourhood reaches.
	Depth int
	// Types are the relationship types that were followed; empty for all
	// entity-to-entity types.
	Types []policygraph.RelType
}

// attrType is the declared type of an attribute, spelt as GEXF spells it.
type attrType string

const (
	typeString  attrType = "string"
	typeDouble  attrType = "double"
	typeLong    attrType = "long"
	typeBoolean attrType = "boolean"
	// typeList is a list of strings written as a JSON array: GEXF's
	// liststring, a string in GraphML.
	typeList attrType = "liststring"
)

// graphML is the type's GraphML spelling; GraphML has no lists.
func (t attrType) graphML() string {
	if t == typeList {
		return string(typeString)
	}
	return string(t)
}

// attr declares an attribute of T and says how to render its value; ok is
// false when the value is absent.
type attr[T any] struct {
	name  string
	typ   attrType
	value func(T) (v string, ok bool)
}

// node is an entity with its degree and its depth, when it has one.
type node struct {
	e        *policygraph.Entity
	degree   int
	depth    int
	hasDepth bool
}

// nodes returns the graph's nodes, with depths when g is a neighbourhood.
func (g *Graph) nodes() []node {
	out := make([]node, len(g.Nodes))
	for i, n := range g.Nodes {
		out[i] = node{e: n.Entity, degree: n.Degree, depth: n.Depth, hasDepth: g.Center != ""}
	}
	return out
}

// nodeAttrs declares the node attributes other than the id, in the order
// they are written. label is the name; GEXF writes it as the node's label
// and leaves it out of the attributes.
func nodeAttrs() []attr[node] {
	str := func(name string, f func(*policygraph.Entity) string) attr[node] {
		return attr[node]{name, typeString, func(n node) (string, bool) { v := f(n.e); return v, v != "" }}
	}
	return []attr[node]{
		str("label", func(e *policygraph.Entity) string { return e.Name }),
		str("kind", func(e *policygraph.Entity) string { return policygraph.APIName(e.Kind) }),
		str("type", func(e *policygraph.Entity) string { return policygraph.APIName(e.Type) }),
		{"aliases", typeList, func(n node) (string, bool) { return jsonList(n.e.Aliases), len(n.e.Aliases) > 0 }},
		str("description", func(e *policygraph.Entity) string { return e.Description }),
		str("status", func(e *policygraph.Entity) string { return policygraph.APIName(e.Status) }),
		str("date", func(e *policygraph.Entity) string { return string(e.Date) }),
		str("start", func(e *policygraph.Entity) string { return string(e.Start) }),
		str("end", func(e *policygraph.Entity) string { return string(e.End) }),
		{"rate", typeDouble, func(n node) (string, bool) { return formatFloat(n.e.Rate) }},
		{"count", typeLong, func(n node) (string, bool) { return formatInt(n.e.Count) }},
		{"degree", typeLong, func(n node) (string, bool) { return strconv.Itoa(n.degree), true }},
		{"depth", typeLong, func(n node) (string, bool) { return strconv.Itoa(n.depth), n.hasDepth }},
	}
}

// edgeAttrs declares the edge attributes other than id, source and target,
// in the order they are written. label is the type, for tools that draw
// edge labels; GEXF writes it as the edge's label and leaves it out of the
// attributes.
func edgeAttrs() []attr[*policygraph.Relationship] {
	type rel = *policygraph.Relationship
	str := func(name string, f func(rel) string) attr[rel] {
		return attr[rel]{name, typeString, func(r rel) (string, bool) { v := f(r); return v, v != "" }}
	}
	return []attr[rel]{
		str("label", func(r rel) string { return policygraph.APIName(r.Type) }),
		str("type", func(r rel) string { return policygraph.APIName(r.Type) }),
		str("role", func(r rel) string { return r.Role }),
		str("allegation", func(r rel) string { return r.Allegation }),
		{"rank", typeLong, func(r rel) (string, bool) { return formatInt(r.Rank) }},
		{"count", typeLong, func(r rel) (string, bool) { return formatInt(r.Count) }},
		{"rate", typeDouble, func(r rel) (string, bool) { return formatFloat(r.Rate) }},
		str("status", func(r rel) string { return policygraph.APIName(r.Status) }),
		str("date", func(r rel) string { return string(r.Date) }),
		str("start", func(r rel) string { return string(r.Start) }),
		str("end", func(r rel) string { return string(r.End) }),
		str("evidence", func(r rel) string { return evidenceJSON(r.Evidence) }),
	}
}

// graphAttrs declares what GraphML says about the graph as a whole.
func graphAttrs() []attr[*Graph] {
	return []attr[*Graph]{
		{"center", typeString, func(g *Graph) (string, bool) { return g.Center, g.Center != "" }},
		{"depth", typeLong, func(g *Graph) (string, bool) { return strconv.Itoa(g.Depth), g.Center != "" }},
		{"types", typeString, func(g *Graph) (string, bool) { v := joinTypes(g.Types); return v, v != "" }},
		{"truncated", typeBoolean, func(g *Graph) (string, bool) { return strconv.FormatBool(g.Truncated), true }},
	}
}

// Description says in a line what the graph is, for GEXF's meta.
func (g *Graph) Description() string {
	var b strings.Builder
	switch {
	case g.Picked:
		b.WriteString("policygraph: entities and relationships picked by ID")
	case g.Center == "":
		b.WriteString("policygraph: the whole graph")
	default:
		b.WriteString("policygraph: the neighbourhood of " + g.Center + " within " + plural(g.Depth, "hop"))
	}
	if t := joinTypes(g.Types); t != "" {
		b.WriteString(", following " + t)
	}
	b.WriteString("; " + plural(len(g.Nodes), "node") + ", " + plural(len(g.Edges), "edge"))
	if g.Truncated {
		b.WriteString("; truncated: more entities were in reach than the limit allowed")
	}
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func joinTypes(ts []policygraph.RelType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = policygraph.APIName(t)
	}
	return strings.Join(s, ",")
}

// formatFloat renders a float in the shortest form that reads back the
// same ("25", "2.5", "1e+21"), which XML Schema doubles, Java and Python
// all parse.
func formatFloat(f *float64) (string, bool) {
	if f == nil {
		return "", false
	}
	return strconv.FormatFloat(*f, 'g', -1, 64), true
}

func formatInt(n *int64) (string, bool) {
	if n == nil {
		return "", false
	}
	return strconv.FormatInt(*n, 10), true
}

// evidence is one piece of evidence as every format writes it.
type evidence struct {
	Source string `json:"source"`
	Quote  string `json:"quote"`
}

func toEvidence(evs []policygraph.Evidence) []evidence {
	out := make([]evidence, len(evs))
	for i, ev := range evs {
		out[i] = evidence{Source: ev.Source, Quote: ev.Quote}
	}
	return out
}

// evidenceJSON encodes evidence as a JSON array for the string attribute
// of GraphML and GEXF.
func evidenceJSON(evs []policygraph.Evidence) string {
	if len(evs) == 0 {
		return ""
	}
	return compactJSON(toEvidence(evs))
}

// jsonList encodes strings as a JSON array, the list values of GraphML
// and GEXF.
func jsonList(ss []string) string { return compactJSON(ss) }

// compactJSON encodes v on one line; HTML characters are left as they
// are, since the XML writer escapes what XML needs.
func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Strings and slices of structs of strings always encode.
		panic("export: encoding JSON: " + err.Error())
	}
	return strings.TrimSuffix(b.String(), "\n")
}
