//go:build libvirt_dlopen

package libvirt

// dlopened: the library is loaded on first use (envrun's patch).
const dlopened = true
