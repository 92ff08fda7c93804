package components

// CurlExample is a request to copy that calls url, where an API version is
// served through the gateway nodes, with the key read from the shell's
// API_KEY variable: the example never holds a key, so it can be shown
// wherever the URL is, and the key stays out of the shell's history.
func CurlExample(url string) string {
	return `curl -H "X-API-Key: $API_KEY" '` + url + `'`
}
