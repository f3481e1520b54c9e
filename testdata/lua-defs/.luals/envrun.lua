---@meta envrun
-- Written by envrun lua-defs from envrun's schema: the builtins of Envfile.lua for Lua's
-- language server. It rewrites this file; remove these lines to keep your edits.

---A step value: shell {...}, file {...}, or what envrun.defer returns.
---@class envrun.Step

---The settings of `machine "NAME" { ... }`.
---@class envrun.Machine
---@field hostname? string the machine's hostname; a dotted name also sets its domain. Default: the machine's name. Example: `hostname = "web.local"`
---@field box? string the box (base image) of this machine. Default: the Envfile's `box`. Example: `box = "debian/bookworm"`
---@field box_url? string where `envrun up` downloads the box from when it is missing (libvirt, VirtualBox): a box file or a catalog document (Vagrant Cloud's JSON); Docker does not use it. Example: `box_url = "https://boxes.example.com/debian-bookworm.json"`
---@field box_version? string the versions of box_url's catalog the box may be, as Vagrant writes them (">= 1.0, < 2.0", "~> 1.2", "= 1.2.3"). Default: the catalog's newest. Example: `box_version = "~> 12.0"`
---@field box_download_checksum? string the checksum of the box file box_url downloads, TYPE:HEX (md5, sha1, sha256, sha384, sha512). Default: the catalog's, else not checked. Example: `box_download_checksum = "sha256:8f4e…"`
---@field user? string the login user; envrun's key is authorized for it. Default: "vagrant". Example: `user = "admin"`
---@field cpus? integer virtual CPUs (Docker: a CPU limit). Default: the provider's. Range: ≥ 1. Example: `cpus = 2`
---@field memory? integer memory in MiB (Docker: a memory limit). Default: the provider's. Range: ≥ 64 MiB. Example: `memory = 1024`
---@field networks? table<string, string> the networks the machine is on, each with its static address; the first is the machine's IP. Example: `networks = { backend = "172.20.1.10" }`
---@field groups? string[] the Ansible groups the machine is in. Example: `groups = { "app", "web" }`
---@field vars? table<string, any> Ansible host variables of the machine. Example: `vars = { http_port = 8080 }`
---@field engine? string the Docker engine (engine "NAME") the machine runs on. Default: the engine marked default, else DOCKER_HOST, DOCKER_CONTEXT or the docker CLI's current context. Example: `engine = "big"`
---@field depends_on? string[] machines that must be up and provisioned before this one starts. Example: `depends_on = { "db" }`
---@field ports? (string|envrun.Port)[] host ports forwarded to the machine: "HOST:GUEST", "IP:HOST:GUEST", "HOST:GUEST/udp", or a port table. Example: `ports = { "8080:80", { host = 2222, guest = 22, auto_correct = true } }`
---@field autostart? boolean `envrun up` without names brings the machine up; false: only when named (or needed by a machine that depends on it). Default: true. Example: `autostart = false`
---@field primary? boolean the machine `envrun ssh` reaches when no machine is named (one machine at most). Default: false. Example: `primary = true`
---@field synced_folders? table<string, string|envrun.SyncedFolder> host folders (relative to the Envfile) shared with the machine: at a guest path, or { guest =, owner =, group =, type =, exclude = }. Example: `synced_folders = { ["./src"] = "/src" }`
---@field ssh? envrun.Ssh how envrun, OpenSSH and Ansible log in, beyond the user: agent forwarding, the port. Example: `ssh = { forward_agent = true, port = 2222 }`
---@field provision? (envrun.Step|fun(m: envrun.HookMachine))[] the machine's steps, run in order: shell {...}, file {...} and Lua functions. Example: `provision = { shell { inline = "make" } }`
---@field docker? envrun.Docker settings for the Docker provider only. Example: `docker = { privileged = true }`
---@field libvirt? envrun.Libvirt settings for the libvirt provider only. Example: `libvirt = { graphics = "spice" }`
---@field virtualbox? envrun.Virtualbox settings for the VirtualBox provider only. Example: `virtualbox = { gui = true }`

---The settings of `defaults { ... }`: what every machine gets unless it says otherwise.
---@class envrun.Defaults
---@field box? string the box (base image) of this machine. Default: the Envfile's `box`. Example: `box = "debian/bookworm"`
---@field box_url? string where `envrun up` downloads the box from when it is missing (libvirt, VirtualBox): a box file or a catalog document (Vagrant Cloud's JSON); Docker does not use it. Example: `box_url = "https://boxes.example.com/debian-bookworm.json"`
---@field box_version? string the versions of box_url's catalog the box may be, as Vagrant writes them (">= 1.0, < 2.0", "~> 1.2", "= 1.2.3"). Default: the catalog's newest. Example: `box_version = "~> 12.0"`
---@field box_download_checksum? string the checksum of the box file box_url downloads, TYPE:HEX (md5, sha1, sha256, sha384, sha512). Default: the catalog's, else not checked. Example: `box_download_checksum = "sha256:8f4e…"`
---@field user? string the login user; envrun's key is authorized for it. Default: "vagrant". Example: `user = "admin"`
---@field cpus? integer virtual CPUs (Docker: a CPU limit). Default: the provider's. Range: ≥ 1. Example: `cpus = 2`
---@field memory? integer memory in MiB (Docker: a memory limit). Default: the provider's. Range: ≥ 64 MiB. Example: `memory = 1024`
---@field groups? string[] the Ansible groups the machine is in. Example: `groups = { "app", "web" }`
---@field vars? table<string, any> Ansible host variables of the machine. Example: `vars = { http_port = 8080 }`
---@field synced_folders? table<string, string|envrun.SyncedFolder> host folders (relative to the Envfile) shared with the machine: at a guest path, or { guest =, owner =, group =, type =, exclude = }. Example: `synced_folders = { ["./src"] = "/src" }`
---@field ssh? envrun.Ssh how envrun, OpenSSH and Ansible log in, beyond the user: agent forwarding, the port. Example: `ssh = { forward_agent = true, port = 2222 }`
---@field provision? (envrun.Step|fun(m: envrun.HookMachine))[] the machine's steps, run in order: shell {...}, file {...} and Lua functions. Example: `provision = { shell { inline = "make" } }`
---@field docker? envrun.Docker settings for the Docker provider only. Example: `docker = { privileged = true }`
---@field libvirt? envrun.Libvirt settings for the libvirt provider only. Example: `libvirt = { graphics = "spice" }`
---@field virtualbox? envrun.Virtualbox settings for the VirtualBox provider only. Example: `virtualbox = { gui = true }`

---A machine's `ssh = { ... }`.
---@class envrun.Ssh
---@field forward_agent? boolean forward the host's SSH agent (SSH_AUTH_SOCK) to the machine: shell steps, `envrun ssh`, ssh-config and the inventory. Default: false. Example: `forward_agent = true`
---@field port? integer the port the machine's sshd listens on, used by envrun, `envrun ssh`, ssh-config and the inventory (Docker, libvirt; VirtualBox refuses it). Default: 22. Range: 1 to 65535. Example: `port = 2222`

---@alias envrun.SyncedFolder.type "virtiofs"|"9p"|"rsync"
---A synced folder written as a table.
---@class envrun.SyncedFolder
---@field guest string the path in the machine. Required. Example: `guest = "/srv/app"`
---@field owner? string the guest user that owns the folder (VirtualBox, and rsync folders everywhere; refused for Docker's bind mounts, which show the host's owners, and on libvirt). Default: the machine's user. Example: `owner = "www-data"`
---@field group? string the guest group of the folder (VirtualBox, and rsync folders everywhere; refused for Docker's bind mounts, which show the host's owners, and on libvirt). Default: the machine user's group (an rsync folder: the owner's login group). Example: `group = "www-data"`
---@field type? envrun.SyncedFolder.type how the folder is shared: virtiofs or 9p, libvirt's file systems shared with the guest (libvirt only); rsync, a one-way copy over SSH at up, provision and `envrun rsync`, kept in sync by `envrun watch` (every provider). Default: the provider's own way: a bind mount on Docker, a shared folder on VirtualBox, virtiofs (else 9p) on libvirt. Example: `type = "rsync"`
---@field exclude? string[] .gitignore patterns, relative to the host folder, of paths an rsync folder does not copy (.envrun never is; type = "rsync" only). Example: `exclude = { "node_modules/", "*.log" }`

---@alias envrun.Trigger.on_error "fail"|"continue"
---The settings of `trigger "NAME" { ... }`: give before or after.
---@class envrun.Trigger
---@field before? "up"|"provision"|"reload"|"halt"|"destroy"|("up"|"provision"|"reload"|"halt"|"destroy")[] the commands it runs before. Example: `before = { "up", "provision" }`
---@field after? "up"|"provision"|"reload"|"halt"|"destroy"|("up"|"provision"|"reload"|"halt"|"destroy")[] the commands it runs after, when they succeeded. Example: `after = "destroy"`
---@field run string|string[] a command line (run with sh -c) or a program and its arguments, run on the host in the Envfile's folder. Required. Example: `run = "./scripts/vpn-up.sh"`
---@field on_error? envrun.Trigger.on_error what a failure does: stop the command, or warn and go on. Default: "fail". Example: `on_error = "continue"`
---@field env? table<string, string> environment variables of the command, added to envrun's. Example: `env = { VPN = "dev" }`

---The settings of `network "NAME" { ... }`.
---@class envrun.Network
---@field subnet string the network's IPv4 subnet (at most /30). Required. Example: `subnet = "172.20.1.0/24"`
---@field gateway? string the host's address on the network. Default: the subnet's first address. Example: `gateway = "172.20.1.1"`
---@field isolated? boolean no route to the outside world. Default: false. Example: `isolated = true`
---@field span? boolean its machines may sit on several Docker engines: a Swarm overlay network. Default: false. Example: `span = true`

---@alias envrun.Engine.reach "direct"|"jump"|"engine"
---The settings of `engine "NAME" { ... }`: give docker or context.
---@class envrun.Engine
---@field docker? string the engine's address, as DOCKER_HOST names it (unix://, tcp://, ssh://). Example: `docker = "ssh://me@bighost"`
---@field context? string a docker context by name ("default": DOCKER_HOST or the default socket). Example: `context = "bighost"`
---@field reach? envrun.Engine.reach how its machines are reached: their IP, through the engine's SSH host, or through the Docker API. Default: engine for machines on a spanning network, jump for ssh:// engines, direct when the engine's bridge is on this host, else engine. Example: `reach = "engine"`
---@field default? boolean machines that name no engine run here (one engine at most). Default: false. Example: `default = true`

---@alias envrun.Shell.run "once"|"always"|"never"
---The settings of `shell { ... }`: give inline or path.
---@class envrun.Shell
---@field inline? string a command, run by the machine's shell. Example: `inline = "systemctl restart nginx"`
---@field path? string a local script, uploaded and run. Example: `path = "scripts/setup.sh"`
---@field args? string[] arguments of the script or command. Example: `args = { "--fast" }`
---@field privileged? boolean run as root (through sudo). Default: true. Example: `privileged = false`
---@field env? table<string, string> environment variables of the command. Example: `env = { APP_ENV = "dev" }`
---@field secret_env? table<string, string> like env, but the values are never printed. Example: `secret_env = { TOKEN = os.getenv("TOKEN") }`
---@field interpreter? string the command that runs the script, whatever its first line. Default: bash when the machine has it, else sh, for a script without #!. Example: `interpreter = "bash -eu"`
---@field name? string the step's name, unique among the steps of its list; the log and the summary show it. Default: KIND#N (its place in the list: "shell#2"). Example: `name = "packages"`
---@field timeout? string|number how long the step may run before it is stopped and fails. Default: "10m". Range: > 0. Example: `timeout = "30m"`
---@field run? envrun.Shell.run when the step runs: once (when its machine is new or never finished its steps; `envrun provision` again), always (every up), never (only when --step names it). Default: "once". Example: `run = "always"`
---@field watch? string[] files and folders whose change makes `envrun watch` run the step again. Default: what the step names (a shell path, a file source, a playbook and its folders). Example: `watch = { "app/", "config.yml" }`

---@alias envrun.GlobalShell.run "once"|"always"|"never"
---The settings of `shell "NAME" { ... }`, a global shell step: a shell step's, and the machines it runs on and what it runs after.
---@class envrun.GlobalShell
---@field inline? string a command, run by the machine's shell. Example: `inline = "systemctl restart nginx"`
---@field path? string a local script, uploaded and run. Example: `path = "scripts/setup.sh"`
---@field args? string[] arguments of the script or command. Example: `args = { "--fast" }`
---@field privileged? boolean run as root (through sudo). Default: true. Example: `privileged = false`
---@field env? table<string, string> environment variables of the command. Example: `env = { APP_ENV = "dev" }`
---@field secret_env? table<string, string> like env, but the values are never printed. Example: `secret_env = { TOKEN = os.getenv("TOKEN") }`
---@field interpreter? string the command that runs the script, whatever its first line. Default: bash when the machine has it, else sh, for a script without #!. Example: `interpreter = "bash -eu"`
---@field hosts string[] the machines it runs on, one after the other in this order, once each is up and provisioned. Required. Example: `hosts = { "controlplane" }`
---@field after? string[] global steps and machines (once provisioned) that come first. Example: `after = { "worker1", "worker2" }`
---@field timeout? string|number how long the step may run before it is stopped and fails. Default: "10m". Range: > 0. Example: `timeout = "30m"`
---@field run? envrun.GlobalShell.run when the step runs: once (when its machine is new or never finished its steps; `envrun provision` again), always (every up), never (only when --step names it). Default: "once". Example: `run = "always"`
---@field watch? string[] files and folders whose change makes `envrun watch` run the step again. Default: what the step names (a shell path, a file source, a playbook and its folders). Example: `watch = { "app/", "config.yml" }`

---@alias envrun.File.sync "changes"|"full"
---@alias envrun.File.run "once"|"always"|"never"
---The settings of `file { ... }`.
---@class envrun.File
---@field source string the local file or folder. Required. Example: `source = "motd.txt"`
---@field destination string where it goes on the machine. Required. Example: `destination = "/etc/motd"`
---@field exclude? string[] .gitignore patterns, relative to a folder source, of paths not uploaded (.envrun never is). Example: `exclude = { "node_modules/", "*.log" }`
---@field sync? envrun.File.sync how a folder is sent: what differs from the machine's copy (what changed since the last upload, or what a listing of the machine's copy shows), or all of it every time. Default: "changes". Example: `sync = "full"`
---@field privileged? boolean write as root (through sudo): the destination may be where the login user cannot write. Default: false. Example: `privileged = true`
---@field name? string the step's name, unique among the steps of its list; the log and the summary show it. Default: KIND#N (its place in the list: "shell#2"). Example: `name = "packages"`
---@field timeout? string|number how long the step may run before it is stopped and fails. Default: "10m". Range: > 0. Example: `timeout = "30m"`
---@field run? envrun.File.run when the step runs: once (when its machine is new or never finished its steps; `envrun provision` again), always (every up), never (only when --step names it). Default: "once". Example: `run = "always"`
---@field watch? string[] files and folders whose change makes `envrun watch` run the step again. Default: what the step names (a shell path, a file source, a playbook and its folders). Example: `watch = { "app/", "config.yml" }`

