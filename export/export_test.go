package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/export"
	"github.com/policygraph/policygraph/store/memory"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the output")

// seedStore is the in-memory store over the seed dataset.
func seedStore(t *testing.T) policygraph.Store {
	t.Helper()
	ds, err := dataset.Load(context.Background(), data.Seed(), dataset.Options{})
	if err != nil {
		t.Fatalf("load seed: %v", err)
	}
	return memory.New(ds)
}

// TestGolden exports the seed through the handler in every format and
// compares each file with testdata/NAME.FORMAT.golden. The Python tests
// (tests/python) read the same goldens with networkx. Rewrite them with
// go test ./export -update, then read the diff.
func TestGolden(t *testing.T) {
	h := export.Handler(seedStore(t), export.Limits{}, nil)
	cases := []struct{ name, query string }{
		{"sheinbaum", "center=person/claudia-sheinbaum"},
		{"hegseth-depth2-types", "center=person/pete-hegseth&depth=2&types=holds_office,leads,ENACTED,TARGETS"},
		{"graph", ""},
	}
	for _, c := range cases {
		for _, f := range []string{"graphml", "gexf", "cytoscape.json"} {
			t.Run(c.name+"."+f, func(t *testing.T) {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/export/"+f+"?"+c.query, nil))
				if rec.Code != http.StatusOK {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				golden := filepath.Join("testdata", c.name+"."+f+".golden")
				if *update {
					if err := os.WriteFile(golden, rec.Body.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./export -update to create it)", err)
				}
				if got := rec.Body.String(); got != string(want) {
					t.Errorf("%s differs from the output (run go test ./export -update and read the diff):\n%s",
						golden, firstDiff(got, string(want)))
				}
			})
		}
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return "(no line differs)"
}

// tricky is a graph whose text needs escaping in every format: XML
// specials, curly quotes, newlines and tabs, a control character that XML
// cannot hold, and a relationship ID with characters of its own.
func tricky() *export.Graph {
	rate, count, rank := 25.5, int64(10000), int64(2)
	ev := []policygraph.Evidence{
		{Source: "source/a&b", Quote: "He said “stop” & <left> 'now' \"twice\"\n\tthen\x01 went"},
		{Source: "source/c", Quote: "Second quote > first"},
	}
	return &export.Graph{
		Subgraph: policygraph.Subgraph{
			Nodes: []policygraph.SubgraphNode{
				{Entity: &policygraph.Entity{ID: "person/a&b", Kind: policygraph.Person, Name: "A <&> “B”",
					Aliases: []string{"Mr. A", "A|B", `A "the \ one", B`}, Description: "line one\nline two\x02\uFFFF"}, Depth: 0, Degree: 19},
				{Entity: &policygraph.Entity{ID: "policy/t", Kind: policygraph.Policy, Name: "Tariff 'T'",
					Type: "tariff", Status: "in_force", Date: "2025-03", Start: "2025-03-12", End: "2026",
					Rate: &rate, Count: &count}, Depth: 1},
			},
			Edges: []policygraph.Relationship{
				{ID: "person/a&b|ENACTED|policy/t", Type: policygraph.Enacted, From: "person/a&b", To: "policy/t",
					Role: "Pres. <acting>", Rank: &rank, Rate: &rate, Status: "former", Evidence: ev},
			},
			Truncated: true,
		},
		Center: "person/a&b",
		Depth:  1,
		Types:  []policygraph.RelType{policygraph.Enacted},
	}
}

// TestXMLRoundTrip writes the tricky graph as GraphML and GEXF and reads it
// back with encoding/xml: the documents are well-formed and every string
// comes back as it went in, but for a control character outside JSON,
// which XML 1.0 cannot hold and is replaced by U+FFFD.
func TestXMLRoundTrip(t *testing.T) {
	g := tricky()
	// The JSON of the evidence escapes the control character itself.
	wantQuote := g.Edges[0].Evidence[0].Quote

	t.Run("graphml", func(t *testing.T) {
		var b bytes.Buffer
		if err := export.WriteGraphML(&b, g); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Keys []struct {
				ID   string `xml:"id,attr"`
				For  string `xml:"for,attr"`
				Name string `xml:"attr.name,attr"`
				Type string `xml:"attr.type,attr"`
			} `xml:"key"`
			Graph struct {
				Data  []xmlData `xml:"data"`
				Nodes []struct {
					ID   string    `xml:"id,attr"`
					Data []xmlData `xml:"data"`
				} `xml:"node"`
				Edges []struct {
					ID     string    `xml:"id,attr"`
					Source string    `xml:"source,attr"`
					Target string    `xml:"target,attr"`
					Data   []xmlData `xml:"data"`
				} `xml:"edge"`
			} `xml:"graph"`
		}
		decode(t, b.Bytes(), &doc)
		types := map[string]string{}
		for _, k := range doc.Keys {
			types[k.ID] = k.For + " " + k.Name + " " + k.Type
		}
		for id, want := range map[string]string{
			"n_rate": "node rate double", "n_count": "node count long", "n_depth": "node depth long",
			"n_aliases": "node aliases string", "n_degree": "node degree long",
			"e_rank": "edge rank long", "e_evidence": "edge evidence string", "g_truncated": "graph truncated boolean",
		} {
			if types[id] != want {
				t.Errorf("key %s = %q, want %q", id, types[id], want)
			}
		}
		n := doc.Graph.Nodes[0]
		if n.ID != "person/a&b" || value(n.Data, "n_label") != "A <&> “B”" || value(n.Data, "n_kind") != "PERSON" ||
			value(n.Data, "n_description") != "line one\nline two\uFFFD\uFFFD" ||
			value(n.Data, "n_depth") != "0" || value(n.Data, "n_degree") != "19" {
			t.Errorf("node 0 read back as %+v", n)
		}
		checkAliases(t, value(n.Data, "n_aliases"), g.Nodes[0].Entity.Aliases)
		if p := doc.Graph.Nodes[1]; value(p.Data, "n_rate") != "25.5" || value(p.Data, "n_count") != "10000" ||
			value(p.Data, "n_type") != "TARIFF" || value(p.Data, "n_status") != "IN_FORCE" || value(p.Data, "n_aliases") != "" {
			t.Errorf("node 1 read back as %+v", p)
		}
		e := doc.Graph.Edges[0]
		if e.ID != "person/a&b|ENACTED|policy/t" || e.Source != "person/a&b" || e.Target != "policy/t" ||
			value(e.Data, "e_label") != "ENACTED" || value(e.Data, "e_role") != "Pres. <acting>" {
			t.Errorf("edge read back as %+v", e)
		}
		checkEvidence(t, value(e.Data, "e_evidence"), wantQuote)
		if value(doc.Graph.Data, "g_truncated") != "true" || value(doc.Graph.Data, "g_center") != "person/a&b" {
			t.Errorf("graph data read back as %+v", doc.Graph.Data)
		}
	})

	t.Run("gexf", func(t *testing.T) {
		var b bytes.Buffer
		if err := export.WriteGEXF(&b, g); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			XMLName xml.Name
			Version string `xml:"version,attr"`
			Meta    struct {
				Description string `xml:"description"`
			} `xml:"meta"`
			Graph struct {
				Attributes []struct {
					Class string `xml:"class,attr"`
					Attrs []struct {
						ID   string `xml:"id,attr"`
						Type string `xml:"type,attr"`
					} `xml:"attribute"`
				} `xml:"attributes"`
				Nodes []gexfNode `xml:"nodes>node"`
				Edges []struct {
					ID     string    `xml:"id,attr"`
					Label  string    `xml:"label,attr"`
					Kind   string    `xml:"kind,attr"`
					Values []gexfVal `xml:"attvalues>attvalue"`
				} `xml:"edges>edge"`
			} `xml:"graph"`
		}
		decode(t, b.Bytes(), &doc)
		if doc.XMLName.Space != "http://gexf.net/1.3" || doc.Version != "1.3" {
			t.Errorf("root %v version %q, want GEXF 1.3", doc.XMLName, doc.Version)
		}
		if !strings.Contains(doc.Meta.Description, "truncated") {
			t.Errorf("meta description %q does not say the graph was truncated", doc.Meta.Description)
		}
		n := doc.Graph.Nodes[0]
		if n.ID != "person/a&b" || n.Label != "A <&> “B”" || gexfValue(n.Values, "description") != "line one\nline two\uFFFD\uFFFD" ||
			gexfValue(n.Values, "kind") != "PERSON" || gexfValue(n.Values, "degree") != "19" {
			t.Errorf("node 0 read back as %+v", n)
		}
		checkAliases(t, gexfValue(n.Values, "aliases"), g.Nodes[0].Entity.Aliases)
		// viz: the explorer's blue for a person, 10 + 5·ln(20) for degree 19;
		// a policy of degree 0 is reddish purple and 10.
		for i, want := range []gexfViz{{0, 114, 178, "25.0"}, {204, 121, 167, "10.0"}} {
			if got := doc.Graph.Nodes[i].Viz(); got != want {
				t.Errorf("node %d viz %+v, want %+v", i, got, want)
			}
		}
		types := map[string]string{}
		for _, a := range doc.Graph.Attributes {
			for _, at := range a.Attrs {
				types[a.Class+" "+at.ID] = at.Type
			}
		}
		for id, want := range map[string]string{"node aliases": "liststring", "node degree": "long", "node rate": "double", "edge evidence": "string"} {
			if types[id] != want {
				t.Errorf("attribute %s has type %q, want %q", id, types[id], want)
			}
		}
		e := doc.Graph.Edges[0]
		if e.Label != "ENACTED" || e.Kind != "ENACTED" || gexfValue(e.Values, "role") != "Pres. <acting>" {
			t.Errorf("edge read back as %+v", e)
		}
		checkEvidence(t, gexfValue(e.Values, "evidence"), wantQuote)
	})
}

type xmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

type gexfVal struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

type gexfNode struct {
	ID     string    `xml:"id,attr"`
	Label  string    `xml:"label,attr"`
	Values []gexfVal `xml:"attvalues>attvalue"`
	Color  struct {
		R int `xml:"r,attr"`
		G int `xml:"g,attr"`
		B int `xml:"b,attr"`
	} `xml:"http://gexf.net/1.3/viz color"`
	Size struct {
		Value string `xml:"value,attr"`
	} `xml:"http://gexf.net/1.3/viz size"`
}

type gexfViz struct {
	R, G, B int
	Size    string
}

func (n gexfNode) Viz() gexfViz {
	return gexfViz{n.Color.R, n.Color.G, n.Color.B, n.Size.Value}
}

func value(ds []xmlData, key string) string {
	for _, d := range ds {
		if d.Key == key {
			return d.Value
		}
	}
	return ""
}

func gexfValue(vs []gexfVal, key string) string {
	for _, v := range vs {
		if v.For == key {
			return v.Value
		}
	}
	return ""
}

// decode parses doc strictly, failing the test on any XML error.
func decode(t *testing.T, doc []byte, v any) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	if err := d.Decode(v); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, doc)
	}
	// Nothing but whitespace after the root.
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after the root: %v", err)
		}
		if cd, ok := tok.(xml.CharData); !ok || strings.TrimSpace(string(cd)) != "" {
			t.Fatalf("unexpected %T after the root", tok)
		}
	}
}

