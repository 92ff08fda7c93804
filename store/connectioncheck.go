package store

import (
	"context"
	"errors"
	"strings"

	"github.com/uptrace/bun/driver/pgdriver"
)

// connectionCheckParam is PostgreSQL's (14 and later) session parameter
// that makes a backend look, while a statement runs or waits on a lock,
// whether its client is still there, and end the statement (and its
// transaction, and itself) when it is not.
//
// The driver sends no cancel request when a statement's context ends (a
// request's deadline): it closes the connection (see pgConn). Without
// the check the server does not notice while the statement runs or waits:
// it went on, holding every lock of its transaction, until the statement
// ended or statement_timeout or lock_timeout gave it up (9 s, 7.5 s by
// default); meanwhile the requests that wanted the same rows waited, and
// some ran past their own deadlines in turn.
const connectionCheckParam = "client_connection_check_interval"

// connectionCheckInterval is the value the store gives connectionCheckParam
// (milliseconds): a statement cut by its context ends on the server, its
// locks released, within about a second. What it costs: while a statement
// runs, its backend polls its socket once per interval (a system call, no
// network traffic); idle sessions are not polled. A shorter interval frees
// the locks little sooner next to the seconds the timeouts count in.
const connectionCheckInterval = "1000"

// checkClientConnection sets connectionCheckParam on cn, a new
// connection, unless the URL's parameters (conf's ConnParams, which the
// driver has SET already) name it: client_connection_check_interval=0 in
// the URL turns the check off. A server that does not have the parameter
// (PostgreSQL before 14) or takes no value but 0 (a platform that cannot
// tell a closed socket) refuses it, and the connection is used without it,
// as before; see setIfKnown.
func checkClientConnection(ctx context.Context, cn *pgdriver.Conn, conf *pgdriver.Config) error {
	for k := range conf.ConnParams {
		if strings.EqualFold(k, connectionCheckParam) {
			return nil
		}
	}
	return setIfKnown(ctx, cn, connectionCheckParam, connectionCheckInterval)
}

// setIfKnown sets the session parameter name to value on cn, and returns
// nil when the server refuses it for not knowing the parameter (42704
// undefined_object, "unrecognized configuration parameter") or the value
// (22023 invalid_parameter_value): a SET outside a transaction that fails
// leaves the session as it was. Any other error (the connection lost) is
// returned.
func setIfKnown(ctx context.Context, cn *pgdriver.Conn, name, value string) error {
	_, err := cn.ExecContext(ctx, "SET "+name+" TO '"+value+"'", nil)
	if parameterRefused(err) {
		return nil
	}
	return err
}

// parameterRefused reports whether err is the server's refusal of a SET:
// a parameter it does not have, or a value it does not take.
func parameterRefused(err error) bool {
	var pgErr pgdriver.Error
	if !errors.As(err, &pgErr) {
		return false
	}
	code := pgErr.Field('C')
	return code == "42704" || code == "22023"
}
