package handlers

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// lateContext is a context whose deadline has passed but whose timer has
// not fired yet: Done is still open and Err nil, as a request's context
// is for a moment after the driver's socket deadline (the same instant)
// has fired.
type lateContext struct {
	context.Context
	deadline time.Time
}

func (c lateContext) Deadline() (time.Time, bool) { return c.deadline, true }

// TestTimedOutAtTheDeadlinesInstant: a statement's i/o timeout that comes
// back at the request's deadline, before its context says it is done, is
// the request running past its deadline (a 503), not a 500. The driver
// sets the socket's read deadline to the context's, and the socket's
// timer often fires first: a write cut by the deadline answered 500 about
// one time in two (TestWriteCutByTheDeadlineIsNotApplied).
func TestTimedOutAtTheDeadlinesInstant(t *testing.T) {
	app := fiber.New()
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(c)
	ioTimeout := fmt.Errorf("mark notifications read: read tcp: %w", os.ErrDeadlineExceeded)

	c.SetUserContext(lateContext{Context: context.Background(), deadline: time.Now().Add(-time.Millisecond)})
	c.Locals(deadlineCancelKey, context.CancelFunc(func() {}))
	if !timedOut(c, ioTimeout) {
		t.Errorf("an i/o timeout at the request's deadline, its context not yet done: not timed out, want timed out")
	}

	c.SetUserContext(lateContext{Context: context.Background(), deadline: time.Now().Add(time.Hour)})
	if timedOut(c, ioTimeout) {
		t.Errorf("an i/o timeout well before the request's deadline (the driver's read timeout): timed out, want not")
	}
	c.SetUserContext(lateContext{Context: context.Background(), deadline: time.Now().Add(-time.Millisecond)})
	c.Locals(deadlineCancelKey, nil)
	if timedOut(c, ioTimeout) {
		t.Errorf("a passed deadline the request was not given by withDeadline: timed out, want not")
	}
}
