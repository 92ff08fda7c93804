package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	errorpages "github.com/portico-dev/portico/views/pages/errors"
)

// Errors handlers return; handleError turns them into statuses.
var (
	errNotFound     = &userError{status: fiber.StatusNotFound, msg: "There is nothing at this address, or you may not see it."}
	errForbidden    = &userError{status: fiber.StatusForbidden, msg: "You do not have permission to do this."}
	errUnauthorized = &userError{status: fiber.StatusUnauthorized, msg: "Log in to continue."}
)

// userError is an error whose message is safe to show to the client.
type userError struct {
	status int
	msg    string
	fields map[string]string
}

func (e *userError) Error() string { return e.msg }

// clientError returns an error with a status and a message for the client.
func clientError(status int, msg string) error { return &userError{status: status, msg: msg} }

// invalid returns a 422 error carrying field errors.
func invalid(fields map[string]string) error {
	return &userError{status: fiber.StatusUnprocessableEntity, msg: "The request has invalid fields.", fields: fields}
}

// problem is an RFC 9457 problem document.
type problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []problemField `json:"errors,omitempty"`
	// Breaking lists the first findings that refused a publication
	// (breaking changes, or errors when validation blocks); BreakingTotal
	// counts them all (the review lists every one).
	Breaking      []apiItem `json:"breaking,omitempty"`
	BreakingTotal int       `json:"breaking_total,omitempty"`
}

type problemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// handleError is the one place where errors become responses: a JSON
// problem document under /api, an error page elsewhere. Internal errors are
// logged and never shown.
func (h *Handler) handleError(c *fiber.Ctx, err error) error {
	// The answers the server gives before routing (a request it cannot
	// read, headers over its limit) come here without the middleware: the
	// error page needs its security headers all the same. After the
	// middleware, setting them again leaves every page's policy, and
	// replaces the reference's wider one (its API's servers) on its error.
	h.setSecurityHeaders(c)
	if err == fiber.ErrRequestEntityTooLarge { //nolint:errorlint // fiber's value for a body the server did not read
		if c.Request().Header.ContentLength() <= 0 {
			return h.refuseForgottenBody(c)
		}
		err = h.refuseServerBody(c)
	}
	if err == fiber.ErrBadGateway { //nolint:errorlint // fiber's value for a connection that failed while the server read a request
		// No handler answers 502: fiber gives it for a network error while
		// the server was reading the request, most often a client that
		// reset its connection half-way. That is the client's doing, not
		// the portal's: not a server error to wake an operator with.
		h.log.Debug("connection failed before its request was read", "remote", c.Context().RemoteAddr().String())
		err = fiber.NewError(fiber.StatusBadRequest, "The request could not be read: the connection failed.")
	}
	answered, aerr := h.answerSubmitted(c, err)
	if answered {
		return aerr
	}
	err = aerr
	if timedOut(c, err) {
		err = &tooLongError{err}
	}
	if refusedByDatabase(err) && store.Committed(c.UserContext()) && c.Locals(sendAgainKey) == nil {
		err = &savedError{err}
	}
	status, msg, fields := classify(err)
	var be *spec.BusyError
	var le *apperr.LimitError
	switch {
	case errors.As(err, new(*savedError)):
		// Sending it again would write twice: no Retry-After.
	case errors.As(err, &be):
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterSeconds(be.RetryAfter)))
	case errors.As(err, &le):
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterSeconds(le.RetryAfter)))
	case store.Unavailable(err), store.Busy(err), errors.As(err, new(*tooLongError)):
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterSeconds(dbRetryAfter)))
	}
	if status >= 500 {
		h.log.Error("request failed", "method", c.Method(), "path", logPath(c), "request_id", requestID(c), "err", err)
		if id := requestID(c); id != "" {
			msg += " Request id: " + id + " (give it to the portal's operator)."
		}
	}
	if forPrograms(c.Path()) {
		p := problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: msg, Instance: logPath(c)}
		if errors.As(err, new(*savedError)) {
			p.Type, p.Title = savedProblemType, savedTitle
		}
		for _, k := range sortedKeys(fields) {
			p.Errors = append(p.Errors, problemField{Field: k, Message: fields[k]})
		}
		var te *lifecycle.TransitionError
		if errors.As(err, &te) && len(te.Blocking) > 0 {
			p.Breaking, p.BreakingTotal = toAPIItems(te.Blocking), te.BlockingTotal
		}
		c.Set(fiber.HeaderContentType, "application/problem+json")
		if status == fiber.StatusUnauthorized {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="portico"`)
		}
		return c.Status(status).JSON(p, "application/problem+json")
	}
	if status == fiber.StatusUnauthorized {
		return redirectToLogin(c)
	}
	if errors.As(err, new(*resentError)) {
		c.Locals(noticeKey, nil) // msg says what the notice says: not twice
	}
	if fragmentRequest(c) {
		// The error page takes the place of the page's content: in the
		// fragment's place it would nest a second page (top bar and all),
		// and where the element asked for takes a part of the answer
		// (hx-select) it would leave nothing, the fragment gone without a
		// word.
		c.Set("HX-Retarget", "#main")
		c.Set("HX-Reswap", "outerHTML")
		c.Set("HX-Reselect", "#main")
	}
	c.Status(status)
	return h.render(c, errorpages.Error(h.page(c, http.StatusText(status), ""), status, http.StatusText(status), msg))
}

// fragmentRequest reports whether c is an htmx request for a part of a page
// (search as you type, a facet's filter box), not a boosted link or form nor
// the restoring of a page from history, which swap the whole body.
func fragmentRequest(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-Boosted") != "true" && c.Get("HX-History-Restore-Request") != "true"
}

func classify(err error) (status int, msg string, fields map[string]string) {
	var ue *userError
	var fe *fiber.Error
	var ie *apperr.InputError
	var te *lifecycle.TransitionError
	var de *apperr.DeniedError
	var ce *apperr.ConflictError
	var nf *apperr.NotFoundError
	var be *spec.BusyError
	var le *apperr.LimitError
	var re *resentError
	switch {
	case errors.As(err, &re):
		// A form that does not show itself again: its message is this
		// page's.
		return fiber.StatusConflict, re.message(), nil
	case errors.As(err, &le):
		return fiber.StatusTooManyRequests, le.Reason, nil
	case errors.As(err, &be):
		return fiber.StatusServiceUnavailable, "The portal is busy reading other OpenAPI descriptions. Try again in a moment.", nil
	case errors.As(err, &ue):
		return ue.status, ue.msg, ue.fields
	case errors.As(err, &ie):
		return fiber.StatusUnprocessableEntity, "The request has invalid fields.", ie.Fields
	case errors.As(err, &te):
		return fiber.StatusConflict, te.Reason, nil
	case errors.As(err, &de):
		return fiber.StatusForbidden, de.Reason, nil
	case errors.As(err, &ce):
		return fiber.StatusConflict, ce.Reason, nil
	case errors.As(err, &nf):
		return fiber.StatusNotFound, nf.Reason, nil
	case errors.Is(err, store.ErrNotFound):
		return fiber.StatusNotFound, errNotFound.msg, nil
	case errors.Is(err, store.ErrConflict):
		return fiber.StatusConflict, "This conflicts with the current state; reload and try again.", nil
	case errors.As(err, new(*savedError)):
		return fiber.StatusServiceUnavailable, savedMessage, nil
	case store.Unavailable(err):
		return fiber.StatusServiceUnavailable, dbUnavailableMessage, nil
	case errors.As(err, new(*tooLongError)), store.StatementCancelled(err):
		return fiber.StatusServiceUnavailable, dbTooLongMessage, nil
	case store.Busy(err):
		return fiber.StatusServiceUnavailable, dbBusyMessage, nil
	case errors.As(err, &fe):
		if fe.Code >= 500 {
			return fe.Code, "Something went wrong on our side. It has been logged.", nil
		}
		return fe.Code, fe.Message, nil
	}
	return fiber.StatusInternalServerError, "Something went wrong on our side. It has been logged.", nil
}

// dbUnavailableMessage is the answer to a request the database could not
// serve because it is down, restarting or out of connections
// (store.Unavailable): the request was fine, and trying it again shortly
// may succeed.
const dbUnavailableMessage = "The database is unavailable. Try again shortly."

// dbBusyMessage is the answer to a request that waited too long for a
// lock another transaction held (store.Busy): nothing was written, and
// sending it again shortly may succeed.
const dbBusyMessage = "The database is busy with other changes. Try again shortly."

// dbRetryAfter is the Retry-After of an answer the database could not
// serve: long enough for a restart or a failover to be under way, short
// enough that a client retrying gets the first answers after it.
const dbRetryAfter = 5 * time.Second

// retryAfterSeconds is a Retry-After value: whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(int((d+time.Second-1)/time.Second), 1)
}

// refusal returns the message of an error that refuses an action from a
// page for a reason the user can act on, for the page to show as a flash:
// the state does not allow it (a lifecycle transition, a team's last owner),
// the user may not, someone named is not there, or someone else acted first.
func refusal(err error) (string, bool) {
	var te *lifecycle.TransitionError
	var de *apperr.DeniedError
	var ce *apperr.ConflictError
	var nf *apperr.NotFoundError
	switch {
	case errors.As(err, &te):
		return te.Reason, true
	case errors.As(err, &de):
		return de.Reason, true
	case errors.As(err, &ce):
		return ce.Reason, true
	case errors.As(err, &nf):
		return nf.Reason, true
	case errors.Is(err, store.ErrConflict):
		return "Someone else acted on this meanwhile. Reload the page to see where it stands.", true
	}
	return "", false
}
