package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
)

// ErrUnavailable means the database could not be reached, or would not
// take a connection now: nothing wrong with the request, which may succeed
// when tried again shortly. The error wraps it with the driver's error.
//
// On PostgreSQL it is: a connection that could not be opened for a reason
// of the network (refused, unreachable, timed out, cut during the start-up
// exchange); a connection exception (SQLSTATE class 08); the server
// shutting down or starting (57P01 admin_shutdown, 57P02 crash_shutdown,
// 57P03 cannot_connect_now); and no connection slot left (53300
// too_many_connections, the server's max_connections or the role's or
// database's CONNECTION LIMIT). Not a query's own error (a constraint, a
// syntax error), not a statement cancelled for its duration (57014), not a
// read that timed out on an open connection (a slow statement: the database
// answered the connection, and waiting longer may not help), not a wrong
// password or a missing database (the configuration's fault, not a
// passing state). SQLite is a file opened once: it has no state to map.
var ErrUnavailable = errors.New("database unavailable")

// ErrBusy means a statement waited too long for a lock another
// transaction held, or ran too long, and the database gave it up:
// PostgreSQL's 55P03 lock_not_available after lock_timeout and 57014
// query_canceled after statement_timeout (which the store sets below the
// driver's read timeout, see lockTimeout and statementTimeout), SQLite's
// SQLITE_BUSY after its busy timeout. Nothing was written; the request may
// succeed when sent again. The error wraps it with the driver's error.
var ErrBusy = errors.New("database busy")

// Busy reports whether err says the database gave up waiting for a lock
// (see ErrBusy), whether or not it went through the store's translation.
func Busy(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrBusy) {
		return true
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		code := pgErr.Field('C')
		return code == "55P03" || code == "57014"
	}
	return isSQLiteBusy(err)
}

// lockTimeout sets the session parameter lock_timeout to three quarters of
// the driver's read timeout (10 s unless the URL says read_timeout=…), unless
// the URL names one. Without it a statement waiting on a lock outlived the
// read timeout: the driver gave up on the connection (a 500 for the
// request, a new connection for the pool) while the server went on
// waiting, holding a place in the lock's queue, and ran the statement once
// the lock came. With it the server ends the wait itself, with 55P03
// (ErrBusy), and the connection stays usable.
func lockTimeout(conf *pgdriver.Config) {
	sessionTimeout(conf, "lock_timeout", conf.ReadTimeout*3/4)
}

// statementTimeout sets the session parameter statement_timeout to nine
// tenths of the driver's read timeout (9 s by default), unless the URL
// names one: above lock_timeout, so that a wait on a lock is still told as
// such (55P03), and below the read timeout, so that the server cancels a
// slow statement itself (57014 query_canceled, ErrBusy) and says so before
// the driver gives up on the connection. Without it a statement that
// outlived the read timeout was a 500 for the request while the server
// went on running it, and an autocommit write could still commit behind
// the error. A cancelled statement of a transaction aborts it, and RunInTx
// rolls it back. Migrations run on sessions without it (migrationDB).
func statementTimeout(conf *pgdriver.Config) {
	sessionTimeout(conf, "statement_timeout", conf.ReadTimeout*9/10)
}

// sessionTimeout sets the session parameter name to d (in milliseconds)
// unless the URL names it, or the driver has no read timeout to stay below.
func sessionTimeout(conf *pgdriver.Config, name string, d time.Duration) {
	if conf.ReadTimeout <= 0 {
		return
	}
	for k := range conf.ConnParams {
		if strings.EqualFold(k, name) {
			return
		}
	}
	params := make(map[string]any, len(conf.ConnParams)+1)
	for k, v := range conf.ConnParams {
		params[k] = v
	}
	params[name] = strconv.FormatInt(d.Milliseconds(), 10)
	conf.ConnParams = params
}

