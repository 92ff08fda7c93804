package handlers

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/store"
	gwview "github.com/portico-dev/portico/views/pages/gateway"
)

// Gateway: the org admins' page of nodes and their states, node
// registration and revocation (page and JSON API), the sync route the nodes
// long-poll (through the push hub, authenticated by node token), and the
// gateway settings of an API's major versions with their deployments and
// rollbacks. Every change goes through control.Service.

// GatewaySync serves the nodes' long-poll (gateway.SyncPath) with the hub's
// net/http handler, which authenticates the node token itself.
func (h *Handler) GatewaySync(c *fiber.Ctx) error { return h.gwSync(c) }

// GatewayUsage ingests a node's usage batch (gateway.UsagePath). The node
// authenticates with its token, as on the sync route; a batch is counted
// once per node and batch id, so a node may send it again after a lost answer.
func (h *Handler) GatewayUsage(c *fiber.Ctx) error {
	token, ok := auth.Bearer(c.Get(fiber.HeaderAuthorization))
	if !ok {
		return clientError(fiber.StatusUnauthorized, "The Authorization header must be \"Bearer <node token>\".")
	}
	node, err := h.gwNodes.AuthenticateNode(c.UserContext(), token)
	if errors.Is(err, push.ErrUnknownNode) {
		return clientError(fiber.StatusUnauthorized, "The node token is unknown or revoked.")
	}
	if err != nil {
		return err
	}
	batch, err := gateway.DecodeUsageBatch(bytes.NewReader(c.Body()))
	if err != nil {
		return apperr.Field("batch", err.Error())
	}
	res, err := h.usage.Ingest(c.UserContext(), node.Name, batch)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// ShowGateway renders the Gateway page.
func (h *Handler) ShowGateway(c *fiber.Ctx) error {
	return h.renderGateway(c, func(*gwview.View) {})
}

func (h *Handler) renderGateway(c *fiber.Ctx, edit func(*gwview.View)) error {
	o, err := h.gw.Overview(c.UserContext(), currentUser(c))
	if err != nil {
		return err
	}
	v := gwview.View{Overview: o, Portal: c.BaseURL()}
	edit(&v)
	return h.render(c, gwview.Show(h.page(c, "Gateway", "gateway"), v))
}

// RegisterNode registers a node from the page and shows its token once.
func (h *Handler) RegisterNode(c *fiber.Ctx) error {
	in := control.NodeInput{Name: c.FormValue("name")}
	var n *store.GatewayNode
	var token string
	err := h.once(c, "a gateway node", "node's token", func(ctx context.Context) (string, error) {
		var err error
		if n, token, err = h.gw.RegisterNode(ctx, currentUser(c), in); err != nil {
			return "", err
		}
		return "/gateway#nodes", nil
	})
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderGateway(c, func(v *gwview.View) { v.Form = gwview.NodeForm{Name: in.Name, Errors: fields} })
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.renderGateway(c, func(v *gwview.View) { v.NewNode, v.NewToken = n.Name, token })
}

// RevokeNode revokes a node from the page.
func (h *Handler) RevokeNode(c *fiber.Ctx) error {
	if err := h.gw.RevokeNode(c.UserContext(), currentUser(c), c.Params("name")); err != nil {
		return err
	}
	h.flash(c, "success", "Node "+store.Isolate(c.Params("name"))+" revoked: its token no longer works and it was disconnected.")
	return seeOther(c, "/gateway")
}

// APIListNodes lists the nodes with their states.
func (h *Handler) APIListNodes(c *fiber.Ctx) error {
	o, err := h.gw.Overview(c.UserContext(), currentUser(c))
	if err != nil {
		return err
	}
	return c.JSON(o.Nodes)
}

// APIGetNode returns a node with its state, as APIListNodes lists it: the
// Location of a registered node.
func (h *Handler) APIGetNode(c *fiber.Ctx) error {
	n, err := h.gw.Node(c.UserContext(), currentUser(c), c.Params("name"))
	if err != nil {
		return err
	}
	return c.JSON(n)
}

// APIRegisterNode registers a node: 201 with its token, shown this once.
func (h *Handler) APIRegisterNode(c *fiber.Ctx) error {
	var body struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	var n *store.GatewayNode
	var token string
	err := h.once(c, "a gateway node", "node's token", func(ctx context.Context) (string, error) {
		var err error
		if n, token, err = h.gw.RegisterNode(ctx, currentUser(c), control.NodeInput{Name: body.Name}); err != nil {
			return "", err
		}
		return "/api/v1/gateway/nodes/" + n.Name, nil
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderLocation, "/api/v1/gateway/nodes/"+n.Name)
	return c.Status(fiber.StatusCreated).JSON(struct {
		Name        string    `json:"name"`
		Token       string    `json:"token"`
		TokenPrefix string    `json:"token_prefix"`
		CreatedAt   time.Time `json:"created_at"`
	}{n.Name, token, n.TokenPrefix, n.CreatedAt})
}

// APIRevokeNode revokes a node: 204.
func (h *Handler) APIRevokeNode(c *fiber.Ctx) error {
	if err := h.gw.RevokeNode(c.UserContext(), currentUser(c), c.Params("name")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ---- Gateway settings of an API ----

// ShowGatewaySettings renders an API's gateway settings per major version.
func (h *Handler) ShowGatewaySettings(c *fiber.Ctx) error {
	return h.renderGatewaySettings(c, gwview.SettingsView{FormMajor: -1, RollbackMajor: -1})
}

// renderGatewaySettings renders the page with v's refused form, if any.
func (h *Handler) renderGatewaySettings(c *fiber.Ctx, v gwview.SettingsView) error {
	a := currentAPI(c)
	rs, err := h.gw.Settings(c.UserContext(), currentUser(c), a)
	if err != nil {
		return err
	}
	v.API, v.Name, v.Routes = a.Slug, a.Name, rs
	return h.render(c, gwview.Settings(h.page(c, "Gateway settings · "+store.Isolate(a.Name), "catalog"), v))
}

func parseMajor(c *fiber.Ctx) (int, error) {
	m, err := strconv.Atoi(strings.TrimPrefix(c.Params("major"), "v"))
	if err != nil || m < 0 || m > gateway.MaxMajor {
		return 0, errNotFound
	}
	return m, nil
}

// DeployGatewaySettings saves new settings of a major version from the page.
func (h *Handler) DeployGatewaySettings(c *fiber.Ctx) error {
	major, err := parseMajor(c)
	if err != nil {
		return err
	}
	a := currentAPI(c)
	lines := func(r rune) bool { return r == '\n' || r == '\r' }
	in := control.SettingsInput{Targets: strings.FieldsFunc(c.FormValue("targets"), lines),
		ConnectTimeoutMS: c.FormValue("connect_timeout_ms"), ResponseTimeoutMS: c.FormValue("response_timeout_ms"),
		CORSOrigins: strings.FieldsFunc(c.FormValue("cors_origins"), lines), Note: c.FormValue("note")}
	d, created, err := h.gw.Deploy(c.UserContext(), currentUser(c), a, major, in)
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderGatewaySettings(c, gwview.SettingsView{FormMajor: major, RollbackMajor: -1, Form: gwview.SettingsForm{Targets: c.FormValue("targets"),
			ConnectTimeoutMS: in.ConnectTimeoutMS, ResponseTimeoutMS: in.ResponseTimeoutMS, CORSOrigins: c.FormValue("cors_origins"), Note: c.FormValue("note"), Errors: fields}})
	}
	if err != nil {
		return err
	}
	if !created {
		h.flash(c, "success", "Nothing changed: v"+strconv.Itoa(major)+" already has these settings (deployment "+strconv.FormatInt(d.ID, 10)+").")
		return seeOther(c, "/apis/"+a.Slug+"/gateway")
	}
	h.flash(c, "success", "Deployment "+strconv.FormatInt(d.ID, 10)+" of v"+strconv.Itoa(major)+" saved: the gateway nodes get it within seconds.")
	return seeOther(c, "/apis/"+a.Slug+"/gateway")
}

// RollbackGatewaySettings restores an earlier deployment from the page.
func (h *Handler) RollbackGatewaySettings(c *fiber.Ctx) error {
	major, err := parseMajor(c)
	if err != nil {
		return err
	}
	// Not a number: 0, which the service refuses with the field's message.
	id, _ := strconv.ParseInt(c.FormValue("deployment"), 10, 64)
	a := currentAPI(c)
	d, err := h.gw.Rollback(c.UserContext(), currentUser(c), a, major, id)
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderGatewaySettings(c, gwview.SettingsView{FormMajor: -1, RollbackMajor: major, RollbackErrors: fields})
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Rolled back to deployment "+strconv.FormatInt(id, 10)+" as deployment "+strconv.FormatInt(d.ID, 10)+".")
	return seeOther(c, "/apis/"+a.Slug+"/gateway")
}

type apiDeployment struct {
	ID                int64     `json:"id"`
	Targets           []string  `json:"targets"`
	ConnectTimeoutMS  int       `json:"connect_timeout_ms"`
	ResponseTimeoutMS int       `json:"response_timeout_ms"`
	CORSOrigins       []string  `json:"cors_origins"`
	RollbackOf        *int64    `json:"rollback_of,omitempty"`
	Note              string    `json:"note,omitempty"`
	Author            string    `json:"author,omitempty"`
	CreatedAt         time.Time `json:"created_at"`
}

func toAPIDeployment(d *store.GatewayDeployment) apiDeployment {
	return apiDeployment{ID: d.ID, Targets: nonNil(d.Targets), ConnectTimeoutMS: d.ConnectTimeoutMS, ResponseTimeoutMS: d.ResponseTimeoutMS,
		CORSOrigins: nonNil(d.CORSOrigins), RollbackOf: d.RollbackOf, Note: d.Note, Author: d.Author, CreatedAt: d.CreatedAt}
}

type apiRouteSettings struct {
	Major             int             `json:"major"`
	Targets           []string        `json:"targets"`
	Source            string          `json:"source"` // "deployment" or "catalog"
	ConnectTimeoutMS  int             `json:"connect_timeout_ms"`
	ResponseTimeoutMS int             `json:"response_timeout_ms"`
	CORSOrigins       []string        `json:"cors_origins"`
	Deployments       []apiDeployment `json:"deployments"`
	// NodesServing of NodesTotal registered gateway nodes serve these
	// settings (control.Reach); present when the major has a published or
	// deprecated version and a target.
	NodesServing *int `json:"nodes_serving,omitempty"`
	NodesTotal   *int `json:"nodes_total,omitempty"`
}

// APIGetGatewaySettings returns an API's gateway settings per major version
// with the newest deployments.
func (h *Handler) APIGetGatewaySettings(c *fiber.Ctx) error {
	rs, err := h.gw.Settings(c.UserContext(), currentUser(c), currentAPI(c))
	if err != nil {
		return err
	}
	out := make([]apiRouteSettings, 0, len(rs))
	for i := range rs {
		r := &rs[i]
		o := apiRouteSettings{Major: r.Major, Targets: nonNil(r.Targets()), Source: "catalog", CORSOrigins: []string{}, Deployments: []apiDeployment{}}
		if r.Current != nil {
			o.Source, o.ConnectTimeoutMS, o.ResponseTimeoutMS = "deployment", r.Current.ConnectTimeoutMS, r.Current.ResponseTimeoutMS
			o.CORSOrigins = nonNil(r.Current.CORSOrigins)
		}
		if r.Reach != nil {
			o.NodesServing, o.NodesTotal = &r.Reach.Serving, &r.Reach.Total
		}
		for j := range r.Deployments {
			o.Deployments = append(o.Deployments, toAPIDeployment(&r.Deployments[j]))
		}
		out = append(out, o)
	}
	return c.JSON(out)
}

// APIDeployGatewaySettings sets a major version's gateway settings: 201 with
// the new deployment, or 200 with the deployment in force when the settings
// are those already in force (nothing is deployed).
func (h *Handler) APIDeployGatewaySettings(c *fiber.Ctx) error {
	major, err := parseMajor(c)
	if err != nil {
		return err
	}
	var body struct {
		Targets           []string `json:"targets"`
		ConnectTimeoutMS  *int     `json:"connect_timeout_ms"`
		ResponseTimeoutMS *int     `json:"response_timeout_ms"`
		CORSOrigins       []string `json:"cors_origins"`
		Note              string   `json:"note"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	in := control.SettingsInput{Targets: body.Targets, CORSOrigins: body.CORSOrigins, Note: body.Note}
	if body.ConnectTimeoutMS != nil {
		in.ConnectTimeoutMS = strconv.Itoa(*body.ConnectTimeoutMS)
	}
	if body.ResponseTimeoutMS != nil {
		in.ResponseTimeoutMS = strconv.Itoa(*body.ResponseTimeoutMS)
	}
	d, created, err := h.gw.Deploy(c.UserContext(), currentUser(c), currentAPI(c), major, in)
	if err != nil {
		return err
	}
	if !created {
		return c.JSON(toAPIDeployment(d))
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIDeployment(d))
}

// APIRollbackGatewaySettings restores an earlier deployment: 201 with the
// new deployment.
func (h *Handler) APIRollbackGatewaySettings(c *fiber.Ctx) error {
	major, err := parseMajor(c)
	if err != nil {
		return err
	}
	var body struct {
		Deployment int64 `json:"deployment"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	d, err := h.gw.Rollback(c.UserContext(), currentUser(c), currentAPI(c), major, body.Deployment)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIDeployment(d))
}

// gatewaySyncHandler adapts the hub's handler to fiber.
func gatewaySyncHandler(gw *GatewayParts) fiber.Handler {
	if gw == nil || gw.Hub == nil {
		return func(*fiber.Ctx) error { return errors.New("gateway push hub not configured") }
	}
	h := gw.Hub.Handler(gw.Nodes)
	return func(c *fiber.Ctx) error { return serveHTTP(c, h) }
}
