package export

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/policygraph/policygraph"
)

// Limits bound what one export request may ask for. A zero field takes its
// default from [DefaultLimits].
type Limits struct {
	// DefaultLimit is how many entities an export holds at most when the
	// request gives no limit.
	DefaultLimit int
	// MaxLimit bounds the limit a request may give.
	MaxLimit int
	// MaxDepth bounds depth, the hops from the centre.
	MaxDepth int
	// Timeout bounds the store calls of one request.
	Timeout time.Duration
}

// DefaultLimits returns the defaults: 500 entities, at most 5000, depth at
// most 3, 20 seconds.
func DefaultLimits() Limits {
	return Limits{DefaultLimit: 500, MaxLimit: 5000, MaxDepth: 3, Timeout: 20 * time.Second}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	l.DefaultLimit = cmp.Or(max(l.DefaultLimit, 0), d.DefaultLimit)
	l.MaxLimit = cmp.Or(max(l.MaxLimit, 0), d.MaxLimit)
	l.MaxDepth = cmp.Or(max(l.MaxDepth, 0), d.MaxDepth)
	l.Timeout = cmp.Or(max(l.Timeout, 0), d.Timeout)
	l.DefaultLimit = min(l.DefaultLimit, l.MaxLimit)
	return l
}

// TruncatedHeader is the response header that says whether entities were
// left out to keep within the limit: "true" or "false".
const TruncatedHeader = "X-Policygraph-Truncated"

// format is one export format and how it is served.
type format struct {
	path        string // under /export/
	contentType string
	ext         string // of the download's file name
	write       func(io.Writer, *Graph) error
}

func formats() []format {
	return []format{
		{"graphml", "application/graphml+xml", ".graphml", WriteGraphML},
		{"gexf", "application/gexf+xml", ".gexf", WriteGEXF},
		{"cytoscape.json", "application/json", ".cytoscape.json", WriteCytoscape},
	}
}

// Handler serves exports of the graph in store:
//
//	GET /export/graphml
//	GET /export/gexf
//	GET /export/cytoscape.json
//
// with the query parameters
//
//	center  an entity ID: export its neighbourhood; omitted: the whole graph
//	depth   hops from the centre, 1 to limits.MaxDepth (default 1); only
//	        used with center
//	types   comma-separated relationship types to follow and export, such
//	        as LEADS,TARGETS (case ignored); omitted: every type that joins
//	        two entities
//	limit   the most entities to export, 1 to limits.MaxLimit (default
//	        limits.DefaultLimit), the centre included
//	nodes   comma-separated entity IDs (the parameter may repeat): export
//	        exactly these entities, at most limits.MaxLimit, instead of a
//	        neighbourhood or the whole graph; not with center
//	edges   with nodes: comma-separated relationship IDs (may repeat, may
//	        be empty), the relationships to export, each between two of
//	        the nodes
//
// The whole graph is its first limit entities in name order, and the
// relationships among them. When entities in reach were left out, the
// X-Policygraph-Truncated header is "true" and the file says so too.
//
// nodes and edges export what a client has drawn, such as the explorer's
// view: the same entities and relationships, with every attribute the
// store has for them.
//
// The response is a download (Content-Disposition: attachment) named
// policygraph-<center as a slug, "subgraph" for nodes, or "graph"> with the
// format's extension. Errors are JSON, {"error": "..."}: 400 for a bad
// parameter, 404 for an unknown centre, node or edge, 503 when the store is
// unavailable or too slow, 500 otherwise; the details of a 500 are logged
// to logger, never returned.
//
// Mount it at /export/, for example with server.Handle("GET /export/", h).
func Handler(store policygraph.Store, limits Limits, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{store: store, limits: limits.withDefaults(), logger: logger}
	mux := http.NewServeMux()
	for _, f := range formats() {
		mux.HandleFunc("GET /export/"+f.path, func(w http.ResponseWriter, r *http.Request) { h.serve(w, r, f) })
	}
	mux.HandleFunc("GET /export/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such export: use /export/graphml, /export/gexf or /export/cytoscape.json")
	})
	return mux
}

type handler struct {
	store  policygraph.Store
	limits Limits
	logger *slog.Logger
}

// request is what an export asks for, validated.
type request struct {
	center string
	depth  int
	types  []policygraph.RelType
	limit  int
	nodes  []string // entity IDs to export, when picked by ID
	edges  []string // relationship IDs to export with nodes
}

