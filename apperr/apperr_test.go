package apperr

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct {
		value string
		max   int
		want  string // part of the message, "" when accepted
	}{
		{"", 3, ""},
		{"abc", 3, ""},
		{"ééé", 3, ""}, // characters, not bytes
		{"abcd", 3, "at most 3 characters: this has 4"},
		{"éééé", 3, "at most 3 characters: this has 4"},
		{"ab\xff", 3, "not valid UTF-8"},
	}
	for _, tt := range tests {
		errs := map[string]string{}
		ok := Text(errs, "name", tt.value, tt.max)
		got := errs["name"]
		if ok != (tt.want == "") || !strings.Contains(got, tt.want) || (tt.want == "" && got != "") {
			t.Errorf("Text(%q, %d): got %v %q, want message containing %q", tt.value, tt.max, ok, got, tt.want)
		}
	}
	errs := map[string]string{"name": "first"}
	Text(errs, "name", "abcd", 3)
	if errs["name"] != "first" {
		t.Errorf("Text replaced an earlier message: got %q", errs["name"])
	}
	if err := CheckText("note", "abcd", 3); err == nil || !strings.Contains(err.Error(), "note: Use at most 3") {
		t.Errorf("CheckText: got %v, want an input error for note", err)
	}
	if err := CheckText("note", "abc", 3); err != nil {
		t.Errorf("CheckText within the limit: got %v", err)
	}
}
