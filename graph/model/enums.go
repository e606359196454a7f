package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph/apierror"
)

// The schema's enums and the Date scalar bind to the vocabulary's own Go
// types through these marshalers, so resolvers handle domain values only.
// GraphQL spells every vocabulary value as policygraph.APIName does
// (think_tank → THINK_TANK, Person → PERSON), the spelling that the
// exports use too. Values that are empty in the domain (an unset status or
// date) marshal as null.

// MarshalEntityKind writes a kind as its enum value.
func MarshalEntityKind(k policygraph.Kind) graphql.Marshaler {
	return enumValue(policygraph.APIName(k))
}

// UnmarshalEntityKind reads an EntityKind value.
func UnmarshalEntityKind(v any) (policygraph.Kind, error) {
	s, err := enumInput("EntityKind", v)
	for _, k := range policygraph.Kinds {
		if policygraph.APIName(k) == s {
			return k, nil
		}
	}
	return "", badEnum("EntityKind", s, err)
}

// MarshalRelationshipType writes a relationship type as its enum value.
func MarshalRelationshipType(t policygraph.RelType) graphql.Marshaler {
	return enumValue(policygraph.APIName(t))
}

// UnmarshalRelationshipType reads a RelationshipType value.
func UnmarshalRelationshipType(v any) (policygraph.RelType, error) {
	s, err := enumInput("RelationshipType", v)
	if err == nil {
		for _, t := range policygraph.RelTypes() {
			if policygraph.APIName(t) == s {
				return t, nil
			}
		}
	}
	return "", badEnum("RelationshipType", s, err)
}

// MarshalDirection writes a direction, spelt alike in Go and GraphQL.
func MarshalDirection(d policygraph.Direction) graphql.Marshaler {
	return enumValue(string(d))
}

// UnmarshalDirection reads a Direction value.
func UnmarshalDirection(v any) (policygraph.Direction, error) {
	s, err := enumInput("Direction", v)
	switch d := policygraph.Direction(s); d {
	case policygraph.Out, policygraph.In, policygraph.Both:
		return d, nil
	}
	return "", badEnum("Direction", s, err)
}

// MarshalOrganizationType writes an organization type as its enum value.
func MarshalOrganizationType(s string) graphql.Marshaler { return enumValue(policygraph.APIName(s)) }

// UnmarshalOrganizationType reads an OrganizationType as its vocabulary
// value.
func UnmarshalOrganizationType(v any) (string, error) {
	return vocabEnum("OrganizationType", policygraph.OrganizationTypes, v)
}

// MarshalPolicyType writes a policy type as its enum value.
func MarshalPolicyType(s string) graphql.Marshaler { return enumValue(policygraph.APIName(s)) }

// UnmarshalPolicyType reads a PolicyType as its vocabulary value.
func UnmarshalPolicyType(v any) (string, error) {
	return vocabEnum("PolicyType", policygraph.PolicyTypes, v)
}

// MarshalStatus writes a status as its enum value.
func MarshalStatus(s string) graphql.Marshaler { return enumValue(policygraph.APIName(s)) }

// UnmarshalStatus reads a Status as its vocabulary value.
func UnmarshalStatus(v any) (string, error) {
	return vocabEnum("Status", policygraph.Statuses, v)
}

// MarshalDate writes a date, null when unset.
func MarshalDate(d policygraph.Date) graphql.Marshaler {
	if d == "" {
		return graphql.Null
	}
	return graphql.MarshalString(string(d))
}

// UnmarshalDate reads a Date, which must be "YYYY", "YYYY-MM" or
// "YYYY-MM-DD" and a real calendar date.
func UnmarshalDate(v any) (policygraph.Date, error) {
	s, ok := v.(string)
	if d := policygraph.Date(s); ok && d.Valid() {
		return d, nil
	}
	return "", apierror.BadInput("invalid Date %s: want an ISO 8601 date YYYY, YYYY-MM or YYYY-MM-DD", quote(v))
}

// enumValue writes an enum value, or null for the empty string.
func enumValue(s string) graphql.Marshaler {
	if s == "" {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) { io.WriteString(w, strconv.Quote(s)) })
}

func enumInput(enum string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string", enum)
	}
	return s, nil
}

// vocabEnum reads an enum value as the vocabulary value that it spells.
func vocabEnum(enum string, values []string, v any) (string, error) {
	s, err := enumInput(enum, v)
	if err == nil {
		for _, value := range values {
			if policygraph.APIName(value) == s {
				return value, nil
			}
		}
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
