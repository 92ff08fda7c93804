package main

// DevFortyFifth is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): researchers, data journalists
// and analysts hunting for a data source or a working tool for a story or a study, in their own words, with the odd typo.
// Each query lists every sample whose operations do what was asked.
var DevFortyFifth = []Case{
	// weather and climate for stories
	{"daily high temprature in phoenix for every day of last july, for a heat deaths piece", rel(weather)},
	{"how many inches of rain fell each month in fresno over the past three years", rel(weather)},
	{"two week outlook for the town hosting the music festival", rel(weather)},
	{"hourly wind speed and temperature readings on the night the wildfire spread", rel(weather)},
	{"compare this winter's temperatures in a city against its usual climate normals", rel(weather)},

	// newspaper archives and digitized collections
	{"how did the new york times cover the 1977 blackout", rel(nytimes)},
	{"every times story carrying a particular reporter's byline since 2015", rel(nytimes)},
	{"count newspaper articles per year mentioning microplastics to show coverage growing", rel(nytimes)},
	{"19th century newpaper stories about a shipwreck", rel(nytimes, archive)},
	{"scanned public domain books and pamphlets about the 1918 flu", rel(archive)},
	{"pull metadata for every item in an internet archive collection, thousands of records, page through them", rel(archive)},
	{"old radio broadcasts and home movies i can search for a documentary", rel(archive)},

	// schools and education
	{"number of students and teachers at each school in a district, and the pupil teacher ratio", rel(schools)},
	{"statewide rankings of michigan high schools and how far each moved since last year", rel(schools)},
	{"percentage of kids on free or reduced price lunch by school for an inequality analysis", rel(schools)},
	{"racial makeup of the student body at every school in a city", rel(schools)},
	{"charter and magnet schools in one zip code", rel(schools)},
	{"which school distrcit boundary a given street address falls inside", rel(schools)},
	{"state test proficiency rates in math and reading by school and grade", rel(schools)},

	// health coverage explainers
	{"plain english meaning of deductible and coinsurance for a health insurance explainer", rel(healthcare)},
	{"federal marketplace pages for each state about getting health coverage", rel(healthcare)},
	{"spanish language material on obamacare enrollment", rel(healthcare)},
	{"official answers to common questions people have about signing up for marketplace insurance", rel(healthcare)},

	// currencies, tax and payments
	{"today's rate for euros to us dollars", rel(exchange, stripe, vat)},
	{"exhange rates from the british pound to every other currency", rel(exchange, stripe)},
	{"convert a list of prices in japanese yen to dollars for a cost comparison", rel(exchange, stripe, vat)},
	{"standard and reduced vat rates in every eu country for a tax story", rel(vat)},
	{"is the european vat registration number printed on a leaked invoice a real one", rel(vat)},
	{"what a 100 euro shelf price works out to before sales tax in italy", rel(vat)},
	{"which vat rate applies to a website visitor judging by their ip address", rel(vat)},
	{"invoice a client for a data report we sold them", rel(stripe, vat)},
	{"reader donations: list every card payment made through our membership page", rel(stripe)},
	{"how many members cancelled their recurring subscriptons this quarter", rel(stripe)},
	{"give money back to a subscriber who was charged twice", rel(stripe)},
	{"chargebacks and disputed payments on our crowdfunding account", rel(stripe)},
	{"which country issued a credit card, going by its first six digits", rel(adyenBin)},
	{"what the card networks and issuing bank will take in fees on a payment before we charge it", rel(adyenBin)},
	{"will a card from a given bank range trigger the extra 3ds verification step", rel(adyenBin)},
	{"webhook events a payments platform sends when a marketplace seller fails know-your-customer checks", rel(adyenNotify)},
	{"alert when a marketplace sub-account is running low on money", rel(adyenNotify)},
	{"track payouts sent to contributors' bank accounts", rel(stripe, adyenNotify)},

	// places, airports and time zones
	{"turn a spreadsheet of 3,000 street addresses into latitude and longitude", rel(opencage)},
	{"reverse lookup gps coordinates from photo metadata to a town name", rel(opencage)},
	{"goecode village names but only match results inside kenya", rel(opencage)},
	{"closest airports to the coordinates of a plane crash site", rel(airports)},
	{"list of all airprots in spain with their codes", rel(airports)},
	{"details for an airport from its three letter iata code", rel(airports)},
	{"current local time in kyiv so I know when I can call a source", rel(worldtime)},
	{"is chile on daylight saving time right now and what's its offset from utc", rel(worldtime)},

	// languages
	{"translate a quote from a portuguese interview into english", rel(translate)},
	{"figure out which langauge each comment in a batch of social media replies is written in", rel(translate)},
	{"which languages can a self-hosted machine translation server handle", rel(translate)},

	// social media and music data
	{"all posts from a politician's mastodon account, leaving out replies", rel(mastodon)},
	{"who follows a particular account on the fediverse, for a network analysis", rel(mastodon)},
	{"tempo, energy and danceability of every song in a chart playlist", rel(spotify)},
	{"an artist's most popular songs in different countries", rel(spotify)},
	{"every episode of a true crime podcast with release dates", rel(spotify)},
	{"albums that just came out this week on a streaming service", rel(spotify)},
	{"bands that sound like a given band, for a piece on a music scene", rel(spotify)},

	// video games
	{"best reviewed video games of 2015 ordered by metacritic score", rel(rawg)},
	{"every game put out by electronic arts", rel(rawg)},
	{"video clips and in-game images of an upcoming title", rel(rawg)},
	{"what reddit fans have been saying lately about a game, for a story on fan backlash", rel(rawg)},
	{"credits list: the people who worked on making a particular game", rel(rawg)},
	{"how many games exist for each console, playstation versus switch", rel(rawg)},

	// pictures, gifs and comics
	{"the nasa space picture published on a specific date, with its explanation", rel(apod)},
	{"high resolution astronomy image of the day for a science newsletter", rel(apod)},
	{"reaction gifs about elections for our social team", rel(giphy)},
	{"which gifs are blowing up online today", rel(giphy)},
	{"animated stickers for an instagram story, family friendly rating only", rel(giphy)},
	{"latest xkcd comic and its hover text", rel(xkcd)},
	{"text of an old xkcd strip about statistics, by its number", rel(xkcd)},
	{"cut a headshot out of its backround for a graphic", rel(removebg)},
	{"how many credits are left on my background removal account", rel(removebg)},

	// reaching sources and the newsroom
	{"email a press inquiry to 200 city officials from one template", rel(postmark)},
	{"did the officials actually open my records request email", rel(postmark)},
	{"which of my emails to sources never got delivered and came back", rel(postmark)},
	{"search the emails that came in to our tips address", rel(postmark)},
	{"send a text message to a source's phone", rel(nexmo)},
	{"ping me by text or email when my scraper finishes", rel(nexmo, postmark)},
	{"post a chart to our newsroom chat channel automatically", rel(slack)},
	{"search old messages in the team workspace that mention a source's name", rel(slack)},
	{"queue up a message to the desk channel for the moment the embargo lifts", rel(slack)},
	{"export a channel's whole message history for our records", rel(slack)},
	{"share a pdf of the court filing with my editors", rel(slack, asana)},

	// planning, staff and access
	{"track story pitches with assignees, due dates and subtasks", rel(asana)},
	{"leave a note on an assignment in our editorial planning board", rel(asana)},
	{"get told whenever someone changes a task in our editorial calendar project", rel(asana)},
	{"roster of every staff member's account across the newsroom's tools", rel(slack, asana, okta, personio)},
	{"hours worked by each freelancer this month", rel(personio)},
	{"who on staff is on vacation or parental leave next week", rel(personio)},
	{"remove a departed intern's access to our tools", rel(okta, slack, asana)},
	{"sign a compromised reporter account out of every device", rel(okta, slack)},
	{"reset two factor for a reporter who lost their phone", rel(okta)},
	{"unlock a colleague shut out of single sign-on after too many wrong passwords", rel(okta)},

	// tools for the data desk
	{"host a small json file of scraped results online so our interactive can fetch and update it", rel(jsonStore)},
	{"publish readings from a homemade air quality sensor and read back the latest value", rel(dweet)},
	{"email alert when our river level sensor reports a reading over a limit", rel(dweet)},
	{"check whether file hashes from a leaked dump match known software in the NSRL", rel(hashlookup)},
	{"bulk check a list of md5 hashes from files on a seized hard drive", rel(hashlookup)},
	{"see exactly what headers and user agent my scraper is sending", rel(httpbin)},
	{"fake server that answers slowly or with error codes so I can test my scraper's retries", rel(httpbin)},
	{"what public ip address are my requests coming from", rel(httpbin, worldtime)},
	{"log the exceptions thrown by our election night results scraper", rel(elmah)},
	{"dead man's switch: warn me if the nightly data job doesn't check in", rel(elmah)},
	{"rerun the failed build of our open data package on continous integration", rel(circleci)},
	{"download the output files produced by the last pipeline run", rel(circleci)},
	{"evaluate rego rules deciding which reporters may view embargoed records", rel(opa)},
	{"custom sidebar card on crm contact records showing a source's past stories", rel(hubspot)},
	{"bulk upload book listings to walmart marketplace and check which items failed", rel(walmart)},
}
