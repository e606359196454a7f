package storetest

import (
	"fmt"
	"strings"
	"testing"

	pg "github.com/policygraph/policygraph"
)

// hitIDs renders hits as "id score".
func hitIDs(hs []pg.SearchHit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = fmt.Sprintf("%s %d", h.Entity.ID, h.Score)
	}
	return out
}

func hit(id string, score int) string { return fmt.Sprintf("%s %d", id, score) }

func testSearch(t *testing.T, s pg.Store) {
	all := pg.Page{Limit: 50}
	tests := []struct {
		name  string
		q     pg.SearchQuery
		page  pg.Page
		want  []string // "id score"
		total int
	}{
		// Alias "Sheinbaum" equals the query (90) beats a name that
		// starts with it (80).
		{"lower case", pg.SearchQuery{Text: "sheinbaum"}, all,
			[]string{hit(cs, 90), hit(sa, 80)}, 2},
		// A prefix: the name starting with it (80) now beats an alias
		// starting with it (70).
		{"prefix", pg.SearchQuery{Text: "shein"}, all,
			[]string{hit(sa, 80), hit(cs, 70)}, 2},
		{"case and accents", pg.SearchQuery{Text: "LOPEZ obrador"}, all,
			[]string{hit(am, 90)}, 1},
		// An alias starting with it (70), an alias holding it as a word (50).
		{"accented query", pg.SearchQuery{Text: "lópez"}, all,
			[]string{hit(am, 70), hit(jl, 50)}, 2},
		{"alias", pg.SearchQuery{Text: "CJNG"}, all, []string{hit(cj, 90)}, 1},
		{"accented name", pg.SearchQuery{Text: "mexico"}, all, []string{hit(mx, 100)}, 1},
		{"word prefix", pg.SearchQuery{Text: "mexic"}, all,
			[]string{hit(mx, 80), hit(tm, 40)}, 2},
		// "U.S." folds to "u s"; "United Mexican States" has words
		// starting with u and s.
		{"punctuation", pg.SearchQuery{Text: "u.s."}, all,
			[]string{hit(us, 90), hit(mx, 30)}, 2},
		// No one name has both tokens.
		{"across names", pg.SearchQuery{Text: "amlo obrador"}, all, []string{hit(am, 10)}, 1},
		// Equal scores: by name, then by ID.
		{"ties", pg.SearchQuery{Text: "garcia"}, all,
			[]string{hit(gg, 60), hit(jg, 60), hit(jl, 60)}, 3},
		{"tie of name", pg.SearchQuery{Text: "Juan García"}, all,
			[]string{hit(jg, 100), hit(jl, 100)}, 2},
		{"every kind", pg.SearchQuery{Text: "cartel"}, all,
			[]string{hit(cj, 80), hit(sc, 60), hit(ft, 40)}, 3},
		{"kinds", pg.SearchQuery{Text: "cartel", Kinds: []pg.Kind{pg.Organization}}, all,
			[]string{hit(cj, 80), hit(sc, 60)}, 2},
		{"kinds", pg.SearchQuery{Text: "cartel", Kinds: []pg.Kind{pg.Policy, pg.Person}}, all,
			[]string{hit(ft, 40)}, 1},
		{"kind without hits", pg.SearchQuery{Text: "cartel", Kinds: []pg.Kind{pg.Country}}, all, nil, 0},
		{"page", pg.SearchQuery{Text: "garcia"}, pg.Page{Offset: 1, Limit: 1}, []string{hit(jg, 60)}, 3},
		{"last page", pg.SearchQuery{Text: "garcia"}, pg.Page{Offset: 2, Limit: 5}, []string{hit(jl, 60)}, 3},
		{"past the end", pg.SearchQuery{Text: "garcia"}, pg.Page{Offset: 3, Limit: 5}, nil, 3},
		{"total only", pg.SearchQuery{Text: "garcia"}, pg.Page{Limit: 0}, nil, 3},
		{"no match", pg.SearchQuery{Text: "zapata"}, all, nil, 0},
		{"one token unmatched", pg.SearchQuery{Text: "sheinbaum zapata"}, all, nil, 0},
		// As many tokens as the API allows: every store answers.
		{"most tokens", pg.SearchQuery{Text: strings.Repeat("claudia SHEINBAUM ", pg.MaxSearchTokens/2)}, all,
			[]string{hit(cs, 60)}, 1},
		{"most tokens, one unmatched", pg.SearchQuery{Text: strings.Repeat("claudia ", pg.MaxSearchTokens-1) + "zapata"}, all, nil, 0},
		{"no tokens", pg.SearchQuery{Text: " ¿?! "}, all, nil, 0},
		{"empty", pg.SearchQuery{}, all, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Search(t.Context(), tt.q, tt.page)
			if err != nil {
				t.Fatal(err)
			}
			same(t, fmt.Sprintf("Search(%q) hits", tt.q.Text), hitIDs(got.Hits), tt.want)
			if got.Total != tt.total {
				t.Errorf("Total = %d, want %d", got.Total, tt.total)
			}
		})
	}
}

