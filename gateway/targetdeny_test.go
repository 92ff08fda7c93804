package gateway_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/portico-dev/portico/gateway"
)

// TestParseNewTargetRefusesTheNodesDefaultDeny: a target saved in the
// portal at an IP address in the nodes' default --upstream-deny is refused
// with ErrTargetDenied and a message naming the flag; ParseTarget, which
// the nodes and the targets already saved go by, still takes it; host
// names and addresses next to the ranges are taken.
func TestParseNewTargetRefusesTheNodesDefaultDeny(t *testing.T) {
	for _, s := range []string{
		"http://169.254.169.254/latest/meta-data", "https://169.254.0.1:8443", "http://169.254.255.255/v1",
		"http://[fe80::1]/", "http://[febf:ffff::1]:81/", "http://[fe80::1%25eth0]/", "http://[fd00:ec2::254]/",
		"http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/",
	} {
		_, err := gateway.ParseNewTarget(s)
		if !errors.Is(err, gateway.ErrTargetDenied) || !strings.Contains(err.Error(), "--upstream-deny") || !strings.Contains(err.Error(), "502") {
			t.Errorf("ParseNewTarget(%s) = %v, want ErrTargetDenied naming --upstream-deny and the 502", s, err)
		}
		if _, err := gateway.ParseTarget(s); err != nil {
			t.Errorf("ParseTarget(%s) = %v, want it taken (a node may be told to forward there)", s, err)
		}
	}
	for _, s := range []string{
		"http://169.253.255.255/", "http://169.255.0.0/", "http://[fec0::1]/", "http://[fe7f::1]/", "http://[fd00:ec2::253]/",
		"http://127.0.0.1:8080/", "http://10.0.0.7/v1", "http://metadata.internal/", "http://169.254.169.254.nip.io/",
	} {
		if _, err := gateway.ParseNewTarget(s); err != nil {
			t.Errorf("ParseNewTarget(%s) = %v, want it taken", s, err)
		}
	}
	if _, err := gateway.ParseNewTarget("ftp://169.254.169.254/"); err == nil || errors.Is(err, gateway.ErrTargetDenied) {
		t.Errorf("ParseNewTarget(ftp://…) = %v, want ParseTarget's error", err)
	}
}
