-- A one-time password (the first admin's, an admin-created user's, an admin's reset) expires: a login with it after
-- password_expires_at is refused. NULL for a password the user chose, which never expires.
ALTER TABLE users ADD COLUMN password_expires_at {{.Time}};