func testListEntities(t *testing.T, s pg.Store) {
	all := pg.Page{Limit: 50}
	// Every entity by name, then ID.
	byName := []string{tm, am, ca, cn, cs, cj, sd, ft, dt, er, gg, jg, jl, mr, mx, sa, sc, st, ct, us}
	tests := []struct {
		name  string
		f     pg.EntityFilter
		page  pg.Page
		want  []string
		total int
	}{
		{"everything", pg.EntityFilter{}, all, byName, 20},
		{"page", pg.EntityFilter{}, pg.Page{Offset: 11, Limit: 3}, []string{jg, jl, mr}, 20},
		{"last page", pg.EntityFilter{}, pg.Page{Offset: 19, Limit: 5}, []string{us}, 20},
		{"past the end", pg.EntityFilter{}, pg.Page{Offset: 20, Limit: 5}, nil, 20},
		{"far past the end", pg.EntityFilter{}, pg.Page{Offset: 1000, Limit: 5}, nil, 20},
		{"total only", pg.EntityFilter{}, pg.Page{Limit: 0}, nil, 20},
		{"kind", pg.EntityFilter{Kind: pg.Country}, all, []string{ca, cn, mx, us}, 4},
		{"kind page", pg.EntityFilter{Kind: pg.Person}, pg.Page{Offset: 2, Limit: 3}, []string{dt, gg, jg}, 7},
		{"organization type", pg.EntityFilter{Kind: pg.Organization, Types: []string{"cartel"}}, all, []string{cj, sc}, 2},
		{"policy type", pg.EntityFilter{Types: []string{"tariff"}}, all, []string{tm, st, ct}, 3},
		{"types", pg.EntityFilter{Types: []string{"agency", "designation"}}, all, []string{sd, ft}, 2},
		{"status", pg.EntityFilter{Statuses: []string{"proposed"}}, all, []string{er, ct}, 2},
		{"statuses", pg.EntityFilter{Statuses: []string{"in_force", "scheduled"}}, all, []string{ft, st}, 2},
		// ENACTED and ANNOUNCED count; OPPOSES does not.
		{"enacted by", pg.EntityFilter{EnactedBy: us}, all, []string{tm, ft, er, st}, 4},
		{"announced by", pg.EntityFilter{EnactedBy: dt}, all, []string{tm}, 1},
		{"enacted, not opposed", pg.EntityFilter{EnactedBy: mx}, all, []string{ct}, 1},
		{"enacted by, page", pg.EntityFilter{EnactedBy: us}, pg.Page{Offset: 1, Limit: 2}, []string{ft, er}, 4},
		{"enacted by nobody", pg.EntityFilter{EnactedBy: "country/atlantis"}, all, nil, 0},
		{"targets", pg.EntityFilter{Targets: mx}, all, []string{tm, st}, 2},
		{"targets organization", pg.EntityFilter{Targets: sc}, all, []string{ft, er}, 2},
		{"enacted by and targets", pg.EntityFilter{EnactedBy: us, Targets: mx}, all, []string{tm, st}, 2},
		{"enacted by and targets, none", pg.EntityFilter{EnactedBy: mx, Targets: mx}, all, nil, 0},
		{"enacted by, wrong kind", pg.EntityFilter{EnactedBy: us, Kind: pg.Person}, all, nil, 0},
		{"enacted by and type", pg.EntityFilter{EnactedBy: us, Types: []string{"tariff"}}, all, []string{tm, st}, 2},
		// Floors against From's floor and To's ceil: "2025" is 2025-01-01,
		// "2025-02" is 2025-02-01; st has only a start.
		{"from month", pg.EntityFilter{From: "2025-02"}, all, []string{tm, ft, st}, 3},
		{"to month", pg.EntityFilter{To: "2025-02"}, all, []string{tm, ft, ct}, 3},
		{"one day", pg.EntityFilter{From: "2025-02-19", To: "2025-02-19"}, all, []string{ft}, 1},
		{"one month", pg.EntityFilter{From: "2025-03", To: "2025-03"}, all, []string{st}, 1},
		{"one year", pg.EntityFilter{From: "2025", To: "2025"}, all, []string{tm, ft, st, ct}, 4},
		{"day bounds", pg.EntityFilter{From: "2025-01-01", To: "2025-02-01"}, all, []string{tm, ct}, 2},
		{"before everything", pg.EntityFilter{To: "2024"}, all, nil, 0},
		{"dates and status", pg.EntityFilter{From: "2025", Statuses: []string{"postponed", "proposed"}}, all, []string{tm, ct}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListEntities(t.Context(), tt.f, tt.page)
			if err != nil {
				t.Fatal(err)
			}
			same(t, fmt.Sprintf("ListEntities(%+v)", tt.f), entityIDs(got.Entities), tt.want)
			if got.Total != tt.total {
				t.Errorf("Total = %d, want %d", got.Total, tt.total)
			}
		})
	}
}

