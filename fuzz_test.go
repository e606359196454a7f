package policygraph_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	pg "github.com/policygraph/policygraph"
)

// FuzzDate checks Date.Valid against the standard library's calendar: a
// string is a valid date exactly when time.Parse reads it in the layout of
// its precision and formats it back unchanged; and a valid date's floor and
// ceiling are days around it.
func FuzzDate(f *testing.F) {
	for _, s := range []string{
		"2025", "2025-02", "2025-02-19", "2024-02-29", "2025-02-29", "1900-02-29", "2000-02-29",
		"0000-02-29", "9999-12-31", "2025-13", "2025-00", "2025-04-31", "2025-1-01", "+025", "-025",
		"2025-02-1x", "２０２５", "", "20250", "2025/02/19",
	} {
		f.Add(s)
	}
	layouts := map[int]string{4: "2006", 7: "2006-01", 10: "2006-01-02"}
	f.Fuzz(func(t *testing.T, s string) {
		d := pg.Date(s)
		want := false
		if layout, ok := layouts[len(s)]; ok {
			tm, err := time.Parse(layout, s)
			want = err == nil && tm.Format(layout) == s
		}
		if got := d.Valid(); got != want {
			t.Fatalf("Date(%q).Valid() = %v, time.Parse says %v", s, got, want)
		}
		if !d.Valid() {
			return
		}
		floor, ceil := d.Floor(), d.Ceil()
		if !pg.Date(floor).Valid() || len(floor) != 10 || len(ceil) != 10 {
			t.Fatalf("Date(%q): floor %q and ceiling %q, want days", s, floor, ceil)
		}
		if !strings.HasPrefix(floor, s) || !strings.HasPrefix(ceil, s) || floor > ceil {
			t.Fatalf("Date(%q): floor %q and ceiling %q do not bound it", s, floor, ceil)
		}
	})
}

// FuzzRelationshipID checks that a relationship's ID gives back the parts
// it was made of, which the Neo4j store relies on to find a relationship by
// ID, whenever no part holds the separator (validation refuses IDs and keys
// that do, see dataset's FuzzRelationshipID); so two relationships that
// differ in any part never share an ID.
func FuzzRelationshipID(f *testing.F) {
	f.Add("person/a", "LEADS", "country/b", "")
	f.Add("person/a", "LEADS", "country/b", "2025")
	f.Add("source/s", "MENTIONS", "person/a", "")
	f.Add("", "", "", "")
	f.Add("a|b", "LEADS", "c", "")
	f.Fuzz(func(t *testing.T, from, typ, to, key string) {
		if strings.Contains(from+typ+to+key, "|") {
			return
		}
		id := pg.RelationshipID(from, pg.RelType(typ), to, key)
		want := []string{from, typ, to}
		if key != "" {
			want = append(want, key)
		}
		if got := strings.Split(id, "|"); !slices.Equal(got, want) {
			t.Fatalf("RelationshipID(%q, %q, %q, %q) = %q, which splits into %q", from, typ, to, key, id, got)
		}
	})
}
