package auth_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/policygraph/policygraph/server/auth"
)

// BenchmarkVerify is the cost authentication adds to a request: an API key
// against a file of 100 keys, and a JWT of each algorithm.
func BenchmarkVerify(b *testing.B) {
	var lines []string
	var key string
	for i := range 100 {
		k, l, _ := auth.NewKey(fmt.Sprint("client-", i))
		key, lines = k, append(lines, l)
	}
	ks, err := auth.ParseKeys(strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		b.Fatal(err)
	}
	k := newKeys(b)
	j, err := auth.NewJWT(auth.JWTConfig{
		Secret:     k.secret,
		PublicKeys: []auth.PublicKey{{ID: "r", Key: &k.rsa.PublicKey}, {ID: "e", Key: &k.ec.PublicKey}},
		Audience:   "policygraph", Now: func() time.Time { return now },
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		v     auth.Verifier
		token string
	}{
		{"api-key-of-100", ks, key},
		{"HS256", j, sign(b, jwt.SigningMethodHS256, "", k.secret, claims(nil))},
		{"RS256", j, sign(b, jwt.SigningMethodRS256, "r", k.rsa, claims(nil))},
		{"ES256", j, sign(b, jwt.SigningMethodES256, "e", k.ec, claims(nil))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if _, err := tc.v.Verify(ctx, tc.token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
