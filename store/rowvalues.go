package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// rowValues reads rows of a fixed number of columns as the driver gives
// them, without database/sql's conversions: scanning into *any copies the
// driver's value, where scanning an int64 into an int goes through
// reflection and a decimal string, and a NULL into a *time.Time through
// reflection. The compile's reads use it on their tens of thousands of
// rows; the accessors convert each value by a type switch.
type rowValues struct {
	vals []any
	ptrs []any
	err  error // the first conversion error
}

func newRowValues(columns int) *rowValues {
	r := &rowValues{vals: make([]any, columns), ptrs: make([]any, columns)}
	for i := range r.vals {
		r.ptrs[i] = &r.vals[i]
	}
	return r
}

// scan reads the current row of rows.
func (r *rowValues) scan(rows *sql.Rows) error {
	if err := rows.Scan(r.ptrs...); err != nil {
		return err
	}
	return r.err
}

func (r *rowValues) fail(i int, want string) {
	if r.err == nil {
		r.err = fmt.Errorf("column %d: %T is not %s", i, r.vals[i], want)
	}
}

// int64 returns column i as an integer (0 for NULL).
func (r *rowValues) int64(i int) int64 {
	switch v := r.vals[i].(type) {
	case int64:
		return v
	case nil:
		return 0
	case int32:
		return int64(v)
	case []byte, string:
		n, err := strconv.ParseInt(r.string(i), 10, 64)
		if err != nil {
			r.fail(i, "an integer")
		}
		return n
	}
	r.fail(i, "an integer")
	return 0
}

func (r *rowValues) int(i int) int { return int(r.int64(i)) }

// string returns column i as text ("" for NULL).
func (r *rowValues) string(i int) string {
	switch v := r.vals[i].(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case nil:
		return ""
	}
	r.fail(i, "text")
	return ""
}

// time returns column i as a time, nil for NULL.
func (r *rowValues) time(i int) *time.Time {
	switch v := r.vals[i].(type) {
	case time.Time:
		return &v
	case nil:
		return nil
	}
	r.fail(i, "a time")
	return nil
}
