package main

// Sample keys, named once so that a typo in a judgement fails to compile.
const (
	adyenBin    = "adyen.com__BinLookupService"
	adyenNotify = "adyen.com__MarketPayNotificationService"
	archive     = "archive.org__search"
	asana       = "asana.com__asana"
	hashlookup  = "circl.lu__hashlookup"
	circleci    = "circleci.com__circleci-rest-api"
	dweet       = "dweet.io__dweet-io"
	elmah       = "elmah.io__elmah-io-api"
	exchange    = "exchangerate-api.com__exchangerate-api"
	jsonStore   = "extendsclass.com__json-storage"
	giphy       = "giphy.com__giphy-api"
	healthcare  = "healthcare.gov__healthcare"
	httpbin     = "httpbin.org__httpbin-org"
	hubspot     = "hubapi.com__crm"
	translate   = "libretranslate.local__libretranslate"
	mastodon    = "mastodon.local__mastodon-api"
	apod        = "nasa.gov__apod"
	nexmo       = "nexmo.com__sms"
	nytimes     = "nytimes.com__article_search"
	okta        = "okta.local__users-okta-api"
	opencage    = "opencagedata.com__opencage-geocoder"
	opa         = "openpolicy.local__open-policy-agent-opa-rest-api"
	personio    = "personio.de__personnel"
	postmark    = "postmarkapp.com__server"
	rawg        = "rawg.io__rawg-video-games-database-api"
	removebg    = "remove.bg__background-removal-api"
	schools     = "schooldigger.com__schooldigger-api-v1"
	slack       = "slack.com__slack-web-api"
	spotify     = "spotify.com__spotify-web-api"
	stripe      = "stripe.com__stripe"
	airports    = "transavia.com__airports-api-v2"
	vat         = "vatapi.com__vat-api"
	weather     = "visualcrossing.com__weather"
	walmart     = "walmart.com__item"
	worldtime   = "worldtimeapi.org__world-time-api"
	xkcd        = "xkcd.com__xkcd"
)

func rel(keys ...string) []string { return keys }

