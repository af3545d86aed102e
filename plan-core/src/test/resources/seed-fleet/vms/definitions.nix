# Sizes shared by the VMs, and one host's configuration path written from this subdirectory.
{
  dev = {
    cores = 4;
    memory = 8192;
    disk = "64G";
  };
  small = {
    cores = 2;
    memory = 4096;
    disk = "32G";
  };
  db.configurationFile = ../hosts/db/configuration.nix;
}
