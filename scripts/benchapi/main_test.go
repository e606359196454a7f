package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestIDs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  string
		paths []string
		want  []string
	}{
		{"nested lists in order", `{"e": {"id": "a", "rs": {"totalCount": 2, "edges": [{"node": {"id": "b"}}, {"node": {"id": "c"}}]}}}`,
			[]string{"e.id", "e.rs.totalCount", "e.rs.edges.*.node.id"}, []string{"0:a", "1:2", "2:b", "2:c"}},
		{"a null result gives nothing", `{"shortestPath": null}`,
			[]string{"shortestPath.length", "shortestPath.nodes.*.id"}, nil},
		{"lists under lists", `{"p": [{"id": "x", "r": [{"id": 1}, {"id": 2}]}, {"id": "y", "r": []}]}`,
			[]string{"p.*.id", "p.*.r.*.id"}, []string{"0:x", "0:y", "1:1", "1:2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(decode(t, tc.data), tc.paths); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// The check compares JSON numbers (ours, the peer) with the driver's
// int64 (the floor) by value, and fails on another order.
func TestCompare(t *testing.T) {
	sc := scenario{name: "s", oursIDs: []string{"total", "l.*.id"}, peerIDs: []string{"p.n", "p.ids.*"}}
	answer := func(name string, v any) system {
		return system{name, func(context.Context, scenario, vars) (any, error) { return v, nil }}
	}
	ours := answer("ours", decode(t, `{"total": 2, "l": [{"id": "a"}, {"id": "b"}]}`))
	floor := answer("floor", map[string]any{"total": int64(2), "l": []any{map[string]any{"id": "a"}, map[string]any{"id": "b"}}})
	for _, tc := range []struct {
		name, peer, err string
	}{
		{"same IDs", `{"p": {"n": 2, "ids": ["a", "b"]}}`, ""},
		{"other order", `{"p": {"n": 2, "ids": ["b", "a"]}}`, "peer returns other IDs than ours"},
		{"other total", `{"p": {"n": 3, "ids": ["a", "b"]}}`, "peer returns other IDs than ours"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := compare(context.Background(), sc, []system{ours, floor, answer("peer", decode(t, tc.peer))}, []vars{{}})
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("got %v, want %q", err, tc.err)
			}
		})
	}
}
