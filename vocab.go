package policygraph

import (
	"slices"
	"strings"
)

// APIName is the one spelling of a vocabulary value in everything the API
// emits: GraphQL enums, the GEXF, GraphML and Cytoscape exports and, through
// them, the Python client. It is upper case with underscores: PERSON,
// ORGANIZATION, CARTEL, IN_FORCE, POSTPONED, LEADS.
//
// The vocabulary itself keeps the dataset's spelling (Person, cartel,
// in_force), which dataset files are written in and Neo4j stores; callers
// that emit a kind, type or status convert it here and nowhere else, so a
// value read from an export joins the same value read from GraphQL.
func APIName[T ~string](v T) string { return strings.ToUpper(string(v)) }

// Kind is the kind of an entity node. Each kind is a Neo4j label; every
// entity node also carries the shared label [EntityLabel].
type Kind string

// The entity kinds. The closed list is [Kinds].
const (
	Person       Kind = "Person"
	Organization Kind = "Organization"
	Country      Kind = "Country"
	Policy       Kind = "Policy"
)

// Kinds lists every entity kind in a fixed order.
var Kinds = []Kind{Person, Organization, Country, Policy}

// Labels of the nodes that are not entities of one kind.
const (
	EntityLabel = "Entity" // carried by every entity node
	SourceLabel = "Source" // a document that evidence quotes
)

// Valid reports whether k is in the vocabulary.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// OrganizationTypes is the closed list of organization types.
var OrganizationTypes = []string{
	"government", "agency", "military", "cartel", "company", "media",
	"think_tank", "political_party", "terrorist_group", "court", "ngo",
}

// PolicyTypes is the closed list of policy types.
var PolicyTypes = []string{
	"tariff", "designation", "troop_deployment", "extradition",
	"trade_restriction", "investigation", "program", "military_threat",
	"surveillance", "enforcement", "sanction", "agreement",
}

// Statuses is the closed list of statuses of policies and relationships.
var Statuses = []string{
	"proposed", "threatened", "announced", "scheduled", "in_force",
	"postponed", "suspended", "expired", "revoked", "completed", "former",
}

// RelType is the type of a relationship, used verbatim as the Neo4j
// relationship type.
type RelType string

// The relationship types. Their endpoints, properties and meanings are in
// [Vocabulary].
const (
	Leads        RelType = "LEADS"
	HoldsOffice  RelType = "HOLDS_OFFICE"
	MemberOf     RelType = "MEMBER_OF"
	EmployedBy   RelType = "EMPLOYED_BY"
	AlliedWith   RelType = "ALLIED_WITH"
	Succeeded    RelType = "SUCCEEDED"
	Enacted      RelType = "ENACTED"
	Announced    RelType = "ANNOUNCED"
	Targets      RelType = "TARGETS"
	Supports     RelType = "SUPPORTS"
	Opposes      RelType = "OPPOSES"
	ExtraditedTo RelType = "EXTRADITED_TO"
	Accused      RelType = "ACCUSED"
	OperatesIn   RelType = "OPERATES_IN"
	PartOf       RelType = "PART_OF"
	TradesWith   RelType = "TRADES_WITH"
	QuotedIn     RelType = "QUOTED_IN"
	Mentions     RelType = "MENTIONS"
)

// Property names a relationship may carry besides dates, status and
// evidence, which every relationship may carry.
const (
	PropRole       = "role"       // the office or position held
	PropRank       = "rank"       // a 1-based rank, e.g. the nth largest trading partner
	PropAllegation = "allegation" // what an accusation alleges
	PropCount      = "count"      // how many people or things were involved
	PropRate       = "rate"       // a percentage
)

// RelSpec declares one relationship type: which entity kinds it may join,
// which optional properties it takes, and what it means.
type RelSpec struct {
	Type    RelType
	From    []Kind // allowed start kinds; empty with FromSource
	To      []Kind // allowed end kinds; empty with ToSource
	Props   []string
	Meaning string

	FromSource bool // the start node is a Source, not an entity
	ToSource   bool // the end node is a Source, not an entity
}

// Allows reports whether the type may join an entity of kind from to one of
// kind to.
func (s RelSpec) Allows(from, to Kind) bool {
	return slices.Contains(s.From, from) && slices.Contains(s.To, to)
}