---@alias envrun.Ansible.run "once"|"always"|"never"
---The settings of `ansible "NAME" { ... }`.
---@class envrun.Ansible
---@field playbook string the playbook to run. Required. Example: `playbook = "site.yml"`
---@field hosts? string[] the machines it runs over, once each is up and provisioned. Default: every machine. Example: `hosts = machines()`
---@field extra_vars? table<string, any> variables given with --extra-vars. Example: `extra_vars = { user = "vagrant" }`
---@field groups? table<string, string[]> extra inventory groups: group to machines. Example: `groups = { db = { "db1" } }`
---@field children? table<string, string[]> child groups: group to the groups it holds (`[deployments:children]`). Example: `children = { deployments = { "web", "db" } }`
---@field group_vars? table<string, table<string, any>> inventory variables of groups (all: every host); connection variables (ansible_host, ansible_user, ...) are envrun's. Example: `group_vars = { web = { http_port = 80 } }`
---@field host_vars? table<string, table<string, any>> inventory variables of machines, over their own `vars`; connection variables are envrun's. Example: `host_vars = { web1 = { primary = true } }`
---@field inventory_path? string an inventory file or folder of yours, given to ansible-playbook before envrun's (envrun's connection settings win). Example: `inventory_path = "inventory/"`
---@field raw_arguments? string[] more ansible-playbook options, each starting with -; options envrun sets (inventory, connection, user, keys, limit, tags, extra vars) are refused. Example: `raw_arguments = { "--diff", "--check" }`
---@field after? string[] global steps and machines (once provisioned) that come first. Example: `after = { "base" }`
---@field limit? string ansible-playbook --limit. Example: `limit = "web*"`
---@field tags? string[] ansible-playbook --tags. Example: `tags = { "nginx" }`
---@field skip_tags? string[] ansible-playbook --skip-tags. Example: `skip_tags = { "slow" }`
---@field become? boolean ansible-playbook --become. Default: false. Example: `become = true`
---@field verbose? boolean|integer ansible-playbook -v to -vvvvvv (true is -v). Default: 0. Range: 0 to 6. Example: `verbose = 2`
---@field vault_password_file? string ansible-playbook --vault-password-file. Example: `vault_password_file = "~/.vault_pass"`
---@field config? string an ansible.cfg (ANSIBLE_CONFIG). Example: `config = "ansible.cfg"`
---@field galaxy_requirements? string a requirements.yml installed with ansible-galaxy first. Example: `galaxy_requirements = "requirements.yml"`
---@field forks? integer ansible-playbook --forks. Default: Ansible's (5). Range: ≥ 1. Example: `forks = 20`
---@field timeout? string|number how long the step may run before it is stopped and fails. Default: "10m". Range: > 0. Example: `timeout = "30m"`
---@field run? envrun.Ansible.run when the step runs: once (when its machine is new or never finished its steps; `envrun provision` again), always (every up), never (only when --step names it). Default: "once". Example: `run = "always"`
---@field watch? string[] files and folders whose change makes `envrun watch` run the step again. Default: what the step names (a shell path, a file source, a playbook and its folders). Example: `watch = { "app/", "config.yml" }`

