package spec

import "testing"

// TestCarriedKeys: an acceptance follows its finding renamed by a newer
// gate only to one finding of the same rule, text and operation.
func TestCarriedKeys(t *testing.T) {
	ch := func(id, op, text string) Change {
		c := Change{ID: id, Operation: op, Text: text}
		c.Key = changeKey(c)
		return c
	}
	removed := ch("webhook-removed", "", "removed the webhook 'ev'")
	payload := ch("request-property-removed", "POST webhook:ev", "removed the request property 'id'")
	other := ch("api-path-removed-without-deprecation", "GET /a", "api path removed without deprecation")
	old := &Report{Diff: &DiffReport{Changes: []Change{removed, payload, other}}}
	next := &Report{Diff: &DiffReport{Changes: []Change{
		ch("webhook-removed", "webhook ev (POST)", "removed the webhook 'ev'"),
		ch("response-property-removed", "webhook ev (POST)", "the webhook ev, in the payload the API sends: removed the response property 'id'"),
		other,
		ch("request-property-removed", "webhook other (POST)", "the webhook other, in what the consumer answers: removed the request property 'id'"),
	}}}
	got := CarriedKeys(old, next, []string{removed.Key, payload.Key, other.Key})
	if len(got) != 1 || got[removed.Key] != next.Diff.Changes[0].Key {
		t.Errorf("carried %v; want only webhook-removed, to %s (the payload finding changed rule and is at another webhook)", got, next.Diff.Changes[0].Key)
	}
	// Two findings that fit: none is chosen.
	next.Diff.Changes = append(next.Diff.Changes, ch("webhook-removed", "webhook ev (POST, PUT)", "removed the webhook 'ev'"))
	if got := CarriedKeys(old, next, []string{removed.Key}); len(got) != 0 {
		t.Errorf("carried %v with two fitting findings; want none", got)
	}
	// The same finding named alike by both gates keeps its key: nothing to carry.
	if got := CarriedKeys(old, next, []string{other.Key}); len(got) != 0 {
		t.Errorf("carried %v for an unchanged finding; want none", got)
	}
	if !sameOperation("POST webhook:ev", "webhook ev (POST)") || sameOperation("POST webhook:ev", "webhook ev2 (POST)") || sameOperation("PUT webhook:ev", "webhook ev (POST)") {
		t.Error("sameOperation does not map oasdiff's webhook operations to the webhook's")
	}
}
