# services.fleetplane: the five fleetplane services as systemd units on one NixOS machine, with Kafka
# (services.apache-kafka, KRaft, one node) and PostgreSQL (services.postgresql, a `fleetplane` database and user) from
# nixpkgs' own modules, or an existing Kafka cluster and PostgreSQL server.
#
# Secrets never go into the Nix store: every secret option is a path to a file read at start by systemd
# (LoadCredential=). Files the services read by path (SSH keys, the CA, the console's operators file) are handed over
# as $CREDENTIALS_DIRECTORY/<name>; string secrets the services read from their environment only (the Proxmox token
# secret, the console user's password, the database password) are credentials named like their variable, which
# deploy/bin/fleetplane-launch exports just before it starts the JVM.
#
# The environment variable of every key is the one the services read (their application.properties and config
# mappings); deploy-tests' NixosModuleTest fails when a service or a variable the services need is missing here.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkEnableOption mkIf mkOption types optional optionals optionalAttrs filterAttrs
    nameValuePair listToAttrs escapeShellArgs;

  cfg = config.services.fleetplane;

  # Every service: its Maven module (unit fleetplane-<module>) and its port.
  defaultPorts = {
    planner-service = 8081;
    proxmox-adapter = 8082;
    provisioner-service = 8083;
    template-builder = 8084;
    console-gateway = 8085;
  };

  stateDir = "/var/lib/fleetplane";
  templatesDir = "${stateDir}/templates";

  serviceModule = name: port: {
    options = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Whether to run ${name} (fleetplane-${name}.service).";
      };
      port = mkOption {
        type = types.port;
        default = port;
        description = "HTTP port of ${name} (QUARKUS_HTTP_PORT).";
      };
      listenAddress = mkOption {
        type = types.str;
        default = "127.0.0.1";
        description = "Address ${name} listens on (QUARKUS_HTTP_HOST). Loopback unless a proxy or other hosts must reach it.";
      };
      environment = mkOption {
        type = types.attrsOf types.str;
        default = { };
        example = { FLEETPLANE_ADAPTER_LIMITS_CLONES_PER_NODE = "2"; };
        description = "Further variables: any fleetplane.* key as its environment variable (see the module's DESIGN.md). Never a secret: it lands in the Nix store.";
      };
      javaOptions = mkOption {
        type = types.listOf types.str;
        default = [ "-Xms32m" "-Xmx256m" "-XX:+UseSerialGC" ];
        description = "JVM options of ${name}.";
      };
    };
  };

  # One credential: the name under $CREDENTIALS_DIRECTORY and the file it is read from.
  cred = name: path: optional (path != null) { inherit name path; };

  databaseCredentials = cred "QUARKUS_DATASOURCE_PASSWORD" cfg.database.passwordFile;

  commonEnvironment = name: {
    KAFKA_BOOTSTRAP_SERVERS = cfg.kafka.bootstrapServers;
    QUARKUS_DATASOURCE_JDBC_URL = cfg.database.jdbcUrl;
    QUARKUS_DATASOURCE_USERNAME = cfg.database.user;
    QUARKUS_HTTP_HOST = cfg.${name}.listenAddress;
    QUARKUS_HTTP_PORT = toString cfg.${name}.port;
  };

  # The Proxmox API and its TLS trust, shared by the adapter and the console gateway.
  pveEnvironment = {
    PVE_URL = cfg.proxmox.url;
    PVE_INSECURE = lib.boolToString cfg.proxmox.insecure;
    PVE_FINGERPRINT = cfg.proxmox.fingerprint;
    PVE_CA_FILE = if cfg.proxmox.caFile == null then null else "%d/pve-ca";
  };
  pveCredentials = cred "pve-ca" cfg.proxmox.caFile;

  sshIdentity = if cfg.ssh.identityFile == null then null else "%d/ssh-identity";
  sshCredentials = cred "ssh-identity" cfg.ssh.identityFile;

  # What each service needs beyond the common variables.
  perService = {
    planner-service = {
      environment = { };
      credentials = [ ];
    };
    proxmox-adapter = {
      environment = pveEnvironment // {
        PVE_TOKEN_ID = cfg.proxmox.tokenId;
      };
      credentials = pveCredentials ++ cred "PVE_TOKEN_SECRET" cfg.proxmox.tokenSecretFile;
    };
    provisioner-service = {
      environment = {
        FLEETPLANE_PROVISIONER_SSH_IDENTITY_FILE = sshIdentity;
        FLEETPLANE_PROVISIONER_SSH_PORT = toString cfg.ssh.port;
      };
      credentials = sshCredentials;
      path = [ pkgs.openssh pkgs.git config.nix.package pkgs.nixos-rebuild ];
    };
    template-builder = {
      environment = {
        FLEETPLANE_TEMPLATES_WORK_DIR = templatesDir;
        FLEETPLANE_TEMPLATES_NODE = cfg.templates.node;
        FLEETPLANE_TEMPLATES_BUILD_RECIPE = cfg.templates.recipe;
        FLEETPLANE_TEMPLATES_NODE_SSH_HOST = cfg.templates.nodeSshHost;
        FLEETPLANE_TEMPLATES_NODE_SSH_IDENTITY_FILE = sshIdentity;
        FLEETPLANE_TEMPLATES_NODE_SSH_HOST_KEY_FINGERPRINT = cfg.templates.nodeSshHostKeyFingerprint;
        FLEETPLANE_TEMPLATES_SMOKE_IDENTITY_FILE = sshIdentity;
      };
      credentials = sshCredentials;
      path = [ pkgs.openssh config.nix.package pkgs.nixos-rebuild ];
    };
    console-gateway = {
      environment = pveEnvironment // {
        FLEETPLANE_CONSOLE_BACKEND = cfg.console.backend;
        PVE_CONSOLE_USERNAME = cfg.console.user;
        PVE_CONSOLE_TOKEN_ID = cfg.console.tokenId;
        FLEETPLANE_CONSOLE_OPERATORS_FILE = if cfg.console.operatorsFile == null then null else "%d/operators";
      };
      credentials = pveCredentials
        ++ cred "PVE_CONSOLE_PASSWORD" cfg.console.passwordFile
        ++ cred "PVE_CONSOLE_TOKEN_SECRET" cfg.console.tokenSecretFile
        ++ cred "operators" cfg.console.operatorsFile;
    };
  };

  localKafka = cfg.kafka.createLocally;
  localDatabase = cfg.database.createLocally;

  dependencies = [ "fleetplane-topics.service" ]
    ++ optional localKafka "apache-kafka.service"
    ++ optionals localDatabase [ "postgresql.service" "fleetplane-database.service" ];

  hardening = {
    NoNewPrivileges = true;
    ProtectSystem = "strict";
    ProtectHome = true;
    PrivateTmp = true;
    PrivateDevices = true;
    ProtectKernelTunables = true;
    ProtectKernelModules = true;
    ProtectKernelLogs = true;
    ProtectControlGroups = true;
    ProtectClock = true;
    ProtectHostname = true;
    RestrictAddressFamilies = [ "AF_INET" "AF_INET6" "AF_UNIX" ];
    RestrictNamespaces = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    LockPersonality = true;
    SystemCallArchitectures = "native";
    CapabilityBoundingSet = "";
    # The JVM's JIT writes executable memory: MemoryDenyWriteExecute stays off.
    MemoryDenyWriteExecute = false;
  };

  unitFor = name:
    let
      s = perService.${name};
    in
    {
      description = "fleetplane ${name}";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ] ++ dependencies;
      requires = dependencies;
      path = s.path or [ ];
      environment = filterAttrs (_: v: v != null) (commonEnvironment name // s.environment)
        // { JAVA = "${cfg.jre}/bin/java"; }
        // cfg.${name}.environment;
      serviceConfig = hardening // {
        Type = "exec";
        User = "fleetplane";
        Group = "fleetplane";
        # The template builder's work dir is read by the adapter (the api route uploads from it): group-readable.
        UMask = "0027";
        StateDirectory = [ "fleetplane/${name}" ] ++ optional (name == "template-builder") "fleetplane/templates";
        StateDirectoryMode = "0750";
        WorkingDirectory = "${stateDir}/${name}";
        LoadCredential = map (c: "${c.name}:${c.path}") (databaseCredentials ++ s.credentials);
        ExecStart = "${cfg.package}/bin/fleetplane-launch ${cfg.package}/share/fleetplane/${name}/quarkus-app/quarkus-run.jar ${escapeShellArgs cfg.${name}.javaOptions}";
        Restart = "on-failure";
        RestartSec = "5s";
        # Quarkus stops gracefully on SIGTERM (consumers finish their record, the outbox relay its batch).
        TimeoutStopSec = "30s";
        SuccessExitStatus = "143";
      };
    };

  services = builtins.attrNames defaultPorts;
  enabledServices = builtins.filter (name: cfg.${name}.enable) services;
