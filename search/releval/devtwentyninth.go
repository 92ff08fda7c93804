package main

// DevTwentyNinth is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): the 36 sample
// descriptions were read for their info description, tags, paths, operation summaries and webhooks, with a look at
// parameter and response descriptions where a judgement depended on them (what a BIN lookup returns, what the VAT API
// converts, what Personio records). The queries are in the voice of a manager or colleague asking a developer in a chat
// message whether something can be done ("can we ...?", "is there a way to ...", "could our app ..."), vague about the
// technical part and naming the business need rather than the operation. Each query lists every sample whose operations do
// what was asked, so a query two APIs both answer names both.
var DevTwentyNinth = []Case{
	// Taking payments.
	{"can we charge customers' cards straight from our website?", rel(stripe)},
	{"is there a way to give a customer their money back if they return something", rel(stripe)},
	{"could we set up monthly memberships that bill people automatically?", rel(stripe)},
	{"can we hand out discount codes for the launch", rel(stripe)},
	{"can we deal with chargebacks without logging into the payments dashboard?", rel(stripe)},
	{"is there a way to send our sellers their share of the money", rel(stripe)},
	{"could we let people pay with apple pay on the site", rel(stripe)},
	{"can we accept bitcoin from customers?", rel(stripe)},
	{"can we send invoices to clients and have them pay online", rel(stripe)},

	// Card checks before a payment.
	{"is there a way to see what the card fees will be before we charge someone", rel(adyenBin)},
	{"can we check if a customer's card supports the extra bank security step before they pay?", rel(adyenBin)},
	{"could we find out which bank issued a card from its first few digits", rel(adyenBin)},

	// Marketplace seller notifications.
	{"can our app get a heads-up when one of our sellers' balances drops too low?", rel(adyenNotify)},
	{"is there a way to get pinged when a seller on our platform has a deadline coming up", rel(adyenNotify)},
	{"could we be told automatically when a new payments report is ready to download", rel(adyenNotify)},

	// Currencies and VAT.
	{"can we show prices in the customer's own currency?", rel(exchange, stripe, vat)},
	{"is there a way to get today's dollar to euro rate automatically", rel(exchange, stripe, vat)},
	{"can our finance spreadsheet pull in the latest exchange rates every morning?", rel(exchange, stripe, vat)},
	{"can we check a business customer's VAT number is legit before invoicing them?", rel(vat)},
	{"could our checkout add the right VAT for whichever EU country the buyer is in", rel(vat)},
	{"is there a way to tell which country's tax rate applies from the visitor's IP", rel(vat)},
	{"can we generate proper VAT invoices automatically?", rel(vat, stripe)},

	// Texts and emails to customers.
	{"can we text customers when their order ships?", rel(nexmo)},
	{"is there a way to send people a code by text message when they log in", rel(nexmo)},
	{"could we send a text alert to whoever is on call when something breaks", rel(nexmo)},
	{"could our app send a welcome email when someone signs up?", rel(postmark)},
	{"can we find out if people actually opened the newsletter", rel(postmark)},
	{"is there a way to see which of our emails bounced?", rel(postmark)},
	{"can we reuse one nice email design for all our receipts", rel(postmark)},
	{"could our app do something with the replies people send to our support address", rel(postmark)},

	// Team chat.
	{"can the system post a message in our team channel when a deal closes?", rel(slack)},
	{"is there a way to schedule a team announcement to go out monday morning", rel(slack)},
	{"could we set reminders for people in our chat tool", rel(slack)},
	{"can we search old chat messages for a keyword?", rel(slack)},
	{"could our app open a new chat channel for every new client", rel(slack)},
	{"can we add custom emoji for the whole company", rel(slack)},

	// Social accounts.
	{"can we see who follows our account on the fediverse?", rel(mastodon)},
	{"could our site show the latest posts from our microblog account", rel(mastodon)},
	{"is there a way to change our social profile bio and avatar from our own app", rel(mastodon)},

	// Music.
	{"can we make a playlist for the office automatically?", rel(spotify)},
	{"could our app show what song someone is listening to right now", rel(spotify)},
	{"is there a way to pause or skip the music from our own app", rel(spotify)},
	{"can we suggest songs similar to what people already like?", rel(spotify)},
	{"could we list the newest album releases on our site", rel(spotify)},

	// Video games.
	{"can we show info about video games like ratings and release dates?", rel(rawg)},
	{"is there a way to find out which stores sell a particular game", rel(rawg)},
	{"could our app show trailers and screenshots for games", rel(rawg)},

	// Gifs and fun pictures.
	{"can we let users add funny gifs to their comments?", rel(giphy)},
	{"is there a way to show which gifs are trending right now", rel(giphy)},
	{"could we add stickers to our chat feature", rel(giphy)},
	{"could the homepage have a daily space photo?", rel(apod)},
	{"can we pull the space picture from a specific date, like someone's birthday", rel(apod)},
	{"could we show a random nerdy comic on the team dashboard", rel(xkcd)},
	{"can we grab the latest webcomic strip whenever a new one comes out?", rel(xkcd)},

	// Photo editing.
	{"can we cut the background out of our product photos automatically?", rel(removebg)},
	{"is there a way to give profile pictures a transparent background", rel(removebg)},
	{"could we check how many photo edits we have left on our plan", rel(removebg)},

	// News, archives and reference content.
	{"can we find old newspaper coverage of our industry going back decades?", rel(nytimes)},
	{"is there a way to pull news headlines about a topic into our dashboard", rel(nytimes)},
	{"could we search old digitised books and recordings from a public online archive", rel(archive)},
	{"can we download a big list of archived library items in one go for research?", rel(archive)},
	{"can our site explain health insurance terms to people in plain language?", rel(healthcare)},
	{"is there a way to show health coverage info in spanish", rel(healthcare)},
	{"could we pull answers to common health insurance questions for each state", rel(healthcare)},

	// Schools.
	{"can we show the top rated schools near a house listing?", rel(schools)},
	{"is there a way to look up which school district an address belongs to", rel(schools)},
	{"could our app compare school rankings across a state", rel(schools)},

	// Weather, places, airports and time.
	{"can we show the weather forecast for our event locations?", rel(weather)},
	{"is there a way to find out what the weather was on a past date for an insurance claim", rel(weather)},
	{"could our app warn delivery drivers if it's going to rain tomorrow", rel(weather)},
	{"could our app turn customer addresses into pins on a map?", rel(opencage)},
	{"can we figure out the street address from someone's gps position", rel(opencage)},
	{"is there a way to double check addresses people type in actually exist", rel(opencage)},
	{"is there a way to show the nearest airport to a customer?", rel(airports)},
	{"could we get a list of all the airports in a country", rel(airports)},
	{"can we show the current local time for each of our offices around the world?", rel(worldtime)},
	{"is there a way to work out a visitor's time zone from their connection", rel(worldtime)},
	{"could we fill a dropdown with every time zone there is", rel(worldtime)},

	// Translation.
	{"can we translate customer reviews into english automatically?", rel(translate)},
	{"is there a way to tell what language a support ticket is written in", rel(translate)},
	{"could our app offer the site in other languages with machine translation", rel(translate)},

	// Staff, logins and access.
	{"can we see who's off on holiday next week?", rel(personio)},
	{"is there a way to record when staff clock in and out", rel(personio)},
	{"could new hires be added to the HR system automatically", rel(personio)},
	{"can we reset someone's password for them when they get locked out?", rel(okta)},
	{"when someone leaves can we switch off their account in our company login system", rel(okta)},
	{"could we see which apps a person has access to through our single sign-on", rel(okta)},
	{"can we log someone out everywhere if their laptop gets stolen?", rel(okta, slack)},

	// Projects and tasks.
	{"can we automatically create tasks from customer feedback?", rel(asana)},
	{"is there a way to track our quarterly goals and progress in the project tool", rel(asana)},
	{"could we get a count of how many tasks are still open on a project", rel(asana)},
	{"can our app attach files to a task?", rel(asana)},

	// CRM.
	{"can we show our own customer data on the contact page in our CRM?", rel(hubspot)},
	{"is there a way to add a custom info panel to the CRM sidebar", rel(hubspot)},

	// Builds and deployments.
	{"can we kick off a new build of the app from our own tool?", rel(circleci)},
	{"is there a way to rerun a failed build automatically", rel(circleci)},
	{"could we download the files a build produced", rel(circleci)},
	{"can we change the secret settings our builds use without going into the CI website?", rel(circleci)},

	// Errors and uptime.
	{"can we track all of our app's errors in one place?", rel(elmah)},
	{"is there a way to mark when we deployed so we can see if errors went up afterwards", rel(elmah)},
	{"could we check that our website is up and see the results", rel(elmah)},
	{"can our nightly job report that it ran, so we know if it silently stops?", rel(elmah)},

	// Access rules.
	{"can we keep the rules about who's allowed to do what in one central place?", rel(opa)},
	{"is there a way for our apps to ask a central service whether a user may access something", rel(opa)},

	// Testing our own code.
	{"could we test how our app behaves when a server is slow or returns errors", rel(httpbin)},
	{"is there a way to see exactly what our app sends in its requests", rel(httpbin)},
	{"can we test our login handling against a fake server that asks for a password?", rel(httpbin)},

	// File checks.
	{"can we check whether a file is a known, legit system file?", rel(hashlookup)},
	{"could we check a whole batch of file fingerprints at once", rel(hashlookup)},

	// Devices and small bits of data.
	{"can our sensors post readings and have the dashboard pick them up live?", rel(dweet)},
	{"is there a way to get an alert when a device reading goes over a limit", rel(dweet)},
	{"could our devices broadcast status updates that other gadgets can follow", rel(dweet)},
	{"could we keep a little settings file as JSON online and update bits of it later", rel(jsonStore, opa)},
	{"is there a way to throw away that stored json once we're done with it", rel(jsonStore, opa)},

	// Selling on a marketplace.
	{"can we list our whole product range on walmart in one go?", rel(walmart)},
	{"is there a way to check whether our product upload to the marketplace went through", rel(walmart)},
}
