package main

// DevThirtyFifth is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): the 36 sample
// descriptions were read for their info description, tags, paths, operation summaries, a few parameters and webhooks,
// and each query was judged against those operations. The VOICE is a manager, product owner or colleague asking a
// developer in a chat message whether something can be done ("can we ...?", "is it possible to ...", "could we ...",
// "would it be hard to ..."), vague about the technical part and describing the business outcome, not the API. Each
// query lists every sample whose operations do what was asked, so a query two APIs both answer names both.
var DevThirtyFifth = []Case{
	// Taking money: checkout, subscriptions, refunds, disputes.
	{"can we let customers pay by card when they check out on our site?", rel(stripe)},
	{"is it possible to give a customer their money back if they send the item back", rel(stripe)},
	{"would it be hard to charge people every month for the premium plan automatically", rel(stripe)},
	{"any way our app could accept a discount code at checkout?", rel(stripe)},
	{"can we handle the chargebacks customers open with their bank from our admin panel", rel(stripe)},
	{"can we see how much money we have been paid so far and how much is still pending", rel(stripe)},

	// Card checks before charging.
	{"can we find out what the card fees will cost us before we actually charge the customer", rel(adyenBin)},
	{"is it possible to know upfront if a customer's card will need that extra bank security check", rel(adyenBin, stripe)},

	// Marketplace: paying sellers and hearing about their accounts.
	{"can we split a sale and send part of the money to the seller on our marketplace", rel(stripe)},
	{"could we get pinged automatically when one of our sellers gets paid out", rel(adyenNotify)},
	{"can we be alerted when a seller's identity documents are approved or rejected", rel(adyenNotify)},
	{"would it be hard to warn us when a seller's account balance is running low", rel(adyenNotify)},

	// Currencies.
	{"is it possible to pull today's euro to dollar rate into our finance reports", rel(exchange, stripe, vat)},

	// VAT and invoices.
	{"can we charge the right VAT depending on which EU country the buyer is in", rel(vat)},
	{"any way to check a business customer's VAT number is real before we invoice them?", rel(vat)},
	{"could we work out which country a visitor is in from their connection so the right tax rate applies", rel(vat)},
	{"can we send customers proper invoices from our system", rel(stripe, vat)},

	// Text messages.
	{"is it possible for customers to reply to our texts and for us to see what they said", rel(nexmo)},
	{"could we know whether our text messages actually reached people's phones", rel(nexmo)},

	// Email.
	{"can we send a welcome email when someone signs up", rel(postmark)},
	{"any way to see how many people opened the newsletter we sent?", rel(postmark)},
	{"can we find out which customer email addresses keep bouncing", rel(postmark)},
	{"is it possible for emails sent to our support address to come into our app automatically", rel(postmark)},
	{"would it be hard to let marketing change the wording of our emails without a developer", rel(postmark)},

	// Team chat.
	{"can the app post a message in our team channel when a big deal closes?", rel(slack)},
	{"is it possible to schedule an announcement to go out in the company chat on monday morning", rel(slack)},
	{"could we automatically open a chat channel for every new client", rel(slack)},
	{"can we set reminders for people through our team chat", rel(slack)},
	{"any way to see who is online in the chat right now?", rel(slack)},
	{"can we search old chat conversations for a client's name", rel(slack)},

	// Projects and tasks.
	{"can we automatically create a to-do for the team when a customer sends in a request", rel(asana)},
	{"is it possible to pull how many tasks are still open in each project for the weekly report", rel(asana)},
	{"could we track our quarterly goals and their progress somewhere our app can update", rel(asana)},
	{"can we copy our standard onboarding project for every new client", rel(asana)},
	{"can new starters be added to their team in our project tool and chat automatically", rel(asana, slack)},

	// People and HR.
	{"can our intranet show who is on holiday this week?", rel(personio)},
	{"is it possible to send staff working hours from our timesheet tool into the HR system", rel(personio)},
	{"could new hires go into the HR system automatically once recruiting is done", rel(personio)},
	{"can we show staff photos from the HR system on the intranet directory", rel(personio)},
	{"can we pull a list of everyone in the company for the org chart", rel(personio, okta, slack, asana)},

	// Logins and access.
	{"can people reset their own password without calling IT?", rel(okta)},
	{"when someone leaves, can we block their access right away", rel(okta, slack, asana)},
	{"is it possible to temporarily freeze a contractor's login and switch it back on later", rel(okta)},
	{"could we see which apps a given employee has access to", rel(okta)},
	{"can we sign someone out on all their devices if their laptop gets stolen", rel(okta, slack)},

	// Central rules about who may do what.
	{"can we have one central place for the rules about who is allowed to approve what", rel(opa)},
	{"is it possible to change our access rules without redeploying every service", rel(opa)},
	{"could our services ask one central thing whether a user is allowed to do something", rel(opa)},

	// Builds and releases.
	{"can we kick off a new build from our own dashboard?", rel(circleci)},
	{"is it possible to see whether the latest build passed before we release", rel(circleci)},
	{"could we rerun a failed build without going into the CI tool", rel(circleci)},
	{"would it be hard to see which tests failed in last night's build", rel(circleci)},

	// Errors and monitoring.
	{"can we get a list of the errors our website throws in production", rel(elmah)},
	{"is it possible to mark an error as fixed once we've shipped the fix", rel(elmah)},
	{"could we record each release so we can tell which one broke things", rel(elmah)},
	{"can we be told if our nightly job silently stops running", rel(elmah)},

	// Testing how our app talks to the web.
	{"is there something QA can use to fake slow responses or server errors", rel(httpbin)},
	{"can we check exactly what headers and data our app sends out", rel(httpbin)},
	{"any way to test our redirects and cookies without building a server for it?", rel(httpbin)},

	// Places, airports, time and weather.
	{"can we turn the addresses customers type in into pins on a map", rel(opencage)},
	{"is it possible to show the street address for a delivery driver's current position", rel(opencage)},
	{"can we check that an address a customer typed actually exists", rel(opencage)},
	{"could we show the closest airport to each hotel on our site", rel(airports)},
	{"can we list all the airports in spain for the booking form", rel(airports)},
	{"can the app show what time it is right now for a customer in sydney", rel(worldtime)},
	{"can the app work out the user's timezone from where they are connecting", rel(worldtime)},
	{"can we fill the settings dropdown with a list of all time zones", rel(worldtime)},
	{"would it be hard to show the weather forecast for the event location", rel(weather)},
	{"can we see what the weather was like on the day of a delivery complaint", rel(weather)},

	// Languages.
	{"is it possible to figure out what language a support ticket is written in", rel(translate)},
	{"which languages could we offer if we add automatic translation", rel(translate)},

	// Pictures, gifs and comics.
	{"can we cut the background out of our product photos automatically", rel(removebg)},
	{"is it possible to give everyone's profile picture a clean transparent background", rel(removebg)},
	{"could we add funny gifs to the chat feature", rel(giphy)},
	{"can users search for stickers to send each other", rel(giphy)},
	{"can the homepage show a space picture of the day", rel(apod)},
	{"would it be hard to show last week's astronomy photos in a gallery", rel(apod)},
	{"can we put the newest stick-figure science comic on our blog sidebar", rel(xkcd)},
	{"is it possible to pull up a specific old web comic by its number", rel(xkcd)},

	// News, archives and public information.
	{"can we show new york times articles that mention our company", rel(nytimes)},
	{"is it possible to search old articles from a major newspaper going back decades", rel(nytimes)},
	{"could we let users dig through that big free online library of old books, films and recordings", rel(archive)},
	{"is it possible to export a big list of archived items for our research team", rel(archive)},
	{"can we explain health insurance jargon to customers using the official government content", rel(healthcare)},
	{"could we show the official health coverage information for each US state", rel(healthcare)},
	{"is it possible to show official health insurance questions and answers in spanish", rel(healthcare)},

	// Schools.
	{"can we show nearby schools and how they rank on each house listing", rel(schools)},
	{"is it possible to list the best school districts in a state", rel(schools)},

	// Games.
	{"can our app show details and ratings for video games?", rel(rawg)},
	{"could we show where a game can be bought", rel(rawg)},
	{"would it be hard to show trailers and screenshots for each game", rel(rawg)},

	// Music.
	{"can we make a playlist for the store music from our app", rel(spotify)},
	{"is it possible to show which song is playing in the office right now", rel(spotify)},
	{"could the app suggest songs similar to what a customer likes", rel(spotify)},
	{"can we list this week's new album releases in our newsletter", rel(spotify)},

	// Social.
	{"can we show the follower count of our fediverse account on the website", rel(mastodon)},
	{"is it possible to update our social profile bio from our admin tool", rel(mastodon)},
	{"could we show the latest posts from our microblog account on the site", rel(mastodon)},

	// Devices and sensors.
	{"can our warehouse sensors send their readings somewhere our app can read them", rel(dweet)},
	{"is it possible to get an email if the fridge temperature goes too high", rel(dweet)},
	{"could we see yesterday's readings from the delivery van tracker", rel(dweet)},

	// Simple storage.
	{"can we keep a small bit of settings data online without setting up a database", rel(jsonStore)},
	{"is it possible for the prototype to save and update its data somewhere simple", rel(jsonStore)},

	// CRM.
	{"can sales see our order history right inside the CRM when they open a contact", rel(hubspot)},
	{"would it be hard to add our own info panel to hubspot records", rel(hubspot)},

	// Checking files.
	{"can we check whether files people upload are known legit software", rel(hashlookup)},
	{"is it possible to check a whole list of file fingerprints against a known-good database in one go", rel(hashlookup)},

	// Selling on a retail marketplace.
	{"can we list our products on walmart's marketplace in bulk", rel(walmart)},
	{"is it possible to see whether our product upload to walmart went through", rel(walmart)},
}
