package main

// DevThirtyThird is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): the 36 OpenAPI
// files were read for their info description, tags, paths, operation summaries, response fields and webhooks, and the
// queries are written in the VOICE of a developer describing the response they want to get back ("returns a list of
// ... with ...", "gives me the ... for a ...", "json with ... and ..."), naming the fields or data they expect rather
// than the service. Each query lists every sample whose operations do what was asked, so a query two APIs both
// answer names both.
var DevThirtyThird = []Case{
	// Money: exchange rates, currency conversion, VAT.
	{"returns the latest exchange rates for a base currency as a map of currency code to rate", rel(exchange, stripe)},
	{"json with base currency, date and time_last_updated plus all the conversion rates", rel(exchange)},
	{"gives me amount_from and amount_to after converting a sum between two currencies", rel(vat)},
	{"returns the standard and reduced vat rates for a two letter country code", rel(vat)},
	{"gives me price_excl_vat and price_incl_vat for a price in a given country", rel(vat)},
	{"json telling me if vat applies and which rates, based on the visitor's ip address", rel(vat)},
	{"returns an invoice by id with customer name, line items, discount and totals", rel(stripe, vat)},

	// Payments, cards and platform notifications.
	{"returns a list of charges with amount, currency, paid status and the customer id", rel(stripe)},
	{"gives me the available and pending balance of my account per currency", rel(stripe)},
	{"list of refunds with amount, charge id, reason and status", rel(stripe)},
	{"returns a customer's subscriptions with plan, status and current_period_end", rel(stripe)},
	{"gives me the upcoming invoice for a customer with its lines and amount due", rel(stripe)},
	{"returns disputes with reason, status and the evidence due by date", rel(stripe)},
	{"list of payouts to my bank account with amount and arrival_date", rel(stripe)},
	{"returns recent events with a type like charge.succeeded and the data object", rel(stripe)},
	{"gives me whether 3d secure 2 is supported for a card bin, with the directory server public keys", rel(adyenBin)},
	{"returns a cost estimate amount and surcharge type for a card bin before I charge it", rel(adyenBin)},
	{"json payload I receive when a payout to an account holder is scheduled, with amounts, bank account and estimated arrival date", rel(adyenNotify)},
	{"event body with kyc check status data when verification results for an account holder come in", rel(adyenNotify)},
	{"payload with errorMessage and psp references when a split payment booking fails", rel(adyenNotify)},

	// Weather, time, places.
	{"returns hourly temperature, precipitation and wind forecast for a location for the next two weeks", rel(weather)},
	{"gives me daily historical weather observations for a city between a start and end date", rel(weather)},
	{"json with datetime, utc_offset, dst flag and week_number for a timezone like Europe/Paris", rel(worldtime)},
	{"returns the current local time and timezone abbreviation guessed from my ip address", rel(worldtime)},
	{"returns a plain list of all timezone names for an area", rel(worldtime)},
	{"gives me latitude and longitude plus a formatted address for a street address string", rel(opencage)},
	{"returns the formatted address and address components for a lat lng pair", rel(opencage)},
	{"returns the airports nearest to some geo coordinates with distanceInKm", rel(airports)},
	{"list of airports in a country with name, city and geoCoordinates", rel(airports)},
	{"gives me an airport by code with its inbound and outbound routes", rel(airports)},

	// Schools, health insurance content, articles, archives.
	{"returns a list of schools in a us state with address, grade range and rank history", rel(schools)},
	{"gives me a school district with number of schools, boundary and test scores", rel(schools)},
	{"returns articles with title, publication date and a short excerpt", rel(nytimes, healthcare)},
	{"json with headline, abstract, lead paragraph and multimedia links for articles matching a keyword", rel(nytimes)},
	{"returns newspaper articles going back to 1851 filtered by a date range and section", rel(nytimes)},
	{"returns glossary terms about health insurance with title and content", rel(healthcare)},
	{"gives me the marketplace page content for each state, in english or spanish", rel(healthcare)},
	{"returns blog posts with title, excerpt, tags and topics about health coverage", rel(healthcare)},
	{"returns search hits over digital library items with identifier and metadata fields, most relevant first", rel(archive)},
	{"gives me every result of a big search with a cursor so I can keep scrolling", rel(archive)},
	{"returns the list of metadata fields I can ask for in search results", rel(archive)},

	// Images, gifs, comics, pictures of the day.
	{"returns trending gifs with image urls, width, height and rating", rel(giphy)},
	{"returns gifs matching a search word with pagination total_count and offset", rel(giphy)},
	{"returns today's picture with title, image url and date", rel(apod, xkcd)},
	{"json with explanation, hdurl and concept keywords for the space image of a given date", rel(apod)},
	{"returns the latest comic with num, title, alt text, img url and year", rel(xkcd)},
	{"gives me a comic by its number with the transcript", rel(xkcd)},
	{"returns my photo as a png with the background cut out, transparent", rel(removebg)},
	{"gives me how many credits and free api calls I have left on my image account", rel(removebg)},
	{"returns how many api requests I have remaining on my plan", rel(removebg, vat)},

	// Music.
	{"returns an album's tracks with duration_ms, track_number and preview_url", rel(spotify)},
	{"gives me danceability, energy, tempo and key for a track", rel(spotify)},
	{"returns the currently playing track with progress_ms and is_playing", rel(spotify)},
	{"returns tracks recommended from seed artists and seed genres", rel(spotify)},
	{"returns a user's recently played tracks with played_at timestamps", rel(spotify)},
	{"returns the items of a playlist with added_at and the track objects", rel(spotify)},
	{"returns a list of genres with their names", rel(rawg, spotify)},

	// Games.
	{"returns games with name, released date, metacritic score, rating and platforms", rel(rawg)},
	{"gives me the screenshots of a game with image url, width and height", rel(rawg)},
	{"returns the achievements of a game with description and percent of players", rel(rawg)},
	{"returns the dlcs, goty and other editions of a game", rel(rawg)},
	{"returns tags with name, games_count and background image", rel(rawg)},

	// Chat, messaging, email, social.
	{"returns a channel's message history with ts, user and text", rel(slack)},
	{"gives me the replies in a message thread", rel(slack)},
	{"returns the reactions on a message with emoji name, count and users", rel(slack)},
	{"returns a workspace's members with real_name, tz and is_admin", rel(slack)},
	{"gives me whether a user is active or away right now", rel(slack)},
	{"returns a list of files I uploaded with filename, size and a download url", rel(stripe, slack)},
	{"sends a message and returns its message id", rel(slack, nexmo, postmark)},
	{"returns message-id, remaining-balance and message-price after sending an sms to a phone number", rel(nexmo)},
	{"json posted to my webhook with msisdn, text and keyword when someone texts my virtual number", rel(nexmo)},
	{"returns MessageID, To and SubmittedAt after sending one email", rel(postmark)},
	{"returns email bounces with type, email address, bouncedAt and description", rel(postmark)},
	{"gives me daily email open counts with unique opens", rel(postmark)},
	{"returns an outbound email's details with subject, recipients, html body and message events", rel(postmark)},
	{"returns an account's followers with display_name, avatar and followers_count", rel(mastodon)},
	{"gives me the posts of an account along with statuses_count", rel(mastodon)},
	{"returns the signed in user's profile with name and avatar", rel(circleci, spotify, mastodon, slack, asana)},

	// People, identity, HR.
	{"returns people in my organization with names and email addresses", rel(okta, slack, asana, personio)},
	{"returns users with lifecycle status like active, suspended or locked out and their profile login", rel(okta)},
	{"gives me the app links assigned to a user with label and link url", rel(okta)},
	{"returns a reset password link or one time token for a user", rel(okta)},
	{"returns employees with first name, last name, position, department and hire date", rel(personio)},
	{"gives me attendance records with date, start time, end time and break minutes per employee", rel(personio)},
	{"returns absence periods with time-off type, start date, end date and status", rel(personio)},
	{"returns teams in my organization with their names", rel(asana, slack)},

	// Work management and CRM.
	{"returns the tasks of a project with name, assignee, due_on and completed", rel(asana)},
	{"gives me the subtasks of a task", rel(asana)},
	{"returns the comments and activity stories on a task with author and created_at", rel(asana)},
	{"returns project status updates with color, title and text", rel(asana)},
	{"returns the number of completed and incomplete tasks in a project", rel(asana)},
	{"returns the custom cards defined for my app with title, fetch url and display properties", rel(hubspot)},
	{"gives me a sample card response with cardLabel, sections and topLevelActions for the record sidebar", rel(hubspot)},

	// Developer tools: CI, errors, echo, storage, policy, hashes, devices, feeds, translation.
	{"returns the last 30 builds of a repo with status, branch, build_time_millis and committer", rel(circleci)},
	{"list of artifacts produced by a build with path and url", rel(circleci)},
	{"gives me the test results metadata of a build", rel(circleci)},
	{"returns logged errors with severity, status code, url, title and detail", rel(elmah)},
	{"returns deployments with version, created date and who deployed", rel(elmah)},
	{"echoes back my request headers as json", rel(httpbin)},
	{"returns the query args, form fields and json body I sent, echoed back", rel(httpbin)},
	{"returns the client ip address the request came from", rel(httpbin, worldtime)},
	{"gives me a random uuid4", rel(httpbin)},
	{"gives me back the json object I saved earlier, by its id", rel(jsonStore)},
	{"returns an id and uri after I store some json", rel(jsonStore)},
	{"returns the json document at a data path wrapped in result", rel(opa)},
	{"gives me the allow or deny decision result for an input against my rules", rel(opa)},
	{"returns the loaded policy modules with their raw source and ast", rel(opa)},
	{"returns whether an md5 hash belongs to a known file with filename and size", rel(hashlookup)},
	{"gives me the matches for a json array of sha1 hashes in one call", rel(hashlookup)},
	{"returns the latest value a device posted, with thing name, created time and content", rel(dweet)},
	{"returns the stored readings of a thing over a time range", rel(dweet)},
	{"returns the processing status of an item feed upload with per item ingestion errors", rel(walmart)},
	{"gives me a feed id back after uploading a catalog file of items", rel(walmart)},
	{"returns translatedText for a sentence from english to german", rel(translate)},
	{"gives me the detected language code with a confidence score for some text", rel(translate)},
}
