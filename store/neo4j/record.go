package neo4j

import (
	"context"
	"fmt"

	neo4jdrv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	pg "github.com/policygraph/policygraph"
)

// decoder reads the values of query results as the types a statement
// promises. The first value of another shape (a server or statement that
// answers otherwise than expected) is kept as the error, and reads after it
// return zero values, so that a decoder reads on and checks err once: an
// unexpected answer is an error of the call, never a panic.
type decoder struct{ err error }

func (d *decoder) fail(what string, v any, want string) {
	if d.err == nil {
		d.err = fmt.Errorf("unexpected result: %s is %T, want %s", what, v, want)
	}
}

// int reads an integer.
func (d *decoder) int(v any, what string) int {
	n, ok := v.(int64)
	if !ok {
		d.fail(what, v, "an integer")
	}
	return int(n)
}

// bool reads a boolean.
func (d *decoder) bool(v any, what string) bool {
	b, ok := v.(bool)
	if !ok {
		d.fail(what, v, "a boolean")
	}
	return b
}

// str reads a string.
func (d *decoder) str(v any, what string) string {
	x, ok := v.(string)
	if !ok {
		d.fail(what, v, "a string")
	}
	return x
}

// list reads a list.
func (d *decoder) list(v any, what string) []any {
	l, ok := v.([]any)
	if !ok {
		d.fail(what, v, "a list")
	}
	return l
}

// fields reads a map.
func (d *decoder) fields(v any, what string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		d.fail(what, v, "a map")
	}
	return m
}

// at reads item i of a list that must be as long as another.
func (d *decoder) at(l []any, i int, what string) any {
	if i >= len(l) {
		d.fail(fmt.Sprintf("%s[%d]", what, i), nil, fmt.Sprintf("one of %d items", i+1))
		return nil
	}
	return l[i]
}

// entity reads an entity that must be there.
func (d *decoder) entity(v any, what string) *pg.Entity {
	e := decodeEntity(v)
	if e == nil {
		d.fail(what, v, "an entity map")
		return &pg.Entity{}
	}
	return e
}

// relationship reads a relationship that must be there.
func (d *decoder) relationship(v any, what string) pg.Relationship {
	r := decodeRelationship(v)
	if r == nil {
		d.fail(what, v, "a relationship map")
		return pg.Relationship{}
	}
	return *r
}

// closeSession ends a session when its work is done. Its error says
// nothing the work did not: a session's transactions have committed or
// rolled back by then, and a connection that broke is the pool's to drop.
func closeSession(ctx context.Context, sess neo4jdrv.SessionWithContext) {
	_ = sess.Close(context.WithoutCancel(ctx))
}
