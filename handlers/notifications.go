package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/views/pages/notifications"
)

// ListNotifications renders the user's latest notifications.
func (h *Handler) ListNotifications(c *fiber.Ctx) error {
	u := currentUser(c)
	ns, err := h.store.Notifications(c.UserContext(), u.ID, 100)
	if err != nil {
		return err
	}
	items := make([]notifications.Item, 0, len(ns))
	unread := 0
	for _, n := range ns {
		item := notifications.Item{Message: n.Message, When: fmtTime(n.CreatedAt), Unread: n.ReadAt == nil}
		if localPath(n.Link) {
			item.Link = n.Link
		}
		if item.Unread {
			unread++
		}
		items = append(items, item)
	}
	return h.render(c, notifications.List(h.page(c, "Notifications", "notifications"), items, unread))
}

// MarkNotificationsRead marks every notification of the user read.
func (h *Handler) MarkNotificationsRead(c *fiber.Ctx) error {
	if err := h.store.MarkNotificationsRead(c.UserContext(), currentUser(c).ID); err != nil {
		return err
	}
	h.flash(c, "success", "All notifications are marked as read.")
	return seeOther(c, "/notifications")
}
