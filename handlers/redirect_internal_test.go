package handlers

import "testing"

func TestLocalPath(t *testing.T) {
	for _, tt := range []struct {
		next string
		want bool
	}{
		{"/", true},
		{"/profile", true},
		{"/apis/payments/versions/1.0.0?tab=reference#ops", true},
		{"/catalog?q=a%20b&team=x", true},
		{"/reviews/12%3Fx", true},
		{"", false},
		{"profile", false},
		{"//evil.example", false},
		{"///evil.example", false},
		{"/\\evil.example", false},
		{"\\\\evil.example", false},
		{"/\t/evil.example", false},
		{"/%09/evil.example", false},
		{"/\r\n/evil.example", false},
		{"/%0d%0a/evil.example", false},
		{"/%0a", false},
		{"/%00", false},
		{"/x\x7f", false},
		{"/%2fevil.example", false},
		{"/%2Fevil.example", false},
		{"/%5cevil.example", false},
		{"/%5Cevil.example", false},
		{"/%252f%252fevil.example", false},
		{"/%25%32%66evil.example", false},
		{"/a/b\\c", false},
		{"https://evil.example/", false},
		{"http:/evil.example", false},
		{"javascript:alert(1)", false},
		{"JAVASCRIPT:alert(1)", false},
		{" /profile", false},
		{"\t//evil.example", false},
		{"data:text/html,x", false},
		{"/%", false},
		{"/\u2028/evil.example", false},
	} {
		if got := localPath(tt.next); got != tt.want {
			t.Errorf("localPath(%q) = %v, want %v", tt.next, got, tt.want)
		}
	}
}