func testRelationships(t *testing.T, s pg.Store) {
	all := pg.Page{Limit: 50}
	// Ordered by type name, then ID: not the ID order.
	mxAll := []string{mxEnCt, ggHoldsMx, amLeadsMx, csLeadsMx, alphaMx, cjOpMx, scOpMx, mxOppFt, saPartMx, stTgtMx, tmTgtMx, mxTradeCn, mxTradeUs}
	tests := []struct {
		name  string
		q     pg.RelQuery
		want  []string
		total int
	}{
		{"both", pg.RelQuery{Node: cs, Page: all},
			[]string{csAccDt, dtAccCsA, dtAccCsB, csLeadsMx, alphaCs, betaCs, csOppTm, csQuotedBeta, csSuccAm}, 9},
		{"both is the default", pg.RelQuery{Node: cs, Direction: pg.Both, Page: all},
			[]string{csAccDt, dtAccCsA, dtAccCsB, csLeadsMx, alphaCs, betaCs, csOppTm, csQuotedBeta, csSuccAm}, 9},
		{"out", pg.RelQuery{Node: cs, Direction: pg.Out, Page: all},
			[]string{csAccDt, csLeadsMx, csOppTm, csQuotedBeta, csSuccAm}, 5},
		{"in", pg.RelQuery{Node: cs, Direction: pg.In, Page: all},
			[]string{dtAccCsA, dtAccCsB, alphaCs, betaCs}, 4},
		{"types", pg.RelQuery{Node: cs, Types: []pg.RelType{pg.Leads, pg.Accused}, Page: all},
			[]string{csAccDt, dtAccCsA, dtAccCsB, csLeadsMx}, 4},
		{"types and direction", pg.RelQuery{Node: cs, Types: []pg.RelType{pg.Leads, pg.Accused}, Direction: pg.In, Page: all},
			[]string{dtAccCsA, dtAccCsB}, 2},
		{"type absent", pg.RelQuery{Node: cs, Types: []pg.RelType{pg.TradesWith}, Page: all}, nil, 0},
		{"hub", pg.RelQuery{Node: mx, Page: all}, mxAll, 13},
		{"hub out", pg.RelQuery{Node: mx, Direction: pg.Out, Page: all}, []string{mxEnCt, mxOppFt, mxTradeCn, mxTradeUs}, 4},
		{"hub in, types", pg.RelQuery{Node: mx, Direction: pg.In, Types: []pg.RelType{pg.Targets, pg.Leads}, Page: all},
			[]string{amLeadsMx, csLeadsMx, stTgtMx, tmTgtMx}, 4},
		{"page", pg.RelQuery{Node: mx, Page: pg.Page{Offset: 3, Limit: 4}}, mxAll[3:7], 13},
		{"last page", pg.RelQuery{Node: mx, Page: pg.Page{Offset: 11, Limit: 4}}, mxAll[11:], 13},
		{"past the end", pg.RelQuery{Node: mx, Page: pg.Page{Offset: 13, Limit: 4}}, nil, 13},
		{"total only", pg.RelQuery{Node: mx, Page: pg.Page{Limit: 0}}, nil, 13},
		{"source", pg.RelQuery{Node: alpha, Page: all},
			[]string{alphaMx, alphaCs, alphaCt, alphaEr, alphaFt, alphaTm, dtQuotedAlpha}, 7},
		{"source out", pg.RelQuery{Node: alpha, Direction: pg.Out, Page: all},
			[]string{alphaMx, alphaCs, alphaCt, alphaEr, alphaFt, alphaTm}, 6},
		{"source in", pg.RelQuery{Node: alpha, Direction: pg.In, Page: all}, []string{dtQuotedAlpha}, 1},
		{"quoted in", pg.RelQuery{Node: dt, Types: []pg.RelType{pg.QuotedIn}, Page: all}, []string{dtQuotedAlpha}, 1},
		{"merged source", pg.RelQuery{Node: beta, Page: all}, []string{betaCs, betaSt, csQuotedBeta}, 3},
		// A self-loop is one relationship, whichever way it is asked for.
		{"self-loop", pg.RelQuery{Node: jg, Page: all}, []string{jgSuccJg}, 1},
		{"self-loop out", pg.RelQuery{Node: jg, Direction: pg.Out, Page: all}, []string{jgSuccJg}, 1},
		{"self-loop in", pg.RelQuery{Node: jg, Direction: pg.In, Page: all}, []string{jgSuccJg}, 1},
		{"unknown node", pg.RelQuery{Node: "person/nobody", Page: all}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Relationships(t.Context(), []pg.RelQuery{tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("%d pages for one query", len(got))
			}
			same(t, fmt.Sprintf("Relationships(%+v)", tt.q), relIDs(got[0].Relationships), tt.want)
			if got[0].Total != tt.total {
				t.Errorf("Total = %d, want %d", got[0].Total, tt.total)
			}
		})
	}
}

