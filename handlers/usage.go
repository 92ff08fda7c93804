package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/usage"
)

// APIUsage answers GET /api/v1/usage: a series of the usage the caller sees
// (usage.Service.Series), for ?api=slug and/or ?subscription=id, from and to
// as RFC 3339 times (default: the last 24 h) and step in seconds (default
// 3600).
func (h *Handler) APIUsage(c *fiber.Ctx) error {
	now := h.now().UTC()
	q := usage.Query{API: c.Query("api"), From: now.Add(-24 * time.Hour), To: now, Step: time.Hour}
	fields := map[string]string{}
	if len(q.API) > 64 {
		fields["api"] = "Give an API's slug."
	}
	if v := c.Query("subscription"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			fields["subscription"] = "Give a subscription's id."
		}
		q.Subscription = id
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if v := c.Query(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				fields[p.name] = "Give an RFC 3339 time, e.g. 2026-12-01T00:00:00Z."
			}
			*p.dst = t
		}
	}
	if v := c.Query("step"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 60 || n > 366*86400 {
			fields["step"] = "Give step in seconds: a whole number of minutes, at least 60."
		}
		q.Step = time.Duration(n) * time.Second
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	s, err := h.usage.Series(c.UserContext(), currentUser(c), q)
	if err != nil {
		return err
	}
	return c.JSON(s)
}
