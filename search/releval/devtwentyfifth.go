package main

// DevTwentyFifth is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): each of the 36
// sample specs was read for its info description, tags, paths, operation summaries and descriptions, parameters and
// webhooks, and the judgements come from what those operations do, not from the titles. The queries are written in the
// voice of a need pasted from a ticket or a requirements document: one to three sentences with context, constraints and
// noise around the need ("We are rebuilding the checkout and need something that ... It should also ..."), never spec
// text or operation names. Each query lists every sample whose operations do what was asked, so a query two APIs both
// answer names both.
var DevTwentyFifth = []Case{
	// Payments: charging, subscriptions, disputes, payouts.
	{"We are rebuilding the checkout and need something that can authorize a customer's card at order time and capture the money only when the parcel ships. It should also let support refund part of a charge when one item comes back.", rel(stripe)},
	{"Finance wants to stop invoicing our SaaS customers by hand. We need recurring monthly and yearly plans, coupons for the early adopters, and the invoice generated and collected automatically every cycle.", rel(stripe)},
	{"Chargebacks are piling up (ticket FIN-88). The support lead needs a way to list the disputed card payments, upload evidence for the ones we want to fight and close the ones we accept.", rel(stripe)},
	{"Sellers on our marketplace are paid to their own bank accounts. We must be able to send funds to a seller's connected account, pay out to a bank account, and list last week's transfers for reconciliation.", rel(stripe)},
	{"Our small shop wants to sell physical goods online: products with variants and stock keeping units, orders that the customer pays, and partial returns when something is sent back.", rel(stripe)},
	{"The reconciliation job missed some payment events while our webhook handler was down last night. We need to list the recent events from the payment provider (charge succeeded, payout paid) and re-send the ones we lost.", rel(stripe)},
	{"Accounting asked for one-off invoices created from our back office for consulting work, which we can fetch later and still edit before they are final. Any API that keeps invoices for us is fine.", rel(stripe, vat)},
	{"PSD2 ticket: before charging cards from EU shoppers we need to know whether 3D Secure applies to the card and handle the 3DS step. Which of our payment APIs has anything for 3D Secure?", rel(adyenBin, stripe)},

	// Card BIN and platform notifications.
	{"The fraud team wants to know, from just the first six digits of the card the shopper typed, whether the issuer supports 3D Secure 2, before we send them to the authentication page.", rel(adyenBin)},
	{"Before routing a payment we would like to estimate the interchange and scheme fees for a given card number prefix and amount, so we can pick the cheaper acquirer. This is for the payments cost dashboard (PAY-2231).", rel(adyenBin)},
	{"We run a marketplace on Adyen for Platforms and our backend has to be told when a sub-merchant's KYC verification result arrives or when their payout has been scheduled. Please point me to the event payloads we will receive.", rel(adyenNotify)},
	{"Marketplace ops ticket: when funds move between seller accounts, or an overdrawn account is topped up from the platform's liable account, a notification must be pushed to our endpoint so our ledger stays in sync.", rel(adyenNotify)},
	{"Compliance needs an alert when a sub-merchant's account holder status changes or a verification deadline is coming up, pushed to us by the platform rather than polled. We are on Adyen's marketplace product.", rel(adyenNotify)},

	// Currency and VAT.
	{"Our pricing page only shows euros. We need the current rates from EUR to USD, GBP and JPY refreshed every hour; nothing fancy, and free would be a plus.", rel(exchange, stripe, vat)},
	{"The travel app caches, once a day, the rates of every currency we support against a US dollar base so the offline mode can still show approximate prices. We need the whole table in one call.", rel(exchange, stripe)},
	{"Expense reports come in with amounts in foreign currencies; when an employee submits one, finance needs each amount converted to pounds at today's rate.", rel(exchange, stripe, vat)},
	{"We sell e-books to consumers all over the EU and our accountant says we must charge the VAT rate of the buyer's country. We need the current standard and reduced rates of every member state, kept up to date.", rel(vat)},
	{"B2B signup form: when a company enters its VAT registration number we have to check it is real before applying the reverse charge, otherwise the order is blocked. Requirement from the tax advisor.", rel(vat)},
	{"Invoices for EU customers must show net, tax and gross amounts. We need to work out the price including VAT for a given country from a net price, and sometimes the reverse, from a price that already includes it.", rel(vat)},
	{"Landing page requirement: from the visitor's IP address alone, work out which country's VAT rates apply so the prices we show already include the right tax.", rel(vat)},

	// Email and SMS.
	{"Transactional emails (password reset, receipts) currently go out from our own mail server and land in spam. We want a hosted sending service with templates, and afterwards we need to see bounces and spam complaints.", rel(postmark)},
	{"Marketing asked for open and click tracking on the order confirmation emails, broken down by email client and by platform (desktop, mobile), for the monthly report.", rel(postmark)},
	{"Customers reply to our notification emails and support wants those incoming replies processed by our app, searchable, and with rules that block certain senders. We also need to retry the ones that failed processing.", rel(postmark)},
	{"After a hard bounce the customer's address gets deactivated and they stop receiving statements. Support needs to see why it bounced and turn the address back on once the customer fixed their mailbox.", rel(postmark)},
	{"Every month we send account statements to about 5,000 customers. It should be one batch call using a single template with per-customer variables, not 5,000 separate requests.", rel(postmark)},
	{"Weekly report for management: how many emails our transactional mail server sent, how many bounced and how many were marked as spam, per day, without building our own counters.", rel(postmark)},
	{"Two-factor login: we need to text a one-time code to the user's mobile number (international numbers in E.164 format). It should also let us receive what users reply to our virtual number.", rel(nexmo)},
	{"Our delivery drivers don't have smartphones, so the ticket asks for a plain text message to the driver's phone when a new pickup is assigned to them, with a delivery receipt if possible.", rel(nexmo)},
	{"Customers reply STOP to our promotional texts. We must receive those inbound messages on our long number and process the opt-out in our backend the same day (legal requirement).", rel(nexmo)},
	{"On-call paging: when an alert fires, the engineer on duty should get either a text message on their phone or a direct message in our team chat, whichever they configured.", rel(nexmo, slack)},

	// Team chat and social.
	{"Deploy bot: after every release we want to post a message in the #releases channel of our chat workspace, and optionally schedule a follow-up message for the next morning.", rel(slack)},
	{"HR onboarding flow: when a new hire starts we want to invite them to the company chat workspace and drop them into the right channels and user groups automatically.", rel(slack)},
	{"Compliance asked for a way to search the chat message history for a keyword across channels and export the whole thread of replies around each hit.", rel(slack)},
	{"Before paging someone the bot should check whether they are in do-not-disturb mode or set as away in the chat tool, and also set reminders for them.", rel(slack)},
	{"Workspace admin chores for our Enterprise Grid org: archive stale public channels, convert some to private, rename a few and manage the custom emoji list from a script.", rel(slack)},
	{"Our document tool must upload a file (a PDF contract, up to 10 MB) through the API and share it with colleagues, either in a chat channel or attached to the work item it belongs to.", rel(asana, slack)},
	{"Our community lives on a Mastodon instance. For a small social graph visualisation we need an account's followers and the accounts it follows.", rel(mastodon)},
	{"The comms team wants the latest posts of our fediverse account shown on the website, and to update the account's display name and bio from our admin panel.", rel(mastodon)},

	// Identity and access.
	{"Security audit finding: when an employee leaves, their account in our identity provider must be deactivated and all of their active sessions cleared the same day. We need to automate that from the HR offboarding flow.", rel(okta)},
	{"The helpdesk gets too many 'I forgot my password' tickets. We want self-service: a one-time code to reset the password, changing the recovery question, and unlocking accounts that got locked out.", rel(okta)},
	{"New IAM setup for contractors: create the user directly in a group, activate them only when the contract starts, and suspend them during long leave without deleting anything.", rel(okta)},
	{"Quarterly access review: list every user in our workforce identity directory, the groups each one belongs to and the applications assigned to them, and export it for the auditors.", rel(okta)},
	{"Access control for our microservices: we want authorization decisions moved out of the code into declarative policies, with each service asking a central engine whether a request is allowed, passing the request as input.", rel(opa)},
	{"Platform team ticket: during CI we need to upload and replace our Rego policy modules through an API, and check that the policy engine is healthy before the deploy proceeds.", rel(opa)},
	{"The data layer should not evaluate authorization rules row by row; we need the rules partially evaluated into simplified conditions we can translate into SQL filters.", rel(opa)},
	{"We need to PUT a JSON document at a path over HTTP, read it back later, patch a few fields and delete it eventually. A simple document store is enough, no queries on it.", rel(jsonStore, opa)},

	// Work management and CRM.
	{"We are replacing spreadsheets for tracking work: we need tasks with assignees and due dates grouped into projects and sections, plus comments added from our internal tool.", rel(asana)},
	{"The PMO wants quarterly goals with measurable metrics, linked to the projects that support them, and a status update posted on every project each Friday.", rel(asana)},
	{"Sync integration: our ticketing system must hear about changes in the team's task tracker as they happen, and mirror blocking relationships between tasks as dependencies.", rel(asana)},
	{"Legal requires a full export of the organization's work management data (projects, tasks, teams) before we migrate, and the export may take a while to be ready.", rel(asana)},
	{"Leadership dashboard: count the open tasks per project and show what is on each person's personal to-do list, across all teams of the workspace.", rel(asana)},
	{"Our intranet search box should also find work items: full-text search over the tasks in the team's tracker, filtered by assignee, due date and completion, so people stop asking where things are.", rel(asana)},
	{"Sales reps live in HubSpot all day. We want our own order history shown as a custom card in the sidebar of a contact record, with the data fetched from our backend when the record opens.", rel(hubspot)},
	{"Our marketplace app has to define, update and delete the extension cards it shows on CRM record pages, and we need an example of the response payload a card expects.", rel(hubspot)},

	// HR.
	{"Payroll needs attendance data (hours worked per employee per day) for the last month pulled from the HR system, and sometimes has to correct entries that were clocked wrongly.", rel(personio)},
	{"The team calendar should show who is on vacation or parental leave. We need each employee's absence periods and the list of leave types configured in our HR tool.", rel(personio)},
	{"When a candidate signs, recruiting wants the employee record created automatically in the personnel system with the hire date, and their profile picture shown in the intranet directory.", rel(personio)},

	// CI, error tracking and HTTP testing.
	{"CI pipeline: from our chatops bot we want to trigger a build for a given branch, retry failed builds and afterwards fetch the test results and build artifacts.", rel(circleci)},
	{"Secrets rotation: the environment variables and SSH keys on every project in our continuous integration service have to be updated by a script, not by clicking through the web UI.", rel(circleci)},
	{"Builds got flaky after a dependency upgrade. We need to clear the dependency cache of the project and look at the status of the last 30 builds to see when it started.", rel(circleci)},
	{"Our .NET apps need centralized error logging: send exceptions to a hosted log, search them with a query and mark them as fixed once a release ships.", rel(elmah)},
	{"Release tracking: every deploy should be recorded so errors can be tied to the version that introduced them. We also want heartbeats from the nightly batch job so we notice when it stops running.", rel(elmah)},
	{"The errors from our frontend come from minified JavaScript. We need to upload source maps so the stack traces in our error log are readable.", rel(elmah)},
	{"Integration tests need a public endpoint that echoes back whatever headers, query parameters and body we send, and returns the status code we ask for, so we can test our HTTP client's retry logic.", rel(httpbin)},
	{"We are testing how our SDK copes with redirects, gzip and brotli compressed responses and slow servers with delayed answers, and need a public service that simulates all of these.", rel(httpbin)},
	{"QA wants to check our client's basic auth, digest auth and bearer token handling against a test server before we point it at the real API.", rel(httpbin)},
	{"The load-testing harness needs an endpoint that streams a given number of random bytes, hands out UUIDs and sets cookies, so we don't hammer our own backend.", rel(httpbin)},
	{"Our diagnostics page should show the caller's public IP address as the internet sees it, fetched from an external service rather than from our own proxy headers.", rel(httpbin, worldtime)},

	// Storage and IoT.
	{"For a hackathon prototype we need somewhere to stash a small JSON document and update it over HTTP without standing up a database, including partial updates with JSON merge patch.", rel(jsonStore)},
	{"The mobile app's remote settings should be a JSON blob in a hosted bin that we can create, read, replace and delete by id; we don't want to run a backend for this.", rel(jsonStore)},
	{"Temperature sensors on the factory floor must publish their readings over plain HTTP and a dashboard should read the latest value per device; an alert when a reading crosses a threshold would be great.", rel(dweet)},
	{"IoT prototype: devices push small JSON messages, we want the last few messages per device plus the history from long-term storage, and the device name locked so nobody else can post under it.", rel(dweet)},

	// Places, time and weather.
	{"Address entry in our delivery app: turn the free-text address the customer types into latitude and longitude, and in the driver app turn GPS coordinates back into a readable street address.", rel(opencage)},
	{"Data cleanup ticket: we have 40k store addresses across Europe and need coordinates for each, limited to a given country, with a confidence score so bad matches can be flagged.", rel(opencage)},
	{"Travel booking requirement: given the user's current GPS position, suggest the airports within 200 km, and let them pick from all the airports of a country.", rel(airports)},
	{"The flight search widget needs airport details from a three-letter IATA code and a few airports close to that one as alternatives when the first choice is sold out.", rel(airports)},
	{"Event planning tool: show the 15-day weather forecast for the venue's city, and the historical weather for the same dates last year so organizers can compare.", rel(weather)},
	{"Insurance claims need to verify whether there was heavy rain at a given address on a past date, so we need hourly historical weather observations for that place.", rel(weather)},
	{"Agritech pilot: a daily aggregated forecast for several field locations at once, in metric units, ideally as CSV we can load into the farm spreadsheet.", rel(weather)},
	{"Scheduling across our offices: the app must show the current local time for each office from its timezone name (Europe/Berlin, America/New_York) with daylight saving handled correctly.", rel(worldtime)},
	{"When a visitor lands on the page we want to guess their timezone from their IP address and show the local time, with a dropdown of all timezones as a fallback.", rel(worldtime)},

	// Language.
	{"Support tickets arrive in many languages. We want the language of each ticket detected automatically and the text translated to English for the agents, ideally with something we can self-host.", rel(translate)},
	{"Localization requirement: user-generated comments need machine translation between the languages the engine supports, and the settings page needs the list of those languages for the picker.", rel(translate)},

	// Images, comics and content.
	{"Chat feature request: users should search animated GIFs and stickers by keyword and insert them into a message, plus a tab with what is trending right now.", rel(giphy)},
	{"Fun feature for our bot: reply with a random reaction GIF matching a tag, or turn a short phrase into the GIF that fits it best.", rel(giphy)},
	{"E-commerce product photos: sellers upload pictures of items on messy backgrounds and we need the background cut out automatically to get a clean transparent PNG.", rel(removebg)},
	{"Our ID badge tool needs portrait photos with the background removed, and before a batch job we have to check how many credits remain on the account.", rel(removebg)},
	{"The science classroom site wants NASA's astronomy picture of the day with its explanation, and students should be able to browse pictures from past dates.", rel(apod)},
	{"Screensaver app: fetch a daily space image in high resolution with its title and description, and optionally keywords we can reuse as hashtags.", rel(apod)},
	{"The engineering newsletter wants to include the latest strip of that nerdy stick-figure webcomic, and now and then a specific older comic by its number.", rel(xkcd)},
	{"Friday bot for the dev channel: pick a comic by its number and post the image with its title and the hidden alt text joke.", rel(xkcd)},
	{"Research project: we need to search historical newspaper articles going back to the 1850s by keyword and date range, getting headlines, abstracts and lead paragraphs.", rel(nytimes)},
	{"Media monitoring dashboard: find New York Times coverage that mentions our company in the last month, filtered by section and sorted newest first.", rel(nytimes)},
	{"Digital library project: search the Internet Archive's collections (books, audio, video) by metadata and page through very large result sets with a cursor for bulk harvesting.", rel(archive)},
	{"We need to harvest metadata for thousands of public domain items from a big digital library; the API has to let us scroll through all results and choose which fields come back.", rel(archive)},
	{"Health insurance explainer site: we want to pull the official glossary of coverage terms and the FAQ content, in English and Spanish, plus the pages specific to each state.", rel(healthcare)},
	{"Our benefits portal should embed the marketplace's articles and blog posts about enrolling in health insurance plans, as JSON rather than HTML.", rel(healthcare)},

	// Music, games and schools.
	{"Party app: guests search for songs and add them to a shared playlist, and the host's device plays the queue, with skip and volume control from any phone.", rel(spotify)},
	{"Recommendation feature: from a listener's top artists and tracks, find related artists and new releases, and get audio features like tempo and energy for the DJ mixing mode.", rel(spotify)},
	{"Podcast section of our app: list a show's episodes and let users save episodes to their library so they can resume them later.", rel(spotify)},
	{"Gaming community site: show a game's details, screenshots, trailers and the stores where it can be bought, plus browsing by genre and by platform.", rel(rawg)},
	{"We want to list upcoming video game releases for a platform (PS5, Switch) with their Metacritic ratings, and show the DLCs and other editions of each game.", rel(rawg)},
	{"Side project about game studios: pull the developers and publishers of a game and the individual people on its development team with their roles.", rel(rawg)},
	{"Real estate listings: for each house we want the nearby public schools, their ranking within the state, and the school district whose boundary the address falls in.", rel(schools)},
	{"Parents' portal: search US schools by city or zip code, filter to charter or magnet schools at elementary level, and show how the district ranks.", rel(schools)},

	// Security and retail catalog.
	{"Incident response: we extracted a few thousand file hashes from a compromised server and want to check them in bulk against a database of known files (NSRL) to filter out the operating system files.", rel(hashlookup)},
	{"Malware triage ticket: given the MD5 or SHA-1 of an uploaded attachment, tell us whether it is a known, catalogued file before the sandbox spends time on it.", rel(hashlookup)},
	{"Seller integration: we need to bulk upload our product catalog to Walmart as an item feed and then poll the feed status to see which items failed.", rel(walmart)},
	{"Catalog sync runs nightly; after submitting item updates as a file to the retailer, we must check the processing status of every item in that feed.", rel(walmart)},
	{"The catalog team wants to publish our products with names, prices and SKUs to an external system through an API so they can be sold there, instead of re-typing them.", rel(stripe, walmart)},
}
