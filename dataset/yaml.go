package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	pg "github.com/policygraph/policygraph"
)

// The keys a YAML record may have; anything else is a typo worth reporting.
var (
	sourceKeys = []string{"id", "title", "publisher", "published", "url"}
	entityKeys = []string{"id", "kind", "name", "aliases", "description", "type",
		"status", "date", "start", "end", "rate", "count", "evidence"}
	relKeys = []string{"type", "from", "to", "key", "role", "allegation", "rank",
		"count", "rate", "status", "date", "start", "end", "evidence"}
	evidenceKeys = []string{"source", "quote"}
)

// yamlReader reads a YAML file of at most MaxYAMLFile bytes: a stream of
// one or more documents ("---" between them), each a mapping of sources,
// entities and relationships. It decodes one document at a time and hands
// out its records one by one, turning each list item into a record only
// when it is asked for, so that a record read is dropped with its nodes.
type yamlReader struct {
	path     string
	dec      *yaml.Decoder // nil once the stream is done
	items    []yamlItem    // the current document's records yet to read
	problems []*Problem
}

// yamlItem is one list item of a section, not yet decoded.
type yamlItem struct {
	section string
	keys    []string
	node    *yaml.Node
}

func newYAMLReader(path string, r io.Reader) (*yamlReader, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxYAMLFile+1))
	if err != nil {
		return nil, err
	}
	yr := &yamlReader{path: path}
	if len(data) > MaxYAMLFile {
		line := yamlLineOf(data, MaxYAMLFile)
		yr.problems = append(yr.problems, &Problem{Pos: Position{File: path, Line: line},
			Reason: fmt.Sprintf("YAML file larger than %d bytes (8 MiB): split it into several files or use JSON Lines", MaxYAMLFile)})
		return yr, nil
	}
	if p := checkStart(path, data); p != nil {
		yr.problems = append(yr.problems, p)
		return yr, nil
	}
	data = bytes.TrimPrefix(data, bom)
	// yaml.v3 reports bytes that are not UTF-8 at line 1, wherever they are.
	if !utf8.Valid(data) {
		yr.problems = append(yr.problems, invalidUTF8(path, data))
		return yr, nil
	}
	yr.dec = yaml.NewDecoder(bytes.NewReader(data))
	return yr, nil
}

// invalidUTF8 places the first byte of data that is not UTF-8.
func invalidUTF8(path string, data []byte) *Problem {
	off := 0
	for off < len(data) {
		r, n := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		off += n
	}
	lineStart := bytes.LastIndexAny(data[:off], "\r\n") + 1
	return &Problem{
		Pos:    Position{File: path, Line: yamlLineOf(data, off), Column: 1 + utf8.RuneCount(data[lineStart:off])},
		Reason: fmt.Sprintf("invalid UTF-8 (byte %#x): save the file as UTF-8", data[off]),
	}
}

// yamlLineOf returns the line of the byte at off as YAML counts lines:
// "\r\n", "\r" and "\n" each end one.
func yamlLineOf(data []byte, off int) int {
	b := data[:off]
	return 1 + bytes.Count(b, []byte("\n")) + bytes.Count(b, []byte("\r")) - bytes.Count(b, []byte("\r\n"))
}

// document decodes the next document into items; false at the end of the
// stream or after an error that stops the parser.
func (yr *yamlReader) document() bool {
	if yr.dec == nil {
		return false
	}
	var doc yaml.Node
	if err := yr.dec.Decode(&doc); err != nil {
		yr.dec = nil
		if !errors.Is(err, io.EOF) { // io.EOF: the end, or an empty file
			yr.problems = append(yr.problems, yamlProblem(yr.path, Position{File: yr.path, Line: 1}, "", err))
		}
		return false
	}
	top := &doc
	if top.Kind == yaml.DocumentNode {
		if len(top.Content) == 0 {
			return true // an empty document between two "---"
		}
		top = top.Content[0]
	}
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return true // a document of nothing but comments
	}
	at := func(n *yaml.Node) Position { return Position{File: yr.path, Line: n.Line, Column: n.Column} }
	if top.Kind != yaml.MappingNode {
		yr.problems = append(yr.problems, &Problem{Pos: at(top), Reason: "want a mapping of sources, entities and relationships"})
		return true
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, list := top.Content[i], top.Content[i+1]
		var keys []string
		switch key.Value {
		case "sources":
			keys = sourceKeys
		case "entities":
			keys = entityKeys
		case "relationships":
			keys = relKeys
		default:
			yr.problems = append(yr.problems, &Problem{Pos: at(key), Field: key.Value,
				Reason: "unknown section (want sources, entities or relationships)"})
			continue
		}
		if list.Kind != yaml.SequenceNode {
			if list.Tag != "!!null" {
				yr.problems = append(yr.problems, &Problem{Pos: at(list), Field: key.Value, Reason: "want a list"})
			}
			continue
		}
		for _, item := range list.Content {
			yr.items = append(yr.items, yamlItem{section: key.Value, keys: keys, node: item})
		}
	}
	return true
}