// testRelationshipBatch asks several queries at once, as a dataloader does.
func testRelationshipBatch(t *testing.T, s pg.Store) {
	all := pg.Page{Limit: 50}
	qs := []pg.RelQuery{
		{Node: cs, Direction: pg.Out, Page: all},
		{Node: alpha, Direction: pg.In, Page: all},
		{Node: "person/nobody", Page: all},
		{Node: jg, Direction: pg.In, Page: all},
		{Node: cs, Direction: pg.Out, Page: pg.Page{Offset: 1, Limit: 2}},
	}
	want := [][]string{
		{csAccDt, csLeadsMx, csOppTm, csQuotedBeta, csSuccAm},
		{dtQuotedAlpha},
		nil,
		{jgSuccJg},
		{csLeadsMx, csOppTm},
	}
	totals := []int{5, 1, 0, 1, 5}
	got, err := s.Relationships(t.Context(), qs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(qs) {
		t.Fatalf("%d pages for %d queries", len(got), len(qs))
	}
	for i := range qs {
		same(t, fmt.Sprintf("query %d (%+v)", i, qs[i]), relIDs(got[i].Relationships), want[i])
		if got[i].Total != totals[i] {
			t.Errorf("query %d: Total = %d, want %d", i, got[i].Total, totals[i])
		}
	}
	if got, err := s.Relationships(t.Context(), nil); err != nil || len(got) != 0 {
		t.Errorf("no queries: %d pages, error %v", len(got), err)
	}
}
