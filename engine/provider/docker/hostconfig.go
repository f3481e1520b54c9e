package docker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/docker/docker/api/types/container"
)

// modelled are the HostConfig fields envrun sets from its own keys:
// docker.host_config may not set them (the key named is the way).
var modelled = map[string]string{
	"NetworkMode": "networks", "PortBindings": "ports", "Mounts": "synced_folders", "Binds": "synced_folders",
	"Privileged": "docker.privileged", "CapAdd": "docker.cap_add", "Tmpfs": "docker.tmpfs", "Init": "envrun's init",
	"Memory": "memory", "NanoCPUs": "cpus", "Links": "networks", "PublishAllPorts": "ports", "ExtraHosts": "envrun's /etc/hosts",
	"Dns": "envrun's resolv.conf", "AutoRemove": "envrun's lifecycle",
}

// checkHostConfig reports why hc (docker.host_config) cannot be laid over
// the HostConfig envrun makes, or "": its names are HostConfig's fields
// as the Docker API spells them, with values of their types, and none that
// envrun models.
func checkHostConfig(hc map[string]any) string {
	if len(hc) == 0 {
		return ""
	}
	for _, k := range slices.Sorted(maps.Keys(hc)) {
		if key, ok := modelled[k]; ok {
			return fmt.Sprintf("%s is set by envrun from %s", k, key)
		}
	}
	data, err := json.Marshal(hc)
	if err != nil {
		return err.Error()
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var probe container.HostConfig
	if err := dec.Decode(&probe); err != nil {
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
			return fmt.Sprintf("%s is not a field of the Docker API's HostConfig (names are spelt as the API does: ShmSize, Sysctls, Ulimits, Devices, SecurityOpt, ...)", f)
		}
		return fmt.Sprintf("a value does not fit HostConfig: %s", msg)
	}
	return ""
}

// applyHostConfig lays hc over the HostConfig envrun made: the fields it
// names replace envrun's (checkHostConfig kept it off envrun's own).
func applyHostConfig(into *container.HostConfig, hc map[string]any) error {
	if len(hc) == 0 {
		return nil
	}
	data, err := json.Marshal(hc)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, into)
}
