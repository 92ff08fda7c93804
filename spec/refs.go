package spec

import (
	"net/url"
	"strings"

	"go.yaml.in/yaml/v4"
)

// References bound. kin-openapi resolves and validates a description's
// $refs in time that grows with how deep they nest and with how much each
// reference brings in: it sorts and validates a referenced schema again at
// each reference to it, and resolves each level of a chain of references
// relative to the whole path above it. 300 operations answering with one
// schema of 6,000 properties (233 KB) took 2-8 s to parse; a chain of
// 4,000 schemas each referring to the next (190 KB), 10 s. Both are
// measured on the YAML tree before kin-openapi reads it.
const (
	// MaxRefDepth is the longest chain of references a description may
	// have: a $ref to something holding a $ref to something holding a
	// $ref… The deepest sample chain (Stripe's) is 15.
	MaxRefDepth = 64
	// MaxRefValues is the most values the references of a description may
	// bring in: each $ref counts the values it refers to, and those of
	// the references within them, directly or not (each referenced
	// component once per $ref). Stripe's description, the sample that
	// brings in most, brings in 1.55 million.
	MaxRefValues = 4_000_000
)

// refTarget is the value a local reference points to, measured once.
type refTarget struct {
	node  *yaml.Node
	size  int      // values of the node itself, aliases expanded
	refs  []string // the distinct $refs within it
	state int      // 0 not measured, 1 measuring its depth, 2 measured
	depth int      // longest chain of references from it
	reach int      // values it brings in with what it refers to; 0 unknown
}

type refGraph struct {
	root    *yaml.Node
	targets map[string]*refTarget
}

// checkReferences refuses a description whose references chain deeper
// than MaxRefDepth or bring in more than MaxRefValues values, naming the
// reference where it goes over.
func checkReferences(root *yaml.Node) *ValidationError {
	if len(root.Content) == 0 {
		return nil
	}
	g := &refGraph{root: root.Content[0], targets: map[string]*refTarget{}}
	counts := map[string]int{}
	var order []string
	walkRefs(g.root, map[*yaml.Node]bool{}, func(ref string) {
		if counts[ref] == 0 {
			order = append(order, ref)
		}
		counts[ref]++
	})
	for _, ref := range order {
		if t := g.target(ref); t != nil && g.depth(t) > MaxRefDepth {
			return refProblem(ref, "the reference %q starts a chain of more than %d references (a $ref to something that holds a $ref, and so on), the most allowed", ref, MaxRefDepth)
		}
	}
	total := 0
	for _, ref := range order {
		t := g.target(ref)
		if t == nil {
			continue
		}
		reach := g.reach(t, MaxRefValues-total)
		if total += counts[ref] * reach; total > MaxRefValues {
			return refProblem(ref, "the references of the description bring in more than %s values (each $ref counts the values it refers to, directly or not), more than the %s allowed; %q, used %d times, brings in %s",
				thousands(MaxRefValues), thousands(MaxRefValues), ref, counts[ref], thousands(reach))
		}
	}
	return nil
}

func refProblem(ref, format string, args ...any) *ValidationError {
	verr := invalid("", format, args...)
	verr.Problems[0].ref = ref
	return verr
}

// walkRefs calls f with the value of every $ref under n, aliases followed
// (each aliased node once), and returns the number of values under n.
func walkRefs(n *yaml.Node, seen map[*yaml.Node]bool, f func(ref string)) int {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	size := 1
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := n.Content[i+1]; n.Content[i].Value == "$ref" && v.Kind == yaml.ScalarNode {
				f(v.Value)
			}
		}
	}
	if seen[n] {
		return size
	}
	seen[n] = true
	for _, c := range n.Content {
		size += walkRefs(c, seen, f)
	}
	return size
}

// target is the value ref points to in the document, measured, or nil
// when it points elsewhere or to nothing (the loader says so later).
func (g *refGraph) target(ref string) *refTarget {
	if t, ok := g.targets[ref]; ok {
		return t
	}
	g.targets[ref] = nil
	frag, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil
	}
	if u, err := url.PathUnescape(frag); err == nil {
		frag = u
	}
	n := g.root
	for _, seg := range pointerSegments(frag) {
		if n, _ = pointerStep(n, seg); n == nil {
			return nil
		}
	}
	t := &refTarget{node: n}
	distinct := map[string]bool{}
	t.size = walkRefs(n, map[*yaml.Node]bool{}, func(r string) {
		if !distinct[r] {
			distinct[r] = true
			t.refs = append(t.refs, r)
		}
	})
	g.targets[ref] = t
	return t
}

// depth is the longest chain of references from t, a reference back to
// one being measured counting for nothing; it stops past MaxRefDepth.
func (g *refGraph) depth(t *refTarget) int {
	switch t.state {
	case 1:
		return 0
	case 2:
		return t.depth
	}
	t.state = 1
	for _, r := range t.refs {
		if u := g.target(r); u != nil {
			if t.depth = max(t.depth, 1+g.depth(u)); t.depth > MaxRefDepth {
				break
			}
		}
	}
	t.state = 2
	return t.depth
}

// reach is the number of values t brings in: its own and those of every
// target it refers to, directly or not, each once. It stops counting
// past limit.
func (g *refGraph) reach(t *refTarget, limit int) int {
	if t.reach > 0 {
		return t.reach
	}
	seen := map[*refTarget]bool{t: true}
	stack := []*refTarget{t}
	total := 0
	for len(stack) > 0 && total <= limit {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		total += u.size
		for _, r := range u.refs {
			if v := g.target(r); v != nil && !seen[v] {
				seen[v] = true
				stack = append(stack, v)
			}
		}
	}
	if total <= limit {
		t.reach = total
	}
	return total
}
