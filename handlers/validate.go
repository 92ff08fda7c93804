package handlers

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/slug"
)

var (
	usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)
)

// userInput is a user as created or edited through the UI or the API.
type userInput struct {
	Username    string
	DisplayName string
	Email       string
	OrgRole     string
}

// Validate returns the field errors of the input; creating says whether the username is checked too.
func (in *userInput) Validate(creating bool) map[string]string {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	in.Email = strings.TrimSpace(in.Email)
	errs := map[string]string{}
	if creating && !usernamePattern.MatchString(in.Username) {
		errs["username"] = "Use 2 to 64 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit."
	}
	if utf8.RuneCountInString(in.DisplayName) > 200 {
		errs["display_name"] = "Keep the display name under 200 characters."
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			errs["email"] = "Enter an email address like name@example.com, or leave it empty."
		}
	}
	if !policy.ValidOrgRole(in.OrgRole) {
		errs["org_role"] = "Choose member, approver or admin."
	}
	return errs
}

// teamInput is a team as created through the UI or the API.
type teamInput struct {
	Slug        string
	Name        string
	Description string
}

// Validate returns the field errors of the input.
func (in *teamInput) Validate() map[string]string {
	in.Slug = slug.Normalize(in.Slug)
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	errs := map[string]string{}
	if !slug.Valid(in.Slug) {
		errs["slug"] = slug.Rule
	}
	if in.Name == "" {
		errs["name"] = "Give the team a name."
	} else if utf8.RuneCountInString(in.Name) > 200 {
		errs["name"] = "Keep the name under 200 characters."
	}
	if utf8.RuneCountInString(in.Description) > 2000 {
		errs["description"] = "Keep the description under 2000 characters."
	}
	return errs
}
