-- A user whose password someone else chose (the one-time password of a new user or of the first admin) chooses their
-- own at the first login, before anything else; changing the password clears it.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
