// Package storetest is the conformance suite for policygraph.Store
// implementations: every store, given the same dataset, must give the same
// answers, in the same order. A store's tests call [Run] with a function
// that loads dataset files into a fresh store.
//
// The answers are exact and were worked out by hand from the fixture in
// testdata/ (two YAML files, the second restating records of the first so
// that merging is exercised). Its traversable graph, with the short names
// the tests use:
//
//	cs  person/claudia-sheinbaum   LEADS mx, SUCCEEDED am, OPPOSES tm, ACCUSED dt; dt ACCUSED cs twice (keys a, b)
//	am  person/andres-manuel-…     LEADS mx
//	dt  person/donald-trump        LEADS us, ANNOUNCED tm
//	mr  person/marco-rubio         HOLDS_OFFICE us, LEADS sd
//	gg  person/genaro-garcia-luna  HOLDS_OFFICE mx
//	jg  person/juan-garcia         SUCCEEDED jg (a self-loop, and nothing else)
//	jl  person/juan-garcia-lopez   MEMBER_OF sc   ("Juan García" too: a tie of names)
//	mx  country/mexico             TRADES_WITH us, cn; ENACTED ct; OPPOSES ft (the hub)
//	us  country/united-states      ENACTED tm, ft, st; ANNOUNCED er
//	cj, sc  cartels                OPERATES_IN mx
//	sa  organization/sheinbaum-administration PART_OF mx;  sd (State Department) PART_OF us
//	tm  policy/tariff-mexico "2025-02"   TARGETS mx
//	ft  policy/fto-designation "2025-02-19" TARGETS cj, sc
//	ct  policy/china-tariff "2025"  TARGETS cn
//	st  policy/steel-tariff start "2025-03-12" TARGETS ca, mx
//	er  policy/extradition-request (undated) TARGETS sc
//
// plus QUOTED_IN dt→alpha, cs→beta and the MENTIONS derived from evidence.
package storetest

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/dataset"
)

//go:embed testdata/a.yaml testdata/b.yaml
var fixture embed.FS

// Fixture returns the conformance fixture's files in load order.
func Fixture() []dataset.File {
	return dataset.FSFiles(fixture, "testdata/a.yaml", "testdata/b.yaml")
}

// Opener loads dataset files into a fresh store holding nothing else, or
// fails the test.
type Opener func(t testing.TB, files []dataset.File) pg.Store

// Run runs the suite against the stores that open makes: one for the
// fixture, shared by the read-only subtests, then one for the seed dataset
// and one for [Large]. Subtests run one after another and each store is
// done with before the next is opened, so open may wipe and reuse one
// database. Every answer is also held to the orders and windows of the
// contract as package policygraph defines them (contract.go).
//
// Both stores pass every case: there is no deliberate difference between
// them, so the suite has no capability flags. One that is ever needed is
// a named field of an options argument here, checked where it applies,
// never a skip inside a store's own tests.
func Run(t *testing.T, open Opener) {
	st := contract{open(t, Fixture())}
	for _, c := range []struct {
		name string
		run  func(*testing.T, pg.Store)
	}{
		{"Lookup", testLookup},
		{"Evidence", testEvidence},
		{"Search", testSearch},
		{"ListEntities", testListEntities},
		{"Relationships", testRelationships},
		{"Hubs", testHubs},
		{"RelationshipBatch", testRelationshipBatch},
		{"Neighborhood", testNeighborhood},
		{"ShortestPath", testShortestPath},
		{"Paths", testPaths},
		{"Timeline", testTimeline},
		{"Stats", testStats},
		{"NotFound", testNotFound},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, st) })
	}
	t.Run("Seed", func(t *testing.T) { testSeed(t, contract{open(t, data.Seed())}) })
	t.Run("Large", func(t *testing.T) { testLarge(t, contract{open(t, Large())}) })
}

