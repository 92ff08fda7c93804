package main

// DevFortyThird is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): on-call SREs, platform and
// DevOps engineers typing terse, jargon-heavy searches into an internal API portal mid-incident or while scripting automation.
// Each query lists every sample whose operations do what was asked.
var DevFortyThird = []Case{
	// CI pipelines
	{"is main green or red rn on ci", rel(circleci)},
	{"rerun the flaky pipeline job from a script", rel(circleci)},
	{"abort a ci job thats been hung for 3h", rel(circleci)},
	{"rotate the repo deploy key used by ci", rel(circleci)},
	{"inject new secret enviroment variable into the ci project", rel(circleci)},
	{"pull junit results from last ci run to find the flaky spec", rel(circleci)},
	{"download built artifcats from a ci job", rel(circleci)},
	{"wipe ci dependency cache, builds picking up stale node_modules", rel(circleci)},
	{"kick off a ci run for a hotfix branch via api", rel(circleci)},
	{"recent builds across every repo we follow", rel(circleci)},

	// error tracking and job monitoring
	{"where do our app exceptions end up, query prod errors last hour", rel(elmah)},
	{"mark a release in the error tracker so we can tell if the spike started with it", rel(elmah)},
	{"dead man's switch / hearbeat ping for the nightly backup cron", rel(elmah)},
	{"unminify js stack traces, upload map files after the frontend build", rel(elmah)},
	{"ship a batch of log entries from a worker in one call", rel(elmah)},
	{"mark exception as resolved after the hotfix went out", rel(elmah)},
	{"temporarily turn off a noisy error log", rel(elmah)},
	{"list our synthetic uptime monitors", rel(elmah)},

	// policy engine
	{"push updated rego module to the policy engine", rel(opa)},
	{"readiness probe for the authz policy sidecar in k8s", rel(opa)},
	{"ask the authz engine whether this request is allowed, pass input json", rel(opa)},
	{"partial evaluation of rego to turn policy into sql filters", rel(opa)},
	{"load base data doc the policies read (list of prod servers)", rel(opa)},

	// identity and access
	{"suspend compromised account in the sso", rel(okta)},
	{"kill every active session for user who lost their laptop", rel(okta, slack)},
	{"reset mfa factors for someone with a new phone", rel(okta)},
	{"force temp pasword on next login for a user", rel(okta)},
	{"what idp groups is this user in", rel(okta)},
	{"offboarding: deactivate leaver in identity provider", rel(okta)},
	{"provision new hire in idp straight into the eng groups", rel(okta)},
	{"remove leaver from the chat workspace", rel(slack)},
	{"kick departing engineer out of the project tracker workspace", rel(asana)},
	{"map email address to chat user id for @mentions in alerts", rel(slack)},

	// chatops
	{"post deploy started/finished notice into #releases", rel(slack)},
	{"rotate the @oncall handle membership every monday", rel(slack)},
	{"set incident channel topic with sev level and IC", rel(slack)},
	{"spin up incident war room channel and invite responders", rel(slack)},
	{"bulk archive stale inc- channels older than 90 days", rel(slack)},
	{"export message history from incident channel for the postmortem timeline", rel(slack)},
	{"remind me in 2h to check the canary", rel(slack)},
	{"mute chat pings while off shift", rel(slack)},
	{"upload grafana panel screenshot into the incident channel", rel(slack)},
	{"audit which ips logged into our chat workspace", rel(slack)},
	{"log of apps/integrations added or removed in slack", rel(slack)},
	{"revoke leaked chat bot token", rel(slack)},
	{"schedual maintenance window announcement for 6am tomorrow in channel", rel(slack)},
	{"search chat history for earlier mentions of 'connection reset by peer'", rel(slack)},
	{"check bot token still works before the cron fires", rel(slack)},

	// email
	{"why are pw reset mails hard bouncing", rel(postmark)},
	{"send alert digest email from a script", rel(postmark)},
	{"spam complaint count on transactional mail", rel(postmark)},
	{"reactivate an address after a bounce so mail flows again", rel(postmark)},
	{"retry inbound email that our parser webhook choked on", rel(postmark)},
	{"lint email template before deploy", rel(postmark)},
	{"outbound mail send/open stats last 24h", rel(postmark)},

	// sms paging
	{"need something to text my phone when disk fills up", rel(nexmo)},
	{"DLR callback for sms pages so we know the page actually landed", rel(nexmo)},
	{"recieve sms replies to ack a page", rel(nexmo)},

	// iot / sensors
	{"publish temp readings from the server room raspberry pi", rel(dweet)},
	{"alert email when rack temp sensor goes above 30C", rel(dweet)},
	{"tail live device readings over a streaming http connection", rel(dweet)},
	{"last 24h of readings for a sensor", rel(dweet)},

	// scratch storage
	{"hosted json bin to stash feature flag state for a cron job", rel(jsonStore)},
	{"merge-patch a small hosted json blob over http", rel(jsonStore)},

	// network and proxy testing
	{"endpoint that returns 503 on demand to test alert rules", rel(httpbin)},
	{"fake slow upstream to test proxy timeout settings", rel(httpbin)},
	{"whats our nat egress ip", rel(httpbin, worldtime)},
	{"echo back request headers to debug ingress stripping X-Forwarded-For", rel(httpbin)},
	{"test redirect chain handling behind the lb", rel(httpbin)},
	{"verify cdn passes brotli/gzip responses through", rel(httpbin)},

	// forensics
	{"is this sha1 from the suspicious binary a known good file", rel(hashlookup)},
	{"bulk check md5s from compromised host against nsrl", rel(hashlookup)},

	// time, weather, places
	{"current time in Asia/Kolkata for the handoff note", rel(worldtime)},
	{"list valid tz names to validate cron timzone config", rel(worldtime)},
	{"heatwave forcast for the DC site next week", rel(weather)},
	{"historical temps for the colo city last summer vs cooling spend", rel(weather)},
	{"street address of the datacenter to lat/long", rel(opencage)},
	{"reverse geocode device gps coords into a city name", rel(opencage)},
	{"nearest airport to the colo for the hardware swap trip", rel(airports)},

	// payments
	{"are card payments failing, pull latest charges", rel(stripe)},
	{"refund customers double charged by the retry bug", rel(stripe)},
	{"re-fetch payment events we missed while the webhook receiver was down", rel(stripe)},
	{"check available balance before the payout job runs", rel(stripe)},
	{"interchange + scheme fee estimate for a card bin", rel(adyenBin)},
	{"does this card range support 3ds2", rel(adyenBin)},
	{"handler for incoming notification when a sub-merchant's funds drop below threshold", rel(adyenNotify)},
	{"payout failed notifcation payload for marketplace account holders", rel(adyenNotify)},

	// currency and tax
	{"usd->eur fx rate for the cloud bill report", rel(exchange, stripe, vat)},
	{"validate eu vat id at signup", rel(vat)},
	{"vat rate for customer country based on their ip", rel(vat)},

	// people and rota
	{"who is on PTO next week so I don't put them on the rota", rel(personio)},
	{"log weekend on-call hours as attendance", rel(personio)},
	{"pull employee roster from HR to reconcile against accounts", rel(personio)},

	// tickets and follow-ups
	{"auto create follow-up tickets from postmortem action items", rel(asana)},
	{"webhook when a task on the incident board changes", rel(asana)},
	{"add comment with incident link on the ticket", rel(asana)},
	{"attach incident timeline pdf to the ticket", rel(asana)},

	// business systems we get paged for
	{"show open incidents for a customer on the crm record sidebar", rel(hubspot)},
	{"check status of marketplace item feed that errored overnight", rel(walmart)},

	// bots and team morale
	{"gif for #deploys when rollout finishes green", rel(giphy)},
	{"random xkcd for the standup bot", rel(xkcd)},
	{"space pic of the day for the NOC wall screen", rel(apod)},
	{"pause my music when the pager goes off", rel(spotify)},
	{"upcoming game releases for the #gaming channel bot", rel(rawg)},

	// odds and ends
	{"translate outage notice into german and french", rel(translate)},
	{"detect language of incoming support ticket before routing", rel(translate)},
	{"cut out background from headshots for the on-call roster page", rel(removebg)},
	{"news articles about the big cloud outage last week", rel(nytimes)},
	{"search internet archive for old centos isos", rel(archive)},
	{"pull recent posts from our fediverse status account", rel(mastodon)},
	{"mirror health insurance glossary/faq json into the benefits intranet cache", rel(healthcare)},
	{"seed US school district data into staging for the edu tenant", rel(schools)},
}