// HasProp reports whether the type takes the named optional property.
func (s RelSpec) HasProp(name string) bool { return slices.Contains(s.Props, name) }

// Traversable reports whether the type joins two entities, so that
// neighbourhoods and paths follow it. QUOTED_IN and MENTIONS join entities
// to sources; following them would connect everything an article names.
func (s RelSpec) Traversable() bool { return !s.FromSource && !s.ToSource }

var (
	actors     = []Kind{Person, Organization, Country}
	groups     = []Kind{Organization, Country}
	everything = []Kind{Person, Organization, Country, Policy}
)

// Vocabulary declares every relationship type, in the order the API lists
// them.
var Vocabulary = []RelSpec{
	{Type: Leads, From: []Kind{Person}, To: groups, Props: []string{PropRole},
		Meaning: "The person is the head of the organization or country (president, director)."},
	{Type: HoldsOffice, From: []Kind{Person}, To: groups, Props: []string{PropRole},
		Meaning: "The person holds an office other than its head in the organization or country's government."},
	{Type: MemberOf, From: []Kind{Person, Organization}, To: []Kind{Organization}, Props: []string{PropRole},
		Meaning: "The person or organization is a member, faction or affiliate of the organization."},
	{Type: EmployedBy, From: []Kind{Person}, To: []Kind{Organization}, Props: []string{PropRole},
		Meaning: "The person works or worked for the organization."},
	{Type: AlliedWith, From: actors, To: actors,
		Meaning: "The two are political or operational allies."},
	{Type: Succeeded, From: actors, To: actors, Props: []string{PropRole},
		Meaning: "The start succeeded the end in a role."},
	{Type: Enacted, From: actors, To: []Kind{Policy},
		Meaning: "The actor enacted, imposed or carried out the policy."},
	{Type: Announced, From: actors, To: []Kind{Policy},
		Meaning: "The actor announced, threatened or proposed the policy."},
	{Type: Targets, From: []Kind{Policy}, To: actors,
		Meaning: "The policy is aimed at the person, organization or country."},
	{Type: Supports, From: actors, To: []Kind{Policy},
		Meaning: "The actor publicly supports or praises the policy."},
	{Type: Opposes, From: actors, To: []Kind{Policy},
		Meaning: "The actor publicly opposes the policy."},
	{Type: ExtraditedTo, From: []Kind{Person}, To: []Kind{Country}, Props: []string{PropCount},
		Meaning: "The person was extradited or transferred into the country's custody."},
	{Type: Accused, From: actors, To: actors, Props: []string{PropAllegation},
		Meaning: "The start accuses the end of the allegation."},
	{Type: OperatesIn, From: []Kind{Organization}, To: []Kind{Country},
		Meaning: "The organization operates in the country."},
	{Type: PartOf, From: []Kind{Organization, Policy}, To: everything,
		Meaning: "The organization or policy is part of a larger one (an agency of a government, a measure of a programme)."},
	{Type: TradesWith, From: []Kind{Country}, To: []Kind{Country}, Props: []string{PropRank},
		Meaning: "The end is the start's trading partner, rank-th largest."},
	{Type: QuotedIn, From: actors, ToSource: true,
		Meaning: "The person or body was quoted in the source; the evidence holds the quotes."},
	{Type: Mentions, FromSource: true, To: everything,
		Meaning: "The source mentions the entity (derived from the entity's evidence)."},
}

// Spec returns the declaration of t, and false when t is not in the
// vocabulary.
func Spec(t RelType) (RelSpec, bool) {
	for _, s := range Vocabulary {
		if s.Type == t {
			return s, true
		}
	}
	return RelSpec{}, false
}

// RelTypes lists every relationship type in vocabulary order.
func RelTypes() []RelType {
	ts := make([]RelType, len(Vocabulary))
	for i, s := range Vocabulary {
		ts[i] = s.Type
	}
	return ts
}

// TraversableTypes lists the types that join two entities.
func TraversableTypes() []RelType {
	var ts []RelType
	for _, s := range Vocabulary {
		if s.Traversable() {
			ts = append(ts, s.Type)
		}
	}
	return ts
}

// SubtypesOf returns the closed list of types that entities of kind k must
// choose from, or nil when k has no subtypes.
func SubtypesOf(k Kind) []string {
	switch k {
	case Organization:
		return OrganizationTypes
	case Policy:
		return PolicyTypes
	}
	return nil
}