// maxEdgesPerNode bounds the edges a request may pick, per node it may pick.
const maxEdgesPerNode = 10

// requestError is an export that cannot be answered as asked, with the
// status that says why.
type requestError struct {
	code int
	msg  string
}

func (e *requestError) Error() string { return e.msg }

func (h *handler) serve(w http.ResponseWriter, r *http.Request, f format) {
	req, err := h.parse(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.limits.Timeout)
	defer cancel()

	var g *Graph
	switch {
	case req.nodes != nil:
		g, err = h.picked(ctx, req)
	case req.center != "":
		g, err = h.neighborhood(ctx, req)
	default:
		g, err = h.whole(ctx, req)
	}
	if err != nil {
		h.fail(w, r, req.center, err)
		return
	}

	var body bytes.Buffer
	if err := f.write(&body, g); err != nil {
		h.fail(w, r, req.center, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.contentType)
	name := fileName(req.center)
	if req.nodes != nil {
		name = "policygraph-subgraph"
	}
	hd.Set("Content-Disposition", `attachment; filename="`+name+f.ext+`"`)
	hd.Set("Content-Length", strconv.Itoa(body.Len()))
	hd.Set(TruncatedHeader, strconv.FormatBool(g.Truncated))
	// Browser pages on other origins may read these too (CORS is the
	// server's to allow).
	hd.Set("Access-Control-Expose-Headers", TruncatedHeader+", Content-Disposition")
	w.WriteHeader(http.StatusOK)
	_, _ = body.WriteTo(w) // a client that went away is not an error of ours
}

// parse reads and checks the query parameters.
func (h *handler) parse(r *http.Request) (request, error) {
	q := r.URL.Query()
	req := request{center: strings.TrimSpace(q.Get("center")), depth: 1, limit: h.limits.DefaultLimit}
	var err error
	if s := q.Get("depth"); s != "" {
		if req.depth, err = intParam("depth", s, 1, h.limits.MaxDepth); err != nil {
			return req, err
		}
	}
	if s := q.Get("limit"); s != "" {
		if req.limit, err = intParam("limit", s, 1, h.limits.MaxLimit); err != nil {
			return req, err
		}
	}
	if req.types, err = parseTypes(q["types"]); err != nil {
		return req, err
	}
	_, hasNodes := q["nodes"]
	_, hasEdges := q["edges"]
	switch {
	case hasNodes && req.center != "":
		return req, errors.New("give center or nodes, not both")
	case hasEdges != hasNodes:
		return req, errors.New("give nodes and edges together: the entities and the relationships among them to export (edges may be empty)")
	case hasNodes:
		req.nodes = splitIDs(q["nodes"])
		if len(req.nodes) == 0 {
			return req, errors.New("nodes is empty: give entity IDs separated by commas")
		}
		if len(req.nodes) > h.limits.MaxLimit {
			return req, fmt.Errorf("nodes may name at most %d entities, not %d", h.limits.MaxLimit, len(req.nodes))
		}
	}
	if hasEdges {
		req.edges = splitIDs(q["edges"])
		if max := maxEdgesPerNode * h.limits.MaxLimit; len(req.edges) > max {
			return req, fmt.Errorf("edges may name at most %d relationships, not %d", max, len(req.edges))
		}
	}
	return req, nil
}

// splitIDs reads comma-separated IDs from each value, without blanks or
// repeats, in the order given; never nil.
func splitIDs(values []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

func intParam(name, s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s must be a whole number from %d to %d, not %q", name, lo, hi, s)
	}
	return n, nil
}

// parseTypes reads comma-separated relationship types from each value,
// in vocabulary spelling with case ignored, without repeats. Types that
// join entities to sources are refused: they are not graph edges.
func parseTypes(values []string) ([]policygraph.RelType, error) {
	var out []policygraph.RelType
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.ToUpper(strings.TrimSpace(s))
			if s == "" {
				continue
			}
			t := policygraph.RelType(s)
			spec, ok := policygraph.Spec(t)
			switch {
			case !ok:
				return nil, fmt.Errorf("unknown relationship type %q in types; known types: %s", s, joinTypes(policygraph.TraversableTypes()))
			case !spec.Traversable():
				return nil, fmt.Errorf("%s joins entities to sources and is not exported; types may be: %s", s, joinTypes(policygraph.TraversableTypes()))
			}
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// neighborhood exports the entities within req.depth hops of the centre,
// following relationships either way.
func (h *handler) neighborhood(ctx context.Context, req request) (*Graph, error) {
	sg, err := h.store.Neighborhood(ctx, policygraph.NeighborhoodQuery{
		Center: req.center, Depth: req.depth, Types: req.types, Direction: policygraph.Both, Limit: req.limit,
	})
	if err != nil {
		return nil, fmt.Errorf("neighborhood of %q: %w", req.center, err)
	}
	return &Graph{Subgraph: sg, Center: req.center, Depth: req.depth, Types: req.types}, nil
}

// picked exports the entities of req.nodes and the relationships of
// req.edges, each of which must join two of them and be of req.types when
// types are given. Each node's degree is its number of relationships (of
// req.types, else of every type that joins entities) in the whole graph.
func (h *handler) picked(ctx context.Context, req request) (*Graph, error) {
	ents, err := h.store.Entities(ctx, req.nodes)
	if err != nil {
		return nil, fmt.Errorf("entities of nodes: %w", err)
	}
	in := make(map[string]bool, len(ents))
	for i, e := range ents {
		if e == nil {
			return nil, &requestError{http.StatusNotFound, fmt.Sprintf("no entity with ID %q in nodes", req.nodes[i])}
		}
		in[e.ID] = true
	}
	rels, err := h.store.RelationshipsByID(ctx, req.edges)
	if err != nil {
		return nil, fmt.Errorf("relationships of edges: %w", err)
	}
	g := &Graph{Types: req.types, Picked: true}
	for i, r := range rels {
		switch {
		case r == nil:
			return nil, &requestError{http.StatusNotFound, fmt.Sprintf("no relationship with ID %q in edges", req.edges[i])}
		case !in[r.From] || !in[r.To]:
			return nil, &requestError{http.StatusBadRequest, fmt.Sprintf("edge %q joins an entity that is not in nodes", r.ID)}
		case len(req.types) > 0 && !slices.Contains(req.types, r.Type):
			return nil, &requestError{http.StatusBadRequest, fmt.Sprintf("edge %q is a %s, which types leaves out", r.ID, r.Type)}
		}
		g.Edges = append(g.Edges, *r)
	}
	types := req.types
	if len(types) == 0 {
		types = policygraph.TraversableTypes()
	}
	qs := make([]policygraph.RelQuery, len(ents))
	for i, e := range ents {
		qs[i] = policygraph.RelQuery{Node: e.ID, Types: types, Direction: policygraph.Both} // totals alone
	}
	pages, err := h.store.Relationships(ctx, qs)
	if err != nil {
		return nil, fmt.Errorf("relationships of %d entities: %w", len(qs), err)
	}
	if len(pages) != len(qs) {
		return nil, fmt.Errorf("relationships: asked %d queries, got %d answers", len(qs), len(pages))
	}
	for i, e := range ents {
		g.Nodes = append(g.Nodes, policygraph.SubgraphNode{Entity: e, Degree: pages[i].Total})
	}
	// The order of a Subgraph: nodes by depth (all 0 here), then ID; edges by ID.
	slices.SortFunc(g.Nodes, func(a, b policygraph.SubgraphNode) int { return strings.Compare(a.Entity.ID, b.Entity.ID) })
	slices.SortFunc(g.Edges, func(a, b policygraph.Relationship) int { return strings.Compare(a.ID, b.ID) })
	return g, nil
}

// Page sizes of the whole-graph export's store calls.
const (
	entityPage = 1000 // entities per ListEntities call
	relPage    = 1000 // relationships per node per Relationships query
)

// whole exports the first req.limit entities in name order and the
// relationships among them. Each relationship is asked for from its start
// only, so it comes once; a node with more than relPage relationships is
// asked again for the rest, in one more batch for all such nodes. Each
// node's degree is counted as a neighbourhood counts it, in the whole
// graph: its outgoing relationships (the totals of those pages) and its
// incoming ones (one more batch asking for totals alone), a self-loop once.
func (h *handler) whole(ctx context.Context, req request) (*Graph, error) {
	var ents []*policygraph.Entity
	total := 0
	for len(ents) < req.limit {
		page, err := h.store.ListEntities(ctx, policygraph.EntityFilter{},
			policygraph.Page{Offset: len(ents), Limit: min(entityPage, req.limit-len(ents))})
		if err != nil {
			return nil, fmt.Errorf("list entities: %w", err)
		}
		total = page.Total
		ents = append(ents, page.Entities...)
		if len(page.Entities) == 0 || len(ents) >= total {
			break
		}
	}

	g := &Graph{Types: req.types}
	g.Truncated = total > len(ents)
	in := make(map[string]bool, len(ents))
	for _, e := range ents {
		in[e.ID] = true
	}
	types := req.types
	if len(types) == 0 {
		types = policygraph.TraversableTypes()
	}
	degree := make(map[string]int, len(ents))
	qs := make([]policygraph.RelQuery, len(ents))
	for i, e := range ents {
		qs[i] = policygraph.RelQuery{Node: e.ID, Types: types, Direction: policygraph.Out, Page: policygraph.Page{Limit: relPage}}
	}
	for len(qs) > 0 {
		pages, err := h.relationships(ctx, qs)
		if err != nil {
			return nil, err
		}
		var more []policygraph.RelQuery
		for i, p := range pages {
			if qs[i].Page.Offset == 0 {
				degree[qs[i].Node] += p.Total
			}
			for _, rel := range p.Relationships {
				if rel.From == rel.To {
					degree[rel.From]-- // counted again among the incoming
				}
				if in[rel.From] && in[rel.To] {
					g.Edges = append(g.Edges, rel)
				}
			}
			if next := qs[i].Page.Offset + len(p.Relationships); len(p.Relationships) > 0 && next < p.Total {
				q := qs[i]
				q.Page.Offset = next
				more = append(more, q)
			}
		}
		qs = more
	}
	incoming := make([]policygraph.RelQuery, len(ents))
	for i, e := range ents {
		incoming[i] = policygraph.RelQuery{Node: e.ID, Types: types, Direction: policygraph.In}
	}
	pages, err := h.relationships(ctx, incoming)
	if err != nil {
		return nil, err
	}
	for i, p := range pages {
		degree[incoming[i].Node] += p.Total
	}
	for _, e := range ents {
		g.Nodes = append(g.Nodes, policygraph.SubgraphNode{Entity: e, Degree: degree[e.ID]})
	}
	// The order of a Subgraph: nodes by depth (all 0 here), then ID; edges by ID.
	slices.SortFunc(g.Nodes, func(a, b policygraph.SubgraphNode) int { return strings.Compare(a.Entity.ID, b.Entity.ID) })
	slices.SortFunc(g.Edges, func(a, b policygraph.Relationship) int { return strings.Compare(a.ID, b.ID) })
	return g, nil
}

// relationships answers a batch of relationship queries, one page each.
func (h *handler) relationships(ctx context.Context, qs []policygraph.RelQuery) ([]policygraph.RelPage, error) {
	pages, err := h.store.Relationships(ctx, qs)
	if err != nil {
		return nil, fmt.Errorf("relationships of %d entities: %w", len(qs), err)
	}
	if len(pages) != len(qs) {
		return nil, fmt.Errorf("relationships: asked %d queries, got %d answers", len(qs), len(pages))
	}
	return pages, nil
}

// fail answers a failed export: 404 for an unknown centre, 503 when the
// store is unavailable or did not answer in time, else 500 with nothing
// of the error but a log line.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, center string, err error) {
	var re *requestError
	switch {
	case errors.As(err, &re):
		writeError(w, re.code, re.msg)
	case r.Context().Err() != nil:
		// The client went away: nobody reads this, but the access log does.
		writeError(w, http.StatusServiceUnavailable, "request cancelled")
	case errors.Is(err, policygraph.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("no entity with ID %q", center))
	case errors.Is(err, policygraph.ErrUnavailable):
		h.logger.WarnContext(r.Context(), "export: store unavailable", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusServiceUnavailable, "the graph store is unavailable; try again later")
	case errors.Is(err, context.DeadlineExceeded):
		h.logger.WarnContext(r.Context(), "export: store timed out", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusServiceUnavailable,
			fmt.Sprintf("the graph store did not answer within %s; ask for a smaller export (limit, depth, types)", h.limits.Timeout))
	default:
		h.logger.ErrorContext(r.Context(), "export failed", "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// fileName is the download's name without its extension:
// "policygraph-person-claudia-sheinbaum", or "policygraph-graph" for the
// whole graph. Only a-z, 0-9 and hyphens are kept, so the name needs no
// quoting in the header and is safe on every file system.
func fileName(center string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(center) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(c)
		} else {
			dash = true
		}
		if b.Len() >= 80 {
			break
		}
	}
	if b.Len() == 0 {
		return "policygraph-graph"
	}
	return "policygraph-" + b.String()
}
