package policygraph_test

import (
	"slices"
	"testing"

	pg "github.com/policygraph/policygraph"
)

func TestDate(t *testing.T) {
	tests := []struct {
		d           pg.Date
		valid       bool
		floor, ceil string
	}{
		{"2025", true, "2025-01-01", "2025-12-31"},
		{"2025-02", true, "2025-02-01", "2025-02-31"},
		{"2025-02-28", true, "2025-02-28", "2025-02-28"},
		{"2024-02-29", true, "2024-02-29", "2024-02-29"},
		{"2025-02-29", false, "2025-02-29", "2025-02-29"},
		{"1900-02-29", false, "1900-02-29", "1900-02-29"},
		{"2000-02-29", true, "2000-02-29", "2000-02-29"},
		{"2025-04-31", false, "2025-04-31", "2025-04-31"},
		{"2025-13", false, "2025-13-01", "2025-13-31"},
		{"2025-00-10", false, "2025-00-10", "2025-00-10"},
		{"25-01-01", false, "25-01-01", "25-01-01"},
		{"2025/01/01", false, "2025/01/01", "2025/01/01"},
		{"March 2025", false, "March 2025", "March 2025"},
		{"", false, "", ""},
	}
	for _, tt := range tests {
		if got := tt.d.Valid(); got != tt.valid {
			t.Errorf("Date(%q).Valid() = %v, want %v", tt.d, got, tt.valid)
		}
		if got := tt.d.Floor(); got != tt.floor {
			t.Errorf("Date(%q).Floor() = %q, want %q", tt.d, got, tt.floor)
		}
		if got := tt.d.Ceil(); got != tt.ceil {
			t.Errorf("Date(%q).Ceil() = %q, want %q", tt.d, got, tt.ceil)
		}
	}
}

func TestNormalizeAndSlug(t *testing.T) {
	tests := []struct{ in, norm, slug string }{
		{"López Obrador", "lopez obrador", "lopez-obrador"},
		{"  MÓNICA   Ramírez-Cano ", "monica ramirez cano", "monica-ramirez-cano"},
		{"Enrique “Kiki” Camarena", "enrique kiki camarena", "enrique-kiki-camarena"},
		{"al-Qaeda", "al qaeda", "al-qaeda"},
		{"Ms. Sheinbaum", "ms sheinbaum", "ms-sheinbaum"},
		{"CJNG", "cjng", "cjng"},
		{"--", "", ""},
	}
	for _, tt := range tests {
		if got := pg.Normalize(tt.in); got != tt.norm {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.norm)
		}
		if got := pg.Slug(tt.in); got != tt.slug {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.slug)
		}
	}
}

func TestMatchAndScore(t *testing.T) {
	amlo := &pg.Entity{ID: "person/amlo", Name: "Andrés Manuel López Obrador", Aliases: []string{"President Obrador", "AMLO"}}
	cjng := &pg.Entity{ID: "organization/cjng", Name: "Jalisco New Generation Cartel", Aliases: []string{"CJNG"}}
	tests := []struct {
		query string
		e     *pg.Entity
		match bool
		score int
	}{
		{"andrés manuel lópez obrador", amlo, true, 100},
		{"amlo", amlo, true, 90},
		{"andres man", amlo, true, 80},
		{"president", amlo, true, 70},
		{"Lopez Obrador", amlo, true, 60},
		{"lop obr", amlo, true, 40},
		{"obrad", amlo, true, 40},
		{"pres obr", amlo, true, 30},
		{"amlo andres", amlo, true, 10},
		{"sheinbaum", amlo, false, 0},
		{"cjng", cjng, true, 90},
		{"jalisco cartel", cjng, true, 60},
	}
	for _, tt := range tests {
		q := pg.Tokens(tt.query)
		if got := pg.Matches(q, tt.e); got != tt.match {
			t.Errorf("Matches(%q, %s) = %v, want %v", tt.query, tt.e.ID, got, tt.match)
		}
		if tt.match {
			if got := pg.Score(q, tt.e); got != tt.score {
				t.Errorf("Score(%q, %s) = %d, want %d", tt.query, tt.e.ID, got, tt.score)
			}
		}
	}
}

func TestVocabularyIsConsistent(t *testing.T) {
	seen := map[pg.RelType]bool{}
	for _, s := range pg.Vocabulary {
		if seen[s.Type] {
			t.Errorf("%s declared twice", s.Type)
		}
		seen[s.Type] = true
		if s.Meaning == "" {
			t.Errorf("%s has no meaning", s.Type)
		}
		if (len(s.From) == 0) != s.FromSource || (len(s.To) == 0) != s.ToSource {
			t.Errorf("%s: endpoints and source flags disagree", s.Type)
		}
		if _, ok := pg.Spec(s.Type); !ok {
			t.Errorf("Spec(%s) not found", s.Type)
		}
	}
	if slices.Contains(pg.TraversableTypes(), pg.Mentions) || slices.Contains(pg.TraversableTypes(), pg.QuotedIn) {
		t.Error("MENTIONS and QUOTED_IN must not be traversable")
	}
}

func TestAPIName(t *testing.T) {
	tests := []struct{ in, want string }{
		{string(pg.Person), "PERSON"},
		{string(pg.Organization), "ORGANIZATION"},
		{"cartel", "CARTEL"},
		{"think_tank", "THINK_TANK"},
		{"in_force", "IN_FORCE"},
		{"postponed", "POSTPONED"},
		{string(pg.HoldsOffice), "HOLDS_OFFICE"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := pg.APIName(tt.in); got != tt.want {
			t.Errorf("APIName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}

	// Within each list the API names stay apart and are GraphQL enum
	// names, so the spelling can be read back to the vocabulary value.
	lists := map[string][]string{"statuses": pg.Statuses, "organization types": pg.OrganizationTypes, "policy types": pg.PolicyTypes}
	for _, k := range pg.Kinds {
		lists["kinds"] = append(lists["kinds"], string(k))
	}
	for _, rt := range pg.RelTypes() {
		lists["relationship types"] = append(lists["relationship types"], string(rt))
	}
	for name, values := range lists {
		seen := map[string]bool{}
		for _, v := range values {
			n := pg.APIName(v)
			if seen[n] {
				t.Errorf("%s: %q spells %s like another value", name, v, n)
			}
			seen[n] = true
			for i, r := range n {
				if !(r >= 'A' && r <= 'Z' || r == '_' || i > 0 && r >= '0' && r <= '9') {
					t.Errorf("%s: %s is not an upper-case GraphQL name", name, n)
					break
				}
			}
		}
	}
}
