package components

import (
	"reflect"
	"testing"
)

func TestMessageRuns(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want []textRun
	}{
		{"", nil},
		{"plain, as stored before names were marked.", []textRun{{Text: "plain, as stored before names were marked."}}},
		{"\u2068dev\u2069 asks to publish \u2068واجهة\u2069 \u20681.0.0\u2069.", []textRun{
			{Text: "dev", Isolated: true}, {Text: " asks to publish "}, {Text: "واجهة", Isolated: true},
			{Text: " "}, {Text: "1.0.0", Isolated: true}, {Text: "."}}},
		{"a \u2068open", []textRun{{Text: "a "}, {Text: "open", Isolated: true}}},
		{"\u2068\u2069", []textRun{{Text: "", Isolated: true}}},
	} {
		if got := messageRuns(c.msg); !reflect.DeepEqual(got, c.want) {
			t.Errorf("messageRuns(%q) = %#v, want %#v", c.msg, got, c.want)
		}
	}
}
