package control_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// slowRecorder holds its first status write until released: an instance
// whose database write stalls (a busy pool, a pause).
type slowRecorder struct {
	push.Recorder
	once             sync.Once
	reached, release chan struct{}
}

func (r *slowRecorder) RecordNodeStatus(ctx context.Context, s push.NodeStatus) error {
	r.once.Do(func() {
		close(r.reached)
		<-r.release
	})
	return r.Recorder.RecordNodeStatus(ctx, s)
}

// TestOlderReportNeverReplacesANewerOne: a node's request reaches
// instance A, whose write of its status stalls; the node gives up on it
// and retries, reaching instance B (another store on the same database),
// with a newer report that B stores at once. When A's write of the older
// report lands, the stored status must stay the newer one: the node
// numbers its reports (the Portico-Report header), and the database keeps
// the highest.
func TestOlderReportNeverReplacesANewerOne(t *testing.T) {
	olderReportLandsLate(t, true)
}

// TestOlderUnnumberedReportNeverReplacesANewerOne is the same race for a
// node from before the Portico-Report header (one not yet upgraded: nodes
// are upgraded after the portals): its reports are ordered by when a
// portal instance received them, by the database's clock. The older
// report's late write replaced the newer status: the Gateway page showed
// the version and error the node had left behind until its next request.
func TestOlderUnnumberedReportNeverReplacesANewerOne(t *testing.T) {
	olderReportLandsLate(t, false)
}

func olderReportLandsLate(t *testing.T, numbered bool) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s1, s2 := storetest.OpenTwo(t, d)
			f := newFixture(t, s1)
			_, token := f.registerNode(t, "edge-1")
			f.publishAPI(t, "pets", []string{"http://10.0.0.1:8080/pets"}, "1.0.0")
			f.drain(t)
			old := mustHead(t, f.src)
			f.publishAPI(t, "toys", []string{"http://10.0.0.1:8080/toys"}, "1.0.0")
			f.drain(t)
			newer := mustHead(t, f.src)

			slow := &slowRecorder{Recorder: control.NewNodes(s1, nil), reached: make(chan struct{}), release: make(chan struct{})}
			instance := func(s *store.Store, rec push.Recorder) *httptest.Server {
				src := control.NewSource(s, nil)
				if _, err := src.Sync(ctx); err != nil {
					t.Fatal(err)
				}
				hub := push.NewHub(src, push.Options{Recorder: rec, MaxWait: 5 * time.Second})
				srv := httptest.NewServer(hub.Handler(control.NewNodes(s, nil)))
				t.Cleanup(srv.Close)
				return srv
			}
			a, b := instance(s1, slow), instance(s2, control.NewNodes(s2, nil))
			send := func(srv *httptest.Server, report, body string) {
				req, _ := http.NewRequest(http.MethodPost, srv.URL+gateway.SyncPath, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				if numbered {
					req.Header.Set(gateway.ReportHeader, report)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("sync answered %d", resp.StatusCode)
				}
			}
			const session = "5e7a1c0d9b2f4e63"
			// Report 7: the node at the older version, with an error; A's
			// write of it stalls.
			done := make(chan struct{})
			go func() {
				defer close(done)
				send(a, session+"-7", `{"type":"hello","version":`+strconv.FormatUint(old.Version, 10)+`,"hash":"`+old.Hash+`","error":"disk full"}`)
			}()
			select {
			case <-slow.reached:
			case <-time.After(10 * time.Second):
				t.Fatal("instance A never wrote the first report")
			}
			// Report 8, the retry, at B after the node's backoff (0.5 s
			// ± 20 %): the newer version, no error.
			time.Sleep(400 * time.Millisecond)
			send(b, session+"-8", `{"type":"hello","version":`+strconv.FormatUint(newer.Version, 10)+`,"hash":"`+newer.Hash+`"}`)
			close(slow.release)
			<-done

			ov, err := f.svc.Overview(ctx, f.admin)
			if err != nil {
				t.Fatal(err)
			}
			if len(ov.Nodes) != 1 || ov.Nodes[0].AppliedVersion != newer.Version || ov.Nodes[0].LastError != "" || ov.Nodes[0].State != push.StateInSync {
				t.Fatalf("stored status after the older report's late write: %+v;\nwant report 8's: applied %d, no error, in sync", ov.Nodes, newer.Version)
			}
		})
	}
}

func mustHead(t *testing.T, src *control.Source) gateway.Head {
	t.Helper()
	h, err := src.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}
