package export

import "io"

// Namespaces and schema locations.
const (
	graphMLNS     = "http://graphml.graphdrawing.org/xmlns"
	graphMLSchema = graphMLNS + " http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
	xsiNS         = "http://www.w3.org/2001/XMLSchema-instance"
)

// WriteGraphML writes g as a directed GraphML document. Every attribute is
// declared by a <key> with its type (string, double, long or boolean; the
// aliases list is a string holding a JSON array, as GraphML has no lists).
// Key IDs are the attribute names prefixed by their domain ("n_kind",
// "e_type", "g_truncated"): GraphML wants them unique across domains, and
// Gephi reads some short IDs ("d3", "d7") as labels. Graph-level keys say
// what the graph is: center, depth, types and truncated.
func WriteGraphML(w io.Writer, g *Graph) error {
	x := newXMLWriter(w)
	x.start(0, "graphml", false, "xmlns", graphMLNS, "xmlns:xsi", xsiNS, "xsi:schemaLocation", graphMLSchema)
	gattrs, nattrs, eattrs := graphAttrs(), nodeAttrs(), edgeAttrs()
	graphMLKeys(x, "graph", "g_", gattrs)
	graphMLKeys(x, "node", "n_", nattrs)
	graphMLKeys(x, "edge", "e_", eattrs)

	x.start(1, "graph", false, "id", "policygraph", "edgedefault", "directed")
	graphMLData(x, 2, "g_", gattrs, g)
	for _, n := range g.nodes() {
		x.start(2, "node", false, "id", n.e.ID)
		graphMLData(x, 3, "n_", nattrs, n)
		x.end(2, "node")
	}
	for i := range g.Edges {
		r := &g.Edges[i]
		x.start(2, "edge", false, "id", r.ID, "source", r.From, "target", r.To)
		graphMLData(x, 3, "e_", eattrs, r)
		x.end(2, "edge")
	}
	x.end(1, "graph")
	x.end(0, "graphml")
	return x.flush()
}

func graphMLKeys[T any](x *xmlWriter, domain, prefix string, attrs []attr[T]) {
	for _, a := range attrs {
		x.start(1, "key", true, "id", prefix+a.name, "for", domain, "attr.name", a.name, "attr.type", a.typ.graphML())
	}
}

func graphMLData[T any](x *xmlWriter, depth int, prefix string, attrs []attr[T], v T) {
	for _, a := range attrs {
		if s, ok := a.value(v); ok {
			x.text(depth, "data", s, "key", prefix+a.name)
		}
	}
}
