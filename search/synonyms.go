package search

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/portico-dev/portico/apperr"
)

// Synonyms are groups of equivalent words or short phrases ("repo", "repository"): a query with one member of a group
// also finds the APIs that use another, ranked a little below those that use the query's own words. Members are
// lowercase, single-spaced, unique within a group.
//
// A group with the member OneWay in it is a one-way mapping, Solr's "rain, snow => weather": a query with a member
// before the arrow also finds the APIs that use a member after it, and not the other way round (a query for "weather"
// is not widened to every API that mentions rain). It is for "kind of" links, where a group of equivalents would
// widen the general word's queries.
type Synonyms [][]string

// OneWay separates the members of a one-way mapping: the words of the query, then what they also find.
const OneWay = "=>"

// links returns what each member of g finds besides itself: for a group of equivalents, from and to are the whole
// group; for a one-way mapping, the members before the arrow and those after it.
func links(g []string) (from, to []string) {
	if i := slices.Index(g, OneWay); i >= 0 {
		return g[:i], g[i+1:]
	}
	return g, g
}

// Bounds of a synonym list.
const (
	MaxSynonymGroups    = 600
	MaxSynonymsPerGroup = 12
	MaxSynonymLength    = 60 // characters of one member
	MaxSynonymWords     = 4  // words of one member
	MaxSynonymsText     = 64 << 10
)

