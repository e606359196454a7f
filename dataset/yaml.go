package dataset

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/policygraph/policygraph"
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

// yamlReader holds a decoded YAML file; curated files are small, so it
// decodes them whole and hands out records one by one.
type yamlReader struct {
	records  []*Record
	problems []*Problem
}

func newYAMLReader(path string, r io.Reader) (*yamlReader, error) {
	var doc yaml.Node
	yr := &yamlReader{}
	if err := yaml.NewDecoder(r).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return yr, nil // an empty file is an empty dataset
		}
		yr.problems = append(yr.problems, yamlProblem(path, Position{File: path, Line: 1}, "", err))
		return yr, nil
	}
	top := &doc
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = top.Content[0]
	}
	at := func(n *yaml.Node) Position { return Position{File: path, Line: n.Line, Column: n.Column} }
	if top.Kind != yaml.MappingNode {
		yr.problems = append(yr.problems, &Problem{Pos: at(top), Reason: "want a mapping of sources, entities and relationships"})
		return yr, nil
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
			rec, p := decodeYAMLRecord(path, key.Value, keys, item)
			if p != nil {
				yr.problems = append(yr.problems, p...)
			}
			if rec != nil {
				yr.records = append(yr.records, rec)
			}
		}
	}
	return yr, nil
}

func decodeYAMLRecord(path, section string, keys []string, n *yaml.Node) (*Record, []*Problem) {
	rec := &Record{Pos: Position{File: path, Line: n.Line, Column: n.Column}, fields: map[string]Position{}}
	if n.Kind != yaml.MappingNode {
		return nil, []*Problem{{Pos: rec.Pos, Reason: "want a mapping"}}
	}
	id := mappingValue(n, "id")
	if section == "relationships" {
		id = ""
	}
	var problems []*Problem
	collectFields(path, "", n, rec.fields)
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
		rec.Source = &policygraph.Source{}
		err = n.Decode(rec.Source)
	case "entities":
		rec.Entity = &policygraph.Entity{}
		err = n.Decode(rec.Entity)
	case "relationships":
		var r policygraph.Relationship
		err = n.Decode(&r)
		r.ID = policygraph.RelationshipID(r.From, r.Type, r.To, r.Key)
		rec.Relationship = &r
	}
	if err != nil {
		p := yamlProblem(path, rec.Pos, id, err)
		for f, at := range rec.fields {
			if at.Line == p.Pos.Line && !strings.Contains(f, "[") {
				p.Field, p.Pos = f, at
			}
		}
		return nil, append(problems, p)
	}
	return rec, problems
}

// collectFields records where each value of a mapping stands, by path.
func collectFields(path, prefix string, n *yaml.Node, into map[string]Position) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		name := prefix + n.Content[i].Value
		v := n.Content[i+1]
		into[name] = Position{File: path, Line: v.Line, Column: v.Column}
		if v.Kind == yaml.SequenceNode {
			for j, item := range v.Content {
				elem := fmt.Sprintf("%s[%d]", name, j)
				into[elem] = Position{File: path, Line: item.Line, Column: item.Column}
				if item.Kind == yaml.MappingNode {
					collectFields(path, elem+".", item, into)
				}
			}
		}
	}
}

func mappingNode(n *yaml.Node, key string) *yaml.Node {
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
	if len(yr.problems) > 0 {
		p := yr.problems[0]
		yr.problems = yr.problems[1:]
		return nil, p
	}
	if len(yr.records) == 0 {
		return nil, io.EOF
	}
	r := yr.records[0]
	yr.records = yr.records[1:]
	return r, nil
}

func (yr *yamlReader) Close() error { return nil }
