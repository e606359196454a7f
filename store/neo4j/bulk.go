package neo4j

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	pg "github.com/policygraph/policygraph"
)

// An offline import (neo4j-admin database import full) builds a new
// database from CSV files far faster than transactions can. CSVWriter
// writes those files from the very rows that a load creates records from
// (newEntityRows, newRelRows, sourceRows), so an imported graph carries
// exactly the properties a load would give it; FinishImport then adds what
// the importer cannot: the schema, and the empty lists that CSV cannot tell
// from absent ones.
//
// Layout: one header file and one data file per node label set (Source,
// and Entity plus each kind) and per relationship type, in one directory.
// Every string is quoted (RFC 4180, quotes doubled), so that an empty
// field always means "no property"; list elements are separated by
// arrayDelimiter, which no value may contain.

// arrayDelimiter separates list elements: the ASCII unit separator, which
// text does not contain, unlike the importer's default ';'.
const arrayDelimiter = '\x1f'

// column is a CSV column: a property name and its importer type, or one of
// the importer's own fields (":START_ID", ":END_ID").
type column struct{ name, typ string }

func (c column) header() string {
	switch {
	case strings.HasPrefix(c.name, ":"):
		return c.name
	case c.typ == "":
		return c.name
	}
	return c.name + ":" + c.typ
}

// The columns hold every property that the create rows of write.go set; a
// row with a property not listed here is an error, so the two cannot drift
// apart silently.
var (
	sourceColumns = []column{{"id", "ID"}, {"title", ""}, {"publisher", ""}, {"published", ""}, {"url", ""}, {"createdBy", ""}}
	entityColumns = []column{{"id", "ID"}, {"kind", ""}, {"name", ""}, {"aliases", "string[]"},
		{"searchNames", "string[]"}, {"search", ""}, {"description", ""}, {"type", ""}, {"status", ""},
		{"date", ""}, {"start", ""}, {"end", ""}, {"dateSort", ""}, {"rate", "double"}, {"count", "long"},
		{"evidenceSources", "string[]"}, {"evidenceQuotes", "string[]"}, {"createdBy", ""}}
	relColumns = []column{{":START_ID", ""}, {":END_ID", ""}, {"id", ""}, {"key", ""}, {"role", ""},
		{"allegation", ""}, {"rank", "long"}, {"count", "long"}, {"rate", "double"}, {"status", ""},
		{"date", ""}, {"start", ""}, {"end", ""}, {"dateSort", ""},
		{"evidenceSources", "string[]"}, {"evidenceQuotes", "string[]"}, {"createdBy", ""}}
)

// CSVGroup is one input of the importer: a header file and a data file,
// with the labels of its nodes or the type of its relationships.
type CSVGroup struct {
	Labels []string `json:"labels,omitempty"` // nodes: the labels every node of the group carries
	Type   string   `json:"type,omitempty"`   // relationships: their type
	Header string   `json:"header"`           // path of the header file
	Data   string   `json:"data"`             // path of the data file
	Rows   int      `json:"rows"`
	// Multiline is set when a value spans lines; the importer must then
	// parse the data file more slowly.
	Multiline bool `json:"multiline"`
}

// EmptyList is a list property that some records had empty: CSV writes it
// as an absent property, which FinishImport turns back into [].
type EmptyList struct {
	Node  bool   `json:"node"`
	Label string `json:"label"` // a node label or a relationship type
	Prop  string `json:"prop"`
}

// BulkImport describes the CSV files of a finished CSVWriter. It is saved
// as manifestName in the directory, so that an import run elsewhere can be
// finished later (ReadBulkImport, FinishImport).
type BulkImport struct {
	Dir           string      `json:"dir"`
	LoadID        string      `json:"loadId"`
	Nodes         []CSVGroup  `json:"nodes"`
	Relationships []CSVGroup  `json:"relationships"`
	EmptyLists    []EmptyList `json:"emptyLists"`
}

// manifestName is the file in the CSV directory that describes it.
const manifestName = "import.json"

