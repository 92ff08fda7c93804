package search

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSnippet(t *testing.T) {
	long := strings.Repeat("alpha ", 40) + "needle " + strings.Repeat("omega ", 40)
	tests := []struct {
		name  string
		text  string
		spans []span
		want  string
	}{
		{"no match", "plain text", nil, ""},
		{"escapes around the mark", `<b>a</b> & "needle"`, []span{{12, 18}}, `&lt;b&gt;a&lt;/b&gt; &amp; &#34;<mark>needle</mark>&#34;`},
		{"merges overlapping spans", "needles", []span{{0, 6}, {2, 7}}, "<mark>needles</mark>"},
		{"drops spans outside the text", "abc", []span{{1, 2}, {2, 9}}, "a<mark>b</mark>c"},
		{"drops spans inside a rune", "héllo", []span{{2, 4}}, ""},
		{
			"cuts long text around the first match", long, []span{{240, 246}},
			"…" + strings.Repeat("alpha ", 6) + "<mark>needle</mark> " + strings.TrimSpace(strings.Repeat("omega ", 19)) + "…",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := snippet(tt.text, tt.spans, snippetWidth); got != tt.want {
				t.Errorf("snippet: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnmark(t *testing.T) {
	tests := []struct {
		in        string
		wantText  string
		wantSpans []span
	}{
		{"no marks", "no marks", nil},
		{"a <mark>b</mark> c <mark>dd</mark>", "a b c dd", []span{{2, 3}, {6, 8}}},
		{"<script> <mark>x</mark>", "<script> x", []span{{9, 10}}},
		{"unpaired <mark>x", "unpaired <mark>x", nil},
	}
	for _, tt := range tests {
		text, spans := unmark(tt.in, "<mark>", "</mark>")
		if text != tt.wantText || !slices.Equal(spans, tt.wantSpans) {
			t.Errorf("unmark(%q): got %q %v, want %q %v", tt.in, text, spans, tt.wantText, tt.wantSpans)
		}
	}
}

func TestOperationText(t *testing.T) {
	op := Operation{Method: "post", Path: "/v1/sms/{message_id}", OperationID: "sendSMSMessage", Summary: "Send an SMS"}
	if got, want := operationLine(op), "POST /v1/sms/{message_id} · Send an SMS · sendSMSMessage"; got != want {
		t.Errorf("operationLine: got %q, want %q", got, want)
	}
	if got, want := operationWords([]Operation{op}), "v1 sms message id send"; got != want {
		t.Errorf("operationWords: got %q, want %q", got, want)
	}
	if got, want := splitCamel("getHTTPStatus2"), []string{"get", "HTTP", "Status", "2"}; !slices.Equal(got, want) {
		t.Errorf("splitCamel: got %q, want %q", got, want)
	}
}

func TestOperationSummary(t *testing.T) {
	long := strings.Repeat("word ", 40)
	tests := []struct {
		name string
		op   Operation
		want string
	}{
		{"its summary", Operation{Summary: " Send an  SMS ", Description: "Sends a message. Costs a credit."}, "Send an SMS"},
		{"no summary: the description's first sentence", Operation{Description: "Fetch current comic\nand metadata. Returns JSON."}, "Fetch current comic and metadata."},
		{"no summary, one sentence", Operation{Description: "Lists the charges"}, "Lists the charges"},
		{"a long sentence is cut", Operation{Description: long}, strings.TrimSpace(long)[:maxOpSummary-1] + "…"},
		{"neither", Operation{Method: "get", Path: "/x"}, ""},
	}
	for _, tt := range tests {
		if got := operationSummary(tt.op); got != tt.want {
			t.Errorf("%s: operationSummary: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in               Query
		wantPage, wantPP int
		wantSort         string
		wantErr          error
	}{
		{Query{}, 1, DefaultPerPage, SortRelevance, nil},
		{Query{Page: -3, PerPage: 1000, Sort: SortName}, 1, MaxPerPage, SortName, nil},
		{Query{Page: 4, PerPage: 7, Sort: SortUpdated}, 4, 7, SortUpdated, nil},
		{Query{Sort: "stars"}, 0, 0, "", ErrInvalidQuery},
	}
	for _, tt := range tests {
		got, err := normalize(tt.in)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("normalize(%+v): got error %v, want %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && (got.Page != tt.wantPage || got.PerPage != tt.wantPP || got.Sort != tt.wantSort) {
			t.Errorf("normalize(%+v): got page %d, per page %d, sort %q, want %d, %d, %q",
				tt.in, got.Page, got.PerPage, got.Sort, tt.wantPage, tt.wantPP, tt.wantSort)
		}
	}
}
