// Package dataset reads policygraph datasets and checks them against the
// vocabulary.
//
// A dataset is a set of files, each either YAML (".yaml", ".yml") for
// curated data, with top-level lists sources, entities and relationships, or
// JSON Lines (".jsonl") for large machine-made loads, one
// {"source": {…}}, {"entity": {…}} or {"relationship": {…}} object a line.
// Both decode to the records of package policygraph.
//
// A YAML file may hold several documents ("---"), each read. Both formats
// are UTF-8 (a leading byte-order mark is dropped) and refuse the same
// things: bytes that are not UTF-8, a key stated twice, a record over
// [MaxRecord] bytes; a YAML file is at most [MaxYAMLFile] bytes.
//
// Files are read as streams of [Record]s, so a load of any size is read in
// bounded memory: [Validate] reads them once when every record refers only
// to IDs defined before it, and a second time to resolve the records that
// refer ahead (a third when some ID is found only by Options.Existing);
// the loader reads them again to write.
package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	pg "github.com/policygraph/policygraph"
)

// Position is a place in a dataset file. Line and Column count from 1; a
// zero Column means the whole line.
type Position struct {
	File   string
	Line   int
	Column int
}

func (p Position) String() string {
	if p.Column == 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Record is one source, entity or relationship of a file; exactly one of the
// three pointers is set.
type Record struct {
	Pos          Position
	Source       *pg.Source
	Entity       *pg.Entity
	Relationship *pg.Relationship

	node *yaml.Node // YAML: the record's mapping, searched for a field's value on demand
	line []byte     // JSON Lines: the line, searched for a field's key on demand
}

// ID returns the ID of the record, derived for a relationship.
func (r *Record) ID() string {
	switch {
	case r.Source != nil:
		return r.Source.ID
	case r.Entity != nil:
		return r.Entity.ID
	case r.Relationship != nil:
		return r.Relationship.ID
	}
	return ""
}

// At returns the position of the value of a field, or of the record when
// the field's own is unknown.
func (r *Record) At(field string) Position {
	if r.node != nil {
		if n := yamlAt(r.node, field); n != nil {
			return Position{File: r.Pos.File, Line: n.Line, Column: n.Column}
		}
	}
	if r.line != nil && !strings.ContainsAny(field, ".[") {
		if c := column(r.line, field); c > 0 {
			return Position{File: r.Pos.File, Line: r.Pos.Line, Column: c}
		}
	}
	// "evidence[0].quote" is better placed at "evidence[0]" than at the record.
	if i := strings.LastIndexAny(field, ".["); i > 0 {
		return r.At(field[:i])
	}
	return r.Pos
}

// Reader reads the records of one file in order.
type Reader interface {
	// Next returns the next record, io.EOF after the last, or a *Problem
	// when a record cannot be decoded (reading may go on after it).
	Next() (*Record, error)
	Close() error
}

// File is a dataset file: a name that also tells its format by extension,
// and how to open it. [Paths] and [FSFiles] make Files.
type File struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// Paths returns the files at the given paths on disk.
func Paths(paths ...string) []File {
	fs := make([]File, len(paths))
	for i, p := range paths {
		fs[i] = File{Name: p, Open: func() (io.ReadCloser, error) { return os.Open(p) }}
	}
	return fs
}

// FSFiles returns the named files of fsys, such as an embedded dataset.
func FSFiles(fsys fs.FS, names ...string) []File {
	out := make([]File, len(names))
	for i, n := range names {
		out[i] = File{Name: n, Open: func() (io.ReadCloser, error) { return fsys.Open(n) }}
	}
	return out
}

// Open opens a dataset file and chooses its format by extension.
func Open(file File) (Reader, error) {
	f, err := file.Open()
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(filepath.Ext(file.Name)) {
	case ".yaml", ".yml":
		defer func() { _ = f.Close() }() // read whole: nothing is lost on close
		r, err := newYAMLReader(file.Name, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file.Name, err)
		}
		return r, nil
	case ".jsonl", ".ndjson":
		return newJSONLReader(file.Name, f), nil
	}
	_ = f.Close() // not read
	return nil, fmt.Errorf("%s: unknown dataset format (want .yaml, .yml or .jsonl)", file.Name)
}

// Each calls fn for every record of the files in order. Problems decoding a
// record go to bad, and reading goes on; other errors stop it.
func Each(ctx context.Context, files []File, fn func(*Record) error, bad func(Problem)) error {
	for _, file := range files {
		if err := each(ctx, file, fn, bad); err != nil {
			return err
		}
	}
	return nil
}

