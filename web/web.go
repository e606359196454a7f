// Package web serves the browser front end of policygraph from assets
// built into the binary, so that a fresh clone needs only Go to run it:
//
//   - /: the front door, links to everything the server serves and the
//     graph's counts (home.go: a Go template, no script, not in dist/).
//   - /explore: the graph explorer. Search for an entity, draw its
//     neighbourhood with Cytoscape.js (sizes by degree, colours by kind and
//     relationship type, "+N more" for hubs), filter it, read its dated
//     events on a timeline, its evidence and relationships in a panel, list
//     the paths between two entities, keep the view in the URL and export
//     what is drawn (images, and GEXF, GraphML or Cytoscape JSON through
//     /export/ with the drawn IDs).
//   - /graphiql: GraphiQL against /graphql, with no assets from a CDN.
//
// The pages talk only to the API on the same origin (/graphql).
//
// The sources are in explorer/ and graphiql/; esbuild bundles them into
// dist/, which is committed. After changing a source, rebuild with
//
//	go generate ./web    # or: make web; or: cd web && npm ci && npm run build
//
// and commit dist/ with the change; a test fails while dist/ is older than
// its sources.
//
// The explorer sets three hooks on window for the browser test: __cy, its
// Cytoscape.js instance (to assert what is drawn), __cytoscape, the
// Cytoscape.js library (to load an export into a fresh instance), and
// __view(), a copy of the view it draws (what its URL says).
package web

//go:generate sh -c "npm ci --no-audit --no-fund && npm run build"

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed dist
var dist embed.FS

// Explorer returns the handler of the graph explorer: the page at /explore
// (and /explore/) and its assets under /explore/assets/.
func Explorer() http.Handler { return newApp("explore", explorerCSP) }

// GraphiQL returns the handler of GraphiQL: the page at /graphiql (and
// /graphiql/) and its assets under /graphiql/assets/.
func GraphiQL() http.Handler { return newApp("graphiql", graphiqlCSP) }

// Router is what Register adds routes to: an *http.ServeMux, or the API
// server, whose Handle logs and meters the routes like its own.
type Router interface {
	Handle(pattern string, h http.Handler)
}

// Register adds the explorer and GraphiQL to r, for GET and HEAD.
func Register(r Router) {
	ex, gi := Explorer(), GraphiQL()
	r.Handle("GET /explore", ex)
	r.Handle("GET /explore/", ex)
	r.Handle("GET /graphiql", gi)
	r.Handle("GET /graphiql/", gi)
}

// Content security policies: scripts, styles and connections from the
// server alone. Styles allow inline attributes, which Cytoscape.js and
// GraphiQL's components set; images and fonts allow data: URLs.
const (
	basePolicy  = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	explorerCSP = basePolicy
	graphiqlCSP = basePolicy
)

// app serves one page and its assets from dist/<name>.
type app struct {
	name string
	csp  string
}

func newApp(name, csp string) *app { return &app{name: name, csp: csp} }

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	root := "/" + a.name
	p := r.URL.Path
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	switch {
	case p == root || p == root+"/" || p == root+"/index.html":
		h.Set("Cache-Control", "no-cache") // revalidate: the page names the current assets
		h.Set("Content-Security-Policy", a.csp)
		h.Set("Referrer-Policy", "same-origin")
		serveFile(w, r, path.Join("dist", a.name, "index.html"))
	case strings.HasPrefix(p, root+"/assets/") && !strings.Contains(p[len(root)+8:], "/"):
		// Asset names carry a hash of their content: cache them for good.
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		serveFile(w, r, path.Join("dist", a.name, "assets", p[len(root)+8:]))
	default:
		http.NotFound(w, r)
	}
}

// file is an embedded file ready to serve: its type, its ETag, and a
// gzipped copy made the first time a client accepts one.
type file struct {
	data  []byte
	ctype string
	etag  string

	once sync.Once
	gz   []byte // nil when gzip does not make it smaller
}

// index holds every file of dist, by its path in dist ("dist/explore/index.html").
var index = sync.OnceValue(func() map[string]*file {
	m := map[string]*file{}
	err := fs.WalkDir(dist, "dist", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(dist, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		m[name] = &file{data: data, ctype: contentType(name), etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	if err != nil {
		panic("web: reading the embedded assets: " + err.Error()) // cannot happen with embed.FS
	}
	return m
})

func (f *file) gzipped() []byte {
	f.once.Do(func() {
		if len(f.data) < 1024 || !compressible(f.ctype) {
			return
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // the level is valid
		_, werr := zw.Write(f.data)
		cerr := zw.Close()
		if werr == nil && cerr == nil && b.Len() < len(f.data) {
			f.gz = b.Bytes()
		}
	})
	return f.gz
}

func serveFile(w http.ResponseWriter, r *http.Request, name string) {
	f, ok := index()[name]
	if !ok {
		w.Header().Del("Cache-Control")
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	data, etag := f.data, f.etag
	if compressible(f.ctype) {
		h.Add("Vary", "Accept-Encoding")
		if gz := f.gzipped(); gz != nil && acceptsGzip(r) {
			data, etag = gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304, HEAD without a body,
	// and ranges.
	http.ServeContent(w, r, "", zeroTime, bytes.NewReader(data))
}

// acceptsGzip reports whether the request's Accept-Encoding lists gzip
// with a non-zero weight.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// contentType is set from a fixed table rather than the system's MIME
// database, which differs between machines.
func contentType(name string) string {
	switch {
	case strings.HasSuffix(name, ".html"):
		return "text/html; charset=utf-8"
	case strings.HasSuffix(name, ".js"):
		return "text/javascript; charset=utf-8"
	case strings.HasSuffix(name, ".css"):
		return "text/css; charset=utf-8"
	case strings.HasSuffix(name, ".txt"):
		return "text/plain; charset=utf-8"
	case strings.HasSuffix(name, ".json"), strings.HasSuffix(name, ".map"):
		return "application/json"
	case strings.HasSuffix(name, ".svg"):
		return "image/svg+xml"
	case strings.HasSuffix(name, ".png"):
		return "image/png"
	case strings.HasSuffix(name, ".woff2"):
		return "font/woff2"
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || ctype == "application/json" || ctype == "image/svg+xml"
}

var zeroTime = time.Time{}
