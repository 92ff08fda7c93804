package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/store"
)

// Device cookies (OWASP's "Slow down online guessing attacks with device
// cookies"): a browser that signs in gets a cookie naming the account by
// its id (a name may be taken again by a later account; an id is not),
// the people.PasswordMark of its password, a random id and an expiry,
// signed with an HMAC-SHA256 under the server's key (the CSRF key of
// server_keys, under its own label, so every instance accepts it). A
// login to that account carrying it, while the account keeps that
// password, is counted by the device (people.LoginLimits.PerDevice)
// instead of by its address, and is never slowed down nor queued: an
// attacker who floods the account with guesses cannot make its owner's
// own browser wait. The cookie holds nothing secret of the user; each
// login and each password change replaces it with one of a new id.
//
// The payload is "2", the user id, the password mark, the random id and
// the expiry (Unix seconds), separated by NULs, under the label "portico
// device 2": a cookie of the first format (a user name, an id, an expiry
// under the label "portico device") fails the signature and counts for
// nothing.

const (
	deviceCookie = "portico_device"
	// deviceLifetime is how long a device cookie is good after the login
	// that issued it.
	deviceLifetime = 365 * 24 * time.Hour
	// maxDeviceCookie bounds the cookie read: a real one has at most 148
	// bytes (the version, a user id, a password mark, an id, a time, the
	// MAC).
	maxDeviceCookie = 256
	// deviceFormat is the first field of the cookie's payload.
	deviceFormat = "2"
)

// deviceMAC is the signature of a device cookie's payload.
func deviceMAC(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("portico device " + deviceFormat + "\x00" + payload))
	return m.Sum(nil)
}

// device returns the request's device cookie as people.Device, or the zero
// Device when it has none, or one that is forged, malformed, expired or of
// the first format.
func (h *Handler) device(c *fiber.Ctx) (people.Device, error) {
	v := c.Cookies(cookieName(c, deviceCookie))
	if v == "" || len(v) > maxDeviceCookie {
		return people.Device{}, nil
	}
	payload, sig, ok := strings.Cut(v, ".")
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err != nil {
		return people.Device{}, nil
	}
	key, err := h.csrfKey(c.UserContext())
	if err != nil {
		return people.Device{}, err
	}
	if !hmac.Equal(mac, deviceMAC(key, payload)) {
		return people.Device{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return people.Device{}, nil
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 5 || parts[0] != deviceFormat || parts[2] == "" || parts[3] == "" {
		return people.Device{}, nil
	}
	userID, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || userID <= 0 {
		return people.Device{}, nil
	}
	exp, err := strconv.ParseInt(parts[4], 10, 64)
	if err != nil || !h.now().Before(time.Unix(exp, 0)) {
		return people.Device{}, nil
	}
	return people.Device{UserID: userID, Password: parts[2], ID: parts[3]}, nil
}

// setDeviceCookie gives the browser a new device cookie for u and its
// current password.
func (h *Handler) setDeviceCookie(c *fiber.Ctx, u *store.User) error {
	key, err := h.csrfKey(c.UserContext())
	if err != nil {
		return err
	}
	exp := h.now().Add(deviceLifetime)
	d := people.DeviceOf(u, auth.RandomToken(16))
	payload := base64.RawURLEncoding.EncodeToString([]byte(strings.Join([]string{
		deviceFormat, strconv.FormatInt(d.UserID, 10), d.Password, d.ID, strconv.FormatInt(exp.Unix(), 10)}, "\x00")))
	c.Cookie(&fiber.Cookie{
		Name: cookieName(c, deviceCookie), Value: payload + "." + base64.RawURLEncoding.EncodeToString(deviceMAC(key, payload)),
		Path: "/", Expires: exp, HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https",
	})
	return nil
}
