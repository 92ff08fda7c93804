package search

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Synthetic but realistic vocabulary of API catalogs.
var (
	benchNouns = strings.Fields(`account address alert analytics answer app appointment article asset attachment audit
		balance bank batch billing booking branch brand budget bundle calendar campaign card cart catalog category certificate
		channel charge checkout city claim client comment company config contact contract conversation coupon course credit
		currency customer dashboard dataset deal delivery device discount dispute document domain driver email employee
		endpoint event expense export feature feed file flight folder form forecast fulfillment gateway geofence group guest
		holiday hotel identity image incident inventory invoice issue item job journal key label language lead ledger license
		location log loyalty mandate map media meeting member merchant message metric model notification offer order
		organization package page partner passenger password payment payout permission person photo pipeline plan player
		playlist policy portfolio post price product profile project promotion quote rate receipt recipe record refund
		region release report request reservation resource review reward role route rule sale schedule score search seat
		secret segment sensor session settlement shipment shop signature sku sms song station statement stock store
		subscription supplier survey tag task tax team template tenant ticket token track transaction transfer translation
		trip user vehicle vendor video visit voucher wallet warehouse weather webhook widget workflow workspace`)
	benchVerbs = strings.Fields(`create list get update delete search send cancel approve reject archive restore export
		import validate verify upload download assign sync refresh publish schedule calculate estimate track translate`)
	benchAdjectives = strings.Fields(`global smart open secure instant unified rapid cloud mobile central digital express
		simple private public partner internal realtime bulk legacy modern`)
	benchSuffixes = []string{"API", "Service", "Platform", "Hub", "Gateway", "Connect", "Engine", "Manager"}
	benchStates   = []string{"published", "published", "published", "published", "deprecated", "draft", "in_review", "retired"}
)

// benchCorpus makes n APIs with about opsPerAPI operations each (a few very large ones), deterministically. Like real
// APIs, each one has a domain: a dozen nouns of its own that its paths, summaries and descriptions use, mixed with
// common words and with a long tail of rarer words (Zipf-distributed), so that a word matches some APIs, not all.
func benchCorpus(n, opsPerAPI int) []Document {
	r := rand.New(rand.NewPCG(42, 7))
	pick := func(words []string) string { return words[r.IntN(len(words))] }
	// A long tail of rarer words, made of syllables.
	syllables := strings.Fields("ka lo mi ter vex dor pla qui sen tro ba nel fi gor un zep wal cor rin tas")
	tail := make([]string, 6000)
	for i := range tail {
		w := ""
		for k := 0; k < 2+i%3; k++ {
			w += syllables[r.IntN(len(syllables))]
		}
		tail[i] = w
	}
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(tail)-1))
	docs := make([]Document, n)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	totalOps := n * opsPerAPI
	for i := range docs {
		domain := make([]string, 12)
		for k := range domain {
			domain[k] = pick(benchNouns)
		}
		sentence := func(k int) string {
			ws := make([]string, k)
			for j := range ws {
				switch j % 4 {
				case 0:
					ws[j] = pick(benchVerbs)
				case 1, 2:
					ws[j] = pick(domain)
				default:
					ws[j] = tail[zipf.Uint64()]
				}
			}
			return strings.Join(ws, " ")
		}
		noun := domain[0]
		name := fmt.Sprintf("%s %s %s", titleCase(pick(benchAdjectives)), titleCase(noun), pick(benchSuffixes))
		nOps := 1 + r.IntN(2*opsPerAPI-1)
		if i%500 == 0 {
			nOps = 200
		}
		nOps = min(nOps, totalOps)
		totalOps -= nOps
		if i == n-1 {
			nOps += totalOps
		}
		ops := make([]Operation, nOps)
		for j := range ops {
			res := pick(domain)
			verb := pick(benchVerbs)
			ops[j] = Operation{
				Method:      pick([]string{"get", "get", "post", "put", "patch", "delete"}),
				Path:        fmt.Sprintf("/v%d/%ss/{%s_id}/%s", 1+r.IntN(3), noun, res, pick(domain)),
				OperationID: verb + titleCase(res),
				Summary:     fmt.Sprintf("%s a %s", titleCase(verb), res),
				Description: sentence(12 + r.IntN(20)),
			}
		}
		team := fmt.Sprintf("team-%02d", r.IntN(60))
		vis := VisibilityPublic
		if r.IntN(5) == 0 {
			vis = VisibilityTeam
		}
		docs[i] = Document{
			ID: fmt.Sprintf("api-%05d", i), Slug: strings.ToLower(strings.ReplaceAll(name, " ", "-")) + fmt.Sprint(i),
			Name: name, Summary: titleCase(sentence(8)), Description: sentence(40 + r.IntN(60)),
			Tags: []string{pick(domain), pick(domain), pick(benchAdjectives)},
			Team: team, TeamName: "Team " + team, State: pick(benchStates), Visibility: vis,
			Versions: []string{"1.0.0", "1.1.0", "2.0.0"}, DefaultVersion: "2.0.0",
			Operations: ops, UpdatedAt: start.Add(time.Duration(r.IntN(365*24)) * time.Hour),
		}
	}
	return docs
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// BenchmarkBleveSearch builds 10,000 APIs with 100,000 operations once, in a temporary directory removed afterwards,
// then measures typical catalog queries by a viewer in two teams, and the relevance evaluation's purpose queries in turn.
// It reports ns/op, the median, 95th and 99th percentiles (p50-ms, p95-ms, p99-ms) and the mean CPU time of a search
// (cpu-ms), which a busy machine inflates far less than the wall-clock times.
func BenchmarkBleveSearch(b *testing.B) { benchBleveSearch(b, false) }