// ReadBulkImport reads the description that CSVWriter.Close left in dir.
func ReadBulkImport(dir string) (*BulkImport, error) {
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return nil, fmt.Errorf("read import manifest: %w", err)
	}
	var b BulkImport
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("read import manifest %s: %w", filepath.Join(dir, manifestName), err)
	}
	// The manifest is a file anyone may edit: what FinishImport splices
	// into Cypher must still come from the vocabulary and the columns.
	for _, e := range b.EmptyLists {
		if !knownList(e) {
			return nil, fmt.Errorf("import manifest: unknown list %s.%s", e.Label, e.Prop)
		}
	}
	return &b, nil
}

// knownList reports whether e names a label or type of the vocabulary and a
// list column of its records.
func knownList(e EmptyList) bool {
	cols := relColumns
	switch {
	case e.Node && e.Label == pg.SourceLabel:
		cols = sourceColumns
	case e.Node && pg.Kind(e.Label).Valid():
		cols = entityColumns
	case e.Node:
		return false
	default:
		if _, ok := pg.Spec(pg.RelType(e.Label)); !ok {
			return false
		}
	}
	return slices.Contains(cols, column{e.Prop, "string[]"})
}

// NodeCount is the number of nodes written.
func (b *BulkImport) NodeCount() int { return rows(b.Nodes) }

// RelationshipCount is the number of relationships written.
func (b *BulkImport) RelationshipCount() int { return rows(b.Relationships) }

func rows(gs []CSVGroup) int {
	n := 0
	for _, g := range gs {
		n += g.Rows
	}
	return n
}

// AdminArgs are the arguments of "neo4j-admin database import full" that
// import the files, without the database name.
func (b *BulkImport) AdminArgs() []string {
	args := []string{"--array-delimiter=U+001F", "--id-type=string", "--strict=false"}
	multi := false
	for _, g := range b.Nodes {
		args = append(args, "--nodes="+strings.Join(g.Labels, ":")+"="+g.Header+","+g.Data)
		multi = multi || g.Multiline
	}
	for _, g := range b.Relationships {
		args = append(args, "--relationships="+g.Type+"="+g.Header+","+g.Data)
		multi = multi || g.Multiline
	}
	if multi {
		// Entities' search values hold newlines. Format v2, which names
		// only the files that need the slower parser, fails in 5.26 on a
		// quoted value across its 4 MiB read buffer ("found CR outside a
		// text cell"), so every file takes the v1 parser.
		args = append(args, "--multiline-fields=true")
	}
	return args
}

// csvFile is one data file being written.
type csvFile struct {
	group  CSVGroup
	cols   []column
	f      *os.File
	w      *bufio.Writer
	empty  map[string]bool // list columns written empty
	isNode bool
}

// CSVWriter writes records as the importer's CSV files. It is not safe
// for concurrent use. Close it to flush the files.
type CSVWriter struct {
	dir    string
	loadID string
	files  map[string]*csvFile // by label set or type
	order  []string
	line   []byte
}

// NewCSVWriter writes into dir, which it creates; every record carries
// createdBy = loadID, as a load's do.
func NewCSVWriter(dir, loadID string) (*CSVWriter, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("csv directory: %w", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("csv directory: %w", err)
	}
	return &CSVWriter{dir: abs, loadID: loadID, files: map[string]*csvFile{}}, nil
}

// Source writes a source node.
func (w *CSVWriter) Source(s *pg.Source) error {
	row := map[string]any{"createdBy": w.loadID}
	for k, v := range sourceRows([]*pg.Source{s})[0] {
		if v != nil {
			row[k] = v
		}
	}
	return w.write("node:"+pg.SourceLabel, true, CSVGroup{Labels: []string{pg.SourceLabel}}, sourceColumns, "", "", row)
}

// Entity writes an entity node; its MENTIONS are the caller's to write.
func (w *CSVWriter) Entity(e *pg.Entity) error {
	row := newEntityRows([]*pg.Entity{e}, w.loadID)[0]
	g := CSVGroup{Labels: []string{pg.EntityLabel, string(e.Kind)}}
	return w.write("node:"+string(e.Kind), true, g, entityColumns, "", "", row)
}

// Relationship writes a relationship.
func (w *CSVWriter) Relationship(r *pg.Relationship) error {
	row := newRelRows([]*pg.Relationship{r}, w.loadID)[0]
	props := row["props"].(map[string]any)
	g := CSVGroup{Type: string(r.Type)}
	return w.write("rel:"+string(r.Type), false, g, relColumns, r.From, r.To, props)
}

