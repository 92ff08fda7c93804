package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"time"
)

var instancePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$`)

func (c *config) validateInstance() error {
	if c.Instance != "" && !instancePattern.MatchString(c.Instance) {
		return fmt.Errorf("invalid --instance %q: use up to 100 letters, digits, dots, dashes, underscores or colons", c.Instance)
	}
	if _, err := c.indexMaxLag(); err != nil {
		return err
	}
	return nil
}

func (c *config) indexMaxLag() (time.Duration, error) {
	d, err := time.ParseDuration(c.IndexMaxLag)
	if err != nil || d < time.Second || d > 24*time.Hour {
		return 0, fmt.Errorf("invalid --index-max-lag %q: use a duration from 1s to 24h, e.g. 30s or 2m", c.IndexMaxLag)
	}
	return d, nil
}

// instanceName is --instance, or the host name and the port this instance
// listens on: unique among the instances of one database unless two hosts
// share a name.
func (c *config) instanceName(addr net.Addr) string {
	if c.Instance != "" {
		return c.Instance
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "portico"
	}
	_, port, _ := net.SplitHostPort(addr.String())
	name := host + ":" + port
	if !instancePattern.MatchString(name) {
		sum := sha256.Sum256([]byte(name))
		name = "portico-" + hex.EncodeToString(sum[:6]) + ":" + port
	}
	return name
}

// sharedFeedName names the position of a shared search index in the
// database: the Meilisearch server and index, without credentials.
// Instances pointed at the same index share it; an embedded index keeps its
// own position and needs none.
func (c *config) sharedFeedName() string {
	if c.MeilisearchURL == "" {
		return ""
	}
	name := "meilisearch " + c.MeilisearchIndex
	if u, err := url.Parse(c.MeilisearchURL); err == nil {
		u.User = nil
		name = "meilisearch " + u.String() + " " + c.MeilisearchIndex
	}
	if len(name) > 200 {
		sum := sha256.Sum256([]byte(name))
		name = "meilisearch " + hex.EncodeToString(sum[:16])
	}
	return name
}
