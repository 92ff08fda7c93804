package handlers

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/views/components"
)

// maxListPage bounds the page number of the paged lists (users, team APIs,
// reviews, notifications, audit): beyond it a filter narrows the list.
const maxListPage = 10000

// listPage reads ?page= of a paged list: 1 when absent, a 400 saying what
// to send when it is not a page number from 1 to maxListPage.
func listPage(c *fiber.Ctx) (int, error) {
	raw := c.Query("page")
	if raw == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxListPage {
		return 0, clientError(fiber.StatusBadRequest, "page: use a page number from 1 to "+strconv.Itoa(maxListPage)+".")
	}
	return n, nil
}

// pageCount is the number of pages of total items, at least 1.
func pageCount(total, perPage int) int {
	return max((total+perPage-1)/perPage, 1)
}

// pagedList is one page of a list at path with the query q: its pager, or
// done when the page is past the end and the answer is a redirect to the
// last page (as the catalog's page jump does).
func pagedList(c *fiber.Ctx, path string, q url.Values, page, perPage, total int) (pg components.Pager, done bool, err error) {
	pages := pageCount(total, perPage)
	if page > pages {
		last := components.NewPager(path, q, pages, pages)
		u := path
		if pages > 1 {
			u = last.Links[len(last.Links)-1].URL
		} else if s := q.Encode(); s != "" {
			u += "?" + s
		}
		return pg, true, c.Redirect(u, fiber.StatusSeeOther)
	}
	return components.NewPager(path, q, page, pages), false, nil
}