// The fixture's entities.
const (
	mx = "country/mexico"
	us = "country/united-states"
	cn = "country/china"
	ca = "country/canada"

	cs = "person/claudia-sheinbaum"
	am = "person/andres-manuel-lopez-obrador"
	dt = "person/donald-trump"
	mr = "person/marco-rubio"
	jg = "person/juan-garcia"
	jl = "person/juan-garcia-lopez"
	gg = "person/genaro-garcia-luna"

	cj = "organization/cjng"
	sc = "organization/sinaloa-cartel"
	sa = "organization/sheinbaum-administration"
	sd = "organization/state-department"

	tm = "policy/tariff-mexico"
	ft = "policy/fto-designation"
	ct = "policy/china-tariff"
	er = "policy/extradition-request"
	st = "policy/steel-tariff"

	alpha = "source/alpha"
	beta  = "source/beta"
)

// The fixture's relationships, spelled out so that a failing store can be
// compared against them by eye.
const (
	csLeadsMx = "person/claudia-sheinbaum|LEADS|country/mexico"
	amLeadsMx = "person/andres-manuel-lopez-obrador|LEADS|country/mexico"
	csSuccAm  = "person/claudia-sheinbaum|SUCCEEDED|person/andres-manuel-lopez-obrador"
	dtLeadsUs = "person/donald-trump|LEADS|country/united-states"
	dtAnnTm   = "person/donald-trump|ANNOUNCED|policy/tariff-mexico"
	usEnTm    = "country/united-states|ENACTED|policy/tariff-mexico"
	tmTgtMx   = "policy/tariff-mexico|TARGETS|country/mexico"
	usEnFt    = "country/united-states|ENACTED|policy/fto-designation"
	ftTgtCj   = "policy/fto-designation|TARGETS|organization/cjng"
	ftTgtSc   = "policy/fto-designation|TARGETS|organization/sinaloa-cartel"
	mxOppFt   = "country/mexico|OPPOSES|policy/fto-designation"
	cjOpMx    = "organization/cjng|OPERATES_IN|country/mexico"
	scOpMx    = "organization/sinaloa-cartel|OPERATES_IN|country/mexico"
	mxTradeUs = "country/mexico|TRADES_WITH|country/united-states"
	mxTradeCn = "country/mexico|TRADES_WITH|country/china"
	mxEnCt    = "country/mexico|ENACTED|policy/china-tariff"
	ctTgtCn   = "policy/china-tariff|TARGETS|country/china"
	dtAccCsA  = "person/donald-trump|ACCUSED|person/claudia-sheinbaum|a"
	dtAccCsB  = "person/donald-trump|ACCUSED|person/claudia-sheinbaum|b"
	csAccDt   = "person/claudia-sheinbaum|ACCUSED|person/donald-trump"
	csOppTm   = "person/claudia-sheinbaum|OPPOSES|policy/tariff-mexico"
	usAnnEr   = "country/united-states|ANNOUNCED|policy/extradition-request"
	erTgtSc   = "policy/extradition-request|TARGETS|organization/sinaloa-cartel"
	saPartMx  = "organization/sheinbaum-administration|PART_OF|country/mexico"
	jgSuccJg  = "person/juan-garcia|SUCCEEDED|person/juan-garcia"
	ggHoldsMx = "person/genaro-garcia-luna|HOLDS_OFFICE|country/mexico"
	mrHoldsUs = "person/marco-rubio|HOLDS_OFFICE|country/united-states"
	mrLeadsSd = "person/marco-rubio|LEADS|organization/state-department"
	sdPartUs  = "organization/state-department|PART_OF|country/united-states"
	usEnSt    = "country/united-states|ENACTED|policy/steel-tariff"
	stTgtCa   = "policy/steel-tariff|TARGETS|country/canada"
	stTgtMx   = "policy/steel-tariff|TARGETS|country/mexico"
	jlMemSc   = "person/juan-garcia-lopez|MEMBER_OF|organization/sinaloa-cartel"

	dtQuotedAlpha = "person/donald-trump|QUOTED_IN|source/alpha"
	csQuotedBeta  = "person/claudia-sheinbaum|QUOTED_IN|source/beta"
	alphaMx       = "source/alpha|MENTIONS|country/mexico"
	alphaCs       = "source/alpha|MENTIONS|person/claudia-sheinbaum"
	alphaCt       = "source/alpha|MENTIONS|policy/china-tariff"
	alphaEr       = "source/alpha|MENTIONS|policy/extradition-request"
	alphaFt       = "source/alpha|MENTIONS|policy/fto-designation"
	alphaTm       = "source/alpha|MENTIONS|policy/tariff-mexico"
	betaCs        = "source/beta|MENTIONS|person/claudia-sheinbaum"
	betaSt        = "source/beta|MENTIONS|policy/steel-tariff"
)

