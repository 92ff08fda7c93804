package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/views/components"
	"github.com/portico-dev/portico/views/layout"
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
// The id is recorded with a digest of the form's content (formDigest): its
// fields by name with their values, files by content. The same id sent
// with other values is not a repeat: the user went back to the form (the
// browser keeps its id), changed it and sent it to create a second thing.
// That creates nothing either, but the form comes back with the values
// sent, a new id and a message saying what the first sending created:
// sent as it comes back, it creates. A double click sends the same values
// twice, so it is still a repeat. An id recorded without a digest (before
// the portal kept them) is a repeat whatever the values, as it was.
//
// A form without an id (a page rendered before the portal had them, a
// script posting the form) creates as before: the id guards against
// repeats, it is not required, so nothing that worked stops working.
//
// The JSON API's POSTs that answer a secret shown once (a key, its
// rotation, a node's token, a user's one-time password) take the same
// guard from an Idempotency-Key header, bound to the user: a request
// repeated with the key creates nothing and is answered 409 with the
// Location of what the first one created (the secret is in the first
// answer only); a request sent with it while the first one is still being
// processed waits for that one's outcome, and is answered 409 too when
// that one created. The key is recorded with a hash of its request
// (method, path, canonical body): the key sent with another request is a
// misuse, refused 422 (draft-ietf-httpapi-idempotency-key-header).

// maxFormID bounds the id a form may send (NewFormID makes 22 characters).
const maxFormID = 64

// idempotencyHeader names the JSON API's one-time request key.
const idempotencyHeader = "Idempotency-Key"

// maxIdempotencyKey bounds an Idempotency-Key.
const maxIdempotencyKey = 255

// submittedError answers a create form sent again: nothing was created;
// what the first submission created is at location. shownOnce names the
// secret that one showed only once ("" when none).
type submittedError struct {
	location  string
	shownOnce string
}

func (e *submittedError) Error() string { return "form already submitted" }

// message tells the user what happened, and where the created thing is.
func (e *submittedError) message() string {
	msg := "This form was already submitted, so nothing new was created: this is what it created."
	if e.shownOnce != "" {
		msg += " The " + e.shownOnce + " was shown only once, in the answer to the first submission, and cannot be shown again."
	}
	return msg
}

// resentError answers a create form sent again with its one-time id but
// other values: nothing was created; the first sending created what (with
// its article: "a team") at location. Handlers take it for a form to show
// again with the values sent (fieldErrors), once put the message on the
// page (notice).
type resentError struct {
	what     string
	location string
}

func (e *resentError) Error() string { return "form sent again with other values" }

// message tells the user what happened and what to do.
func (e *resentError) message() string {
	return "This form was already sent once and created " + e.what + ". Nothing was created this time: the values below are not the ones sent then (the form was changed after going back to it). Check them and send it again to create one more."
}

// once runs create, which creates what the form asks for and returns the
// path of its page, at most once per one-time form id: when the form's id
// was used already with the same content, it returns a *submittedError
// (handleError sends the browser to the first creation) and does not call
// create; with other content, it returns a *resentError and puts its
// message on the page, for the handler to show the form again (fieldErrors
// takes it for a form error). what names what the form creates, with its
// article ("a team"); shownOnce names the secret the creation shows only
// once ("" when none). create must use the context it is given, which
// joins the transaction that records the id.
func (h *Handler) once(c *fiber.Ctx, what, shownOnce string, create func(ctx context.Context) (string, error)) error {
	key, request, err := onceKey(c)
	if err != nil {
		return err
	}
	if key == "" {
		_, err := create(c.UserContext())
		return err
	}
	done, err := h.store.Once(c.UserContext(), key, currentUser(c).ID, request, create)
	if err != nil {
		return err
	}
	if done == nil {
		return nil
	}
	if done.RequestHash != "" && done.RequestHash != request {
		if forPrograms(c.Path()) {
			return clientError(fiber.StatusUnprocessableEntity, "This Idempotency-Key was already used with another request (another method, path or body): nothing was created. Send a new key for a new request; a retry must send the same request again.")
		}
		re := &resentError{what: what, location: done.Location}
		n := layout.Flash{Kind: "error", Message: re.message()}
		if h.reachable(c, done.Location) {
			n.Link, n.LinkText = done.Location, "Open what it created"
		}
		notice(c, n)
		return re
	}
	return &submittedError{location: done.Location, shownOnce: shownOnce}
}

