package httpkit

import "net/http"

// CORS answers cross-origin requests from the configured browser origins.
type CORS struct {
	// Origins are the allowed origins; "*" allows any. Empty: no CORS
	// headers at all (a preflight is still answered 204, without them).
	Origins []string
	// ExposeHeaders is sent as Access-Control-Expose-Headers to allowed
	// origins.
	ExposeHeaders string
	// AllowHeaders and MaxAge (a number of seconds, as text) answer an
	// allowed preflight as Access-Control-Allow-Headers and
	// Access-Control-Max-Age.
	AllowHeaders, MaxAge string
	// Methods lists the methods a path answers, for
	// Access-Control-Allow-Methods (see Router.MethodsFor).
	Methods func(path string) string
}

// Handle adds the CORS headers to w for r and answers a preflight (OPTIONS
// with Access-Control-Request-Method) with 204 No Content. It reports
// whether r was answered. While any origin is configured every answer
// carries Vary: Origin, allowed or not, so a shared cache never hands one
// origin's answer to another.
func (c *CORS) Handle(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	allowed := false
	if origin != "" {
		for _, o := range c.Origins {
			if o == origin || o == "*" {
				allowed = true
				break
			}
		}
	}
	if len(c.Origins) > 0 {
		AddVary(w.Header(), "Origin")
	}
	if allowed {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", c.ExposeHeaders)
	}
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		if allowed {
			h := w.Header()
			if c.Methods != nil {
				h.Set("Access-Control-Allow-Methods", c.Methods(r.URL.Path))
			}
			h.Set("Access-Control-Allow-Headers", c.AllowHeaders)
			h.Set("Access-Control-Max-Age", c.MaxAge)
		}
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}