// file returns the data file of key, creating it and its header.
func (w *CSVWriter) file(key string, node bool, g CSVGroup, cols []column) (*csvFile, error) {
	if f, ok := w.files[key]; ok {
		return f, nil
	}
	base := strings.ToLower(strings.ReplaceAll(key, ":", "-"))
	g.Header = filepath.Join(w.dir, base+".header.csv")
	g.Data = filepath.Join(w.dir, base+".csv")
	hs := make([]string, len(cols))
	for i, c := range cols {
		hs[i] = c.header()
	}
	if err := os.WriteFile(g.Header, []byte(strings.Join(hs, ",")+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("write csv header: %w", err)
	}
	f, err := os.Create(g.Data)
	if err != nil {
		return nil, fmt.Errorf("create csv file: %w", err)
	}
	cf := &csvFile{group: g, cols: cols, f: f, w: bufio.NewWriterSize(f, 256<<10), empty: map[string]bool{}, isNode: node}
	w.files[key] = cf
	w.order = append(w.order, key)
	return cf, nil
}

// write appends one row; from and to are the ends of a relationship.
func (w *CSVWriter) write(key string, node bool, g CSVGroup, cols []column, from, to string, props map[string]any) error {
	f, err := w.file(key, node, g, cols)
	if err != nil {
		return err
	}
	used := 0
	line := w.line[:0]
	for i, c := range cols {
		if i > 0 {
			line = append(line, ',')
		}
		var v any
		switch c.name {
		case ":START_ID":
			v = from
		case ":END_ID":
			v = to
		default:
			var ok bool
			if v, ok = props[c.name]; ok {
				used++
			}
		}
		if line, err = appendValue(line, c, v, f); err != nil {
			return fmt.Errorf("%s %v: %w", key, props["id"], err)
		}
	}
	if used != len(props) {
		for k := range props {
			if !slices.ContainsFunc(cols, func(c column) bool { return c.name == k }) {
				return fmt.Errorf("%s %v: property %q has no CSV column", key, props["id"], k)
			}
		}
	}
	line = append(line, '\n')
	w.line = line
	f.group.Rows++
	_, err = f.w.Write(line)
	return err
}

// appendValue appends v as a field of column c.
func appendValue(b []byte, c column, v any, f *csvFile) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return b, nil
	case string:
		if c.typ != "" && c.typ != "ID" {
			return b, fmt.Errorf("%s: string for a %s column", c.name, c.typ)
		}
		return appendQuoted(b, v, f), nil
	case []string:
		if c.typ != "string[]" {
			return b, fmt.Errorf("%s: list for a %q column", c.name, c.typ)
		}
		if len(v) == 0 {
			f.empty[c.name] = true
			return b, nil
		}
		for _, s := range v {
			if strings.IndexByte(s, arrayDelimiter) >= 0 {
				return b, fmt.Errorf("%s: a value contains U+001F, which separates list elements in the CSV", c.name)
			}
		}
		return appendQuoted(b, strings.Join(v, string(arrayDelimiter)), f), nil
	case int64:
		if c.typ != "long" {
			return b, fmt.Errorf("%s: integer for a %q column", c.name, c.typ)
		}
		return strconv.AppendInt(b, v, 10), nil
	case float64:
		if c.typ != "double" {
			return b, fmt.Errorf("%s: number for a %q column", c.name, c.typ)
		}
		return strconv.AppendFloat(b, v, 'g', -1, 64), nil
	}
	return b, fmt.Errorf("%s: unsupported value %T", c.name, v)
}

