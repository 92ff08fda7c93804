package auth

import (
	"context"
	"errors"
	"runtime"
	"time"

	"github.com/alexedwards/argon2id"
	"strings"
	"testing"
)

func TestHasher(t *testing.T) {
	h := NewTestHasher()
	hash, err := h.Hash(context.Background(), "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(hash, "correct horse") {
		t.Fatalf("hash %q contains the password", hash)
	}
	tests := []struct {
		password, hash string
		want           bool
	}{
		{"correct horse battery", hash, true},
		{"correct horse batterY", hash, false},
		{"", hash, false},
		{"correct horse battery", "", false},
		{"correct horse battery", "garbage", false},
	}
	for _, tt := range tests {
		if got, err := h.Check(context.Background(), tt.password, tt.hash); err != nil || got != tt.want {
			t.Errorf("Check(%q, %q) = %v, want %v", tt.password, tt.hash, got, tt.want)
		}
	}
	if _, err := h.Hash(context.Background(), "short"); err != ErrWeakPassword {
		t.Errorf("Hash(short) error = %v, want ErrWeakPassword", err)
	}
}

func TestPersonalToken(t *testing.T) {
	tok, display := NewPersonalToken()
	if err := CheckTokenFormat(tok); err != nil {
		t.Fatalf("CheckTokenFormat(new token) = %v", err)
	}
	if !strings.HasPrefix(tok, display) || len(display) != len(TokenPrefix)+6 {
		t.Errorf("display %q is not a short prefix of the token", display)
	}
	other, _ := NewPersonalToken()
	if other == tok {
		t.Error("two tokens are equal")
	}
	if got := HashToken(tok); len(got) != 64 || got == tok {
		t.Errorf("HashToken = %q, want 64 hex chars", got)
	}
	for _, bad := range []string{"", "pat_short", "Bearer x", strings.Repeat("a", 60)} {
		if err := CheckTokenFormat(bad); err == nil {
			t.Errorf("CheckTokenFormat(%q) = nil, want error", bad)
		}
	}
}

// TestHasherSheds checks that checks beyond the running and waiting ones
// the Hasher allows are refused at once, and that a check waits for a turn
// at most its wait.
func TestHasherSheds(t *testing.T) {
	ctx := context.Background()
	h := NewTestHasher().WithLimits(1, 1, 10*time.Millisecond)
	hash, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	// One check running (its slot taken) and one waiting: the queue is full.
	h.slots <- struct{}{}
	h.admitted <- struct{}{}
	h.admitted <- struct{}{}
	if _, err := h.Check(ctx, "correct horse battery", hash); !errors.Is(err, ErrBusy) {
		t.Errorf("check with a full queue: %v, want ErrBusy", err)
	}
	if _, err := h.Hash(ctx, "another long password"); !errors.Is(err, ErrBusy) {
		t.Errorf("hash with a full queue: %v, want ErrBusy", err)
	}
	// Room to wait, but the running check never ends: refused after the wait.
	<-h.admitted
	if _, err := h.Check(ctx, "correct horse battery", hash); !errors.Is(err, ErrBusy) {
		t.Errorf("check that waited in vain: %v, want ErrBusy", err)
	}
	if len(h.admitted) != 1 {
		t.Errorf("a refused check kept its place in the queue: %d admitted, want 1", len(h.admitted))
	}
	// The running check ends: the next one runs.
	<-h.slots
	<-h.admitted
	if ok, err := h.Check(ctx, "correct horse battery", hash); !ok || err != nil {
		t.Errorf("check with room: %v, %v", ok, err)
	}
	if len(h.slots) != 0 || len(h.admitted) != 0 {
		t.Errorf("a finished check kept its slot: %d running, %d admitted", len(h.slots), len(h.admitted))
	}
}

