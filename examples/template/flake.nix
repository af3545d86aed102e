# The NixOS template fleetplane's template builder builds (fleetplane template build --recipe examples/template).
#
#   nixos-rebuild build-image --image-variant proxmox --flake .#template   # a VMA (.vma.zst): the sftp route
#   nixos-rebuild build-image --image-variant qemu    --flake .#template   # a qcow2: the api route
#   nix build .#proxmox-template                                          # the seed plan's form, same VMA
#
# build-image and system.build.images need NixOS 25.05 or later (nixos-generators' proxmox format moved into
# nixpkgs). Put the fleet's public keys into fleet-keys.nix before building: they are the first login's keys.
{
  description = "fleetplane: a NixOS template for Proxmox VE (guest agent, cloud-init, serial console, DHCP)";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs = { self, nixpkgs, ... }: {
    nixosConfigurations.template = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [ ./configuration.nix ];
    };

    packages.x86_64-linux.proxmox-template = self.nixosConfigurations.template.config.system.build.images.proxmox;
    packages.x86_64-linux.qcow2-template = self.nixosConfigurations.template.config.system.build.images.qemu;
  };
}
