package bintest

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/portico-dev/portico/logtest"
)

// Served is a `portico serve` process that a test started with Serve.
type Served struct {
	// Cmd is the process's command, started.
	Cmd *exec.Cmd
	// URL is where it serves, http://host:port, as its "log in at" line
	// on standard output says.
	URL string
	// Log is what it wrote on standard error (its log), Stdout what it
	// wrote on standard output.
	Log, Stdout *logtest.Buffer
	done        chan struct{}
	err         error
}

// loginAt is serve's line on standard output that says where it listens.
var loginAt = regexp.MustCompile(`log in at (http://\S+)/login`)

// Serve starts cmd, a `portico serve …` (its arguments, environment and
// standard input set, its standard output and error left to Serve), and
// waits until it says where it listens: a serve that exits first, or does
// not listen within a minute, fails the test with its output. The process
// is killed when the test ends, if it still runs.
func Serve(t testing.TB, cmd *exec.Cmd) *Served {
	t.Helper()
	s := &Served{Cmd: cmd, Log: &logtest.Buffer{}, Stdout: &logtest.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = s.Log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.Stdout.Write(append(sc.Bytes(), '\n')) //nolint:errcheck // a Buffer's Write does not fail
			if m := loginAt.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout) //nolint:errcheck // after a line too long for the scanner
	}()
	go func() {
		<-read // Wait closes the pipe: read it to its end first
		s.err = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(s.Kill)
	select {
	case s.URL = <-urls:
	case <-s.done:
		t.Fatalf("%s stopped before it listened (%v):\n%s%s", cmd, s.err, s.Stdout, s.Log)
	case <-time.After(time.Minute):
		t.Fatalf("%s did not listen within a minute:\n%s%s", cmd, s.Stdout, s.Log)
	}
	return s
}

// WaitReady waits until /readyz answers 200: a serve that exits first, or
// is not ready within a minute, fails the test with its log.
func (s *Served) WaitReady(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case <-s.done:
			t.Fatalf("%s stopped before it was ready (%v):\n%s", s.Cmd, s.err, s.Log)
		default:
		}
		if res, err := http.Get(s.URL + "/readyz"); err == nil {
			io.Copy(io.Discard, res.Body) //nolint:errcheck // only the status counts
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready (/readyz 200) within a minute:\n%s", s.Cmd, s.Log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Done is closed when the process has exited; Err then says how.
func (s *Served) Done() <-chan struct{} { return s.done }

// Err is what waiting for the process returned (nil for status 0), once
// Done is closed.
func (s *Served) Err() error {
	<-s.done
	return s.err
}

// Kill ends the process with SIGKILL, as a crash would, if it still runs,
// and waits until it has exited.
func (s *Served) Kill() {
	select {
	case <-s.done:
		return
	default:
	}
	s.Cmd.Process.Kill() //nolint:errcheck // it may be gone already
	<-s.done
}
