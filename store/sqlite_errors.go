package store

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// isSQLiteUnique reports whether err is a SQLite unique or primary key violation.
func isSQLiteUnique(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}

// isSQLiteForeignKey reports whether err is a SQLite foreign key
// violation: a row written refers to one that is gone (a team removed
// after the request read it).
func isSQLiteForeignKey(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// isSQLiteBusy reports whether err is SQLite's SQLITE_BUSY (with any
// extended code): the database stayed locked by another connection past
// the busy timeout.
func isSQLiteBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// Interrupted reports whether err is SQLite's SQLITE_INTERRUPT: the driver
// interrupted a statement whose context ended.
func Interrupted(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_INTERRUPT
}
