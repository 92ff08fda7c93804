package main

// DevNineteenth is the twentieth dev batch (written 4 December 2026 from the samples' descriptions only, by someone
// who had not read the ranking or synonym code, the held-out queries nor the other batches, and had not run the
// search): the samples' info descriptions, tags, paths, operation summaries and webhooks were read to judge what each
// API does, and the queries were then written the way people who know a well-known product look for the same or an
// alternative ("X alternative", "like X but ...", "X replacement", "migrate off X"), across many categories. Each
// query lists every sample whose operations do what was asked, so a query two APIs both answer names both.
var DevNineteenth = []Case{
	// Payments, marketplaces and card data.
	{"Braintree alternative for charging credit cards", rel(stripe)},
	{"migrate off Recurly for recurring plans and coupons", rel(stripe)},
	{"like Square but with an API for refunds and disputes", rel(stripe)},
	{"Chargebee alternative for subscription billing", rel(stripe)},
	{"PayPal Payouts alternative to send money to sellers' bank accounts", rel(stripe)},
	{"Coinbase Commerce alternative for accepting bitcoin", rel(stripe)},
	{"binlist alternative to look up a card BIN", rel(adyenBin)},
	{"estimate card processing fees before checkout, like Adyen's cost estimate", rel(adyenBin)},
	{"check whether a card supports 3D Secure 2 before paying, a Cardinal Commerce replacement", rel(adyenBin)},
	{"Adyen for Platforms notification webhooks replacement for account holder verification events", rel(adyenNotify)},
	{"Mangopay alternative: webhook when a seller's account is closed", rel(adyenNotify)},
	{"platform webhooks when a sub-merchant's balance drops below a threshold, like Stripe Connect alerts", rel(adyenNotify)},

	// Tax and currencies.
	{"Avalara alternative for EU VAT rates", rel(vat)},
	{"VIES replacement to check a VAT number", rel(vat)},
	{"issue VAT invoices for EU customers, a Quaderno alternative", rel(vat, stripe)},
	{"work out a price including VAT, like an online tax calculator", rel(vat)},
	{"Fixer.io alternative for currency exchange rates", rel(exchange, stripe)},
	{"convert euros to dollars like XE", rel(exchange, vat, stripe)},
	{"Open Exchange Rates replacement", rel(exchange, stripe)},

	// Messaging: SMS, email, chat, social.
	{"Twilio alternative for sending SMS", rel(nexmo)},
	{"migrate off MessageBird text messaging", rel(nexmo)},
	{"SendGrid alternative for transactional email", rel(postmark)},
	{"Mailgun replacement with bounce tracking", rel(postmark)},
	{"like Mandrill but with email templates", rel(postmark)},
	{"track email opens and clicks like Mailchimp", rel(postmark)},
	{"parse incoming emails like Mailgun routes", rel(postmark)},
	{"Microsoft Teams alternative API to post a message in a channel", rel(slack)},
	{"set a reminder in a team chat, like Slack's /remind", rel(slack)},
	{"Mattermost alternative with emoji reactions on messages", rel(slack)},
	{"Twitter API alternative to list an account's followers", rel(mastodon)},
	{"fediverse account profile lookup", rel(mastodon)},
	{"who does this user follow, like Twitter friends/ids but on a decentralised network", rel(mastodon)},

	// GIFs, music, images, comics.
	{"Tenor alternative for GIF search", rel(giphy)},
	{"trending stickers for a chat app, like Tenor", rel(giphy)},
	{"Gfycat replacement: turn a phrase into a GIF", rel(giphy)},
	{"Apple Music API alternative to build playlists", rel(spotify)},
	{"Deezer alternative to control playback on a speaker", rel(spotify)},
	{"Last.fm alternative for a user's top artists", rel(spotify)},
	{"podcast episodes API like Listen Notes", rel(spotify)},
	{"remove.bg alternative", rel(removebg)},
	{"Photoroom API replacement to cut out product photos", rel(removebg)},
	{"Canva-style background eraser for portraits", rel(removebg)},
	{"random webcomic for a chat bot, like the xkcd bot", rel(xkcd)},
	{"latest xkcd strip as JSON", rel(xkcd)},
	{"Dilbert comic feed replacement", rel(xkcd)},
	{"space wallpaper of the day, like Bing's daily image but astronomy", rel(apod)},
	{"Unsplash alternative for daily space photos", rel(apod)},

	// News and archives.
	{"Guardian API alternative for searching newspaper articles", rel(nytimes)},
	{"NewsAPI replacement with archives back to the 1800s", rel(nytimes)},
	{"search public domain films and audio, a Europeana alternative", rel(archive)},
	{"scrape all search results from the Internet Archive", rel(archive)},
	{"Open Library style search across archive.org items", rel(archive)},

	// Maps, travel, weather, time.
	{"Google Geocoding API alternative", rel(opencage)},
	{"Mapbox reverse geocoding replacement: coordinates to street address", rel(opencage)},
	{"Nominatim alternative to turn addresses into lat/long", rel(opencage)},
	{"Skyscanner-like nearest airport finder", rel(airports)},
	{"list of airports by country, an OurAirports replacement", rel(airports)},
	{"IATA airport code lookup", rel(airports)},
	{"Dark Sky replacement for hourly forecasts", rel(weather)},
	{"OpenWeatherMap alternative with historical weather", rel(weather)},
	{"weather history for an insurance claim, like Weather Underground", rel(weather)},
	{"timezone API like TimeZoneDB", rel(worldtime)},
	{"what time is it in Tokyo, an alternative to timeanddate.com", rel(worldtime)},
	{"detect a visitor's timezone from their IP", rel(worldtime)},

	// Translation.
	{"self-hosted DeepL alternative", rel(translate)},
	{"Google Translate API replacement", rel(translate)},
	{"detect what language a review is written in, like Google's detect endpoint", rel(translate)},

	// HR and identity.
	{"BambooHR alternative for employee records", rel(personio)},
	{"track vacation and sick leave, like Factorial", rel(personio)},
	{"clock in and clock out times for staff, like Deputy", rel(personio)},
	{"HiBob replacement to sync employees to payroll", rel(personio)},
	{"Auth0 alternative to manage user accounts", rel(okta)},
	{"Azure AD style: suspend and unsuspend a user", rel(okta)},
	{"OneLogin replacement for password resets", rel(okta)},
	{"Keycloak-like user lifecycle: activate and deactivate users", rel(okta)},

	// Authorization and security.
	{"Casbin alternative for authorization policies", rel(opa)},
	{"Oso or Cedar alternative to evaluate access policies over REST", rel(opa)},
	{"policy as code engine like Styra", rel(opa)},
	{"VirusTotal alternative to check if a file hash is known", rel(hashlookup)},
	{"NSRL lookup of a SHA-1", rel(hashlookup)},
	{"bulk MD5 lookup for forensic triage, a VirusTotal replacement", rel(hashlookup)},

	// CI and monitoring.
	{"Travis CI alternative API to trigger builds", rel(circleci)},
	{"Jenkins replacement: retry a failed build", rel(circleci)},
	{"GitHub Actions alternative: download build artifacts", rel(circleci)},
	{"set environment variables on a CI project like in Travis", rel(circleci)},
	{"Sentry alternative for .NET error logging", rel(elmah)},
	{"Rollbar replacement with deployment tracking", rel(elmah)},
	{"Healthchecks.io alternative for cron heartbeats", rel(elmah)},
	{"Pingdom alternative uptime monitoring", rel(elmah)},
	{"de-minify JavaScript stack traces with source maps like Bugsnag", rel(elmah)},

	// Project management and CRM.
	{"Trello alternative API for tasks and projects", rel(asana)},
	{"Jira replacement for tracking team goals", rel(asana)},
	{"Monday.com alternative with portfolios", rel(asana)},
	{"Todoist for teams: assign tasks to colleagues", rel(asana)},
	{"Salesforce alternative: custom cards on contact records", rel(hubspot)},
	{"extend the HubSpot CRM sidebar with my app's data", rel(hubspot)},
	{"Zendesk sidebar app alternative for a CRM record page", rel(hubspot)},

	// Storage, IoT and developer tools.
	{"JSONbin alternative to store a JSON document", rel(jsonStore)},
	{"Firebase Realtime Database replacement for a tiny JSON blob", rel(jsonStore)},
	{"myjson.com replacement with PATCH updates", rel(jsonStore)},
	{"ThingSpeak alternative to post sensor readings", rel(dweet)},
	{"Adafruit IO replacement for IoT device alerts", rel(dweet)},
	{"pub/sub for devices over plain HTTP, like PubNub", rel(dweet)},
	{"Postman Echo alternative to test HTTP clients", rel(httpbin)},
	{"RequestBin-like: see what headers my client sent", rel(httpbin)},
	{"mock server that returns any status code, like Mockbin", rel(httpbin)},

	// Games, education, health, retail.
	{"IGDB alternative video game database", rel(rawg)},
	{"Steam store data replacement: game screenshots and trailers", rel(rawg)},
	{"Metacritic-like game ratings API", rel(rawg)},
	{"GreatSchools API replacement for school ratings", rel(schools)},
	{"Niche.com alternative to rank school districts", rel(schools)},
	{"health insurance glossary like healthcare.gov", rel(healthcare)},
	{"Obamacare marketplace content API for a state page", rel(healthcare)},
	{"Medicare.gov-style FAQ answers about health coverage", rel(healthcare)},
	{"Amazon Seller Central alternative: bulk upload product listings", rel(walmart)},
	{"eBay listing feed alternative: check the status of uploaded items", rel(walmart)},
}
