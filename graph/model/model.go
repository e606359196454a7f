// Package model holds the Go types that the GraphQL schema binds to, besides
// those of package policygraph: the four kinds of [Entity], connection edges,
// and the marshalers that spell the vocabulary's enums the GraphQL way.
// gqlgen writes the rest of the package (models_gen.go).
package model

import pg "github.com/policygraph/policygraph"

// Entity is a person, organization, country or policy: the GraphQL Entity
// interface. Each kind has its own Go type so that gqlgen can tell the
// concrete GraphQL type apart.
type Entity interface {
	Unwrap() *pg.Entity
}

// Person, Organization, Country and Policy wrap an entity of their kind.
type (
	Person       struct{ *pg.Entity }
	Organization struct{ *pg.Entity }
	Country      struct{ *pg.Entity }
	Policy       struct{ *pg.Entity }
)

// Unwrap returns the wrapped entity.
func (e Person) Unwrap() *pg.Entity       { return e.Entity }
func (e Organization) Unwrap() *pg.Entity { return e.Entity }
func (e Country) Unwrap() *pg.Entity      { return e.Entity }
func (e Policy) Unwrap() *pg.Entity       { return e.Entity }

// Wrap returns e as the GraphQL type of its kind, or nil for a nil e or an
// unknown kind.
func Wrap(e *pg.Entity) Entity {
	if e == nil {
		return nil
	}
	switch e.Kind {
	case pg.Person:
		return Person{e}
	case pg.Organization:
		return Organization{e}
	case pg.Country:
		return Country{e}
	case pg.Policy:
		return Policy{e}
	}
	return nil
}

// RelationshipEdge is a relationship seen from one of its endpoints.
type RelationshipEdge struct {
	Cursor       string
	Relationship *pg.Relationship
	Direction    pg.Direction // OUT when the relationship starts at the entity asked about
	Other        string       // the ID of the other endpoint
}

// EntityEdge is an entity of a page, loaded by ID when asked for.
type EntityEdge struct {
	Cursor string
	ID     string
}

// SearchEdge is one search hit.
type SearchEdge struct {
	Cursor string
	Node   Entity
	Score  int
}
