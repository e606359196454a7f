package memory

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/data"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/store/storetest"
)

// TestDayNumbers holds floorDay and ceilDay to Date.Floor and Date.Ceil,
// which define the comparisons.
func TestDayNumbers(t *testing.T) {
	for _, d := range []pg.Date{"2025", "2025-02", "2025-02-19", "1999-12-31", "2024-02", "0001"} {
		if got, want := floorDay(d), dayNum(pg.Date(d.Floor()), 0, 0); got != want {
			t.Errorf("floorDay(%s) = %d, want %d (%s)", d, got, want, d.Floor())
		}
		if got, want := ceilDay(d), dayNum(pg.Date(d.Ceil()), 0, 0); got != want {
			t.Errorf("ceilDay(%s) = %d, want %d (%s)", d, got, want, d.Ceil())
		}
	}
	if floorDay("2025-02") != 20250201 || ceilDay("2025") != 20251231 {
		t.Errorf("floorDay(2025-02) = %d, ceilDay(2025) = %d", floorDay("2025-02"), ceilDay("2025"))
	}
	if floorDay("") != 0 {
		t.Errorf("floorDay of no date = %d", floorDay(""))
	}
}

// TestScore holds score, which ranks search hits on precomputed text, to
// pg.Score, which defines the ranking, over every entity of random graphs
// and queries drawn from their names.
func TestScore(t *testing.T) {
	names := []string{"Claudia Sheinbaum", "Sheinbaum", "Ms. Sheinbaum", "López Obrador", "Andrés Manuel López Obrador",
		"U.S.", "United States", "Juan García", "García Luna", "", "¡!", "CJNG", "Cártel de Jalisco Nueva Generación"}
	var ents []*pg.Entity
	for i, n := range names {
		for j := range 4 { // j aliases: the names that follow
			e := &pg.Entity{Name: n}
			for k := range j {
				e.Aliases = append(e.Aliases, names[(i+k+1)%len(names)])
			}
			ents = append(ents, e)
		}
	}
	var queries []string
	for _, n := range names {
		toks := pg.Tokens(n)
		for i := range toks {
			queries = append(queries, toks[i], toks[i][:1+len(toks[i])/2])
			for j := i + 1; j <= len(toks); j++ {
				queries = append(queries, strings.Join(toks[i:j], " "))
			}
		}
	}
	queries = append(queries, "sheinbaum claudia", "garcia juan luna", "u s a", "lopez lopez")
	for _, e := range ents {
		text := pg.SearchText(e)
		for _, q := range queries {
			query := pg.Tokens(q)
			if got, want := score(query, strings.Join(query, " "), text), pg.Score(query, e); got != want {
				t.Errorf("score(%q, %q %q) = %d, pg.Score = %d", q, e.Name, e.Aliases, got, want)
			}
		}
	}
}

// TestScratchBound checks that walks share a bounded set of scratch space:
// when all of it is in use, a query waits, and gives up with its context.
func TestScratchBound(t *testing.T) {
	s := New(&dataset.Dataset{Entities: []*pg.Entity{{ID: "person/a", Kind: pg.Person, Name: "A"}}})
	var held []*scratch
	for range cap(s.scratch.tokens) {
		sc, err := s.acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		sc.fwd.mark(0, 7)
		held = append(held, sc)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.Neighborhood(ctx, pg.NeighborhoodQuery{Center: "person/a"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Neighborhood with every scratch in use: error %v, want the context's", err)
	}
	s.release(held[0])
	sc, err := s.acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if sc != held[0] || sc.fwd.marked(0) {
		t.Errorf("acquire after release: got a new or still-marked scratch")
	}
}

// TestCompareID holds compareID, which compares a relationship's ID without
// building it, to comparing the built ID, for every relationship of the
// fixture and seed against every ID and near misses of it.
func TestCompareID(t *testing.T) {
	for _, files := range [][]dataset.File{storetest.Fixture(), data.Seed()} {
		ds, err := dataset.Load(t.Context(), files, dataset.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := New(ds)
		var ids []string
		for r := range int32(len(s.relData)) {
			id := s.relationship(r).ID
			ids = append(ids, id, id+"|", id+"a", id[:len(id)-1], id[:len(id)/2], "")
		}
		for r := range int32(len(s.relData)) {
			id := s.relationship(r).ID
			for _, other := range ids {
				if got, want := s.compareID(r, other), strings.Compare(id, other); got != want {
					t.Fatalf("compareID(%s, %s) = %d, want %d", id, other, got, want)
				}
			}
		}
	}
}
