package neo4j

import (
	"strings"
	"testing"
)

// TestDecoderErrsOnShape: a value of an unexpected shape becomes the
// decoder's first error, and reads after it go on without panicking.
func TestDecoderErrsOnShape(t *testing.T) {
	var ok decoder
	m := ok.fields(map[string]any{"n": int64(3)}, "row")
	if ok.int(m["n"], "n") != 3 || ok.err != nil {
		t.Fatalf("well-shaped row: %v", ok.err)
	}

	var d decoder
	total := d.int("12", "total")           // a string where an integer was promised
	page := d.list(nil, "page")             // a missing list
	score := d.int(d.at(page, 0, "s"), "x") // past the end
	r := d.relationship(nil, "edge")
	e := d.entity(42, "node")
	_ = d.bool(nil, "truncated")
	_ = d.fields("x", "node")
	if total != 0 || page != nil || score != 0 || r.ID != "" || e == nil {
		t.Errorf("zero values after a bad shape: %v %v %v %+v %+v", total, page, score, r, e)
	}
	if d.err == nil || !strings.Contains(d.err.Error(), "total is string, want an integer") {
		t.Errorf("err = %v, want the first bad value named", d.err)
	}
}
