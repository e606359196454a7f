package dataset

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"

	pg "github.com/policygraph/policygraph"
)

// jsonRecord is one line of a JSON Lines file.
type jsonRecord struct {
	Source       *pg.Source       `json:"source,omitempty"`
	Entity       *pg.Entity       `json:"entity,omitempty"`
	Relationship *pg.Relationship `json:"relationship,omitempty"`
}

// jsonlReader streams a JSON Lines file a line at a time, holding at most
// one line of MaxRecord bytes.
type jsonlReader struct {
	path string
	f    io.ReadCloser
	br   *bufio.Reader
	line int
}

func newJSONLReader(path string, f io.ReadCloser) *jsonlReader {
	// Room for a line of MaxRecord bytes and its "\r\n": a longer line
	// fills the buffer and is skipped rather than gathered.
	return &jsonlReader{path: path, f: f, br: bufio.NewReaderSize(f, MaxRecord+2)}
}

func (jr *jsonlReader) Next() (*Record, error) {
	for {
		text, err := jr.br.ReadSlice('\n')
		if len(text) == 0 && err != nil {
			return nil, err // io.EOF at the end
		}
		jr.line++
		if errors.Is(err, bufio.ErrBufferFull) {
			n, err := jr.skipLine(len(text))
			if err != nil {
				return nil, err
			}
			return nil, tooLong(Position{File: jr.path, Line: jr.line}, n)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if jr.line == 1 {
			if p := checkStart(jr.path, text); p != nil {
				return nil, p
			}
			text = bytes.TrimPrefix(text, bom)
		}
		if n := len(bytes.TrimRight(text, "\r\n")); n > MaxRecord {
			return nil, tooLong(Position{File: jr.path, Line: jr.line}, n)
		}
		text = bytes.TrimSpace(text)
		if len(text) == 0 {
			continue
		}
		// The buffer is reused by the next read; the record keeps its line.
		return decodeJSONLine(jr.path, jr.line, bytes.Clone(text))
	}
}

// skipLine reads past the rest of a line too long for the buffer, of which
// n bytes were read, and returns its length without the newline.
func (jr *jsonlReader) skipLine(n int) (int, error) {
	for {
		more, err := jr.br.ReadSlice('\n')
		n += len(more)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			return n, nil
		case err != nil:
			return n, err
		}
		return n - len(more) + len(bytes.TrimRight(more, "\r\n")), nil
	}
}

func (jr *jsonlReader) Close() error { return jr.f.Close() }

var jsonUnknownField = regexp.MustCompile(`unknown field "([^"]+)"`)

func decodeJSONLine(path string, line int, text []byte) (*Record, error) {
	pos := Position{File: path, Line: line}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	var jr jsonRecord
	if err := dec.Decode(&jr); err != nil {
		p := &Problem{Pos: pos, ID: lenientID(text), Reason: err.Error()}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			p.Pos.Column = int(se.Offset)
			p.Reason = "invalid JSON: " + se.Error()
		case errors.As(err, &te):
			p.Pos.Column = int(te.Offset)
			p.Field = te.Field
			p.Reason = fmt.Sprintf("want %s, not JSON %s", te.Type, te.Value)
		case errors.Is(err, io.ErrUnexpectedEOF):
			p.Reason = "invalid JSON: the line ends inside an object"
		default:
			if m := jsonUnknownField.FindStringSubmatch(err.Error()); m != nil {
				p.Field, p.Reason = m[1], "unknown field"
				p.Pos.Column = column(text, m[1])
			}
		}
		return nil, p
	}
	if dec.More() {
		return nil, &Problem{Pos: pos, Reason: "want one JSON object a line"}
	}
	if f := checkJSON(text); f != nil {
		return nil, &Problem{Pos: Position{File: path, Line: line, Column: f.off + 1}, ID: lenientID(text),
			Field: f.path, Reason: f.reason}
	}
	rec := &Record{Pos: pos, Source: jr.Source, Entity: jr.Entity, Relationship: jr.Relationship}
	n := 0
	for _, set := range []bool{jr.Source != nil, jr.Entity != nil, jr.Relationship != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, &Problem{Pos: pos, Reason: `want exactly one of "source", "entity" or "relationship"`}
	}
	if r := jr.Relationship; r != nil {
		if r.ID != "" && r.ID != pg.RelationshipID(r.From, r.Type, r.To, r.Key) {
			return nil, &Problem{Pos: pos, ID: r.ID, Field: "id",
				Reason: "a relationship's id is derived from from, type, to and key; leave it out"}
		}
		r.ID = pg.RelationshipID(r.From, r.Type, r.To, r.Key)
	}
	rec.line = text // field positions are found only when a problem needs one
	return rec, nil
}

// lenientID digs the record's ID out of a line that does not decode, so
// that the problem can name it.
func lenientID(text []byte) string {
	var m map[string]struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(text, &m) != nil {
		return ""
	}
	for _, v := range m {
		return v.ID
	}
	return ""
}

// column finds where a key's value stands in a JSON line, or 0.
func column(text []byte, key string) int {
	i := bytes.Index(text, []byte(`"`+key+`"`))
	if i < 0 {
		return 0
	}
	return i + 1
}

// Writer writes records as JSON Lines.
type Writer struct {
	enc *json.Encoder
}

// NewWriter returns a Writer to w; buffer w for speed.
func NewWriter(w io.Writer) *Writer {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &Writer{enc: enc}
}

// Source writes a source line.
func (w *Writer) Source(s *pg.Source) error { return w.enc.Encode(jsonRecord{Source: s}) }

// Entity writes an entity line.
func (w *Writer) Entity(e *pg.Entity) error { return w.enc.Encode(jsonRecord{Entity: e}) }

// Relationship writes a relationship line; its derived ID is left out.
func (w *Writer) Relationship(r *pg.Relationship) error {
	c := *r
	c.ID = ""
	return w.enc.Encode(jsonRecord{Relationship: &c})
}
