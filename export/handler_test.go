package export_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/export"
	"github.com/policygraph/policygraph/store/memory"
)

// cyDoc is the part of the Cytoscape JSON that the handler tests read.
type cyDoc struct {
	Data struct {
		Center    string
		Truncated bool
	}
	Elements struct {
		Nodes []struct {
			Data struct {
				ID, Label, Kind string
				Degree          int
			}
		}
		Edges []struct {
			Data struct{ ID, Source, Target, Type string }
		}
	}
}

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	return rec
}

func cytoscape(t *testing.T, h http.Handler, query string) cyDoc {
	t.Helper()
	rec := get(t, h, "/export/cytoscape.json?"+query)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: status %d: %s", query, rec.Code, rec.Body)
	}
	var doc cyDoc
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return doc
}

// manyIDs returns n distinct entity IDs joined by commas.
func manyIDs(n int) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("person/p%d", i)
	}
	return strings.Join(ids, ",")
}

func TestHandlerResponses(t *testing.T) {
	h := export.Handler(seedStore(t), export.Limits{MaxLimit: 100}, nil)
	cases := []struct {
		name, target string
		code         int
		contentType  string
		disposition  string // the whole header, for a 200
		truncated    string
		errContains  string // for an error
	}{
		{name: "graphml neighbourhood", target: "/export/graphml?center=person/claudia-sheinbaum", code: 200,
			contentType: "application/graphml+xml", truncated: "false",
			disposition: `attachment; filename="policygraph-person-claudia-sheinbaum.graphml"`},
		{name: "gexf whole graph", target: "/export/gexf", code: 200,
			contentType: "application/gexf+xml", truncated: "false",
			disposition: `attachment; filename="policygraph-graph.gexf"`},
		{name: "cytoscape depth 3 types", target: "/export/cytoscape.json?center=country/mexico&depth=3&types=leads,+targets", code: 200,
			contentType: "application/json", truncated: "false",
			disposition: `attachment; filename="policygraph-country-mexico.cytoscape.json"`},
		{name: "neighbourhood over the limit", target: "/export/graphml?center=person/donald-trump&depth=2&limit=3", code: 200,
			contentType: "application/graphml+xml", truncated: "true",
			disposition: `attachment; filename="policygraph-person-donald-trump.graphml"`},
		{name: "whole graph over the limit", target: "/export/gexf?limit=5", code: 200,
			contentType: "application/gexf+xml", truncated: "true",
			disposition: `attachment; filename="policygraph-graph.gexf"`},
		{name: "depth ignored without center", target: "/export/graphml?depth=2", code: 200,
			contentType: "application/graphml+xml", truncated: "false",
			disposition: `attachment; filename="policygraph-graph.graphml"`},

		{name: "unknown centre", target: "/export/graphml?center=person/nobody", code: 404, errContains: `no entity with ID \"person/nobody\"`},
		{name: "unknown type", target: "/export/gexf?types=LEADS,FRIENDS_WITH", code: 400, errContains: `unknown relationship type \"FRIENDS_WITH\"`},
		{name: "source type", target: "/export/gexf?types=QUOTED_IN", code: 400, errContains: "QUOTED_IN joins entities to sources"},
		{name: "depth 0", target: "/export/graphml?center=country/mexico&depth=0", code: 400, errContains: "depth must be a whole number from 1 to 3"},
		{name: "depth 4", target: "/export/graphml?center=country/mexico&depth=4", code: 400, errContains: "depth must be"},
		{name: "depth not a number", target: "/export/graphml?center=country/mexico&depth=two", code: 400, errContains: `not \"two\"`},
		{name: "limit 0", target: "/export/graphml?limit=0", code: 400, errContains: "limit must be a whole number from 1 to 100"},
		{name: "limit over the max", target: "/export/graphml?limit=101", code: 400, errContains: "limit must be"},
		{name: "no such format", target: "/export/dot", code: 404, errContains: "/export/graphml"},

		{name: "nodes, no edges", target: "/export/gexf?nodes=country/mexico,person/claudia-sheinbaum&edges=", code: 200,
			contentType: "application/gexf+xml", truncated: "false",
			disposition: `attachment; filename="policygraph-subgraph.gexf"`},
		{name: "nodes and edges", target: "/export/graphml?nodes=country/mexico&nodes=person/claudia-sheinbaum&edges=person/claudia-sheinbaum|LEADS|country/mexico", code: 200,
			contentType: "application/graphml+xml", truncated: "false",
			disposition: `attachment; filename="policygraph-subgraph.graphml"`},
		{name: "nodes with center", target: "/export/gexf?center=country/mexico&nodes=country/mexico&edges=", code: 400, errContains: "center or nodes, not both"},
		{name: "edges without nodes", target: "/export/gexf?edges=person/claudia-sheinbaum|LEADS|country/mexico", code: 400, errContains: "give nodes and edges together"},
		{name: "nodes without edges", target: "/export/gexf?nodes=country/mexico", code: 400, errContains: "give nodes and edges together"},
		{name: "empty nodes", target: "/export/gexf?nodes=,&edges=", code: 400, errContains: "nodes is empty"},
		{name: "too many nodes", target: "/export/gexf?edges=&nodes=" + manyIDs(101), code: 400, errContains: "at most 100 entities, not 101"},
		{name: "unknown node", target: "/export/gexf?nodes=country/mexico,person/nobody&edges=", code: 404, errContains: `no entity with ID \"person/nobody\" in nodes`},
		{name: "unknown edge", target: "/export/gexf?nodes=country/mexico&edges=country/mexico|LEADS|country/mexico", code: 404, errContains: `no relationship with ID \"country/mexico|LEADS|country/mexico\" in edges`},
		{name: "edge off the nodes", target: "/export/gexf?nodes=country/mexico&edges=person/claudia-sheinbaum|LEADS|country/mexico", code: 400, errContains: "joins an entity that is not in nodes"},
		{name: "edge of another type", target: "/export/gexf?types=TARGETS&nodes=country/mexico,person/claudia-sheinbaum&edges=person/claudia-sheinbaum|LEADS|country/mexico", code: 400, errContains: "is a LEADS, which types leaves out"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := get(t, h, c.target)
			if rec.Code != c.code {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.code, rec.Body)
			}
			hd := rec.Header()
			if c.code != http.StatusOK {
				if ct := hd.Get("Content-Type"); ct != "application/json" {
					t.Errorf("error Content-Type %q", ct)
				}
				var body struct{ Error string }
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error == "" {
					t.Fatalf("error body %q is not {\"error\": ...}: %v", rec.Body, err)
				}
				if !strings.Contains(rec.Body.String(), c.errContains) {
					t.Errorf("error %s does not contain %s", rec.Body, c.errContains)
				}
				return
			}
			if ct := hd.Get("Content-Type"); ct != c.contentType {
				t.Errorf("Content-Type %q, want %q", ct, c.contentType)
			}
			if d := hd.Get("Content-Disposition"); d != c.disposition {
				t.Errorf("Content-Disposition %q, want %q", d, c.disposition)
			}
			if tr := hd.Get(export.TruncatedHeader); tr != c.truncated {
				t.Errorf("%s %q, want %q", export.TruncatedHeader, tr, c.truncated)
			}
			if cl := hd.Get("Content-Length"); cl != fmt.Sprint(rec.Body.Len()) {
				t.Errorf("Content-Length %q for %d bytes", cl, rec.Body.Len())
			}
			if !strings.Contains(hd.Get("Access-Control-Expose-Headers"), export.TruncatedHeader) {
				t.Errorf("%s is not exposed to browser pages", export.TruncatedHeader)
			}
		})
	}

	t.Run("POST", func(t *testing.T) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/export/graphml", nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("status %d, want 405", rec.Code)
		}
	})
}

