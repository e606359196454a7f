package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
)

// largeN is more than the 10,000 rows that a store might be tempted to
// cap a candidate list at (an early Neo4j store applied LIMIT before
// ranking, so its search total and its path order broke past it).
const largeN = 10_001

// Large returns a dataset file of largeN people named "Bulk Person NNNNN",
// each an ally of both person/anchor-from and person/anchor-to, so that a
// search for "bulk" has largeN hits of one score and there are largeN
// two-hop paths between the anchors.
func Large() []dataset.File {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	line := func(v any) {
		if err := enc.Encode(v); err != nil {
			panic(err) // plain structs always encode
		}
	}
	const src = "source/bulk"
	ev := []pg.Evidence{{Source: src, Quote: "They are allies."}}
	line(map[string]any{"source": pg.Source{ID: src, Title: "Bulk"}})
	for _, id := range []string{anchorFrom, anchorTo} {
		line(map[string]any{"entity": pg.Entity{ID: id, Kind: pg.Person, Name: "Anchor " + id[len("person/anchor-"):]}})
	}
	for i := range largeN {
		id := bulk(i)
		line(map[string]any{"entity": pg.Entity{ID: id, Kind: pg.Person, Name: fmt.Sprintf("Bulk Person %05d", i)}})
		line(map[string]any{"relationship": pg.Relationship{Type: pg.AlliedWith, From: anchorFrom, To: id, Evidence: ev}})
		line(map[string]any{"relationship": pg.Relationship{Type: pg.AlliedWith, From: id, To: anchorTo, Evidence: ev}})
	}
	data := b.Bytes()
	return []dataset.File{{Name: "large.jsonl", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}}}
}

const (
	anchorFrom = "person/anchor-from"
	anchorTo   = "person/anchor-to"
)

func bulk(i int) string { return fmt.Sprintf("person/bulk-%05d", i) }

// testLarge holds a store to whole answers past 10,000 candidates.
func testLarge(t *testing.T, s pg.Store) {
	ctx := t.Context()
	for _, c := range []struct {
		page pg.Page
		want []string
	}{
		{pg.Page{Limit: 3}, []string{hit(bulk(0), 80), hit(bulk(1), 80), hit(bulk(2), 80)}},
		{pg.Page{Offset: largeN - 1, Limit: 5}, []string{hit(bulk(largeN-1), 80)}},
	} {
		res, err := s.Search(ctx, pg.SearchQuery{Text: "bulk"}, c.page)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != largeN {
			t.Errorf("Search(bulk).Total = %d, want %d", res.Total, largeN)
		}
		same(t, fmt.Sprintf("Search(bulk, %+v)", c.page), hitIDs(res.Hits), c.want)
	}

	ps, err := s.Paths(ctx, pg.PathQuery{From: anchorFrom, To: anchorTo, MaxHops: 2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, showPath(p))
	}
	same(t, "Paths(anchors)", got, []string{
		anchorFrom + " " + bulk(0) + " " + anchorTo,
		anchorFrom + " " + bulk(1) + " " + anchorTo,
		anchorFrom + " " + bulk(2) + " " + anchorTo,
	})
	sp, err := s.ShortestPath(ctx, pg.PathQuery{From: anchorTo, To: anchorFrom, MaxHops: 2})
	if err != nil || sp == nil {
		t.Fatalf("ShortestPath(anchors) = %v, %v", sp, err)
	}
	if got := showPath(*sp); got != anchorTo+" "+bulk(0)+" "+anchorFrom {
		t.Errorf("ShortestPath(anchors) = %s, want the one through %s", got, bulk(0))
	}
}

func showPath(p pg.Path) string {
	var b bytes.Buffer
	for i, n := range p.Nodes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(n.ID)
	}
	return b.String()
}