// traversable lists every traversable relationship of the fixture.
func traversable() []string {
	return []string{csLeadsMx, amLeadsMx, csSuccAm, dtLeadsUs, dtAnnTm, usEnTm, tmTgtMx, usEnFt,
		ftTgtCj, ftTgtSc, mxOppFt, cjOpMx, scOpMx, mxTradeUs, mxTradeCn, mxEnCt, ctTgtCn,
		dtAccCsA, dtAccCsB, csAccDt, csOppTm, usAnnEr, erTgtSc, saPartMx, jgSuccJg, ggHoldsMx,
		mrHoldsUs, mrLeadsSd, sdPartUs, usEnSt, stTgtCa, stTgtMx, jlMemSc}
}

// without returns ids, sorted, less the given ones: the expected edges of
// large subgraphs, stated as what they leave out.
func without(ids []string, drop ...string) []string {
	out := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(drop, id) })
	slices.Sort(out)
	return out
}

func entityIDs(es []*pg.Entity) []string {
	ids := make([]string, len(es))
	for i, e := range es {
		if e != nil {
			ids[i] = e.ID
		}
	}
	return ids
}

func relIDs(rs []pg.Relationship) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// same fails the test unless got equals want, showing both a line each.
func same[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot  %v\nwant %v", what, show(got), show(want))
	}
}

func show[T any](xs []T) string {
	lines := make([]string, len(xs))
	for i, x := range xs {
		lines[i] = fmt.Sprintf("%+v", x)
	}
	return "[" + strings.Join(lines, "\n      ") + "]"
}

// entity looks up one entity that must exist.
func entity(t *testing.T, s pg.Store, id string) *pg.Entity {
	t.Helper()
	es, err := s.Entities(t.Context(), []string{id})
	if err != nil || len(es) != 1 || es[0] == nil {
		t.Fatalf("Entities(%s) = %v, %v", id, es, err)
	}
	return es[0]
}

// relationship looks up one relationship that must exist.
func relationship(t *testing.T, s pg.Store, id string) *pg.Relationship {
	t.Helper()
	rs, err := s.RelationshipsByID(t.Context(), []string{id})
	if err != nil || len(rs) != 1 || rs[0] == nil {
		t.Fatalf("RelationshipsByID(%s) = %v, %v", id, rs, err)
	}
	return rs[0]
}

func testLookup(t *testing.T, s pg.Store) {
	ctx := t.Context()
	es, err := s.Entities(ctx, []string{cs, "person/nobody", mx, alpha, cs})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "Entities", entityIDs(es), []string{cs, "", mx, "", cs})
	if none, err := s.Entities(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("Entities(nil) = %v, %v", none, err)
	}
	if e := es[2]; e.Kind != pg.Country || e.Name != "México" || !slices.Equal(e.Aliases, []string{"Mexico", "United Mexican States"}) {
		t.Errorf("mexico = %+v", e)
	}
	p := entity(t, s, tm)
	if p.Kind != pg.Policy || p.Type != "tariff" || p.Status != "postponed" || p.Date != "2025-02" ||
		p.Rate == nil || *p.Rate != 25 || p.Count != nil || p.Start != "" {
		t.Errorf("tariff = %+v", p)
	}

	srcs, err := s.Sources(ctx, []string{beta, alpha, cs})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 3 || srcs[0] == nil || srcs[1] == nil || srcs[2] != nil {
		t.Fatalf("Sources = %v", srcs)
	}
	if a := srcs[1]; *a != (pg.Source{ID: alpha, Title: "Alpha report", Publisher: "Alpha News", Published: "2025-03-10"}) {
		t.Errorf("alpha = %+v", a)
	}
	if b := srcs[0]; *b != (pg.Source{ID: beta, Title: "Beta brief", Published: "2025-03"}) {
		t.Errorf("beta = %+v", b)
	}

	rs, err := s.RelationshipsByID(ctx, []string{csLeadsMx, "person/x|LEADS|country/y", betaCs, dtAccCsB, mx})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(rs))
	for i, r := range rs {
		if r != nil {
			got[i] = r.ID
		}
	}
	same(t, "RelationshipsByID", got, []string{csLeadsMx, "", betaCs, dtAccCsB, ""})
	if r := rs[3]; r.Type != pg.Accused || r.From != dt || r.To != cs || r.Key != "b" ||
		r.Allegation != "doing too little again" || r.Date != "2025-03-02" {
		t.Errorf("accusation b = %+v", r)
	}
	if r := relationship(t, s, mxTradeCn); r.Rank == nil || *r.Rank != 2 {
		t.Errorf("trade rank = %+v", r)
	}
}

