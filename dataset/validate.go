package dataset

import (
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	pg "github.com/policygraph/policygraph"
)

// Limits on values that the validator enforces.
const (
	MaxQuote = 400   // characters in an evidence quote: one sentence at most
	MaxRate  = 10000 // percent
)

// Problem is one thing wrong with a dataset: where, which record, which
// field, and why.
type Problem struct {
	Pos    Position
	ID     string // the record's ID, when it has one
	Field  string // the field's path, such as "evidence[0].quote"
	Reason string
}

// Error formats the problem as "file:line:col: id: field: reason".
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.Pos.String())
	for _, s := range []string{p.ID, p.Field, p.Reason} {
		if s != "" {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	return b.String()
}

// Problems is every problem found in a dataset, in file order; Validate
// returns it as its error.
type Problems struct {
	List  []Problem // at most maxProblems
	Total int       // how many were found, listed or not
}

const maxProblems = 1000

func (ps *Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d problem(s) in dataset", ps.Total)
	for _, p := range ps.List {
		b.WriteString("\n")
		b.WriteString(p.Error())
	}
	if more := ps.Total - len(ps.List); more > 0 {
		fmt.Fprintf(&b, "\n… and %d more", more)
	}
	return b.String()
}

// Options adjust validation.
type Options struct {
	// Texts maps a source ID to the source's full text. Evidence quoting a
	// source whose text is given must be a substring of it.
	Texts map[string]string

	// Existing, when set, tells which of the IDs that the files refer to
	// but do not define already exist where the data is going: it maps each
	// it knows to its kind, or to "Source" for a source. A load into a
	// database uses it so that a new source can refer to loaded entities.
	Existing func(ctx context.Context, ids []string) (map[string]string, error)
}

// Summary counts the records of a valid dataset.
type Summary struct {
	Sources       int
	Entities      map[pg.Kind]int
	Relationships map[pg.RelType]int // MENTIONS derived from evidence included
	// ForwardRefs is set when a record refers to an ID defined after it, so
	// that a writer must write every node before any relationship.
	ForwardRefs bool
	// Repeats counts records that restate an ID an earlier file defined:
	// they merge into it, which a writer that cannot merge (an offline
	// import) must do itself.
	Repeats int
}

// Validate checks the files and returns nil or a *[Problems] listing every
// problem: records that do not decode, unknown kinds, types and fields,
// relationships between kinds the vocabulary does not allow, dangling and
// duplicate IDs, missing evidence, malformed dates, numbers out of range and
// quotes missing from their source's text. An ID defined twice in one file
// is a duplicate; defined in two files, the second merges into the first.
func Validate(ctx context.Context, files []File, opts Options) error {
	_, err := Check(ctx, files, opts)
	return err
}

// Check is Validate returning the dataset's counts as well.
func Check(ctx context.Context, files []File, opts Options) (Summary, error) {
	v := &validator{
		opts:  opts,
		defs:  map[uint64]def{},
		rels:  map[uint64]uint16{},
		files: map[string]int{},
		names: make([]string, len(files)),
		sum:   Summary{Entities: map[pg.Kind]int{}, Relationships: map[pg.RelType]int{}},
	}
	v.seed = maphash.MakeSeed()
	for i, f := range files {
		v.files[f.Name] = i
		v.names[i] = f.Name
	}
	// One pass defines every ID and resolves references to IDs already
	// defined; a record that refers ahead is only marked, and a second pass
	// resolves the marked records, so that a file may refer to what a later
	// one defines without any record held in memory.
	if err := Each(ctx, files, v.define, v.add); err != nil {
		return v.sum, err
	}
	v.sum.ForwardRefs = v.waiting > 0
	if err := v.resolveMarked(ctx, files); err != nil {
		return v.sum, err
	}
	if v.problems.Total > 0 {
		slices.SortStableFunc(v.problems.List, func(a, b Problem) int {
			return cmp.Or(cmp.Compare(v.files[a.Pos.File], v.files[b.Pos.File]),
				cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
		})
		return v.sum, &v.problems
	}
	return v.sum, nil
}

// def is what pass 1 remembers of an ID. IDs are kept as 64-bit hashes so
// that a load of millions of records validates in bounded memory; a
// collision, about one in 10¹² for a million IDs, would be reported as a
// duplicate, never missed.
type def struct {
	kind uint8 // 0 a source, else 1 + index in pg.Kinds
	file uint16
}

type validator struct {
	opts     Options
	seed     maphash.Seed
	defs     map[uint64]def
	rels     map[uint64]uint16 // relationship ID hash → file
	files    map[string]int
	names    []string // file index → name
	problems Problems
	sum      Summary

	// Records are numbered in the order read; marked are those that refer
	// to an ID not defined when they were read, one bit each.
	n       int
	marked  []uint64
	waiting int // records marked
}

func (v *validator) mark(i int) {
	for len(v.marked) <= i/64 {
		v.marked = append(v.marked, 0)
	}
	v.marked[i/64] |= 1 << (i % 64)
	v.waiting++
}

func (v *validator) isMarked(i int) bool {
	return i/64 < len(v.marked) && v.marked[i/64]&(1<<(i%64)) != 0
}

func (v *validator) unmark(i int) {
	if i/64 < len(v.marked) {
		v.marked[i/64] &^= 1 << (i % 64)
	}
}

func (v *validator) hash(s string) uint64 { return maphash.String(v.seed, s) }

func (v *validator) add(p Problem) {
	v.problems.Total++
	if len(v.problems.List) < maxProblems {
		v.problems.List = append(v.problems.List, p)
	}
}

func (v *validator) fail(r *Record, field, format string, args ...any) {
	v.add(Problem{Pos: r.At(field), ID: r.ID(), Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (v *validator) define(r *Record) error {
	defer func() { v.n++ }()
	file := uint16(v.files[r.Pos.File])
	switch {
	case r.Source != nil:
		v.checkSource(r)
		v.register(r, r.Source.ID, def{kind: 0, file: file})
		v.sum.Sources++
	case r.Entity != nil:
		v.checkEntity(r)
		if i := slices.Index(pg.Kinds, r.Entity.Kind); i >= 0 {
			v.register(r, r.Entity.ID, def{kind: uint8(i + 1), file: file})
		}
		v.sum.Entities[r.Entity.Kind]++
		v.sum.Relationships[pg.Mentions] += len(Mentions(r.Entity))
		v.resolveOrWait(r, evidenceSources(r.Entity.Evidence))
	case r.Relationship != nil:
		rel := r.Relationship
		v.resolveOrWait(r, append(evidenceSources(rel.Evidence), rel.From, rel.To))
		v.checkRelationship(r)
		h := v.hash(r.Relationship.ID)
		if f, ok := v.rels[h]; ok && f == file {
			v.fail(r, "type", "duplicate relationship: %s from %s to %s is already stated in this file (add a key to tell them apart)",
				r.Relationship.Type, r.Relationship.From, r.Relationship.To)
		} else if ok {
			v.sum.Repeats++
		}
		v.rels[h] = file
		v.sum.Relationships[r.Relationship.Type]++
	}
	return nil
}

func (v *validator) register(r *Record, id string, d def) {
	if id == "" {
		return
	}
	h := v.hash(id)
	old, ok := v.defs[h]
	switch {
	case !ok:
		v.defs[h] = d
	case old.file == d.file:
		v.fail(r, "id", "duplicate id: already defined in this file")
	case old.kind != d.kind:
		v.fail(r, "id", "defined in %s as %s; the same ID cannot be a %s",
			v.fileName(old.file), kindName(old.kind), kindName(d.kind))
	default:
		v.sum.Repeats++
	}
}

// fileName names the file of index i, or the database for IDs that
// Options.Existing found.
func (v *validator) fileName(i uint16) string {
	if i == inDatabase || int(i) >= len(v.names) {
		return "the database"
	}
	return v.names[i]
}

func kindName(k uint8) string {
	if k == 0 {
		return "source"
	}
	return string(pg.Kinds[k-1])
}

// lookup returns what an ID was defined as in pass 1.
func (v *validator) lookup(id string) (def, bool) {
	d, ok := v.defs[v.hash(id)]
	return d, ok
}

// inDatabase is the file index of IDs that Options.Existing found.
const inDatabase = ^uint16(0)

// resolveMarked reads the files again to resolve the records that referred
// ahead. A reference that no file defines is asked of Options.Existing,
// once for all of them, and its records are resolved by a third pass.
// Decoding problems were reported by the first pass.
func (v *validator) resolveMarked(ctx context.Context, files []File) error {
	if v.waiting == 0 {
		return nil
	}
	ignore := func(Problem) {}
	missing := map[string]bool{}
	i := 0
	err := Each(ctx, files, func(r *Record) error {
		defer func() { i++ }()
		if !v.isMarked(i) {
			return nil
		}
		undefined := false
		for _, id := range refs(r) {
			if _, ok := v.lookup(id); !ok && id != "" {
				undefined = true
				if v.opts.Existing != nil {
					missing[id] = true
				}
			}
		}
		if !undefined || v.opts.Existing == nil {
			v.unmark(i)
			v.resolve(r)
		}
		return nil
	}, ignore)
	if err != nil || len(missing) == 0 {
		return err
	}
	ids := slices.Sorted(maps.Keys(missing))
	found, err := v.opts.Existing(ctx, ids)
	if err != nil {
		return fmt.Errorf("look up existing ids: %w", err)
	}
	for id, kind := range found {
		d := def{kind: 0, file: inDatabase}
		if i := slices.Index(pg.Kinds, pg.Kind(kind)); i >= 0 {
			d.kind = uint8(i + 1)
		}
		v.defs[v.hash(id)] = d
	}
	i = 0
	return Each(ctx, files, func(r *Record) error {
		if v.isMarked(i) {
			v.resolve(r)
		}
		i++
		return nil
	}, ignore)
}

// refs returns the IDs that a record refers to.
func refs(r *Record) []string {
	switch {
	case r.Entity != nil:
		return evidenceSources(r.Entity.Evidence)
	case r.Relationship != nil:
		return append(evidenceSources(r.Relationship.Evidence), r.Relationship.From, r.Relationship.To)
	}
	return nil
}

// resolveOrWait resolves the record's references now when every ID it
// refers to is defined, and marks it for the second pass otherwise.
func (v *validator) resolveOrWait(r *Record, refs []string) {
	for _, id := range refs {
		if _, ok := v.lookup(id); !ok && id != "" {
			v.mark(v.n)
			return
		}
	}
	v.resolve(r)
}

func evidenceSources(evs []pg.Evidence) []string {
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = ev.Source
	}
	return ids
}

// resolve checks the references of a record to sources and entities.
func (v *validator) resolve(r *Record) {
	switch {
	case r.Entity != nil:
		v.checkEvidenceSources(r, r.Entity.Evidence)
	case r.Relationship != nil:
		rel := r.Relationship
		spec, ok := pg.Spec(rel.Type)
		if !ok {
			return // reported when defined
		}
		from, fromOK := v.endpoint(r, "from", rel.From, spec.FromSource)
		to, toOK := v.endpoint(r, "to", rel.To, spec.ToSource)
		if fromOK && toOK && !spec.FromSource && !spec.ToSource && !spec.Allows(from, to) {
			v.fail(r, "type", "%s cannot join %s to %s (want %s to %s)",
				rel.Type, from, to, kindList(spec.From), kindList(spec.To))
		}
		v.checkEvidenceSources(r, rel.Evidence)
	}
}

// endpoint checks one end of a relationship and returns its kind.
func (v *validator) endpoint(r *Record, field, id string, wantSource bool) (pg.Kind, bool) {
	if id == "" {
		return "", false // reported when defined
	}
	d, ok := v.lookup(id)
	switch {
	case !ok:
		v.fail(r, field, "unknown id %q: no source or entity defines it", id)
		return "", false
	case wantSource && d.kind != 0:
		v.fail(r, field, "%s must be a source, not a %s", r.Relationship.Type, kindName(d.kind))
		return "", false
	case !wantSource && d.kind == 0:
		v.fail(r, field, "%s must be an entity, not a source", r.Relationship.Type)
		return "", false
	}
	if d.kind == 0 {
		return "", true
	}
	return pg.Kinds[d.kind-1], true
}

func (v *validator) checkEvidenceSources(r *Record, evs []pg.Evidence) {
	for i, ev := range evs {
		if ev.Source == "" {
			continue // reported when defined
		}
		if d, ok := v.lookup(ev.Source); !ok || d.kind != 0 {
			v.fail(r, fmt.Sprintf("evidence[%d].source", i), "unknown source %q", ev.Source)
		}
	}
}

var (
	idPattern  = regexp.MustCompile(`^([a-z]+)/[a-z0-9]+(?:[-.][a-z0-9]+)*$`)
	keyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

func (v *validator) checkID(r *Record, id, prefix string) {
	m := idPattern.FindStringSubmatch(id)
	switch {
	case id == "":
		v.fail(r, "id", "missing")
	case m == nil:
		v.fail(r, "id", "malformed id %q (want %s/<lower-case-words-joined-by-hyphens>)", id, prefix)
	case prefix != "" && m[1] != prefix:
		v.fail(r, "id", "id %q must start with %q", id, prefix+"/")
	}
}

func (v *validator) checkSource(r *Record) {
	s := r.Source
	v.checkID(r, s.ID, "source")
	if strings.TrimSpace(s.Title) == "" {
		v.fail(r, "title", "missing")
	}
	v.checkDate(r, "published", s.Published)
}

func (v *validator) checkEntity(r *Record) {
	e := r.Entity
	prefix := ""
	switch {
	case e.Kind == "":
		v.fail(r, "kind", "missing (want %s)", kindList(pg.Kinds))
	case !e.Kind.Valid():
		v.fail(r, "kind", "unknown kind %q (want %s)", e.Kind, kindList(pg.Kinds))
	default:
		prefix = strings.ToLower(string(e.Kind))
	}
	v.checkID(r, e.ID, prefix)
	if strings.TrimSpace(e.Name) == "" {
		v.fail(r, "name", "missing")
	}
	for i, a := range e.Aliases {
		if strings.TrimSpace(a) == "" {
			v.fail(r, fmt.Sprintf("aliases[%d]", i), "empty alias")
		}
	}
	subtypes := pg.SubtypesOf(e.Kind)
	switch {
	case subtypes != nil && e.Type == "":
		v.fail(r, "type", "missing: a %s needs a type (want %s)", e.Kind, strings.Join(subtypes, ", "))
	case subtypes != nil && !slices.Contains(subtypes, e.Type):
		v.fail(r, "type", "unknown %s type %q (want %s)", strings.ToLower(string(e.Kind)), e.Type, strings.Join(subtypes, ", "))
	case subtypes == nil && e.Type != "" && e.Kind.Valid():
		v.fail(r, "type", "a %s has no type", e.Kind)
	}
	if e.Kind != pg.Policy && e.Kind.Valid() {
		for _, f := range []fieldSet{{"status", e.Status != ""}, {"date", e.Date != ""}, {"start", e.Start != ""},
			{"end", e.End != ""}, {"rate", e.Rate != nil}, {"count", e.Count != nil}} {
			if f.set {
				v.fail(r, f.name, "only a Policy has a %s", f.name)
			}
		}
	}
	v.checkFacts(r, e.Status, e.Date, e.Start, e.End, e.Rate, e.Count)
	if e.Kind == pg.Policy && len(e.Evidence) == 0 {
		v.fail(r, "evidence", "missing: a Policy needs evidence for its facts")
	}
	v.checkEvidence(r, e.Evidence)
}

func (v *validator) checkRelationship(r *Record) {
	rel := r.Relationship
	spec, ok := pg.Spec(rel.Type)
	switch {
	case rel.Type == "":
		v.fail(r, "type", "missing")
	case !ok:
		v.fail(r, "type", "unknown relationship type %q", rel.Type)
	}
	if rel.From == "" {
		v.fail(r, "from", "missing")
	}
	if rel.To == "" {
		v.fail(r, "to", "missing")
	}
	if rel.Key != "" && !keyPattern.MatchString(rel.Key) {
		v.fail(r, "key", "malformed key %q (want letters, digits, '.', '_' or '-')", rel.Key)
	}
	if rel.Type == pg.Mentions {
		v.fail(r, "type", "MENTIONS is derived from entities' evidence; give the entity evidence instead")
	}
	if ok {
		for _, f := range []fieldSet{{pg.PropRole, rel.Role != ""}, {pg.PropAllegation, rel.Allegation != ""},
			{pg.PropRank, rel.Rank != nil}, {pg.PropCount, rel.Count != nil}, {pg.PropRate, rel.Rate != nil}} {
			if f.set && !spec.HasProp(f.name) {
				v.fail(r, f.name, "%s does not take %s", rel.Type, f.name)
			}
		}
	}
	if rel.Rank != nil && *rel.Rank < 1 {
		v.fail(r, "rank", "rank %d out of range (want 1 or more)", *rel.Rank)
	}
	v.checkFacts(r, rel.Status, rel.Date, rel.Start, rel.End, rel.Rate, rel.Count)
	if len(rel.Evidence) == 0 {
		v.fail(r, "evidence", "missing: every relationship needs evidence")
	}
	v.checkEvidence(r, rel.Evidence)
}

// checkFacts checks the status, dates and numbers that policies and
// relationships share.
func (v *validator) checkFacts(r *Record, status string, date, start, end pg.Date, rate *float64, count *int64) {
	if status != "" && !slices.Contains(pg.Statuses, status) {
		v.fail(r, "status", "unknown status %q (want %s)", status, strings.Join(pg.Statuses, ", "))
	}
	v.checkDate(r, "date", date)
	v.checkDate(r, "start", start)
	v.checkDate(r, "end", end)
	if start.Valid() && end.Valid() && start.Floor() > end.Ceil() {
		v.fail(r, "end", "end %s is before start %s", end, start)
	}
	if rate != nil && (*rate < 0 || *rate > MaxRate) {
		v.fail(r, "rate", "rate %g out of range (want 0 to %d percent)", *rate, MaxRate)
	}
	if count != nil && *count < 0 {
		v.fail(r, "count", "count %d out of range (want 0 or more)", *count)
	}
}

func (v *validator) checkDate(r *Record, field string, d pg.Date) {
	if d != "" && !d.Valid() {
		v.fail(r, field, "malformed date %q (want YYYY, YYYY-MM or YYYY-MM-DD)", d)
	}
}

func (v *validator) checkEvidence(r *Record, evs []pg.Evidence) {
	for i, ev := range evs {
		at := fmt.Sprintf("evidence[%d]", i)
		if ev.Source == "" {
			v.fail(r, at+".source", "missing")
		}
		q := ev.Quote
		switch {
		case strings.TrimSpace(q) == "":
			v.fail(r, at+".quote", "missing")
		case utf8.RuneCountInString(q) > MaxQuote:
			v.fail(r, at+".quote", "quote of %d characters is too long (one sentence, at most %d)", utf8.RuneCountInString(q), MaxQuote)
		default:
			if text, ok := v.opts.Texts[ev.Source]; ok && !strings.Contains(text, q) {
				v.fail(r, at+".quote", "quote not found verbatim in the text of %s", ev.Source)
			}
		}
	}
}

// fieldSet says whether a record sets an optional field, in a fixed order so
// that problems come out in the same order every run.
type fieldSet struct {
	name string
	set  bool
}

func kindList(ks []pg.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