// TestPicked exports entities and relationships by ID: the nodes and
// edges of a neighbourhood export the same elements as the neighbourhood,
// given in any order and with repeats; fewer edges export fewer.
func TestPicked(t *testing.T) {
	store := seedStore(t)
	h := export.Handler(store, export.Limits{}, nil)
	ids := func(doc cyDoc) (nodes, edges []string) {
		for _, n := range doc.Elements.Nodes {
			nodes = append(nodes, n.Data.ID)
		}
		for _, e := range doc.Elements.Edges {
			edges = append(edges, e.Data.ID)
		}
		return nodes, edges
	}
	nb := cytoscape(t, h, "center=country/mexico")
	nbNodes, nbEdges := ids(nb)
	if len(nbEdges) < 3 {
		t.Fatalf("the neighbourhood of Mexico has %d edges", len(nbEdges))
	}
	backwards := func(xs []string) string {
		ys := slices.Clone(xs)
		slices.Reverse(ys)
		return strings.Join(append(ys, ys[0]), ",")
	}

	all := cytoscape(t, h, "nodes="+backwards(nbNodes)+"&edges="+backwards(nbEdges))
	gotNodes, gotEdges := ids(all)
	if !slices.Equal(gotNodes, slices.Sorted(slices.Values(nbNodes))) || !slices.Equal(gotEdges, nbEdges) {
		t.Errorf("the neighbourhood picked by ID exported\n%v\n%v\nwant\n%v\n%v", gotNodes, gotEdges, nbNodes, nbEdges)
	}
	if all.Data.Center != "" || all.Data.Truncated {
		t.Errorf("picked: center %q, truncated %v", all.Data.Center, all.Data.Truncated)
	}
	checkDegrees(t, store, all, nil)

	some := cytoscape(t, h, "nodes="+strings.Join(nbNodes, ",")+"&edges="+nbEdges[2]+"&edges="+nbEdges[0])
	gotNodes, gotEdges = ids(some)
	if len(gotNodes) != len(nbNodes) || !slices.Equal(gotEdges, []string{nbEdges[0], nbEdges[2]}) {
		t.Errorf("two edges: %d nodes, edges %v; want %d nodes, edges %v", len(gotNodes), gotEdges, len(nbNodes), []string{nbEdges[0], nbEdges[2]})
	}

	rec := get(t, h, "/export/gexf?nodes=country/mexico&edges=")
	if !strings.Contains(rec.Body.String(), "picked by ID") {
		t.Errorf("the GEXF does not say its elements were picked by ID:\n%s", rec.Body)
	}
}

