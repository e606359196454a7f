package model

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph/apierror"
)

// The schema's enums and the Date scalar bind to the vocabulary's own Go
// types through these marshalers, so resolvers handle domain values only.
// GraphQL spells the lower-case vocabulary values in upper case
// (think_tank → THINK_TANK) and kinds too (Person → PERSON). Values that
// are empty in the domain (an unset status or date) marshal as null.

// MarshalEntityKind writes a kind as its enum value.
func MarshalEntityKind(k pg.Kind) graphql.Marshaler {
	return enumValue(strings.ToUpper(string(k)))
}

// UnmarshalEntityKind reads an EntityKind value.
func UnmarshalEntityKind(v any) (pg.Kind, error) {
	s, err := enumInput("EntityKind", v)
	for _, k := range pg.Kinds {
		if strings.ToUpper(string(k)) == s {
			return k, nil
		}
	}
	return "", badEnum("EntityKind", s, err)
}

// MarshalRelationshipType writes a relationship type, spelt alike in Go and
// GraphQL.
func MarshalRelationshipType(t pg.RelType) graphql.Marshaler {
	return enumValue(string(t))
}

// UnmarshalRelationshipType reads a RelationshipType value.
func UnmarshalRelationshipType(v any) (pg.RelType, error) {
	s, err := enumInput("RelationshipType", v)
	if _, ok := pg.Spec(pg.RelType(s)); !ok || err != nil {
		return "", badEnum("RelationshipType", s, err)
	}
	return pg.RelType(s), nil
}

// MarshalDirection writes a direction, spelt alike in Go and GraphQL.
func MarshalDirection(d pg.Direction) graphql.Marshaler {
	return enumValue(string(d))
}

// UnmarshalDirection reads a Direction value.
func UnmarshalDirection(v any) (pg.Direction, error) {
	s, err := enumInput("Direction", v)
	switch d := pg.Direction(s); d {
	case pg.Out, pg.In, pg.Both:
		return d, nil
	}
	return "", badEnum("Direction", s, err)
}

// MarshalOrganizationType writes an organization type in upper case.
func MarshalOrganizationType(s string) graphql.Marshaler { return enumValue(strings.ToUpper(s)) }

// UnmarshalOrganizationType reads an OrganizationType as its vocabulary
// value.
func UnmarshalOrganizationType(v any) (string, error) {
	return lowerEnum("OrganizationType", pg.OrganizationTypes, v)
}

// MarshalPolicyType writes a policy type in upper case.
func MarshalPolicyType(s string) graphql.Marshaler { return enumValue(strings.ToUpper(s)) }

// UnmarshalPolicyType reads a PolicyType as its vocabulary value.
func UnmarshalPolicyType(v any) (string, error) {
	return lowerEnum("PolicyType", pg.PolicyTypes, v)
}

// MarshalStatus writes a status in upper case.
func MarshalStatus(s string) graphql.Marshaler { return enumValue(strings.ToUpper(s)) }

// UnmarshalStatus reads a Status as its vocabulary value.
func UnmarshalStatus(v any) (string, error) {
	return lowerEnum("Status", pg.Statuses, v)
}

// MarshalDate writes a date, null when unset.
func MarshalDate(d pg.Date) graphql.Marshaler {
	if d == "" {
		return graphql.Null
	}
	return graphql.MarshalString(string(d))
}

// UnmarshalDate reads a Date, which must be "YYYY", "YYYY-MM" or
// "YYYY-MM-DD" and a real calendar date.
func UnmarshalDate(v any) (pg.Date, error) {
	s, ok := v.(string)
	if d := pg.Date(s); ok && d.Valid() {
		return d, nil
	}
	return "", apierror.BadInput("invalid Date %s: want an ISO 8601 date YYYY, YYYY-MM or YYYY-MM-DD", quote(v))
}

// enumValue writes an enum value, or null for the empty string.
func enumValue(s string) graphql.Marshaler {
	if s == "" {
		return graphql.Null
	}
	// A failed write is the response writer's to report, as for every
	// marshaler gqlgen generates.
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(s)) })
}

func enumInput(enum string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string", enum)
	}
	return s, nil
}

func lowerEnum(enum string, values []string, v any) (string, error) {
	s, err := enumInput(enum, v)
	if l := strings.ToLower(s); err == nil && s == strings.ToUpper(s) && slices.Contains(values, l) {
		return l, nil
	}
	return "", badEnum(enum, s, err)
}

func badEnum(enum, s string, err error) error {
	if err != nil {
		return apierror.BadInput("invalid %s: %v", enum, err)
	}
	return apierror.BadInput("%q is not a value of %s", s, enum)
}

func quote(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%v", v)
}
