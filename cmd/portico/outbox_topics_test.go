package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// releasedOutboxTopics are the outbox topics each landed version writes, by
// its commit: the commits .ci/upgrade-from has named (the previous version
// a rolling upgrade starts from), newest last. When .ci/upgrade-from moves,
// add its commit with the topics it writes (every topic passed to
// store.Enqueue in that tree; see store.TopicGatewayChanged for the rule).
var releasedOutboxTopics = []struct {
	commit string
	topics []string
}{
	{"07479daf176b46cbdd04191f34d9dd0800b25119", []string{"gateway.changed", "search.index"}}, // stop 52
	{"d154634bcd69e9da105fbc7801f3f529b1561813", []string{"gateway.changed", "search.index"}}, // stop 53
	{"c79e0caaf3f69856337fee574186f993ba3e132a", []string{"gateway.changed", "search.index"}}, // stop 54
	{"dca3a567a67a6efab15071889fd47ea4cfd93d9a", []string{"gateway.changed", "search.index"}}, // stop 55
	{"3dfb92b582bc904f0a7b7ab6bc1c78b3564b2bac", []string{"gateway.changed", "search.index"}}, // stop 56
	{"7d397db965d7d7afda284dcc41a2ae3073164ff9", []string{"gateway.changed", "search.index"}}, // stop 57
	{"ce2a8e47c3c9f64f9493ed1211bc38f7b03bc4af", []string{"gateway.changed", "search.index"}}, // stop 58
	{"098cdc531b23992ed959ada9168efae834540003", []string{"gateway.changed", "search.index"}}, // stop 59
	{"1b9426c6923315d7b09f19fc0c816cdc9ddd25c6", []string{"gateway.changed", "search.index"}}, // stop 60
}

// TestOutboxTopicsOfThePreviousVersionAreHandled: during a rolling upgrade
// the older instances' outbox messages are left to, or taken by, the newer
// ones (a worker claims only the topics it has handlers for), so this
// version has a handler for every topic the previous version writes (the
// commit .ci/upgrade-from names, which must be listed) and the ones before
// it that are still listed; a topic without one would stay pending for
// good once the older instances are gone.
func TestOutboxTopicsOfThePreviousVersionAreHandled(t *testing.T) {
	b, err := os.ReadFile("../../.ci/upgrade-from")
	if err != nil {
		t.Fatal(err)
	}
	previous := regexp.MustCompile(`(?m)^[0-9a-f]{40}$`).FindString(string(b))
	if previous == "" {
		t.Fatalf(".ci/upgrade-from names no commit: %q", b)
	}
	checkOutboxTopics(t, previous, outboxHandlerTopics())

	// A handler gone, a previous version not listed: both reported.
	var fake fakeT
	checkOutboxTopics(&fake, previous, slices.DeleteFunc(outboxHandlerTopics(), func(s string) bool { return s == "gateway.changed" }))
	checkOutboxTopics(&fake, strings.Repeat("0", 40), outboxHandlerTopics())
	// One report per listed version that writes the topic, then the commit.
	want := 1
	for _, r := range releasedOutboxTopics {
		if slices.Contains(r.topics, "gateway.changed") {
			want++
		}
	}
	last := len(fake.errs) - 1
	if len(fake.errs) != want || !strings.Contains(fake.errs[0], `"gateway.changed"`) || !strings.Contains(fake.errs[last], strings.Repeat("0", 40)) {
		t.Errorf("the check reported %q, want the topic without a handler (once per version that writes it) and the commit not listed", fake.errs)
	}
}

func outboxHandlerTopics() []string {
	var topics []string
	for topic := range outboxHandlers(nil, nil) {
		topics = append(topics, topic)
	}
	return topics
}

// checkOutboxTopics reports each listed topic without a handler among
// handled, and the previous version's commit when it is not listed.
func checkOutboxTopics(t interface{ Errorf(string, ...any) }, previous string, handled []string) {
	listed := false
	for _, r := range releasedOutboxTopics {
		listed = listed || r.commit == previous
		for _, topic := range r.topics {
			if !slices.Contains(handled, topic) {
				t.Errorf("outbox topic %q, which %.7s writes, has no handler in this version: its messages would stay pending for good after a rolling upgrade (keep its handler in outboxHandlers)", topic, r.commit)
			}
		}
	}
	if !listed {
		t.Errorf("the previous version %s (.ci/upgrade-from) is not in releasedOutboxTopics: add it with the outbox topics it writes", previous)
	}
}

// fakeT collects what a check reports.
type fakeT struct{ errs []string }

func (f *fakeT) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
