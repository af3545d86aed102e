package dev.fleetplane.adapter.commands;

/**
 * Follows the Proxmox tasks a command's outcome may have stored; woken after each recorded outcome so a new task is
 * looked at at once rather than after the poll interval. Declared here, implemented by the task poller, so commands
 * need not know the poller.
 */
public interface TaskFollower {

    void wake();
}
