package main

import (
	"net/http"
	"time"

	"github.com/portico-dev/portico/certtest"
)

// benchClient is waitOK's client; once writeCert has made the certificate
// of the node serving TLS, it trusts that certificate (wrk checks none).
var benchClient = &http.Client{Timeout: 10 * time.Second}

// writeCert writes a self-signed certificate for 127.0.0.1, valid for a
// day, and its key into dir, for the gateway serving TLS.
func writeCert(dir string) (certFile, keyFile string, err error) {
	p, err := certtest.Make("gatewaybench")
	if err != nil {
		return "", "", err
	}
	benchClient = certtest.Client(p.Cert)
	return p.WriteFiles(dir)
}
