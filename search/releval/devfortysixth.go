package main

// DevFortySixth is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): IT administrators and helpdesk
// staff at a mid-size company scripting chores or answering tickets, terse and jargon-heavy, with the odd typo.
// Each query lists every sample whose operations do what was asked.
var DevFortySixth = []Case{
	// identity provider / SSO tickets
	{"force pw change for the whole sales team after the phishing click", rel(okta)},
	{"user locked out after too many bad logins, unlcok without resetting anything", rel(okta)},
	{"wipe MFA enrollment so user can re-register their new phone", rel(okta)},
	{"offboarding: deactivate leaver's SSO account", rel(okta)},
	{"temporarily block a contractor from logging in while HR investigates, restore later", rel(okta)},
	{"kill every active login session for a compromised account", rel(okta, slack)},
	{"which apps are assigned to this person in the IdP", rel(okta)},
	{"new starter account created straight into the right group", rel(okta)},
	{"give user a temp password while they're on the phone with helpdesk", rel(okta)},
	{"change the security question a user set for self service recovery", rel(okta)},
	{"what groups is jdoe in for the quarterly access review", rel(okta)},
	{"look up a colleague's account from their work email", rel(okta, slack, asana)},
	{"export every user account for the license audit", rel(okta, slack, asana)},

	// chat workspace
	{"who has admin rights on our slack", rel(slack)},
	{"promote the helpdesk lead to workspace admin", rel(slack)},
	{"post the maintenence window notice to #general from a cron job", rel(slack)},
	{"archive channels nobody has posted in for a year", rel(slack)},
	{"pull chat login access logs with IP addresses for security", rel(slack)},
	{"how many billable seats on the chat plan for true-up", rel(slack)},
	{"guest acount for a vendor that expires end of the month", rel(slack)},
	{"approve the pending invite requests to the workspace", rel(slack)},
	{"schedule a message to the it-announcements chanel for monday 9am", rel(slack)},
	{"list every file a user uploaded to chat before we wipe the account", rel(slack)},
	{"revoke public link on a file someone shared externally by mistake", rel(slack)},
	{"set a recurring chat reminder for patch tuesday", rel(slack)},
	{"remove a leaver from the chat and project tool workspaces", rel(slack, asana)},

	// project tracker
	{"create a task on the IT helpdesk board from an incoming ticket", rel(asana)},
	{"add the new hire to all the onboarding projects", rel(asana)},
	{"list open tasks assigned to me accross the workspace", rel(asana)},
	{"who's on the infrastructure team in the project tool", rel(asana)},
	{"full org data export before we cancel the project management subscription", rel(asana)},
	{"copy the laptop refresh project as a template for Q3", rel(asana)},
	{"webhook when anything changes in the IT ops project", rel(asana)},
	{"add a dropdown field for priority on all the helpdesk projects", rel(asana)},

	// HR system
	{"who's on holiday next week so I don't book the laptop swap", rel(personio)},
	{"list new starters with hire dates so accounts are ready day one", rel(personio)},
	{"pull employee photos from HR for the badge printer", rel(personio)},
	{"log contractor attendance hours into the HR tool", rel(personio)},
	{"record a sick day for an employee who called the helpdesk", rel(personio)},

	// email, SMS, paging
	{"send password expiry reminder emails from a script", rel(postmark)},
	{"why did the welcome email to the new hire bounce", rel(postmark)},
	{"reactivate an address after a hard bounce so mail goes through again", rel(postmark)},
	{"open rate of the monthly IT newsletter", rel(postmark)},
	{"mass mail all staff using a template about the office move", rel(postmark)},
	{"mail to helpdesk@ blocked by an inbound rule, let it through", rel(postmark)},
	{"which mail clients do staff open our emails in", rel(postmark)},
	{"text the on-call tech when the UPS goes on battery", rel(nexmo)},
	{"sms a one time code to staff without a smartphone", rel(nexmo)},
	{"page on-call about the outage by sms, chat or email", rel(nexmo, slack, postmark)},
	{"email the devs a weekly summary of app errors", rel(postmark, elmah)},

	// monitoring, CI, policy
	{"search intranet app error log for NullReference since yesterday", rel(elmah)},
	{"mark the v4.2 deploy so errors group by release", rel(elmah)},
	{"heartbeat ping from the nightly backup job so we know it ran", rel(elmah)},
	{"list uptime monitors for the SLA report", rel(elmah)},
	{"pause logging for the noisy staging app", rel(elmah)},
	{"rerun the failed pipeline build", rel(circleci)},
	{"rotate a secret env var stored on the CI project", rel(circleci)},
	{"nuke the build cache, builds acting wierd", rel(circleci)},
	{"add a deploy key so CI can pull the private repo", rel(circleci)},
	{"kick off a build on the release branch from a script", rel(circleci)},
	{"check if a user may hit the admin endpoint per our authz rules", rel(opa)},
	{"push the updated rego policy to the policy server", rel(opa)},
	{"liveness probe for the policy engine", rel(opa)},

	// security, HTTP debugging, sensors, scratch storage
	{"user reported a weird exe, check the sha1 against known-good files", rel(hashlookup)},
	{"bulk check md5s from the EDR export", rel(hashlookup)},
	{"is this hash from a legit software package (NSRL)", rel(hashlookup)},
	{"see what headers our proxy adds to outbound requests", rel(httpbin)},
	{"dummy endpoint that returns 503 to test the monitoring alerts", rel(httpbin)},
	{"test that basic auth passes thru the load balancer", rel(httpbin)},
	{"slow responding url to test script timeouts", rel(httpbin)},
	{"server room temp sensor needs somewhere simple to push readings", rel(dweet)},
	{"alert when the comms closet temperature goes over 30C", rel(dweet)},
	{"hosted json bin for a script's config, no db", rel(jsonStore)},
	{"patch one field in a stored json document without overwriting the rest", rel(jsonStore, opa)},

	// finance and purchasing asks
	{"EUR to USD rate for the finance expense sheet", rel(exchange, vat, stripe)},
	{"todays rates for all currencies against the dollar", rel(exchange, stripe)},
	{"validate a supplier's EU VAT number before AP pays them", rel(vat)},
	{"current VAT rates for every EU country", rel(vat)},
	{"work out the net price from a gross amount incl VAT", rel(vat)},
	{"raise an invoice for a client with tax on it", rel(vat, stripe)},
	{"refund a double charge a customer complained about", rel(stripe)},
	{"list chargebacks opened this month", rel(stripe)},
	{"cancel a customer's subscription, they emailed the helpdesk", rel(stripe)},
	{"does this card BIN support 3D secure 2", rel(adyenBin)},
	{"estimate card processing fees before charging", rel(adyenBin)},
	{"webhook for sub-merchant KYC verification results", rel(adyenNotify)},
	{"notify finance when a marketplace sellers account funds drop below threshold", rel(adyenNotify)},

	// location, time, weather, travel
	{"weather forecast widget for the lobby screen", rel(weather)},
	{"historical weather for the day the power went out", rel(weather)},
	{"current local time in the singapore office", rel(worldtime)},
	{"guess a remote worker's timezone from their IP", rel(worldtime)},
	{"turn office addresses into lat/long for the floor map", rel(opencage)},
	{"reverse geocode GPS coords from the stolen laptop tracker", rel(opencage)},
	{"closest airport to the branch office coordinates for travel booking", rel(airports)},

	// odd jobs for other departments
	{"translate the outage notice into german for the Berlin office", rel(translate)},
	{"detect which language a ticket is written in", rel(translate)},
	{"remove the background from staff headshots for ID badges", rel(removebg)},
	{"random celebration gif for the bot when a ticket closes", rel(giphy)},
	{"trending stickers for the all hands deck", rel(giphy)},
	{"space photo of the day as the lobby screensaver", rel(apod)},
	{"latest xkcd in the sysadmin channel each morning", rel(xkcd)},
	{"build the reception playlist and add tracks", rel(spotify)},
	{"pause the music on the office speaker remotely", rel(spotify)},
	{"who follows our company mastodon account", rel(mastodon)},
	{"update bio and display name on our fediverse profile", rel(mastodon)},
	{"newspaper articles mentioning our company for the PR team", rel(nytimes)},
	{"search the internet archive for the old manual of a legacy printer", rel(archive)},
	{"look up pc games by genre for the game night", rel(rawg)},
	{"health insurance terms glossary for the benefits intranet page", rel(healthcare)},
	{"school district rankings near the new office for relocating staff", rel(schools)},
	{"crm sidebar card showing open helpdesk tickets on the contact record", rel(hubspot)},
	{"bulk upload product listings to walmart and check the feed status", rel(walmart)},
}