// testEvidence checks what merging the two files produced.
func testEvidence(t *testing.T, s pg.Store) {
	ctx := t.Context()
	e := entity(t, s, cs)
	same(t, "aliases united", e.Aliases, []string{"Sheinbaum", "Presidenta Sheinbaum"})
	same(t, "entity evidence", e.Evidence, []pg.Evidence{
		{Source: alpha, Quote: "Ms. Sheinbaum spoke."},
		{Source: beta, Quote: "La presidenta Sheinbaum."},
	})
	rs, err := s.RelationshipsByID(ctx, []string{csLeadsMx, betaCs, alphaCs})
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	same(t, "relationship evidence", r.Evidence, []pg.Evidence{
		{Source: alpha, Quote: "President Sheinbaum leads Mexico."},
		{Source: beta, Quote: "Sheinbaum governs."},
	})
	// a.yaml sets role and start, b.yaml adds a status.
	if r.Role != "President" || r.Start != "2024-10-01" || r.Status != "in_force" {
		t.Errorf("merged relationship = %+v", r)
	}
	same(t, "MENTIONS evidence", rs[1].Evidence, []pg.Evidence{{Source: beta, Quote: "La presidenta Sheinbaum."}})
	same(t, "MENTIONS evidence", rs[2].Evidence, []pg.Evidence{{Source: alpha, Quote: "Ms. Sheinbaum spoke."}})
	if rs[1].Type != pg.Mentions || rs[1].From != beta || rs[1].To != cs {
		t.Errorf("MENTIONS = %+v", rs[1])
	}
}

