# A fleet written for the Terranix / bpg/proxmox seed workflow, planned by fleetplane unchanged: imported VMs
# (cloneFromTemplate = false) carry the provider's ignore_changes names in ignoreChangesExtra, a new VM takes the
# seed's defaults (cpu x86-64-v2-AES, on_boot false, tags, description, DHCP and the fleet's keys by cloud-init)
# and boots from the template's own disk (virtio0 for a nixos-generators image). See docs/seed-compatibility.md.
#
# Offline:   ./fleetplane plan --spec examples/seed/hosts.nix --inventory examples/seed/inventory.json --detailed-exitcode
let
  fleetKeys = [
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleFleetIdentityKeyOnlyForDocs0001 fleet-identity"
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleOperatorKeyOnlyForDocs000000002 operator@laptop"
  ];

  # What the provider ignores on VMs it did not create (bpg attribute names, as tofu reads them), kept in a file
  # of its own as the seed keeps its VM definitions (fleetplane evaluates hosts.nix with the files beside it).
  importedIgnores = import ./ignore-lists.nix;
in
{
  _proxmox = {
    host = "192.168.1.12";
    node = "pve";
    defaultStorage = "local-lvm";
    templateVmid = 9003;
  };

  # Not a VM: listed, never touched.
  laptop = {
    hostname = "laptop";
    user = "admin";
    authorizedKeys = fleetKeys;
  };

  # Imported: its whole CPU, memory and disk blocks are the provider's to ignore, so its hand-sized
  # memory (32768 MiB in Proxmox, 32000 written here) is never changed.
  services = {
    hostname = "services";
    user = "admin";
    authorizedKeys = fleetKeys;
    proxmox = {
      vmid = 104;
      cores = 8;
      memory = 32000;
      disk = "250G";
      name = "Services";
      bios = "ovmf";
      cpuType = "x86-64-v3";
      diskInterface = "scsi0";
      cloneFromTemplate = false;
      ignoreInit = true;
      tags = [ ];
      ignoreChangesExtra = importedIgnores ++ [ "cpu" "memory" "disk" "machine" ];
    };
  };

  # Imported with a GPU passed through (hostpci is not fleetplane's either).
  media = {
    hostname = "media";
    user = "admin";
    authorizedKeys = fleetKeys;
    proxmox = {
      vmid = 109;
      cores = 8;
      memory = 8096;
      disk = "150G";
      storage = "fast";
      bios = "ovmf";
      cpuType = "host";
      machine = "q35";
      diskInterface = "scsi0";
      cloneFromTemplate = false;
      ignoreInit = true;
      tags = [ ];
      ignoreChangesExtra = importedIgnores ++ [ "cpu" "memory" "disk" "machine" "hostpci" ];
    };
  };

  # Imported, sizes managed: only the CPU type (and the agent's type) is the provider's to ignore.
  dev = {
    hostname = "dev";
    user = "admin";
    authorizedKeys = fleetKeys;
    proxmox = {
      vmid = 110;
      cores = 4;
      memory = 12192;
      disk = "64G";
      bios = "ovmf";
      cpuType = "qemu64";
      machine = "q35";
      diskInterface = "scsi0";
      cloneFromTemplate = false;
      ignoreInit = true;
      tags = [ ];
      ignoreChangesExtra = [
        "description" "tags" "keyboard_layout" "migrate" "on_boot" "reboot" "stop_on_destroy"
        "timeout_clone" "timeout_create" "timeout_migrate" "timeout_reboot" "timeout_shutdown_vm"
        "timeout_start_vm" "timeout_stop_vm" "operating_system" "cpu[0].type" "agent[0].type"
      ];
    };
  };

  # New: cloned from the template, with the seed's defaults.
  cache = {
    hostname = "cache";
    user = "admin";
    authorizedKeys = fleetKeys;
    proxmox = {
      vmid = 111;
      cores = 2;
      memory = 4096;
      disk = "32G";
    };
  };
}
