package main

// DevFortyFourth is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): product managers and designers
// looking in an internal API portal for what could power a feature they are specifying, in product language, some typos.
// Each query lists every sample whose operations do what was asked.
var DevFortyFourth = []Case{
	// texting customers
	{"we want customers to get a text message when their order ships", rel(nexmo)},
	{"order timeline should show whether our text actually reached the customer's phone", rel(nexmo)},
	{"two-way texting: customers reply to our number and it lands in the support inbox", rel(nexmo)},

	// email
	{"welcome email layout that marketing can edit without waiting for a release", rel(postmark)},
	{"see which customers opened the onboarding email and clicked the button", rel(postmark)},
	{"list of emails that bounced so support can fix the customer's address", rel(postmark)},
	{"users reply to a notification email and the reply shows up as a comment in the app", rel(postmark)},

	// team chat
	{"post in the sales channel automatically when a big deal closes", rel(slack)},
	{"schedule an annoucement to go out in the company channel Monday 9am", rel(slack)},
	{"let people upload a new profile photo from our settings screen", rel(slack, mastodon)},

	// accounts and sign-in
	{"forgot password flow for the employee portal", rel(okta)},
	{"temporarily suspend a staff member's login while HR investigates", rel(okta)},
	{"launchpad page showing every app a person has been given access to", rel(okta)},
	{"sign the person out on all their devices after a security incident", rel(okta, slack)},
	{"find someone's account by their work email adress", rel(okta, slack)},

	// HR
	{"vacaton calendar showing who on the team is off next week", rel(personio)},
	{"clock in and clock out for our hourly shop staff", rel(personio)},
	{"when an offer is signed the new hire should appear in the HR system automatically", rel(personio)},
	{"dropdown of leave kinds like parental leave or working from home", rel(personio)},

	// project work
	{"when a customer reports a bug, auto-create a to-do on the team's project board", rel(asana)},
	{"track company OKRs and how far along each objective is", rel(asana)},
	{"our app needs to hear about it whenever a task changes in the project tool", rel(asana)},
	{"roadmap view that shows which work items are blocked by others", rel(asana)},

	// payments and billing
	{"issue a partial refund straight from the support dashboard", rel(stripe)},
	{"customer disputed a payment, we need to submit chargback evidence", rel(stripe)},
	{"send a customer an invoice for a one-off job", rel(stripe, vat)},
	{"show what the card processing fees will be before we charge the shopper", rel(adyenBin)},
	{"check whether the shopper's card supports the extra bank verification step before checkout", rel(adyenBin)},

	// marketplace seller events
	{"get pinged when a seller's identity verification results come back", rel(adyenNotify)},
	{"warn us when a seller's account balance drops below a set amount", rel(adyenNotify)},
	{"marketplace: be told when a seller's account gets closed", rel(adyenNotify)},

	// currency and tax
	{"show prices in the shopper's local currency", rel(exchange, vat, stripe)},
	{"finance dashboard needs today's rates for every currency against the US dollar", rel(exchange, stripe)},
	{"b2b signup should confirm the company's EU tax registration number is real", rel(vat)},
	{"what sales tax rate applies to a buyer in Germany", rel(vat)},
	{"show prices with tax included, turning net prices into gross", rel(vat)},

	// places and maps
	{"turn the address someone types into a pin on the map", rel(opencage)},
	{"show the street and town name for the GPS spot where a photo was taken", rel(opencage)},
	{"address search limited to results inside one country", rel(opencage)},
	{"suggest the nearest airprot to the user's hotel", rel(airports)},
	{"destination picker listing all airports in Spain", rel(airports)},
	{"booking confirmation shows full airport details from the 3-letter code", rel(airports)},

	// time
	{"meeting planner shows what time it is right now in Tokyo", rel(worldtime)},
	{"timzone dropdown for the profile settings page", rel(worldtime)},
	{"guess the visitor's time zone without asking them", rel(worldtime)},
	{"daylight saving: is the clock shifted for that city right now", rel(worldtime)},
	{"show the visitor their own IP address on the security page", rel(httpbin, worldtime)},

	// weather
	{"weather forecast on the event page for the next two weeks", rel(weather)},
	{"wheather on the day of the incident for an insurance claim", rel(weather)},
	{"hourly rain outlook for booking outdoor classes", rel(weather)},

	// languages
	{"translte product reviews into the reader's language", rel(translate)},
	{"figure out what language a support ticket is written in", rel(translate)},
	{"which languages can we offer in the auto-translate menu", rel(translate)},

	// fun visuals
	{"gif picker in the chat composer", rel(giphy)},
	{"trending stickers for the reactions tray", rel(giphy)},
	{"random animated gif on the 404 page", rel(giphy)},
	{"astronomy photo of the day on the browser new-tab page", rel(apod)},
	{"show the space image that was featured on the user's birthday", rel(apod)},
	{"nerdy comic strip on the empty inbox screen", rel(xkcd)},
	{"include the newest webcomic in the weekly team newsletter", rel(xkcd)},

	// image editing
	{"put product photos on a clean white background automatically", rel(removebg)},
	{"remove backround from profile photos so they look consistent", rel(removebg)},
	{"how many photo cutout credits do we have left this month", rel(removebg)},

	// news, archives and reference content
	{"news articles mentioning our company going back to the nineties", rel(nytimes)},
	{"newspaper headlines from 1969 about the moon landing for a history lesson", rel(nytimes)},
	{"search old public-domain books, films and audio recordings", rel(archive)},
	{"pull metadata for thousands of library items page by page for a research tool", rel(archive)},
	{"plain-language glossary of health coverage terms for tooltips", rel(healthcare)},
	{"health coverage FAQ content in Spanish for our help center", rel(healthcare)},
	{"state-by-state health insurance marketplace info pages", rel(healthcare)},

	// music and podcasts
	{"let users build a playlsit from songs they like", rel(spotify)},
	{"play, pause and skip music from our app's mini player", rel(spotify)},
	{"recommend songs similar to what someone already listens to", rel(spotify)},
	{"show podcast shows and their latest episodes in the app", rel(spotify)},
	{"workout app picks tracks by tempo and energy", rel(spotify)},

	// games
	{"game catalog with genres, platforms and review scores for our gamer community", rel(rawg)},
	{"where can I buy this game - links to the online shops", rel(rawg)},
	{"game detail page with trailers and screenshots", rel(rawg)},
	{"list of achievements players can unlock in a game", rel(rawg)},

	// schools
	{"show school ratings near each home on our real estate listings", rel(schools)},
	{"top ranked high schools in California", rel(schools)},
	{"which school district does this street address belong to", rel(schools)},

	// app health and releases
	{"see the crashes users are hitting in production", rel(elmah)},
	{"mark each release so we can tell if a deploy caused new errors", rel(elmah)},
	{"alert us if the nightly import job stops checking in", rel(elmah)},
	{"turn minified javascript errors back into readable source lines", rel(elmah)},
	{"rerun a failed build from the release dashboard", rel(circleci)},
	{"show the test results of the latest build on the release page", rel(circleci)},
	{"download the installer files a build produced", rel(circleci)},
	{"manage secret settings for the build pipeline without touching the code", rel(circleci)},

	// connected devices
	{"our smart fridge sends temperature readings and the app shows the latest one", rel(dweet)},
	{"notify the owner when a sensor reading goes over a limit", rel(dweet)},
	{"live feed of device updates without refreshing the page", rel(dweet)},

	// prototyping and testing
	{"save prototype data as json somewhere without building a backend", rel(jsonStore)},
	{"shared json config the designer can edit for the clickable prototype", rel(jsonStore)},
	{"fake server to test how the app behaves with slow responses and error codes", rel(httpbin)},
	{"sample images in png, jpeg and webp for mockups", rel(httpbin)},
	{"generate a random unique id for each draft", rel(httpbin)},

	// permissions and trust
	{"keep the rules for who can see which page outside the app code", rel(opa)},
	{"ask a central rulebook whether this manager may approve the expense", rel(opa)},
	{"list which access rules are currently live", rel(opa)},
	{"check if an uploaded file is known legitimate software by its fingerprint", rel(hashlookup)},
	{"flag uploads by matching their md5 against a database of known files", rel(hashlookup)},

	// crm, marketplace listings, social
	{"show our subscription details inside the sales team's CRM contact sidebar", rel(hubspot)},
	{"custom panel on the CRM record page with the customer's order history", rel(hubspot)},
	{"bulk upload our product listings to Walmart", rel(walmart)},
	{"check whether our product upload to the marketplace went through", rel(walmart)},
	{"show a user's followers on their profile in our social app", rel(mastodon)},
	{"let people edit their bio and banner image", rel(mastodon)},
	{"pull someone's recent posts from the fediverse, only ones with media", rel(mastodon)},
}
