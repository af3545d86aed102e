# The fleetplane services as one package, from a checkout in which `mvn -B -DskipTests package` has run (Maven
# cannot fetch its dependencies inside the Nix sandbox without a fixed-output hash of the whole repository, which
# this project does not pin): each service's Quarkus fast-jar under share/fleetplane/<service>/quarkus-app, the
# launcher deploy/bin/fleetplane-launch and the topic script deploy/kafka/create-topics.sh.
#
#   services.fleetplane.package = pkgs.callPackage ./deploy/nixos/package.nix { src = /srv/fleetplane; };
{ lib, stdenvNoCC, src }:

let
  services = [ "planner-service" "proxmox-adapter" "provisioner-service" "template-builder" "console-gateway" ];
in
stdenvNoCC.mkDerivation {
  pname = "fleetplane";
  version = "0.1.0";
  inherit src;
  dontConfigure = true;
  dontBuild = true;
  installPhase = ''
    runHook preInstall
    for service in ${lib.concatStringsSep " " services}; do
      if [ ! -f "$service/target/quarkus-app/quarkus-run.jar" ]; then
        echo "$service/target/quarkus-app/quarkus-run.jar is missing: run mvn -B -DskipTests package in the checkout first" >&2
        exit 1
      fi
      mkdir -p "$out/share/fleetplane/$service"
      cp -r "$service/target/quarkus-app" "$out/share/fleetplane/$service/"
    done
    install -Dm755 deploy/bin/fleetplane-launch "$out/bin/fleetplane-launch"
    install -Dm755 deploy/kafka/create-topics.sh "$out/bin/fleetplane-create-topics"
    runHook postInstall
  '';
  meta = {
    description = "Keeps a NixOS VM fleet on Proxmox VE equal to hosts.nix (the five fleetplane services)";
    platforms = lib.platforms.linux;
  };
}
