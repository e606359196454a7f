package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// JWTConfig says which JWTs are accepted. At least one of Secret and
// PublicKeys is needed, and Audience.
type JWTConfig struct {
	// Secret verifies HS256 tokens; at least 32 bytes.
	Secret []byte
	// PublicKeys verify RS256 (RSA, 2048 bits or more) and ES256 (P-256)
	// tokens, by key id when the token names one (kid).
	PublicKeys []PublicKey
	// Issuer, when set, must equal the iss claim.
	Issuer string
	// Audience must be among the aud claim: it keeps out tokens that the
	// same identity provider issued for other services.
	Audience string
	// Leeway allows for clock skew in exp and nbf.
	Leeway time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// PublicKey is a verification key with its optional key id.
type PublicKey struct {
	ID  string
	Key any // *rsa.PublicKey or *ecdsa.PublicKey
}

// JWT verifies JSON Web Tokens.
type JWT struct {
	cfg    JWTConfig
	parser *jwt.Parser
}

// NewJWT returns a verifier of tokens that cfg accepts. It checks the
// signature with the key of the token's algorithm (an HS256 token is never
// checked against a public key, nor the reverse), requires exp, and checks
// nbf, iss and aud.
func NewJWT(cfg JWTConfig) (*JWT, error) {
	if len(cfg.Secret) == 0 && len(cfg.PublicKeys) == 0 {
		return nil, errors.New("JWT: no secret and no public key")
	}
	if len(cfg.Secret) > 0 && len(cfg.Secret) < 32 {
		return nil, fmt.Errorf("JWT: the HS256 secret has %d bytes; use at least 32 random bytes", len(cfg.Secret))
	}
	if cfg.Audience == "" {
		return nil, errors.New("JWT: an audience is required, so that tokens issued for other services are refused")
	}
	var methods []string
	if len(cfg.Secret) > 0 {
		methods = append(methods, "HS256")
	}
	for _, k := range cfg.PublicKeys {
		switch pk := k.Key.(type) {
		case *rsa.PublicKey:
			if pk.N.BitLen() < 2048 {
				return nil, fmt.Errorf("JWT: RSA key %q has %d bits; want 2048 or more", k.ID, pk.N.BitLen())
			}
			methods = appendNew(methods, "RS256")
		case *ecdsa.PublicKey:
			if pk.Curve != elliptic.P256() {
				return nil, fmt.Errorf("JWT: EC key %q is on %s; ES256 needs P-256", k.ID, pk.Curve.Params().Name)
			}
			methods = appendNew(methods, "ES256")
		default:
			return nil, fmt.Errorf("JWT: key %q is a %T; want an RSA or P-256 EC public key", k.ID, k.Key)
		}
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(methods),
		jwt.WithExpirationRequired(),
		jwt.WithAudience(cfg.Audience),
		jwt.WithLeeway(cfg.Leeway),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(cfg.Now))
	}
	return &JWT{cfg: cfg, parser: jwt.NewParser(opts...)}, nil
}

func appendNew(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// Verify checks token and returns its subject.
func (j *JWT) Verify(_ context.Context, token string) (Identity, error) {
	var claims jwt.RegisteredClaims
	_, err := j.parser.ParseWithClaims(token, &claims, j.key)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired) || errors.Is(err, jwt.ErrTokenNotValidYet):
		return Identity{}, fmt.Errorf("%w: %v", ErrExpired, err)
	case err != nil:
		return Identity{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	case claims.Subject == "":
		return Identity{}, fmt.Errorf("%w: the token has no sub claim", ErrInvalid)
	}
	return Identity{Subject: claims.Subject, Method: "jwt"}, nil
}

// key picks the keys that may have signed t: the secret for HS256, else
// the public keys of the algorithm's type, narrowed to the token's kid
// when it has one.
func (j *JWT) key(t *jwt.Token) (any, error) {
	if _, ok := t.Header["crit"]; ok {
		// RFC 7515 4.1.11: extensions marked critical that the verifier
		// does not understand (here: any) make the token invalid.
		return nil, errors.New("the token has critical header extensions")
	}
	alg, _ := t.Header["alg"].(string)
	if alg == "HS256" {
		if len(j.cfg.Secret) == 0 {
			return nil, errors.New("no HS256 secret")
		}
		return j.cfg.Secret, nil
	}
	kid, _ := t.Header["kid"].(string)
	var set jwt.VerificationKeySet
	for _, k := range j.cfg.PublicKeys {
		if kid != "" && k.ID != "" && k.ID != kid {
			continue
		}
		switch k.Key.(type) {
		case *rsa.PublicKey:
			if alg == "RS256" {
				set.Keys = append(set.Keys, k.Key)
			}
		case *ecdsa.PublicKey:
			if alg == "ES256" {
				set.Keys = append(set.Keys, k.Key)
			}
		}
	}
	if len(set.Keys) == 0 {
		return nil, fmt.Errorf("no %s key with id %q", alg, kid)
	}
	return set, nil
}

