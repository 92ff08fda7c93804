package main

// DevThirtySecond is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): the 36 sample
// files were read for their info description, tags, paths, operation summaries and webhooks, and each query was then
// judged against those operations. The VOICE is a non-technical small business owner (a shop, a cafe, a gym, a hair
// salon, a driving school, a small clinic, a bed and breakfast) describing in everyday words a chore they want
// automated, with no API or product jargon unless the owner would know the brand name. Each query lists every sample
// whose operations do what was asked, so a query two APIs both answer names both.
var DevThirtySecond = []Case{
	// Taking money from customers.
	{"take card payments for haircuts on my website", rel(stripe)},
	{"charge my gym members automatically every month", rel(stripe)},
	{"cancel a member's monthly membership when they leave", rel(stripe)},
	{"give a customer their money back for a cancelled driving lesson", rel(stripe)},
	{"make a discount code for 20% off the first visit", rel(stripe)},
	{"a customer told their bank they never paid me and the money got taken back", rel(stripe)},
	{"keep my regular customers on file with their saved card", rel(stripe)},
	{"how much money is sitting in my card payments account right now", rel(stripe)},
	{"see the transfers of my card takings into my bank account", rel(stripe)},
	{"set up my cakes with prices so people can order them online", rel(stripe)},
	{"send a bill to a company after I catered their party", rel(stripe, vat)},

	// Card fees and checks before charging.
	{"how much will the bank fee be on a card payment before I take it", rel(adyenBin)},
	{"can I add the card fee on top of the customer's bill", rel(adyenBin)},
	{"find out if a customer's card needs that extra security check from their bank", rel(adyenBin)},

	// Being told about things happening in my payments account.
	{"warn me when the balance in my payments account gets too low", rel(adyenNotify)},
	{"tell me when the identity check for my payment account comes back", rel(adyenNotify)},
	{"let me know when my monthly takings report is ready", rel(adyenNotify)},
	{"get a notice when money is on its way to my bank account", rel(adyenNotify)},
	{"reminder before the deadline to send papers to my payment company", rel(adyenNotify)},

	// VAT and foreign money.
	{"check a supplier's VAT number is real", rel(vat)},
	{"what VAT rate do I charge a customer in France", rel(vat)},
	{"work out my price without the VAT part", rel(vat)},
	{"make a proper VAT invoice for a business customer", rel(vat, stripe)},
	{"today's rate from pounds to euros", rel(exchange, stripe, vat)},
	{"show my prices in dollars for american tourists", rel(exchange, stripe, vat)},

	// Emailing customers.
	{"email each customer a receipt after their appointment", rel(postmark)},
	{"find out if people actually opened the newsletter I emailed", rel(postmark)},
	{"which customer email addresses bounced back", rel(postmark)},
	{"use the same nice looking email for every booking confirmation", rel(postmark)},
	{"read the emails customers send to our bookings address automatically", rel(postmark)},
	{"did anyone mark my shop's emails as spam", rel(postmark)},

	// Texting customers.
	{"text my clients a reminder the day before their appointment", rel(nexmo)},
	{"send a text when a customer's order is ready to pick up", rel(nexmo)},
	{"know if my text message to a customer actually arrived", rel(nexmo)},
	{"let a student know by text or email that their lesson has moved", rel(nexmo, postmark)},

	// Talking to my staff.
	{"post the weekly staff rota in our team chat", rel(slack)},
	{"schedule a message to my staff for monday at 7am", rel(slack)},
	{"set a reminder for the team to descale the coffee machine", rel(slack)},
	{"see which of my staff are online right now", rel(slack)},
	{"make a separate chat group just for the weekend staff", rel(slack)},
	{"search our old team chat for what we said about the boiler", rel(slack)},
	{"tell all my staff we are closed tomorrow because of the snow", rel(slack, nexmo, postmark)},

	// Jobs and to-do lists.
	{"a to-do list for opening and closing the cafe", rel(asana)},
	{"hand out cleaning jobs to different staff with due dates", rel(asana)},
	{"keep track of redecorating the guest rooms step by step", rel(asana)},
	{"set a sales goal for the month and see how close we are", rel(asana)},

	// Staff records, hours and time off.
	{"record the hours my part-time staff work each week", rel(personio)},
	{"who is off on holiday next week", rel(personio)},
	{"put down a sick day for one of my hairdressers", rel(personio)},
	{"keep my employees' details like start date and job title in one place", rel(personio)},
	{"the kinds of leave staff can take like paid holiday or parental leave", rel(personio)},

	// Staff logins and who can do what.
	{"a staff member forgot their password for the work computer", rel(okta)},
	{"shut off the accounts of an employee who quit", rel(okta, slack)},
	{"create a login for our new receptionist", rel(okta)},
	{"temporarily block a staff login while they are on leave", rel(okta)},
	{"rules for which staff are allowed to give refunds", rel(opa)},
	{"check if a worker is allowed to see patients' notes before showing them", rel(opa)},

	// Keeping the computers and website safe and working.
	{"check if a file I downloaded is a known safe program", rel(hashlookup)},
	{"look up a file's fingerprint to see if it is legit", rel(hashlookup)},
	{"run the automatic build of my website again after it failed", rel(circleci)},
	{"did the latest changes to our booking app pass the tests", rel(circleci)},
	{"test what my website's contact form really sends", rel(httpbin)},
	{"a test address that just sends back whatever I send it", rel(httpbin)},
	{"keep a record of errors happening on my online shop", rel(elmah)},
	{"check my booking website is still up and running", rel(elmah)},
	{"mark a website error as fixed", rel(elmah)},

	// Customer records and little bits of data.
	{"show a customer's past bookings on their contact page in hubspot", rel(hubspot)},
	{"add my own info box to the customer pages in my crm", rel(hubspot)},
	{"save my opening hours online where my website can read them", rel(jsonStore)},
	{"a simple online spot to keep a small list I can change from my phone", rel(jsonStore)},

	// Gadgets and sensors.
	{"fridge thermometer that warns me if the milk fridge gets too warm", rel(dweet)},
	{"see the latest reading from the sensor in the greenhouse", rel(dweet)},
	{"share the count from the people counter on the gym door", rel(dweet)},

	// Weather, time and places.
	{"will it rain on saturday for our outdoor bootcamp class", rel(weather)},
	{"what the weather was like last july to compare with ice cream sales", rel(weather)},
	{"the forecast for next week to tell our bed and breakfast guests", rel(weather)},
	{"what time is it right now in sydney so I can call my supplier", rel(worldtime)},
	{"a list of time zones for guests booking from abroad", rel(worldtime)},
	{"turn customer addresses into spots on a map for deliveries", rel(opencage)},
	{"find the street address from a gps location", rel(opencage)},
	{"nearest airport to our bed and breakfast for guests flying in", rel(airports)},
	{"list of airports in portugal for picking up guests", rel(airports)},

	// Other languages.
	{"translate my menu into spanish", rel(translate)},
	{"what language is this customer review written in", rel(translate)},
	{"which languages can my welcome sign be translated into", rel(translate)},

	// Pictures and social media.
	{"a funny gif to put in our instagram post", rel(giphy)},
	{"cute stickers for the salon's social media stories", rel(giphy)},
	{"cut out the background from my product photos", rel(removebg)},
	{"plain white background behind our staff head shots", rel(removebg)},
	{"see who follows our cafe on mastodon", rel(mastodon)},
	{"change our shop's profile description on mastodon", rel(mastodon)},

	// Music for the shop floor.
	{"make a playlist for the salon", rel(spotify)},
	{"skip the song playing in the shop from my phone", rel(spotify)},
	{"find upbeat songs for my spin class", rel(spotify)},

	// Stock for special shops.
	{"look up details of new video games to stock in my game shop", rel(rawg)},
	{"which consoles is this game available on", rel(rawg)},
	{"sell my products on walmart as well", rel(walmart)},
	{"did my product list upload to walmart go through", rel(walmart)},

	// Things to read and show customers.
	{"newspaper articles that mention my bakery", rel(nytimes)},
	{"old new york times stories about our neighbourhood", rel(nytimes)},
	{"old films and books that are free to use", rel(archive)},
	{"search the internet archive for old photos of our town", rel(archive)},
	{"a nerdy comic strip to brighten our staff newsletter", rel(xkcd)},
	{"today's xkcd comic for the screen in the shop", rel(xkcd)},
	{"space picture of the day for the tv in our guest lounge", rel(apod)},
	{"a new astronomy photo every day with a short explanation", rel(apod)},

	// Health cover and schools.
	{"health insurance options for my clinic staff in my state", rel(healthcare)},
	{"what does premium mean on health insurance", rel(healthcare)},
	{"list of high schools near us to hand out driving lesson flyers", rel(schools)},
	{"best rated schools in our state", rel(schools)},
}
