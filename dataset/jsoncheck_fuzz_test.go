package dataset

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckJSON checks checkJSON against a plain reference on any JSON that
// encoding/json accepts: it finds a fault exactly when the text has a
// repeated key in an object (found here with the decoder's tokens), a key
// that is not lower-case ASCII, a byte that is not UTF-8, or an escaped
// surrogate outside a pair; and it never panics on any input.
func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{
		`{"source": {"id": "source/a", "title": "A"}}`,
		`{"a": 1, "a": 2}`, `{"a": {"b": [{"c": 1, "c": 2}]}}`, `{"a": 1, "\u0061": 2}`,
		`{"Name": 1}`, `{"\u017fource": 1}`, `{"a_b": [1, "x", null, true, {"": 0}]}`,
		"{\"a\": \"M\xe9xico\"}", `{"a": "\ud800"}`, `{"a": "\udc00\ud800"}`, `{"a": "\ud83d\ude00"}`,
		`{"a": "\ud83d\u0041"}`, `{"a": "\\ud800"}`, `["\"", "\\"]`, `{"a": "\u00e9\uFFFD"}`,
		`{"a" 1}`, `{"a": [1,,]}`, `[`, `"\u12`, "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		fault := checkJSON(text)
		if !json.Valid(text) {
			return
		}
		want := referenceFault(text)
		if (fault != nil) != (want != "") {
			t.Fatalf("checkJSON(%q) = %+v, reference says %q", text, fault, want)
		}
		if fault != nil && (fault.off < 0 || fault.off >= len(text) || fault.reason == "") {
			t.Fatalf("checkJSON(%q) = %+v: not placed in the text", text, fault)
		}
	})
}

var loneSurrogate = regexp.MustCompile(`(?i)\\u(d[89ab][0-9a-f]{2})(\\u(d[c-f][0-9a-f]{2}))?|\\u(d[c-f][0-9a-f]{2})`)

// referenceFault says what is wrong with valid JSON text, or "".
func referenceFault(text []byte) string {
	if !utf8.Valid(text) {
		return "not UTF-8"
	}
	// Escapes are matched in the raw text, with escaped backslashes taken
	// out first so that "\\ud800" is not read as an escape.
	raw := strings.ReplaceAll(string(text), `\\`, "")
	for _, m := range loneSurrogate.FindAllStringSubmatch(raw, -1) {
		if m[4] != "" || m[2] == "" {
			return "lone surrogate"
		}
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	type frame struct {
		object bool
		keys   map[string]bool
		isKey  bool // the next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if s, ok := tok.(string); ok && top != nil && top.object && top.isKey {
			if top.keys[s] {
				return "repeated key"
			}
			for _, c := range s {
				if (c < 'a' || c > 'z') && c != '_' {
					return "key not lower-case ASCII"
				}
			}
			if s == "" {
				return "empty key"
			}
			top.keys[s] = true
			top.isKey = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, isKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value ended: in an object the next string is a key again.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].isKey = true
		}
	}
}
