//go:build !linux

package main

import (
	"errors"
	"net"
)

// listen opens the TCP listener on addr; -reuse-port is for Linux only,
// where SO_REUSEPORT spreads the connections over the processes.
func listen(addr string, reusePort bool) (net.Listener, error) {
	if reusePort {
		return nil, errors.New("-reuse-port (SO_REUSEPORT spreading connections over processes) is for Linux only")
	}
	return net.Listen("tcp", addr)
}
