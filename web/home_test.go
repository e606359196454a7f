package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/policygraph/policygraph"
)

type statsFunc func(context.Context) (policygraph.Stats, error)

func (f statsFunc) Stats(ctx context.Context) (policygraph.Stats, error) { return f(ctx) }

func TestHome(t *testing.T) {
	sections := []Section{
		{Title: "Explore", Links: []Link{{Path: "/explore", Title: "Explorer", About: "Draw the graph."}}},
		{Title: "API", Links: []Link{{Path: "/graphql", Href: "/graphql?query=%7Bstats%7Bentities%7D%7D", Title: "GraphQL", About: "Ask."}}},
	}
	up := statsFunc(func(context.Context) (policygraph.Stats, error) {
		return policygraph.Stats{
			Sources:       2,
			Nodes:         map[policygraph.Kind]int{policygraph.Person: 3, policygraph.Country: 1},
			Relationships: map[policygraph.RelType]int{policygraph.RelType("LEADS"): 4, policygraph.RelType("TARGETS"): 1},
		}, nil
	})
	down := statsFunc(func(context.Context) (policygraph.Stats, error) {
		return policygraph.Stats{}, errors.New("connection refused")
	})
	links := []string{
		`<a href="/explore">Explorer</a>`,
		`<a href="/graphql?query=%7Bstats%7Bentities%7D%7D">GraphQL</a>`,
		`<h2 id="section-1">API</h2>`,
	}
	tests := []struct {
		name    string
		store   StatsReader
		want    []string
		notWant []string
	}{
		{"counts", up, append([]string{
			`<strong>4</strong> entities, <strong>5</strong> relationships, <strong>2</strong> sources`,
			`<td><code>PERSON</code></td><td class="n">3</td>`,
			`<td><code>ORGANIZATION</code></td><td class="n">0</td>`, // every kind, even when none
			`<td><code>LEADS</code></td><td class="n">4</td>`,
		}, links...), []string{"stats-unavailable", "<code>ALLIED_WITH</code>"}}, // only the types present
		{"store down", down, append([]string{`id="stats-unavailable"`, `href="/readyz"`}, links...),
			[]string{`id="totals"`, "connection refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Home(sections, tt.store, slog.New(slog.DiscardHandler))
			rec := get(t, h, "GET", "/")
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			hd := rec.Header()
			if hd.Get("Content-Type") != "text/html; charset=utf-8" || hd.Get("Content-Security-Policy") != basePolicy ||
				hd.Get("Cache-Control") != "no-store" {
				t.Errorf("headers %v", hd)
			}
			page := rec.Body.String()
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("the page lacks %s", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(page, w) {
					t.Errorf("the page has %s", w)
				}
			}
			// Offline: no script, and nothing from another host.
			if strings.Contains(page, "<script") || strings.Contains(page, `="http`) || strings.Contains(page, "url(") {
				t.Error("the page loads a script or an external resource")
			}
			if head := get(t, h, "HEAD", "/"); head.Code != http.StatusOK || head.Body.Len() != 0 {
				t.Errorf("HEAD: %d with %d bytes", head.Code, head.Body.Len())
			}
		})
	}
}
