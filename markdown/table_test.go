package markdown

import (
	"strings"
	"testing"
)

// TestTableCellsAreBounded renders tables whose rows are shorter than
// their header: GFM fills each row up with empty cells, so a wide header
// over many one-letter rows would make far more cells than the text has
// bytes. The cells of the HTML stay within the size of the text.
func TestTableCellsAreBounded(t *testing.T) {
	tests := []struct {
		name       string
		cols, rows int
	}{
		{"wide and long", 1000, 1000},
		{"very wide", 5000, 40},
		{"narrow and very long", 40, 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "intro\n\n" + strings.Repeat("|h", tt.cols) + "|\n" + strings.Repeat("|-", tt.cols) + "|\n" + strings.Repeat("b\n", tt.rows)
			html := ToHTML(src)
			cells := strings.Count(html, "<td") + strings.Count(html, "<th")
			if cells > len(src) {
				t.Errorf("%d bytes of Markdown gave %d table cells, want at most %d", len(src), cells, len(src))
			}
			if !strings.Contains(html, "intro") || !strings.Contains(PlainText(src), "intro") {
				t.Errorf("the text around the table is lost")
			}
		})
	}
}

// TestTablesWithinTheBound checks that ordinary tables, short rows
// included, still render as tables.
func TestTablesWithinTheBound(t *testing.T) {
	src := "| name | type | note |\n|:-----|:----:|-----:|\n| id | integer |\n| name | string | the name |\n"
	html := ToHTML(src)
	for _, want := range []string{"<table>", "<th>name</th>", "<td>integer</td>\n<td></td>", "<td>the name</td>"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML %q lacks %q", html, want)
		}
	}
	long := "|a|b|\n|-|-|\n" + strings.Repeat("|1|2|\n", 3000)
	if got := strings.Count(ToHTML(long), "<td"); got != 6000 {
		t.Errorf("a long table of full rows has %d cells, want 6000", got)
	}
}
