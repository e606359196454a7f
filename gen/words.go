package gen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	pg "github.com/policygraph/policygraph"
)

// Syllables of made-up names, Spanish- and English-sounding, so that the
// full-text index sees many distinct tokens that still share parts.
var (
	onsets = []string{"b", "c", "d", "f", "g", "j", "l", "m", "n", "p", "r", "s", "t", "v", "z",
		"br", "ch", "cr", "gr", "pl", "tr", "st", "qu", "ll", "h", ""}
	nuclei = []string{"a", "e", "i", "o", "u", "a", "e", "o", "ia", "ue", "ai"}
	codas  = []string{"", "", "", "n", "r", "s", "l", "z", "m"}
	// accented replaces a vowel with its accented form, as in "López".
	accented = map[byte]string{'a': "á", 'e': "é", 'i': "í", 'o': "ó", 'u': "ú"}
)

// word returns a word of n syllables; with accents, about one word in six
// carries an accent or an ñ.
func word(rng *rand.Rand, n int, accents bool) string {
	var b strings.Builder
	for range n {
		b.WriteString(pickOf(rng, onsets))
		b.WriteString(pickOf(rng, nuclei))
		b.WriteString(pickOf(rng, codas))
	}
	w := b.String()
	if !accents {
		return w
	}
	switch rng.IntN(12) {
	case 0, 1:
		// Accent the last vowel of the stem: "lopez" → "lópez".
		for i := len(w) - 2; i >= 0; i-- {
			if a, ok := accented[w[i]]; ok {
				return w[:i] + a + w[i+1:]
			}
		}
	case 2:
		if i := strings.IndexByte(w[1:], 'n'); i >= 0 {
			return w[:i+1] + "ñ" + w[i+2:]
		}
	}
	return w
}

// capitalize upper-cases the first letter.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func pickOf[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// date returns a date between 2015 and 2026 of day, month or year
// precision, in the ratio 5:3:2.
func date(rng *rand.Rand) string {
	y := 2015 + rng.IntN(12)
	switch p := rng.IntN(10); {
	case p < 5:
		return fmt.Sprintf("%d-%02d-%02d", y, 1+rng.IntN(12), 1+rng.IntN(28))
	case p < 8:
		return fmt.Sprintf("%d-%02d", y, 1+rng.IntN(12))
	}
	return fmt.Sprint(y)
}

// span returns a start date and, half of the time, an end date in a later
// year.
func span(rng *rand.Rand) (start, end pg.Date) {
	s := date(rng)
	start = pg.Date(s)
	if rng.IntN(2) == 0 {
		e := date(rng)
		y, _ := strconv.Atoi(s[:4])
		end = pg.Date(strconv.Itoa(y+1+rng.IntN(3)) + e[4:])
	}
	return start, end
}

// acronym is the upper-cased initials of the words of name, or its first
// three letters when it has one word.
func acronym(name string) string {
	words := strings.Fields(name)
	if len(words) == 1 {
		r := []rune(name)
		return strings.ToUpper(string(r[:min(3, len(r))]))
	}
	var b strings.Builder
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

func lastSpace(s string) int { return strings.LastIndexByte(s, ' ') }

// slug turns a publisher's name into a URL path segment.
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// orgName dresses a made-up word as an organization of the type.
func orgName(rng *rand.Rand, base, typ string) string {
	forms := map[string][]string{
		"government":      {"Government of %s", "%s Federal Government"},
		"agency":          {"%s Customs Agency", "National Agency of %s", "%s Intelligence Service"},
		"military":        {"%s Armed Forces", "%s National Guard", "%s Navy"},
		"cartel":          {"%s Cartel", "Cártel de %s"},
		"company":         {"%s Holdings", "%s Steel", "%s Energy", "Grupo %s"},
		"media":           {"%s Television", "Radio %s", "%s Press"},
		"think_tank":      {"%s Institute", "Center for %s Studies"},
		"political_party": {"%s Party", "Movimiento %s", "%s Alliance"},
		"terrorist_group": {"%s Front", "%s Brigades"},
		"court":           {"Supreme Court of %s", "%s Tribunal"},
		"ngo":             {"%s Foundation", "Friends of %s", "%s Watch"},
	}
	return fmt.Sprintf(pickOf(rng, forms[typ]), base)
}

var (
	regions       = []string{"Americas", "Caribbean", "Pacific", "Atlantic", "Andes", "north", "south"}
	headlineVerbs = []string{"clashes", "agrees", "talks", "sanctions", "warns", "votes"}
	entityVerbs   = []string{"announced on Monday", "confirmed in a statement", "named in the report", "discussed at the summit"}
	officeRoles   = []string{"minister of finance", "secretary of state", "ambassador", "senator", "governor", "attorney general", "minister of defense"}
	leaderRoles   = []string{"director", "chief executive", "chair", "secretary general", "commander", "leader"}
	memberRoles   = []string{"founder", "treasurer", "spokesperson", "member"}
	jobRoles      = []string{"analyst", "adviser", "lawyer", "economist", "officer", "reporter"}
	allegations   = []string{"fraud", "drug trafficking", "money laundering", "election interference", "human rights abuses", "corruption"}
	policyNoun    = map[string]string{
		"tariff": "steel tariff", "designation": "terrorist designation", "troop_deployment": "troop deployment",
		"extradition": "extradition order", "trade_restriction": "export ban", "investigation": "inquiry",
		"program": "program", "military_threat": "strike threat", "surveillance": "surveillance program",
		"enforcement": "border enforcement", "sanction": "sanctions", "agreement": "trade agreement",
	}
)