// TestWholeGraph checks the whole-graph export against the store: every
// entity-to-entity relationship once, none to a source; with a limit, the
// first entities by name and only the relationships among them.
func TestWholeGraph(t *testing.T) {
	store := seedStore(t)
	ctx := context.Background()
	h := export.Handler(store, export.Limits{}, nil)
	stats, err := store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantEdges := 0
	for _, rt := range policygraph.TraversableTypes() {
		wantEdges += stats.Relationships[rt]
	}
	wantNodes := 0
	for _, n := range stats.Nodes {
		wantNodes += n
	}

	all := cytoscape(t, h, "")
	if len(all.Elements.Nodes) != wantNodes || len(all.Elements.Edges) != wantEdges || all.Data.Truncated {
		t.Errorf("whole graph: %d nodes, %d edges, truncated %v; want %d, %d, false",
			len(all.Elements.Nodes), len(all.Elements.Edges), all.Data.Truncated, wantNodes, wantEdges)
	}
	ids := make([]string, len(all.Elements.Edges))
	for i, e := range all.Elements.Edges {
		ids[i] = e.Data.ID
	}
	if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Errorf("edges are not sorted by ID without repeats: %v", ids)
	}

	first, err := store.ListEntities(ctx, policygraph.EntityFilter{}, policygraph.Page{Limit: 7})
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]bool{}
	for _, e := range first.Entities {
		in[e.ID] = true
	}
	part := cytoscape(t, h, "limit=7")
	if len(part.Elements.Nodes) != 7 || !part.Data.Truncated {
		t.Fatalf("limit=7: %d nodes, truncated %v", len(part.Elements.Nodes), part.Data.Truncated)
	}
	for _, n := range part.Elements.Nodes {
		if !in[n.Data.ID] {
			t.Errorf("limit=7 exported %s, which is not among the first 7 by name", n.Data.ID)
		}
	}
	wantPart := 0
	for _, e := range all.Elements.Edges {
		if in[e.Data.Source] && in[e.Data.Target] {
			wantPart++
		}
	}
	if len(part.Elements.Edges) != wantPart {
		t.Errorf("limit=7: %d edges, want the %d among the 7", len(part.Elements.Edges), wantPart)
	}

	checkDegrees(t, store, all, nil)
	checkDegrees(t, store, part, nil)

	typed := cytoscape(t, h, "types=TARGETS")
	for _, e := range typed.Elements.Edges {
		if e.Data.Type != "TARGETS" {
			t.Errorf("types=TARGETS exported %s", e.Data.ID)
		}
	}
	if len(typed.Elements.Edges) != stats.Relationships[policygraph.Targets] {
		t.Errorf("types=TARGETS: %d edges, want %d", len(typed.Elements.Edges), stats.Relationships[policygraph.Targets])
	}
	checkDegrees(t, store, typed, []policygraph.RelType{policygraph.Targets})

	// A store that answers at most two relationships a query makes the
	// handler ask again for the rest, and the export comes out the same.
	stingy := export.Handler(stingyStore{store}, export.Limits{}, nil)
	again := cytoscape(t, stingy, "")
	if fmt.Sprint(again) != fmt.Sprint(all) {
		t.Errorf("paging through relationships changed the export:\n%v\nwant\n%v", again, all)
	}
}

