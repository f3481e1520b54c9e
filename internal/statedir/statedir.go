// Package statedir names an environment's private folder, the one place
// that name is defined: the state package keeps the folder, the loader
// refuses to upload from it, and comm and the providers leave it out of
// every upload and shared folder.
package statedir

// Name is the folder beside the Envfile that holds the environment's key,
// state, known_hosts and lock. Nothing in a folder of this name is ever
// uploaded or shared into a machine, wherever it is in a tree.
const Name = ".envrun"
