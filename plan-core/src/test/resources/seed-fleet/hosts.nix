# A fleet in the shape of a Terranix + OpenTofu hosts.nix that is split over several files: the VMs come from
# a sibling file that is a function (`import ./vms.nix { ... }`), their sizes from a file in a subdirectory,
# keys are let-bound lists, configurations are path literals (the files need not exist), and one host is
# Home-Manager only (no `proxmox` attribute). Values match examples/pve-seed.json (node pve, template 9003,
# `dev` = VMID 110 with 4 cores, 8192 MB, 64G).
#
# Used by plan-core's NixEvaluatorIT, fleetctl's SeedFleetIT and the planner's SeedFleetSpecIT.
let
  masterKeys = [
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFleetMasterIdentityExampleKeyOnly000000 master-fleet-identity"
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorLaptopExampleKeyOnly0000000000 ops@laptop"
  ];
  admin = "ops";
  sizes = import ./vms/definitions.nix;
  vms = import ./vms.nix { inherit masterKeys admin sizes; };
in
{
  _proxmox = {
    host = "192.168.1.12";
    node = "pve";
    defaultStorage = "local-lvm";
    templateVmid = 9003;
  };

  _fleetplane = {
    autoApprove = false;
    flake = "/etc/nixos";
  };

  # Home Manager only: listed, never touched by fleetplane.
  laptop = {
    homeFile = ./hosts/laptop/home.nix;
    user = admin;
    homeDirectory = "/home/${admin}";
    hostname = "laptop";
    publicKey = builtins.replaceStrings [ "\n" ] [ "" ] (builtins.readFile ./keys/laptop.pub);
    authorizedKeys = masterKeys;
  };
}
// vms
