// Package policygraph holds the domain of the policy knowledge graph: the
// closed vocabulary of entity kinds and relationship types, the model that
// datasets decode to, and the read-only [Store] contract that the GraphQL
// layer queries. Implementations live in store/neo4j and store/memory.
package policygraph

import (
	"slices"
)

// Entity is a node of one of the [Kinds]: a person, organization, country or
// policy.
type Entity struct {
	ID          string   `json:"id"` // stable and readable: "person/claudia-sheinbaum"
	Kind        Kind     `json:"kind"`
	Name        string   `json:"name"`
	Aliases     []string `json:"aliases,omitempty"` // surface forms used in text: "Ms. Sheinbaum"
	Description string   `json:"description,omitempty"`

	// Type is the organization or policy type from [OrganizationTypes] or
	// [PolicyTypes]; empty for people and countries.
	Type string `json:"type,omitempty"`

	// Policy facts; empty for other kinds.
	Status string   `json:"status,omitempty"`
	Date   Date     `json:"date,omitempty"`  // when it was enacted or announced
	Start  Date     `json:"start,omitempty"` // when it takes or took effect
	End    Date     `json:"end,omitempty"`   // when it ends or ended
	Rate   *float64 `json:"rate,omitempty"`  // percent, e.g. a tariff rate
	Count  *int64   `json:"count,omitempty"` // people or things involved, e.g. troops

	// Evidence are passages that name the entity or state its facts; each
	// source cited here MENTIONS the entity.
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Names returns the name followed by the aliases.
func (e *Entity) Names() []string { return append([]string{e.Name}, e.Aliases...) }

// When returns the date that places the entity on a timeline: its date, else
// its start.
func (e *Entity) When() Date { return firstDate(e.Date, e.Start) }

// Source is a document that evidence quotes, such as a news article.
type Source struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Publisher string `json:"publisher,omitempty"`
	Published Date   `json:"published,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Evidence ties a fact to a verbatim quote of a source.
type Evidence struct {
	Source string `json:"source"` // a Source ID
	Quote  string `json:"quote"`  // verbatim, one sentence at most
}

// Relationship is a typed, directed edge between two nodes. Every relationship
// carries evidence; the remaining fields are optional and allowed per type by
// [Vocabulary].
type Relationship struct {
	ID   string  `json:"id,omitempty"` // see [RelationshipID]
	Type RelType `json:"type"`
	From string  `json:"from"`
	To   string  `json:"to"`
	// Key tells apart two relationships of one type between the same nodes,
	// such as two terms in one office; usually empty.
	Key string `json:"key,omitempty"`

	Role       string   `json:"role,omitempty"`
	Allegation string   `json:"allegation,omitempty"`
	Rank       *int64   `json:"rank,omitempty"`
	Count      *int64   `json:"count,omitempty"`
	Rate       *float64 `json:"rate,omitempty"`

	Status string `json:"status,omitempty"`
	Date   Date   `json:"date,omitempty"`
	Start  Date   `json:"start,omitempty"`
	End    Date   `json:"end,omitempty"`

	Evidence []Evidence `json:"evidence"`
}

// When returns the date that places the relationship on a timeline: its
// date, else its start, else its end (a former office known only by when it
// ended is still an event).
func (r *Relationship) When() Date { return firstDate(r.Date, r.Start, r.End) }

// Other returns the endpoint of r that is not id.
func (r *Relationship) Other(id string) string {
	if r.From == id {
		return r.To
	}
	return r.From
}

// RelationshipID is the stable ID of the relationship of type t from one
// node to another: "person/a|LEADS|country/b", with "|key" appended when a
// key tells it apart from another of the same type and endpoints.
func RelationshipID(from string, t RelType, to, key string) string {
	id := from + "|" + string(t) + "|" + to
	if key != "" {
		id += "|" + key
	}
	return id
}

// MergeEvidence returns a with the pieces of b that it lacks appended, so
// that a fact stated by two sources keeps both quotes.
func MergeEvidence(a, b []Evidence) []Evidence {
	for _, ev := range b {
		if !slices.Contains(a, ev) {
			a = append(a, ev)
		}
	}
	return a
}

// MergeAliases returns the aliases of a and b, without repeats, in the order
// first seen, leaving out any that equals name.
func MergeAliases(name string, a, b []string) []string {
	var out []string
	for _, s := range slices.Concat(a, b) {
		if s != name && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Date is an ISO 8601 calendar date of year, month or day precision:
// "2025", "2025-02" or "2025-02-19".
type Date string

// Valid reports whether d is a well-formed date of one of the precisions.
func (d Date) Valid() bool {
	s := string(d)
	switch len(s) {
	case 4, 7, 10:
	default:
		return false
	}
	for i, c := range s {
		if i == 4 || i == 7 {
			if c != '-' {
				return false
			}
		} else if c < '0' || c > '9' {
			return false
		}
	}
	month, day := 1, 1
	if len(s) >= 7 {
		month = int(s[5]-'0')*10 + int(s[6]-'0')
	}
	if len(s) == 10 {
		day = int(s[8]-'0')*10 + int(s[9]-'0')
	}
	return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, s[:4])
}

func daysIn(month int, year string) int {
	switch month {
	case 2:
		y := int(year[0]-'0')*1000 + int(year[1]-'0')*100 + int(year[2]-'0')*10 + int(year[3]-'0')
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// Floor returns the first day that d covers ("2025-02" → "2025-02-01"); the
// empty date stays empty. Floors order dates of mixed precision.
func (d Date) Floor() string { return pad(string(d), "-01-01", "-01") }

// Ceil returns the last day that d may cover ("2025-02" → "2025-02-31"),
// good for comparison though not always a calendar day.
func (d Date) Ceil() string { return pad(string(d), "-12-31", "-31") }

func pad(s, year, month string) string {
	switch len(s) {
	case 4:
		return s + year
	case 7:
		return s + month
	}
	return s
}

func firstDate(ds ...Date) Date {
	for _, d := range ds {
		if d != "" {
			return d
		}
	}
	return ""
}
