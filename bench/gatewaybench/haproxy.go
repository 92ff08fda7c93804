package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/portico-dev/portico/gateway"
)

// startHAProxy runs HAProxy (nbthread: one per CPU, its default) as a
// reverse proxy to the upstream with keep-alive, as nginx is run. With work,
// it also does the node's work on a request in its own configuration
// language: the key from X-API-Key or Authorization: Bearer, its lowercase
// hex SHA-256 looked up in a map of key hashes (as the snapshot carries
// them: never the key), 401 problems without or with an unknown key, 403 for
// a key of another route, the plan's rate limit per subscription in a stick
// table (a sliding minute), the key stripped and the consumer's headers set,
// a request id, and the route's prefix rewritten to the upstream's path. A
// spike for the engine choice, not the gateway: nothing pushes to it.
func startHAProxy(dir, name, upAddr, addr string, accessLog, work bool) (*exec.Cmd, func(), error) {
	hdir := filepath.Join(dir, name)
	if err := os.MkdirAll(hdir, 0o755); err != nil {
		return nil, nil, err
	}
	// The map's value: subscription, route (api/major), team, app, the
	// plan's requests per minute.
	keys := fmt.Sprintf("%s sub-bench|bench/1|bench|wrk|100000000\n", gateway.HashKey(benchKey))
	if err := os.WriteFile(filepath.Join(hdir, "keys.map"), []byte(keys), 0o600); err != nil {
		return nil, nil, err
	}
	logLine := "  no log\n"
	if accessLog {
		// HAProxy logs through syslog or a ring; to a file it has no
		// buffered writer, so the log goes to a ring in memory (what a
		// node would forward), the nearest to nginx's buffered file.
		logLine = "  log ring@access local0\n  option httplog\n"
	}
	conf := `global
  maxconn 4096
  pidfile %[1]s/haproxy.pid
  tune.bufsize 16384
ring access
  format raw
  size 1048576
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 30s
  option http-keep-alive
  http-reuse always
%[4]sbackend st_rate
  stick-table type string len 64 size 100k expire 2m store http_req_rate(60s)
frontend gw
  bind %[2]s
%[5]s  http-request set-path %%[path,regsub("^/bench/v1/","/v1/")]
  default_backend be_bench
backend be_bench
  server s1 %[3]s
`
	nodeWork := `  unique-id-format %%[uuid]
  http-request set-var(txn.key) req.hdr(x-api-key)
  http-request set-var(txn.key) req.hdr(authorization),regsub("^Bearer ","") if !{ var(txn.key) -m found } { req.hdr(authorization) -m beg "Bearer " }
  http-request return status 401 content-type application/problem+json string "{\"title\":\"API key required\",\"status\":401}" hdr WWW-Authenticate "Bearer realm=\"portico\"" if !{ var(txn.key) -m found }
  http-request set-var(txn.sub) var(txn.key),sha2(256),hex,lower,map(%[1]s/keys.map)
  http-request return status 401 content-type application/problem+json string "{\"title\":\"Unknown API key\",\"status\":401}" hdr WWW-Authenticate "Bearer realm=\"portico\", error=\"invalid_token\"" if !{ var(txn.sub) -m found }
  acl r_bench path_beg /bench/v1/
  http-request return status 404 content-type application/problem+json string "{\"title\":\"No such API\",\"status\":404}" unless r_bench
  http-request return status 403 content-type application/problem+json string "{\"title\":\"Key not valid for this API\",\"status\":403}" unless { var(txn.sub),field(2,|) -m str bench/1 }
  http-request set-var(txn.subid) var(txn.sub),field(1,|)
  http-request set-var(txn.limit) var(txn.sub),field(5,|)
  http-request track-sc0 var(txn.subid) table st_rate
  http-request set-var(txn.over) sc_http_req_rate(0),sub(txn.limit)
  http-request return status 429 content-type application/problem+json string "{\"title\":\"Rate limit exceeded\",\"status\":429}" hdr Retry-After 60 if { var(txn.over) -m int gt 0 }
  http-request del-header x-api-key
  http-request del-header authorization
  http-request set-header X-Request-Id %%[unique-id] unless { req.hdr(x-request-id) -m found }
  http-request set-header X-Portico-Subscription %%[var(txn.subid)]
  http-request set-header X-Portico-Team %%[var(txn.sub),field(3,|)]
  http-request set-header X-Portico-App %%[var(txn.sub),field(4,|)]
`
	if work {
		nodeWork = fmt.Sprintf(nodeWork, hdir)
	} else {
		nodeWork = ""
	}
	conf = fmt.Sprintf(conf, hdir, addr, upAddr, logLine, nodeWork)
	path := filepath.Join(hdir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return nil, nil, err
	}
	if out, err := exec.Command("haproxy", "-c", "-q", "-f", path).CombinedOutput(); err != nil {
		return nil, nil, fmt.Errorf("haproxy -c: %v\n%s", err, out)
	}
	return startServer(syscall.SIGUSR1, "haproxy", "-db", "-f", path)
}
