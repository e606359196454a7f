package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// xmlWriter writes an indented XML document element by element, keeping
// the first error. It escapes no more than XML needs, so that quotes and
// apostrophes in names and evidence stay readable in the file:
//
//   - text: & < > and carriage returns;
//   - attribute values: & < " and tabs, newlines and carriage returns,
//     which attribute-value normalization would otherwise turn into spaces.
//
// Characters that XML 1.0 cannot hold at all (most control characters,
// unpaired surrogates, U+FFFE, U+FFFF) and invalid UTF-8 become U+FFFD.
type xmlWriter struct {
	w   *bufio.Writer
	err error
}

func newXMLWriter(w io.Writer) *xmlWriter {
	x := &xmlWriter{w: bufio.NewWriter(w)}
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	return x
}

// raw writes s as it is.
func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// start writes an indented start tag with attributes given as name, value
// pairs; it is empty ("<a/>") when empty is set.
func (x *xmlWriter) start(depth int, name string, empty bool, attrs ...string) {
	x.raw(strings.Repeat("  ", depth) + "<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.raw(" " + attrs[i] + `="` + escapeAttr(attrs[i+1]) + `"`)
	}
	if empty {
		x.raw("/>\n")
	} else {
		x.raw(">\n")
	}
}

// end writes an indented end tag.
func (x *xmlWriter) end(depth int, name string) {
	x.raw(strings.Repeat("  ", depth) + "</" + name + ">\n")
}

// text writes an element holding only text, on one line.
func (x *xmlWriter) text(depth int, name, text string, attrs ...string) {
	x.raw(strings.Repeat("  ", depth) + "<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.raw(" " + attrs[i] + `="` + escapeAttr(attrs[i+1]) + `"`)
	}
	x.raw(">" + escapeText(text) + "</" + name + ">\n")
}

// flush writes out what is buffered and returns the first error.
func (x *xmlWriter) flush() error {
	if x.err == nil {
		x.err = x.w.Flush()
	}
	if x.err != nil {
		return fmt.Errorf("write xml: %w", x.err)
	}
	return nil
}

func escapeText(s string) string { return escapeXML(s, false) }
func escapeAttr(s string) string { return escapeXML(s, true) }

func escapeXML(s string, attr bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>' && !attr:
			b.WriteString("&gt;") // needed only in "]]>", but plainer always
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\n' && attr:
			b.WriteString("&#xA;")
		case r == '\t' && attr:
			b.WriteString("&#x9;")
		case !xmlChar(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xmlChar reports whether XML 1.0 allows r in a document. Invalid UTF-8
// reaches here already decoded as U+FFFD, which it allows.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
