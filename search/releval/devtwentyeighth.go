package main

// DevTwentyEighth is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): the 36 files of
// samples/openapi were read for their info description, tags, paths, operation summaries and webhooks, and each query
// was then written in the voice of sales, marketing and customer-support staff saying what they want their tools to do
// (customers and billing, CRM records, campaigns and newsletters, leads, tickets, follow-ups, social posts), in business
// words rather than developer words, as they would type it into the portal's search box. Each query lists every sample
// whose operations do what was asked, so a query two APIs both answer names both.
var DevTwentyEighth = []Case{
	// Customers, billing and discounts.
	{"list of all our paying customers", rel(stripe)},
	{"give a loyal customer 20% off their next bill", rel(stripe)},
	{"make a promo code for the black friday sale", rel(stripe)},
	{"refund a customer who was charged twice", rel(stripe)},
	{"customer disputed the charge with their bank, send our evidence", rel(stripe)},
	{"which customers cancelled their subscription this month", rel(stripe)},
	{"move a client from the basic plan to premium", rel(stripe)},
	{"customer wants to send back part of their order", rel(stripe)},
	{"send a client an invoice for the consulting hours", rel(stripe, vat)},

	// Tax and currencies on quotes.
	{"check if a business customer's VAT number is real", rel(vat)},
	{"what VAT do I charge a customer in France", rel(vat)},
	{"quote a price with VAT included", rel(vat)},
	{"which country's tax applies to a visitor on our pricing page", rel(vat)},
	{"convert the deal value from pounds to dollars", rel(exchange, stripe, vat)},
	{"today's euro rate for a customer quote in another currency", rel(exchange, stripe, vat)},

	// Card payments and marketplace sellers.
	{"what will it cost us to process this customer's card", rel(adyenBin)},
	{"does this customer's card support the extra bank security check", rel(adyenBin)},
	{"get told when one of our marketplace sellers is paid out", rel(adyenNotify)},
	{"alert me when a seller's account balance drops too low", rel(adyenNotify)},
	{"notification when a new seller passes the identity check", rel(adyenNotify)},

	// CRM records.
	{"show the customer's open orders inside the CRM contact page", rel(hubspot)},
	{"add a custom info panel to our CRM records", rel(hubspot)},
	{"extra card in the crm sidebar with the customer's support ticket history", rel(hubspot)},

	// Email campaigns and newsletters.
	{"send the monthly newsletter to all subscribers", rel(postmark)},
	{"how many people opened our last email campaign", rel(postmark)},
	{"who clicked the link in the promo email", rel(postmark)},
	{"which emails bounced from the last mailing", rel(postmark)},
	{"how many people marked our newsletter as spam", rel(postmark)},
	{"reusable template for our welcome emails", rel(postmark)},
	{"read the replies customers sent to our support address", rel(postmark)},
	{"block spam senders from the support inbox", rel(postmark)},

	// Text messages.
	{"text customers a reminder about their appointment", rel(nexmo)},
	{"send an sms promotion to our lead list", rel(nexmo)},
	{"get the text message replies from customers", rel(nexmo)},
	{"send order confirmations by text or by email", rel(nexmo, postmark)},

	// Team chat.
	{"post new leads into the sales channel automatically", rel(slack)},
	{"remind me to follow up with a prospect on friday", rel(slack)},
	{"schedule the launch announcement in team chat for monday 9am", rel(slack)},
	{"find the chat where the client mentioned the discount", rel(slack)},
	{"pause my notifications while I'm at the trade show", rel(slack)},
	{"look up a colleague by their email address", rel(slack, okta)},

	// Follow-ups, tickets and campaign plans.
	{"create a follow-up task after a sales call", rel(asana)},
	{"assign a support ticket to a teammate", rel(asana)},
	{"track progress on our quarterly sales target", rel(asana)},
	{"copy last quarter's campaign plan as a new project", rel(asana)},
	{"attach the signed contract to the deal task", rel(asana)},

	// Social media.
	{"who follows our brand on social media", rel(mastodon)},
	{"read the latest posts from an influencer we work with", rel(mastodon)},
	{"update our company bio on our social profile", rel(mastodon)},
	{"which accounts is our competitor following", rel(mastodon)},

	// Pictures, gifs and comics for posts.
	{"funny gif to put in a social post", rel(giphy)},
	{"trending stickers for our instagram story", rel(giphy)},
	{"turn our catchphrase into a reaction gif", rel(giphy)},
	{"cut the background out of our product photos", rel(removebg)},
	{"clean plain background for the sales team headshots", rel(removebg)},
	{"beautiful space photo of the day for our feed", rel(apod)},
	{"astronomy picture with ready made hashtags for instagram", rel(apod)},
	{"nerdy comic strip to brighten up the newsletter", rel(xkcd)},
	{"today's geek comic to share with the team", rel(xkcd)},

	// Music and podcasts.
	{"make a playlist for the background music in our shop", rel(spotify)},
	{"new music releases to mention in this week's post", rel(spotify)},
	{"find a marketing podcast we could sponsor", rel(spotify)},
	{"change the cover picture of our brand playlist", rel(spotify)},

	// Video games campaigns.
	{"list of popular video games for our gamer campaign", rel(rawg)},
	{"which stores sell the game we're promoting", rel(rawg)},
	{"game trailers we could use in an ad", rel(rawg)},

	// Press and research.
	{"newspaper articles mentioning our competitor", rel(nytimes)},
	{"press coverage of our industry in the new york times", rel(nytimes)},
	{"old news stories about our brand from decades ago", rel(nytimes, archive)},
	{"find old brochures and catalogs in the internet archive", rel(archive)},
	{"old public domain films for a retro campaign", rel(archive)},

	// Translation for customers.
	{"translate a customer's complaint into english", rel(translate)},
	{"what language is this support ticket written in", rel(translate)},
	{"translate our newsletter into spanish and german", rel(translate)},

	// Health insurance content for clients.
	{"health insurance faq answers for our customers", rel(healthcare)},
	{"explain what a deductible means to a client", rel(healthcare)},
	{"health coverage information by state for our outreach", rel(healthcare)},

	// Staff, logins and access.
	{"which sales reps are on vacation next week", rel(personio)},
	{"log the hours our support agents worked", rel(personio)},
	{"add a new hire to our employee records", rel(personio)},
	{"staff photos for the meet the team page", rel(personio, slack)},
	{"reset a sales rep's forgotten password", rel(okta)},
	{"create a company login for the new account manager", rel(okta)},
	{"unlock a rep who got locked out after too many tries", rel(okta)},
	{"turn off access for a salesperson who left", rel(okta, slack, asana)},

	// Places, travel and time for customer visits and events.
	{"turn customer addresses into map pins", rel(opencage)},
	{"find the town a lead is in from their gps location", rel(opencage)},
	{"closest airport to the client's office", rel(airports)},
	{"airports in italy for our travel promo", rel(airports)},
	{"what time is it for my client in sydney right now", rel(worldtime)},
	{"list of time zones for booking calls with overseas customers", rel(worldtime)},
	{"weather forecast for our outdoor launch event", rel(weather)},
	{"was it raining on the day of the store promotion", rel(weather)},

	// Education sales and marketplace listings.
	{"list schools in ohio for our education sales push", rel(schools)},
	{"best ranked school districts to target", rel(schools)},
	{"upload our product catalog to walmart", rel(walmart)},
	{"did our walmart product upload go through", rel(walmart)},

	// The website and small tools behind the campaigns.
	{"see the errors customers ran into on our website", rel(elmah)},
	{"is our website up, uptime checks", rel(elmah)},
	{"rerun the website build after updating the landing page", rel(circleci)},
	{"did the latest website update finish publishing", rel(circleci)},
	{"check if a sales rep is allowed to see this customer's data", rel(opa)},
	{"set a rule for who may export the contact list", rel(opa)},
	{"test what our signup form actually sends", rel(httpbin)},
	{"what's my office ip address for the allowlist", rel(httpbin, worldtime)},
	{"is the file a customer emailed us a known safe file", rel(hashlookup)},
	{"check a download's fingerprint against known software", rel(hashlookup)},
	{"live visitor count from the sensor at our trade show booth", rel(dweet)},
	{"alert when the store footfall counter passes a limit", rel(dweet)},
	{"keep our promo banner settings online so we can edit them later", rel(jsonStore)},
	{"simple online place to save giveaway entries and update them", rel(jsonStore)},
}
