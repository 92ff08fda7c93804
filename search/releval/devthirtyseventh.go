package main

// DevThirtySeventh is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): each of the 36
// samples/openapi files was read for its info description, tags, paths, operation summaries and webhooks, and the
// queries were then written in a casual, spoken voice, as someone would ask a friend who codes ("is there something
// that tells me ...", "i just want my thing to ...", "how do people usually ..."), with slang and abbreviations, lower
// case, describing the job to be done and never naming the kind of service. Each query lists every sample whose
// operations do what was asked, so a query two APIs both answer names both.
var DevThirtySeventh = []Case{
	// Taking money, paying people out, card checks.
	{"i just want people to pay me every month without me chasing them lol", rel(stripe)},
	{"how do people usually give a customer their money back after they send stuff back", rel(stripe)},
	{"is there something that tells me what it'll cost me to take a payment on some random card", rel(adyenBin)},
	{"does this card need that annoying extra bank confirmation step or nah", rel(adyenBin)},
	{"my buddy wants a promo code thing for his merch, like 20% off the first month", rel(stripe)},
	{"someone disputed a charge at my shop, can i see what's going on with it", rel(stripe)},
	{"save a customer's card so they don't have to type it in again next time", rel(stripe)},
	{"can i take bitcoin at checkout or is that not a thing", rel(stripe)},
	{"send the money to the folks who sell stuff through my site", rel(stripe)},
	{"i need a ping when money lands in one of my sellers' accounts on my marketplace", rel(adyenNotify)},
	{"heads up when a seller on my platform dips under a certain balance", rel(adyenNotify)},
	{"tell me when the id check on one of my sub merchants comes back", rel(adyenNotify)},

	// Tax and currency.
	{"whats 50 euros in dollars rn", rel(exchange, vat, stripe)},
	{"need today's rates for basically every currency against the pound", rel(exchange, stripe)},
	{"my eu clients need the right sales tax percent on the bill, where do i even get that", rel(vat)},
	{"check this german company's tax number is legit before i bill them", rel(vat)},
	{"make a proper bill with the tax on it for a client in france", rel(vat, stripe)},
	{"i just want the price with tax added on when i know the net amount", rel(vat)},
	{"figure out which country's tax rate applies from the visitor's ip", rel(vat)},

	// Email and texts.
	{"my app needs to send people a welcome email when they sign up", rel(postmark)},
	{"why are my emails bouncing, can i see which addresses are dead", rel(postmark)},
	{"did anybody actually open the newsletter i sent out", rel(postmark)},
	{"keep one email layout and just swap in the person's name each time", rel(postmark)},
	{"what mail apps are people reading my stuff in, gmail or outlook or whatever", rel(postmark)},
	{"i want my server to get the texts people send to my number", rel(nexmo)},
	{"know if a text actually made it to the person's phone", rel(nexmo)},

	// Team chat.
	{"make my bot drop a message in the team channel when a deploy finishes", rel(slack)},
	{"remind me in the work chat to call my mom at 5", rel(slack)},
	{"mute notifications for an hour so i can actually focus", rel(slack)},
	{"who's online right now at work in the chat", rel(slack)},
	{"dig through old chat messages for that link someone sent last week", rel(slack)},
	{"add a custom party parrot emoji for the whole company", rel(slack)},
	{"schedule a message to go out to the team monday morning", rel(slack)},
	{"boot someone out of a channel", rel(slack)},

	// To-dos and projects.
	{"i just want a todo list my whole team can see and tick stuff off", rel(asana)},
	{"break this big to-do into smaller ones underneath it", rel(asana)},
	{"this thing can't start till that other thing is done, how do i link em", rel(asana)},
	{"track our quarterly goals and how close we are to hitting them", rel(asana)},
	{"get pinged whenever somebody changes a to-do in our board", rel(asana)},

	// People, logins and hr.
	{"someone's leaving friday, how do i shut off their login", rel(okta, slack)},
	{"log this person out of everything, their laptop got stolen", rel(okta, slack)},
	{"a coworker got locked out after too many wrong passwords", rel(okta)},
	{"which apps can this person get into with their work account", rel(okta)},
	{"put someone's account on ice for a bit while hr sorts stuff out", rel(okta)},
	{"who's off on vacation next week", rel(personio)},
	{"clock in clock out hours for my staff", rel(personio)},
	{"how many sick days has this person taken this year", rel(personio)},
	{"new hire starts monday, gotta get them into the hr records", rel(personio)},

	// Poking at http, builds and errors.
	{"i just need a dummy url that spits back whatever i send it", rel(httpbin)},
	{"make my request hang for like 5 seconds so i can test my timeout", rel(httpbin)},
	{"test how my code handles a 503 without breaking prod", rel(httpbin)},
	{"check my app is actually sending the headers i think it is", rel(httpbin)},
	{"kick off a build on my repo from a script", rel(circleci)},
	{"rerun the tests that flaked on the last build", rel(circleci)},
	{"grab the files my build spat out", rel(circleci)},
	{"set a secret for my pipeline without putting it in the repo", rel(circleci)},
	{"clear the cache on my builds, they're acting weird", rel(circleci)},
	{"my site threw a bunch of errors overnight, where can i see them", rel(elmah)},
	{"mark when we shipped a new version so the errors line up with it", rel(elmah)},
	{"my cron job should check in every hour and yell if it doesn't", rel(elmah)},
	{"turn my minified js stack traces back into something readable", rel(elmah)},
	{"write the who-can-do-what rules once for all my microservices", rel(opa)},
	{"ask whether this user is allowed to delete that thing before i let them", rel(opa)},
	{"is this file some known legit system file or is it sketchy", rel(hashlookup)},
	{"got a pile of md5s off a disk image, which ones are known files", rel(hashlookup)},

	// Gadgets and stashing data.
	{"my raspberry pi temp sensor needs somewhere to push its readings", rel(dweet)},
	{"my greenhouse sensor sends temps, warn me if it goes over 30", rel(dweet)},
	{"stash a little json blob and grab it later from my static site", rel(jsonStore)},
	{"keep my app's settings online and tweak bits of it later without spinning up a db", rel(jsonStore)},

	// Sales tool and marketplace listings.
	{"show stuff from our billing system right inside the contact page of our sales tool", rel(hubspot)},
	{"add a little custom panel on customer records for my sales peeps", rel(hubspot)},
	{"bulk upload my product listings to the big box store's marketplace", rel(walmart)},
	{"did my product upload go through or did some of the items fail", rel(walmart)},
	{"set up products that come in different sizes and colors each with its own price", rel(stripe)},

	// Places, time, flights, weather.
	{"turn an address into coordinates for my map pins", rel(opencage)},
	{"i've got lat long from the phone, what street is that", rel(opencage)},
	{"closest place to catch a flight from where i'm standing", rel(airports)},
	{"list all the airports in spain", rel(airports)},
	{"what time is it in tokyo rn", rel(worldtime)},
	{"figure out someone's timezone from their ip", rel(worldtime)},
	{"every timezone name so my dropdown isn't wrong", rel(worldtime)},
	{"is it gonna rain at my cousin's wedding saturday", rel(weather)},
	{"how hot was it last july in phoenix, day by day", rel(weather)},
	{"15 day outlook for my camping trip", rel(weather)},

	// Fun stuff: gifs, space, comics, games, music.
	{"gimme a random gif for my discord bot", rel(giphy)},
	{"a cute sticker that matches whatever word someone types", rel(giphy)},
	{"cool space pic of the day for my wallpaper app", rel(apod)},
	{"the space photo from my birthday back in 2005", rel(apod)},
	{"pull the nerdy stick figure comic for my homepage", rel(xkcd)},
	{"get that stick figure comic number 327 with the alt text", rel(xkcd)},
	{"what games are kinda like hollow knight", rel(rawg)},
	{"which stores sell this game, i wanna compare", rel(rawg)},
	{"games coming out on switch soon", rel(rawg)},
	{"skip to the next song from my smartwatch app", rel(spotify)},
	{"make a playlist of chill tunes for my roommate", rel(spotify)},
	{"songs like the stuff i've been bumping lately", rel(spotify)},
	{"how danceable is this track tho", rel(spotify)},
	{"new episodes of the podcasts i follow", rel(spotify)},

	// Reading up: news, old stuff, schools, health cover.
	{"old newspaper stories from the 1800s about the gold rush", rel(nytimes, archive)},
	{"what did the big new york paper write when the moon landing happened", rel(nytimes)},
	{"find old public domain movies i can watch for free", rel(archive)},
	{"dig up scanned old books that nobody owns anymore", rel(archive)},
	{"best rated high schools in texas", rel(schools)},
	{"which district is this address in and are the schools any good", rel(schools)},
	{"what does out of pocket max even mean on my insurance", rel(healthcare)},
	{"can i get health coverage if i'm moving to ohio", rel(healthcare)},

	// Translating, photos and people's posts.
	{"translate my app's strings from english to spanish", rel(translate)},
	{"what language is this comment even written in", rel(translate)},
	{"cut the background out of my product photos", rel(removebg)},
	{"make my selfie have a see-through background so i can use it as a sticker", rel(removebg)},
	{"see what some account's been posting lately", rel(mastodon)},
	{"who follows my account and who am i following", rel(mastodon)},
	{"change my avatar and the little bio bit on my profile", rel(mastodon)},
}
