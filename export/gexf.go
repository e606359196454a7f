package export

import (
	"io"
	"strconv"
)

// GEXF 1.3 namespace and schema location.
const (
	gexfNS     = "http://gexf.net/1.3"
	gexfSchema = gexfNS + " http://gexf.net/1.3/gexf.xsd"
)

// WriteGEXF writes g as a static, directed GEXF 1.3 document. Attributes
// are declared in <attributes> by class with their types (string, double
// or long), and their IDs are their names. A node's label is its name; an
// edge's label and kind are its type, so that Gephi keeps relationships of
// different types between the same two entities apart rather than merging
// them. GEXF has no graph attributes, so what the graph is, and whether it
// was truncated, is said in <meta><description>.
func WriteGEXF(w io.Writer, g *Graph) error {
	nattrs, eattrs := without(nodeAttrs(), "label"), without(edgeAttrs(), "label")
	x := newXMLWriter(w)
	x.start(0, "gexf", false, "xmlns", gexfNS, "xmlns:xsi", xsiNS, "xsi:schemaLocation", gexfSchema, "version", "1.3")
	x.start(1, "meta", false)
	x.text(2, "creator", "policygraph")
	x.text(2, "description", g.Description())
	x.end(1, "meta")

	x.start(1, "graph", false, "mode", "static", "defaultedgetype", "directed", "idtype", "string")
	gexfAttributes(x, "node", nattrs)
	gexfAttributes(x, "edge", eattrs)
	x.start(2, "nodes", false, "count", strconv.Itoa(len(g.Nodes)))
	for _, n := range g.nodes() {
		gexfElement(x, "node", nattrs, n, "id", n.e.ID, "label", n.e.Name)
	}
	x.end(2, "nodes")
	x.start(2, "edges", false, "count", strconv.Itoa(len(g.Edges)))
	for i := range g.Edges {
		r := &g.Edges[i]
		gexfElement(x, "edge", eattrs, r,
			"id", r.ID, "source", r.From, "target", r.To, "label", string(r.Type), "kind", string(r.Type))
	}
	x.end(2, "edges")
	x.end(1, "graph")
	x.end(0, "gexf")
	return x.flush()
}

func gexfAttributes[T any](x *xmlWriter, class string, attrs []attr[T]) {
	x.start(2, "attributes", false, "class", class)
	for _, a := range attrs {
		x.start(3, "attribute", true, "id", a.name, "title", a.name, "type", string(a.typ))
	}
	x.end(2, "attributes")
}

// gexfElement writes a node or edge with its XML attributes and the
// values of attrs that it has.
func gexfElement[T any](x *xmlWriter, name string, attrs []attr[T], v T, xmlAttrs ...string) {
	type value struct{ name, v string }
	var vs []value
	for _, a := range attrs {
		if s, ok := a.value(v); ok {
			vs = append(vs, value{a.name, s})
		}
	}
	if len(vs) == 0 {
		x.start(3, name, true, xmlAttrs...)
		return
	}
	x.start(3, name, false, xmlAttrs...)
	x.start(4, "attvalues", false)
	for _, v := range vs {
		x.start(5, "attvalue", true, "for", v.name, "value", v.v)
	}
	x.end(4, "attvalues")
	x.end(3, name)
}

// without returns attrs less the one named name.
func without[T any](attrs []attr[T], name string) []attr[T] {
	var out []attr[T]
	for _, a := range attrs {
		if a.name != name {
			out = append(out, a)
		}
	}
	return out
}
