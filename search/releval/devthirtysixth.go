package main

// DevThirtySixth is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): every sample was read
// from its info description, tags, paths, operation summaries and webhooks (and, where a summary was empty, the
// operation's description or parameters), and the queries are written in the VOICE of sales, marketing, finance and
// customer-support staff saying what they want their tools to do (deals, campaigns, customers, refunds, invoices,
// tickets, follow-ups, reports) in business words, not developer words; the six samples no such person would look for
// (hash lookup, CI builds, policy engine, HTTP test echo, JSON bins, device dweets) have no query. Each query lists every
// sample whose operations do what was asked, so a query two APIs both answer names both.
var DevThirtySixth = []Case{
	// Finance: refunds, chargebacks and customer billing.
	{"refund a customer who got charged twice", rel(stripe)},
	{"list every refund we gave out last month", rel(stripe)},
	{"customer filed a chargeback with their bank, send our side of the story", rel(stripe)},
	{"all payments one customer has made with us", rel(stripe)},
	{"put a customer on a monthly plan that bills automatically", rel(stripe)},
	{"customer wants to stop their membership, cancel the recurring billing", rel(stripe)},
	{"promo code for 20% off the first three months", rel(stripe)},
	{"preview what a customer will be billed on their next invoice", rel(stripe)},
	{"add a one-time setup fee to a client's next bill", rel(stripe)},
	{"charge the card on file for an unpaid invoice", rel(stripe)},
	{"process a returned order and give the money back", rel(stripe)},
	{"how much money is sitting in our account right now", rel(stripe)},
	{"transaction history to reconcile with the bank statement", rel(stripe)},
	{"when did our last payout land in the company bank account", rel(stripe)},
	{"commission we earned from sellers on our platform", rel(stripe)},
	{"add a new product with a price to our online catalog", rel(stripe, walmart)},

	// Finance: invoices, VAT and currencies.
	{"pull up an invoice we sent to a customer", rel(stripe, vat)},
	{"delete an invoice that was sent by mistake", rel(vat)},
	{"VAT rate for customers in Italy", rel(vat)},
	{"check a business customer's tax registration number is real", rel(vat)},
	{"work out the price including VAT for a French buyer", rel(vat)},
	{"which VAT rate applies based on where the website visitor is", rel(vat)},
	{"today's dollar to euro rate", rel(exchange, stripe, vat)},
	{"convert our price list from pounds into yen", rel(exchange, stripe, vat)},
	{"what one US dollar is worth in every currency today", rel(exchange, stripe)},

	// Finance: card fees and marketplace seller notifications.
	{"estimate the card processing fees before we charge a customer", rel(adyenBin)},
	{"find out if a shopper's card needs the extra bank security check", rel(adyenBin)},
	{"alert finance when a seller's balance drops below the minimum", rel(adyenNotify)},
	{"notify us when a seller's identity verification results come back", rel(adyenNotify)},
	{"heads up when a marketplace refund booking fails", rel(adyenNotify)},
	{"let me know when the monthly settlement report is ready to download", rel(adyenNotify)},

	// Email campaigns and customer emails.
	{"send our newsletter to the whole customer list", rel(postmark)},
	{"how many people opened last week's email campaign", rel(postmark)},
	{"which links in the promo email did customers click", rel(postmark)},
	{"customers whose emails keep bouncing", rel(postmark)},
	{"who marked our emails as spam", rel(postmark)},
	{"reusable order confirmation email template", rel(postmark)},
	{"customer replies to our support address land in our helpdesk", rel(postmark)},
	{"weekly report of emails sent, opened and clicked", rel(postmark)},

	// Text messages.
	{"text customers a discount code", rel(nexmo)},
	{"send appointment reminders by text message", rel(nexmo)},
	{"did the customer actually receive my text", rel(nexmo)},
	{"read the texts customers send back to our number", rel(nexmo)},

	// Team chat and follow-ups.
	{"announce a closed deal in the sales channel", rel(slack)},
	{"schedule a team message for Monday 9am", rel(slack)},
	{"remind me to follow up with a lead next Tuesday", rel(slack, asana)},
	{"search old chat conversations about a particular customer", rel(slack)},
	{"open a shared chat room with a key account", rel(slack)},
	{"share the pricing deck with the channel", rel(slack)},
	{"invite a new account manager to our chat workspace", rel(slack)},
	{"which support agents are online in chat right now", rel(slack)},

	// Campaign and sales task tracking.
	{"to-do list for the spring marketing campaign", rel(asana)},
	{"assign a follow-up call to a sales rep with a due date", rel(asana)},
	{"log a customer issue as a ticket and give it to an agent", rel(asana)},
	{"post a status update on the product launch project", rel(asana)},
	{"quarterly revenue target and how far along we are", rel(asana)},
	{"export all our project data for the annual review", rel(asana)},

	// CRM.
	{"show a customer's order history on their CRM contact page", rel(hubspot)},
	{"add our own info box to customer records in the CRM", rel(hubspot)},

	// Staff, absences and customer accounts.
	{"who on the support team is on holiday this week", rel(personio)},
	{"record hours worked by our call center agents", rel(personio)},
	{"add a new sales rep to the employee records", rel(personio)},
	{"kinds of leave staff can book, like parental leave", rel(personio)},
	{"customer is locked out of their account, let them back in", rel(okta)},
	{"send a customer a link to reset their password", rel(okta)},
	{"suspend the login of a client who stopped paying", rel(okta)},
	{"which apps a customer's account gives them access to", rel(okta)},
	{"shut off all accounts of a sales rep who is leaving", rel(okta, slack, asana)},

	// Website problems customers report.
	{"errors customers ran into on our website today", rel(elmah)},
	{"did a release go out yesterday that could explain the complaints", rel(elmah)},
	{"mark a website error as resolved", rel(elmah)},

	// Customer locations, local time, travel and weather.
	{"turn customer addresses into points on a map", rel(opencage)},
	{"clean up and standardise customer mailing addresses", rel(opencage)},
	{"street address for a delivery driver's coordinates", rel(opencage)},
	{"what time is it for our client in Sydney before I call", rel(worldtime)},
	{"list of time zones for booking customer calls", rel(worldtime)},
	{"nearest airport to a customer's office for a sales visit", rel(airports)},
	{"which airports are there in Portugal for the trade show trip", rel(airports)},
	{"weather forecast for our outdoor product launch next week", rel(weather)},
	{"what the weather was like on the day sales dropped", rel(weather)},

	// Translation for support and marketing.
	{"translate a customer complaint written in Spanish", rel(translate)},
	{"which language is this support ticket written in", rel(translate)},
	{"product description in German for our European site", rel(translate)},

	// Marketing content: images, gifs, social, music and news.
	{"cut out the background of our product photos", rel(removebg)},
	{"how many photo editing credits we have left", rel(removebg)},
	{"funny gif for our social media post", rel(giphy)},
	{"trending stickers for a holiday campaign", rel(giphy)},
	{"who follows our brand account on the fediverse", rel(mastodon)},
	{"update the bio on our company social profile", rel(mastodon)},
	{"background music playlist for our stores", rel(spotify)},
	{"most popular songs of an artist we want to sponsor", rel(spotify)},
	{"newspaper articles that mentioned our company last year", rel(nytimes)},
	{"press coverage of a competitor with headlines and dates", rel(nytimes)},
	{"search the internet archive for our old tv commercials", rel(archive)},
	{"find old brochures and catalogs in an online archive", rel(archive)},
	{"stunning space photo for today's social post", rel(apod)},
	{"astronomy image with an explanation for our newsletter", rel(apod)},
	{"nerdy comic strip to share in the team newsletter", rel(xkcd)},
	{"latest webcomic for our social feed", rel(xkcd)},
	{"plain-language health insurance terms for our benefits FAQ", rel(healthcare)},
	{"health coverage questions and answers in Spanish", rel(healthcare)},

	// Selling to schools, retailers and gamers.
	{"school districts in Ohio for our sales outreach", rel(schools)},
	{"top ranked schools in California to pitch to", rel(schools)},
	{"push our product listings to the Walmart marketplace", rel(walmart)},
	{"did our product upload to the retailer go through", rel(walmart)},
	{"release dates and ratings of upcoming video games for our launch plan", rel(rawg)},
	{"games similar to ours for a competitor analysis", rel(rawg)},
	{"game publishers to contact about a partnership", rel(rawg)},
}
