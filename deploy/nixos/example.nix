# One NixOS machine running fleetplane against a Proxmox VE cluster, with Kafka and PostgreSQL on the same machine.
# Import it from configuration.nix (or a flake's nixosConfigurations) beside the module:
#
#   imports = [ /srv/fleetplane/deploy/nixos/module.nix /srv/fleetplane/deploy/nixos/example.nix ];
#
# The secret files are placed by whatever manages secrets here (sops-nix, agenix, or by hand with mode 0400,
# owner root): systemd reads them and hands them to the services, so they never enter the Nix store.
{ pkgs, ... }:

{
  services.fleetplane = {
    enable = true;
    # A checkout of this repository in which `mvn -B -DskipTests package` has run.
    package = pkgs.callPackage ./package.nix { src = /srv/fleetplane; };

    database.passwordFile = "/run/secrets/fleetplane/db-password";

    proxmox = {
      url = "https://pve.example:8006/api2/json";
      tokenId = "fleetplane@pve!ops";
      tokenSecretFile = "/run/secrets/fleetplane/pve-token-secret";
      # The node's certificate, as `openssl x509 -noout -fingerprint -sha256` prints it (or caFile).
      fingerprint = "AB:12:CD:34:EF:56:AB:12:CD:34:EF:56:AB:12:CD:34:EF:56:AB:12:CD:34:EF:56:AB:12:CD:34:EF:56:AB:12";
    };

    ssh.identityFile = "/run/secrets/fleetplane/fleet-ed25519";

    templates = {
      node = "pve";
      recipe = "/srv/fleetplane/examples/template";
      nodeSshHost = "pve.example";
      nodeSshHostKeyFingerprint = "SHA256:replace-with-the-node-host-key-fingerprint";
    };

    console = {
      user = "fleetplane-console@pve";
      passwordFile = "/run/secrets/fleetplane/console-password";
      operatorsFile = "/run/secrets/fleetplane/console-operators";
    };

    # The planner's REST API for CI on the LAN; everything else stays on loopback.
    planner-service.listenAddress = "0.0.0.0";
    openFirewall = true;
    proxmox-adapter.environment.FLEETPLANE_ADAPTER_LIMITS_CLONES_PER_NODE = "2";
  };
}
