package main

// DevEighteenth is the nineteenth dev batch (written 4 December 2026 from the samples' descriptions only, by someone who
// had not read the ranking code, the synonym list, the other batches nor run the search): the samples' info
// descriptions, tags, paths, operation summaries and webhooks were read to judge what each API does, and the queries
// were then written the way enterprise IT and procurement people search a portal: by software category and acronym
// (IAM, IdP, HRIS, ESP, CPaaS, PSP, APM, CI/CD, CRM, PIM, DAM, CMS...) and by the category names analysts use
// ("customer identity platform", "work management", "observability"), mixed with what they need done. Each query lists
// every sample whose operations do what was asked, so a query two APIs both answer names both.
var DevEighteenth = []Case{
	// Identity and access: IAM, IdP, workforce and customer identity.
	{"IAM user lifecycle API to activate, suspend and deprovision accounts", rel(okta)},
	{"IdP admin API to force a password reset for an employee", rel(okta)},
	{"workforce identity: reset a user's MFA factors", rel(okta)},
	{"SSO directory: which apps is this user assigned to", rel(okta)},
	{"customer identity platform user management", rel(okta)},
	{"unlock a locked-out account in our identity provider", rel(okta)},
	{"kill all active sessions of a compromised user in the IdP", rel(okta)},

	// Authorization: policy engines.
	{"policy decision point for microservices authorization", rel(opa)},
	{"policy-as-code engine API to load Rego modules", rel(opa)},
	{"fine-grained authorization: ask whether an action is allowed", rel(opa)},
	{"cloud native governance guardrails, evaluate a policy", rel(opa)},

	// HR: HRIS, HCM, time and attendance.
	{"HRIS API for the employee master record", rel(personio)},
	{"HCM system absence and leave requests", rel(personio)},
	{"time and attendance integration for payroll", rel(personio)},
	{"sync new hires from the ATS into the HR system", rel(personio)},
	{"PTO balances and time-off types from our people platform", rel(personio)},

	// Email: ESP, transactional mail.
	{"transactional ESP with bounce handling", rel(postmark)},
	{"email service provider open and click tracking stats", rel(postmark)},
	{"templated notification emails sent from our ERP", rel(postmark)},
	{"spam complaint rate for our outbound mail", rel(postmark)},
	{"parse inbound email replies into a ticketing system", rel(postmark)},

	// SMS: CPaaS.
	{"CPaaS for SMS one-time passcodes", rel(nexmo)},
	{"communications platform as a service for text messaging", rel(nexmo)},
	{"receive SMS replies on a virtual number", rel(nexmo)},
	{"A2P SMS appointment reminders", rel(nexmo)},

	// Team chat and collaboration.
	{"enterprise collaboration hub: post alerts to a channel", rel(slack)},
	{"ChatOps bot posting build results to a team channel", rel(slack)},
	{"eDiscovery: search message history across channels", rel(slack)},
	{"audit the access logs of our chat workspace", rel(slack)},
	{"invite employees to the company chat workspace", rel(slack)},
	{"approve third-party apps installed in the chat tool", rel(slack)},
	{"schedule a message to a team channel", rel(slack)},

	// Work and project management: PPM, OKRs.
	{"work management platform: create tasks from a service desk ticket", rel(asana)},
	{"OKR tracking API for goals and key results", rel(asana)},
	{"PPM portfolio status reporting", rel(asana)},
	{"project management tool with task dependencies and subtasks", rel(asana)},
	{"export the whole organisation's data from the project tool", rel(asana)},

	// CI/CD and DevOps.
	{"CI/CD server API to retry a failed build", rel(circleci)},
	{"continuous integration: download build artifacts", rel(circleci)},
	{"DevOps pipeline secrets: set environment variables for a project", rel(circleci)},
	{"test results of the latest build for a release gate", rel(circleci)},
	{"rotate deploy keys on the CI service", rel(circleci)},

	// APM, error tracking, observability.
	{"error monitoring for .NET applications", rel(elmah)},
	{"observability: log application errors and mark them fixed", rel(elmah)},
	{"release tracking: annotate errors with deployment versions", rel(elmah)},
	{"upload JavaScript source maps to de-minify stack traces", rel(elmah)},

	// Security operations: DFIR, SIEM enrichment.
	{"SOC analyst: check a file hash against known-good software", rel(hashlookup)},
	{"NSRL lookup by SHA-1 for forensic triage", rel(hashlookup)},
	{"threat intel enrichment of MD5 hashes in bulk for the SIEM", rel(hashlookup)},

	// Payments: PSP, billing, acquiring, platforms.
	{"PSP for recurring billing and invoicing", rel(stripe)},
	{"payment gateway with Apple Pay", rel(stripe)},
	{"usage-based billing: report metered usage", rel(stripe)},
	{"dispute management for card chargebacks", rel(stripe)},
	{"coupons and discounts on subscriptions", rel(stripe)},
	{"payouts of our balance to our bank account", rel(stripe)},
	{"check whether a card BIN supports 3DS2 before authorisation", rel(adyenBin)},
	{"interchange and scheme fee estimate for a card", rel(adyenBin)},
	{"acquirer cost estimate by BIN for payment routing", rel(adyenBin)},
	{"platform payments notifications for sub-merchant onboarding KYC", rel(adyenNotify)},
	{"notification when a sub-merchant's negative balance is compensated", rel(adyenNotify)},
	{"direct debit initiated notification for a platform account holder", rel(adyenNotify)},
	{"KYC verification deadline reminders for marketplace sellers", rel(adyenNotify)},

	// Tax and currencies.
	{"VAT compliance API for cross-border e-commerce", rel(vat)},
	{"tax engine: VAT rate by customer IP address", rel(vat)},
	{"check a supplier's VAT registration number in procurement", rel(vat)},
	{"generate VAT invoices", rel(vat, stripe)},
	{"FX rates feed for the ERP", rel(exchange, stripe)},
	{"treasury: daily foreign exchange rates against EUR", rel(exchange, stripe)},
	{"multi-currency price conversion", rel(exchange, vat, stripe)},

	// Location, time and weather data.
	{"geocoding service to turn customer addresses into coordinates", rel(opencage)},
	{"reverse geocoding for field service GPS pings", rel(opencage)},
	{"travel management: find the nearest airport to an office", rel(airports)},
	{"airport reference data by country code", rel(airports)},
	{"time zone lookup by IP for a global workforce scheduling tool", rel(worldtime)},
	{"list of IANA time zones", rel(worldtime)},
	{"weather risk data for logistics planning, 15-day forecast", rel(weather)},
	{"historical weather observations for insurance claims", rel(weather)},

	// Content, news and media: CMS, DAM, digital library.
	{"news archive search for media monitoring", rel(nytimes)},
	{"press clippings: NYT articles mentioning our company since 1990", rel(nytimes)},
	{"digital library search across books, audio and web archives", rel(archive)},
	{"bulk harvest metadata from a digital preservation archive", rel(archive)},
	{"GIF library for our internal chat tool", rel(giphy)},
	{"sticker content for a messaging app", rel(giphy)},
	{"astronomy image of the day for a digital signage screen", rel(apod)},
	{"space photo with keywords for social media posts", rel(apod)},
	{"webcomic for the intranet homepage", rel(xkcd)},
	{"daily geek comic widget", rel(xkcd)},
	{"background removal for product photos in our DAM", rel(removebg)},
	{"image cutout API credit balance", rel(removebg)},
	{"clip out the subject of a photo for e-commerce listings", rel(removebg)},
	{"health insurance marketplace content: glossary and FAQs", rel(healthcare)},
	{"ACA enrollment help articles in Spanish", rel(healthcare)},
	{"headless CMS content of a government health site by state", rel(healthcare)},

	// Music, podcasts and games.
	{"in-store music player control", rel(spotify)},
	{"podcast catalogue API", rel(spotify)},
	{"music recommendation engine by mood and audio features", rel(spotify)},
	{"video game metadata database for a gaming portal", rel(rawg)},
	{"game ratings and release dates by platform", rel(rawg)},
	{"where to buy a game: store links", rel(rawg)},

	// Social networks.
	{"fediverse microblogging account followers", rel(mastodon)},
	{"decentralised social network API: a user's posts", rel(mastodon)},
	{"self-hosted Twitter alternative API", rel(mastodon)},

	// Education data.
	{"K-12 school district data for site selection", rel(schools)},
	{"rank public schools by state for relocation packages", rel(schools)},

	// IoT.
	{"IoT messaging for sensors: publish device readings", rel(dweet)},
	{"M2M platform: alert when a device value crosses a threshold", rel(dweet)},

	// Developer tools: JSON storage, HTTP testing.
	{"hosted JSON bin for mock data", rel(jsonStore)},
	{"store a small JSON config file in the cloud", rel(jsonStore)},
	{"API testing: echo back request headers", rel(httpbin)},
	{"simulate HTTP 500 errors and slow responses for resilience tests", rel(httpbin)},
	{"test basic auth and bearer token handling in an API gateway", rel(httpbin)},

	// Retail: marketplace and PIM syndication.
	{"marketplace seller integration: bulk upload product listings", rel(walmart)},
	{"PIM syndication to a retailer's marketplace, check feed status", rel(walmart)},

	// CRM.
	{"CRM UI extension: custom card on a contact record", rel(hubspot)},
	{"show ERP order data inside the CRM sidebar", rel(hubspot)},

	// Translation.
	{"machine translation for multilingual support tickets", rel(translate)},
	{"language detection of incoming text", rel(translate)},
	{"self-hosted open source translation engine", rel(translate)},
}
