package handlers

import "context"

// SetHandlerContext makes the handlers built with o run each route's
// handler under wrap(ctx), ctx being the context they would run under
// (Options.handlerContext).
func SetHandlerContext(o *Options, wrap func(context.Context) context.Context) {
	o.handlerContext = wrap
}
