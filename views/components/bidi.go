package components

import "strings"

// textRun is a piece of a message: plain text, or a name to isolate.
type textRun struct {
	Text     string
	Isolated bool
}

// messageRuns splits a message at the marks store.Isolate puts around names
// (U+2068 … U+2069). A message without marks is one plain run; a mark left
// open runs to the end of the message.
func messageRuns(msg string) []textRun {
	var runs []textRun
	for msg != "" {
		i := strings.IndexRune(msg, '\u2068')
		if i < 0 {
			runs = append(runs, textRun{Text: msg})
			break
		}
		if i > 0 {
			runs = append(runs, textRun{Text: msg[:i]})
		}
		msg = msg[i+len("\u2068"):]
		j := strings.IndexRune(msg, '\u2069')
		if j < 0 {
			j = len(msg)
		}
		runs = append(runs, textRun{Text: msg[:j], Isolated: true})
		msg = strings.TrimPrefix(msg[j:], "\u2069")
	}
	return runs
}
