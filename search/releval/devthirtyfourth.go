package main

// DevThirtyFourth is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): the 36 sample specs were
// read for their info description, tags, paths, operation summaries and webhooks (the large ones, Stripe, Slack, Asana and
// Spotify, through their operation summaries), then each query was written in the VOICE of a non-technical small business
// owner (a florist, a bakery, a yoga studio, a plumber, a dentist's office, a bookshop, a holiday cottage, a language school)
// typing a chore they want automated or a thing they want to know into the portal's search box, in everyday words and never
// in API or developer words. Each query lists every sample whose operations do what was asked, so a query two APIs both
// answer names both.
var DevThirtyFourth = []Case{
	// Taking money from customers.
	{"take card payments for flower deliveries on my website", rel(stripe)},
	{"give a customer their money back for a cancelled cake order", rel(stripe)},
	{"charge yoga members their monthly fee automatically", rel(stripe)},
	{"make a code that gives 10% off the first lesson", rel(stripe)},
	{"how much money from card sales is sitting in my account", rel(stripe)},
	{"a customer told their bank they never made the payment, what do I do", rel(stripe)},
	{"keep track of online cake orders and mark them as paid", rel(stripe)},
	{"let me know when my takings have been paid into my bank", rel(stripe, adyenNotify)},
	{"send the customer a bill for the plumbing job", rel(stripe, vat)},

	// Card fees and marketplace money alerts.
	{"how much will the bank charge me for this card before I take the payment", rel(adyenBin)},
	{"check if a customer's card supports the extra bank security step", rel(adyenBin, stripe)},
	{"alert me when the money in my seller account drops too low", rel(adyenNotify)},
	{"get told when a payment split with the market stall holders fails", rel(adyenNotify)},
	{"notice when my identity check documents for the payment company are due", rel(adyenNotify)},

	// Foreign money.
	{"how many pounds is 50 euros today", rel(exchange, stripe, vat)},
	{"today's rate for US dollars so tourists know what they pay", rel(exchange, stripe, vat)},

	// VAT and tax.
	{"what VAT do I charge a customer in Germany", rel(vat)},
	{"check a business customer's VAT number is genuine", rel(vat)},
	{"work out the price without VAT from the price on the shelf", rel(vat)},
	{"make an invoice with the right VAT on it", rel(vat)},
	{"which country's tax applies from where the online buyer is", rel(vat)},

	// Emails to customers.
	{"send appointment reminder emails to patients", rel(postmark)},
	{"did my customers actually open the newsletter I emailed", rel(postmark)},
	{"which emails came back because the address was wrong", rel(postmark)},
	{"a nice looking booking confirmation email I can reuse", rel(postmark)},
	{"how many people clicked the link in my email", rel(postmark)},
	{"automatically read emails that guests send to our bookings address", rel(postmark)},
	{"are people marking my shop emails as junk", rel(postmark)},

	// Text messages.
	{"text customers when their bouquet is ready to collect", rel(nexmo)},
	{"send a text reminder the day before a dental appointment", rel(nexmo)},
	{"know whether my text actually reached the customer's phone", rel(nexmo)},
	{"receive the replies when customers text us back", rel(nexmo)},

	// Staff chat.
	{"post a note in our staff chat when a new order comes in", rel(slack)},
	{"remind me every Friday to order more flour", rel(slack)},
	{"write a message to the team now and have it go out Monday morning", rel(slack)},
	{"set up a separate chat room for the weekend staff", rel(slack)},
	{"look back through old staff chat messages about the boiler", rel(slack)},
	{"invite the new shop assistant to our team chat", rel(slack)},

	// To-do lists and jobs.
	{"a shared to-do list for me and the shop staff", rel(asana)},
	{"give one of my plumbers a job with a date it must be done by", rel(asana)},
	{"keep track of how the cottage renovation is going", rel(asana)},
	{"break a big job into smaller steps", rel(asana)},
	{"attach a photo of the leak to the job on our list", rel(asana)},
	{"yearly goals for the business and how close we are", rel(asana)},

	// Staff records, hours and holidays.
	{"record when staff clock in and clock out", rel(personio)},
	{"log a sick day for one of the dental nurses", rel(personio)},
	{"staff records with start date and job title", rel(personio)},
	{"add the new baker to our staff records", rel(personio)},
	{"what kinds of leave can staff take, like parental leave", rel(personio)},

	// Staff logins.
	{"a receptionist forgot her password and needs a new one", rel(okta)},
	{"temporarily stop a staff member logging in while they are on leave", rel(okta)},
	{"create a computer login for the new receptionist", rel(okta)},
	{"change the security question on my account", rel(okta)},
	{"someone got locked out after typing the wrong password", rel(okta)},

	// Customer records.
	{"show booking details next to each client in our customer list", rel(hubspot)},
	{"add an extra info box to every customer's page in our contacts system", rel(hubspot)},

	// Social media.
	{"see who follows our bakery's social media account", rel(mastodon)},
	{"update the bio on our social media profile", rel(mastodon)},
	{"look at the posts our studio has put on our social page", rel(mastodon)},
	{"funny moving pictures to add to our shop's posts", rel(giphy)},
	{"what animated memes are popular today", rel(giphy)},

	// Pictures for the shop.
	{"cut the background out of photos of my cakes", rel(removebg)},
	{"plain white background for my product photos", rel(removebg)},
	{"how many free photo edits have I got left", rel(removebg)},
	{"beautiful space photo of the day for our newsletter", rel(apod)},
	{"a picture of the stars or planets for the waiting room screen", rel(apod)},

	// Fun for the newsletter.
	{"a funny comic strip to put in our weekly newsletter", rel(xkcd)},
	{"today's nerdy web comic", rel(xkcd)},

	// Music in the shop or studio.
	{"make a relaxing playlist for the yoga class", rel(spotify)},
	{"find calm songs like the ones my students already love", rel(spotify)},
	{"podcast episodes about running a small business", rel(spotify)},

	// Video games for a games café.
	{"look up video games for the café shelves by genre", rel(rawg)},
	{"where can a customer buy the video game they asked about", rel(rawg)},
	{"review score and release date of a video game", rel(rawg)},

	// News and old books.
	{"what the New York Times wrote about small bakeries", rel(nytimes)},
	{"news articles about flower prices from last year", rel(nytimes)},
	{"find old scanned books and recordings in a free online library", rel(archive)},
	{"is a rare out-of-print book free to read online somewhere", rel(archive)},

	// Other languages.
	{"translate our menu into Spanish", rel(translate)},
	{"what language is this customer's message written in", rel(translate)},
	{"which languages can my welcome letter be translated into", rel(translate)},

	// Places, travel and weather.
	{"turn customer addresses into points on a map for deliveries", rel(opencage)},
	{"get the street address from where a phone is", rel(opencage)},
	{"nearest airport to our holiday cottage for guests", rel(airports)},
	{"list of airports in Portugal", rel(airports)},
	{"will it rain on Saturday for the outdoor wedding flowers", rel(weather)},
	{"how warm was it last summer at the cottage for the brochure", rel(weather)},
	{"two week weather forecast for our town", rel(weather)},

	// Time around the world.
	{"what time is it now for my student in Tokyo", rel(worldtime)},
	{"is Sydney on summer time right now", rel(worldtime)},

	// Schools nearby.
	{"best rated primary schools near our language school", rel(schools)},
	{"list of schools in the district to drop flyers at", rel(schools)},
	{"how a school ranks in its state for a family moving here", rel(schools)},

	// Health insurance for staff.
	{"explain health insurance words in plain English for my staff", rel(healthcare)},
	{"common questions about getting health cover", rel(healthcare)},
	{"health insurance information for our state in Spanish", rel(healthcare)},

	// Sensors in the shop.
	{"get a warning when the walk-in fridge gets too warm", rel(dweet)},
	{"keep the readings from my greenhouse thermometer", rel(dweet)},
	{"show the live oven temperature on a screen in the bakery", rel(dweet)},

	// Small bits of data for the website.
	{"save our opening hours online so the website can read them", rel(jsonStore)},
	{"a simple place online to keep and change a small list without a database", rel(jsonStore)},

	// When the website breaks.
	{"tell me when our booking website shows an error", rel(elmah)},
	{"check our website is still up and running", rel(elmah)},
	{"keep a note of each time our website was updated", rel(elmah)},
	{"run the automatic check on our website's code again after it failed", rel(circleci)},
	{"did the latest version of our booking app build properly", rel(circleci)},

	// Rules about who may do what.
	{"write rules for which staff can see customer records and check them automatically", rel(opa)},
	{"check if our rules allow a trainee to give refunds", rel(opa)},

	// Checking files and the shop computer.
	{"check if a file on the shop computer is a known genuine program", rel(hashlookup)},
	{"look up a file's fingerprint in a list of known files", rel(hashlookup)},
	{"see exactly what our website's contact form sends", rel(httpbin)},
	{"what is the shop computer's internet address", rel(httpbin, worldtime)},

	// Selling on a big marketplace.
	{"put my products up for sale on Walmart", rel(walmart)},
	{"check whether my product upload to Walmart worked", rel(walmart)},
}
