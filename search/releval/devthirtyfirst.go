package main

// DevThirtyFirst is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): each of the 36
// samples/openapi files was read for its info description, tags, paths, operation summaries and webhooks (callbacks
// included) before any query was written. The queries are in the voice of mobile app developers (iOS, Android,
// Flutter, React Native) listing the features of the app they are building: "feature: ...", "screen that shows ...",
// "push ... to the user", with mobile words (screen, tap, push, offline, widget, camera roll, lock screen), and they
// describe the feature rather than name the product or its operations. Each query lists every sample whose operations
// do what was asked, so a query two APIs both answer names both.
var DevThirtyFirst = []Case{
	// Payments and checkout in the app.
	{"feature: checkout screen that charges the user's saved card", rel(stripe)},
	{"apple pay button in our ios app, need to register our web domain for it", rel(stripe)},
	{"android app needs an ephemeral key for the customer so the mobile sdk can show saved cards", rel(stripe)},
	{"before showing the pay button check if the card's first digits support 3d secure", rel(adyenBin)},
	{"show an estimate of the card processing fee before the user taps pay", rel(adyenBin)},
	{"feature: monthly subscription paywall screen with a free trial", rel(stripe)},
	{"refund button on the order history screen", rel(stripe)},
	{"promo code field at checkout in the app", rel(stripe)},
	{"billing screen listing the subscriber's past invoices", rel(stripe)},
	{"marketplace app: send the driver's earnings to their bank account", rel(stripe)},
	{"screen that shows chargebacks on the user's orders so they can upload evidence", rel(stripe)},

	// Marketplace sellers told what happened to their account.
	{"push a notification to the seller when their kyc verification result comes back", rel(adyenNotify)},
	{"alert the shop owner in the app when account funds drop below a threshold", rel(adyenNotify)},
	{"tell the merchant in the app when their store's status changes", rel(adyenNotify)},
	{"push to the seller app when a new account report is ready to download", rel(adyenNotify)},

	// Currency and tax.
	{"show prices in the user's local currency, converted live", rel(exchange, vat, stripe)},
	{"currency converter widget with today's rates", rel(exchange, vat, stripe)},
	{"eu shop app: show the price including vat for the user's country", rel(vat)},
	{"checkout screen validates the company vat number the user types in", rel(vat)},
	{"guess the vat rate from the phone's ip address", rel(vat)},

	// Text messages and email sent from the app.
	{"feature: send a one time login code by text message", rel(nexmo)},
	{"screen that shows whether the sms we sent to the user was delivered", rel(nexmo)},
	{"get the text messages users send to our number into the app", rel(nexmo)},
	{"send an order confirmation email from a template after an in-app purchase", rel(postmark)},
	{"track whether users opened the welcome email we sent after signup", rel(postmark)},
	{"list bounced emails so the app can ask the user to fix their address", rel(postmark)},

	// Team chat features.
	{"share button that posts a message to a team channel", rel(slack)},
	{"toggle do not disturb from the app's settings screen", rel(slack)},
	{"schedule a chat message to a channel for later", rel(slack)},
	{"unread badge: mark the channel as read when the user opens it", rel(slack)},
	{"upload a photo from the camera roll into a chat channel", rel(slack)},
	{"tap to add an emoji reaction to a message", rel(slack)},
	{"green online dot next to teammates in the member list", rel(slack)},
	{"create a reminder for the user from a chat shortcut", rel(slack)},

	// Social client.
	{"profile screen listing the followers of a fediverse account", rel(mastodon)},
	{"edit profile screen for our microblogging client: display name and bio", rel(mastodon)},
	{"show someone's toots on their profile page", rel(mastodon)},

	// GIFs and stickers.
	{"gif picker in the chat keyboard with search", rel(giphy)},
	{"sticker tab showing what's trending right now", rel(giphy)},
	{"shake the phone to get a random gif", rel(giphy)},

	// Music.
	{"now playing widget on the lock screen with the current song", rel(spotify)},
	{"skip to next track button in our running app", rel(spotify)},
	{"let users add a song to one of their playlists from our app", rel(spotify)},
	{"podcast screen listing the episodes of a show the user saved", rel(spotify)},
	{"recommend songs that match the tempo of the user's run", rel(spotify)},

	// Photos and pictures.
	{"cut the person out of a selfie and make the background transparent", rel(removebg)},
	{"profile photo editor: remove the background before upload", rel(removebg)},
	{"show how many background removal credits are left on our plan", rel(removebg)},
	{"space picture of the day as the home screen wallpaper", rel(apod)},
	{"widget with the astronomy photo for a chosen date and its explanation", rel(apod)},
	{"comic of the day widget for a nerdy humor app", rel(xkcd)},
	{"swipe through old webcomics by number", rel(xkcd)},

	// Games.
	{"game discovery app: browse games by genre and platform", rel(rawg)},
	{"game detail screen with screenshots and trailers", rel(rawg)},
	{"where to buy this game: links to the stores that sell it", rel(rawg)},
	{"achievements list for a game in our companion app", rel(rawg)},

	// News, libraries and reference content.
	{"news reader app: search newspaper articles by keyword and date", rel(nytimes)},
	{"article card with headline, abstract and lead paragraph", rel(nytimes)},
	{"search public domain books, movies and audio from a digital library", rel(archive)},
	{"infinite scroll over library search results with a cursor", rel(archive)},
	{"health insurance glossary screen explaining terms like deductible", rel(healthcare)},
	{"faq screen about health coverage enrollment, also in spanish", rel(healthcare)},
	{"state by state health insurance marketplace info in the app", rel(healthcare)},

	// Translation.
	{"translate chat messages into the reader's language with a tap", rel(translate)},
	{"detect what language the user typed in the text field", rel(translate)},
	{"language picker listing the languages we can translate to", rel(translate)},

	// Maps and places.
	{"turn the pin the user dropped on the map into a street address", rel(opencage)},
	{"address search box that returns coordinates to center the map", rel(opencage)},
	{"find the nearest airport to the phone's gps position", rel(airports)},
	{"airport picker filtered by country for a flight booking app", rel(airports)},
	{"feature: find schools near the user's location on a map", rel(schools)},
	{"school finder screen comparing school rankings in a state", rel(schools)},
	{"school district details screen for parents moving house", rel(schools)},

	// Weather and time.
	{"weather widget with the 7 day forecast for the user's city", rel(weather)},
	{"show what the weather was like on the day a photo was taken", rel(weather)},
	{"world clock screen: current time in another timezone", rel(worldtime)},
	{"timezone picker list in the settings screen", rel(worldtime)},
	{"detect the user's timezone from their ip on first launch", rel(worldtime)},

	// Work apps: HR and tasks.
	{"employee app: clock in and clock out button", rel(personio)},
	{"request vacation days from the phone", rel(personio)},
	{"team absence calendar screen: who is off this week", rel(personio)},
	{"show colleagues' profile pictures in the hr app staff list", rel(personio)},
	{"to-do app: create a task with subtasks and a due date", rel(asana)},
	{"attach a photo from the phone camera to a task", rel(asana)},
	{"project board screen with sections as columns", rel(asana)},
	{"push to the user when someone comments on their task", rel(asana)},
	{"screen that shows progress on the team's goals", rel(asana)},

	// Sign-in, accounts and permissions.
	{"forgot password screen that sends a one time code", rel(okta)},
	{"change password screen in account settings", rel(okta)},
	{"security screen: sign the employee out of all their devices", rel(okta, slack)},
	{"suspend a user account from our admin app", rel(okta)},
	{"ask our policy engine whether this user may open the admin tab", rel(opa)},
	{"evaluate a policy rule from the app to decide if a button is enabled", rel(opa)},

	// Developer and QA tooling for the app.
	{"test how the app handles a slow network response", rel(httpbin)},
	{"mock endpoint that returns a 500 to test the error screen", rel(httpbin)},
	{"check which headers our android http client actually sends", rel(httpbin)},
	{"send crash reports and error logs from the app", rel(elmah)},
	{"upload javascript source maps for our react native bundle", rel(elmah)},
	{"heartbeat ping from the app's background sync job", rel(elmah)},
	{"screen that shows ci build status for our app's repo", rel(circleci)},
	{"tap to retry a failed build from the phone", rel(circleci)},
	{"download build artifacts like the apk from the last build", rel(circleci)},
	{"check if a file the user downloaded matches a known hash", rel(hashlookup)},
	{"look up the sha1 of an attachment against a database of known files", rel(hashlookup)},

	// Storage and connected devices.
	{"save app settings as json in a hosted bin, no backend of our own", rel(jsonStore)},
	{"prototype app: free hosted json store to read and patch a document", rel(jsonStore)},
	{"show the latest reading from my iot sensor in a widget", rel(dweet)},
	{"push an alert to the phone when the sensor value crosses a limit", rel(dweet)},
	{"app publishes the phone's data so other devices can read it", rel(dweet)},

	// CRM and marketplace catalog.
	{"sales app extension: custom card on the contact record in the crm", rel(hubspot)},
	{"update the data card our integration shows in the crm sidebar", rel(hubspot)},
	{"seller app uploads a feed of product listings to the marketplace", rel(walmart)},
	{"show the status of the item feed the seller uploaded", rel(walmart)},
}
