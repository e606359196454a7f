package dataset

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// jsonFault is what encoding/json accepts silently but would lose or alter:
// the offset in the line where it stands, the path of its field
// ("evidence[0].quote") and why.
type jsonFault struct {
	off    int
	path   string
	reason string
}

// checkJSON finds in a line that encoding/json has decoded what YAML refuses
// and encoding/json lets through: a key stated twice in one object (the
// last would win), a key that only case folding matches to a field ("Name"
// or "ſource" for "name" and "source"; every field is lower-case ASCII), a
// string byte that is not UTF-8 and an escaped UTF-16 surrogate without its
// pair (each would become U+FFFD). It returns the first found, or nil.
//
// It walks the bytes once and allocates little (keys with escapes, the
// path of a fault), so it costs little next to the decoding. It never
// panics, whatever the input: what it cannot parse it leaves to the
// decoder's error.
func checkJSON(text []byte) *jsonFault {
	s := jsonScanner{b: text}
	s.value()
	return s.fault
}

type jsonScanner struct {
	b     []byte
	i     int
	path  []pathElem // of the value being scanned, from the line's object
	fault *jsonFault
}

// pathElem is a key (index -1) or an index of the path to a value.
type pathElem struct {
	key   []byte
	index int
}

// fail records the first fault, naming the field by its path. The line's
// own key names the record's kind, not a field, and is left out unless it
// is the whole path.
func (s *jsonScanner) fail(off int, format string, args ...any) {
	if s.fault != nil {
		return
	}
	path := s.path
	if len(path) > 1 {
		path = path[1:]
	}
	var b strings.Builder
	for i, e := range path {
		switch {
		case e.index >= 0:
			fmt.Fprintf(&b, "[%d]", e.index)
		case i > 0:
			b.WriteByte('.')
			fallthrough
		default:
			b.Write(e.key)
		}
	}
	s.fault = &jsonFault{off: off, path: b.String(), reason: fmt.Sprintf(format, args...)}
}

func (s *jsonScanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// value scans one value at s.i.
func (s *jsonScanner) value() {
	s.ws()
	if s.i >= len(s.b) || s.fault != nil {
		return
	}
	switch s.b[s.i] {
	case '{':
		s.object()
	case '[':
		s.array()
	case '"':
		s.str()
	default:
		for s.i < len(s.b) && !isJSONDelim(s.b[s.i]) {
			s.i++
		}
	}
}

func isJSONDelim(c byte) bool {
	switch c {
	case ',', ']', '}', ':', ' ', '\t', '\n', '\r', '"', '{', '[':
		return true
	}
	return false
}

func (s *jsonScanner) array() {
	s.i++ // [
	for n := 0; s.fault == nil; n++ {
		s.ws()
		if s.i >= len(s.b) {
			return
		}
		if s.b[s.i] == ']' {
			s.i++
			return
		}
		start := s.i
		s.path = append(s.path, pathElem{index: n})
		s.value()
		s.path = s.path[:len(s.path)-1]
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == ',' {
			s.i++
		} else if s.i == start {
			return // not JSON: leave it to the decoder
		}
	}
}

// object scans an object. Its keys are few, so a slice finds a repeat
// faster than a map would.
func (s *jsonScanner) object() {
	s.i++ // {
	var buf [16][]byte
	keys := buf[:0]
	for s.fault == nil {
		s.ws()
		if s.i >= len(s.b) {
			return
		}
		if s.b[s.i] == '}' {
			s.i++
			return
		}
		if s.b[s.i] != '"' {
			return // not JSON: leave it to the decoder
		}
		at := s.i
		key, ok := s.str()
		if !ok {
			return
		}
		s.path = append(s.path, pathElem{key: key, index: -1})
		for _, k := range keys {
			if bytes.Equal(k, key) {
				s.fail(at, "duplicate key %q in one object", key)
				return
			}
		}
		if !lowerASCII(key) {
			s.fail(at, "unknown field (field names are lower-case ASCII)")
			return
		}
		keys = append(keys, key)
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return
		}
		s.i++
		s.value()
		s.path = s.path[:len(s.path)-1]
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == ',' {
			s.i++
		}
	}
}

func lowerASCII(k []byte) bool {
	for _, c := range k {
		if (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return len(k) > 0
}

// str scans a string at s.i, checking its UTF-8 and its escapes, and
// returns its value.
func (s *jsonScanner) str() ([]byte, bool) {
	start := s.i
	s.i++ // "
	escaped := false
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			raw := s.b[start:s.i]
			if !escaped {
				return raw[1 : len(raw)-1], true
			}
			var v string
			if json.Unmarshal(raw, &v) != nil {
				return nil, false
			}
			return []byte(v), true
		case c == '\\':
			escaped = true
			if s.i+1 < len(s.b) && s.b[s.i+1] == 'u' {
				if !s.escape() {
					return nil, false
				}
				continue
			}
			s.i += 2
		case c < utf8.RuneSelf:
			s.i++
		default:
			r, n := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && n == 1 {
				s.fail(s.i, "invalid UTF-8 (byte %#x): save the file as UTF-8", c)
				return nil, false
			}
			s.i += n
		}
	}
	return nil, false
}

// escape checks the \uXXXX escape at s.i and moves past it, and past the
// low half of a surrogate pair: a lone half cannot be UTF-8.
func (s *jsonScanner) escape() bool {
	at := s.i
	r, ok := s.hex4()
	if !ok {
		return false
	}
	switch {
	case r >= 0xDC00 && r <= 0xDFFF:
		s.fail(at, "escaped UTF-16 surrogate %s without its pair", s.b[at:at+6])
		return false
	case r >= 0xD800 && r <= 0xDBFF:
		if s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
			if lo, ok := s.hex4(); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				return true
			}
		}
		s.fail(at, "escaped UTF-16 surrogate %s without its pair", s.b[at:at+6])
		return false
	}
	return true
}

// hex4 reads the escape \uXXXX at s.i.
func (s *jsonScanner) hex4() (rune, bool) {
	if s.i+6 > len(s.b) {
		return 0, false
	}
	var v rune
	for _, c := range s.b[s.i+2 : s.i+6] {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	s.i += 6
	return v, true
}