// onceKey is the hash under which the request's one-time id is recorded:
// the form's id with the session, or the JSON API's Idempotency-Key with
// the user; "" when the request has none. request is the hash of what came
// with it: the request for an Idempotency-Key (requestHash), the form's
// content for a form's id (formDigest).
func onceKey(c *fiber.Ctx) (key, request string, err error) {
	var bound string
	if forPrograms(c.Path()) {
		header := c.Get(idempotencyHeader)
		if header == "" {
			return "", "", nil
		}
		if !validIdempotencyKey(header) {
			return "", "", clientError(fiber.StatusBadRequest, "The Idempotency-Key header must be 1 to 255 visible ASCII characters (a UUID, say).")
		}
		bound = "portico idempotency key\x00user:" + strconv.FormatInt(currentUser(c).ID, 10) + "\x00" + header
		request = requestHash(c)
	} else {
		id := c.FormValue(components.FormIDField)
		if id == "" {
			return "", "", nil
		}
		if !validFormID(id) {
			return "", "", clientError(fiber.StatusBadRequest, "The form's one-time id is not valid. "+resendAdvice(c))
		}
		bound = "portico form id\x00" + csrfBinding(c) + "\x00" + id
		if request, err = formDigest(c); err != nil {
			return "", "", err
		}
	}
	sum := sha256.Sum256([]byte(bound))
	return hex.EncodeToString(sum[:]), request, nil
}

