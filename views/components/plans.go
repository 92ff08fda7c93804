package components

// PlanCard is a plan as offered: its limits in words and its approval.
type PlanCard struct {
	Slug        string
	Name        string
	Description string
	// Rate, Burst and Quota are the limits in words ("600 per minute").
	Rate     string
	Burst    string
	Quota    string
	Approval string // "auto" or "manual"
	Open     bool
}

// PlanForm creates or edits a plan, as submitted, with its errors.
type PlanForm struct {
	Slug, Name, Description string
	RatePerMinute, Burst    string
	QuotaPerDay             string
	Approval                string
	Open                    bool
	Errors                  FieldErrors
}

// planScope tells apart the fields of a plan's edit form from those of the
// others and of the new plan's form, on the one API page.
func planScope(f PlanForm, creating bool) string {
	if creating {
		return ""
	}
	return "plan-" + f.Slug
}
