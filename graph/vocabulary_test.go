package graph_test

import (
	"slices"
	"strings"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph/generated"
)

// The schema's enums are the Go vocabulary, spelt in upper case, in the
// same order: neither can change without the other.
func TestEnumsMatchVocabulary(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	upper := func(vs []string) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = strings.ToUpper(v)
		}
		return out
	}
	var kinds, rels []string
	for _, k := range pg.Kinds {
		kinds = append(kinds, string(k))
	}
	for _, r := range pg.RelTypes() {
		rels = append(rels, string(r))
	}
	for _, tt := range []struct {
		enum string
		want []string
	}{
		{"EntityKind", upper(kinds)},
		{"RelationshipType", rels},
		{"OrganizationType", upper(pg.OrganizationTypes)},
		{"PolicyType", upper(pg.PolicyTypes)},
		{"Status", upper(pg.Statuses)},
		{"Direction", []string{string(pg.Out), string(pg.In), string(pg.Both)}},
	} {
		def := schema.Types[tt.enum]
		if def == nil {
			t.Errorf("enum %s missing from the schema", tt.enum)
			continue
		}
		var got []string
		for _, v := range def.EnumValues {
			got = append(got, v.Name)
			if v.Description == "" {
				t.Errorf("%s.%s has no description", tt.enum, v.Name)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("enum %s = %v, want %v (run go generate ./graph)", tt.enum, got, tt.want)
		}
	}
}

// Every type, field, argument and enum value of the schema is documented.
func TestSchemaDocumented(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	for name, def := range schema.Types {
		if strings.HasPrefix(name, "__") || def.BuiltIn {
			continue
		}
		if def.Description == "" {
			t.Errorf("type %s has no description", name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if f.Description == "" {
				t.Errorf("%s.%s has no description", name, f.Name)
			}
			for _, a := range f.Arguments {
				if a.Description == "" {
					t.Errorf("%s.%s(%s) has no description", name, f.Name, a.Name)
				}
			}
		}
	}
}
