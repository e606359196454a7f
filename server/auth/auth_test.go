package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/policygraph/policygraph/server/auth"
)

func TestNewKeyRoundTrip(t *testing.T) {
	key, line, err := auth.NewKey("ci-bot")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, auth.KeyPrefix) || len(key) != len(auth.KeyPrefix)+43 {
		t.Errorf("key %q: want pg_ and 43 base64url characters", key)
	}
	if strings.Contains(line, key) {
		t.Errorf("the key file line %q holds the key itself", line)
	}
	ks, err := auth.ParseKeys(strings.NewReader("# comment\n\n" + line + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	id, err := ks.Verify(context.Background(), key)
	if err != nil || id != (auth.Identity{Subject: "ci-bot", Method: "api_key"}) {
		t.Errorf("Verify(new key) = %+v, %v", id, err)
	}
	if _, err := ks.Verify(context.Background(), key+"x"); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("Verify(other key) err = %v, want ErrInvalid", err)
	}
	if _, _, err := auth.NewKey("bad name"); err == nil {
		t.Error("a name with a space was accepted")
	}
}

func TestParseKeysRefuses(t *testing.T) {
	h := auth.HashKey("pg_x")
	for _, tc := range []struct{ name, file, want string }{
		{"empty", "# nothing\n", "no keys"},
		{"no colon", h + "\n", ":1: want name:sha256-hex"},
		{"raw key", "ci:pg_abcdef\n", ":1: key \"ci\": the hash must be 64 hex digits"},
		{"short hash", "ci:abcd\n", "64 hex digits"},
		{"duplicate", "ci:" + h + "\n\nci:" + h + "\n", ":3: key name \"ci\" is also on line 1"},
		{"bad name", "c i:" + h + "\n", "key name \"c i\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := auth.ParseKeys(strings.NewReader(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	for _, tc := range []struct {
		header []string
		token  string
		err    error
	}{
		{nil, "", auth.ErrNoToken},
		{[]string{"Bearer abc"}, "abc", nil},
		{[]string{"bearer  abc "}, "abc", nil},
		{[]string{"Basic dXNlcjpwYXNz"}, "", auth.ErrMalformed},
		{[]string{"Bearer"}, "", auth.ErrMalformed},
		{[]string{"Bearer a b"}, "", auth.ErrMalformed},
		{[]string{"Bearer a", "Bearer b"}, "", auth.ErrMalformed},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		for _, h := range tc.header {
			r.Header.Add("Authorization", h)
		}
		tok, err := auth.BearerToken(r)
		if tok != tc.token || !errors.Is(err, tc.err) {
			t.Errorf("%q: %q, %v; want %q, %v", tc.header, tok, err, tc.token, tc.err)
		}
	}
}

// keys are the signing keys of the JWT tests, made once: RSA generation
// takes a while.
type keys struct {
	secret []byte
	rsa    *rsa.PrivateKey
	ec     *ecdsa.PrivateKey
	other  *rsa.PrivateKey // a key the server does not know
}

func newKeys(t testing.TB) keys {
	t.Helper()
	r, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	o, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return keys{secret: []byte(strings.Repeat("s3cret-", 6)), rsa: r, ec: e, other: o}
}

func sign(t testing.TB, m jwt.SigningMethod, kid string, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func signCrit(t *testing.T, secret []byte) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil))
	tok.Header["crit"] = []string{"exp"}
	s, err := tok.SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var now = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

