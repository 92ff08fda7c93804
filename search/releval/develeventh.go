package main

// DevEleventh is the twelfth dev batch (written 4 December 2026 from the samples' descriptions only, by someone who
// had not read the ranking or synonym code, the other query files nor the held-out queries, and had not run the
// search): the samples' info descriptions, tags, paths, operation summaries and webhooks were read to judge what each
// API does, and the queries were then written as the titles of questions people post on Stack Overflow, Reddit or a
// company chat when looking for an API ("Is there a free API to ...?", "API recommendation: ...", "Looking for a
// service that ..."), some with a constraint (free tier, open source, self-hosted, no signup, GDPR/EU), some combining
// two needs, a few misspelt. Each query lists every sample whose operations do what was asked, so a query two APIs
// both answer names both, and a query combining two needs names the API answering each.
var DevEleventh = []Case{
	// Card payments, disputes and marketplace notifications.
	{"Is there an API to charge credit cards and issue refunds for a small SaaS?", rel(stripe)},
	{"API recommendation: recurring subscriptions with coupons and trial periods", rel(stripe)},
	{"How do I answer a chargeback dispute with evidence through an API?", rel(stripe)},
	{"Looking for a payment provider that can accept bitcoin", rel(stripe)},
	{"How can I estimate what a card payment will cost me before charging it?", rel(adyenBin)},
	{"Which 3DS version does a card BIN support? Need to know before checkout", rel(adyenBin)},
	{"Looking for a service that notifies my backend when a sub-merchant payout is sent", rel(adyenNotify)},
	{"Webhook when a seller account on our marketplace is closed or its verification status changes", rel(adyenNotify)},
	{"Get notified when funds are transferred between platform accounts or a refund is scheduled", rel(adyenNotify)},

	// Tax and currencies.
	{"Free currency exchange rates API, no signup needed?", rel(exchange)},
	{"How to convert a price from GBP to EUR in my code with live rates", rel(exchange, vat, stripe)},
	{"Check if an EU customer's VAT number is valid before invoicing", rel(vat)},
	{"Is there an API that gives the VAT rate from a visitor's IP address?", rel(vat)},
	{"API to create VAT-compliant invoices for EU sales", rel(vat)},
	{"vat numbr validaton api", rel(vat)},

	// E-mail and SMS.
	{"Transactional email service with open and click tracking via API?", rel(postmark)},
	{"How can I see which of our emails bounced and why?", rel(postmark)},
	{"Send templated emails in batches from Node, which provider?", rel(postmark)},
	{"Cheapest API to send text messages to customers' phones", rel(nexmo)},
	{"Send an SMS verification code to a phone number in E.164 format", rel(nexmo)},
	{"smss gateway api recomendation", rel(nexmo)},

	// Team chat and social networks.
	{"How do I post a message to a team channel from a script?", rel(slack)},
	{"Schedule a message or a reminder in our workspace chat via API", rel(slack)},
	{"Bot that adds emoji reactions and pins messages in channels", rel(slack)},
	{"Look up a coworker by their email address in our chat tool", rel(slack)},
	{"Fediverse API: list who follows an account", rel(mastodon)},
	{"Self-hosted open source Twitter alternative, API to read a user's posts", rel(mastodon)},
	{"Update my profile on a decentralised microblogging server via API", rel(mastodon)},

	// Identity and HR.
	{"API to suspend and reactivate employee logins in our SSO directory", rel(okta)},
	{"Force a password reset for a user and kill all their sessions", rel(okta)},
	{"Which apps is a user assigned to in our identity provider?", rel(okta)},
	{"user lifecycle management API (activate, deactivate, unlock accounts)", rel(okta)},
	{"HR software with an API to read employee records and absences", rel(personio)},
	{"Push employee working hours from our time clock into the HR system", rel(personio)},
	{"GDPR-friendly European HR tool with an API for vacation requests", rel(personio)},
	{"Get an employee's profile photo from the HR system", rel(personio)},

	// CRM and project management.
	{"Show custom info cards in the sidebar of a CRM contact record", rel(hubspot)},
	{"Add a widget to CRM record pages that pulls data from my own backend", rel(hubspot)},
	{"Trello or Jira alternative with an API to create and assign tasks", rel(asana)},
	{"API to track team goals and OKRs with progress metrics", rel(asana)},
	{"Move a task to another section of a project board programmatically", rel(asana)},
	{"Export all the data of our project management organization", rel(asana)},
	{"Project portfolio status updates through an API", rel(asana)},

	// CI, error tracking and uptime.
	{"How do I retry a failed build from a script?", rel(circleci)},
	{"Download the build artifacts of the latest CI run", rel(circleci)},
	{"Set environment variables for a CI project through the API", rel(circleci)},
	{"Clear the dependency cache on our continuous integration service", rel(circleci)},
	{"Error logging service for .NET with an API to mark errors as fixed", rel(elmah)},
	{"Upload JavaScript source maps so production stack traces are readable", rel(elmah)},
	{"Heartbeat monitoring: ping a service every time my cron job runs", rel(elmah)},
	{"Record a deployment so that errors can be tied to a release version", rel(elmah)},

	// IoT, JSON storage and policy.
	{"Simplest way for a Raspberry Pi to publish sensor readings, no account needed", rel(dweet)},
	{"IoT messaging where devices post data and I get an alert when a value crosses a limit", rel(dweet)},
	{"Stream the latest values from an Arduino to a dashboard", rel(dweet)},
	{"Free JSON bin to keep a small config for my static site", rel(jsonStore)},
	{"Hosted JSON storage that supports merge-patch partial updates", rel(jsonStore)},
	{"Quick backend to save and update a blob of JSON without running a database", rel(jsonStore)},
	{"Self-hosted authorization policy engine I can query over REST", rel(opa)},
	{"Upload Rego policy modules through an API", rel(opa)},
	{"Policy as code: ask whether a user may access a resource", rel(opa)},
	{"Compile a policy query into filters with partial evaluation", rel(opa)},

	// HTTP testing.
	{"Test endpoint that echoes back my request headers", rel(httpbin)},
	{"Mock server that returns any HTTP status code I ask for", rel(httpbin)},
	{"Service to test redirects and cookies in my HTTP client", rel(httpbin)},
	{"Simulate a slow response to test client timeouts", rel(httpbin)},
	{"test basic auth in my http libary", rel(httpbin)},
	{"Endpoint returning a sample PNG, JPEG or WebP image for download tests", rel(httpbin)},

	// Retail, archives, news and public information.
	{"Bulk upload my product catalog to a big retailer's marketplace and check the feed status", rel(walmart)},
	{"As a marketplace seller, how do I check the processing status of an item feed I submitted?", rel(walmart)},
	{"Search millions of digitized books, films and old web pages programmatically", rel(archive)},
	{"Scrape every search result from a digital library with a scrolling cursor", rel(archive)},
	{"Search historical newspaper articles going back to the 1800s", rel(nytimes)},
	{"News archive API with headlines and abstracts by keyword", rel(nytimes)},
	{"API for health insurance marketplace content and glossary terms", rel(healthcare)},
	{"Get US health coverage FAQ pages in Spanish", rel(healthcare)},
	{"US government health care info by state as JSON", rel(healthcare)},
	{"US public school rankings by state for a real estate app", rel(schools)},
	{"Find school districts and their test scores through an API", rel(schools)},

	// Language, images and fun.
	{"Free open source self-hosted translation API, no Google", rel(translate)},
	{"Detect which language a customer review is written in", rel(translate)},
	{"translte text english to german api", rel(translate)},
	{"Add trending GIFs to my chat app", rel(giphy)},
	{"Turn a word into a matching animated sticker", rel(giphy)},
	{"random gif endpoint for a bot", rel(giphy)},
	{"NASA astronomy picture of the day as JSON", rel(apod)},
	{"Daily space photo with an explanation for a wallpaper app", rel(apod)},
	{"Get the latest xkcd comic as JSON", rel(xkcd)},
	{"Fetch a nerdy webcomic strip by its number", rel(xkcd)},
	{"Cut out the background from product photos automatically", rel(removebg)},
	{"Make a transparent PNG of a person from a photo via API", rel(removebg)},
	{"background remover api with free credits", rel(removebg)},

	// Places, weather and time.
	{"Turn a street address into latitude and longitude anywhere in the world", rel(opencage)},
	{"Reverse geocoding: coordinates to a city name", rel(opencage)},
	{"geocodng api worldwide", rel(opencage)},
	{"Find the closest airport to a GPS coordinate", rel(airports)},
	{"List all airports in a country by ISO code", rel(airports)},
	{"Historical weather data for a date range at an address", rel(weather)},
	{"Weather forecast API with hourly data", rel(weather)},
	{"What time is it in a given timezone? Simple free API", rel(worldtime)},
	{"Detect a user's timezone from their IP address", rel(worldtime)},
	{"Endpoint listing all IANA time zones", rel(worldtime)},

	// Games, music and security.
	{"Video game database API with genres, platforms and screenshots", rel(rawg)},
	{"Where can I buy this game? Store links API", rel(rawg)},
	{"IGDB alternative to get game trailers and achievements", rel(rawg)},
	{"Create a playlist and add songs from my app", rel(spotify)},
	{"Control music playback on the user's devices (pause, skip)", rel(spotify)},
	{"Get the tempo and danceability of a song", rel(spotify)},
	{"Podcast episodes API for a listening app", rel(spotify)},
	{"Check whether a file's SHA-1 is a known good file from NSRL", rel(hashlookup)},
	{"Bulk MD5 hash lookup against a database of known software", rel(hashlookup)},
	{"Malware triage: is this hash a known file?", rel(hashlookup)},

	// Two needs at once.
	{"Send a chat message to our team when a CI build fails", rel(slack, circleci)},
	{"Email the customer a receipt after a card payment", rel(stripe, postmark)},
	{"Notify users by SMS or by email, which APIs?", rel(nexmo, postmark)},
	{"Local time and current weather for a city", rel(worldtime, weather)},
	{"Charge the right VAT and collect the card payment", rel(vat, stripe)},
	{"GIFs and comics for a fun team bot", rel(giphy, xkcd)},
	{"Weather forecast at the airport nearest to a location", rel(weather, airports)},
}
