package main

// DevTwentySixth is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): each of the 36
// samples/openapi files was read for its info description, tags, paths, operation summaries and webhooks, and the
// queries were written in the voice of people typing fast on a phone: frequent typos, swapped or missing letters,
// missing spaces, autocorrect slips, no punctuation or capitals, still understandable by a human. Each query lists
// every sample whose operations do what was asked, so a query two APIs both answer names both.
var DevTwentySixth = []Case{
	// Text messages and email.
	{"send sms to a phne numbr", rel(nexmo)},
	{"txt messge api for mobil alerts", rel(nexmo)},
	{"sms to intl numbrs e164", rel(nexmo)},
	{"send an emial to my user", rel(postmark)},
	{"list of bounced emials", rel(postmark)},
	{"transactonal email templats", rel(postmark)},
	{"how many ppl opend my emails", rel(postmark)},

	// Team chat.
	{"post msg to slak chanel", rel(slack)},
	{"schedle a mesage for later in channel", rel(slack)},
	{"add emoji reacton to a message", rel(slack)},
	{"set a remindr for me tmrw", rel(slack)},
	{"serch old messages in workspace", rel(slack)},

	// Microblogging.
	{"get folowers of an acount", rel(mastodon)},
	{"who is this acount folowing", rel(mastodon)},
	{"posts by an acount on the fediverse", rel(mastodon)},
	{"updat my microblog profile bio", rel(mastodon)},

	// Payments.
	{"refnd a charge", rel(stripe)},
	{"create custmer and save there card", rel(stripe)},
	{"cancle a subscripton", rel(stripe)},
	{"list chargebaks disputes", rel(stripe)},
	{"payout to my bank acct", rel(stripe)},
	{"preview upcomng invoice for customer", rel(stripe)},
	{"card bin fee estmate", rel(adyenBin)},
	{"3ds availibility check by bin", rel(adyenBin)},
	{"notifcation when acount holder kyc verifed", rel(adyenNotify)},
	{"webhook when funds transfered between acounts", rel(adyenNotify)},
	{"alert when acount funds below threshhold", rel(adyenNotify)},

	// Currency and VAT.
	{"curency exchange rates today", rel(exchange, stripe, vat)},
	{"convert usd to eur amout", rel(exchange, stripe, vat)},
	{"validat eu vat numbr", rel(vat)},
	{"vat rate germny", rel(vat)},
	{"vat rates by ip adress", rel(vat)},
	{"creat a vat invoce", rel(vat)},

	// Places, time and weather.
	{"adress to lat long", rel(opencage)},
	{"revrse geocde coords to adress", rel(opencage)},
	{"closest airprt to my locaton", rel(airports)},
	{"airports in netherlnds", rel(airports)},
	{"airport detials by id", rel(airports)},
	{"wether forecast next week", rel(weather)},
	{"historicl weather data for a city", rel(weather)},
	{"list of all timezones", rel(worldtime)},
	{"what time is it by my ip", rel(worldtime)},

	// Translation.
	{"translte text to spanish", rel(translate)},
	{"detct languge of some text", rel(translate)},
	{"suported languges for translaton", rel(translate)},

	// Images, gifs and comics.
	{"funy gifs search", rel(giphy)},
	{"trendng stickers", rel(giphy)},
	{"random gif pls", rel(giphy)},
	{"nasa astronmy pic of the day", rel(apod)},
	{"daily space imge with explanaton", rel(apod)},
	{"todays xkcd strip", rel(xkcd)},
	{"webcomic by its numbr", rel(xkcd)},
	{"remove bg from foto", rel(removebg)},
	{"cut out person from image transparnt background", rel(removebg)},

	// Music and podcasts.
	{"skip to next song", rel(spotify)},
	{"make a playlst and add songs", rel(spotify)},
	{"podcast episodes of a show", rel(spotify)},
	{"song tempo and danceabilty", rel(spotify)},

	// Video games.
	{"video game list by genre", rel(rawg)},
	{"game trailers and screenshts", rel(rawg)},
	{"where to buy a game stores", rel(rawg)},
	{"achievments for a game", rel(rawg)},

	// News and archives.
	{"nyt articles about electons", rel(nytimes)},
	{"old newspapr articles from 1900", rel(nytimes)},
	{"serch internet archive items", rel(archive)},
	{"scrape archive results with a cursor", rel(archive)},

	// Health and schools.
	{"health insurance glossry terms", rel(healthcare)},
	{"helthcare faq questons in spanish", rel(healthcare)},
	{"best schools in texas rankng", rel(schools)},
	{"school distrct info us", rel(schools)},
	{"find schools near zip code", rel(schools)},

	// People and HR.
	{"employe time off absences", rel(personio)},
	{"add attendnce hours for an employe", rel(personio)},
	{"list all emplyees of the company", rel(personio)},

	// Identity.
	{"reset a users pasword", rel(okta)},
	{"deactivte user acount", rel(okta)},
	{"unlock a locked out user", rel(okta)},
	{"what groups is a user in", rel(okta)},

	// Tasks and projects.
	{"create a task and asign it", rel(asana)},
	{"add a subtask", rel(asana)},
	{"track company goals okrs", rel(asana)},

	// CRM.
	{"crm custom card in sidebar", rel(hubspot)},
	{"show extrnal data on crm record page", rel(hubspot)},

	// Policy.
	{"evaluate authz policy rego", rel(opa)},
	{"upload a policy modle", rel(opa)},
	{"policy engine helth check", rel(opa)},

	// Errors, uptime and CI.
	{"log erors from my app", rel(elmah)},
	{"track deploymnts of releases", rel(elmah)},
	{"upload js sourcemaps", rel(elmah)},
	{"heartbeat for a cron job", rel(elmah)},
	{"trigger a build on a brach", rel(circleci)},
	{"retry failed bulid", rel(circleci)},
	{"download build artifcats", rel(circleci)},
	{"set env variable for ci projct", rel(circleci)},

	// Devices, storage and hashes.
	{"send sensor data from my device", rel(dweet)},
	{"latest readng from my iot thing", rel(dweet)},
	{"lock a thing so nobody else uses it", rel(dweet)},
	{"free json storage bin", rel(jsonStore)},
	{"delete a json bin", rel(jsonStore)},
	{"md5 hash lookup known file", rel(hashlookup)},
	{"check sha1 agianst nsrl", rel(hashlookup)},

	// HTTP testing.
	{"test http status codes", rel(httpbin)},
	{"echo my request hedaers", rel(httpbin)},
	{"delayed respnse for timeout testing", rel(httpbin)},
	{"whats my ip adress", rel(httpbin)},

	// Retail feeds.
	{"upload item feed walmart", rel(walmart)},
	{"status of my product feed upload", rel(walmart)},
}
