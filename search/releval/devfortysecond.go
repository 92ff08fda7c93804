package main

// DevFortySecond is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): the 36 OpenAPI files
// in samples/openapi were read for their info description, tags, paths, operation summaries and descriptions, key
// parameters and webhooks, and the queries are written in the voice of people typing a question into a portal's search
// box ("how do I ...", "is there an api to ...", "what can I use to ...", "where do I find ..."), developers and
// non-developers alike, some long and some short, without the specs' own wording. Each query lists every sample whose
// operations do what was asked, so a query two APIs both answer names both.
var DevFortySecond = []Case{
	// Taking payments, refunds, subscriptions, payouts.
	{"how do I charge a customer's credit card on my website", rel(stripe)},
	{"is there an api to give a customer their money back for an order", rel(stripe)},
	{"what can I use to bill my members every month automatically", rel(stripe)},
	{"how do I respond to a chargeback and send evidence", rel(stripe)},
	{"send part of a sale to a seller on my marketplace platform", rel(stripe)},
	{"how do I move my available balance to my bank account", rel(stripe)},

	// Card BINs and platform account notifications.
	{"how much will the interchange and scheme fees be before I authorise a card", rel(adyenBin)},
	{"is there an api to tell which 3ds version a card's first six digits support", rel(adyenBin)},
	{"where do I find out if 3d secure is available for a card brand", rel(adyenBin)},
	{"how do I get told when a sub-merchant's KYC check comes back", rel(adyenNotify)},
	{"notification when an account holder's balance drops below a threshold", rel(adyenNotify)},
	{"what events does our payments platform push when an account holder gets paid out or closed", rel(adyenNotify)},

	// Currencies, exchange rates, VAT.
	{"how do I convert dollars to euros in my app", rel(exchange, vat, stripe)},
	{"where do I find today's rate for the japanese yen", rel(exchange, vat, stripe)},
	{"what is the standard vat rate in germany", rel(vat)},
	{"is there an api to check that a company's EU VAT number is real", rel(vat)},
	{"how do I work out a price including vat", rel(vat)},
	{"which vat rate should I charge a visitor based on their ip", rel(vat)},
	{"how do I create an invoice for a customer through an api", rel(stripe, vat)},

	// Text messages and email.
	{"how do I send a text message to someone's phone", rel(nexmo)},
	{"is there a way to get a callback when somebody texts my virtual number", rel(nexmo)},
	{"what can I use to send receipts and welcome emails from my app", rel(postmark)},
	{"how many of the emails we sent bounced", rel(postmark)},
	{"who opened or clicked my email", rel(postmark)},
	{"where do I keep reusable email templates", rel(postmark)},

	// Team chat.
	{"how do I post a message into a slack channel from a script", rel(slack)},
	{"can I schedule a chat message to go out tomorrow morning", rel(slack)},
	{"is there an api to set a reminder for me in slack", rel(slack)},
	{"turn on do not disturb for a while", rel(slack)},
	{"how do I upload a custom emoji for our workspace", rel(slack)},

	// Social accounts.
	{"how do I see who follows a mastodon account", rel(mastodon)},
	{"change my bio and profile picture on a fediverse server", rel(mastodon)},
	{"get someone's toots but only the ones with photos", rel(mastodon)},

	// Sign-in accounts and people.
	{"how do I reset a user's password for them", rel(okta)},
	{"a user is locked out after too many tries, how do I unlock them", rel(okta)},
	{"is there an api to suspend a login when someone leaves the company", rel(okta)},
	{"which groups does a user belong to in our identity directory", rel(okta)},
	{"log a user out of every device at once", rel(okta, slack)},
	{"where do I find the list of all our employees", rel(personio)},
	{"how do I record the hours staff worked each day", rel(personio)},
	{"enter a sick day for an employee", rel(personio)},

	// Projects and tasks.
	{"how do I create a to-do and assign it to a coworker", rel(asana)},
	{"what can I use to track quarterly goals for the team", rel(asana)},
	{"get every task in a project", rel(asana)},
	{"how do I get notified when something changes in a project board", rel(asana)},

	// Builds and CI.
	{"how do I kick off a build of my repo from a script", rel(circleci)},
	{"where do I find the files a build produced", rel(circleci)},
	{"how do I add secret environment variables to my ci project", rel(circleci)},
	{"wipe the dependency cache for a pipeline", rel(circleci)},

	// Error logs and monitoring.
	{"where can I see the errors my website throws", rel(elmah)},
	{"how do I mark a logged exception as fixed", rel(elmah)},
	{"upload source maps so minified javascript errors are readable", rel(elmah)},
	{"tell the error tracker a new release went out", rel(elmah)},
	{"how do I ping a monitor from a nightly job so I know it ran", rel(elmah)},

	// Testing HTTP clients.
	{"is there a service that echoes back whatever request I send it", rel(httpbin)},
	{"how do I test what my code does when a server returns a 500", rel(httpbin)},
	{"need a url that follows several redirects", rel(httpbin)},

	// Storing small bits of data.
	{"how do I create a json bin and get an id to fetch it by", rel(jsonStore)},
	{"is there a free json bin I can update from a static site", rel(jsonStore)},
	{"how do I send readings from my raspberry pi sensor to the web", rel(dweet)},
	{"email me when my device reports a temperature over the limit", rel(dweet)},
	{"what was the last value my gadget published", rel(dweet)},

	// Authorisation policies.
	{"how do I ask a policy engine whether a user is allowed to do something", rel(opa)},
	{"where do I upload rego policies", rel(opa)},
	{"is the policy server healthy", rel(opa)},

	// Checking file hashes.
	{"is this file hash a known legit file", rel(hashlookup)},
	{"look up a sha1 against the NSRL", rel(hashlookup)},
	{"check a whole list of md5 values at once", rel(hashlookup)},

	// Translation.
	{"how do I translate text from english to spanish", rel(translate)},
	{"what language is this sentence written in", rel(translate)},
	{"which languages can your translator handle", rel(translate)},

	// Places, airports, weather, time.
	{"how do I turn a street address into latitude and longitude", rel(opencage)},
	{"what's the address at these coordinates", rel(opencage)},
	{"what can I use to find the closest airport to a location", rel(airports)},
	{"list all the airports in a country", rel(airports)},
	{"will it rain in london next week", rel(weather)},
	{"where do I find past temperatures for my city last summer", rel(weather)},
	{"what time is it right now in tokyo", rel(worldtime)},
	{"is there an api that lists every time zone", rel(worldtime)},
	{"does new york currently observe daylight saving", rel(worldtime)},

	// Pictures, gifs and comics.
	{"find a funny reaction gif", rel(giphy)},
	{"what stickers are popular right now", rel(giphy)},
	{"nasa astronomy picture for my birthday", rel(apod)},
	{"is there an api for a daily space photo with an explanation", rel(apod)},
	{"get the newest xkcd", rel(xkcd)},
	{"how do I fetch a particular webcomic strip by its number", rel(xkcd)},
	{"how do I cut out the background of a product photo", rel(removebg)},
	{"make a person's photo transparent behind them", rel(removebg)},

	// Music and podcasts.
	{"what song am I listening to right now on spotify", rel(spotify)},
	{"how do I make a playlist and add songs to it", rel(spotify)},
	{"where do I find podcast episodes", rel(spotify)},
	{"suggest songs similar to an artist I like", rel(spotify)},
	{"skip to the next track from my own app", rel(spotify)},

	// Video games.
	{"search video games by genre and platform", rel(rawg)},
	{"where can I buy this game", rel(rawg)},
	{"how do I get screenshots and trailers for a game", rel(rawg)},

	// News, archives, health insurance.
	{"how do I search new york times stories from the 1990s", rel(nytimes)},
	{"headlines and abstracts of newspaper articles about an election", rel(nytimes)},
	{"how do I search the internet archive for old books", rel(archive)},
	{"page through a huge number of archive.org results with a cursor", rel(archive)},
	{"where do I find health coverage information for my state", rel(healthcare)},
	{"is there a spanish version of the health insurance marketplace faq", rel(healthcare)},

	// Schools, marketplace listings, CRM.
	{"best rated elementary schools near my zip code", rel(schools)},
	{"how do school districts in texas rank", rel(schools)},
	{"how do I upload my products to sell on walmart", rel(walmart)},
	{"did my walmart item feed finish processing", rel(walmart)},
	{"how do I add a custom card to the sidebar of a crm record", rel(hubspot)},
	{"show data from my own service on a contact page in the crm", rel(hubspot)},
}
