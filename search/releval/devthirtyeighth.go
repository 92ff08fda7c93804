package main

// DevThirtyEighth is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): the 36 samples
// were read through their info description, tags, paths, operation summaries, the descriptions of their main
// parameters and their webhooks, and the queries are written in the voice of a person who says what they want to
// happen or to know, in everyday words, without naming the kind of service or of data that does it ("know if the
// card will cost us extra", never "BIN lookup"). Each query lists every sample whose operations do what was asked, so
// a query two APIs both answer names both.
var DevThirtyEighth = []Case{
	// Taking and giving back money.
	{"take money from a customer's card when they check out", rel(stripe)},
	{"give a buyer their money back after they sent the item back", rel(stripe)},
	{"charge subscribers the same amount every month without doing anything", rel(stripe)},
	{"deal with a customer who tells their bank they never made the purchase", rel(stripe)},
	{"hand out a code for 20 percent off the first month", rel(stripe)},
	{"how much money is sitting in our payments account right now", rel(stripe)},
	{"send a freelancer's share of a sale to their bank account", rel(stripe)},
	{"create a bill to send to a client", rel(stripe, vat)},

	// Before and after a card payment.
	{"know before charging whether this customer's card will cost us more in fees", rel(adyenBin)},
	{"will the shopper's bank make them confirm the payment with an extra step", rel(adyenBin)},
	{"get pinged when a seller on our marketplace has been paid out", rel(adyenNotify)},
	{"warn me when a seller's funds drop below a limit", rel(adyenNotify)},
	{"be told when the identity check results for a seller come back", rel(adyenNotify)},

	// Other people's money and tax.
	{"show our prices in yen and pounds for visitors abroad", rel(exchange, stripe, vat)},
	{"what is one pound worth in every other money today", rel(exchange, stripe)},
	{"how much tax do I add to a sale to a customer in Italy", rel(vat)},
	{"make sure a European business customer's tax number is real", rel(vat)},
	{"charge the right tax based on which country the buyer is browsing from", rel(vat)},
	{"work out the price before tax from a price that already includes it", rel(vat)},

	// Reaching people on their phone or in their inbox.
	{"text a customer's phone that their order has shipped", rel(nexmo)},
	{"send a one time code to someone's mobile to confirm it's really them", rel(nexmo)},
	{"send a welcome note to the inbox of everyone who signs up", rel(postmark)},
	{"find out which of our emails people actually opened", rel(postmark)},
	{"why did some of our emails never reach people", rel(postmark)},
	{"how many people marked our newsletter as junk", rel(postmark)},
	{"reuse the same look for all our order emails", rel(postmark)},
	{"see which links in our mails got clicked and on what devices", rel(postmark)},

	// Talking with the team and the public.
	{"post a note in the team channel when a deploy finishes", rel(slack)},
	{"have a message go out to the team tomorrow at 9", rel(slack)},
	{"remind me in the team chat to hand in my report on friday", rel(slack)},
	{"mark myself as away so nobody pings me for an hour", rel(slack)},
	{"find that chat message from last month about the offsite", rel(slack)},
	{"add our own funny smiley for the whole team to use", rel(slack)},
	{"see who follows an account on our social server", rel(mastodon)},
	{"read a person's latest posts on our own social network", rel(mastodon)},
	{"change my display name and bio on the social network", rel(mastodon)},

	// Getting work done.
	{"what is holding up this piece of work before it can start", rel(asana)},
	{"follow how close we are to this quarter's objectives", rel(asana)},
	{"copy last sprint's board to start the next one", rel(asana)},
	{"how many items are still open in this project", rel(asana)},

	// Staff.
	{"record the hours someone worked today", rel(personio)},
	{"add a new hire to our staff records", rel(personio)},
	{"put in a sick day for an employee", rel(personio)},
	{"cut off access for someone who just left the company", rel(okta, slack, asana)},
	{"let a user pick a new password after forgetting theirs", rel(okta)},
	{"temporarily block an employee from signing in while we look into something", rel(okta)},
	{"which apps can this person open after signing in", rel(okta)},

	// Pictures.
	{"cut the person out of a photo so I can put them on a poster", rel(removebg)},
	{"put all our product shots on a plain white backdrop", rel(removebg)},
	{"how many picture edits do I have left this month", rel(removebg)},
	{"today's space picture with the story behind it", rel(apod)},
	{"the sky photo that was picked on my birthday in 2005", rel(apod)},
	{"a funny moving reaction for 'mind blown'", rel(giphy)},
	{"which moving reactions are popular right now", rel(giphy)},
	{"a random sticker to liven up a chat reply", rel(giphy)},
	{"the newest stick figure comic", rel(xkcd)},
	{"show me comic number 353", rel(xkcd)},

	// Reading up on things.
	{"what the newspaper wrote about the moon landing in 1969", rel(nytimes)},
	{"stories from the past week that mention our company", rel(nytimes)},
	{"find old digitized books and recordings by their title", rel(archive)},
	{"grab every item of a public digital library collection in one go", rel(archive)},
	{"what does deductible mean for my health coverage", rel(healthcare)},
	{"can I sign up for health coverage if I live in Texas", rel(healthcare)},
	{"answers to common questions about getting covered after losing my job", rel(healthcare)},

	// Schools.
	{"best rated elementary schools near our new house", rel(schools)},
	{"which schools serve this street address", rel(schools)},
	{"compare how high schools in Ohio rank against each other", rel(schools)},

	// Places, weather and time.
	{"the nearest other airport if my usual one is closed", rel(airports)},
	{"every place you can fly out of in Spain", rel(airports)},
	{"turn a customer's street address into a pin on the map", rel(opencage)},
	{"what's the street address at these coordinates", rel(opencage)},
	{"tidy up a messy typed address into a proper one", rel(opencage)},
	{"will it rain in Lisbon this weekend", rel(weather)},
	{"how hot did it get in Phoenix last July", rel(weather)},
	{"what time is it where the visitor is, going by their connection", rel(worldtime)},
	{"list every time zone in Europe", rel(worldtime)},

	// Words in other languages.
	{"turn our help page text into German", rel(translate)},
	{"which languages can you convert text between", rel(translate)},

	// Music.
	{"skip to the next song on my speaker", rel(spotify)},
	{"songs that sound like this one for a workout mix", rel(spotify)},
	{"make a list of songs for the office party and add a few tracks", rel(spotify)},
	{"how danceable is this track", rel(spotify)},
	{"the latest album from my favourite band", rel(spotify)},

	// Games.
	{"games like Portal for a weekend binge", rel(rawg)},
	{"which shops sell this game", rel(rawg)},
	{"trailers and screenshots of an upcoming game", rel(rawg)},
	{"all the games released on the Switch this year", rel(rawg)},

	// Selling through someone else's shop and helping sales people.
	{"upload our whole product range to sell on a big retailer's site", rel(walmart)},
	{"did the batch of product listings we sent to the retailer go through", rel(walmart)},
	{"show our app's info in a panel next to each contact in the sales tool", rel(hubspot)},
	{"put a customer's order history beside their page in our sales software", rel(hubspot)},

	// Shipping code.
	{"rerun the build that failed this morning", rel(circleci)},
	{"download the files our last build produced", rel(circleci)},
	{"keep a secret token available to our automatic builds", rel(circleci)},
	{"wipe the cached dependencies so the next build starts clean", rel(circleci)},
	{"keep track of crashes in our web app", rel(elmah)},
	{"mark a reported bug as fixed so it stops showing up", rel(elmah)},
	{"note when we shipped a new version so the errors line up with it", rel(elmah)},
	{"have a job check in every few minutes so we know it's still alive", rel(elmah)},

	// Is it safe, is it allowed.
	{"is this downloaded file a known, harmless one", rel(hashlookup)},
	{"check a whole list of file fingerprints at once against known software", rel(hashlookup)},
	{"decide if this user may do this action according to our rules", rel(opa)},
	{"swap in new access rules without restarting anything", rel(opa)},
	{"try what our rules would answer for a made-up request", rel(opa)},

	// Little helpers for makers and testers.
	{"let my temperature sensor post readings I can read from anywhere", rel(dweet)},
	{"email me when the greenhouse sensor reports over 30 degrees", rel(dweet)},
	{"watch live readings from my device as they come in", rel(dweet)},
	{"a throwaway online spot to keep a bit of data for my prototype and change parts of it later", rel(jsonStore)},
	{"delete the data I stashed online for the demo", rel(jsonStore)},
	{"see exactly which headers my app is sending", rel(httpbin)},
	{"have something answer with an error 500 so I can check my retries", rel(httpbin)},
	{"what address do my requests come from", rel(httpbin, worldtime)},
	{"make the answer come back slowly on purpose to test my timeout", rel(httpbin)},
}
