package blobstore

// ListAll exposes listAll to the package's tests.
var ListAll = (*Objects).listAll
