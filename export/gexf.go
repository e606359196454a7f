package export

import (
	"io"
	"math"
	"strconv"

	"github.com/policygraph/policygraph"
)

// GEXF 1.3 namespaces and schema location.
const (
	gexfNS     = "http://gexf.net/1.3"
	gexfVizNS  = "http://gexf.net/1.3/viz"
	gexfSchema = gexfNS + " http://gexf.net/1.3/gexf.xsd"
)

// WriteGEXF writes g as a static, directed GEXF 1.3 document. Attributes
// are declared in <attributes> by class with their types (string, double,
// long or liststring), and their IDs are their names. A node's label is its
// name; an edge's label and kind are its type, so that Gephi keeps
// relationships of different types between the same two entities apart
// rather than merging them. GEXF has no graph attributes, so what the graph
// is, and whether it was truncated, is said in <meta><description>.
//
// Each node carries viz data that Gephi draws at once: a colour by kind
// ([KindColor]) and a size by degree ([NodeSize]). Positions are left to
// Gephi's layouts.
func WriteGEXF(w io.Writer, g *Graph) error {
	nattrs, eattrs := without(nodeAttrs(), "label"), without(edgeAttrs(), "label")
	x := newXMLWriter(w)
	x.start(0, "gexf", false, "xmlns", gexfNS, "xmlns:viz", gexfVizNS, "xmlns:xsi", xsiNS,
		"xsi:schemaLocation", gexfSchema, "version", "1.3")
	x.start(1, "meta", false)
	x.text(2, "creator", "policygraph")
	x.text(2, "description", g.Description())
	x.end(1, "meta")

	x.start(1, "graph", false, "mode", "static", "defaultedgetype", "directed", "idtype", "string")
	gexfAttributes(x, "node", nattrs)
	gexfAttributes(x, "edge", eattrs)
	x.start(2, "nodes", false, "count", strconv.Itoa(len(g.Nodes)))
	for _, n := range g.nodes() {
		viz := func() {
			c := KindColor(n.e.Kind)
			x.start(4, "viz:color", true, "r", strconv.Itoa(int(c[0])), "g", strconv.Itoa(int(c[1])), "b", strconv.Itoa(int(c[2])))
			x.start(4, "viz:size", true, "value", strconv.FormatFloat(NodeSize(n.degree), 'f', 1, 64))
		}
		gexfElement(x, "node", nattrs, n, viz, "id", n.e.ID, "label", n.e.Name)
	}
	x.end(2, "nodes")
	x.start(2, "edges", false, "count", strconv.Itoa(len(g.Edges)))
	for i := range g.Edges {
		r := &g.Edges[i]
		t := policygraph.APIName(r.Type)
		gexfElement(x, "edge", eattrs, r, nil, "id", r.ID, "source", r.From, "target", r.To, "label", t, "kind", t)
	}
	x.end(2, "edges")
	x.end(1, "graph")
	x.end(0, "gexf")
	return x.flush()
}

// KindColor is the colour of an entity kind as red, green and blue: the
// explorer's colours (web/explorer/style.js), from the Okabe–Ito palette,
// which colour-blind readers can tell apart. An unknown kind is grey.
func KindColor(k policygraph.Kind) [3]uint8 {
	switch k {
	case policygraph.Person:
		return [3]uint8{0x00, 0x72, 0xb2} // blue
	case policygraph.Organization:
		return [3]uint8{0xe6, 0x9f, 0x00} // orange
	case policygraph.Country:
		return [3]uint8{0x00, 0x9e, 0x73} // bluish green
	case policygraph.Policy:
		return [3]uint8{0xcc, 0x79, 0xa7} // reddish purple
	}
	return [3]uint8{0x77, 0x77, 0x77}
}

// NodeSize is the GEXF size of a node with degree relationships:
// 10 + 5·ln(1 + degree), so a leaf is 13.5, Mexico of the seed (19) is 25
// and a hub of 5,000 stays under 53 rather than covering the drawing.
func NodeSize(degree int) float64 {
	return 10 + 5*math.Log1p(float64(max(degree, 0)))
}

func gexfAttributes[T any](x *xmlWriter, class string, attrs []attr[T]) {
	x.start(2, "attributes", false, "class", class)
	for _, a := range attrs {
		x.start(3, "attribute", true, "id", a.name, "title", a.name, "type", string(a.typ))
	}
	x.end(2, "attributes")
}

// gexfElement writes a node or edge with its XML attributes, the values of
// attrs that it has, and what children writes after them (nil: nothing).
func gexfElement[T any](x *xmlWriter, name string, attrs []attr[T], v T, children func(), xmlAttrs ...string) {
	type value struct{ name, v string }
	var vs []value
	for _, a := range attrs {
		if s, ok := a.value(v); ok {
			vs = append(vs, value{a.name, s})
		}
	}
	if len(vs) == 0 && children == nil {
		x.start(3, name, true, xmlAttrs...)
		return
	}
	x.start(3, name, false, xmlAttrs...)
	if len(vs) > 0 {
		x.start(4, "attvalues", false)
		for _, v := range vs {
			x.start(5, "attvalue", true, "for", v.name, "value", v.v)
		}
		x.end(4, "attvalues")
	}
	if children != nil {
		children()
	}
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
