-- Team reviewers: members a team names to review its own publication requests.
ALTER TABLE team_members ADD COLUMN reviewer BOOLEAN NOT NULL DEFAULT FALSE;
