package main

// DevTwentySeventh is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): the 36 OpenAPI
// files of samples/openapi were read for their info description, tags, paths, operation summaries, parameters and
// webhooks, and the queries are written in the voice of data analysts and data engineers: datasets, exports,
// backfills, dashboards, daily pulls into a warehouse, metrics, joins and the enrichment of a table, typed as they
// would type them into a portal's search box. Each query lists every sample whose operations do what was asked, so a
// query two APIs both answer names both.
var DevTwentySeventh = []Case{
	// Payments: exports, reconciliation and revenue metrics.
	{"backfill all card charges and refunds into the warehouse", rel(stripe)},
	{"balance transactions export for finance reconciliation", rel(stripe)},
	{"monthly recurring revenue dashboard from subscription data", rel(stripe)},
	{"chargeback disputes table for the risk dashboard", rel(stripe)},
	{"payouts to our bank account joined with the transactions they contain", rel(stripe)},
	{"coupon redemption metrics for the promo analysis", rel(stripe)},
	{"order returns data for a returns rate dashboard", rel(stripe)},
	{"product and sku catalog export from our payments provider", rel(stripe)},
	{"enrich our payments table with card issuer country from the bin", rel(adyenBin)},
	{"estimate interchange and scheme fees per transaction for margin analysis", rel(adyenBin)},
	{"3ds support by card bin for checkout funnel analysis", rel(adyenBin)},

	// Marketplace platform notifications.
	{"ingest sub-merchant account holder events like verification and status changes into our ledger", rel(adyenNotify)},
	{"trigger the load job when a new platform report is ready", rel(adyenNotify)},
	{"seller payout events for platform accounting tables", rel(adyenNotify, stripe)},
	{"negative balance and payment failure events on sub accounts into a table", rel(adyenNotify)},

	// Currency and tax enrichment.
	{"daily fx rate table for converting order revenue to usd", rel(exchange, stripe, vat)},
	{"latest exchange rates for every currency against eur in one call", rel(exchange, stripe)},
	{"convert order amounts between currencies in the etl", rel(exchange, stripe, vat)},
	{"enrich orders table with vat rate per customer country", rel(vat)},
	{"validate the eu vat ids column in our b2b customer table", rel(vat)},
	{"net vs gross price with vat for the eu pricing report", rel(vat)},
	{"vat rate of the country an ip address is in", rel(vat)},

	// HR, identity and CRM.
	{"hr headcount dashboard from employee records", rel(personio)},
	{"daily pull of attendance hours into snowflake", rel(personio)},
	{"absence and vacation days per employee for people analytics", rel(personio)},
	{"nightly sync of okta users and their groups into the warehouse", rel(okta)},
	{"count of suspended and deactivated accounts in our identity provider", rel(okta)},
	{"which apps each employee is assigned in sso for a license usage table", rel(okta)},
	{"show warehouse metrics on the crm contact sidebar", rel(hubspot)},
	{"surface customer lifetime value from our warehouse inside hubspot records", rel(hubspot)},

	// Project management data.
	{"export all asana tasks to bigquery for cycle time analysis", rel(asana)},
	{"full organization export of our project tool data", rel(asana)},
	{"incremental sync of task changes with a sync token", rel(asana)},
	{"task counts per project for a completion dashboard", rel(asana)},
	{"update a goal's metric value from our kpi pipeline", rel(asana)},
	{"comments and activity history on tasks as a dataset", rel(asana)},
	{"change feed of events for incremental loads instead of full reloads", rel(asana, stripe)},

	// Chat, sms and email.
	{"export slack channel message history for text analysis", rel(slack)},
	{"post the daily kpi summary to a slack channel", rel(slack)},
	{"slack workspace access logs for a security dashboard", rel(slack)},
	{"billable active users per workspace for a seat cost report", rel(slack)},
	{"emoji reactions per user for engagement metrics", rel(slack)},
	{"user list with emails from our chat tool to join with hr data", rel(slack)},
	{"text the on-call analyst when the nightly load fails", rel(nexmo)},
	{"send an sms to each phone number in our customer segment table", rel(nexmo)},
	{"email open and click rates over time into the marketing dashboard", rel(postmark)},
	{"bounce counts and spam complaints per day for deliverability tracking", rel(postmark)},
	{"email the weekly metrics report to stakeholders from a template", rel(postmark)},
	{"search the outbound transactional email log to join with signups", rel(postmark)},

	// Engineering telemetry for dashboards.
	{"build durations and failure rate from ci for an engineering metrics dashboard", rel(circleci)},
	{"flaky test analysis from ci test results", rel(circleci)},
	{"download build artifacts from ci into our data lake", rel(circleci)},
	{"error log messages exported daily for an error trend dashboard", rel(elmah)},
	{"deployment history to correlate with error spikes", rel(elmah)},
	{"heartbeat ping from our scheduled etl job", rel(elmah)},
	{"uptime check results for sla reporting", rel(elmah)},
	{"mock endpoint returning 500s to test our ingestion job retries", rel(httpbin)},
	{"test how our http client handles gzip and streamed json responses", rel(httpbin)},
	{"slow response endpoint to test pipeline timeouts", rel(httpbin)},

	// Policies, small storage, devices and hashes.
	{"evaluate a rego policy before serving rows to a dashboard user", rel(opa)},
	{"list the policy modules loaded in our policy engine for an audit", rel(opa)},
	{"hosted json bin to keep the pipeline's last watermark", rel(jsonStore)},
	{"update a couple of keys in our hosted json config without rewriting it", rel(jsonStore)},
	{"read a day of stored iot sensor readings as csv", rel(dweet)},
	{"latest reading from a device for a live dashboard", rel(dweet)},
	{"enrich file inventory table with known-good flags from md5 hashes", rel(hashlookup)},
	{"bulk check sha1 hashes against the nsrl database", rel(hashlookup)},

	// Location, time and weather joins.
	{"geocode the customer address column into lat long", rel(opencage)},
	{"reverse geocode delivery gps points to city and country", rel(opencage)},
	{"airport reference table with iata codes and countries", rel(airports)},
	{"nearest airport to each store location for a travel cost model", rel(airports)},
	{"timezone for each visitor ip to localize event timestamps", rel(worldtime)},
	{"list of all iana timezones for a dimension table", rel(worldtime)},
	{"current utc offset for a timezone in our scheduler", rel(worldtime)},
	{"historical daily weather to join with store sales", rel(weather)},
	{"15 day weather forecast feed for a demand planning model", rel(weather)},
	{"hourly temperature and precipitation backfill for 2019 by city", rel(weather)},

	// News, archives and public content datasets.
	{"backfill new york times articles by publish date range", rel(nytimes)},
	{"news headlines and abstracts dataset for nlp", rel(nytimes)},
	{"article counts per section facet by month", rel(nytimes)},
	{"scrape internet archive search results with a cursor for a large dataset", rel(archive)},
	{"which metadata fields can i pull from the internet archive", rel(archive)},
	{"healthcare.gov glossary terms as a dataset", rel(healthcare)},
	{"health insurance marketplace content by state for a data project", rel(healthcare)},

	// Text enrichment.
	{"translate customer review text column to english", rel(translate)},
	{"detect the language of each support ticket in the table", rel(translate)},
	{"supported language codes for our translation step", rel(translate)},

	// Images, comics and social.
	{"daily snapshot of trending gifs for a meme trends dashboard", rel(giphy)},
	{"gif search result counts by keyword", rel(giphy)},
	{"nasa astronomy picture of the day backfill with explanations", rel(apod)},
	{"keyword tags for the daily space image", rel(apod)},
	{"all xkcd comic titles and publish dates into a table", rel(xkcd)},
	{"latest webcomic metadata pulled daily", rel(xkcd)},
	{"remove backgrounds from our product photo dataset in bulk", rel(removebg)},
	{"check remaining image processing credits before the batch job", rel(removebg)},
	{"follower and following lists of a fediverse account for network analysis", rel(mastodon)},
	{"pull posts of a mastodon account for sentiment analysis", rel(mastodon)},

	// Music and games datasets.
	{"audio features like tempo and energy for a tracks table", rel(spotify)},
	{"new album releases into the warehouse weekly", rel(spotify)},
	{"export playlist tracks to csv for analysis", rel(spotify)},
	{"artist top tracks by country", rel(spotify)},
	{"a user's recently played tracks for a listening dashboard", rel(spotify)},
	{"video game metadata with metacritic scores and release dates", rel(rawg)},
	{"average playtime and ratings per game for a gaming dataset", rel(rawg)},
	{"games by genre and platform counts", rel(rawg)},
	{"twitch streams and youtube videos per game", rel(rawg)},

	// Schools and retail catalog.
	{"school rankings by state for a real estate model", rel(schools)},
	{"join school district data to our property listings by zip", rel(schools)},
	{"list of charter schools in california with test scores", rel(schools)},
	{"upload product catalog feed to walmart and track ingestion status", rel(walmart)},
	{"status of items in a bulk item feed that failed processing", rel(walmart)},
}
