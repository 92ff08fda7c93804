package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// A version's JSON whose findings cannot be judged because the database
// fails is an error of the server (500, a problem document), not a 200
// with empty findings and the driver's message: a client would read "no
// findings" where there may be some, and the message is internal.
func TestVersionJSONWhenFindingsFail(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	// The org's rule settings, read to judge the findings, become
	// unreadable: a fault of the database, not of the description.
	if _, err := e.store.DB().ExecContext(context.Background(), "ALTER TABLE rule_settings RENAME TO rule_settings_gone"); err != nil {
		t.Fatal(err)
	}
	res, out := e.api("GET", "/api/v1/apis/pets/versions/1.0.0", e.tok["dev"], nil)
	body := fmt.Sprint(out)
	if res.StatusCode != 500 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("status %d (%s), want 500 problem+json: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if strings.Contains(body, "rule_settings") {
		t.Errorf("the answer shows the internal error: %s", body)
	}
}
