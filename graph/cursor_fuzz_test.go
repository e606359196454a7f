package graph

import (
	"encoding/base64"
	"testing"
)

// FuzzCursor checks that any string a client sends as a cursor is either
// refused or names a page at an offset of 0 or more, and that every cursor
// the API hands out decodes to its offset. Its seeds run with every go test;
// go test -fuzz FuzzCursor ./graph explores further.
func FuzzCursor(f *testing.F) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, c := range []string{
		encodeCursor(0), encodeCursor(41), encodeCursor(1 << 40), "", "!!!", "offset:1",
		b64("offset:"), b64("offset:-1"), b64("offset:+5"), b64("offset:007"), b64("offset:1e3"),
		b64("offset:9223372036854775806"),
		// The largest int decoded, and the page after it began at offset
		// -9223372036854775808, which the stores read as 0: a client
		// paging on would loop through the list for ever.
		b64("offset:9223372036854775807"),
	} {
		f.Add(c)
	}
	r := &Resolver{cfg: Config{MaxPageSize: 100}}
	f.Fuzz(func(t *testing.T, c string) {
		n, err := decodeCursor(c)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("decodeCursor(%q) = %d, want 0 or more", c, n)
		}
		if m, err := decodeCursor(encodeCursor(n)); err != nil || m != n {
			t.Fatalf("decodeCursor(encodeCursor(%d)) = %d, %v", n, m, err)
		}
		p, err := r.page(20, &c)
		if err != nil {
			t.Fatalf("page(after: %q): %v, though the cursor decodes", c, err)
		}
		if p.Offset <= n {
			t.Fatalf("page(after: %q) starts at offset %d, want the one after %d", c, p.Offset, n)
		}
	})
}