// appendQuoted appends s in quotes, doubling the quotes inside.
func appendQuoted(b []byte, s string, f *csvFile) []byte {
	if strings.ContainsAny(s, "\n\r") {
		f.group.Multiline = true
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

// Reset removes every file written so far, to start over.
func (w *CSVWriter) Reset() error {
	for _, key := range w.order {
		f := w.files[key]
		_ = f.f.Close() // may be closed already; removing the files is what counts
		if err := errors.Join(os.Remove(f.group.Data), os.Remove(f.group.Header)); err != nil {
			return fmt.Errorf("reset csv: %w", err)
		}
	}
	w.files, w.order = map[string]*csvFile{}, nil
	return nil
}

// Close flushes and closes the files and describes them.
func (w *CSVWriter) Close() (*BulkImport, error) {
	b := &BulkImport{Dir: w.dir, LoadID: w.loadID}
	var firstErr error
	for _, key := range w.order {
		f := w.files[key]
		err := f.w.Flush()
		if cerr := f.f.Close(); err == nil {
			err = cerr
		}
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("write %s: %w", f.group.Data, err)
		}
		label := f.group.Type
		if f.isNode {
			b.Nodes = append(b.Nodes, f.group)
			label = f.group.Labels[len(f.group.Labels)-1]
		} else {
			b.Relationships = append(b.Relationships, f.group)
		}
		for _, c := range f.cols {
			if f.empty[c.name] {
				b.EmptyLists = append(b.EmptyLists, EmptyList{Node: f.isNode, Label: label, Prop: c.name})
			}
		}
	}
	w.files = nil
	if firstErr != nil {
		return nil, firstErr
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(w.dir, manifestName), append(data, '\n'), 0o644)
	}
	if err != nil {
		return nil, fmt.Errorf("write import manifest: %w", err)
	}
	return b, nil
}

// FinishImport completes a database that the importer built from b: it
// sets the empty lists that CSV left absent, so records match what a load
// writes, then creates the schema that a load creates and waits up to wait
// for its indexes to come online. The Community edition's importer cannot
// create the schema itself (--schema), so it comes after the first start.
func (s *Store) FinishImport(ctx context.Context, b *BulkImport, wait time.Duration) error {
	if err := s.SetEmptyLists(ctx, b); err != nil {
		return err
	}
	return s.createSchema(ctx, wait)
}

// SetEmptyLists is the first step of FinishImport: records whose lists
// were empty get [] where the importer left no property.
func (s *Store) SetEmptyLists(ctx context.Context, b *BulkImport) error {
	// One statement per label or type sets all of its empty lists, so that
	// each record is written once.
	props := map[EmptyList][]string{}
	var order []EmptyList
	for _, e := range b.EmptyLists {
		// Labels, types and property names come from the vocabulary and
		// the column lists above, never from data.
		if !knownList(e) {
			return fmt.Errorf("unknown list %s.%s", e.Label, e.Prop)
		}
		k := EmptyList{Node: e.Node, Label: e.Label}
		if props[k] == nil {
			order = append(order, k)
		}
		props[k] = append(props[k], e.Prop)
	}
	for _, k := range order {
		var where, set []string
		for _, p := range props[k] {
			where = append(where, fmt.Sprintf("x.%s IS NULL", p))
			set = append(set, fmt.Sprintf("x.%s = coalesce(x.%s, [])", p, p))
		}
		match := fmt.Sprintf("MATCH (x:%s)", k.Label)
		if !k.Node {
			match = fmt.Sprintf("MATCH ()-[x:%s]->()", k.Label)
		}
		cypher := fmt.Sprintf("%s WHERE %s CALL (x) { SET %s } IN TRANSACTIONS OF 50000 ROWS",
			match, strings.Join(where, " OR "), strings.Join(set, ", "))
		if err := s.autoCommit(ctx, cypher); err != nil {
			return fmt.Errorf("set empty lists of %s: %w", k.Label, err)
		}
	}
	return nil
}

// CreateSchema is the last step of FinishImport: load's constraints and
// indexes, waiting up to wait for them to come online.
func (s *Store) CreateSchema(ctx context.Context, wait time.Duration) error {
	return s.createSchema(ctx, wait)
}

// autoCommit runs a statement in an auto-commit transaction, which CALL …
// IN TRANSACTIONS needs.
func (s *Store) autoCommit(ctx context.Context, cypher string) error {
	sess := s.session(ctx)
	defer closeSession(ctx, sess)
	s.trips.Add(1)
	res, err := sess.Run(ctx, cypher, nil)
	if err != nil {
		return classify(err)
	}
	_, err = res.Consume(ctx)
	return classify(err)
}
