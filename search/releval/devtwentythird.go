package main

// DevTwentyThird is a blind dev batch (written 4 December 2026 from the samples' descriptions only, by someone who had not read the
// ranking or synonym code, the held-out queries nor the other batches, and had not run the search): each of the 36
// samples was read for its info description, tags, paths, operation summaries and webhooks, and the queries are
// written in the voice of students and hackathon teams describing a project idea or an assignment ("for my school
// project I need ...", "hackathon idea: ...", "weekend side project"), informal and sometimes unsure of the right
// terms. Each query lists every sample whose operations do what was asked, so a query two APIs both answer names both.
var DevTwentyThird = []Case{
	// Taking money: cards, subscriptions, refunds, marketplaces.
	{"school project online shop, need to take card payments from customers", rel(stripe)},
	{"hackathon app where friends chip in for a trip, need to refund people if it gets cancelled", rel(stripe)},
	{"startup class project: monthly subscription box with recurring billing and discount coupons", rel(stripe)},
	{"event ticket site for a uni club, charge the card and remember it for next time", rel(stripe)},
	{"hackathon donation page that accepts bitcoin", rel(stripe)},
	{"side project: show how much the card fees will be before paying, based on the first digits of the card", rel(adyenBin)},
	{"uni payments assignment, check which 3d secure version a card supports from its bin", rel(adyenBin)},
	{"marketplace hackathon project, want my server to get pinged when a seller gets paid out", rel(adyenNotify)},
	{"class project on marketplace platforms: what message do we receive when a seller's kyc check comes back or their account closes", rel(adyenNotify)},

	// Currencies, VAT and invoices.
	{"weekend project converting prices between euros and dollars with live rates", rel(exchange, vat, stripe)},
	{"travel budget app for school, need rates from one base currency to all the others", rel(exchange, stripe)},
	{"eu vat rate for each country for my e-commerce assignment", rel(vat)},
	{"hackathon invoice tool that checks if a company's vat number is real", rel(vat)},
	{"how do i add vat to a price and take it off again, school bookkeeping app", rel(vat)},
	{"charge the right vat based on where the buyer's ip address is from", rel(vat)},
	{"make invoices for clients in my freelance side project", rel(stripe, vat)},

	// Texts and email.
	{"text message reminders for users of our hackathon app", rel(nexmo)},
	{"send an sms code to people's phones when they sign up, school project", rel(nexmo)},
	{"notify customers by email or text when their order ships, e-commerce class project", rel(postmark, nexmo)},
	{"send a welcome email when someone registers on my side project", rel(postmark)},
	{"see if people actually opened the newsletter emails our student club sent", rel(postmark)},
	{"email templates with the person's name filled in, for a hackathon app", rel(postmark)},
	{"why are my app's emails not arriving, i think they bounce", rel(postmark)},
	{"which email apps and browsers people use to read our mails, for a marketing class report", rel(postmark)},

	// Team chat.
	{"hackathon bot that posts messages into our team chat channel", rel(slack)},
	{"project idea: bot that sends a good morning message to the class group chat every day at 8", rel(slack)},
	{"chat app assignment, need to add emoji reactions to messages", rel(slack)},
	{"search old messages in our group's workspace chat for a school project", rel(slack)},
	{"bot that uploads a file and shares it in a channel", rel(slack)},
	{"show if teammates are on do not disturb in our workspace, hackathon dashboard", rel(slack)},
	{"let people set reminders for themselves inside our team chat", rel(slack)},

	// Social networks.
	{"social media class: get the followers of an account on a decentralized twitter-like site", rel(mastodon)},
	{"side project that shows someone's latest posts from a fediverse server", rel(mastodon)},
	{"hackathon script that changes my display name and bio on my mastodon account", rel(mastodon)},

	// Music, podcasts, gifs.
	{"music app for school that makes a playlist out of the songs you like", rel(spotify)},
	{"hackathon idea: recommend songs based on how danceable or energetic they are", rel(spotify)},
	{"side project showing the song i'm listening to right now on my website", rel(spotify)},
	{"podcast browser for a class assignment, list a show's episodes", rel(spotify)},
	{"build my own remote to pause and skip songs, weekend project", rel(spotify)},
	{"funny gifs in our chat app for a hackathon", rel(giphy)},
	{"search stickers for my messaging app school project", rel(giphy)},
	{"random gif button, weekend side project", rel(giphy)},
	{"type a word and get a matching gif back, discord bot for our class", rel(giphy)},
	{"show what gifs are trending on the homepage of our meme site", rel(giphy)},

	// Video games.
	{"video game database for my school project, list games by genre", rel(rawg)},
	{"hackathon app that shows screenshots and trailers of a game", rel(rawg)},
	{"where can i buy a game, links to the stores, price comparison side project", rel(rawg)},
	{"list of achievements for a game, for a gaming discord bot", rel(rawg)},
	{"mini game where you guess the release year of famous video games", rel(rawg)},
	{"who made a game, developers and publishers info for a game studies essay", rel(rawg)},

	// Space and comics.
	{"astronomy picture of the day for my science class website", rel(apod)},
	{"space photos with an explanation for a kids learning app hackathon", rel(apod)},
	{"daily nerdy webcomic on my dashboard, the stick figure one about math", rel(xkcd)},
	{"get a comic by its number for a discord bot side project", rel(xkcd)},

	// News, archives and old stuff.
	{"find news articles about climate change for my essay", rel(nytimes)},
	{"history project: newspaper headlines from the 1800s", rel(nytimes)},
	{"journalism class, need headlines and short summaries of articles on a topic", rel(nytimes)},
	{"search the internet archive for old public domain books for my library app", rel(archive)},
	{"hackathon: dig through old digitized recordings and videos by keyword, wayback machine kind of stuff", rel(archive)},

	// Weather, time and places.
	{"weather app for my school project with a 7 day forecast", rel(weather)},
	{"what was the weather on a date in the past, data science assignment", rel(weather)},
	{"hourly rain forecast for a festival planning app hackathon", rel(weather)},
	{"world clock side project, current time in different cities", rel(worldtime)},
	{"figure out a visitor's time zone from their ip", rel(worldtime)},
	{"list of all time zones for a meeting scheduler across countries", rel(worldtime)},
	{"turn an address into latitude and longitude for my map project", rel(opencage)},
	{"get the place name from gps coordinates in my hiking app", rel(opencage)},
	{"thesis project: plot a list of street addresses on a map, need coordinates for each", rel(opencage)},
	{"travel app for school, find the closest airport to where the user is", rel(airports)},
	{"all airports in a country for a flight booking mockup", rel(airports)},

	// Schools and health coverage.
	{"compare schools in my state by ranking for a data project", rel(schools)},
	{"find schools near a home address, hackathon app for parents moving house", rel(schools)},
	{"school district info for a civics class assignment", rel(schools)},
	{"list charter and magnet schools in a city", rel(schools)},
	{"health insurance terms explained, glossary for a school project about obamacare", rel(healthcare)},
	{"health coverage info in spanish for a community app", rel(healthcare)},
	{"common questions about getting health insurance in each us state", rel(healthcare)},

	// Languages.
	{"translate text between languages in our language learning app hackathon", rel(translate)},
	{"detect what language a sentence is in, school nlp project", rel(translate)},
	{"which languages are supported for translation, for a dropdown in my app", rel(translate)},
	{"auto translate chat messages in an app for international students", rel(translate)},

	// Testing HTTP code.
	{"test my http client homework, need a url that sends back whatever i post", rel(httpbin)},
	{"fake endpoint that returns a 500 error so i can test retrying", rel(httpbin)},
	{"practise basic auth login for a web security class", rel(httpbin)},
	{"see which headers my browser sends, networking class lab", rel(httpbin)},
	{"play around with redirects and cookies for a web dev assignment", rel(httpbin)},
	{"generate a uuid for testing, weekend project", rel(httpbin)},

	// Builds, errors, uptime.
	{"start a build of our github repo automatically, team project", rel(circleci)},
	{"check whether the tests passed on our last build, hackathon status badge", rel(circleci)},
	{"set secret environment variables for our build pipeline, group project", rel(circleci)},
	{"log errors from my web app somewhere so i can see the crashes, school project", rel(elmah)},
	{"heartbeat check so we know if the little server our team runs goes down", rel(elmah)},
	{"keep a record every time we deploy a new version, devops class", rel(elmah)},

	// Security and permissions.
	{"check if a file is a known legit file by its md5 hash, security club project", rel(hashlookup)},
	{"look up the sha1 of a bunch of files at once for my forensics assignment", rel(hashlookup)},
	{"is this downloaded exe in the nist software reference list", rel(hashlookup)},
	{"rules for who can do what in my app, like a policy engine, for a cloud class", rel(opa)},
	{"evaluate an access policy written in rego for my kubernetes project", rel(opa)},
	{"hackathon api gateway that asks a policy server whether to allow or deny each request", rel(opa)},

	// Storing small bits of data.
	{"store some json online for my frontend project without writing a backend", rel(jsonStore)},
	{"hackathon: hosted json for app settings, update just one field of it", rel(jsonStore)},
	{"send sensor readings from my arduino and read them on a web page", rel(dweet)},
	{"iot school project: get alerted when the temperature my raspberry pi posts goes too high", rel(dweet)},
	{"listen for live updates from a device in real time, weekend iot project", rel(dweet)},

	// Images.
	{"remove the background from product photos for my shop project", rel(removebg)},
	{"make profile pictures with a transparent background, hackathon", rel(removebg)},

	// Tasks, people and work.
	{"to do list app for group projects with tasks and subtasks", rel(asana)},
	{"assign tasks to teammates with due dates for our capstone", rel(asana)},
	{"kanban style board with columns for our hackathon project tracker", rel(asana)},
	{"student club tool that tracks goals and how far along they are", rel(asana)},
	{"get notified when a task changes in our project board", rel(asana)},
	{"hr project for class: list employees and their vacation days", rel(personio)},
	{"clock in and out hours for a part time job app, school project", rel(personio)},
	{"track sick days and parental leave for a small company, business informatics course", rel(personio)},
	{"user accounts and password resets for my app, don't want to build auth myself", rel(okta)},
	{"suspend or deactivate users from the admin panel of my side project", rel(okta)},
	{"add our own info cards to the sidebar of a crm contact page, startup competition", rel(hubspot)},
	{"show data from our app inside hubspot records for a sales class project", rel(hubspot)},
	{"upload my product catalog to walmart marketplace for a retail class", rel(walmart)},
	{"bulk upload items to sell on a big retailer's marketplace and check if the upload went through", rel(walmart)},
}
