# The Proxmox VMs of the seed fleet: a function of what hosts.nix shares with it.
{ masterKeys, admin, sizes }:
{
  # Imported: this VM existed before fleetplane (examples/pve-seed.json has it). Adopted, never cloned.
  dev = {
    hostname = "dev";
    configurationFile = ./hosts/dev/configuration.nix;
    user = admin;
    authorizedKeys = masterKeys;
    proxmox = sizes.dev // {
      vmid = 110;
      cloneFromTemplate = false;
    };
  };

  web = {
    hostname = "web";
    configurationFile = ./hosts/web/configuration.nix;
    user = admin;
    authorizedKeys = masterKeys;
    proxmox = sizes.small // { vmid = 111; };
  };

  db = sizes.db // {
    hostname = "db";
    user = admin;
    authorizedKeys = masterKeys;
    proxmox = sizes.small // { vmid = 112; };
  };
}
