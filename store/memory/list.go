package memory

import (
	"cmp"
	"context"
	"math"
	"slices"

	pg "github.com/policygraph/policygraph"
)

// ListEntities returns a page of the entities that pass every set field of
// f, ordered by name and then ID (byte order of the UTF-8 strings, which is
// code point order). The filters:
//
//   - Kind: entities of that kind.
//   - Types: entities whose Type (organization or policy type) is listed.
//   - Statuses: entities whose Status is listed; only policies have one.
//   - EnactedBy: policies with an ENACTED or ANNOUNCED relationship from the
//     entity with that ID; SUPPORTS and OPPOSES do not count. An unknown ID
//     matches nothing.
//   - Targets: policies with a TARGETS relationship to the entity with that
//     ID; an unknown ID matches nothing.
//   - From, To: entities whose When() is set and whose floor lies within
//     [From's floor, To's ceil], either end open when empty. So a policy
//     dated "2025" (floor 2025-01-01) is not From "2025-02", and one dated
//     "2025-02" is To "2025-02-19". Only policies have dates, so a date
//     filter keeps policies only.
func (s *Store) ListEntities(ctx context.Context, f pg.EntityFilter, p pg.Page) (pg.EntityPage, error) {
	if err := ctx.Err(); err != nil {
		return pg.EntityPage{}, err
	}
	cands := s.byName
	if f.Kind != "" {
		cands = s.byKind[f.Kind]
	}
	if f.EnactedBy != "" || f.Targets != "" {
		cands = s.policiesOf(f.EnactedBy, f.Targets)
	}
	from, to := dayRange(f.From, f.To)
	dated := f.From != "" || f.To != ""
	lo, hi := p.Window(math.MaxInt)
	var page []*pg.Entity
	total := 0
	for _, i := range cands {
		e := s.ents[i]
		switch {
		case f.Kind != "" && e.Kind != f.Kind,
			len(f.Types) > 0 && !slices.Contains(f.Types, e.Type),
			len(f.Statuses) > 0 && !slices.Contains(f.Statuses, e.Status),
			dated && !inRange(e.When(), from, to):
			continue
		}
		if total >= lo && total < hi {
			page = append(page, e)
		}
		total++
	}
	return pg.EntityPage{Entities: page, Total: total}, nil
}

// policiesOf returns, in name order, the policies enacted or announced by
// the entity enactor and targeting the entity target, either condition
// dropped when its ID is empty.
func (s *Store) policiesOf(enactor, target string) []int32 {
	var sets [][]int32
	for _, c := range []struct {
		id    string
		out   bool // the ID is the start of the relationship
		types []pg.RelType
	}{
		{enactor, true, []pg.RelType{pg.Enacted, pg.Announced}},
		{target, false, []pg.RelType{pg.Targets}},
	} {
		if c.id == "" {
			continue
		}
		n, ok := s.entIdx[c.id]
		if !ok {
			return nil
		}
		m := s.mask(c.types, 0)
		var set []int32
		rels, nbrs := s.all.list(n)
		for j, r := range rels {
			if m.has(s.relType[r]) && (s.relFrom[r] == n) == c.out {
				set = append(set, nbrs[j])
			}
		}
		slices.Sort(set)
		sets = append(sets, slices.Compact(set))
	}
	set := sets[0]
	if len(sets) == 2 {
		set = slices.DeleteFunc(set, func(e int32) bool {
			_, found := slices.BinarySearch(sets[1], e)
			return !found
		})
	}
	slices.SortFunc(set, func(a, b int32) int { return cmp.Compare(s.nameRank[a], s.nameRank[b]) })
	return set
}

// Dates are compared as yyyymmdd numbers: floor and ceil without the
// strings that Date.Floor and Date.Ceil allocate. A test holds them equal.

// floorDay is d.Floor() as a number; 0 for the empty date.
func floorDay(d pg.Date) uint32 { return dayNum(d, 1, 1) }

// ceilDay is d.Ceil() as a number; 0 for the empty date.
func ceilDay(d pg.Date) uint32 { return dayNum(d, 12, 31) }

func dayNum(d pg.Date, month, day uint32) uint32 {
	s := string(d)
	if len(s) < 4 {
		return 0
	}
	num := func(s string) uint32 {
		var n uint32
		for _, c := range []byte(s) {
			n = n*10 + uint32(c-'0')
		}
		return n
	}
	y := num(s[:4])
	if len(s) >= 7 {
		month = num(s[5:7])
	}
	if len(s) >= 10 {
		day = num(s[8:10])
	}
	return y*10000 + month*100 + day
}

// dayRange turns an inclusive range of dates, either end open when empty,
// into the day numbers that floors must lie within.
func dayRange(from, to pg.Date) (lo, hi uint32) {
	lo, hi = 0, math.MaxUint32
	if from != "" {
		lo = floorDay(from)
	}
	if to != "" {
		hi = ceilDay(to)
	}
	return lo, hi
}

// inRange reports whether d is set and its floor lies in [lo, hi].
func inRange(d pg.Date, lo, hi uint32) bool {
	day := floorDay(d)
	return d != "" && day >= lo && day <= hi
}