// checkAliases parses the aliases attribute, a JSON array of strings.
func checkAliases(t *testing.T, s string, want []string) {
	t.Helper()
	var got []string
	if err := json.Unmarshal([]byte(s), &got); err != nil {
		t.Fatalf("aliases %q are not a JSON array: %v", s, err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("aliases read back as %q, want %q", got, want)
	}
}

// checkEvidence parses the JSON evidence attribute.
func checkEvidence(t *testing.T, s, wantQuote string) {
	t.Helper()
	var evs []struct{ Source, Quote string }
	if err := json.Unmarshal([]byte(s), &evs); err != nil {
		t.Fatalf("evidence %q is not JSON: %v", s, err)
	}
	if len(evs) != 2 || evs[0].Source != "source/a&b" || evs[0].Quote != wantQuote || evs[1].Quote != "Second quote > first" {
		t.Errorf("evidence read back as %+v, want quote %q", evs, wantQuote)
	}
}

// TestCytoscapeShape checks the JSON that cytoscape() takes: elements with
// nodes and edges of data objects, real arrays for aliases and evidence,
// numbers for numbers, and empty arrays rather than null.
func TestCytoscapeShape(t *testing.T) {
	var b bytes.Buffer
	if err := export.WriteCytoscape(&b, tricky()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Data     map[string]any `json:"data"`
		Elements struct {
			Nodes []struct{ Data map[string]any } `json:"nodes"`
			Edges []struct{ Data map[string]any } `json:"edges"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.Data["truncated"] != true || doc.Data["center"] != "person/a&b" {
		t.Errorf("graph data %v", doc.Data)
	}
	n := doc.Elements.Nodes[0].Data
	if n["id"] != "person/a&b" || n["label"] != "A <&> “B”" || n["depth"] != 0.0 {
		t.Errorf("node %v", n)
	}
	if a, ok := n["aliases"].([]any); !ok || len(a) != 3 || n["kind"] != "PERSON" || n["degree"] != 19.0 {
		t.Errorf("aliases %v are not an array of 3, or kind %v or degree %v is wrong", n["aliases"], n["kind"], n["degree"])
	}
	if p := doc.Elements.Nodes[1].Data; p["rate"] != 25.5 || p["count"] != 10000.0 || p["type"] != "TARIFF" || p["status"] != "IN_FORCE" {
		t.Errorf("policy %v", p)
	}
	e := doc.Elements.Edges[0].Data
	if e["source"] != "person/a&b" || e["target"] != "policy/t" || e["type"] != "ENACTED" || e["rank"] != 2.0 {
		t.Errorf("edge %v", e)
	}
	evs, ok := e["evidence"].([]any)
	if !ok || len(evs) != 2 {
		t.Fatalf("evidence %v is not an array of 2", e["evidence"])
	}
	if ev := evs[0].(map[string]any); ev["source"] != "source/a&b" || !strings.Contains(ev["quote"].(string), "“stop” & <left>") {
		t.Errorf("evidence[0] %v", ev)
	}

	b.Reset()
	if err := export.WriteCytoscape(&b, &export.Graph{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"nodes": []`) || !strings.Contains(b.String(), `"edges": []`) {
		t.Errorf("empty graph:\n%s", b.String())
	}
}
