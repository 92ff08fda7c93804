package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/views/pages/notifications"
)

// notificationsPerPage is the page size of the notifications page.
const notificationsPerPage = 50

// ListNotifications renders the user's notifications, newest first, a page
// at a time (?page=).
func (h *Handler) ListNotifications(c *fiber.Ctx) error {
	u := currentUser(c)
	page, err := listPage(c)
	if err != nil {
		return err
	}
	ns, total, err := h.store.NotificationsPage(c.UserContext(), u.ID, (page-1)*notificationsPerPage, notificationsPerPage)
	if err != nil {
		return err
	}
	pg, done, err := pagedList(c, "/notifications", url.Values{}, page, notificationsPerPage, total)
	if done {
		return err
	}
	items := make([]notifications.Item, 0, len(ns))
	for _, n := range ns {
		item := notifications.Item{Message: n.Message, When: fmtTime(n.CreatedAt), Unread: n.ReadAt == nil}
		if localPath(n.Link) {
			item.Link = n.Link
		}
		items = append(items, item)
	}
	p := h.page(c, "Notifications", "notifications")
	return h.render(c, notifications.List(p, items, p.Unread, pg))
}

// MarkNotificationsRead marks every notification of the user read.
func (h *Handler) MarkNotificationsRead(c *fiber.Ctx) error {
	if err := h.store.MarkNotificationsRead(c.UserContext(), currentUser(c).ID); err != nil {
		return err
	}
	h.flash(c, "success", "All notifications are marked as read.")
	return seeOther(c, "/notifications")
}
