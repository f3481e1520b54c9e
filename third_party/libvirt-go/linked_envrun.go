//go:build !libvirt_dlopen

package libvirt

// dlopened: the library is linked (envrun's patch).
const dlopened = false
