package jsonpiece

// SetPieceItems sets the piece size for a test and returns the undo.
func SetPieceItems(n int) (restore func()) {
	old := pieceItems
	pieceItems = n
	return func() { pieceItems = old }
}
