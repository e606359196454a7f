package auth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// KeyPrefix starts every API key, so that a leaked key is recognisable
// (secret scanners, logs) and is told apart from a JWT.
const KeyPrefix = "pg_"

// keyBytes is how much randomness a key carries: 256 bits, which no one
// can guess, so an unsalted fast hash is enough to store it (unlike a
// password, it cannot be found by trying likely values).
const keyBytes = 32

// validName is what a key's name may hold: it appears in access logs and
// keys the rate limiter.
var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// NewKey returns a new random API key and the line of the key file that
// accepts it under name.
func NewKey(name string) (key, line string, err error) {
	if !validName.MatchString(name) {
		return "", "", fmt.Errorf("key name %q: want 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", name)
	}
	b := make([]byte, keyBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("random key: %w", err)
	}
	key = KeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return key, name + ":" + HashKey(key), nil
}

// HashKey returns the hex SHA-256 of key, as the key file stores it.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// KeySet verifies API keys against their hashes.
type KeySet struct {
	keys []storedKey
}

type storedKey struct {
	name string
	hash [sha256.Size]byte
}

// Len is the number of keys.
func (s *KeySet) Len() int { return len(s.keys) }

// ReadKeyFile reads the key file at path (see ParseKeys).
func ReadKeyFile(path string) (*KeySet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("API key file: %w", err)
	}
	defer func() { _ = f.Close() }() // read only
	s, err := ParseKeys(f)
	if err != nil {
		return nil, fmt.Errorf("API key file %s%w", path, err)
	}
	return s, nil
}

// ParseKeys reads one key a line, "name:sha256-hex"; blank lines and lines
// starting with # are ignored. Names must be unique and there must be at
// least one key, so that a mistyped file never leaves the server open or
// locked.
func ParseKeys(r io.Reader) (*KeySet, error) {
	s := &KeySet{}
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, h, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf(":%d: want name:sha256-hex, as policygraph apikey prints", n)
		}
		if !validName.MatchString(name) {
			return nil, fmt.Errorf(":%d: key name %q: want letters, digits, '.', '_', '@' or '-'", n, name)
		}
		if prev, dup := seen[name]; dup {
			return nil, fmt.Errorf(":%d: key name %q is also on line %d", n, name, prev)
		}
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf(":%d: key %q: the hash must be 64 hex digits (SHA-256), not the key itself", n, name)
		}
		k := storedKey{name: name}
		copy(k.hash[:], b)
		s.keys = append(s.keys, k)
		seen[name] = n
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf(": %w", err)
	}
	if len(s.keys) == 0 {
		return nil, fmt.Errorf(": no keys")
	}
	return s, nil
}

// Verify accepts a key whose hash is in the set. It compares against every
// hash in constant time, so timing reveals nothing of which hash is near.
func (s *KeySet) Verify(_ context.Context, token string) (Identity, error) {
	sum := sha256.Sum256([]byte(token))
	match := -1
	for i := range s.keys {
		if subtle.ConstantTimeCompare(sum[:], s.keys[i].hash[:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return Identity{}, fmt.Errorf("%w: unknown API key", ErrInvalid)
	}
	return Identity{Subject: s.keys[match].name, Method: "api_key"}, nil
}