// ReadSecretFile reads an HS256 secret, without a trailing newline.
func ReadSecretFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("JWT secret: %w", err)
	}
	return bytes.TrimRight(b, "\r\n"), nil
}

// ReadPublicKeyFile reads public keys from a PEM file ("PUBLIC KEY" or
// "CERTIFICATE" blocks) or, if it holds a JSON object, a JWKS.
func ReadPublicKeyFile(path string) ([]PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("JWT key: %w", err)
	}
	var keys []PublicKey
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		keys, err = ParseJWKS(t)
	} else {
		keys, err = ParsePEM(b)
	}
	if err != nil {
		return nil, fmt.Errorf("JWT key %s: %w", path, err)
	}
	return keys, nil
}

// ParsePEM returns the public keys of PEM "PUBLIC KEY" and "CERTIFICATE"
// blocks, without key ids.
func ParsePEM(b []byte) ([]PublicKey, error) {
	var keys []PublicKey
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		switch blk.Type {
		case "PUBLIC KEY":
			k, err := x509.ParsePKIXPublicKey(blk.Bytes)
			if err != nil {
				return nil, err
			}
			keys = append(keys, PublicKey{Key: k})
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, err
			}
			keys = append(keys, PublicKey{Key: c.PublicKey})
		default:
			return nil, fmt.Errorf("a PEM %q block: want PUBLIC KEY or CERTIFICATE (never a private key)", blk.Type)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("no PEM public key")
	}
	return keys, nil
}

// jwk is the part of a JSON Web Key (RFC 7517) that RS256 and ES256 use.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// ParseJWKS returns the signing keys of a JWKS document ({"keys": [...]}).
// Keys for encryption (use "enc") and of other types or algorithms are
// skipped, as a provider's JWKS may list them; a JWKS with no usable key
// is an error.
func ParseJWKS(b []byte) ([]PublicKey, error) {
	var doc struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	var keys []PublicKey
	for i, k := range doc.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		var key any
		var err error
		switch {
		case k.Kty == "RSA" && (k.Alg == "" || k.Alg == "RS256"):
			key, err = rsaKey(k)
		case k.Kty == "EC" && k.Crv == "P-256" && (k.Alg == "" || k.Alg == "ES256"):
			key, err = ecKey(k)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("JWKS key %d (kid %q): %w", i, k.Kid, err)
		}
		keys = append(keys, PublicKey{ID: k.Kid, Key: key})
	}
	if len(keys) == 0 {
		return nil, errors.New("JWKS: no RS256 or ES256 signing key")
	}
	return keys, nil
}

func rsaKey(k jwk) (*rsa.PublicKey, error) {
	n, err1 := base64.RawURLEncoding.DecodeString(k.N)
	e, err2 := base64.RawURLEncoding.DecodeString(k.E)
	if err := errors.Join(err1, err2); err != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
		return nil, errors.New("bad n or e")
	}
	ev := int(new(big.Int).SetBytes(e).Int64())
	if ev < 3 || ev%2 == 0 {
		return nil, errors.New("bad exponent")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: ev}, nil
}

func ecKey(k jwk) (*ecdsa.PublicKey, error) {
	x, err1 := base64.RawURLEncoding.DecodeString(k.X)
	y, err2 := base64.RawURLEncoding.DecodeString(k.Y)
	if err := errors.Join(err1, err2); err != nil || len(x) != 32 || len(y) != 32 {
		return nil, errors.New("bad x or y")
	}
	// The uncompressed point encoding, which ecdsa.ParseUncompressedPublicKey
	// checks is on the curve (an off-curve point is an attack, not a key).
	pt := append(append([]byte{4}, x...), y...)
	return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pt)
}