// DefaultSynonyms is Portico's list of API-domain synonyms, the org's until an admin edits it.
func DefaultSynonyms() Synonyms {
	return Synonyms{
		{"repo", "repository"},
		{"email", "e-mail", "mail"},
		{"auth", "authentication", "login", "signin"},
		{"authz", "authorization", "authorisation", "access control"},
		{"2fa", "mfa", "two factor authentication", "multi factor authentication", "one time password", "otp"},
		{"sms", "text message", "texting", "text", "txt", "txt msg"},
		{"msg", "message"},
		{"geocode", "geocoding", "address lookup", "address to coordinates", "address to coords"},
		{"zip code", "postal code", "postcode", "pin code"},
		{"timezone", "time zone"},
		{"ip", "ip address"},
		{"im", "instant messaging", "chat"},
		{"ci", "continuous integration"},
		{"cd", "continuous delivery", "continuous deployment"},
		{"crm", "customer relationship management"},
		{"hr", "human resources", "personnel", "hris", "hcm"},
		{"env var", "env vars", "environment variable", "envvar"},
		{"employee", "staff"},
		{"todo", "task"},
		{"iot", "internet of things"},
		{"fx", "forex", "foreign exchange", "exchange rate"},
		{"vat", "value added tax"},
		{"eu", "european union", "european"},
		{"kyc", "know your customer", "identity verification", "identity check"},
		{"invoice", "bill"},
		{"webhook", "callback"},
		{"image", "picture", "photo"},
		{"gif", "animated image"},
		{"song", "track"},
		{"movie", "film"},
		{"parcel", "package", "shipment"},
		{"subscription", "recurring payment", "recurring billing"},
		{"error tracking", "exception tracking", "crash reporting"},
		{"url shortener", "link shortener", "short link"},
		{"qr", "qr code"},

		// Spelling variants (British and American) that stemming does not join.
		{"organization", "organisation"},
		{"authorize", "authorise"},
		{"catalog", "catalogue"},
		{"license", "licence"},
		{"favorite", "favourite"},
		{"color", "colour"},
		{"center", "centre"},
		{"analyze", "analyse"},

		// Identity and security.
		{"sign in", "log in", "logon"},
		{"sign out", "log out", "logout", "signout"},
		{"sign up", "signup", "register", "registration"},
		{"sso", "single sign on"},
		{"jwt", "json web token"},
		{"password", "passphrase", "passcode"},
		{"permission", "privilege", "entitlement"},
		{"idp", "identity provider", "user directory"},
		{"deactivate", "disable", "suspend"},
		{"rerun", "re-run", "retry"},
		{"product", "item"},
		{"captcha", "bot detection"},
		{"ssl", "tls"},
		{"cert", "certificate"},
		{"malware", "virus", "malicious file"},
		{"blocklist", "blacklist", "denylist"},
		{"allowlist", "whitelist"},
		{"cve", "common vulnerabilities and exposures"},
		{"hash", "checksum", "digest", "file fingerprint"},
		{"fraud detection", "fraud prevention", "risk scoring"},

		// Messaging and social.
		{"notification", "alert"},
		{"dnd", "do not disturb", "snooze", "focus time", "mute", "pause notifications"},
		{"dm", "direct message", "private message"},
		{"emoji", "emoticon"},
		{"phone number", "mobile number", "cell number", "msisdn"},
		{"cellphone", "cell phone", "mobile phone"},
		{"microblog", "microblogging", "fediverse"},
		{"microblog", "microblogging", "fediverse", OneWay, "mastodon", "status"},
		{"newsletter", "mailing list"},

		// Payments, commerce and tax.
		{"coupon", "discount code", "promo code", "voucher"},
		{"refund", "money back"},
		{"dispute", "chargeback"},
		{"payout", "disbursement"},
		{"paid out", OneWay, "payout"},
		{"bank transfer", "wire transfer"},
		{"merchant", "seller", "vendor"},
		{"bin", "bank identification number", "iin", "issuer identification number"},
		{"iban", "bank account number"},
		{"gst", "goods and services tax"},
		{"currency exchange", "currency conversion", "currency converter"},
		{"credit score", "credit rating", "credit check"},
		{"shop", "store", "webshop", "online shop"},
		{"ecommerce", "e-commerce", "online retail"},
		{"cart", "basket", "shopping cart"},
		{"inventory", "stock level"},
		{"barcode", "upc", "ean", "gtin"},
		{"receipt", "proof of purchase"},
		{"crypto", "cryptocurrency"},

		// Location, time, weather and travel.
		{"coordinates", "coords", "latitude longitude", "lat lng", "latlng", "lat long", "lat lon", "gps position"},
		{"reverse geocoding", "coordinates to address"},
		{"geolocation", "ip location", "ip geolocation"},
		{"street address", "postal address", "mailing address"},
		{"address validation", "address verification"},
		{"tz", "timezone"},
		{"dst", "daylight saving time", "daylight saving", "daylight savings", "summer time"},
		{"public holiday", "bank holiday"},
		{"weather", "meteorological", "meteo"},
		{"rain", "rainfall", "precipitation"},
		{"temperature", "temp"},
		{"air quality", "air pollution", "aqi"},
		{"flight", "air travel"},
		{"airline", "air carrier"},
		{"shipping", "delivery", "logistics"},
		{"car", "vehicle", "automobile"},
		{"tracking number", "tracking code"},

		// Work, people and customers.
		{"time off", "leave", "vacation", "pto", "paid time off", "absence"},
		{"payroll", "salary", "compensation"},
		{"timesheet", "time tracking", "attendance"},
		{"recruiting", "hiring", "applicant tracking", "ats"},
		{"todo", "to-do", "action item", "task"},
		{"project management", "work management"},
		{"deal", "sales opportunity"},
		{"helpdesk", "help desk", "service desk", "support ticket"},
		{"survey", "questionnaire", "poll"},
		{"e-signature", "esignature", "electronic signature"},

		// Developer tools and infrastructure.
		{"db", "database"},
		{"kv", "key value", "key-value"},
		{"k8s", "kubernetes"},
		{"vm", "virtual machine"},
		{"cdn", "content delivery network"},
		{"dns", "domain name system"},
		{"object storage", "blob storage"},
		{"queue", "message queue", "mq"},
		{"pubsub", "pub sub", "publish subscribe"},
		{"cron", "scheduled job"},
		{"feature flag", "feature toggle"},
		{"stats", "statistics", "analytics"},
		{"exception", "error"},
		{"uptime", "availability"},
		{"stops answering", "goes down", "is down", "downtime", "is up", "still up", "website up", OneWay, "uptime"},
		{"policy engine", "rules engine", "authorization engine"},
		{"mock data", "fake data", "test data", "dummy data", "sample data"},
		{"screenshot", "screen capture"},

		// Text, media and content.
		{"ai", "artificial intelligence"},
		{"ml", "machine learning"},
		{"nlp", "natural language processing"},
		{"ocr", "optical character recognition", "text recognition"},
		{"speech to text", "speech recognition", "transcription", "stt"},
		{"text to speech", "speech synthesis", "tts"},
		{"language detection", "detect language", "identify language"},
		{"sentiment analysis", "opinion mining"},
		{"background removal", "remove background", "cut out", "transparent background", "white background", "plain background", "white backdrop", "plain backdrop"},
		{"face detection", "face recognition", "facial recognition"},
		{"video game", "videogame"},
		{"comic", "webcomic", "comic strip"},
		{"tv show", "television series"},
		{"lyrics", "song text"},
		{"astronomy", "space science"},
		{"ebook", "e-book"},
		{"healthcare", "health care", "health insurance", "medical insurance", "health coverage", "health plan"},
		{"k-12", "k12", "primary and secondary education"},

		// One way ("kind of" links): a query with a word before the arrow also finds the APIs that say what comes after
		// it, and not the other way round.
		{"rain", "rainfall", "snow", "wind", "humidity", "precipitation", "storm", "temperature", "pour", "downpour", OneWay, "weather"},
		{"dollar", "euro", "pound sterling", "yen", OneWay, "currency"},
		{"bitcoin", "ethereum", OneWay, "cryptocurrency"},
		{"visa", "mastercard", "amex", "debit card", "credit card", OneWay, "card"},
		{"checkout", OneWay, "payment"},
		{"album", "artist", "playlist", OneWay, "music"},
		{"employee", "payroll", "time off", OneWay, "human resources"},
		{"sales lead", "sales pipeline", OneWay, "crm"},
		{"stack trace", "traceback", OneWay, "exception"},
		{"flight", "airline", OneWay, "airport"},
		{"translate", OneWay, "language"},
		{"coordinates", "latitude", "longitude", "lat long", "lat lng", "lat lon", "gps location", "gps coordinates", "gps position", OneWay, "geocoding"},
		{"event", OneWay, "notification", "webhook"},
		{"clock in", "clock out", OneWay, "attendance"},
		{"error", "exception", "crash", OneWay, "log"},
		{"key value", "kv", "config store", "settings file", "config file", "no backend", "without a backend", "backendless", "without a database", "no database", "without a db", OneWay, "storage"},
		{"authorization rules", "authorisation rules", "authz rules", OneWay, "policy"},
		{"http error", "error code", "500 error", "503", "502", "404", "418", OneWay, "status code"},
		{"deductible", "copay", "coinsurance", "out of pocket", OneWay, "health insurance", "glossary"},
		{"wrong hour", "wrong time", "time difference", OneWay, "timezone"},
		{"never reach", "not delivered", "undelivered", "deliverability", OneWay, "bounce"},
		{"access decision", "permission check", "allow or deny", "rules engine", "policy as code", "access rules", "authorization decision", "authorisation decision", "authz decision", OneWay, "policy"},
		{"dst", "daylight saving", "daylight savings", "utc offset", OneWay, "timezone"},
		{"ci", "continuous integration", OneWay, "build"},
		{"thunderstorm", "hail", "heatwave", "frost", "uv index", OneWay, "weather"},
		{"refund", "payout", "chargeback", OneWay, "payment"},
		{"whatsapp", "telegram", "signal app", OneWay, "messaging"},
		{"jpeg", "jpg", "png", "svg", "webp", OneWay, "image"},
		{"mp3", "wav", "podcast", OneWay, "audio"},
		{"mp4", "webm", OneWay, "video"},
		{"pdf", "docx", OneWay, "document"},
		{"csv", "xlsx", "excel", OneWay, "spreadsheet"},
		{"md5", "sha1", "sha256", OneWay, "hash"},
		{"ransomware", "trojan", "phishing", OneWay, "malware"},
		{"ipv4", "ipv6", OneWay, "ip address"},
		{"android", "ios", OneWay, "mobile"},
		{"cpu", "memory usage", "disk usage", "latency", OneWay, "metrics"},
		{"sprint", "backlog", "kanban", OneWay, "project management"},
		{"doctor", "hospital", "clinic", "patient", OneWay, "healthcare"},
		{"student", "pupil", "teacher", "classroom", OneWay, "school"},
		{"galaxy", "planet", "telescope", "nebula", "cosmos", OneWay, "astronomy"},
		{"nba", "nfl", "football", "soccer", OneWay, "sports"},
		{"recipe", "ingredient", OneWay, "food"},
		{"mortgage", "loan", "interest rate", OneWay, "finance"},
		{"ticker", "stock price", "share price", OneWay, "stock market"},
		{"vin", "license plate", OneWay, "vehicle"},
		{"courier", "freight", OneWay, "shipping"},
		{"hotel", "car rental", OneWay, "travel"},
		{"bus", "train", "subway", "tram", OneWay, "public transport"},
		{"headline", "breaking news", OneWay, "news"},
		{"org chart", "department", "job title", OneWay, "human resources"},
		{"ledger", "bookkeeping", "journal entry", OneWay, "accounting"},
		{"inflation", "gdp", OneWay, "economics"},
		// Products people name to say what they want ("like SendGrid"): each stands for what it does.
		{"sendgrid", "mailgun", "mandrill", "amazon ses", "mailchimp", OneWay, "transactional email", "email"},
		{"twilio", "plivo", "messagebird", OneWay, "sms"},
		{"sentry", "rollbar", "bugsnag", OneWay, "error tracking", "error log", "exception"},
		{"auth0", "onelogin", OneWay, "identity provider", "user management"},
		{"tenor", OneWay, "gif"},
		{"igdb", OneWay, "video game"},
		{"jsonbin", "json bin", OneWay, "json storage"},
		{"postman echo", "requestbin", "request bin", OneWay, "http"},
		{"deepl", "google translate", OneWay, "translation"},
		{"machine translation", "translation service", OneWay, "translate"},
		{"admission control", "admission controller", "is allowed", "allowed to", OneWay, "policy"},
		{"openweathermap", "accuweather", OneWay, "weather"},
		{"mapbox", "google maps", OneWay, "geocoding"},
		{"trello", "jira", OneWay, "project management"},
		// Kinds of a thing, one way, as above.
		{"okr", "objectives and key results", "objectives", "quarterly objectives", OneWay, "goal"},
		{"animated", OneWay, "gif"},
		{"spanish", "french", "german", "italian", "portuguese", "chinese", "japanese", "arabic", "russian", OneWay, "language"},
		{"nyt", "new york times"},
		{"braintree", "paypal", "square", OneWay, "payment", "charge"},
		{"chargebee", "recurly", OneWay, "subscription", "billing"},
		{"travis", "travis ci", "jenkins", "github actions", "gitlab ci", OneWay, "continuous integration", "pipeline", "build"},
		{"mock server", "mock endpoint", "fake endpoint", "dummy endpoint", "fake server", OneWay, "http", "status code"},
		{"astronomy", "space photo", "space photos", "space picture", "space pic", "space wallpaper", OneWay, "nasa", "apod"},
		{"iot", "internet of things", "sensor", "thermometer", "fridge", "freezer", "oven", "raspberry pi", "arduino", OneWay, "device", "things"},
		{"cron job", "cron", "scheduled job", "cron monitoring", "job monitoring", "dead man switch", "nightly job", "stops running", "stopped running", OneWay, "heartbeat"},
		{"sales tax", "consumption tax", "avalara", "taxjar", OneWay, "vat", "tax"},
		{"secret", "secrets", OneWay, "environment variable", "envvar"},
		{"rego", OneWay, "policy"},
		{"get told", "get pinged", "ping me", "let me know", "notify me", "get notified", "heads up", "heads-up", OneWay, "notification", "webhook"},
		{"tempo", "danceability", "bpm", OneWay, "audio features"},
		{"release", OneWay, "deployment"},
		{"slow response", "slow", "slowly", "timeout", OneWay, "delay"},
		{"idp", "identity provider", "user directory", "sso", "single sign on", OneWay, "user management"},
		{"hot", "cold", "freezing", "humid", OneWay, "temperature", "weather"},
		{"console", "playstation", "xbox", "nintendo", OneWay, "platform", "video game"},
		{"reply", "replies", "incoming email", OneWay, "inbound"},
		{"toot", "toots", OneWay, "mastodon", "status"},
		{"newsapi", OneWay, "news", "article"},
		{"cpaas", OneWay, "sms", "messaging"},
		{"coinbase", "coinbase commerce", OneWay, "bitcoin", "cryptocurrency"},
		{"firebase", "firebase realtime database", OneWay, "json storage"},
		{"mangopay", OneWay, "marketplace", "payout"},
		{"timeanddate", OneWay, "time zone", "current time"},
		{"bamboohr", "workday", "hibob", OneWay, "hr", "employee"},
		{"virustotal", OneWay, "malware", "hash"},
		{"dark sky", "darksky", OneWay, "weather", "forecast"},
		{"log hours", "log my hours", "hours worked", "work hours", OneWay, "attendance", "timesheet"},
		{"map pin", "map pins", "pin on a map", "on a map", "on the map", "drop a pin", OneWay, "geocoding", "coordinates"},
		{"echo server", "echo endpoint", "echoes back", "echo back", "sends back whatever", "send back whatever", "spits back", "dummy url", "dummy endpoint", OneWay, "http", "request"},
		{"freeze account", "freeze login", "lock out", "locked out", "switch off", "shut off", OneWay, "suspend", "unlock"},
		{"nist", OneWay, "nsrl"},
		{"gray lady", "grey lady", OneWay, "new york times"},
		{"quid", OneWay, "gbp", "pound"},
		{"bucks", OneWay, "usd", "dollar"},
		{"plastic", OneWay, "card", "credit card"},
		{"banger", "bangers", OneWay, "song", "track"},
		{"fly from", "fly to", "fly out of", "places to fly", OneWay, "airport", "flight"},
		{"sales tool", "sales crm", OneWay, "crm"},
		{"twitter", "tweet", "tweets", OneWay, "microblog", "mastodon", "status", "social network"},
		{"press coverage", "media coverage", "press clippings", "news coverage", "newspaper", OneWay, "news", "article"},
		{"news", OneWay, "article", "newspaper"},
		{"public domain", "digital library", "online library", "digitised books", "digitized books", OneWay, "archive"},
		{"retail", "online store", "web shop", "e-commerce", "ecommerce", OneWay, "product", "item"},
		{"newsletter", OneWay, "email"},
		{"leaver", "offboarding", "offboard", "left the company", "who quit", "who left", "deprovision", "deprovisioning", OneWay, "deactivate", "suspend"},
		{"3ds", "3ds2", "3d secure", "3-d secure", "three d secure"},
		{"vies", OneWay, "vat"},
		{"faq", "help articles", OneWay, "article", "glossary"},
		{"obamacare", "affordable care act", "aca", OneWay, "health insurance", "healthcare"},
		{"holiday", "holidays", OneWay, "time off", "absence"},
		{"wayback machine", "wayback", OneWay, "internet archive", "archive"},
		{"slow response", "slow server", "server is slow", "responds slowly", OneWay, "delay"},
		{"who is online", "is online", "are online", "online status", OneWay, "presence"},
		{"sick day", "sick days", "sick leave", "sick note", "off sick", OneWay, "absence", "time off"},
		{"tests pass", "pass the tests", "passed the tests", "test results", OneWay, "continuous integration", "build"},
		{"save online", "store online", "keep online", "online place", "online spot", "online storage", OneWay, "json storage", "storage"},
		{"public domain", "free to use", "copyright free", "old films", "old movies", "old books", OneWay, "internet archive", "archive"},
		{"alarm", "alarms", OneWay, "alert"},
		{"temporarily block", "temporarily stop", "temporarily freeze", "temporarily disable", "on ice", OneWay, "suspend"},
		{"moving picture", "moving pictures", "moving reaction", "moving reactions", "animated picture", OneWay, "gif"},
		{"how warm", "how cold", "how hot", OneWay, "temperature", "weather"},
		{"address validation", "validate address", "verify address", "address exists", "standardise address", "standardize address", "messy address", OneWay, "geocoding"},
		{"error 500", "500 error", "status 500", OneWay, "status code"},
		{"who can do what", "access rules", "permission rules", OneWay, "policy", "authorization"},
		{"street address", "nearest address", "business address", OneWay, "geocoding"},
		{"sign out", "log out", "logout", "signout", "every device", "all devices", "all their devices", OneWay, "sessions"},
		{"unique id", "random id", "guid", OneWay, "uuid"},
		{"rulebook", "rule book", "rule engine", "central rules", "business rules", OneWay, "policy"},
		{"checking in", "stops checking in", "stopped checking in", "check-in ping", OneWay, "heartbeat"},
		{"live feed", "live updates", "real-time updates", "realtime updates", "without refreshing", "push updates", OneWay, "listen", "stream"},
		{"given access", "has access to", "apps assigned", "app access", OneWay, "assigned app"},
		{"address search", "search for an address", "find an address", "address autocomplete", OneWay, "geocoding"},
		{"edit profile", "update profile", "profile bio", "bio", "banner image", "profile banner", OneWay, "update current user", "update credentials"},
		{"mark as resolved", "mark resolved", "resolved", OneWay, "fix"},
		{"turn off", OneWay, "disable", "deactivate"},
		{"week outlook", "weather outlook", "extended outlook", "day outlook", OneWay, "forecast"},
		{"abort", OneWay, "cancel"},
		{"planning board", "kanban", "kanban board", "task board", OneWay, "project"},
		{"email layout", "email template", "email templates", "email design", OneWay, "template"},
		{"profile photo", "profile picture", "profile pic", OneWay, "photo", "avatar"},
		{"entitlements engine", "entitlement engine", "externalized authorization", "externalised authorisation", "styra", "axiomatics", OneWay, "policy"},
		{"mqtt", "mqtt broker", "machine-to-machine", "machine to machine", "m2m", "device telemetry", OneWay, "iot", "device", "things"},
		{"open rate", "open rates", OneWay, "opens", "open counts"},
		{"mass mail", "mass email", "bulk email", "email blast", "mail merge", OneWay, "batch of emails"},
		{"echo service", "http echo", OneWay, "http", "request"},
		{"md5s", OneWay, "md5"},
		{"sha1s", OneWay, "sha1"},
		{"cutout", "cutouts", OneWay, "background removal", "remove background"},
	}
}

