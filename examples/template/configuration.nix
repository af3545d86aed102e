# What every VM cloned from the template needs before fleetplane's first nixos-rebuild reaches it (the seed plan's
# template, phase 2): the guest agent (fleetplane finds the address through it), cloud-init with network, a serial
# console on ttyS0 at 115200 (Proxmox's serial0: socket, for `fleetplane console`), a root partition that grows with
# the disk, DHCP on the first NIC, the fleet's keys for the first login, and no machine-id baked in.
{ lib, modulesPath, pkgs, ... }:
{
  imports = [ (modulesPath + "/profiles/qemu-guest.nix") ];

  # The Proxmox VMA's own configuration (nixpkgs' proxmox-image module, image.modules.proxmox).
  image.modules.proxmox = {
    proxmox.qemuConf = {
      name = "nixos-template";
      cores = 1;
      memory = 1024;
      net0 = "virtio=00:00:00:00:00:00,bridge=vmbr0,firewall=1";
      serial0 = "socket";
      agent = true;
    };
    proxmox.cloudInit.enable = true;
  };

  services.qemuGuest.enable = true;

  services.cloud-init = {
    enable = true;
    network.enable = true;
  };

  # DHCP on the first NIC (ens18 on Proxmox's virtio-net), whatever cloud-init is told.
  networking.useDHCP = lib.mkForce false;
  networking.interfaces.ens18.useDHCP = true;

  # The serial console Proxmox's termproxy and `qm terminal` attach to.
  boot.kernelParams = [ "console=tty1" "console=ttyS0,115200" ];
  systemd.services."serial-getty@ttyS0".enable = true;

  boot.growPartition = true;
  fileSystems."/" = lib.mkDefault {
    device = "/dev/disk/by-label/nixos";
    fsType = "ext4";
    autoResize = true;
  };

  services.openssh = {
    enable = true;
    # Root logs in with the fleet key only until the host's first rebuild applies its own configuration.
    settings.PermitRootLogin = "prohibit-password";
    settings.PasswordAuthentication = false;
  };
  users.users.root.openssh.authorizedKeys.keys = import ./fleet-keys.nix;

  # Every clone must make its own machine-id at its first boot, or clones share a DHCP lease (systemd#9609). NixOS
  # writes no /etc/machine-id into the image (systemd makes it at first boot), and the template builder never boots
  # the candidate: only a throwaway clone of it, destroyed after its smoke test.

  system.stateVersion = "25.11";
}
