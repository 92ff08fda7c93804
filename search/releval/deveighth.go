package main

// DevEighth is the ninth dev batch (written 4 December 2026, blind: by someone who had read neither the ranking and
// synonym code, nor the other batches' queries, nor the held-out set, and had not run the search). What each API does
// was judged from the samples' info descriptions, tags, paths, operation summaries and webhooks only; the queries were
// then written the way people type a whole question or request, many as non-native speakers translating in their head
// ("how I can ...", "API for make ...", "which service give ..."), some asking for the best API for a task, some
// describing their situation first, a few with typos. Each query lists every sample whose operations do what was
// asked, so a query two APIs both answer names both.
var DevEighth = []Case{
	// Card payments, billing and marketplace notifications.
	{"how I can charge the credit card of my customer every month automatically", rel(stripe)},
	{"we are a small shop in Berlin and want accept online payments, which API is best?", rel(stripe)},
	{"API for make a refund to customer when he send back the product", rel(stripe)},
	{"customer opened a dispute on his card payment, how to answer it with evidence by API", rel(stripe)},
	{"I want to create discount coupons for my online subscription plans", rel(stripe)},
	{"best API to pay out money to the bank account of the sellers on our marketplace", rel(stripe)},
	{"from the first six digits of a card I need to know if 3D Secure is supported", rel(adyenBin)},
	{"which service give me the cost of a card transaction before I do the payment", rel(adyenBin)},
	{"our platform has many sub-merchants, we want get notified when the KYC check of a seller is finished", rel(adyenNotify)},
	{"receive a notification when a payout to an account holder on our platform was done", rel(adyenNotify)},
	{"webhook when the balance of a seller account go under a threshold", rel(adyenNotify)},

	// Tax, invoices and currencies.
	{"how I can check if the VAT number of a company in Europe is valid?", rel(vat)},
	{"API which tell me the VAT percent for every EU country", rel(vat)},
	{"from the IP adress of the visitor find which VAT rate I must apply", rel(vat)},
	{"calculate the gross price with tax included from a net price", rel(vat)},
	{"need to make invoices for my clients, which API can create them?", rel(vat, stripe)},
	{"what is the rate today from euro to indian rupee", rel(exchange, vat, stripe)},
	{"free API for currency exchange rates without limit of requests", rel(exchange)},
	{"i want convert the prices in my shop from USD to EUR automatically", rel(exchange, vat, stripe)},

	// E-mail and SMS.
	{"how to send transactional emails like password reset from our app", rel(postmark)},
	{"which API tell me if the emails I sent have bounced", rel(postmark)},
	{"I want see how many people opened our email and clicked on the links", rel(postmark)},
	{"send many emails in one request using a template, best service?", rel(postmark)},
	{"API for send a SMS to the phone number of customer for confirm his order", rel(nexmo)},
	{"how can i recieve SMS from customers on a virtual number in my application", rel(nexmo)},
	{"we need to know if the text message was really delivered to the phone", rel(nexmo)},

	// Team chat and social networks.
	{"bot that posts a message in our team channel when something happens", rel(slack)},
	{"schedule a chat message to be send tomorrow morning in a team channel", rel(slack)},
	{"look up a chat workspace member by his e-mail address", rel(slack)},
	{"we want to invite new people into our chat workspace automaticaly", rel(slack)},
	{"get the list of followers of an account on the fediverse", rel(mastodon)},
	{"read the latest posts of a user on a Mastodon instance", rel(mastodon)},
	{"how to change my display name on a microblogging server through the API", rel(mastodon)},

	// Music and podcasts.
	{"make a playlist for the user and put songs inside it", rel(spotify)},
	{"which API give me the most popular tracks of a singer?", rel(spotify)},
	{"pause or skip the song which is playing now on the user's phone", rel(spotify)},
	{"recommend me bands similar to an artist I like", rel(spotify)},
	{"get the tempo and danceability of a song for my DJ app", rel(spotify)},
	{"list the episodes of a podcast show", rel(spotify)},

	// Video games.
	{"database of video games with genres and release date, which is the best API?", rel(rawg)},
	{"in which online stores can I buy this game", rel(rawg)},
	{"get screenshots and trailers for a PC game for my gaming blog", rel(rawg)},
	{"list of achievments of a game", rel(rawg)},

	// Project management and CRM.
	{"we are a team of ten developers and want to create tasks and assign them from our own tool", rel(asana)},
	{"API for project management where I can make subtasks and dependencies between tasks", rel(asana)},
	{"how i can export all the data of our organisation from the task tracker", rel(asana)},
	{"track the company goals and OKRs by API", rel(asana)},
	{"show extra information from our system inside the HubSpot contact record", rel(hubspot)},
	{"add a custom card in the sidebar of the CRM record page", rel(hubspot)},

	// HR, identity and access.
	{"we are a startup in Munich, need an API to read the list of our employees and their absences", rel(personio)},
	{"record the working hours of employees coming from our time clock", rel(personio)},
	{"how many vacation days an employee took, API for the HR software", rel(personio)},
	{"reset the password of a user and send him a one time code", rel(okta)},
	{"suspend the account of a user when the employee leaves the company", rel(okta)},
	{"which apps are assigned to a user in our single sign-on", rel(okta)},
	{"reset the MFA factors of a user who lost his phone", rel(okta)},
	{"log out a user from all his devices by ending every session", rel(okta, slack)},
	{"how to check the authorization rules outside of my code, policy as code", rel(opa)},
	{"upload a Rego policy and evaluate it with some input", rel(opa)},
	{"central engine which decide if the user is allowed to do an action in our kubernetes cluster", rel(opa)},

	// Builds, errors and developer tools.
	{"trigger a new build of a branch of my git repository by API", rel(circleci)},
	{"download the artifacts produced by the last build", rel(circleci)},
	{"how I can retry a failed continuous integration job?", rel(circleci)},
	{"set secret environment variables for the CI project", rel(circleci)},
	{"best API for logging the errors of my .NET web application in the cloud", rel(elmah)},
	{"record when we deploy a new version so the errors are linked to the release", rel(elmah)},
	{"send a heartbeat from a scheduled job so I am alerted if it stops", rel(elmah)},
	{"upload source maps for the minified javascript errors", rel(elmah)},
	{"I need a test server that gives back the request I send, for debug my http client", rel(httpbin)},
	{"endpoint which return a specific HTTP status code like 503 for testing retries", rel(httpbin)},
	{"generate a random UUID over http", rel(httpbin)},
	{"what is my public IP address as seen by the server", rel(httpbin)},
	{"check if a file hash belongs to a known good file from NSRL", rel(hashlookup)},
	{"lookup many md5 hashes at once for a forensic investigation", rel(hashlookup)},
	{"is this sha1 from a malware or from a known software?", rel(hashlookup)},

	// IoT and data storage.
	{"my raspberry pi sensor should publish temperature values and I read them from a website", rel(dweet)},
	{"simple API for IoT devices to send their data without creating an account", rel(dweet)},
	{"alert me when the value of my thing goes above a limit", rel(dweet)},
	{"where I can store a small JSON for my prototype without having my own backend", rel(jsonStore)},
	{"update part of a json bin stored online", rel(jsonStore)},

	// Language, places, time and weather.
	{"translate text from german to english with a free open source API", rel(translate)},
	{"detect in which language a text is written", rel(translate)},
	{"self hosted machine transaltion service for our documents", rel(translate)},
	{"convert an address to latitude and longitude", rel(opencage)},
	{"from GPS coordinates get the street address", rel(opencage)},
	{"i have place names and need the coordinates on the map for my delivery app", rel(opencage)},
	{"list of all airports in Spain", rel(airports)},
	{"find the nearest airport from my position", rel(airports)},
	{"airport details by its code for our travel website", rel(airports)},
	{"wheather forecast for the next two weeks for a city", rel(weather)},
	{"historical weather data of past dates for my agriculture model", rel(weather)},
	{"will it rain tomorrow in Madrid, which API I should use", rel(weather)},
	{"what is the current time in the Tokyo timezone", rel(worldtime)},
	{"give me the list of all the time zones", rel(worldtime)},
	{"get the local time of the user from his IP", rel(worldtime)},

	// News, archives and open data.
	{"search old New York Times articles from the year 1900", rel(nytimes)},
	{"find newspaper articles about elections with the headline and abstract", rel(nytimes)},
	{"search news articles published between two dates", rel(nytimes)},
	{"search old books and movies in the Internet Archive", rel(archive)},
	{"download the full list of items of a collection on archive.org page by page", rel(archive)},
	{"digital library search API for public domain media", rel(archive)},
	{"compare the ranking of schools in a US state before we move there", rel(schools)},
	{"data about the school districts in America", rel(schools)},
	{"find the elementary schools near a zip code", rel(schools)},
	{"glossary of health insurance words in Spanish", rel(healthcare)},
	{"content of the US health insurance marketplace website for each state", rel(healthcare)},
	{"Obamacare questions and answers to show on our site", rel(healthcare)},

	// Marketplaces, images and fun.
	{"we sell on the Walmart marketplace and want to upload our product items in bulk", rel(walmart)},
	{"check the status of the item feed I uploaded to the marketplace", rel(walmart)},
	{"funny GIF search for my chat app", rel(giphy)},
	{"trending stickers to show in a messenger", rel(giphy)},
	{"turn a word into an animated gif as a response", rel(giphy)},
	{"remove the background from our product photos automatically", rel(removebg)},
	{"make the background of a portrait photo transparent for a cutout", rel(removebg)},
	{"how many credits I have left for removing backgrounds", rel(removebg)},
	{"nerd webcomic about math for my discord bot", rel(xkcd)},
	{"fetch a comic strip by its number", rel(xkcd)},
	{"nice astronomy picture of the day for my wallpaper app", rel(apod)},
	{"space images from NASA with their explanation", rel(apod)},
}