// ErrInvalidSynonyms reports a synonym list that cannot be used; the message says what to change.
var ErrInvalidSynonyms = errors.New("invalid synonyms")

// ParseSynonyms reads a synonym list written one group per line, members separated by commas ("repo, repository"),
// a one-way mapping with an arrow between the words and what they also find ("rain, snow => weather"). Blank lines
// and lines starting with # are skipped.
func ParseSynonyms(text string) (Synonyms, error) {
	if len(text) > MaxSynonymsText {
		return nil, fmt.Errorf("%w: keep the list under %d KB", ErrInvalidSynonyms, MaxSynonymsText>>10)
	}
	var groups [][]string
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		members := strings.Split(line, ",")
		if strings.Count(line, OneWay) > 1 {
			return nil, fmt.Errorf("%w: line %d: one %s at most in a line", ErrInvalidSynonyms, i+1, OneWay)
		}
		if left, right, ok := strings.Cut(line, OneWay); ok {
			members = slices.Concat(strings.Split(left, ","), []string{OneWay}, strings.Split(right, ","))
		}
		g, err := synonymGroup(members)
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %s", ErrInvalidSynonyms, i+1, err.Error())
		}
		groups = append(groups, g)
	}
	return checkSynonymCount(groups)
}

// NormalizeSynonyms checks and normalises groups given as lists (the JSON API's form).
func NormalizeSynonyms(groups [][]string) (Synonyms, error) {
	out := make([][]string, 0, len(groups))
	for i, members := range groups {
		if i >= MaxSynonymGroups {
			break
		}
		g, err := synonymGroup(members)
		if err != nil {
			return nil, fmt.Errorf("%w: group %d: %s", ErrInvalidSynonyms, i+1, err.Error())
		}
		out = append(out, g)
	}
	if len(groups) > MaxSynonymGroups {
		return nil, fmt.Errorf("%w: at most %d groups", ErrInvalidSynonyms, MaxSynonymGroups)
	}
	return checkSynonymCount(out)
}

