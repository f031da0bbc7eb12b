package blobstore

// ListAll exposes listAll to the package's tests.
var ListAll = (*Objects).listAll

// ResponseTimeoutOf exposes the response timeout in effect.
var ResponseTimeoutOf = (*Objects).responseTimeout
