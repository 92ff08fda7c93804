package control

import (
	"errors"
	"strings"
	"testing"

	"github.com/portico-dev/portico/apperr"
)

// TestTargetRefusalIsBounded: the refusal of a target that is not a URL
// names the problem and quotes the target once, cut and isolated
// (store.Echo), whatever its length: Go's URL parse error, which quotes
// the whole URL again, is not passed on.
func TestTargetRefusalIsBounded(t *testing.T) {
	for _, target := range []string{
		"http://[::1" + strings.Repeat("b", 1990),        // 2,000 characters: over MaxTargetURL
		"http://[::1" + strings.Repeat("b", 480),         // under MaxTargetURL: parse error "missing ']' in host"
		"http://%zz" + strings.Repeat("c", 480),          // parse error "invalid URL escape"
		"http://host:80" + strings.Repeat("\u05d0", 400), // Hebrew: parse error "invalid port"
	} {
		in := SettingsInput{Targets: []string{target}}
		_, err := in.normalize()
		var ie *apperr.InputError
		if !errors.As(err, &ie) {
			t.Fatalf("target of %d characters: %v, want a field error", len(target), err)
		}
		msg := ie.Fields["targets"]
		head := target[:11]
		if len(msg) > 400 || strings.Count(msg, head) > 1 || strings.Contains(msg, head) && !strings.Contains(msg, "\u2068"+`"`+head) {
			t.Errorf("target of %d characters: message of %d bytes %q, want it bounded, the target quoted at most once and isolated", len(target), len(msg), msg)
		}
	}
}