func checkSynonymCount(groups [][]string) (Synonyms, error) {
	if len(groups) > MaxSynonymGroups {
		return nil, fmt.Errorf("%w: at most %d groups", ErrInvalidSynonyms, MaxSynonymGroups)
	}
	// The JSON API's lists are bounded as the page's text is.
	if len(Synonyms(groups).Text()) > MaxSynonymsText {
		return nil, fmt.Errorf("%w: keep the list under %d KB", ErrInvalidSynonyms, MaxSynonymsText>>10)
	}
	if groups == nil {
		groups = [][]string{}
	}
	return Synonyms(groups), nil
}

// synonymGroup normalises the members of one group (or one-way mapping) and checks their bounds.
func synonymGroup(members []string) ([]string, error) {
	arrows := 0
	for _, m := range members {
		if strings.TrimSpace(m) == OneWay {
			arrows++
		}
	}
	if arrows > 1 {
		return nil, fmt.Errorf("one %s at most in a line: the words before it also find those after it", OneWay)
	}
	if len(members)-arrows > MaxSynonymsPerGroup {
		return nil, fmt.Errorf("at most %d synonyms in a group", MaxSynonymsPerGroup)
	}
	var g []string
	arrow := -1
	for _, m := range members {
		// A key or token is refused as in every stored text, before
		// lowercasing (a token's letters are in both cases) and before a
		// message below quotes a member.
		if apperr.HoldsSecret(m) {
			//lint:ignore ST1005 the page shows it under the list, as the sentence every form shows
			return nil, errors.New(apperr.SecretMessage)
		}
		m = strings.Join(strings.Fields(strings.ToLower(m)), " ")
		if m == "" {
			continue
		}
		if m == OneWay {
			arrow = len(g)
			g = append(g, m)
			continue
		}
		if strings.Contains(m, ",") || strings.HasPrefix(m, "#") {
			return nil, fmt.Errorf("%q: a synonym cannot hold a comma nor start with #", m)
		}
		if strings.Contains(m, OneWay) {
			return nil, fmt.Errorf("%q: %s is a member of its own, between the words and what they also find", m, OneWay)
		}
		if !utf8.ValidString(m) || utf8.RuneCountInString(m) > MaxSynonymLength {
			return nil, fmt.Errorf("%q: at most %d characters", truncateRunes(m, MaxSynonymLength), MaxSynonymLength)
		}
		if len(strings.Fields(m)) > MaxSynonymWords {
			return nil, fmt.Errorf("%q: at most %d words", m, MaxSynonymWords)
		}
		dup := false
		for _, o := range g[arrow+1:] { // the same side
			dup = dup || o == m
		}
		if !dup {
			g = append(g, m)
		}
	}
	if arrow >= 0 {
		if arrow == 0 || arrow == len(g)-1 {
			return nil, fmt.Errorf("a one-way mapping needs words on both sides of %s (rain, snow %s weather)", OneWay, OneWay)
		}
		for _, m := range g[:arrow] {
			if slices.Contains(g[arrow+1:], m) {
				return nil, fmt.Errorf("%q: on both sides of %s", m, OneWay)
			}
		}
		return g, nil
	}
	if len(g) < 2 {
		return nil, errors.New("a group needs two different synonyms or more, separated by commas")
	}
	return g, nil
}

// Text writes the list as ParseSynonyms reads it.
func (s Synonyms) Text() string {
	var b strings.Builder
	for _, g := range s {
		b.WriteString(GroupText(g))
		b.WriteByte('\n')
	}
	return b.String()
}

// GroupText writes one group as a line of Text: "repo, repository", or "rain, snow => weather".
func GroupText(g []string) string {
	if from, to := links(g); len(from) < len(g) {
		return strings.Join(from, ", ") + " " + OneWay + " " + strings.Join(to, ", ")
	}
	return strings.Join(g, ", ")
}

// expansions maps each member of every group to the other members of its group, and each member before a one-way
// mapping's arrow to the members after it: a query word or phrase equal to a key is also looked up as each of its
// values.
func (s Synonyms) expansions() map[string][]string {
	out := map[string][]string{}
	for _, g := range s {
		from, to := links(g)
		for _, m := range from {
			for _, o := range to {
				if o != m {
					out[m] = append(out[m], o)
				}
			}
		}
	}
	return out
}
