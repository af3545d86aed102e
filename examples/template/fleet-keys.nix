# The public keys that may log in as root on a fresh clone: put fleetplane's fleet key here (the `.pub` of the key the
# provisioner and the template builder's smoke test log in with), one string per key. The line below is a placeholder
# sshd ignores; a template built with it lets nobody in, and its smoke test fails at the login.
[
  "ssh-ed25519 REPLACE-WITH-THE-FLEET-PUBLIC-KEY fleetplane-fleet-key"
]
