package e2e

import (
	"encoding/json"
	"testing"
)

// smallPathsJS lists the paths of the docs (the sidebar's and the
// operations') whose text is drawn smaller than 12 px.
const smallPathsJS = `(() => {
	const bad = [];
	for (const e of document.querySelectorAll('[data-testid="sidebar-op"] .mono, [data-testid="operation-path"]')) {
		if (!e.checkVisibility()) continue;
		const size = parseFloat(getComputedStyle(e).fontSize);
		if (size < 12) bad.push(e.textContent.trim() + ': ' + size + ' px');
	}
	return JSON.stringify(bad);
})()`

// TestDocsPathsReadable: on phones (360 and 414 px) and on a desktop, the
// paths of the docs' operations, in the sidebar and in the operations
// themselves, are drawn at 12 px or more.
func TestDocsPathsReadable(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	b := newBrowser(t)
	b.login(p, "dev")
	for _, width := range []int64{360, 414, 1280} {
		b.screen(width, 800)
		b.visit(p.url + "/apis/nexmo-sms/versions/1.0.0")
		if !b.visible(`[data-testid="sidebar-op"] .mono`) {
			t.Fatalf("at %d px: no path in the docs' sidebar", width)
		}
		var bad []string
		if err := json.Unmarshal([]byte(b.eval(smallPathsJS)), &bad); err != nil {
			t.Fatal(err)
		}
		for _, s := range bad {
			t.Errorf("at %d px: path %s, want 12 px or more", width, s)
		}
	}
	b.checkClean()
}
