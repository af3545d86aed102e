"""Drives the PVE simulator with Debian's python3-proxmoxer the way a homelab script drives a real Proxmox VE,
and checks each answer against what a real node returns (reference: proxmox-api.md). Exits 1 on the first
disagreement, naming the call. Configuration comes from the environment (see ProxmoxerIT)."""
import json
import os
import sys
import time

from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException

HOST = os.environ["PVE_HOST"]
NODE = os.environ.get("PVE_NODE", "pve")
TEMPLATE = int(os.environ["PVE_TEMPLATE"])
CA_FILE = os.environ.get("PVE_CA_FILE")
VERIFY = CA_FILE if CA_FILE else False


def check(cond, what):
    if not cond:
        print("proxmoxer-check FAILED: " + what, flush=True)
        sys.exit(1)
    print("proxmoxer-check ok: " + what, flush=True)


def connect():
    mode = os.environ.get("PVE_AUTH", "token")
    if mode == "token":
        user, token_name = os.environ["PVE_TOKEN_ID"].split("!")
        return ProxmoxAPI(HOST, user=user, token_name=token_name, token_value=os.environ["PVE_TOKEN_SECRET"],
                          verify_ssl=VERIFY)
    return ProxmoxAPI(HOST, user=os.environ["PVE_USER"], password=os.environ["PVE_PASSWORD"], verify_ssl=VERIFY)


def wait(prox, upid, timeout=30):
    deadline = time.time() + timeout
    while True:
        st = prox.nodes(NODE).tasks(upid).status.get()
        if st["status"] == "stopped":
            return st
        if time.time() > deadline:
            check(False, "task %s ended within %ss" % (upid, timeout))
        time.sleep(0.1)


def main():
    prox = connect()
    if os.environ.get("PVE_AUTH") == "ticket":
        ticket, csrf = prox.get_tokens()
        check(ticket.startswith("PVE:" + os.environ["PVE_USER"] + ":"), "ticket login returned a PVE ticket")
        check(csrf is not None and ":" in csrf, "ticket login returned a CSRFPreventionToken")

    version = prox.version.get()
    check(set(["release", "version", "repoid"]) <= set(version), "version has release, version, repoid: %s" % version)

    vms = prox.cluster.resources.get(type="vm")
    template = [v for v in vms if v["vmid"] == TEMPLATE]
    check(len(template) == 1 and template[0]["template"] == 1 and template[0]["type"] == "qemu",
          "cluster/resources lists the template with template=1")
    check(all(v["id"] == "qemu/%d" % v["vmid"] for v in vms), "resource ids read qemu/<vmid>")

    newid = prox.cluster.nextid.get()
    check(isinstance(newid, str) and newid.isdigit(), "nextid is a string of digits (%r)" % (newid,))
    newid = int(newid)

    upid = prox.nodes(NODE).qemu(TEMPLATE).clone.post(newid=newid, name="web-1", full=1)
    check(isinstance(upid, str) and upid.startswith("UPID:%s:" % NODE) and ":qmclone:%d:" % TEMPLATE in upid,
          "clone returns a qmclone UPID with the source vmid (%s)" % upid)
    st = wait(prox, upid)
    check(st["exitstatus"] == "OK" and st["type"] == "qmclone", "clone task ends OK")
    try:
        prox.nodes(NODE).qemu(TEMPLATE).clone.post(newid=newid)
        check(False, "a clone onto an existing VMID fails")
    except ResourceException as e:
        check(e.status_code == 500 and "already exists" in str(e), "clone onto an existing VMID: %s" % e)

    result = prox.nodes(NODE).qemu(newid).config.put(cores=2, memory=2048, agent=1, description="made by proxmoxer")
    check(result is None, "PUT config answers null")
    config = prox.nodes(NODE).qemu(newid).config.get()
    check(config["cores"] == 2, "config cores is a number")
    check(config["memory"] == "2048", "config memory is a string, as Proxmox sends it (%r)" % (config["memory"],))
    check(config["name"] == "web-1" and "template" not in config, "the clone is named web-1 and is no template")
    check(len(config["digest"]) == 40, "config carries a SHA-1 digest")
    try:
        prox.nodes(NODE).qemu(newid).config.put(cores=4, digest="0" * 40)
        check(False, "a stale digest is refused")
    except ResourceException as e:
        check(e.status_code == 500 and "checksum mismatch" in str(e), "stale digest: %s" % e)
    try:
        prox.nodes(NODE).qemu(newid).config.put(bogus=1)
        check(False, "an unknown parameter is refused")
    except ResourceException as e:
        # proxmoxer 1.2 reads 'errors' from inside 'data', which Proxmox sends as null: it sees only the reason.
        check(e.status_code == 400 and "Parameter verification failed." in str(e), "unknown parameter: %s" % e)

    upid = prox.nodes(NODE).qemu(newid).status.start.post()
    check(":qmstart:%d:" % newid in upid, "start returns a qmstart UPID")
    check(wait(prox, upid)["exitstatus"] == "OK", "start task ends OK")
    check(prox.nodes(NODE).qemu(newid).status.current.get()["status"] == "running", "status/current says running")
    again = prox.nodes(NODE).qemu(newid).status.start.post()
    st = wait(prox, again)
    check(st["exitstatus"] != "OK" and "already running" in st["exitstatus"],
          "starting a running VM is a task error: %s" % st["exitstatus"])
    log = prox.nodes(NODE).tasks(upid).log.get()
    check(isinstance(log, list) and log[-1]["t"] == "TASK OK" and all("n" in line for line in log),
          "task log lines are {n,t} ending in TASK OK")

    agent = prox.nodes(NODE).qemu(newid).agent("network-get-interfaces").get()
    ifaces = agent["result"]
    mac = config["net0"].split(",")[0].split("=")[1].lower()
    nic = [i for i in ifaces if i.get("hardware-address", "").lower() == mac]
    check(any(i["name"] == "lo" for i in ifaces), "agent reports lo")
    check(len(nic) == 1 and any(a["ip-address-type"] == "ipv4" for a in nic[0]["ip-addresses"]),
          "agent reports the net0 NIC with an IPv4")

    try:
        prox.nodes(NODE).qemu(newid).delete()
        check(False, "destroying a running VM is refused")
    except ResourceException as e:
        check(e.status_code == 500 and "is running" in str(e), "destroy running VM: %s" % e)
    check(wait(prox, prox.nodes(NODE).qemu(newid).status.stop.post())["exitstatus"] == "OK", "stop task ends OK")
    upid = prox.nodes(NODE).qemu(newid).delete(purge=1)
    check(":qmdestroy:%d:" % newid in upid and wait(prox, upid)["exitstatus"] == "OK", "destroy task ends OK")
    try:
        prox.nodes(NODE).qemu(newid).config.get()
        check(False, "the destroyed VM is gone")
    except ResourceException as e:
        check(e.status_code == 500 and "does not exist" in str(e), "config of a destroyed VM: %s" % e)
    check(all(v["vmid"] != newid for v in prox.cluster.resources.get(type="vm")), "resources no longer list it")
    try:
        prox.nodes(NODE).tasks("UPID:%s:00000001:00000001:00000001:qmstart:1:root@pam:" % NODE).status.get()
        check(False, "an unknown task is refused")
    except ResourceException as e:
        check(e.status_code == 400, "unknown UPID: %s" % e)
    print("proxmoxer: all checks passed", flush=True)


if __name__ == "__main__":
    main()