// BenchmarkBleveSearchWithMeaning is BenchmarkBleveSearch with the index ranking by meaning too (WithMeaning), as the
// portal's does by default: each query is encoded (no cache of recent queries) and blended. Encoding the APIs' texts
// makes the build minutes longer.
func BenchmarkBleveSearchWithMeaning(b *testing.B) { benchBleveSearch(b, true) }

func benchBleveSearch(b *testing.B, meaning bool) {
	ctx := context.Background()
	docs := benchCorpus(10000, 10)
	var opts []BleveOption
	var m *Meaning
	if meaning {
		var err error
		if m, err = OpenMeaning("", nil); err != nil {
			b.Fatalf("OpenMeaning: %v", err)
		}
		m.workers = runtime.GOMAXPROCS(0) // the build on every core
		opts = append(opts, WithMeaning(m))
	}
	idx, err := OpenBleve(filepath.Join(b.TempDir(), "index"), opts...)
	if err != nil {
		b.Fatalf("OpenBleve: %v", err)
	}
	defer idx.Close()
	idx.WithoutResultCache() // what a search costs, not a cache hit
	if err := idx.SetSynonyms(ctx, DefaultSynonyms()); err != nil {
		b.Fatalf("SetSynonyms: %v", err)
	}
	began := time.Now()
	if err := idx.Upsert(ctx, docs...); err != nil {
		b.Fatalf("Upsert: %v", err)
	}
	if err := idx.WaitMeaning(ctx); err != nil {
		b.Fatalf("WaitMeaning: %v", err)
	}
	indexed := time.Since(began)
	if err := idx.Compact(ctx); err != nil {
		b.Fatalf("Compact: %v", err)
	}
	ops := 0
	for _, d := range docs {
		ops += len(d.Operations)
	}
	b.Logf("indexed %d APIs, %d operations in %s, compacted in %s", len(docs), ops,
		indexed.Round(time.Millisecond), (time.Since(began) - indexed).Round(time.Millisecond))
	if m != nil {
		b.Logf("encoded %d distinct texts", len(m.byKey))
	}

	viewer := Viewer{Teams: []string{"team-07", "team-21"}}
	queries := []struct {
		name string
		q    Query
	}{
		{"list all by name", Query{}},
		{"one word", Query{Text: "invoice"}},
		{"two words", Query{Text: "send sms"}},
		{"prefix as you type", Query{Text: "warehou"}},
		{"typo", Query{Text: "custmer"}},
		{"path", Query{Text: "/v2/orders/{payment_id}"}},
		{"word and facet filters", Query{Text: "payment", Tags: []string{"global", "secure"}, States: []string{"published"}}},
		{"newest first, page 5", Query{Sort: SortUpdated, Page: 5}},
		{"purpose, five words", Query{Text: "send an invoice to a customer by email"}},
		{"purpose, with synonyms", Query{Text: "track the parcel of a shipment"}},
	}
	for _, bq := range queries {
		b.Run(bq.name, func(b *testing.B) {
			q := bq.q
			q.Viewer = viewer
			durations := make([]time.Duration, 0, 1024)
			var total int
			runtime.GC() // start each query type from the same heap, not from the indexing garbage
			cpu0 := cpuTime()
			for b.Loop() {
				t0 := time.Now()
				res, err := idx.Search(ctx, q)
				durations = append(durations, time.Since(t0))
				if err != nil {
					b.Fatalf("Search: %v", err)
				}
				total = res.Total
			}
			reportPercentiles(b, durations, cpu0)
			b.ReportMetric(float64(total), "hits")
		})
	}
	// The purpose queries of the relevance evaluation, in turn: what users type, most of them several words.
	purpose, err := relevalQueries()
	if err != nil {
		b.Fatalf("relevance queries: %v", err)
	}
	b.Run(fmt.Sprintf("releval purpose queries (%d)", len(purpose)), func(b *testing.B) {
		durations := make([]time.Duration, 0, 1024)
		runtime.GC()
		cpu0 := cpuTime()
		i := 0
		for b.Loop() {
			q := Query{Text: purpose[i%len(purpose)], Viewer: viewer}
			i++
			t0 := time.Now()
			_, err := idx.Search(ctx, q)
			durations = append(durations, time.Since(t0))
			if err != nil {
				b.Fatalf("Search: %v", err)
			}
		}
		reportPercentiles(b, durations, cpu0)
	})
}