func claims(over map[string]any) jwt.MapClaims {
	c := jwt.MapClaims{
		"sub": "alice", "iss": "https://idp.example", "aud": "policygraph",
		"exp": now.Add(time.Hour).Unix(), "iat": now.Add(-time.Minute).Unix(),
	}
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// jwksFile writes the public halves of k's RSA and EC keys as a JWKS, with
// an encryption key that must be skipped.
func jwksFile(t *testing.T, k keys) string {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	pt, err := k.ec.PublicKey.Bytes() // 0x04 || x || y
	if err != nil {
		t.Fatal(err)
	}
	doc := map[string]any{"keys": []map[string]any{
		{"kty": "RSA", "use": "enc", "kid": "enc-1", "n": b64(k.other.N.Bytes()), "e": "AQAB"},
		{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "rsa-1", "n": b64(k.rsa.N.Bytes()), "e": "AQAB"},
		{"kty": "EC", "crv": "P-256", "kid": "ec-1", "x": b64(pt[1:33]), "y": b64(pt[33:])},
	}}
	b, _ := json.Marshal(doc)
	p := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestJWT(t *testing.T) {
	k := newKeys(t)
	pub, err := auth.ReadPublicKeyFile(jwksFile(t, k))
	if err != nil {
		t.Fatal(err)
	}
	if len(pub) != 2 {
		t.Fatalf("JWKS gave %d keys, want 2 (the enc key skipped)", len(pub))
	}
	v, err := auth.NewJWT(auth.JWTConfig{
		Secret: k.secret, PublicKeys: pub, Issuer: "https://idp.example", Audience: "policygraph",
		Leeway: 30 * time.Second, Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	hs, rs, es := jwt.SigningMethodHS256, jwt.SigningMethodRS256, jwt.SigningMethodES256
	for _, tc := range []struct {
		name  string
		token string
		want  error // nil: accepted as alice
	}{
		{"HS256", sign(t, hs, "", k.secret, claims(nil)), nil},
		{"RS256 by kid", sign(t, rs, "rsa-1", k.rsa, claims(nil)), nil},
		{"RS256 without kid", sign(t, rs, "", k.rsa, claims(nil)), nil},
		{"ES256", sign(t, es, "ec-1", k.ec, claims(nil)), nil},
		{"audience in a list", sign(t, hs, "", k.secret, claims(map[string]any{"aud": []string{"other", "policygraph"}})), nil},
		{"expired within leeway", sign(t, hs, "", k.secret, claims(map[string]any{"exp": now.Add(-10 * time.Second).Unix()})), nil},
		{"expired", sign(t, hs, "", k.secret, claims(map[string]any{"exp": now.Add(-time.Hour).Unix()})), auth.ErrExpired},
		{"not yet valid", sign(t, hs, "", k.secret, claims(map[string]any{"nbf": now.Add(time.Hour).Unix()})), auth.ErrExpired},
		{"no exp", sign(t, hs, "", k.secret, claims(map[string]any{"exp": nil})), auth.ErrInvalid},
		{"wrong audience", sign(t, hs, "", k.secret, claims(map[string]any{"aud": "billing"})), auth.ErrInvalid},
		{"no audience", sign(t, hs, "", k.secret, claims(map[string]any{"aud": nil})), auth.ErrInvalid},
		{"wrong issuer", sign(t, hs, "", k.secret, claims(map[string]any{"iss": "https://evil.example"})), auth.ErrInvalid},
		{"no subject", sign(t, hs, "", k.secret, claims(map[string]any{"sub": nil})), auth.ErrInvalid},
		{"wrong secret", sign(t, hs, "", []byte(strings.Repeat("x", 40)), claims(nil)), auth.ErrInvalid},
		{"unknown RSA key", sign(t, rs, "", k.other, claims(nil)), auth.ErrInvalid},
		{"kid of another key", sign(t, rs, "ec-1", k.rsa, claims(nil)), auth.ErrInvalid},
		{"HS384", sign(t, jwt.SigningMethodHS384, "", k.secret, claims(nil)), auth.ErrInvalid},
		{"alg none", sign(t, jwt.SigningMethodNone, "", jwt.UnsafeAllowNoneSignatureType, claims(nil)), auth.ErrInvalid},
		{"garbage", "not.a.jwt", auth.ErrInvalid},
		{"critical extension", signCrit(t, k.secret), auth.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := v.Verify(context.Background(), tc.token)
			if tc.want == nil {
				if err != nil || id != (auth.Identity{Subject: "alice", Method: "jwt"}) {
					t.Errorf("got %+v, %v; want alice", id, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// An HS256 token signed with the bytes of the server's RSA public key must
// not pass (the classic algorithm confusion), here with no secret set.
func TestJWTAlgorithmConfusion(t *testing.T) {
	k := newKeys(t)
	der, _ := x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	pub, err := auth.ParsePEM(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewJWT(auth.JWTConfig{PublicKeys: pub, Audience: "policygraph", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, "", k.rsa, claims(nil))); err != nil {
		t.Fatalf("RS256 from the PEM key: %v", err)
	}
	forged := sign(t, jwt.SigningMethodHS256, "", pemBytes, claims(nil))
	if _, err := v.Verify(context.Background(), forged); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("HS256 signed with the public key: err = %v, want ErrInvalid", err)
	}
}

func TestNewJWTRefuses(t *testing.T) {
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for _, tc := range []struct {
		name string
		cfg  auth.JWTConfig
		want string
	}{
		{"nothing", auth.JWTConfig{Audience: "a"}, "no secret and no public key"},
		{"short secret", auth.JWTConfig{Secret: []byte("short"), Audience: "a"}, "at least 32"},
		{"no audience", auth.JWTConfig{Secret: make([]byte, 32)}, "audience is required"},
		{"small RSA", auth.JWTConfig{PublicKeys: []auth.PublicKey{{Key: &small.PublicKey}}, Audience: "a"}, "1024 bits"},
		{"P-384", auth.JWTConfig{PublicKeys: []auth.PublicKey{{Key: &p384.PublicKey}}, Audience: "a"}, "P-384"},
	} {
		if _, err := auth.NewJWT(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := auth.ParsePEM([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")); err == nil {
		t.Error("a private key PEM was accepted as a public key file")
	}
}

func TestAny(t *testing.T) {
	key, line, _ := auth.NewKey("ci")
	ks, _ := auth.ParseKeys(strings.NewReader(line))
	v := auth.Any(ks, nil)
	if id, err := v.Verify(context.Background(), key); err != nil || id.Subject != "ci" {
		t.Errorf("key: %+v, %v", id, err)
	}
	if _, err := v.Verify(context.Background(), "eyJhbGciOi.e30.x"); !errors.Is(err, auth.ErrInvalid) || !strings.Contains(err.Error(), "JWTs are not accepted") {
		t.Errorf("a JWT with no JWT verifier: %v", err)
	}
}
