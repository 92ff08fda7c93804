package main

// DevTwentyFirst is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had
// not read the ranking or synonym code, the held-out queries nor the other batches, and had not run the search): the
// samples' info descriptions, tags, paths, operation summaries and webhooks were read to judge what each API does, and
// the queries were then written as people building for a named platform or integration target would type them (a
// Shopify app, a WordPress plugin, a Discord or Telegram bot, a Slack app, a spreadsheet add-on, a Zapier step, a Home
// Assistant integration, an iOS widget, a CLI tool, a VS Code extension...) together with what the integration must do.
// Each query lists every sample whose operations do what was asked, so a query two APIs both answer names both.
var DevTwentyFirst = []Case{
	// Payments, cards and marketplaces.
	{"shopify app that takes card payments and issues refunds", rel(stripe)},
	{"woocommerce plugin to bill customers a monthly subscription", rel(stripe)},
	{"zapier step: when a customer disputes a charge, open a ticket", rel(stripe)},
	{"discord bot showing our store's account balance and recent payouts", rel(stripe)},
	{"checkout plugin that checks a card's issuing country from its first digits", rel(adyenBin)},
	{"magento extension to decide if a card needs 3d secure before paying", rel(adyenBin, stripe)},
	{"excel add-in estimating the processing cost of a card payment", rel(adyenBin)},
	{"marketplace backend listening for seller account payout notifications", rel(adyenNotify)},
	{"slack alert when a platform sub-merchant's funds drop below a threshold", rel(adyenNotify)},
	{"zapier trigger when a marketplace account holder's verification status changes", rel(adyenNotify)},
	{"shopify app to create coupon codes for a discount campaign", rel(stripe)},

	// Tax, invoices and currencies.
	{"woocommerce plugin to validate EU VAT numbers of business buyers", rel(vat)},
	{"google sheets formula that returns the vat rate for a country code", rel(vat)},
	{"wordpress checkout plugin charging the visitor's VAT based on their IP address", rel(vat)},
	{"invoice generator CLI that creates VAT invoices", rel(vat, stripe)},
	{"google sheets add-on to pull today's currency exchange rates", rel(exchange, stripe)},
	{"ios widget showing euro to dollar exchange rate", rel(exchange, stripe)},
	{"telegram bot that converts an amount from pounds to euros", rel(exchange, vat, stripe)},
	{"home assistant sensor for the USD exchange rate against my local currency", rel(exchange, stripe)},

	// Email and SMS.
	{"wordpress plugin sending transactional emails from templates", rel(postmark)},
	{"rails app tracking who opened and clicked our newsletter emails", rel(postmark)},
	{"zapier step that forwards inbound emails to a webhook", rel(postmark)},
	{"dashboard widget showing email bounce and spam complaint stats", rel(postmark)},
	{"home assistant notification by text message to my phone", rel(nexmo)},
	{"shopify app texting customers their order status via sms", rel(nexmo)},
	{"react native app sending sms with delivery receipts", rel(nexmo)},
	{"helpdesk integration that receives SMS replies from customers", rel(nexmo)},

	// Chat and social.
	{"slack app that posts a message to a channel", rel(slack)},
	{"slack bot scheduling a reminder for the team", rel(slack)},
	{"CLI tool uploading a build log file to a slack channel", rel(slack)},
	{"slack integration that looks up a colleague by email address", rel(slack, okta)},
	{"mastodon client showing who follows an account", rel(mastodon)},
	{"fediverse bot that reads an account's latest toots", rel(mastodon)},
	{"ios app to edit my mastodon profile display name and bio", rel(mastodon)},

	// Identity and access.
	{"admin CLI to deactivate a user who left the company in our identity provider", rel(okta)},
	{"helpdesk plugin that resets a user's password and unlocks their account", rel(okta)},
	{"SCIM-like sync to create users and put them in groups", rel(okta)},
	{"kubernetes admission controller asking a policy engine whether to allow a request", rel(opa)},
	{"envoy sidecar authorization with rego policies", rel(opa)},
	{"CI step that uploads a policy file and evaluates it against input data", rel(opa)},

	// HR and project management.
	{"slack bot answering who is on vacation today from our HR system", rel(personio)},
	{"google sheets export of employee attendance hours", rel(personio)},
	{"onboarding workflow that creates a new hire record in the HR tool", rel(personio)},
	{"microsoft teams app to request time off", rel(personio)},
	{"github action that creates a task in a project board when an issue is opened", rel(asana)},
	{"zapier step to add a comment to a task and assign it to a teammate", rel(asana)},
	{"raycast extension listing my tasks due this week", rel(asana)},
	{"notion dashboard tracking company goals and their progress", rel(asana)},
	{"hubspot app showing a custom sidebar card on contact records", rel(hubspot)},
	{"crm extension card that fetches data from our backend when a deal is viewed", rel(hubspot)},

	// Developer tooling.
	{"vs code extension that shows the status of my latest CI builds", rel(circleci)},
	{"slack command to rerun a failed build", rel(circleci)},
	{"CLI tool to download build artifacts from continuous integration", rel(circleci)},
	{"script that sets environment variables on a CI project", rel(circleci)},
	{"jetbrains plugin listing the most recent error logs of my .NET app", rel(elmah)},
	{"deployment script marking a new release in our error tracker", rel(elmah)},
	{"cron job sending heartbeats so I get warned when the job stops running", rel(elmah)},
	{"status page integration showing uptime checks", rel(elmah)},
	{"webpack plugin uploading javascript source maps to the error tracker", rel(elmah)},
	{"postman-style test collection needing an endpoint that echoes my request back", rel(httpbin)},
	{"unit tests for an http client's retry logic needing a server that returns any status code", rel(httpbin)},
	{"nginx config test: check my proxy forwards headers and cookies", rel(httpbin)},
	{"jest tests needing a fake endpoint that responds slowly", rel(httpbin)},
	{"vue prototype saving JSON without writing a backend", rel(jsonStore)},
	{"browser extension storing user settings in a hosted json document", rel(jsonStore)},
	{"mobile app prototype that patches a remote JSON blob", rel(jsonStore)},

	// IoT and home automation.
	{"arduino sensor publishing readings to the cloud without an account", rel(dweet)},
	{"home assistant integration reading the last values my raspberry pi posted", rel(dweet)},
	{"node-red flow alerting when a device's temperature goes over a limit", rel(dweet)},
	{"esp32 thing streaming data that a dashboard listens to in real time", rel(dweet)},
	{"home assistant weather forecast for the next week", rel(weather)},
	{"farm app pulling historical rainfall for a location last year", rel(weather)},
	{"garmin watch face showing temperature and forecast", rel(weather)},

	// Location and time.
	{"wordpress store locator that turns addresses into map coordinates", rel(opencage)},
	{"delivery app reverse geocoding a GPS position into a street address", rel(opencage)},
	{"travel app finding the closest airport to the user's location", rel(airports)},
	{"flight booking widget listing airports in a country", rel(airports)},
	{"discord bot telling the current time in another city's timezone", rel(worldtime)},
	{"raspberry pi clock that sets its time zone from its public IP", rel(worldtime)},
	{"calendar app dropdown of all IANA time zones", rel(worldtime)},

	// Media, music and games.
	{"discord bot that replies with a reaction gif", rel(giphy)},
	{"slack command posting trending stickers", rel(giphy)},
	{"chat app keyboard extension to search animated gifs", rel(giphy)},
	{"discord bot showing what song I'm listening to", rel(spotify)},
	{"stream deck plugin to pause, skip and change volume of my music", rel(spotify)},
	{"party app adding songs to a shared playlist", rel(spotify)},
	{"podcast app listing saved episodes and shows", rel(spotify)},
	{"discord music recommendation bot seeded by favourite artists", rel(spotify)},
	{"discord bot looking up a video game's release date, genres and platforms", rel(rawg)},
	{"twitch overlay showing a game's screenshots and trailers", rel(rawg)},
	{"game night app browsing titles by publisher and developer", rel(rawg)},
	{"shopify app removing the background from product photos", rel(removebg)},
	{"photoshop plugin to cut out people from pictures automatically", rel(removebg)},
	{"batch script checking how many image credits I have left", rel(removebg)},
	{"ios widget with NASA's astronomy picture of the day", rel(apod)},
	{"telegram bot sending a space photo every morning", rel(apod)},
	{"slack bot posting the newest xkcd comic", rel(xkcd)},
	{"browser new-tab extension showing a random webcomic by number", rel(xkcd)},

	// Search, news and open data.
	{"wordpress plugin embedding New York Times articles about a topic", rel(nytimes)},
	{"obsidian plugin searching newspaper archives by date range", rel(nytimes)},
	{"zotero plugin searching the Internet Archive's collections", rel(archive)},
	{"digital library crawler paging through all archive.org items matching a query", rel(archive)},
	{"chatbot explaining health insurance terms from the marketplace glossary", rel(healthcare)},
	{"obamacare enrollment website pulling state-specific coverage pages", rel(healthcare)},
	{"real estate site showing nearby school rankings", rel(schools)},
	{"parents app comparing school districts by test scores", rel(schools)},
	{"moving app listing elementary schools in a zip code", rel(schools)},
	{"discord bot translating messages between languages", rel(translate)},
	{"wordpress plugin that detects which language a comment is written in", rel(translate)},
	{"self-hosted translation for a chrome extension", rel(translate)},

	// Security and retail.
	{"malware triage script checking if a file's sha1 is a known good file", rel(hashlookup)},
	{"forensics CLI bulk looking up md5 hashes against NSRL", rel(hashlookup)},
	{"seller integration uploading product listings to Walmart marketplace", rel(walmart)},
	{"ERP connector checking the processing status of a bulk item upload", rel(walmart)},
}
