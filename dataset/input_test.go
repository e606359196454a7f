package dataset_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/dataset"
)

// TestInputIsNotLostOrAltered checks that YAML and JSON Lines accept and
// refuse the same things: nothing a file states is dropped, and nothing is
// changed on the way in (a repeated key, bytes that are not UTF-8, a lone
// surrogate), each refusal at file:line:col with the record and field.
func TestInputIsNotLostOrAltered(t *testing.T) {
	long := strings.Repeat("a", dataset.MaxRecord)
	tests := []struct {
		name string
		file string
		data string
		want []string // problems, or nil for a valid file
		sum  int      // sources + entities when valid
	}{
		{
			name: "yaml: every document of a stream is read",
			file: "d.yaml",
			data: "sources:\n  - {id: source/a, title: A}\n---\nsources:\n  - {id: source/b, title: B}\n---\n# an empty document\n---\nentities:\n  - {id: person/x, kind: Person, name: X, evidence: [{source: source/b, quote: q}]}\n",
			sum:  3,
		},
		{
			name: "yaml: a problem in a later document is found",
			file: "d.yaml",
			data: "sources:\n  - {id: source/a, title: A}\n---\nsources:\n  - {id: source/a, title: A}\n  - {id: bad, title: B}\n",
			want: []string{
				"d.yaml:5:10: source/a: id: duplicate id: already defined in this file",
				"d.yaml:6:10: bad: id: malformed id \"bad\" (want source/<lower-case-words-joined-by-hyphens>)",
			},
		},
		{
			name: "yaml: a document that is not a mapping",
			file: "d.yaml",
			data: "sources: []\n---\n- a\n",
			want: []string{"d.yaml:3:1: want a mapping of sources, entities and relationships"},
		},
		{
			name: "yaml: duplicate key",
			file: "d.yaml",
			data: "sources:\n  - id: source/a\n    title: A\n    title: B\n",
			want: []string{"d.yaml:4:12: source/a: title: mapping key \"title\" already defined at line 3"},
		},
		{
			name: "jsonl: duplicate key",
			file: "d.jsonl",
			data: `{"source": {"id": "source/a", "title": "A", "title": "B"}}` + "\n",
			want: []string{"d.jsonl:1:45: source/a: title: duplicate key \"title\" in one object"},
		},
		{
			name: "jsonl: duplicate key in evidence",
			file: "d.jsonl",
			data: `{"source": {"id": "source/a", "title": "A"}}` + "\n" +
				`{"entity": {"id": "person/x", "kind": "Person", "name": "X", "evidence": [{"source": "source/a", "quote": "q", "quote": "r"}]}}` + "\n",
			want: []string{"d.jsonl:2:112: person/x: evidence[0].quote: duplicate key \"quote\" in one object"},
		},
		{
			name: "jsonl: duplicate record key",
			file: "d.jsonl",
			data: `{"source": {"id": "source/a", "title": "A"}, "source": {"id": "source/b", "title": "B"}}` + "\n",
			want: []string{"d.jsonl:1:46: source/b: source: duplicate key \"source\" in one object"},
		},
		{
			name: "jsonl: a key that matches a field only by case",
			file: "d.jsonl",
			data: `{"source": {"id": "source/a", "Title": "A"}}` + "\n" + `{"source": {"id": "source/b", "title": "B", "\u017Fitle": "C"}}` + "\n",
			want: []string{
				"d.jsonl:1:31: source/a: Title: unknown field (field names are lower-case ASCII)",
				"d.jsonl:2: source/b: \u017Fitle: unknown field",
			},
		},
		{
			name: "yaml: a key that matches a field only by case",
			file: "d.yaml",
			data: "sources:\n  - {id: source/a, Title: A}\n",
			want: []string{
				"d.yaml:2:5: source/a: title: missing",
				"d.yaml:2:27: source/a: Title: unknown field",
			},
		},
		{
			name: "yaml: invalid UTF-8",
			file: "d.yaml",
			data: "sources:\n  - id: source/a\n    title: M\xe9xico\n",
			want: []string{"d.yaml:3:13: invalid UTF-8 (byte 0xe9): save the file as UTF-8"},
		},
		{
			name: "yaml: invalid UTF-8 in a file of old Mac line breaks",
			file: "d.yaml",
			data: "sources:\r  - id: source/a\r\n    title: M\xe9xico\r",
			want: []string{"d.yaml:3:13: invalid UTF-8 (byte 0xe9): save the file as UTF-8"},
		},
		{
			name: "jsonl: invalid UTF-8",
			file: "d.jsonl",
			data: `{"source": {"id": "source/a", "title": "A"}}` + "\n" + "{\"source\": {\"id\": \"source/b\", \"title\": \"M\xe9xico\"}}\n",
			want: []string{"d.jsonl:2:42: source/b: title: invalid UTF-8 (byte 0xe9): save the file as UTF-8"},
		},
		{
			name: "yaml: escaped lone surrogate",
			file: "d.yaml",
			data: "sources:\n  - id: source/a\n    title: \"\\ud800\"\n",
			want: []string{"d.yaml:3: found invalid Unicode character escape code"},
		},
		{
			name: "jsonl: escaped lone surrogate",
			file: "d.jsonl",
			data: `{"source": {"id": "source/a", "title": "x\ud800y"}}` + "\n" + `{"source": {"id": "source/b", "title": "\udc00"}}` + "\n" +
				`{"source": {"id": "source/c", "title": "\ud83d\ude00 ok"}}` + "\n",
			want: []string{
				"d.jsonl:1:42: source/a: title: escaped UTF-16 surrogate \\ud800 without its pair",
				"d.jsonl:2:41: source/b: title: escaped UTF-16 surrogate \\udc00 without its pair",
			},
		},
		{
			name: "yaml: byte-order mark",
			file: "d.yaml",
			data: "\xef\xbb\xbfsources:\n  - {id: source/a, title: A}\n",
			sum:  1,
		},
		{
			name: "jsonl: byte-order mark",
			file: "d.jsonl",
			data: "\xef\xbb\xbf" + `{"source": {"id": "source/a", "title": "A"}}` + "\n",
			sum:  1,
		},
		{
			name: "yaml: UTF-16",
			file: "d.yaml",
			data: "\xff\xfes\x00o\x00",
			want: []string{"d.yaml:1:1: the file is UTF-16 (byte-order mark FF FE): save it as UTF-8"},
		},
		{
			name: "jsonl: UTF-16",
			file: "d.jsonl",
			data: "\xff\xfe{\x00",
			want: []string{"d.jsonl:1:1: the file is UTF-16 (byte-order mark FF FE): save it as UTF-8"},
		},
		{
			name: "jsonl: a record at the limit",
			file: "d.jsonl",
			data: `{"source": {"id": "source/a", "title": "` + long[:dataset.MaxRecord-43] + `"}}` + "\r\n",
			sum:  1,
		},
		{
			name: "jsonl: a record over the limit, and the next line still read",
			file: "d.jsonl",
			data: `{"source": {"id": "source/a", "title": "` + long[:dataset.MaxRecord-42] + `"}}` + "\n" +
				`{"source": {"id": "source/b", "title": "` + long + long + `"}}` + "\n" +
				`{"source": {"id": "source/c", "title": "C"}}` + "\n" +
				`{"source": {"id": "source/d", "title": "` + long + `"}}`,
			want: []string{
				"d.jsonl:1: record of 1048577 bytes is too large (at most 1048576 bytes, 1 MiB): shorten its text or split it",
				"d.jsonl:2: record of 2097195 bytes is too large (at most 1048576 bytes, 1 MiB): shorten its text or split it",
				"d.jsonl:4: record of 1048619 bytes is too large (at most 1048576 bytes, 1 MiB): shorten its text or split it",
			},
		},
		{
			name: "yaml: a record over the limit",
			file: "d.yaml",
			data: "sources:\n  - id: source/a\n    title: " + long + "\n  - {id: source/b, title: B}\n",
			want: []string{"d.yaml:2:5: record of 1048591 bytes is too large (at most 1048576 bytes, 1 MiB): shorten its text or split it"},
		},
		{
			name: "yaml: a file over the limit",
			file: "d.yaml",
			data: "sources:\n" + strings.Repeat("  - {id: source/a, title: "+long[:1000]+"}\n", dataset.MaxYAMLFile/1000),
			want: []string{"d.yaml:8162: YAML file larger than 8388608 bytes (8 MiB): split it into several files or use JSON Lines"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.file)
			if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			sum, err := dataset.Check(context.Background(), dataset.Paths(path), dataset.Options{})
			var got []string
			var ps *dataset.Problems
			switch {
			case errors.As(err, &ps):
				for _, p := range ps.List {
					got = append(got, strings.TrimPrefix(p.Error(), dir+string(filepath.Separator)))
				}
			case err != nil:
				t.Fatalf("Check: unexpected error %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got  %q\n want %q", got, tt.want)
			}
			if n := sum.Sources + sum.Entities["Person"]; err == nil && n != tt.sum {
				t.Errorf("got %d sources and entities, want %d", n, tt.sum)
			}
		})
	}
}
