package handlers

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
)

// The server's own bounds (App): how long a client may take to send a
// request, to take an answer, and to keep an idle connection.
const (
	serverReadTimeout  = 30 * time.Second
	serverWriteTimeout = 60 * time.Second
	serverIdleTimeout  = 120 * time.Second
)

// DefaultRequestTimeout is how long a request may run, database included
// (waiting for one of the pool's connections, its statements): past it the
// request's context is done, and a request still waiting on the database
// (or on a turn of the OpenAPI parser) answers 503 "busy" with Retry-After.
// It is half the server's write timeout, so that a client, or the proxy in
// front (nginx's proxy_read_timeout is 60 s by default), is still there to
// read the 503 rather than give up with its own 504; and three times the
// driver's read timeout (10 s, past which one statement fails anyway), so
// that a page running a few slow statements is still served. A gateway
// node's sync has its hold on top (requestDeadline). Migrations, the CLI
// (reindex, backup) and the background workers (outbox, search feed,
// gateway follower) run outside requests, on contexts of their own.
const DefaultRequestTimeout = serverWriteTimeout / 2

// errRequestTimeout is the cause of a request's context ended by its
// deadline (withDeadline).
var errRequestTimeout = errors.New("the request ran past its deadline")

// withDeadline gives the request's context (c.UserContext(), which the
// handlers pass to the store) a deadline d from now. The context is
// cancelled by logRequests once the error handler has answered (an error
// page reads the database with it), not when the handler returns.
func withDeadline(d time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeoutCause(c.UserContext(), d, errRequestTimeout)
		c.Locals(deadlineCancelKey, cancel)
		c.SetUserContext(ctx)
		return c.Next()
	}
}

// markCommits gives the request's context, just before the route's handler
// runs, the store's mark of what commits under it (store.MarkCommits, read
// for savedError). What the authentication wrote before (a session's or a
// token's last use) is not the request's change: a 503 for a request whose
// handler committed nothing still says that nothing was written.
func (h *Handler) markCommits(c *fiber.Ctx) error {
	ctx := store.MarkCommits(c.UserContext())
	if h.handlerContext != nil {
		ctx = h.handlerContext(ctx)
	}
	c.SetUserContext(ctx)
	return c.Next()
}

// sendAgainSafe says that what the request's handler commits is not a
// change that must not be sent again: a refusal after its commits is
// answered as one before them (503 with Retry-After, savedError's answer
// would be false). A login commits its attempt's counters, then the
// session it starts; a browser that was not answered has no session, and
// logging in again starts a new one (the first, never used, expires). A
// logout sent again ends whatever is left of the session.
func sendAgainSafe(c *fiber.Ctx) { c.Locals(sendAgainKey, true) }

// endDeadline releases the request's deadline (withDeadline), if it has one.
func endDeadline(c *fiber.Ctx) {
	if cancel, ok := c.Locals(deadlineCancelKey).(context.CancelFunc); ok {
		cancel()
	}
}

// requestDeadline is the deadline of route r's requests: DefaultRequestTimeout
// (or the Options'), and for a gateway node's sync the hold it asked for
// (at most gateway.MaxWait) on top of it.
func (h *Handler) requestDeadline(r Route) time.Duration {
	if r.Perm.Scope == Node {
		return gateway.MaxWait + h.requestTimeout
	}
	return h.requestTimeout
}

// timedOut reports whether err ended a request because the request ran
// past its deadline while it waited on the database: for a connection of
// the pool (context.DeadlineExceeded), for a statement's answer (the
// driver's read deadline is the context's), or for a transaction that
// database/sql rolled back when the context ended (sql.ErrTxDone). Such a
// request is answered as the database being busy (503), not as a fault of
// the portal's. An error of another kind is not, deadline or not.
//
// The driver's read deadline is the context's deadline itself, and the
// socket's timer may fire before the context's: the statement's i/o
// timeout then comes back while the context is not yet done. A request
// whose own deadline (withDeadline) has passed is past it all the same.
func timedOut(c *fiber.Ctx, err error) bool {
	ctx := c.UserContext()
	if !errors.Is(context.Cause(ctx), errRequestTimeout) && !pastOwnDeadline(c, ctx) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, sql.ErrTxDone) || store.Interrupted(err) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// pastOwnDeadline reports whether ctx, the request's context, has a
// deadline that withDeadline gave it and that has passed.
func pastOwnDeadline(c *fiber.Ctx, ctx context.Context) bool {
	if _, own := c.Locals(deadlineCancelKey).(context.CancelFunc); !own {
		return false
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// dbTooLongMessage is the answer to a request that ran past its deadline
// waiting on the database (timedOut), or whose statement the database
// cancelled for running too long (store.StatementCancelled): nothing was
// committed, and sending it again shortly may succeed.
const dbTooLongMessage = "The portal is busy: the request took too long. Try again shortly."

// tooLongError is an error of a request that ran past its deadline waiting
// on the database (timedOut): a 503 saying so, with Retry-After.
type tooLongError struct{ err error }

func (e *tooLongError) Error() string { return "request deadline: " + e.err.Error() }
func (e *tooLongError) Unwrap() error { return e.err }

// savedError is an error of a request refused by the database (a 503:
// past its deadline, busy, unavailable) after one of its transactions, or
// a write outside one, had committed (store.Committed): a write and then a
// read for the page or JSON it answers with, or two writes in a row. The
// 503's usual answer (nothing was written, send it again) would be false:
// sent again, the request would write twice. It is answered 503 saying the
// change was saved, without Retry-After, and under /api with a problem
// type of its own (savedProblemType).
type savedError struct{ err error }

func (e *savedError) Error() string { return "after a commit: " + e.err.Error() }
func (e *savedError) Unwrap() error { return e.err }

// savedMessage is savedError's answer.
const savedMessage = "The change was saved, but the portal could not complete its answer. Do not send it again: reload to see it."

// savedProblemType is the problem type of savedError's answer under /api,
// for a program to tell it from a 503 it may retry.
const savedProblemType = "tag:portico.dev,2026:saved-not-answered"

// savedTitle is the problem title of savedError's answer under /api.
const savedTitle = "Saved, but not answered"

// refusedByDatabase reports whether err is one of the database's refusals
// answered 503 (a request past its deadline, wrapped in tooLongError; a
// busy or unavailable database; a statement it cancelled).
func refusedByDatabase(err error) bool {
	return errors.As(err, new(*tooLongError)) || store.Unavailable(err) || store.Busy(err) || store.StatementCancelled(err)
}
