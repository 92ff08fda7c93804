package spec

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// problemList turns an error from openapi3.T.Validate into one Problem per
// independent failure, with the location taken from kin-openapi's context
// wrappers rather than from the rendered message. pathParams tells, for each,
// whether it is a mismatch between a path template and its parameters.
func problemList(err error) (out []Problem, pathParams []bool) {
	var leaves []error
	var flatten func(error)
	flatten = func(e error) {
		if me, ok := e.(openapi3.MultiError); ok {
			for _, sub := range me {
				flatten(sub)
			}
			return
		}
		leaves = append(leaves, e)
	}
	flatten(err)
	for _, leaf := range leaves {
		var pe *openapi3.PathParametersError
		p := problem(leaf)
		if !slices.Contains(out, p) {
			out = append(out, p)
			pathParams = append(pathParams, errors.As(leaf, &pe))
		}
	}
	return out, pathParams
}

// componentField gives the field under components for a component kind as
// kin-openapi names it in ComponentValidationError.
func componentField(kind string) string {
	switch kind {
	case "request body":
		return "requestBodies"
	case "security scheme":
		return "securitySchemes"
	case "schema", "parameter", "header", "response", "example", "link", "callback":
		return kind + "s"
	default:
		return kind
	}
}

// problem walks down the context wrappers of one validation failure,
// collecting the location, and keeps the first error that is not a wrapper
// as the message.
func problem(err error) Problem {
	var loc []string
	for {
		switch e := err.(type) {
		case *openapi3.SectionValidationError:
			section := e.Section
			if section == "external docs" {
				section = "externalDocs"
			}
			loc = append(loc, section)
			err = e.Cause
			continue
		case *openapi3.PathValidationError:
			loc = append(loc, e.Path)
			err = e.Cause
			continue
		case *openapi3.OperationValidationError:
			loc = append(loc, strings.ToLower(e.Method))
			err = e.Cause
			continue
		case *openapi3.ComponentValidationError:
			// The components section wrapper is already in loc.
			loc = append(loc, componentField(e.Section), e.Name)
			err = e.Cause
			continue
		case *openapi3.WebhookValidationError:
			loc = append(loc, e.Name)
			err = e.Cause
			continue
		case *openapi3.PathParametersError:
			return pathParametersProblem(loc, e)
		case *openapi3.TagValidationError:
			loc = append(loc, e.Name)
			err = e.Cause
			continue
		case *openapi3.ParameterFieldValidationError:
			loc = append(loc, "parameters", e.ParameterName)
			if e.Field != "" {
				loc = append(loc, e.Field)
			}
			err = e.Cause
			continue
		case *openapi3.MediaTypeExampleValidationError:
			loc = append(loc, "examples", e.ExampleName)
			err = e.Cause
			continue
		case *openapi3.ParameterExampleValidationError:
			loc = append(loc, "examples", e.ExampleName)
			err = e.Cause
			continue
		case *openapi3.MediaTypeEncodingValidationError:
			loc = append(loc, "encoding", e.EncodingName)
			err = e.Cause
			continue
		case *openapi3.HeaderFieldValidationError:
			loc = append(loc, e.Field)
			err = e.Cause
			continue
		case *openapi3.SecuritySchemeFlowValidationError:
			loc = append(loc, "flows")
			err = e.Cause
			continue
		case *openapi3.OAuthFlowValidationError:
			loc = append(loc, e.FlowKind)
			err = e.Cause
			continue
		case *openapi3.OAuthFlowFieldValidationError:
			loc = append(loc, e.Field)
			err = e.Cause
			continue
		}
		break
	}
	msg := "invalid value"
	if err != nil {
		msg = err.Error()
	}
	return Problem{Location: strings.Join(loc, "."), Pointer: pointerOf(loc), Message: msg}
}

// pathParametersProblem says which path parameters do not match the path
// template, and on which side they are missing.
func pathParametersProblem(loc []string, e *openapi3.PathParametersError) Problem {
	loc = append(loc, e.Path, strings.ToLower(e.Method))
	var undeclared, extra []string
	for _, name := range e.Missing {
		if strings.Contains(e.Path, "{"+name+"}") {
			undeclared = append(undeclared, "{"+name+"}")
		} else {
			extra = append(extra, strconv.Quote(name))
		}
	}
	var parts []string
	if len(undeclared) > 0 {
		parts = append(parts, "path template has "+strings.Join(undeclared, ", ")+" but no path parameter declares it")
	}
	if len(extra) > 0 {
		parts = append(parts, "path parameter "+strings.Join(extra, ", ")+" is declared but not in the path template")
	}
	return Problem{Location: strings.Join(loc, "."), Pointer: pointerOf(loc), Message: strings.Join(parts, "; ")}
}
