package data_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/dataset"
)

// articles maps each source of the seed dataset to its text in the shared
// seed folder, which sits beside the repository and is never copied into it.
var articles = map[string]string{
	"source/nysun-trump-crackdown-mexican-cartels": "000_55d9bc5c7a29ac8d.txt",
}

// sharedSeed finds ../shared/seed from the repository root, or skips (fails
// under CI, where the folder is always present).
func sharedSeed(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	seed := filepath.Join(dir, "..", "shared", "seed")
	if _, err := os.Stat(seed); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the article folder %s is missing, and CI must check the quotes against it", seed)
		}
		t.Skipf("SKIPPING quote check: %s not found (it sits beside the repository in CI)", seed)
	}
	return seed
}

// TestSeedQuotesAreVerbatim validates the seed dataset with every source's
// text, so that each evidence quote must be an exact substring of the
// article.
func TestSeedQuotesAreVerbatim(t *testing.T) {
	seed := sharedSeed(t)
	texts := map[string]string{}
	for id, name := range articles {
		b, err := os.ReadFile(filepath.Join(seed, name))
		if err != nil {
			t.Fatal(err)
		}
		texts[id] = string(b)
	}
	sum, err := dataset.Check(context.Background(), dataset.Paths("seed.yaml"), dataset.Options{Texts: texts})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sources != len(articles) {
		t.Errorf("seed has %d sources, want one text for each: %d", sum.Sources, len(articles))
	}
}

// sentenceEnd finds a full stop, question or exclamation mark that ends a
// sentence inside a quote: followed by a space and a capital, and not after a
// title such as "Mr." or "Ms.".
var sentenceEnd = regexp.MustCompile(`(\S+)[.!?][”’"]?\s+[“"]?[A-Z]`)

var titles = map[string]bool{"Mr": true, "Ms": true, "Mrs": true, "Dr": true, "U.S": true, "St": true}

// TestSeedQuotesAreShort holds every quote to one sentence at most, so the
// repository never carries the article itself.
func TestSeedQuotesAreShort(t *testing.T) {
	ctx := context.Background()
	err := dataset.Each(ctx, dataset.Paths("seed.yaml"), func(r *dataset.Record) error {
		var evs []struct{ quote string }
		switch {
		case r.Entity != nil:
			for _, ev := range r.Entity.Evidence {
				evs = append(evs, struct{ quote string }{ev.Quote})
			}
		case r.Relationship != nil:
			for _, ev := range r.Relationship.Evidence {
				evs = append(evs, struct{ quote string }{ev.Quote})
			}
		}
		for _, ev := range evs {
			for _, m := range sentenceEnd.FindAllStringSubmatch(ev.quote, -1) {
				if !titles[strings.TrimLeft(m[1], "“\"")] {
					t.Errorf("%s: %s: quote spans more than one sentence: %q", r.Pos, r.ID(), ev.quote)
				}
			}
		}
		return nil
	}, func(p dataset.Problem) { t.Errorf("%v", &p) })
	if err != nil {
		t.Fatal(err)
	}
}
