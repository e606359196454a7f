package policygraph_test

import (
	"slices"
	"testing"

	pg "github.com/policygraph/policygraph"
)

func TestWindow(t *testing.T) {
	tests := []struct {
		n      int
		p      pg.Page
		lo, hi int
	}{
		{10, pg.Page{Offset: 0, Limit: 3}, 0, 3},
		{10, pg.Page{Offset: 8, Limit: 3}, 8, 10},
		{10, pg.Page{Offset: 10, Limit: 3}, 10, 10},
		{10, pg.Page{Offset: 99, Limit: 3}, 10, 10},
		{10, pg.Page{Offset: -5, Limit: 3}, 0, 3},
		{10, pg.Page{Offset: 2, Limit: 0}, 2, 2},
		{10, pg.Page{Offset: 2, Limit: -1}, 2, 2},
	}
	for _, tt := range tests {
		if lo, hi := tt.p.Window(tt.n); lo != tt.lo || hi != tt.hi {
			t.Errorf("%+v.Window(%d) = %d, %d, want %d, %d", tt.p, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestCompareEvents(t *testing.T) {
	p := func(id string, d pg.Date) pg.Event { return pg.Event{Date: d, Policy: &pg.Entity{ID: id}} }
	r := func(id string, d pg.Date) pg.Event { return pg.Event{Date: d, Relationship: &pg.Relationship{ID: id}} }
	// In order: the floor of the date ("2025" is 2025-01-01), policies
	// first, then ID.
	want := []pg.Event{p("b", "2025"), r("a", "2025-01-01"), r("c", "2025-01"), p("a", "2025-02"), p("b", "2025-02-01"), r("a", "2025-02-01")}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortStableFunc(got, pg.CompareEvents)
	if !slices.Equal(got, want) {
		t.Errorf("sorted = %v, want %v", got, want)
	}
}

func TestComparePaths(t *testing.T) {
	e := func(id string) *pg.Entity { return &pg.Entity{ID: id} }
	rel := func(id string) pg.Relationship { return pg.Relationship{ID: id} }
	want := []pg.Path{
		{Nodes: []*pg.Entity{e("z")}},
		{Nodes: []*pg.Entity{e("a"), e("c")}, Edges: []pg.Relationship{rel("2")}},
		{Nodes: []*pg.Entity{e("a"), e("b"), e("c")}, Edges: []pg.Relationship{rel("1"), rel("3")}},
		{Nodes: []*pg.Entity{e("a"), e("b"), e("c")}, Edges: []pg.Relationship{rel("2"), rel("1")}},
		{Nodes: []*pg.Entity{e("a"), e("d"), e("c")}, Edges: []pg.Relationship{rel("0"), rel("0")}},
	}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortFunc(got, pg.ComparePaths)
	for i := range want {
		if pg.ComparePaths(got[i], want[i]) != 0 || got[i].Edges == nil != (want[i].Edges == nil) {
			t.Fatalf("sorted[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestParseRelationshipID(t *testing.T) {
	for _, c := range []struct {
		id                 string
		from, typ, to, key string
		ok                 bool
	}{
		{"person/a|LEADS|country/b", "person/a", "LEADS", "country/b", "", true},
		{"person/a|ACCUSED|person/b|k", "person/a", "ACCUSED", "person/b", "k", true},
		{"person/a|ACCUSED|person/b|k|l", "person/a", "ACCUSED", "person/b", "k|l", true},
		{"person/a|LIKES|person/b", "", "", "", "", false},
		{"person/a|LEADS", "", "", "", "", false},
		{"country/mexico", "", "", "", "", false},
	} {
		from, typ, to, key, ok := pg.ParseRelationshipID(c.id)
		if from != c.from || string(typ) != c.typ || to != c.to || key != c.key || ok != c.ok {
			t.Errorf("ParseRelationshipID(%q) = %q %q %q %q %v", c.id, from, typ, to, key, ok)
		}
		if ok && pg.RelationshipID(from, typ, to, key) != c.id {
			t.Errorf("RelationshipID(ParseRelationshipID(%q)) differs", c.id)
		}
	}
}

func TestTypeFilters(t *testing.T) {
	if got := pg.WalkTypes([]pg.RelType{pg.QuotedIn, pg.Targets, pg.Leads, "NOPE"}); !slices.Equal(got, []pg.RelType{pg.Leads, pg.Targets}) {
		t.Errorf("WalkTypes = %v", got)
	}
	if got := pg.WalkTypes([]pg.RelType{pg.Mentions}); len(got) != 0 {
		t.Errorf("WalkTypes(MENTIONS) = %v, want none", got)
	}
	if got := pg.WalkTypes(nil); !slices.Equal(got, pg.TraversableTypes()) {
		t.Errorf("WalkTypes(nil) = %v", got)
	}
	if got := pg.TimelineTypes([]pg.RelType{pg.QuotedIn, pg.Leads, "NOPE"}); !slices.Equal(got, []pg.RelType{pg.Leads, pg.QuotedIn}) {
		t.Errorf("TimelineTypes = %v", got)
	}
	if got := pg.TimelineTypes(nil); !slices.Equal(got, pg.TraversableTypes()) {
		t.Errorf("TimelineTypes(nil) = %v", got)
	}
	st := pg.NewStats()
	if len(st.Nodes) != len(pg.Kinds) || len(st.Relationships) != len(pg.Vocabulary) {
		t.Errorf("NewStats = %+v, want every kind and type", st)
	}
}
