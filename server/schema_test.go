package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/internal/pgtest"
	"github.com/policygraph/policygraph/server"
)

func TestSchemaSDL(t *testing.T) {
	s := newServer(t, server.Config{}, pgtest.Seed(t))
	resp := get(t, s, "/schema.graphql")
	b := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{"type Query {", "interface Entity", "enum RelationshipType"} {
		if !strings.Contains(b, want) {
			t.Errorf("the SDL lacks %q", want)
		}
	}
	etag := resp.Header.Get("ETag")
	if again := get(t, s, "/schema.graphql", "If-None-Match", etag); etag == "" || again.StatusCode != http.StatusNotModified {
		t.Errorf("ETag %q: a revalidation got %d, want 304", etag, again.StatusCode)
	}
}
