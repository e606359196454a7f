package schema_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/policygraph/policygraph/graph/generated"
	"github.com/policygraph/policygraph/schema"
)

// TestSDL checks that the served document is a valid schema that declares
// the same types as the one the server was generated from.
func TestSDL(t *testing.T) {
	sdl := string(schema.SDL())
	got, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: sdl})
	if err != nil {
		t.Fatalf("the SDL does not load: %v", err)
	}
	want := generated.NewExecutableSchema(generated.Config{}).Schema()
	names := func(s *ast.Schema) []string {
		var ns []string
		for n, d := range s.Types {
			if !d.BuiltIn {
				ns = append(ns, n)
			}
		}
		slices.Sort(ns)
		return ns
	}
	if g, w := names(got), names(want); !slices.Equal(g, w) {
		t.Errorf("types\n got %q\nwant %q", g, w)
	}
	for _, f := range []string{"entities.graphqls", "query.graphqls"} {
		if !strings.Contains(sdl, "# schema/"+f+"\n") {
			t.Errorf("the SDL does not name schema/%s", f)
		}
	}
}