---An extra disk of a VM, in libvirt's or virtualbox's `disks`.
---@class envrun.Disk
---@field size integer its size in GiB (an empty disk, allocated as it is written). Required. Range: 1 to 65536 GiB. Example: `size = 10`

---@alias envrun.Port.protocol "tcp"|"udp"
---A forwarded port written as a table, in a machine's `ports`.
---@class envrun.Port
---@field host integer the host port. Required. Range: 1 to 65535. Example: `host = 8080`
---@field guest integer the machine's port. Required. Range: 1 to 65535. Example: `guest = 80`
---@field protocol? envrun.Port.protocol the protocol. Default: "tcp". Example: `protocol = "udp"`
---@field host_ip? string the host address the port listens on. Default: every address; libvirt: 127.0.0.1. Example: `host_ip = "127.0.0.1"`
---@field auto_correct? boolean when the host port is taken, use a free one instead (`envrun port NAME` shows which). Default: false. Example: `auto_correct = true`

---The filter of `machines { ... }`.
---@class envrun.Machines
---@field group? string only the machines in this Ansible group. Example: `group = "app"`

---@alias envrun.Docker.family "apt"|"dnf"|"yum"|"apk"|"zypper"
---@alias envrun.Docker.reach "direct"|"jump"|"engine"
---A machine's `docker = { ... }`: settings for the Docker provider.
---@class envrun.Docker
---@field image? string a local image to run instead of the box. Default: the box. Example: `image = "nginx:latest"`
---@field build? string a folder with a Dockerfile, built into the machine's image. Example: `build = "docker/web"`
---@field base? string a local (or pullable) image the box is made from: envrun's recipe adds sshd, python3, sudo and the box user. Default: the box catalog's image for the box. Example: `base = "ubuntu:22.04"`
---@field family? envrun.Docker.family the package manager of base, which the recipe installs with. Default: guessed from base's name. Example: `family = "dnf"`
---@field dockerfile? string the Dockerfile's name inside build. Default: "Dockerfile". Example: `dockerfile = "Dockerfile.dev"`
---@field cmd? string|string[] the container's command (a string runs with /bin/sh -c). Default: sshd in the foreground. Example: `cmd = { "/sbin/init" }`
---@field privileged? boolean run the container privileged. Default: false. Example: `privileged = true`
---@field env? table<string, string> environment variables of the container. Example: `env = { TZ = "UTC" }`
---@field cap_add? string[] Linux capabilities to add. Example: `cap_add = { "NET_ADMIN" }`
---@field tmpfs? string[] tmpfs mounts (PATH or PATH:OPTIONS). Example: `tmpfs = { "/run", "/tmp:size=64m" }`
---@field host? string the Docker engine, as DOCKER_HOST names it (unix://, tcp://, ssh://); the same for every machine that sets it. Default: the docker CLI's engine (DOCKER_HOST, DOCKER_CONTEXT, the current context). Example: `host = "ssh://me@bighost"`
---@field context? string a docker context by name; exclusive with host. Default: the docker CLI's. Example: `context = "bighost"`
---@field reach? envrun.Docker.reach how machines are reached: their IP, through the engine's SSH host, or through the Docker API. Default: jump for ssh:// engines, direct when the engine's bridge is on this host, else engine. Example: `reach = "engine"`
---@field host_config? table<string, any> HostConfig fields of the Docker API that envrun does not model, spelt as the API does, laid over envrun's (checked against the API's type at load). Example: `host_config = { ShmSize = 268435456, Sysctls = { ["net.core.somaxconn"] = "1024" } }`
---@field default_route? string the network of the machine its default route goes through. Default: the first declared network that is not isolated. Example: `default_route = "public"`

