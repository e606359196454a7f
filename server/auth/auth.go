// Package auth authenticates API clients by bearer token: API keys kept as
// SHA-256 hashes in a file, and JWTs signed with a shared secret (HS256) or
// a private key whose public half is configured as a PEM file or a JWKS
// file (RS256, ES256).
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Identity is an authenticated client.
type Identity struct {
	// Subject names the client: an API key's name or a JWT's sub claim.
	Subject string
	// Method says how it proved it: "api_key" or "jwt". Two methods may
	// use the same subject for different clients, so the pair identifies
	// a client.
	Method string
}

// The classes of failure a client is told about. Detail beyond these (a
// bad signature, an unknown key id) goes to the log only, so that a caller
// probing tokens learns nothing that would help it.
var (
	// ErrNoToken: the request has no Authorization header.
	ErrNoToken = errors.New("the request has no bearer token")
	// ErrMalformed: the Authorization header is not "Bearer <token>".
	ErrMalformed = errors.New("the Authorization header must be Bearer followed by one token")
	// ErrInvalid: the token is not one this server accepts.
	ErrInvalid = errors.New("the bearer token is not valid")
	// ErrExpired: the token was valid but is past its expiry (or before
	// its not-before time); the client should get a new one.
	ErrExpired = errors.New("the bearer token has expired or is not valid yet")
)

// Verifier checks a bearer token. Its errors wrap ErrInvalid or
// ErrExpired, with the detail for the log.
type Verifier interface {
	Verify(ctx context.Context, token string) (Identity, error)
}

// BearerToken returns the token of r's Authorization header: ErrNoToken
// when there is none, ErrMalformed when it is not a bearer token.
func BearerToken(r *http.Request) (string, error) {
	h := r.Header.Values("Authorization")
	switch {
	case len(h) == 0:
		return "", ErrNoToken
	case len(h) > 1:
		return "", ErrMalformed
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(h[0]), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", ErrMalformed
	}
	return token, nil
}

// Any accepts a token that either verifier accepts: API keys (which start
// with KeyPrefix) go to keys, every other token to jwt. Either may be nil.
func Any(keys, jwt Verifier) Verifier {
	return anyVerifier{keys: keys, jwt: jwt}
}

type anyVerifier struct{ keys, jwt Verifier }

func (a anyVerifier) Verify(ctx context.Context, token string) (Identity, error) {
	v, kind := a.jwt, "JWTs are"
	if strings.HasPrefix(token, KeyPrefix) {
		v, kind = a.keys, "API keys are"
	}
	if v == nil {
		return Identity{}, fmt.Errorf("%w: %s not accepted here", ErrInvalid, kind)
	}
	return v.Verify(ctx, token)
}
