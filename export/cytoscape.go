package export

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/policygraph/policygraph"
)

// cyDoc is the shape that cytoscape({elements, data}) and cy.json() use.
type cyDoc struct {
	Data     cyGraphData `json:"data"`
	Elements cyElements  `json:"elements"`
}

type cyGraphData struct {
	Center    string   `json:"center,omitempty"`
	Depth     int      `json:"depth,omitempty"`
	Types     []string `json:"types,omitempty"`
	Truncated bool     `json:"truncated"`
}

type cyElements struct {
	Nodes []cyNode `json:"nodes"`
	Edges []cyEdge `json:"edges"`
}

type cyNode struct {
	Data cyNodeData `json:"data"`
}

type cyNodeData struct {
	ID          string   `json:"id"`
	Label       string   `json:"label"`
	Kind        string   `json:"kind"`
	Type        string   `json:"type,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
	Description string   `json:"description,omitempty"`
	Status      string   `json:"status,omitempty"`
	Date        string   `json:"date,omitempty"`
	Start       string   `json:"start,omitempty"`
	End         string   `json:"end,omitempty"`
	Rate        *float64 `json:"rate,omitempty"`
	Count       *int64   `json:"count,omitempty"`
	Degree      int      `json:"degree"`
	Depth       *int     `json:"depth,omitempty"`
}

type cyEdge struct {
	Data cyEdgeData `json:"data"`
}

type cyEdgeData struct {
	ID         string     `json:"id"`
	Source     string     `json:"source"`
	Target     string     `json:"target"`
	Label      string     `json:"label"`
	Type       string     `json:"type"`
	Role       string     `json:"role,omitempty"`
	Allegation string     `json:"allegation,omitempty"`
	Rank       *int64     `json:"rank,omitempty"`
	Count      *int64     `json:"count,omitempty"`
	Rate       *float64   `json:"rate,omitempty"`
	Status     string     `json:"status,omitempty"`
	Date       string     `json:"date,omitempty"`
	Start      string     `json:"start,omitempty"`
	End        string     `json:"end,omitempty"`
	Evidence   []evidence `json:"evidence"`
}

// WriteCytoscape writes g as Cytoscape.js JSON:
//
//	{"data": {"center", "depth", "types", "truncated"},
//	 "elements": {"nodes": [{"data": {...}}], "edges": [{"data": {"id", "source", "target", ...}}]}}
//
// which cytoscape(doc) takes whole, and whose elements cy.add() takes.
// Aliases are an array of strings and evidence an array of
// {"source", "quote"}; rate, rank, count, degree and depth are numbers. Nodes and
// edges are empty arrays, never null, when there are none.
func WriteCytoscape(w io.Writer, g *Graph) error {
	doc := cyDoc{
		Data:     cyGraphData{Truncated: g.Truncated},
		Elements: cyElements{Nodes: make([]cyNode, 0, len(g.Nodes)), Edges: make([]cyEdge, 0, len(g.Edges))},
	}
	if g.Center != "" {
		doc.Data.Center, doc.Data.Depth = g.Center, g.Depth
	}
	for _, t := range g.Types {
		doc.Data.Types = append(doc.Data.Types, policygraph.APIName(t))
	}
	for _, n := range g.nodes() {
		e := n.e
		d := cyNodeData{
			ID: e.ID, Label: e.Name, Kind: policygraph.APIName(e.Kind), Type: policygraph.APIName(e.Type),
			Aliases: e.Aliases, Description: e.Description, Status: policygraph.APIName(e.Status),
			Date: string(e.Date), Start: string(e.Start), End: string(e.End),
			Rate: e.Rate, Count: e.Count, Degree: n.degree,
		}
		if n.hasDepth {
			d.Depth = &n.depth
		}
		doc.Elements.Nodes = append(doc.Elements.Nodes, cyNode{Data: d})
	}
	for i := range g.Edges {
		r := &g.Edges[i]
		doc.Elements.Edges = append(doc.Elements.Edges, cyEdge{Data: cyEdgeData{
			ID: r.ID, Source: r.From, Target: r.To, Label: policygraph.APIName(r.Type), Type: policygraph.APIName(r.Type),
			Role: r.Role, Allegation: r.Allegation, Rank: r.Rank, Count: r.Count, Rate: r.Rate,
			Status: policygraph.APIName(r.Status), Date: string(r.Date), Start: string(r.Start), End: string(r.End),
			Evidence: toEvidence(r.Evidence),
		}})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // a download, not HTML: keep quotes with & and < readable
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write cytoscape json: %w", err)
	}
	return nil
}
