package gateway

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// The canonical encoders write exactly what encoding/json writes for these
// types (a test holds them to it), without reflection: a compile of 60,000
// items encodes each once.

func appendRoute(b []byte, r *Route) []byte {
	b = append(b, `{"api":`...)
	b = appendString(b, r.API)
	b = append(b, `,"major":`...)
	b = strconv.AppendInt(b, int64(r.Major), 10)
	b = append(b, `,"targets":`...)
	if r.Targets == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, t := range r.Targets {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, t)
		}
		b = append(b, ']')
	}
	b = appendIntField(b, `,"connect_timeout_ms":`, r.ConnectTimeoutMS)
	b = appendIntField(b, `,"response_timeout_ms":`, r.ResponseTimeoutMS)
	b = append(b, `,"state":`...)
	b = appendString(b, r.State)
	b = appendTimeField(b, `,"deprecated_at":`, r.DeprecatedAt)
	b = appendTimeField(b, `,"sunset":`, r.Sunset)
	b = appendTimeField(b, `,"retired_at":`, r.RetiredAt)
	if r.Successor != "" {
		b = append(b, `,"successor":`...)
		b = appendString(b, r.Successor)
	}
	b = appendIntField(b, `,"successor_major":`, r.SuccessorMajor)
	if len(r.CORSOrigins) > 0 {
		b = append(b, `,"cors_origins":[`...)
		for i, o := range r.CORSOrigins {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, o)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendPlan(b []byte, p *Plan) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, p.ID)
	b = append(b, `,"rate_per_minute":`...)
	b = strconv.AppendInt(b, int64(p.RatePerMinute), 10)
	b = appendIntField(b, `,"burst":`, p.Burst)
	b = appendIntField(b, `,"daily_quota":`, p.DailyQuota)
	return append(b, '}')
}

func appendKey(b []byte, k *Key) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, k.ID)
	b = append(b, `,"hash":`...)
	b = appendString(b, k.Hash)
	b = append(b, `,"subscription":`...)
	b = appendString(b, k.Subscription)
	b = append(b, `,"team":`...)
	b = appendString(b, k.Team)
	b = append(b, `,"app":`...)
	b = appendString(b, k.App)
	b = append(b, `,"api":`...)
	b = appendString(b, k.API)
	b = append(b, `,"major":`...)
	b = strconv.AppendInt(b, int64(k.Major), 10)
	b = append(b, `,"plan":`...)
	b = appendString(b, k.Plan)
	b = appendTimeField(b, `,"expires_at":`, k.ExpiresAt)
	b = appendTimeField(b, `,"grace_ends_at":`, k.GraceEndsAt)
	b = append(b, `,"state":`...)
	b = appendString(b, k.State)
	return append(b, '}')
}

// appendIntField writes an omitempty int field.
func appendIntField(b []byte, name string, v int) []byte {
	if v == 0 {
		return b
	}
	b = append(b, name...)
	return strconv.AppendInt(b, int64(v), 10)
}

// appendTimeField writes an omitzero time field as encoding/json does.
func appendTimeField(b []byte, name string, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	enc, err := t.MarshalJSON()
	if err != nil {
		// Years outside 0–9999: never in a validated item; keep the
		// encoding total anyway.
		enc = []byte(`null`)
	}
	b = append(b, name...)
	return append(b, enc...)
}

// appendString writes s as encoding/json does: HTML-safe escapes, invalid
// UTF-8 replaced. The plain ASCII that validated items hold takes the fast
// path.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s)
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// CanonicalJSON returns the canonical encoding of a Route, Plan or Key (nil
// for anything else): the bytes the snapshot hash covers.
func CanonicalJSON(v any) []byte {
	switch x := v.(type) {
	case Route:
		return appendRoute(nil, &x)
	case Plan:
		return appendPlan(nil, &x)
	case Key:
		return appendKey(nil, &x)
	}
	return nil
}
