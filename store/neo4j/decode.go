package neo4j

import (
	pg "github.com/policygraph/policygraph"
)

// Queries return nodes as n {.*} maps and relationships as
// r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}; these
// turn them into domain values.

// relProjection is the map projection that decodeRelationship reads.
const relProjection = "{.*, type: type(%[1]s), from: startNode(%[1]s).id, to: endNode(%[1]s).id}"

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func strs(m map[string]any, k string) []string {
	l, _ := m[k].([]any)
	if len(l) == 0 {
		return nil
	}
	out := make([]string, len(l))
	for i, v := range l {
		out[i], _ = v.(string)
	}
	return out
}

func float(m map[string]any, k string) *float64 {
	switch v := m[k].(type) {
	case float64:
		return &v
	case int64:
		f := float64(v)
		return &f
	}
	return nil
}

func integer(m map[string]any, k string) *int64 {
	switch v := m[k].(type) {
	case int64:
		return &v
	case float64:
		i := int64(v)
		return &i
	}
	return nil
}

func evidence(m map[string]any) []pg.Evidence {
	srcs, quotes := strs(m, "evidenceSources"), strs(m, "evidenceQuotes")
	if len(srcs) == 0 {
		return nil
	}
	evs := make([]pg.Evidence, len(srcs))
	for i := range srcs {
		evs[i] = pg.Evidence{Source: srcs[i]}
		if i < len(quotes) {
			evs[i].Quote = quotes[i]
		}
	}
	return evs
}

func decodeEntity(v any) *pg.Entity {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	return &pg.Entity{
		ID: str(m, "id"), Kind: pg.Kind(str(m, "kind")), Name: str(m, "name"),
		Aliases: strs(m, "aliases"), Description: str(m, "description"), Type: str(m, "type"),
		Status: str(m, "status"), Date: pg.Date(str(m, "date")), Start: pg.Date(str(m, "start")),
		End: pg.Date(str(m, "end")), Rate: float(m, "rate"), Count: integer(m, "count"),
		Evidence: evidence(m),
	}
}

func decodeSource(v any) *pg.Source {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	return &pg.Source{ID: str(m, "id"), Title: str(m, "title"), Publisher: str(m, "publisher"),
		Published: pg.Date(str(m, "published")), URL: str(m, "url")}
}

func decodeRelationship(v any) *pg.Relationship {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	return &pg.Relationship{
		ID: str(m, "id"), Type: pg.RelType(str(m, "type")), From: str(m, "from"), To: str(m, "to"),
		Key: str(m, "key"), Role: str(m, "role"), Allegation: str(m, "allegation"),
		Rank: integer(m, "rank"), Count: integer(m, "count"), Rate: float(m, "rate"),
		Status: str(m, "status"), Date: pg.Date(str(m, "date")), Start: pg.Date(str(m, "start")),
		End: pg.Date(str(m, "end")), Evidence: evidence(m),
	}
}
