package dataset

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
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
// It walks the bytes once and allocates only for keys with escapes, so it
// costs little next to the decoding. It never panics on malformed input:
// what it cannot parse it leaves to the decoder's error.
func checkJSON(text []byte) *jsonFault {
	s := jsonScanner{b: text}
	s.value("")
	return s.fault
}

type jsonScanner struct {
	b     []byte
	i     int
	depth int // of objects: 1 the line's, whose key names the record's kind
	fault *jsonFault
}

func (s *jsonScanner) fail(off int, path, format string, args ...any) {
	if s.fault == nil {
		s.fault = &jsonFault{off: off, path: path, reason: fmt.Sprintf(format, args...)}
	}
}

func (s *jsonScanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// value scans one value at s.i whose field path is path.
func (s *jsonScanner) value(path string) {
	s.ws()
	if s.i >= len(s.b) || s.fault != nil {
		return
	}
	switch s.b[s.i] {
	case '{':
		s.object(path)
	case '[':
		s.i++
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
			s.value(fmt.Sprintf("%s[%d]", path, n))
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == ',' {
				s.i++
			} else if s.i == start {
				return // not JSON: leave it to the decoder
			}
		}
	case '"':
		s.str(path)
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

// object scans an object; keys are few, so a slice finds repeats faster
// than a map.
func (s *jsonScanner) object(path string) {
	s.i++ // {
	s.depth++
	defer func() { s.depth-- }()
	var keys []string
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
		key, ok := s.str(path)
		if !ok {
			return
		}
		field := key
		switch {
		case s.depth == 1:
			field = "" // the key names the record's kind, not a field of it
		case path != "":
			field = path + "." + key
		}
		for _, k := range keys {
			if k == key {
				s.fail(at, cmp.Or(field, key), "duplicate key %q in one object", key)
				return
			}
		}
		if !lowerASCII(key) {
			s.fail(at, cmp.Or(field, key), "unknown field (field names are lower-case ASCII)")
			return
		}
		keys = append(keys, key)
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return
		}
		s.i++
		s.value(field)
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == ',' {
			s.i++
		}
	}
}

func lowerASCII(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return k != ""
}

// str scans a string at s.i and returns its value, checking its UTF-8 and
// its escapes.
func (s *jsonScanner) str(path string) (string, bool) {
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
				return string(raw[1 : len(raw)-1]), true
			}
			var v string
			if json.Unmarshal(raw, &v) != nil {
				return "", false
			}
			return v, true
		case c == '\\':
			escaped = true
			if s.i+1 < len(s.b) && s.b[s.i+1] == 'u' {
				if !s.surrogate(path) {
					return "", false
				}
				continue
			}
			s.i += 2
		case c < utf8.RuneSelf:
			s.i++
		default:
			r, n := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && n == 1 {
				s.fail(s.i, path, "invalid UTF-8 (byte %#x): save the file as UTF-8", c)
				return "", false
			}
			s.i += n
		}
	}
	return "", false
}

// surrogate checks the \uXXXX escape at s.i and moves past it, and past
// the low half of a pair: a lone half cannot be UTF-8.
func (s *jsonScanner) surrogate(path string) bool {
	at := s.i
	r, ok := s.hex4()
	if !ok {
		return false
	}
	switch {
	case r >= 0xDC00 && r <= 0xDFFF:
		s.fail(at, path, "escaped UTF-16 surrogate %s without its pair", s.b[at:at+6])
		return false
	case r >= 0xD800 && r <= 0xDBFF:
		if s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
			if lo, ok := s.hex4(); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				return true
			}
		}
		s.fail(at, path, "escaped UTF-16 surrogate %s without its pair", s.b[at:at+6])
		return false
	}
	return true
}

// hex4 reads the escape \uXXXX at s.i.
func (s *jsonScanner) hex4() (rune, bool) {
	if s.i+6 > len(s.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s.b[s.i+2:s.i+6]), 16, 16)
	if err != nil {
		return 0, false
	}
	s.i += 6
	return rune(v), true
}
