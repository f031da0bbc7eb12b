// Package validate checks a built snapshot model against the rules of the
// dashboard and its own consistency. Each finding carries a severity (error
// or warning), a stable code, the district it concerns and a message.
package validate