in
{
  options.services.fleetplane = {
    enable = mkEnableOption "fleetplane, which keeps a NixOS VM fleet on Proxmox VE equal to hosts.nix";

    package = mkOption {
      type = types.package;
      description = "The fleetplane services (deploy/nixos/package.nix over a checkout built with `mvn -B -DskipTests package`).";
      example = lib.literalExpression "pkgs.callPackage ./deploy/nixos/package.nix { src = /srv/fleetplane; }";
    };

    jre = mkOption {
      type = types.package;
      default = pkgs.jdk17_headless;
      defaultText = lib.literalExpression "pkgs.jdk17_headless";
      description = "The Java runtime (17 or later).";
    };

    kafka = {
      createLocally = mkOption {
        type = types.bool;
        default = true;
        description = "Run a one-node Kafka (KRaft) on this machine with services.apache-kafka.";
      };
      bootstrapServers = mkOption {
        type = types.str;
        default = "127.0.0.1:9092";
        description = "Kafka brokers (KAFKA_BOOTSTRAP_SERVERS).";
      };
      clusterId = mkOption {
        type = types.str;
        default = "ZmxlZXRwbGFuZS1rYWZrYQ";
        description = "KRaft cluster id of the local broker (kafka-storage.sh random-uuid makes one).";
      };
      toolsPackage = mkOption {
        type = types.package;
        default = pkgs.apacheKafka;
        defaultText = lib.literalExpression "pkgs.apacheKafka";
        description = "The Kafka distribution whose kafka-topics.sh creates the topics (fleetplane-topics.service).";
      };
      replicationFactor = mkOption {
        type = types.nullOr types.ints.positive;
        default = null;
        description = "Replicas of each topic partition; null takes the broker's default.replication.factor.";
      };
    };

    database = {
      createLocally = mkOption {
        type = types.bool;
        default = true;
        description = "Run PostgreSQL here (services.postgresql) with the database and user below.";
      };
      jdbcUrl = mkOption {
        type = types.str;
        default = "jdbc:postgresql://127.0.0.1:5432/fleetplane";
        description = "QUARKUS_DATASOURCE_JDBC_URL. Each service migrates its own schema with Flyway.";
      };
      user = mkOption {
        type = types.str;
        default = "fleetplane";
        description = "QUARKUS_DATASOURCE_USERNAME (and, locally, the owner of the `fleetplane` database).";
      };
      passwordFile = mkOption {
        type = types.nullOr types.path;
        default = null;
        example = "/run/secrets/fleetplane-db-password";
        description = "File holding the database password (QUARKUS_DATASOURCE_PASSWORD); locally it is also set on the user.";
      };
    };

    proxmox = {
      url = mkOption {
        type = types.str;
        example = "https://pve.example:8006/api2/json";
        description = "The Proxmox VE API root (PVE_URL).";
      };
      tokenId = mkOption {
        type = types.str;
        example = "fleetplane@pve!ops";
        description = "The adapter's API token id (PVE_TOKEN_ID); privileges: docs/proxmox-privileges.md.";
      };
      tokenSecretFile = mkOption {
        type = types.path;
        example = "/run/secrets/pve-token-secret";
        description = "File holding the API token's secret (PVE_TOKEN_SECRET).";
      };
      fingerprint = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "SHA-256 fingerprint of the node's certificate (PVE_FINGERPRINT); or caFile.";
      };
      caFile = mkOption {
        type = types.nullOr types.path;
        default = null;
        description = "CA of the node's certificate (PVE_CA_FILE), e.g. a copy of /etc/pve/pve-root-ca.pem.";
      };
      insecure = mkOption {
        type = types.bool;
        default = false;
        description = "Trust any certificate (PVE_INSECURE). Only for a throwaway lab.";
      };
    };

    ssh = {
      identityFile = mkOption {
        type = types.nullOr types.path;
        default = null;
        description = "The fleet's SSH private key: the provisioner's logins to guests and the template builder's node and smoke logins.";
      };
      port = mkOption {
        type = types.port;
        default = 22;
        description = "The guests' SSH port (FLEETPLANE_PROVISIONER_SSH_PORT).";
      };
    };

    templates = {
      node = mkOption {
        type = types.str;
        default = "pve";
        description = "Node the template is registered on (FLEETPLANE_TEMPLATES_NODE).";
      };
      recipe = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "Flake of the template image (FLEETPLANE_TEMPLATES_BUILD_RECIPE), e.g. a checkout's examples/template.";
      };
      nodeSshHost = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "The node's SSH address for the sftp route (FLEETPLANE_TEMPLATES_NODE_SSH_HOST).";
      };
      nodeSshHostKeyFingerprint = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "The node's SSH host key fingerprint (FLEETPLANE_TEMPLATES_NODE_SSH_HOST_KEY_FINGERPRINT).";
      };
    };

    console = {
      backend = mkOption {
        type = types.enum [ "pve-api" "node-ssh" ];
        default = "pve-api";
        description = "How the console gateway reaches serial0 (FLEETPLANE_CONSOLE_BACKEND).";
      };
      user = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "fleetplane-console@pve";
        description = "The console user, holding only VM.Console and VM.Audit (PVE_CONSOLE_USERNAME).";
      };
      passwordFile = mkOption {
        type = types.nullOr types.path;
        default = null;
        description = "File holding the console user's password (PVE_CONSOLE_PASSWORD).";
      };
      tokenId = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "A console token instead of the user (PVE_CONSOLE_TOKEN_ID; PVE 9.1 and later).";
      };
      tokenSecretFile = mkOption {
        type = types.nullOr types.path;
        default = null;
        description = "File holding the console token's secret (PVE_CONSOLE_TOKEN_SECRET).";
      };
      operatorsFile = mkOption {
        type = types.nullOr types.path;
        default = null;
        description = "The gateway's operators file (FLEETPLANE_CONSOLE_OPERATORS_FILE; console-gateway/DESIGN.md, Auth).";
      };
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Open the ports of the enabled services (useful only with a non-loopback listenAddress).";
    };
  } // lib.mapAttrs (name: port: mkOption {
    type = types.submodule (serviceModule name port);
    default = { };
    description = "The ${name} service.";
  }) defaultPorts;

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = !(cfg.proxmox.insecure && (cfg.proxmox.fingerprint != null || cfg.proxmox.caFile != null));
        message = "services.fleetplane.proxmox: set at most one of insecure, fingerprint and caFile";
      }
      {
        assertion = !(cfg.proxmox.fingerprint != null && cfg.proxmox.caFile != null);
        message = "services.fleetplane.proxmox: set either fingerprint or caFile, not both";
      }
      {
        assertion = !localDatabase || cfg.database.passwordFile != null;
        message = "services.fleetplane.database.passwordFile is required: the services reach PostgreSQL over TCP with a password";
      }
    ];

    users.users.fleetplane = {
      isSystemUser = true;
      group = "fleetplane";
      home = stateDir;
    };
    users.groups.fleetplane = { };

    services.apache-kafka = mkIf localKafka {
      enable = true;
      clusterId = cfg.kafka.clusterId;
      formatLogDirs = true;
      formatLogDirsIgnoreFormatted = true;
      settings = {
        "process.roles" = [ "broker" "controller" ];
        "node.id" = 1;
        "listeners" = [ "PLAINTEXT://127.0.0.1:9092" "CONTROLLER://127.0.0.1:9093" ];
        "advertised.listeners" = [ "PLAINTEXT://127.0.0.1:9092" ];
        "controller.listener.names" = [ "CONTROLLER" ];
        "listener.security.protocol.map" = [ "PLAINTEXT:PLAINTEXT" "CONTROLLER:PLAINTEXT" ];
        "controller.quorum.voters" = [ "1@127.0.0.1:9093" ];
        "log.dirs" = [ "/var/lib/apache-kafka" ];
        "offsets.topic.replication.factor" = 1;
        "transaction.state.log.replication.factor" = 1;
        "transaction.state.log.min.isr" = 1;
        # Topics come from fleetplane-topics.service with their partitions and retention, never by accident.
        "auto.create.topics.enable" = false;
      };
    };

    services.postgresql = mkIf localDatabase {
      enable = true;
      ensureDatabases = [ "fleetplane" ];
      ensureUsers = [ { name = cfg.database.user; ensureDBOwnership = true; } ];
    };

    systemd.services = {
      # The topics of fleet-events' Topics (deploy/kafka/create-topics.sh); idempotent, so it runs at every boot.
      fleetplane-topics = {
        description = "fleetplane Kafka topics";
        after = [ "network-online.target" ] ++ optional localKafka "apache-kafka.service";
        wants = [ "network-online.target" ];
        requires = optional localKafka "apache-kafka.service";
        environment = {
          KAFKA_BOOTSTRAP_SERVERS = cfg.kafka.bootstrapServers;
          KAFKA_TOPICS = "${cfg.kafka.toolsPackage}/bin/kafka-topics.sh";
        } // optionalAttrs (cfg.kafka.replicationFactor != null) {
          KAFKA_REPLICATION_FACTOR = toString cfg.kafka.replicationFactor;
        };
        serviceConfig = hardening // {
          Type = "oneshot";
          RemainAfterExit = true;
          DynamicUser = true;
          ExecStart = "${cfg.package}/bin/fleetplane-create-topics";
          # The broker may still be starting: try again rather than fail the services behind it.
          Restart = "on-failure";
          RestartSec = "5s";
        };
      };
    } // optionalAttrs localDatabase {
      # Sets the password of the database user from its file (psql reads the file itself: it is never an argument).
      fleetplane-database = {
        description = "fleetplane database user's password";
        after = [ "postgresql.service" "postgresql-setup.service" ];
        requires = [ "postgresql.service" ];
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          User = "postgres";
          LoadCredential = [ "db-password:${cfg.database.passwordFile}" ];
        };
        script = ''
          ${config.services.postgresql.package}/bin/psql -v ON_ERROR_STOP=1 -d postgres <<'SQL'
          \set pw `cat "$CREDENTIALS_DIRECTORY/db-password"`
          ALTER ROLE "${cfg.database.user}" WITH PASSWORD :'pw';
          SQL
        '';
      };
    } // listToAttrs (map (name: nameValuePair "fleetplane-${name}" (unitFor name)) enabledServices);

    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall (map (name: cfg.${name}.port) enabledServices);
  };
}