// checkDegrees checks each node's degree against the one its own
// neighbourhood gives, in the whole graph along types.
func checkDegrees(t *testing.T, store policygraph.Store, doc cyDoc, types []policygraph.RelType) {
	t.Helper()
	for _, n := range doc.Elements.Nodes {
		sg, err := store.Neighborhood(context.Background(), policygraph.NeighborhoodQuery{
			Center: n.Data.ID, Depth: 1, Types: types, Direction: policygraph.Both, Limit: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := sg.Nodes[0].Degree; n.Data.Degree != want {
			t.Errorf("types %v: %s has degree %d, its neighbourhood says %d", types, n.Data.ID, n.Data.Degree, want)
		}
	}
}

// TestWholeGraphDegrees counts a self-loop once, as a neighbourhood does,
// and counts relationships to entities left out by the limit.
func TestWholeGraphDegrees(t *testing.T) {
	const yaml = `
sources:
  - {id: source/s, title: S}
entities:
  - {id: person/a, kind: Person, name: A}
  - {id: person/b, kind: Person, name: B}
  - {id: country/c, kind: Country, name: C}
relationships:
  - {type: ALLIED_WITH, from: person/a, to: person/a, evidence: [{source: source/s, quote: "A allies with A."}]}
  - {type: ALLIED_WITH, from: person/b, to: person/a, evidence: [{source: source/s, quote: "B allies with A."}]}
  - {type: LEADS, from: person/a, to: country/c, evidence: [{source: source/s, quote: "A leads C."}]}
`
	ds, err := dataset.Load(context.Background(), []dataset.File{{Name: "loop.yaml", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(yaml)), nil
	}}}, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	store := memory.New(ds)
	h := export.Handler(store, export.Limits{}, nil)
	picked := "nodes=person/a,person/b,country/c&edges="
	for _, query := range []string{"", "limit=2", "types=ALLIED_WITH", picked, picked + "&types=ALLIED_WITH"} {
		doc := cytoscape(t, h, query)
		got := map[string]int{}
		for _, n := range doc.Elements.Nodes {
			got[n.Data.ID] = n.Data.Degree
		}
		want := map[string]map[string]int{
			"":                            {"person/a": 3, "person/b": 1, "country/c": 1},
			"limit=2":                     {"person/a": 3, "person/b": 1}, // C is left out, A's LEADS still counts
			"types=ALLIED_WITH":           {"person/a": 2, "person/b": 1, "country/c": 0},
			picked:                        {"person/a": 3, "person/b": 1, "country/c": 1},
			picked + "&types=ALLIED_WITH": {"person/a": 2, "person/b": 1, "country/c": 0},
		}[query]
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: degrees %v, want %v", query, got, want)
		}
		var types []policygraph.RelType
		if strings.Contains(query, "types=ALLIED_WITH") {
			types = []policygraph.RelType{policygraph.AlliedWith}
		}
		checkDegrees(t, store, doc, types)
	}
}