func decodeYAMLRecord(path, section string, keys []string, n *yaml.Node) (*Record, []*Problem) {
	rec := &Record{Pos: Position{File: path, Line: n.Line, Column: n.Column}, node: n}
	if n.Kind != yaml.MappingNode {
		return nil, []*Problem{{Pos: rec.Pos, Reason: "want a mapping"}}
	}
	if size := yamlSize(n); size > MaxRecord {
		return nil, []*Problem{tooLong(rec.Pos, size)}
	}
	id := mappingValue(n, "id")
	if section == "relationships" {
		id = ""
	}
	var problems []*Problem
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !contains(keys, k.Value) {
			problems = append(problems, &Problem{Pos: rec.At(k.Value), ID: id, Field: k.Value, Reason: "unknown field"})
		}
	}
	if ev := mappingNode(n, "evidence"); ev != nil && ev.Kind == yaml.SequenceNode {
		for i, item := range ev.Content {
			for j := 0; item.Kind == yaml.MappingNode && j+1 < len(item.Content); j += 2 {
				if k := item.Content[j].Value; !contains(evidenceKeys, k) {
					f := fmt.Sprintf("evidence[%d].%s", i, k)
					problems = append(problems, &Problem{Pos: rec.At(f), ID: id, Field: f, Reason: "unknown field"})
				}
			}
		}
	}
	var err error
	switch section {
	case "sources":
		rec.Source = &pg.Source{}
		err = n.Decode(rec.Source)
	case "entities":
		rec.Entity = &pg.Entity{}
		err = n.Decode(rec.Entity)
	case "relationships":
		var r pg.Relationship
		err = n.Decode(&r)
		r.ID = pg.RelationshipID(r.From, r.Type, r.To, r.Key)
		rec.Relationship = &r
	}
	if err != nil {
		p := yamlProblem(path, rec.Pos, id, err)
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := n.Content[i+1]; v.Line == p.Pos.Line {
				p.Field, p.Pos = n.Content[i].Value, Position{File: path, Line: v.Line, Column: v.Column}
			}
		}
		return nil, append(problems, p)
	}
	return rec, problems
}

// yamlSize is the size of a record: the bytes of its keys and values.
func yamlSize(n *yaml.Node) int {
	size := len(n.Value)
	for _, c := range n.Content {
		size += yamlSize(c)
	}
	return size
}

// yamlAt finds the value of a field of a record by path, such as
// "evidence[1].quote", or nil.
func yamlAt(n *yaml.Node, path string) *yaml.Node {
	for part := range strings.SplitSeq(path, ".") {
		name, index, indexed := strings.Cut(part, "[")
		if n = mappingNode(n, name); n == nil {
			return nil
		}
		if indexed {
			i, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
			if err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		}
	}
	return n
}

func mappingNode(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func mappingValue(n *yaml.Node, key string) string {
	if v := mappingNode(n, key); v != nil {
		return v.Value
	}
	return ""
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// yamlProblem turns a YAML decoding error into a problem at the line it
// names; yaml.v3 reports type errors as text only.
func yamlProblem(path string, at Position, id string, err error) *Problem {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	p := &Problem{Pos: at, ID: id, Reason: msgs[0]}
	if m := yamlLine.FindStringSubmatch(msgs[0]); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.Pos = Position{File: path, Line: line}
		p.Reason = m[2]
	}
	return p
}

func (yr *yamlReader) Next() (*Record, error) {
	for {
		if len(yr.problems) > 0 {
			p := yr.problems[0]
			yr.problems[0] = nil
			yr.problems = yr.problems[1:]
			return nil, p
		}
		if len(yr.items) == 0 {
			if !yr.document() && len(yr.problems) == 0 {
				return nil, io.EOF
			}
			continue
		}
		it := yr.items[0]
		yr.items[0] = yamlItem{} // the nodes go with the record
		yr.items = yr.items[1:]
		rec, problems := decodeYAMLRecord(yr.path, it.section, it.keys, it.node)
		yr.problems = append(yr.problems, problems...)
		if rec != nil {
			return rec, nil
		}
	}
}

func (yr *yamlReader) Close() error { return nil }