---@alias envrun.Libvirt.driver "kvm"|"qemu"
---@alias envrun.Libvirt.graphics "none"|"spice"|"vnc"
---@alias envrun.Libvirt.video "none"|"qxl"|"virtio"|"vga"|"cirrus"|"bochs"|"ramfb"
---@alias envrun.Libvirt.cpu_mode "host-passthrough"|"host-model"|"maximum"
---A machine's `libvirt = { ... }`: settings for the libvirt provider.
---@class envrun.Libvirt
---@field uri? string the libvirt connection. Default: $LIBVIRT_DEFAULT_URI or "qemu:///system". Example: `uri = "qemu+ssh://user@host/system"`
---@field driver? envrun.Libvirt.driver the domain type: kvm, or qemu for software emulation. Default: kvm when the host has it, else qemu. Example: `driver = "qemu"`
---@field graphics? envrun.Libvirt.graphics a graphical console, listening on 127.0.0.1. Default: "none". Example: `graphics = "spice"`
---@field video? envrun.Libvirt.video the display adapter. Default: qxl with spice, vga with vnc, none without graphics. Example: `video = "qxl"`
---@field kernel? string a kernel to boot directly (on the libvirt host). Example: `kernel = "boot/vmlinuz"`
---@field initrd? string the initrd of kernel. Example: `initrd = "boot/initrd.img"`
---@field cmdline? string the kernel's command line. Example: `cmdline = "console=ttyS0 root=/dev/vda1"`
---@field cpu_mode? envrun.Libvirt.cpu_mode the domain's CPU mode. Default: host-passthrough on kvm, QEMU's model on qemu. Example: `cpu_mode = "host-model"`
---@field machine_type? string QEMU's machine type ("pc", "q35"). Default: libvirt's. Example: `machine_type = "q35"`
---@field disk_size? integer the disk's size in GiB; first contact grows the root file system to it. Default: the box's size. Range: ≥ 0 GiB. Example: `disk_size = 40`
---@field box_user? string the user the box lets in with Vagrant's insecure key, at first contact. Default: "vagrant". Example: `box_user = "debian"`
---@field disks? envrun.Disk[] extra empty disks, attached after the machine's own (qcow2 volumes PROJECT-MACHINE.diskN in envrun's pool, virtio: /dev/vdb, /dev/vdc, ...); kept on halt and reload, removed on destroy. Example: `disks = { { size = 10 }, { size = 20 } }`
---@field domain_xml? string domain XML laid over envrun's: <devices> children added, other elements (<cpu>, <features>, <os> parts) replaced; checked at load. Example: `domain_xml = [[<devices><watchdog model="i6300esb"/></devices>]]`
---@field qemu_args? string[] QEMU command-line arguments, given through libvirt's <qemu:commandline>. Example: `qemu_args = { "-global", "ICH9-LPC.disable_s3=1" }`
---@field boot_timeout? integer how long to wait for SSH after a start. Default: 300. Range: > 0 seconds. Example: `boot_timeout = 600`
---@field halt_timeout? integer how long halt waits after the power button before it pulls the plug. Default: 60. Range: ≥ 0 seconds. Example: `halt_timeout = 120`

