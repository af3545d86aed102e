#!/bin/sh
# entrypoint.sh SERVICE: runs one fleetplane service of the image (see Containerfile) through fleetplane-launch.
set -eu
case "${1:-}" in
    planner-service | proxmox-adapter | provisioner-service | template-builder | console-gateway) ;;
    *)
        echo "entrypoint.sh: the first argument must be one of planner-service, proxmox-adapter," \
            "provisioner-service, template-builder, console-gateway (got '${1:-}')" >&2
        exit 64
        ;;
esac
exec /opt/fleetplane/bin/fleetplane-launch "/opt/fleetplane/$1/quarkus-app/quarkus-run.jar"