// cpuTime is the CPU time the process has used (user and system): on a busy machine, the time a search costs rather
// than the time it waited for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportPercentiles reports the median, 95th and 99th percentiles of durations, and the mean CPU time of one search
// since cpu0 (cpu-ms, all goroutines of the process: the garbage collector's share included).
func reportPercentiles(b *testing.B, durations []time.Duration, cpu0 time.Duration) {
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(len(durations)), "cpu-ms")
	slices.Sort(durations)
	at := func(p int) float64 {
		return float64(durations[min(len(durations)-1, len(durations)*p/100)].Microseconds()) / 1000
	}
	b.ReportMetric(at(50), "p50-ms")
	b.ReportMetric(at(95), "p95-ms")
	b.ReportMetric(at(99), "p99-ms")
}

// relevalQueries reads the query texts of the relevance evaluation (search/releval, a command this package cannot
// import) from its source: the first string of each element of Cases.
func relevalQueries() ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("releval", "queries.go"), nil, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "Cases" || len(vs.Values) != 1 {
			return true
		}
		cases, ok := vs.Values[0].(*ast.CompositeLit)
		if !ok {
			return false
		}
		for _, el := range cases.Elts {
			c, ok := el.(*ast.CompositeLit)
			if !ok || len(c.Elts) == 0 {
				continue
			}
			if lit, ok := c.Elts[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if text, err := strconv.Unquote(lit.Value); err == nil {
					out = append(out, text)
				}
			}
		}
		return false
	})
	if len(out) < 80 {
		return nil, fmt.Errorf("found %d queries in releval/queries.go, want the evaluation's 80 or more", len(out))
	}
	return out, nil
}
