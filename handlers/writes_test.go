package handlers_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// httpBookkeeping are the store writes the HTTP layer makes itself: its
// own sessions and login throttling, and a user's read marks. No domain
// rule, permission or audit record governs them.
var httpBookkeeping = map[string]string{
	"CreateSession":         "login starts a session",
	"DeleteSession":         "logout and login end one",
	"SessionUser":           "authentication records a session's last use",
	"TokenUser":             "authentication records a token's last use",
	"RecordLoginFailure":    "login throttling",
	"ClearLoginFailures":    "login throttling",
	"MarkNotificationsRead": "a user's own read marks",
	"Once":                  "a create form's one-time id, recorded with what the service it runs creates",
}

// TestHandlersWriteThroughServices fails when a handler writes to the
// database itself: handlers change data only through the domain services
// (lifecycle, people…), which check permissions, validate, audit and write
// in one transaction. A store method is a write when it (or what it calls)
// inserts, updates or deletes; store.DB() and RunInTx are refused outright,
// in handlers and in the services alike.
func TestHandlersWriteThroughServices(t *testing.T) {
	writers := storeWriters(t)
	for _, name := range []string{"CreateUser", "UpdateUser", "SetTeamMember", "CreateToken", "TransitionVersion", "MarkNotificationsRead"} {
		if !writers[name] {
			t.Fatalf("the analysis does not see store.%s as a write: it is broken", name)
		}
	}
	for _, name := range []string{"UserByUsername", "Requests", "TeamMembers"} {
		if writers[name] {
			t.Fatalf("the analysis sees store.%s as a write: it is broken", name)
		}
	}
	for _, f := range goFiles(t, ".") {
		for _, call := range storeCalls(t, f, "store") {
			switch {
			case call.name == "DB" || call.name == "RunInTx":
				t.Errorf("%s: handlers may not reach store.%s: add a method to a domain service", call.pos, call.name)
			case writers[call.name] && httpBookkeeping[call.name] == "":
				t.Errorf("%s: handler writes through store.%s: call a domain service instead", call.pos, call.name)
			}
		}
		if imports(t, f, "github.com/uptrace/bun") {
			t.Errorf("%s imports bun: transactions belong in the domain services", f)
		}
	}
	for _, dir := range []string{"../lifecycle", "../people", "../subscriptions"} {
		for _, f := range goFiles(t, dir) {
			for _, call := range storeCalls(t, f, "store") {
				if call.name == "DB" {
					t.Errorf("%s: store.DB(): use a store method (reads) or RunInTx (writes)", call.pos)
				}
			}
		}
	}
}

// goFiles lists the non-test Go files of a directory.
func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(all, func(f string) bool {
		return strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, "_templ.go")
	})
}

func parse(t *testing.T, fset *token.FileSet, file string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

type storeCall struct {
	name string
	pos  token.Position
}

// storeCalls finds the calls x.<field>.Method(…) in a file, such as
// h.store.CreateUser(…) or s.store.DB().
func storeCalls(t *testing.T, file, field string) []storeCall {
	t.Helper()
	fset := token.NewFileSet()
	var out []storeCall
	ast.Inspect(parse(t, fset, file), func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if recv, ok := sel.X.(*ast.SelectorExpr); ok && recv.Sel.Name == field {
			out = append(out, storeCall{name: sel.Sel.Name, pos: fset.Position(call.Pos())})
		}
		return true
	})
	return out
}

func imports(t *testing.T, file, path string) bool {
	t.Helper()
	for _, imp := range parse(t, token.NewFileSet(), file).Imports {
		if strings.Trim(imp.Path.Value, `"`) == path {
			return true
		}
	}
	return false
}

// storeWriters returns the names of the store's functions and methods that
// write: those that build an INSERT, UPDATE or DELETE, or call one that does.
func storeWriters(t *testing.T) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	calls := map[string][]string{} // function → names it calls
	writers := map[string]bool{"RunInTx": true, "Migrate": true}
	for _, file := range goFiles(t, "../store") {
		if filepath.Base(file) == "driverconn.go" {
			// The driver's wrapper implements database/sql's interfaces:
			// its methods' names (ExecContext, QueryContext, Exec …) are
			// those every query calls, not the store's writers.
			continue
		}
		for _, decl := range parse(t, fset, file).Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			name := fn.Name.Name
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var callee string
				switch f := call.Fun.(type) {
				case *ast.SelectorExpr:
					callee = f.Sel.Name
				case *ast.Ident:
					callee = f.Name
				}
				switch callee {
				case "NewInsert", "NewUpdate", "NewDelete", "NewMerge", "NewTruncateTable", "NewCreateTable", "NewDropTable", "ExecContext":
					writers[name] = true
				default:
					calls[name] = append(calls[name], callee)
				}
				return true
			})
		}
	}
	for changed := true; changed; {
		changed = false
		for name, callees := range calls {
			if writers[name] {
				continue
			}
			for _, c := range callees {
				if writers[c] {
					writers[name], changed = true, true
					break
				}
			}
		}
	}
	return writers
}
