package spec

import (
	"reflect"
	"testing"
)

func TestServerTargets(t *testing.T) {
	doc, err := Parse([]byte(`openapi: 3.0.3
info: {title: S, version: "1"}
servers:
  - url: https://API.example.com/v1
  - url: "https://{region}.example.com:8443/{base}"
    variables:
      region: {default: eu}
      base: {default: v2}
  - url: /relative
  - url: ftp://files.example.com
  - url: "https://evil.example.com; script-src *"
  - url: https://user:pw@example.org
paths:
  /a:
    servers:
      - url: http://127.0.0.1:9000
    get:
      servers:
        - url: https://api.example.com/other
      responses: {'200': {description: ok}}
`))
	if err != nil {
		t.Fatal(err)
	}
	var origins []string
	for _, s := range doc.ServerTargets() {
		origins = append(origins, s.URL+" => "+s.Origin)
	}
	want := []string{
		"https://API.example.com/v1 => https://api.example.com",
		"https://{region}.example.com:8443/{base} => https://eu.example.com:8443",
		"/relative => ",
		"ftp://files.example.com => ",
		"https://evil.example.com; script-src * => ",
		"https://user:pw@example.org => ",
		"http://127.0.0.1:9000 => http://127.0.0.1:9000",
		"https://api.example.com/other => https://api.example.com",
	}
	if !reflect.DeepEqual(origins, want) {
		t.Errorf("server targets:\n got %q\nwant %q", origins, want)
	}
}
