# An example fleet for fleetplane, in the style of a real hosts.nix: settings start with `_`,
# every other attribute is a host. Hosts with a `proxmox` attribute set are VMs fleetplane manages
# on Proxmox; the others (the laptop) are listed but never touched.
#
# Push it:   ./fleetplane push examples/hosts.nix
# or:        curl -X POST -H 'Content-Type: text/x-nix' --data-binary @examples/hosts.nix \
#                 http://127.0.0.1:8081/api/v1/specs
let
  # The admin user fleetplane logs in as once the first rebuild has disabled root login (before it, root).
  # Cloud-init creates it on first boot (fleetplane sets the VM's ciuser); it needs passwordless sudo (wheel).
  admin = "ops";

  # What a small service VM gets unless it says otherwise.
  smallVm = vmid: {
    inherit vmid;
    cores = 2;
    memory = 4096; # MB
    disk = "32G";
  };
in
{
  _proxmox = {
    host = "192.168.1.12";
    node = "pve";
    defaultStorage = "local-lvm";
    templateVmid = 9003; # the NixOS template (qemu guest agent, cloud-init, DHCP on ens18)
  };

  _fleetplane = {
    autoApprove = false; # plans wait for `fleetplane apply`
    flake = "/etc/nixos";
  };

  # Imported: this VM existed before fleetplane. It is adopted, never cloned.
  dev = {
    hostname = "dev";
    configurationFile = ./hosts/dev/configuration.nix;
    user = admin;
    proxmox = {
      vmid = 110;
      cores = 4;
      memory = 8192;
      disk = "64G";
      cloneFromTemplate = false;
    };
  };

  web = {
    hostname = "web";
    configurationFile = ./hosts/web/configuration.nix;
    user = admin;
    proxmox = smallVm 111;
  };

  db = {
    hostname = "db";
    configurationFile = ./hosts/db/configuration.nix;
    user = admin;
    proxmox = smallVm 112 // { storage = "local-lvm"; };
  };

  # Not a VM: no proxmox attribute, so fleetplane only lists it.
  laptop = {
    hostname = "laptop";
    configurationFile = ./hosts/laptop/configuration.nix;
    user = admin;
  };
}