// stingyStore answers at most two relationships per query, with the true
// total, like a store whose pages are small.
type stingyStore struct{ policygraph.Store }

func (s stingyStore) Relationships(ctx context.Context, qs []policygraph.RelQuery) ([]policygraph.RelPage, error) {
	pages, err := s.Store.Relationships(ctx, qs)
	for i := range pages {
		if len(pages[i].Relationships) > 2 {
			pages[i].Relationships = pages[i].Relationships[:2]
		}
	}
	return pages, err
}

// failingStore fails every call that an export makes with err.
type failingStore struct {
	policygraph.Store
	err error
}

func (s failingStore) Neighborhood(context.Context, policygraph.NeighborhoodQuery) (policygraph.Subgraph, error) {
	return policygraph.Subgraph{}, s.err
}

func (s failingStore) ListEntities(context.Context, policygraph.EntityFilter, policygraph.Page) (policygraph.EntityPage, error) {
	return policygraph.EntityPage{}, s.err
}

func (s failingStore) failure() error { return s.err }

// relFailingStore lists entities but fails to give their relationships.
type relFailingStore struct {
	policygraph.Store
	err error
}

func (s relFailingStore) Relationships(context.Context, []policygraph.RelQuery) ([]policygraph.RelPage, error) {
	return nil, s.err
}

func (s relFailingStore) failure() error { return s.err }

// TestHandlerStoreErrors maps store failures to 503 and 500 without
// letting the error's text out.
func TestHandlerStoreErrors(t *testing.T) {
	seed := seedStore(t)
	secret := "bolt://neo4j:hunter2@10.0.0.7:7687"
	cases := []struct {
		name  string
		store policygraph.Store
		code  int
		want  string
	}{
		{"unavailable", failingStore{seed, fmt.Errorf("dial %s: %w", secret, policygraph.ErrUnavailable)}, 503, "unavailable"},
		{"timeout", failingStore{seed, fmt.Errorf("query: %w", context.DeadlineExceeded)}, 503, "did not answer within"},
		{"other", failingStore{seed, errors.New("syntax error near " + secret)}, 500, "internal error"},
		{"relationships unavailable", relFailingStore{seed, fmt.Errorf("%s: %w", secret, policygraph.ErrUnavailable)}, 503, "unavailable"},
		{"relationships other", relFailingStore{seed, errors.New(secret)}, 500, "internal error"},
	}
	for _, c := range cases {
		for _, query := range []string{"", "?center=country/mexico"} {
			t.Run(c.name+query, func(t *testing.T) {
				var log strings.Builder
				h := export.Handler(c.store, export.Limits{}, slog.New(slog.NewTextHandler(&log, nil)))
				rec := get(t, h, "/export/gexf"+query)
				if _, ok := c.store.(relFailingStore); ok && query != "" {
					// A neighbourhood does not ask for relationships.
					if rec.Code != http.StatusOK {
						t.Errorf("status %d, want 200", rec.Code)
					}
					return
				}
				if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.want) {
					t.Errorf("got %d %s, want %d with %q", rec.Code, rec.Body, c.code, c.want)
				}
				if strings.Contains(rec.Body.String(), "hunter2") {
					t.Errorf("the response leaks the store's error: %s", rec.Body)
				}
				if want := c.store.(interface{ failure() error }).failure(); !strings.Contains(log.String(), want.Error()) {
					t.Errorf("the store's error was not logged: %q", log.String())
				}
			})
		}
	}
}
