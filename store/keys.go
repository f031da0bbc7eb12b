package store

// ValidKey checks an object key as every Objects backend of this package
// does (see Objects): "/"-separated segments of letters, digits, '.', '_'
// and '-', never "." or "..". The error wraps ErrInvalidKey.
func ValidKey(key string) error {
	_, err := checkKey(key, false)
	return err
}