---@alias envrun.Virtualbox.nic_type "Am79C970A"|"Am79C973"|"Am79C960"|"82540EM"|"82543GC"|"82545EM"|"virtio"
---A machine's `virtualbox = { ... }`: settings for the VirtualBox provider.
---@class envrun.Virtualbox
---@field name? string the VM's name in VirtualBox. Default: PROJECT-MACHINE. Example: `name = "web"`
---@field gui? boolean start the VM with a window instead of headless. Default: false. Example: `gui = true`
---@field linked_clone? boolean make machines linked clones of the imported box (false: full clones). Default: true. Example: `linked_clone = false`
---@field nic_type? envrun.Virtualbox.nic_type the adapter model of every NIC. Default: the box's. Example: `nic_type = "virtio"`
---@field insecure_key? string a private key the box accepts at first contact. Default: Vagrant's. Example: `insecure_key = "keys/box_key"`
---@field box_user? string the box's own user, logged in as at first contact. Default: "vagrant". Example: `box_user = "ubuntu"`
---@field halt_timeout? integer how long halt waits after the power button before it powers off. Default: 60. Range: ≥ 0 seconds. Example: `halt_timeout = 120`
---@field disks? envrun.Disk[] extra empty disks, attached after the machine's own (VDI files beside the VM, on its SATA controller: /dev/sdb, /dev/sdc, ...); kept on halt and reload, removed on destroy. Example: `disks = { { size = 10 }, { size = 20 } }`
---@field modifyvm? string[] extra `VBoxManage modifyvm` options and values (Vagrant's vb.customize), after envrun's. Example: `modifyvm = { "--nested-hw-virt", "on" }`

---The machine a Lua function step receives (`function(m) ... end`).
---@class envrun.HookMachine
---@field name string the machine's name.
---@field hostname string its hostname.
---@field ip string its first static address (nil without networks).
---@field user string its login user.
---@field groups string[] its Ansible groups.
---@field interfaces table<string, string> its interface on each of its networks ({ lan = "eth1" }), learnt from the machine each time envrun connects to it.
local HookMachine = {}

---Runs cmd on the machine and returns its stdout; a non-zero exit raises an error with the status and stderr.
---
---```lua
---local v = m:run("cat /etc/debian_version")
---```
---@param cmd string 
---@return string stdout
function HookMachine:run(cmd) end

---The content of a file on the machine (read as the login user: `m:run("sudo cat PATH")` for root's files); a missing file raises an error.
---
---```lua
---local token = m:read("/etc/machine-id")
---```
---@param path string 
---@return string content
function HookMachine:read(path) end

---Copies the local file or folder src (relative to the Envfile) to dst on the machine.
---
---```lua
---m:upload("files/app.conf", "/etc/app.conf")
---```
---@param src string 
---@param dst string 
function HookMachine:upload(src, dst) end

---What envrun.machine_info returns.
---@class envrun.MachineInfo
---@field name string the machine's name.
---@field hostname string its hostname.
---@field ip string its first static address (nil without networks).
---@field user string its login user.
---@field groups string[] its Ansible groups.
---@field networks table<string, string> its address on each network.

---What `envrun.host` tells of the host envrun runs on (not of the provider's engine or hypervisor, which may be remote).
---@class envrun.Host
---@field os string the operating system, as Go names it: "linux", "darwin", "windows".
---@field arch string the CPU architecture, as Go names it: "amd64", "arm64".
---@field cpus integer the logical CPUs envrun may use.
---@field memory integer the host's memory in MiB (0 when unknown).

---@alias envrun.BoxCatalog.family "apt"|"dnf"|"yum"|"apk"|"zypper"
---The settings of `box_catalog "NAME" { ... }`.
---@class envrun.BoxCatalog
---@field base string the image the box is made from, local or pullable; $1, $2... (or ${1}) are what the name's * matched. Required. Example: `base = "ubuntu:$1"`
---@field family? envrun.BoxCatalog.family the package manager of base, which the recipe installs sshd, python3 and sudo with. Default: guessed from base's name. Example: `family = "apt"`

---`envrun.yaml`: YAML documents to Lua values and back. null is nil (a list with nulls has holes); numbers are Lua numbers.
---@class envrun.EnvrunYaml
local EnvrunYaml = {}

---Reads and decodes a YAML file (relative to the Envfile's folder, inside it or a module's folder); errors name the file and line. With default, a missing file gives default. `envrun watch` reloads when it changes, or appears.
---
---```lua
---envrun.yaml.read("settings.yaml")
---```
---@param path string 
---@param default? any what a missing file gives
---@return any value
function EnvrunYaml.read(path, default) end

---Decodes one YAML document; errors name the line (and name, when given).
---
---```lua
---envrun.yaml.decode("workers: 2").workers
---```
---@param text string 
---@param name? string the document's name in errors
---@return any value
function EnvrunYaml.decode(text, name) end

---Encodes plain data (strings, numbers, booleans, lists, tables with string keys) as YAML, keys sorted.
---
---```lua
---envrun.yaml.encode({ a = { 1, 2 } })
---```
---@param value any 
---@param indent? string spaces or tabs of indentation
---@return string text
function EnvrunYaml.encode(value, indent) end

---`envrun.json`: JSON documents to Lua values and back. null is nil (a list with nulls has holes); numbers are Lua numbers.
---@class envrun.EnvrunJson
local EnvrunJson = {}

---Reads and decodes a JSON file (relative to the Envfile's folder, inside it or a module's folder); errors name the file and line. With default, a missing file gives default. `envrun watch` reloads when it changes, or appears.
---
---```lua
---envrun.json.read("vagrant.json", {})
---```
---@param path string 
---@param default? any what a missing file gives
---@return any value
function EnvrunJson.read(path, default) end

---Decodes one JSON document; errors name the line (and name, when given).
---
---```lua
---envrun.json.decode('{"a": [1, 2]}').a[2]
---```
---@param text string 
---@param name? string the document's name in errors
---@return any value
function EnvrunJson.decode(text, name) end

---Encodes plain data (strings, numbers, booleans, lists, tables with string keys) as JSON, keys sorted.
---
---```lua
---envrun.json.encode(t, "  ")
---```
---@param value any 
---@param indent? string spaces or tabs of indentation
---@return string text
function EnvrunJson.encode(value, indent) end

---A module's envrun-module.lua: plain assignments, no builtins.
---@class envrun.Module
---@field description? string what the module does. Example: `description = "two web servers behind a proxy"`
---@field dependencies? table<string, string|envrun.Dependency> modules it needs: NAME = "SOURCE@REF" or { source =, ref = }. Example: `dependencies = { base = "https://git.example.com/base.git@v1.2.0" }`

---A module dependency written as a table.
---@class envrun.Dependency
---@field source string a git URL or a folder. Required. Example: `source = "../tls"`
---@field ref? string a tag, branch or commit. Example: `ref = "v2"`

---The default box (base image) of every machine: a local Docker image named after it, or a box added with `envrun box add`.
---
---```lua
---box "debian/bookworm"
---```
---@param name string the box's name
function box(name) end

---An entry of the Docker box catalog: the boxes called NAME (each * stands for any run of characters but '/') are made from base with the recipe of family, before the built-in catalog is looked at. A module may hold entries for its boxes. Docker only. Returns the entry's name.
---
---```lua
---box_catalog "myorg/ubuntu-*" { base = "registry.local/ubuntu:$1", family = "apt" }
---```
---@param name string a box name ("myorg/base"), or a pattern ("myorg/ubuntu-*")
---@return fun(settings: envrun.BoxCatalog): string
---@overload fun(name: string, settings: envrun.BoxCatalog): string
function box_catalog(name) end

---The default provider, when neither --provider nor ENVRUN_PROVIDER names one.
---
---```lua
---provider "libvirt"
---```
---@param name "docker"|"libvirt"|"virtualbox" the provider
function provider(name) end

---A private network with static addressing, made on whichever provider the machines use. Returns the network's name.
---
---```lua
---network "backend" { subnet = "172.20.1.0/24" }
---```
---@param name string the network's name
---@return fun(settings: envrun.Network): string
---@overload fun(name: string, settings: envrun.Network): string
function network(name) end

---A Docker engine machines may be placed on (`machine { engine = NAME }`); one marked default takes every machine that names none. Returns the engine's name.
---
---```lua
---engine "big" { docker = "ssh://me@bighost" }
---```
---@param name string the engine's name
---@return fun(settings: envrun.Engine): string
---@overload fun(name: string, settings: envrun.Engine): string
function engine(name) end

---A machine of the environment. Returns the machine's name.
---
---```lua
---machine "web" { networks = { backend = "172.20.1.10" }, memory = 1024 }
---```
---@param name string the machine's name
---@return fun(settings: envrun.Machine): string
---@overload fun(name: string, settings: envrun.Machine): string
function machine(name) end

---Settings every machine gets (Vagrant's settings outside define): a machine's own values win; groups, vars, synced_folders and provider tables merge, a machine's own winning key by key; the provision steps run before the machine's own. Applies to every machine of the Envfile, once it ran; give it once.
---
---```lua
---defaults { memory = 512, provision = { shell { inline = "apt-get update" } } }
---```
---@param settings envrun.Defaults 
function defaults(settings) end

---A command run on the host before or after `up`, `provision`, `reload`, `halt` or `destroy` (Vagrant's triggers), once per command. A failing before trigger stops the command unless on_error = "continue". Returns the trigger's name.
---
---```lua
---trigger "vpn" { before = "up", run = "./scripts/vpn-up.sh", on_error = "continue" }
---```
---@param name string the trigger's name
---@return fun(settings: envrun.Trigger): string
---@overload fun(name: string, settings: envrun.Trigger): string
function trigger(name) end

---A step that runs a command or a local script on the machine over SSH. `shell "NAME" { hosts = { ... }, after = { ... }, ... }` (settings: global_shell) declares a global shell step instead, outside machines: it runs on each of hosts, once each is provisioned and after the global steps and machines after names; it returns its name.
---
---```lua
---shell { inline = "apt-get install -y nginx" }
---```
---@param settings envrun.Shell 
---@return envrun.Step step
function shell(settings) end

---A step that uploads a file or a folder to the machine.
---
---```lua
---file { source = "motd.txt", destination = "/etc/motd" }
---```
---@param settings envrun.File 
---@return envrun.Step step
function file(settings) end

---One ansible-playbook run over the generated inventory, once every machine in hosts is up and provisioned. Returns the step's name.
---
---```lua
---ansible "site" { playbook = "site.yml", hosts = machines() }
---```
---@param name string the step's name
---@return fun(settings: envrun.Ansible): string
---@overload fun(name: string, settings: envrun.Ansible): string
function ansible(name) end

---The names of the machines declared so far, in order; with group, those in the group.
---
---```lua
---hosts = machines { group = "app" }
---```
---@param filter? envrun.Machines 
---@return string[] names
function machines(filter) end

---Loads a Lua module: the standard library (envrun.X), the Envfile's folder, the modules of Envfile.lock, then ENVRUN_PATH.
---
---```lua
---local hosts = require "envrun.hosts"
---```
---@param name string the module's name ("envrun.hosts", "lib.web", ".sibling")
---@return any module
function require(name) end

---envrun's helpers for Envfiles and modules.
---@class envrun.Envrun
---@field dir string the Envfile's folder (absolute)
---@field envfile string the Envfile's path (absolute)
---@field provider "docker"|"libvirt"|"virtualbox" the provider this run uses: --provider, then ENVRUN_PROVIDER, then the Envfile's `provider` (called before the read), then the one the environment was brought up with, then the first available; read-only
---@field host envrun.Host facts about the host envrun runs on; read-only
---@field yaml envrun.EnvrunYaml YAML documents to Lua values and back (go.yaml.in/yaml/v3)
---@field json envrun.EnvrunJson JSON documents to Lua values and back (encoding/json)
envrun = {}

---A path relative to the calling file's folder, made absolute.
---
---```lua
---envrun.path("files/nginx.conf")
---```
---@param rel string 
---@return string path
function envrun.path(rel) end

---A file's text (relative to the Envfile's folder); only files inside the Envfile's folder or a module's own folder are read. With default, a missing file gives default. `envrun watch` reloads when it changes, or appears.
---
---```lua
---envrun.read("motd.txt")
---```
---@param path string 
---@param default? any what a missing file gives
---@return string text
function envrun.read(path, default) end

---A Go text/template rendered with a Lua table; a missing key is an error.
---
---```lua
---envrun.render("listen {{.port}};", { port = 80 })
---```
---@param text string 
---@param vars? any 
---@param name? string the template's name in errors
---@return string text
function envrun.render(text, vars, name) end

---What the Envfile says of a machine (declared so far, or any inside envrun.defer), or nil.
---
---```lua
---envrun.machine_info("db").ip
---```
---@param name string 
---@return envrun.MachineInfo? info
function envrun.machine_info(name) end

---Inside a running hook (a function step): another machine of the environment, with the same fields and methods as the hook's own m (run, read, upload). Only a machine the hook's machine depends on (depends_on, directly or not) is reached: the graph provisions it first; any other is an error that names the depends_on to add.
---
---```lua
---local join = envrun.machine("controlplane"):read("/vagrant/join.sh")
---```
---@param name string 
---@return envrun.HookMachine machine
function envrun.machine(name) end

---A step computed once the whole Envfile ran: fn(machine_name) returns a step or a function.
---
---```lua
---envrun.defer(function(name) return shell { inline = "hostname" } end)
---```
---@param fn function 
---@return envrun.Step step
function envrun.defer(fn) end

---The word of list a misspelt word most likely meant, or nil.
---
---```lua
---envrun.suggest("mahcine", { "machine", "network" })
---```
---@param word string 
---@param list string[] 
---@return string? suggestion
function envrun.suggest(word, list) end

