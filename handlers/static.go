package handlers

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"github.com/portico-dev/portico/static"
)

// mountStatic serves the embedded, prebuilt assets under /static.
func mountStatic(app *fiber.App) {
	app.Use("/static", filesystem.New(filesystem.Config{
		Root:   http.FS(static.FS),
		MaxAge: int((24 * time.Hour).Seconds()),
	}))
}
