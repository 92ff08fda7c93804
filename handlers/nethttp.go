package handlers

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

// serveHTTP runs a net/http handler for c. fiber's adaptor gives the handler a request whose context is fasthttp's
// RequestCtx, which is reset and reused for another request once the handler returns; a context derived from it
// (database/sql derives one for every query) watches it from a goroutine of its own, which may read it while it is
// reset: a data race when the server shuts down with a held request (the gateway's long-poll). So the request's
// context here is one of its own, from c.UserContext(), cancelled when the handler returns or the server shuts down.
func serveHTTP(c *fiber.Ctx, h http.Handler) error {
	done := c.Context().Done() // the server's shutdown channel, read now: the goroutine below must not touch c
	ctx, cancel := context.WithCancel(c.UserContext())
	defer cancel()
	if done != nil {
		go func() {
			select {
			case <-done:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	fasthttpadaptor.NewFastHTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(ctx))
	}))(c.Context())
	return nil
}