// requestHash is the SHA-256 (hex) of the request's method, path and body,
// the body in a canonical form when it is JSON (decoded and encoded again:
// no spaces, the fields of objects in order, numbers as sent), so that the
// same request written otherwise is the same request.
func requestHash(c *fiber.Ctx) string {
	body := c.Body()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err == nil && dec.Decode(new(any)) == io.EOF {
		if canonical, err := json.Marshal(v); err == nil {
			body = canonical
		}
	}
	h := sha256.New()
	h.Write([]byte("portico request\x00" + c.Method() + " " + c.Path() + "\x00"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// formDigest is the SHA-256 (hex) of the form's content in a canonical
// form: its fields sorted by name, each with its values in the order sent,
// a file by its name and the SHA-256 of its content. Left out: the CSRF
// token and the one-time id (not content), and any field whose name says
// it holds a secret (secretField): a password is never stored, nor any
// digest of it. Even keyed (an HMAC with the portal's CSRF key), a digest
// of a password can be tried against guesses by whoever reads the
// database, where that key is kept too; and a password is not what tells
// two creations apart (their names are). No create form has one today.
func formDigest(c *fiber.Ctx) (string, error) {
	fields := map[string][]string{}
	var files map[string][]*multipart.FileHeader
	if strings.HasPrefix(strings.ToLower(string(c.Request().Header.ContentType())), fiber.MIMEMultipartForm) {
		form, err := c.MultipartForm()
		if err != nil {
			return "", clientError(fiber.StatusBadRequest, "The form could not be read. "+resendAdvice(c))
		}
		fields, files = form.Value, form.File
	} else {
		for k, v := range c.Request().PostArgs().All() {
			fields[string(k)] = append(fields[string(k)], string(v))
		}
	}
	names := make([]string, 0, len(fields)+len(files))
	for name := range fields {
		names = append(names, name)
	}
	for name := range files {
		if _, ok := fields[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	h := sha256.New()
	field := func(s string) { // length-prefixed: no two contents write the same bytes
		h.Write(strconv.AppendInt(nil, int64(len(s)), 10))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	h.Write([]byte("portico form content\x00"))
	for _, name := range names {
		if name == csrfField || name == components.FormIDField || secretField(name) {
			continue
		}
		field(name)
		field(strconv.Itoa(len(fields[name])))
		for _, v := range fields[name] {
			field(v)
		}
		field(strconv.Itoa(len(files[name])))
		for _, fh := range files[name] {
			sum, err := fileDigest(fh)
			if err != nil {
				return "", err
			}
			field(fh.Filename)
			field(sum)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fileDigest is the SHA-256 (hex) of an uploaded file's content.
func fileDigest(fh *multipart.FileHeader) (string, error) {
	f, err := fh.Open()
	if err != nil {
		return "", fmt.Errorf("read upload: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read upload: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// secretField reports whether a form field's name says it holds a secret
// (a password, a token), which formDigest leaves out.
func secretField(name string) bool {
	name = strings.ToLower(name)
	for _, s := range []string{"password", "passwd", "passphrase", "secret", "token", "credential"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// validIdempotencyKey reports whether key may be an Idempotency-Key: 1 to
// 255 visible ASCII characters.
func validIdempotencyKey(key string) bool {
	if len(key) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return false
		}
	}
	return true
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

// goneMessage tells the user the form was sent again and that what it
// created can no longer be opened.
func (e *submittedError) goneMessage() string {
	msg := "This form was already submitted, so nothing new was created; what it created is no longer there, or you may no longer open it."
	if e.shownOnce != "" {
		msg += " The " + e.shownOnce + " was shown only once, in the answer to the first submission, and cannot be shown again."
	}
	return msg
}

// answerSubmitted answers a request whose one-time id was used: it sends
// the browser to what the form's first submission created, with a message
// saying nothing was created again; to a program it returns the 409 error
// to answer, with the Location of what the first request created.
func (h *Handler) answerSubmitted(c *fiber.Ctx, err error) (answered bool, rerr error) {
	var se *submittedError
	if !errors.As(err, &se) {
		return false, err
	}
	noStore(c)
	if forPrograms(c.Path()) {
		c.Set(fiber.HeaderLocation, se.location)
		msg := "A request with this Idempotency-Key already created this, at the Location given; nothing was created again."
		if se.shownOnce != "" {
			msg += " The " + se.shownOnce + " was in the first answer only and cannot be given again."
		}
		return false, clientError(fiber.StatusConflict, msg)
	}
	if !h.reachable(c, se.location) {
		// What the first submission created is gone, or out of the user's
		// reach (they left its team): its page would answer 404.
		h.flash(c, "info", se.goneMessage())
		return true, seeOther(c, "/")
	}
	h.flash(c, "info", se.message())
	return true, seeOther(c, se.location)
}

// reachable reports whether the current user may open the page at loc, a
// path of the portal (maybe with a #fragment): a GET route matches it and
// that route's permission check passes.
func (h *Handler) reachable(c *fiber.Ctx, loc string) bool {
	path, _, _ := strings.Cut(loc, "#")
	path, _, _ = strings.Cut(path, "?")
	for _, r := range h.Routes() {
		if r.Method != fiber.MethodGet {
			continue
		}
		params, ok := matchRoute(r.Path, path)
		if !ok {
			continue
		}
		return h.permitted(c, r, func(name string) string { return params[name] }) == nil
	}
	return false
}

// matchRoute matches path against a route's pattern of literal segments
// and :parameters, and returns the parameters' values.
func matchRoute(pattern, path string) (map[string]string, bool) {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range ps {
		switch {
		case strings.HasPrefix(p, ":") && !strings.ContainsAny(p, "?*+") && xs[i] != "":
			v, err := url.PathUnescape(xs[i])
			if err != nil {
				return nil, false
			}
			params[p[1:]] = v
		case p != xs[i] || strings.ContainsAny(p, ":*+"):
			return nil, false
		}
	}
	return params, true
}
