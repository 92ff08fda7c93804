package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// oneRow returns ErrNotFound when an update or delete touched no row.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("rows affected: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

func errorsIsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
