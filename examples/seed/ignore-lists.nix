# The bpg/proxmox provider's ignore_changes names for VMs it did not create; imported by hosts.nix.
[
  "description" "tags" "on_boot" "keyboard_layout" "migrate" "reboot" "stop_on_destroy"
  "timeout_clone" "timeout_create" "timeout_migrate" "timeout_reboot" "timeout_shutdown_vm"
  "timeout_start_vm" "timeout_stop_vm" "operating_system" "agent" "scsi_hardware" "network_device"
  "efi_disk" "vga" "initialization"
]