// Cases are the judged queries: written the way people look for an API (by purpose, in their own words, with domain
// words and a few typos), not copied from the descriptions. Each lists every sample that does what was asked.
var Cases = []Case{
	// Messaging: SMS, email, chat.
	{"send a text message to a phone", rel(nexmo)},
	{"send sms", rel(nexmo)},
	{"sms notifications to customers", rel(nexmo)},
	{"text my users a verification code", rel(nexmo)},
	{"send transactional emails", rel(postmark)},
	{"email delivery with bounce handling", rel(postmark)},
	{"e-mail templates for password reset mails", rel(postmark)},
	{"track email opens and clicks", rel(postmark)},
	{"post a message to a team chat channel", rel(slack)},
	{"create a chat channel and invite people", rel(slack)},
	{"slak bot messages", rel(slack)},
	{"social network posts and followers", rel(mastodon)},
	{"who follows an account on the fediverse", rel(mastodon)},

	// Payments and money.
	{"charge a credit card", rel(stripe)},
	{"accept online payments and refunds", rel(stripe)},
	{"recurring subscriptions billing", rel(stripe)},
	{"check if a card supports 3d secure", rel(adyenBin, stripe)},
	{"card bin lookup", rel(adyenBin)},
	{"estimate the fee of a card transaction", rel(adyenBin)},
	{"marketplace payout notifications webhooks", rel(adyenNotify)},
	{"currency exchange rates", rel(exchange)},
	{"convert dollars to euros", rel(exchange, vat)},
	{"latest forex rate for a base currency", rel(exchange)},
	{"vat rates by country", rel(vat)},
	{"validate a eu vat number", rel(vat)},
	{"create invoices with tax", rel(vat, stripe)},
	{"exchnage rate", rel(exchange)},

	// Location, time, weather, travel.
	{"turn an address into coordinates", rel(opencage)},
	{"reverse geocoding lat long to place name", rel(opencage)},
	{"geocode", rel(opencage)},
	{"address lookup", rel(opencage)},
	{"weather forecast for a city", rel(weather)},
	{"historical weather data", rel(weather)},
	{"will it rain tomorrow", rel(weather)},
	{"wether forcast", rel(weather)},
	{"find the nearest airport", rel(airports)},
	{"list airports in a country", rel(airports)},
	{"current time in a timezone", rel(worldtime)},
	{"what time is it for an ip address", rel(worldtime)},
	{"list of time zones", rel(worldtime)},

	// Identity and security.
	{"manage user accounts and passwords", rel(okta)},
	{"reset a user's password", rel(okta)},
	{"deactivate an employee's login", rel(okta)},
	{"user lifecycle activate suspend", rel(okta)},
	{"authorization policy decisions", rel(opa)},
	{"evaluate access rules as code", rel(opa)},
	{"opa policy engine", rel(opa)},
	{"check whether a file hash is known", rel(hashlookup)},
	{"md5 sha1 lookup", rel(hashlookup)},
	{"malware hash database", rel(hashlookup)},

	// Developer tools.
	{"continuous integration builds", rel(circleci)},
	{"trigger a ci build and download artifacts", rel(circleci)},
	{"retry a failed build", rel(circleci)},
	{"log application errors", rel(elmah)},
	{"error monitoring and uptime checks", rel(elmah)},
	{"record a deployment for error tracking", rel(elmah)},
	{"test http requests and responses", rel(httpbin)},
	{"echo my request headers", rel(httpbin)},
	{"return a given status code for testing", rel(httpbin)},
	{"store json documents online", rel(jsonStore)},
	{"save a json blob and update it later", rel(jsonStore)},
	{"iot device messages publish", rel(dweet)},
	{"sensor data from things", rel(dweet)},
	{"alerts when a device value crosses a threshold", rel(dweet)},

	// Work and business.
	{"project management tasks", rel(asana)},
	{"assign a task to a teammate with a due date", rel(asana)},
	{"todo lists for teams", rel(asana)},
	{"asanna workspaces", rel(asana)},
	{"crm contact cards", rel(hubspot)},
	{"customize crm record cards", rel(hubspot)},
	{"employee records and absences", rel(personio)},
	{"hr system time off", rel(personio)},
	{"track employee attendance hours", rel(personio)},
	{"upload product feeds to a marketplace", rel(walmart)},
	{"retail item catalog", rel(walmart)},

	// Media and content.
	{"search for gifs", rel(giphy)},
	{"trending animated stickers", rel(giphy)},
	{"funny reaction gif", rel(giphy)},
	{"music streaming catalog albums artists", rel(spotify)},
	{"create a playlist", rel(spotify)},
	{"spotfy tracks", rel(spotify)},
	{"what song is playing now", rel(spotify)},
	{"remove the background from a photo", rel(removebg)},
	{"cut out people from images", rel(removebg)},
	{"transparent background product pictures", rel(removebg)},
	{"translate text into another language", rel(translate)},
	{"detect which language a text is in", rel(translate)},
	{"machine translation", rel(translate)},
	{"translaton", rel(translate)},
	{"search newspaper articles", rel(nytimes)},
	{"news articles by keyword and date", rel(nytimes)},
	{"astronomy picture of the day", rel(apod)},
	{"space images from nasa", rel(apod)},
	{"daily comic strip", rel(xkcd)},
	{"webcomic", rel(xkcd)},
	{"video game database", rel(rawg)},
	{"games by genre and platform", rel(rawg)},
	{"search the internet archive", rel(archive)},
	{"scrape archived items", rel(archive)},

	// Public sector and education.
	{"health insurance marketplace content", rel(healthcare)},
	{"health care glossary", rel(healthcare)},
	{"school rankings by state", rel(schools)},
	{"k-12 school districts data", rel(schools)},
	{"find a school near me", rel(schools)},
}