// StatementCancelled reports whether err says PostgreSQL cancelled a
// statement (57014 query_canceled): it ran past statement_timeout (see
// statementTimeout), or an operator cancelled it.
func StatementCancelled(err error) bool {
	var pgErr pgdriver.Error
	return errors.As(err, &pgErr) && pgErr.Field('C') == "57014"
}

// Unavailable reports whether err says the database is unavailable (see
// ErrUnavailable), whether or not it went through the store's translation:
// for errors of code that queries the database without the store's methods.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) {
		return true
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		return unavailableCode(pgErr.Field('C'))
	}
	return false
}

// unavailableCode reports whether a PostgreSQL SQLSTATE says the database
// cannot serve now.
func unavailableCode(code string) bool {
	switch code {
	case "57P01", "57P02", "57P03", "53300":
		return true
	}
	return len(code) == 5 && code[:2] == "08"
}

// connectionLost reports whether err, an error of a statement the store
// ran, says the connection to the database was lost while it ran, without
// the server saying why (no 57P0x): a crash, a host or network gone, a
// proxy's connection cut. The driver then returns the end of the stream
// (io.EOF, io.ErrUnexpectedEOF), the network's error (connection reset,
// broken pipe), or driver.ErrBadConn. Not a read that timed out (a slow
// statement, or the request's deadline: net.Error's Timeout), and only for
// errors that come from the database's driver: translate is given no
// other, so a request body's io.EOF is never taken for the database's.
func connectionLost(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && !ne.Timeout()
}

// unavailableConnector marks the errors of connections that could not be
// opened because the database is not there (see ErrUnavailable). Only the
// connector knows a network error is the database's: one of the search
// engine's is not. The connections it opens are pgConns, which mark the
// errors of the statements run on them the same way, and whose statements
// the server ends when the connection is gone (checkClientConnection).
type unavailableConnector struct{ *pgdriver.Connector }

func (c unavailableConnector) Connect(ctx context.Context) (driver.Conn, error) {
	d := &dialed{}
	cn, err := c.Connector.Connect(context.WithValue(ctx, dialedKey{}, d))
	if err != nil && d.conn != nil {
		// The driver returns a failed start (the server's refusal, a TLS
		// request refused, a failed handshake) without closing the
		// socket it dialed.
		_ = d.conn.Close()
	}
	if err == nil {
		if err = checkClientConnection(ctx, cn.(*pgdriver.Conn), c.Config()); err != nil {
			_ = cn.Close()
		}
	}
	if err != nil {
		if cut := ctxEnded(ctx); cut != nil {
			// The caller's deadline (a request's) or cancellation cut the
			// connect, the server slow to answer: the deadline's error, as
			// for a statement cut on a kept connection, not the database
			// being away.
			return nil, fmt.Errorf("%w: %w", cut, err)
		}
		if connectUnavailable(err) {
			return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return nil, err
	}
	return &pgConn{cn: cn.(*pgdriver.Conn)}, nil
}

// dialed is where recordDials puts the connection dialed under a context
// carrying it (dialedKey): Connect closes it when the driver failed to
// start it.
type dialed struct{ conn net.Conn }

type dialedKey struct{}

// recordDials is a driver option: a connection dialed under a context
// carrying a *dialed (Connect's) is recorded in it.
func recordDials(conf *pgdriver.Config) {
	dial := conf.Dialer
	conf.Dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if d, _ := ctx.Value(dialedKey{}).(*dialed); d != nil && err == nil {
			d.conn = c
		}
		return c, err
	}
}

// ctxEnded returns why ctx ended, or context.DeadlineExceeded when its
// deadline has passed and the context does not say so yet (the driver puts
// the deadline on the socket, whose timer may fire first), or nil.
func ctxEnded(ctx context.Context) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

// connectUnavailable reports whether a failure to open a connection says
// the database is not there now, rather than that the configuration is
// wrong (a password, a database name, a TLS setting).
func connectUnavailable(err error) bool {
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		return unavailableCode(pgErr.Field('C'))
	}
	// The server closing the connection during the start-up exchange (a
	// server going down, a pooler in front refusing) is the same.
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
