// Package ranking ranks all districts of the all-districts summary with the
// Borda count over club growth, payment growth and distinguished clubs.
package ranking
