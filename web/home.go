package web

import (
	"bytes"
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/policygraph/policygraph"
)

// Link is one entry of the front door: a page or endpoint of this server.
type Link struct {
	// Path is the route on this server ("/explore"); the startup log prints
	// it as a URL.
	Path string
	// Href, when set, is what the page links instead of Path: an example
	// request of the route ("/graphql?query=…").
	Href string
	// Title names the link; About says in a line what it is for.
	Title, About string
}

// Section is a heading of the front door and its links.
type Section struct {
	Title string
	Links []Link
}

// StatsReader is what the front door asks for the graph's counts; a
// [policygraph.Store] is one.
type StatsReader interface {
	Stats(ctx context.Context) (policygraph.Stats, error)
}

// statsTimeout bounds the store call of the front door, so that a store
// that hangs leaves a page that says so rather than a page that never
// loads.
const statsTimeout = 3 * time.Second

// Home returns the handler of the front door, for "GET /{$}" (the root
// alone, so that an unknown path stays a 404): a page that links the
// sections and shows the graph's counts, read from store at each request.
// It has no script and no asset; its style is inline, which the pages'
// policy allows. When the store does not answer, the page still renders,
// with a note instead of the counts, and the error is logged.
func Home(sections []Section, store StatsReader, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), statsTimeout)
		defer cancel()
		page := homePage{Sections: sections}
		st, err := store.Stats(ctx)
		if err != nil {
			logger.WarnContext(ctx, "front door: no stats", "err", err)
		} else {
			page.Stats = newHomeStats(st)
		}
		var b bytes.Buffer
		if err := homeTemplate.Execute(&b, page); err != nil {
			logger.ErrorContext(ctx, "front door: render", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store") // the counts change with the store
		h.Set("Content-Security-Policy", basePolicy)
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, "", zeroTime, bytes.NewReader(b.Bytes()))
	})
}

type homePage struct {
	Sections []Section
	Stats    *homeStats // nil when the store did not answer
}

type count struct {
	Name string
	N    int
}

type homeStats struct {
	Entities, Relationships, Sources int
	Kinds                            []count // every kind, in vocabulary order
	Types                            []count // the types present, in vocabulary order
}

func newHomeStats(st policygraph.Stats) *homeStats {
	hs := &homeStats{Sources: st.Sources}
	for _, k := range policygraph.Kinds {
		hs.Kinds = append(hs.Kinds, count{policygraph.APIName(k), st.Nodes[k]})
		hs.Entities += st.Nodes[k]
	}
	for _, t := range policygraph.RelTypes() {
		if n := st.Relationships[t]; n > 0 {
			hs.Types = append(hs.Types, count{policygraph.APIName(t), n})
			hs.Relationships += n
		}
	}
	return hs
}

// URL is what the page links: Href, or else Path.
func (l Link) URL() string {
	if l.Href != "" {
		return l.Href
	}
	return l.Path
}

var homeTemplate = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>policygraph</title>
<style>
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px; color: #1f2328; background: #fff; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; line-height: 1.45; }
h1 { margin: 0 0 0.25rem; font-size: 1.8rem; }
h2 { font-size: 1.15rem; margin: 0 0 0.5rem; }
p.lead { margin: 0 0 1.5rem; color: #57606a; }
a { color: #0969da; }
:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: 1rem; }
.stats .grid { grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); gap: 2rem; }
section { border: 1px solid #d0d7de; border-radius: 6px; padding: 1rem; background: #f6f8fa; }
ul { margin: 0; padding: 0; list-style: none; }
li { margin: 0 0 0.6rem; }
li span { display: block; color: #57606a; font-size: 0.92rem; }
.totals { font-size: 1.1rem; margin: 0 0 0.75rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
th, td { text-align: left; padding: 0.15rem 0.5rem 0.15rem 0; border-bottom: 1px solid #d0d7de; }
th.n, td.n { text-align: right; padding-right: 0; font-variant-numeric: tabular-nums; }
.stats { margin-top: 1.5rem; }
.stats .grid { align-items: start; }
.note { color: #82071e; }
</style>
</head>
<body>
<header>
<h1>policygraph</h1>
<p class="lead">A knowledge graph of people, organizations, countries and policies drawn from news reporting, every relationship with the quote that states it.</p>
</header>
<main>
<div class="grid">
{{range $i, $s := .Sections}}
<section aria-labelledby="section-{{$i}}">
<h2 id="section-{{$i}}">{{$s.Title}}</h2>
<ul>
{{range $s.Links}}<li><a href="{{.URL}}">{{.Title}}</a> <code>{{.Path}}</code><span>{{.About}}</span></li>
{{end}}</ul>
</section>
{{end}}
</div>
<section class="stats" aria-labelledby="stats-title">
<h2 id="stats-title">The graph</h2>
{{with .Stats}}
<p class="totals" id="totals"><strong>{{.Entities}}</strong> entities, <strong>{{.Relationships}}</strong> relationships, <strong>{{.Sources}}</strong> {{if eq .Sources 1}}source{{else}}sources{{end}}</p>
<div class="grid">
<table id="stats-kinds">
<caption>Entities by kind</caption>
<thead><tr><th scope="col">kind</th><th scope="col" class="n">count</th></tr></thead>
<tbody>{{range .Kinds}}<tr><td><code>{{.Name}}</code></td><td class="n">{{.N}}</td></tr>{{end}}</tbody>
</table>
<table id="stats-types">
<caption>Relationships by type</caption>
<thead><tr><th scope="col">type</th><th scope="col" class="n">count</th></tr></thead>
<tbody>{{range .Types}}<tr><td><code>{{.Name}}</code></td><td class="n">{{.N}}</td></tr>{{end}}</tbody>
</table>
</div>
{{else}}
<p class="note" id="stats-unavailable">The graph store did not answer; <a href="/readyz">/readyz</a> says why.</p>
{{end}}
</section>
</main>
</body>
</html>
`))
