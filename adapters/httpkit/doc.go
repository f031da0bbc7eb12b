// Package httpkit is the HTTP machinery of the toaststats API server that
// is not the API itself, usable by any net/http server:
//
//   - [Response]: an encoded answer with its ETag, an optional gzip variant
//     compressed on the first request that accepts gzip, 304 Not Modified on
//     a matching If-None-Match, HEAD, Vary: Accept-Encoding and
//     Content-Length, with header values prepared once so the hot path only
//     assigns them; [Response.SetHeader] adds headers sent with every write.
//   - [TokenFile]: a bearer token kept in a 0600 file, made on first use.
//   - [ResponseCache]: built Responses by key within a byte budget (gzip
//     variants counted when made), on patrickmn/go-cache, with hit and miss
//     counters for the server's metrics.
//   - [Chain]: the middleware stack, outermost first: request ids
//     (X-Request-ID) and the client IP ([Proxies], believing X-Forwarded-For
//     and Forwarded only from trusted proxies), the access log (log/slog)
//     with panic recovery and a [RequestObserver] told of every request
//     (package httpkit/httpmetrics counts them for Prometheus, so that
//     httpkit itself links no Prometheus), [CORS], the per-client rate
//     [Limiter] (golang.org/x/time/rate; 429 with Retry-After) and a bound
//     on the query string.
//   - [Router]: httprouter with a shared-prefix dispatcher, so static words
//     and a parameter may share one path position (static wins).
//   - [Error]: a failure with an HTTP status, a stable code and a message;
//     what it looks like on the wire is the caller's choice (Chain.Fail;
//     [Error.WriteJSON] writes the JSON envelope
//     {"error":{"code","message","details"}}). [Note] records the one a request answers for the access log.
//   - [DecodeJSON]: a bounded JSON request body into a value, strictly
//     (unknown fields, trailing data, wrong Content-Type are errors).
//
// The package knows nothing of toaststats' data: the API server
// (package adapters/api) supplies its error envelope, route table and
// authorization on top of it.
package httpkit
