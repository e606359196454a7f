package memory

import (
	"cmp"
	"slices"
	"strings"

	pg "github.com/policygraph/policygraph"
)

// relData is what the store keeps of a relationship besides its ends and
// type, which live in Store.relFrom, relTo and relType: 48 bytes where a
// pg.Relationship takes 256 and its ID string another 64. The ID is
// derived from the rest, and most relationships have no optional fields.
// At three million relationships this saves most of a gigabyte, and the
// garbage collector has far fewer pointers to scan.
type relData struct {
	key      string
	evidence []pg.Evidence
	more     *relMore // nil when every optional field is empty
}

// relMore holds a relationship's optional fields.
type relMore struct {
	role, allegation, status string
	rank, count              *int64
	rate                     *float64
	date, start, end         pg.Date
}

func newRelData(r *pg.Relationship) relData {
	d := relData{key: r.Key, evidence: r.Evidence}
	m := relMore{role: r.Role, allegation: r.Allegation, status: r.Status, rank: r.Rank, count: r.Count,
		rate: r.Rate, date: r.Date, start: r.Start, end: r.End}
	if m != (relMore{}) {
		d.more = &m
	}
	return d
}

// addRelationships keeps the relationships whose ends and type are known,
// in ID order, as parallel arrays.
func (s *Store) addRelationships(rels []*pg.Relationship) {
	type resolved struct {
		id       string
		from, to int32
		typ      uint8
		rec      *pg.Relationship
	}
	all := make([]resolved, 0, len(rels))
	for _, r := range rels {
		from, ok1 := s.node(r.From)
		to, ok2 := s.node(r.To)
		t, ok3 := slices.BinarySearch(s.types, r.Type)
		if ok1 && ok2 && ok3 {
			all = append(all, resolved{r.ID, from, to, uint8(t), r})
		}
	}
	slices.SortFunc(all, func(a, b resolved) int { return strings.Compare(a.id, b.id) })
	s.relFrom = make([]int32, len(all))
	s.relTo = make([]int32, len(all))
	s.relType = make([]uint8, len(all))
	s.relData = make([]relData, len(all))
	for i, r := range all {
		s.relFrom[i], s.relTo[i], s.relType[i] = r.from, r.to, r.typ
		s.internEvidence(r.rec.Evidence)
		s.relData[i] = newRelData(r.rec)
	}
}

// relationship builds relationship r as the API returns it.
func (s *Store) relationship(r int32) pg.Relationship {
	d := &s.relData[r]
	rel := pg.Relationship{
		Type: s.types[s.relType[r]], From: s.nodeID(s.relFrom[r]), To: s.nodeID(s.relTo[r]),
		Key: d.key, Evidence: d.evidence,
	}
	rel.ID = pg.RelationshipID(rel.From, rel.Type, rel.To, rel.Key)
	if m := d.more; m != nil {
		rel.Role, rel.Allegation, rel.Status = m.role, m.allegation, m.status
		rel.Rank, rel.Count, rel.Rate = m.rank, m.count, m.rate
		rel.Date, rel.Start, rel.End = m.date, m.start, m.end
	}
	return rel
}

// when is relationship r's Relationship.When, asked of the domain type so
// that the rule lives in one place.
func (s *Store) when(r int32) pg.Date {
	m := s.relData[r].more
	if m == nil {
		return ""
	}
	return (&pg.Relationship{Date: m.date, Start: m.start, End: m.end}).When()
}

// relIndex finds a relationship by ID, by binary search over the sorted
// IDs, compared piece by piece so that none is built.
func (s *Store) relIndex(id string) (int, bool) {
	return search32(len(s.relData), func(r int32) int { return s.compareID(r, id) })
}

// compareID compares relationship r's ID, "from|TYPE|to[|key]", with id.
func (s *Store) compareID(r int32, id string) int {
	parts := [7]string{s.nodeID(s.relFrom[r]), "|", string(s.types[s.relType[r]]), "|", s.nodeID(s.relTo[r]), "|", s.relData[r].key}
	n := len(parts)
	if parts[6] == "" {
		n -= 2
	}
	for _, p := range parts[:n] {
		if len(id) < len(p) { // id ends within p
			return cmp.Or(strings.Compare(p[:len(id)], id), 1)
		}
		if c := strings.Compare(p, id[:len(p)]); c != 0 {
			return c
		}
		id = id[len(p):]
	}
	if id != "" {
		return -1 // r's ID is a proper prefix of id
	}
	return 0
}

// search32 is a binary search over [0, n) for the index whose comparison
// with the target is 0, given cmp < 0 below it and > 0 above.
func search32(n int, cmp func(int32) int) (int, bool) {
	lo, hi := 0, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := cmp(int32(mid)); {
		case c == 0:
			return mid, true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return lo, false
}
