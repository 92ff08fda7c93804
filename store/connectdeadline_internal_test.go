package store

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
)

// TestConnectCutByItsDeadlineIsNotUnavailable: a connection the pool opens
// for a statement under a deadline (a request's) and that the deadline
// cuts, the server slow to answer its start-up, failed with the network's
// "i/o timeout" and was taken for the database not being there
// (ErrUnavailable, "database unavailable"), where the same statement cut
// on a kept connection is the deadline's (a request answered "took too
// long"). In CI's run of 7 December a 100 ms statement that had to open a
// connection on a loaded machine was "database unavailable: dial tcp …:
// i/o timeout". A server that refuses the connection is still unavailable.
func TestConnectCutByItsDeadlineIsNotUnavailable(t *testing.T) {
	// A server that accepts the connection and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	silent := unavailableConnector{pgdriver.NewConnector(pgdriver.WithDSN("postgres://u@" + ln.Addr().String() + "/db?sslmode=disable&dial_timeout=5s"))}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = silent.Connect(ctx)
	if err == nil || Unavailable(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a connect cut by its context's deadline: %v (unavailable %v), want the deadline's error, not unavailable", err, Unavailable(err))
	}

	// Nobody listening: refused at once, the database is not there.
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := closed.Addr().String()
	closed.Close()
	refused := unavailableConnector{pgdriver.NewConnector(pgdriver.WithDSN("postgres://u@" + addr + "/db?sslmode=disable"))}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	if _, err := refused.Connect(ctx2); !Unavailable(err) {
		t.Errorf("a connect refused: %v, want unavailable", err)
	}
}
