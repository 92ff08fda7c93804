package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/views/components"
)

// One-time form ids. Every form that creates something carries a hidden
// random id (components.FormID, 128 bits, new at each render). The handler
// runs the creation through once, which records the id, bound to the
// session as the CSRF token is, in the transaction of the creation
// (store.Once) with where the created thing is. The same form sent again
// (a second click after a fast answer, the browser's back and resubmit, a
// retry over a flaky connection; at the same time or later) creates
// nothing: it is sent to what the first one created, with a message that
// says so. What was shown only once (a key, a token, a password) is not
// shown again. Used ids are forgotten after a day (housekeeping).
//
// A form without an id (a page rendered before the portal had them, a
// script posting the form) creates as before: the id guards against
// repeats, it is not required, so nothing that worked stops working.

// maxFormID bounds the id a form may send (NewFormID makes 22 characters).
const maxFormID = 64

// submittedError answers a create form sent again: nothing was created;
// what the first submission created is at location. shownOnce names what
// that one showed only once ("" when nothing was).
type submittedError struct {
	location  string
	shownOnce string
}

func (e *submittedError) Error() string { return "form already submitted" }

// message tells the user what happened, and where the created thing is.
func (e *submittedError) message() string {
	if e.shownOnce != "" {
		return "This form was already submitted, so nothing new was created. The " + e.shownOnce +
			" it created is listed here; its secret was shown only once, when it was created, and cannot be shown again. If you did not keep it, create another one."
	}
	return "This form was already submitted, so nothing new was created. This is what it created."
}

// once runs create, which creates what the form asks for and returns the
// path of its page, at most once per one-time form id: when the form's id
// was used already, it returns a *submittedError (handleError sends the
// browser to the first creation) and does not call create. shownOnce names
// the secret the creation shows only once ("" when none). create must use
// the context it is given, which joins the transaction that records the id.
func (h *Handler) once(c *fiber.Ctx, shownOnce string, create func(ctx context.Context) (string, error)) error {
	id := c.FormValue(components.FormIDField)
	if id == "" {
		_, err := create(c.UserContext())
		return err
	}
	if !validFormID(id) {
		return clientError(fiber.StatusBadRequest, "The form's one-time id is not valid. Go back, reload the page and try again.")
	}
	sum := sha256.Sum256([]byte("portico form id\x00" + csrfBinding(c) + "\x00" + id))
	done, err := h.store.Once(c.UserContext(), hex.EncodeToString(sum[:]), currentUser(c).ID, create)
	if err != nil {
		return err
	}
	if done != nil {
		return &submittedError{location: done.Location, shownOnce: shownOnce}
	}
	return nil
}

// validFormID reports whether id may be a one-time form id: 16 to 64
// characters of unpadded base64url.
func validFormID(id string) bool {
	if len(id) < 16 || len(id) > maxFormID {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// answerSubmitted sends the browser to what the form's first submission
// created, with a message saying nothing was created again.
func (h *Handler) answerSubmitted(c *fiber.Ctx, err error) (bool, error) {
	var se *submittedError
	if !errors.As(err, &se) {
		return false, nil
	}
	h.flash(c, "info", se.message())
	noStore(c)
	return true, seeOther(c, se.location)
}