// TestHasherKeepsPlacesForKnownClients: with every place of the queue
// taken (a flood of logins), a check for a known browser (CheckKnown)
// still waits for the running hash to end and runs, where Check is
// refused at once; only its own places, once taken, refuse it.
func TestHasherKeepsPlacesForKnownClients(t *testing.T) {
	ctx := context.Background()
	h := NewTestHasher().WithLimits(1, 1, 2*time.Second)
	hash, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	h.slots <- struct{}{}
	h.admitted <- struct{}{}
	h.admitted <- struct{}{}
	if _, err := h.Check(ctx, "correct horse battery", hash); !errors.Is(err, ErrBusy) {
		t.Fatalf("check with a full queue: %v, want ErrBusy", err)
	}
	type result struct {
		ok  bool
		err error
	}
	done := make(chan result, 1)
	go func() {
		ok, err := h.CheckKnown(ctx, "correct horse battery", hash)
		done <- result{ok, err}
	}()
	time.Sleep(50 * time.Millisecond)
	select {
	case r := <-done:
		t.Fatalf("known check with a full queue: %v, %v before the running hash ended; want it to wait and run", r.ok, r.err)
	default:
	}
	<-h.slots // the running hash ends
	if r := <-done; !r.ok || r.err != nil {
		t.Errorf("known check with a full queue: %v, %v; want true", r.ok, r.err)
	}
	h.slots <- struct{}{}
	h.known <- struct{}{}
	if _, err := h.CheckKnown(ctx, "correct horse battery", hash); !errors.Is(err, ErrBusy) {
		t.Errorf("known check with its own places taken: %v, want ErrBusy", err)
	}
	<-h.known
	<-h.slots
	if len(h.known) != 0 || len(h.admitted) != 2 {
		t.Errorf("places after the checks: %d known, %d admitted; want 0 and 2", len(h.known), len(h.admitted))
	}
}

// TestHasherDummyOnce checks that an unknown account's check is one
// comparison against a dummy hash made once, never a new hash per check.
func TestHasherDummyOnce(t *testing.T) {
	ctx := context.Background()
	h := NewTestHasher()
	for range 3 {
		if ok, err := h.Check(ctx, "correct horse battery", ""); ok || err != nil {
			t.Fatalf("check against no hash: %v, %v; want false", ok, err)
		}
	}
	first := h.dummy
	if first == "" {
		t.Fatal("no dummy hash made")
	}
	if _, err := h.Check(ctx, "another password", ""); err != nil {
		t.Fatal(err)
	}
	if h.dummy != first {
		t.Error("the dummy hash was made again")
	}
	// The dummy has the Hasher's parameters, so it costs what a real check costs.
	p, _, _, err := argon2id.DecodeHash(first)
	if err != nil || *p != *h.params {
		t.Errorf("dummy parameters %+v (%v), want %+v", p, err, h.params)
	}
	if ok, _ := h.Check(ctx, strings.Repeat("x", MaxPasswordLength+1), first); ok {
		t.Error("an over-long password matched")
	}
}

func TestNewHasherLimits(t *testing.T) {
	h := NewHasher()
	want := min(runtime.NumCPU(), maxConcurrentHashes)
	if cap(h.slots) != want || cap(h.admitted) != want*(1+queuePerSlot) {
		t.Errorf("NewHasher runs %d and admits %d, want %d and %d", cap(h.slots), cap(h.admitted), want, want*(1+queuePerSlot))
	}
	if h.params.Memory != 64*1024 || h.params.Iterations != 1 || h.params.Parallelism != 2 {
		t.Errorf("argon2id parameters changed: %+v", h.params)
	}
}

func TestBearer(t *testing.T) {
	for _, tt := range []struct {
		header, token string
		ok            bool
	}{
		{"Bearer pat_abc", "pat_abc", true},
		{"bearer pat_abc", "pat_abc", true},
		{"BEARER  pat_abc ", "pat_abc", true},
		{" Bearer pat_abc", "pat_abc", true},
		{"Bearer ", "", false},
		{"Bearer", "", false},
		{"Basic dXNlcjpwYXNz", "", false},
		{"Bearerpat_abc", "", false},
		{"", "", false},
	} {
		token, ok := Bearer(tt.header)
		if token != tt.token || ok != tt.ok {
			t.Errorf("Bearer(%q) = %q, %v; want %q, %v", tt.header, token, ok, tt.token, tt.ok)
		}
	}
}
