package components

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Pager is the numbered page navigation of a list: previous and next, the
// first and last page numbers with two on each side of the current one, and
// a form to jump to any page.
type Pager struct {
	Page, Pages int
	Prev, Next  string // "" when there is no such page
	Links       []PageLink
	// Action is the jump form's path; Hidden the list's other parameters,
	// which the form sends again.
	Action string
	Hidden []Param
	// More says that the list goes on past Pages (it was counted only that
	// far): the jump form says "of Pages+".
	More bool
}

// PageLink is one numbered page, or a gap between numbers.
type PageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool
}

// Param is one query parameter.
type Param struct{ Name, Value string }

// NewPager numbers the pages of a list at path whose other parameters are
// q (without "page"), on page of pages.
func NewPager(path string, q url.Values, page, pages int) Pager {
	p := Pager{Page: page, Pages: pages, Action: path}
	if pages <= 1 {
		return p
	}
	at := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "page" {
				v[k] = vs
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if s := v.Encode(); s != "" {
			return path + "?" + s
		}
		return path
	}
	if page > 1 {
		p.Prev = at(page - 1)
	}
	if page < pages {
		p.Next = at(page + 1)
	}
	var nums []int
	for _, n := range []int{1, page - 2, page - 1, page, page + 1, page + 2, pages} {
		if n >= 1 && n <= pages && !slices.Contains(nums, n) {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	for i, n := range nums {
		if i > 0 && n > nums[i-1]+1 {
			p.Links = append(p.Links, PageLink{Gap: true})
		}
		p.Links = append(p.Links, PageLink{Number: n, URL: at(n), Current: n == page})
	}
	for k, vs := range q {
		if k == "page" {
			continue
		}
		for _, v := range vs {
			p.Hidden = append(p.Hidden, Param{Name: k, Value: v})
		}
	}
	slices.SortFunc(p.Hidden, func(a, b Param) int { return strings.Compare(a.Name+"\x00"+a.Value, b.Name+"\x00"+b.Value) })
	return p
}

// Of is the page count the jump form shows: "12", or "200+" when the list
// goes on past Pages.
func (p Pager) Of() string {
	if p.More {
		return strconv.Itoa(p.Pages) + "+"
	}
	return strconv.Itoa(p.Pages)
}
