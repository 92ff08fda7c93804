package search

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Synonyms are groups of equivalent words or short phrases ("repo", "repository"): a query with one member of a group
// also finds the APIs that use another, ranked a little below those that use the query's own words. Members are
// lowercase, single-spaced, unique within a group.
type Synonyms [][]string

// Bounds of a synonym list.
const (
	MaxSynonymGroups    = 300
	MaxSynonymsPerGroup = 12
	MaxSynonymLength    = 60 // characters of one member
	MaxSynonymWords     = 4  // words of one member
	MaxSynonymsText     = 32 << 10
)

// DefaultSynonyms is Portico's list of API-domain synonyms, the org's until an admin edits it.
func DefaultSynonyms() Synonyms {
	return Synonyms{
		{"repo", "repository"},
		{"email", "e-mail", "mail"},
		{"auth", "authentication", "login", "signin"},
		{"authz", "authorization", "access control"},
		{"2fa", "mfa", "two factor authentication", "multi factor authentication", "one time password", "otp"},
		{"sms", "text message", "texting", "text"},
		{"geocode", "geocoding", "address lookup", "address to coordinates"},
		{"zip code", "postal code", "postcode"},
		{"timezone", "time zone"},
		{"ip", "ip address"},
		{"im", "instant messaging", "chat"},
		{"ci", "continuous integration"},
		{"cd", "continuous delivery", "continuous deployment"},
		{"crm", "customer relationship management"},
		{"hr", "human resources", "personnel"},
		{"employee", "staff"},
		{"todo", "task"},
		{"iot", "internet of things"},
		{"fx", "forex", "foreign exchange", "exchange rate"},
		{"vat", "value added tax"},
		{"kyc", "know your customer", "identity verification"},
		{"invoice", "bill"},
		{"webhook", "callback"},
		{"image", "picture", "photo"},
		{"gif", "animated image"},
		{"song", "track"},
		{"movie", "film"},
		{"parcel", "package", "shipment"},
		{"subscription", "recurring payment", "recurring billing"},
		{"error tracking", "exception tracking", "crash reporting"},
		{"url shortener", "link shortener", "short link"},
		{"qr", "qr code"},
	}
}

// ErrInvalidSynonyms reports a synonym list that cannot be used; the message says what to change.
var ErrInvalidSynonyms = errors.New("invalid synonyms")

// ParseSynonyms reads a synonym list written one group per line, members separated by commas ("repo, repository").
// Blank lines and lines starting with # are skipped.
func ParseSynonyms(text string) (Synonyms, error) {
	if len(text) > MaxSynonymsText {
		return nil, fmt.Errorf("%w: keep the list under %d KB", ErrInvalidSynonyms, MaxSynonymsText>>10)
	}
	var groups [][]string
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		g, err := synonymGroup(strings.Split(line, ","))
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %s", ErrInvalidSynonyms, i+1, err.Error())
		}
		groups = append(groups, g)
	}
	return checkSynonymCount(groups)
}

// NormalizeSynonyms checks and normalises groups given as lists (the JSON API's form).
func NormalizeSynonyms(groups [][]string) (Synonyms, error) {
	out := make([][]string, 0, len(groups))
	for i, members := range groups {
		if i >= MaxSynonymGroups {
			break
		}
		g, err := synonymGroup(members)
		if err != nil {
			return nil, fmt.Errorf("%w: group %d: %s", ErrInvalidSynonyms, i+1, err.Error())
		}
		out = append(out, g)
	}
	if len(groups) > MaxSynonymGroups {
		return nil, fmt.Errorf("%w: at most %d groups", ErrInvalidSynonyms, MaxSynonymGroups)
	}
	return checkSynonymCount(out)
}

func checkSynonymCount(groups [][]string) (Synonyms, error) {
	if len(groups) > MaxSynonymGroups {
		return nil, fmt.Errorf("%w: at most %d groups", ErrInvalidSynonyms, MaxSynonymGroups)
	}
	if groups == nil {
		groups = [][]string{}
	}
	return Synonyms(groups), nil
}

// synonymGroup normalises the members of one group and checks their bounds.
func synonymGroup(members []string) ([]string, error) {
	if len(members) > MaxSynonymsPerGroup {
		return nil, fmt.Errorf("at most %d synonyms in a group", MaxSynonymsPerGroup)
	}
	var g []string
	for _, m := range members {
		m = strings.Join(strings.Fields(strings.ToLower(m)), " ")
		if m == "" {
			continue
		}
		if !utf8.ValidString(m) || utf8.RuneCountInString(m) > MaxSynonymLength {
			return nil, fmt.Errorf("%q: at most %d characters", truncateRunes(m, MaxSynonymLength), MaxSynonymLength)
		}
		if len(strings.Fields(m)) > MaxSynonymWords {
			return nil, fmt.Errorf("%q: at most %d words", m, MaxSynonymWords)
		}
		dup := false
		for _, o := range g {
			dup = dup || o == m
		}
		if !dup {
			g = append(g, m)
		}
	}
	if len(g) < 2 {
		return nil, errors.New("a group needs two different synonyms or more, separated by commas")
	}
	return g, nil
}

// Text writes the list as ParseSynonyms reads it.
func (s Synonyms) Text() string {
	var b strings.Builder
	for _, g := range s {
		b.WriteString(strings.Join(g, ", "))
		b.WriteByte('\n')
	}
	return b.String()
}

// expansions maps each member of every group to the other members of its group: a query word or phrase equal to a
// key is also looked up as each of its values.
func (s Synonyms) expansions() map[string][]string {
	out := map[string][]string{}
	for _, g := range s {
		for _, m := range g {
			for _, o := range g {
				if o != m {
					out[m] = append(out[m], o)
				}
			}
		}
	}
	return out
}