func each(ctx context.Context, file File, fn func(*Record) error, bad func(Problem)) error {
	r, err := Open(file)
	if err != nil {
		return fmt.Errorf("read dataset: %w", err)
	}
	defer func() { _ = r.Close() }() // a reader: nothing is lost on close
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := r.Next()
		var p *Problem
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &p):
			bad(*p)
			continue
		case err != nil:
			return fmt.Errorf("read %s: %w", file.Name, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// Dataset is a whole dataset in memory, with records stated in several
// files merged (see [Dataset.Add]). The in-memory store is built from one.
type Dataset struct {
	Sources       []*pg.Source
	Entities      []*pg.Entity
	Relationships []*pg.Relationship

	sources  map[string]*pg.Source
	entities map[string]*pg.Entity
	rels     map[string]*pg.Relationship
}

// Load validates the files and reads them into one Dataset. When the files
// have problems it returns them in a *[Problems] error and no dataset.
func Load(ctx context.Context, files []File, opts Options) (*Dataset, error) {
	if err := Validate(ctx, files, opts); err != nil {
		return nil, err
	}
	ds := &Dataset{}
	err := Each(ctx, files, func(r *Record) error { ds.Add(r); return nil }, func(Problem) {})
	if err != nil {
		return nil, err
	}
	return ds, nil
}

// Add merges a record into the dataset. A record whose ID is already there
// merges into the first one, as a second load merges into Neo4j: aliases and
// evidence are united, and fields that the new record sets replace the old.
// An entity's evidence also adds the MENTIONS relationships of its sources.
func (ds *Dataset) Add(r *Record) {
	if ds.entities == nil {
		ds.sources = map[string]*pg.Source{}
		ds.entities = map[string]*pg.Entity{}
		ds.rels = map[string]*pg.Relationship{}
	}
	switch {
	case r.Source != nil:
		if old, ok := ds.sources[r.Source.ID]; ok {
			*old = MergeSource(*old, *r.Source)
			return
		}
		s := *r.Source
		ds.sources[s.ID] = &s
		ds.Sources = append(ds.Sources, &s)
	case r.Entity != nil:
		for _, m := range Mentions(r.Entity) {
			ds.addRel(m)
		}
		if old, ok := ds.entities[r.Entity.ID]; ok {
			*old = MergeEntity(*old, *r.Entity)
			return
		}
		e := *r.Entity
		ds.entities[e.ID] = &e
		ds.Entities = append(ds.Entities, &e)
	case r.Relationship != nil:
		ds.addRel(*r.Relationship)
	}
}

func (ds *Dataset) addRel(rel pg.Relationship) {
	if old, ok := ds.rels[rel.ID]; ok {
		*old = MergeRelationship(*old, rel)
		return
	}
	ds.rels[rel.ID] = &rel
	ds.Relationships = append(ds.Relationships, &rel)
}

// Mentions derives the MENTIONS relationships that an entity's evidence
// implies: each source it cites mentions it, with those quotes.
func Mentions(e *pg.Entity) []pg.Relationship {
	var out []pg.Relationship
	for _, ev := range e.Evidence {
		id := pg.RelationshipID(ev.Source, pg.Mentions, e.ID, "")
		found := false
		for i := range out {
			if out[i].ID == id {
				out[i].Evidence = append(out[i].Evidence, ev)
				found = true
			}
		}
		if !found {
			out = append(out, pg.Relationship{
				ID: id, Type: pg.Mentions, From: ev.Source, To: e.ID,
				Evidence: []pg.Evidence{ev},
			})
		}
	}
	return out
}

// MergeSource returns old with the fields that new sets.
func MergeSource(old, new pg.Source) pg.Source {
	set(&old.Title, new.Title)
	set(&old.Publisher, new.Publisher)
	set(&old.Published, new.Published)
	set(&old.URL, new.URL)
	return old
}

// MergeEntity returns old with the fields that new sets, aliases and
// evidence united.
func MergeEntity(old, new pg.Entity) pg.Entity {
	set(&old.Name, new.Name)
	old.Aliases = pg.MergeAliases(old.Name, old.Aliases, new.Aliases)
	set(&old.Description, new.Description)
	set(&old.Type, new.Type)
	set(&old.Status, new.Status)
	set(&old.Date, new.Date)
	set(&old.Start, new.Start)
	set(&old.End, new.End)
	setPtr(&old.Rate, new.Rate)
	setPtr(&old.Count, new.Count)
	old.Evidence = pg.MergeEvidence(old.Evidence, new.Evidence)
	return old
}

// MergeRelationship returns old with the fields that new sets and evidence
// united.
func MergeRelationship(old, new pg.Relationship) pg.Relationship {
	set(&old.Role, new.Role)
	set(&old.Allegation, new.Allegation)
	setPtr(&old.Rank, new.Rank)
	setPtr(&old.Count, new.Count)
	setPtr(&old.Rate, new.Rate)
	set(&old.Status, new.Status)
	set(&old.Date, new.Date)
	set(&old.Start, new.Start)
	set(&old.End, new.End)
	old.Evidence = pg.MergeEvidence(old.Evidence, new.Evidence)
	return old
}

func set[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

func setPtr[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}