func testStats(t *testing.T, s pg.Store) {
	got, err := s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := pg.Stats{
		Sources: 2,
		Nodes:   map[pg.Kind]int{pg.Person: 7, pg.Organization: 4, pg.Country: 4, pg.Policy: 5},
		Relationships: map[pg.RelType]int{
			pg.Leads: 4, pg.HoldsOffice: 2, pg.MemberOf: 1, pg.EmployedBy: 0, pg.AlliedWith: 0,
			pg.Succeeded: 2, pg.Enacted: 4, pg.Announced: 2, pg.Targets: 7, pg.Supports: 0,
			pg.Opposes: 2, pg.ExtraditedTo: 0, pg.Accused: 3, pg.OperatesIn: 2, pg.PartOf: 2,
			pg.TradesWith: 2, pg.QuotedIn: 2, pg.Mentions: 8,
		},
	}
	// Every kind and type is reported, zero or not (pg.NewStats).
	if got.Sources != want.Sources || !maps.Equal(got.Nodes, want.Nodes) || !maps.Equal(got.Relationships, want.Relationships) {
		t.Errorf("Stats =\n%+v, want\n%+v", got, want)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// testNotFound checks that calls needing an entity report unknown IDs and
// sources with ErrNotFound.
func testNotFound(t *testing.T, s pg.Store) {
	ctx := t.Context()
	for _, id := range []string{"person/nobody", alpha} {
		calls := map[string]func() error{
			"Neighborhood": func() error {
				_, err := s.Neighborhood(ctx, pg.NeighborhoodQuery{Center: id, Depth: 1})
				return err
			},
			"ShortestPath from": func() error {
				_, err := s.ShortestPath(ctx, pg.PathQuery{From: id, To: cs, MaxHops: 3})
				return err
			},
			"ShortestPath to": func() error {
				_, err := s.ShortestPath(ctx, pg.PathQuery{From: cs, To: id, MaxHops: 3})
				return err
			},
			"Paths": func() error {
				_, err := s.Paths(ctx, pg.PathQuery{From: cs, To: id, MaxHops: 3}, 5)
				return err
			},
			"Timeline": func() error {
				_, err := s.Timeline(ctx, pg.TimelineQuery{Entity: id})
				return err
			},
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, pg.ErrNotFound) {
				t.Errorf("%s(%s) error = %v, want ErrNotFound", name, id, err)
			}
		}
	}
}

// testSeed checks facts of the curated seed that later edits should keep,
// and that the store holds exactly what the dataset package reads from it.
func testSeed(t *testing.T, s pg.Store) {
	ctx := t.Context()
	ds, err := dataset.Load(ctx, data.Seed(), dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ query, first string }{
		{"sheinbaum", "person/claudia-sheinbaum"},
		{"Claudia Sheinbaum", "person/claudia-sheinbaum"},
		{"trump", "person/donald-trump"},
		{"MÉXICO", "country/mexico"},
	} {
		res, err := s.Search(ctx, pg.SearchQuery{Text: c.query}, pg.Page{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].Entity.ID != c.first {
			t.Errorf("Search(%q) = %v, want %s first", c.query, hitIDs(res.Hits), c.first)
		}
	}

	ids := make([]string, len(ds.Entities))
	for i, e := range ds.Entities {
		ids[i] = e.ID
	}
	es, err := s.Entities(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range es {
		want := ds.Entities[i]
		if e == nil || e.Name != want.Name || e.Kind != want.Kind || e.Type != want.Type ||
			!slices.Equal(e.Aliases, want.Aliases) || len(e.Evidence) != len(want.Evidence) {
			t.Errorf("entity %s = %+v, want %+v", want.ID, e, want)
		}
	}
	relIDs := make([]string, len(ds.Relationships))
	for i, r := range ds.Relationships {
		relIDs[i] = r.ID
	}
	rs, err := s.RelationshipsByID(ctx, relIDs)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if r == nil || len(r.Evidence) != len(ds.Relationships[i].Evidence) {
			t.Errorf("relationship %s = %+v", relIDs[i], r)
		}
	}

	stats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range stats.Relationships {
		n += c
	}
	if stats.Sources != len(ds.Sources) || n != len(ds.Relationships) {
		t.Errorf("Stats = %+v, want %d sources and %d relationships", stats, len(ds.Sources), len(ds.Relationships))
	}

	p, err := s.ShortestPath(ctx, pg.PathQuery{From: "person/claudia-sheinbaum", To: "country/mexico", MaxHops: 3})
	if err != nil {
		t.Fatal(err)
	}
	if p == nil || len(p.Edges) != 1 {
		t.Errorf("ShortestPath(sheinbaum, mexico) = %v, want one hop", p)
	}
	g, err := s.Neighborhood(ctx, pg.NeighborhoodQuery{Center: "person/claudia-sheinbaum", Depth: 1, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(g.Nodes, func(n pg.SubgraphNode) bool { return n.Entity.ID == "country/mexico" && n.Depth == 1 }) {
		t.Errorf("Neighborhood(sheinbaum) lacks country/mexico at depth 1")
	}
	checkDegrees(ctx, t, s, ds)
}

// checkDegrees holds Relationships to the dataset: every node lists each
// relationship it is an end of, a self-loop once.
func checkDegrees(ctx context.Context, t *testing.T, s pg.Store, ds *dataset.Dataset) {
	want := map[string]int{}
	for _, r := range ds.Relationships {
		want[r.From]++
		if r.To != r.From {
			want[r.To]++
		}
	}
	var qs []pg.RelQuery
	for _, e := range ds.Entities {
		qs = append(qs, pg.RelQuery{Node: e.ID, Page: pg.Page{Limit: 1}})
	}
	for _, src := range ds.Sources {
		qs = append(qs, pg.RelQuery{Node: src.ID, Page: pg.Page{Limit: 1}})
	}
	pages, err := s.Relationships(ctx, qs)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range qs {
		if pages[i].Total != want[q.Node] {
			t.Errorf("Relationships(%s).Total = %d, want %d", q.Node, pages[i].Total, want[q.Node])
		}
	}
}
