"""The data plane as a user meets it with the real Azure CLI 2.91: two VNets and a NIC in each made
with `az`, then TCP between the NICs' hosts (`isthmus exec --nic`) only once both sides of the
peering exist, and not a second after one side is deleted. Its own emulator with `--data-plane`,
which needs root (network namespaces); skipped otherwise. The tests run in file order.
"""

import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import ISTHMUS_BIN, Emulator

SERVER = """import socket,sys
s=socket.socket()
s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind((sys.argv[1],7000))
s.listen()
print('listening',flush=True)
while True:
 c,_=s.accept()
 c.close()
"""
CONNECT = "import socket,sys\nsocket.create_connection((sys.argv[1],7000),timeout=1).close()\n"


class Net:
    """The scenario's emulator, its `az`, and the servers it runs on the hosts."""

    def __init__(self, emu, az, rg):
        self.emu, self.az, self.rg = emu, az, rg
        self.servers = []

    def exec(self, nic, *command):
        return [ISTHMUS_BIN, "exec", "--nic", nic, "--data-dir", str(self.emu.data_dir), "--", *command]

    def connects(self, nic, ip):
        """Whether `nic`'s host opens a TCP connection to `ip`."""
        proc = subprocess.run(self.exec(nic, sys.executable, "-c", CONNECT, ip), capture_output=True, timeout=10)
        return proc.returncode == 0

    def settles(self, nic, ip, want, within):
        """Whether `connects` becomes `want` within `within` seconds; returns the seconds it took."""
        start = time.monotonic()
        while True:
            if self.connects(nic, ip) == want:
                return time.monotonic() - start
            if time.monotonic() - start > within:
                return None

    def serve(self, nic, ip):
        """A server on `nic`'s host, once the emulator has made the host (within a poll or two)."""
        deadline = time.monotonic() + 10
        while True:
            proc = subprocess.Popen(self.exec(nic, sys.executable, "-c", SERVER, ip), stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True)
            if proc.stdout.readline().strip() == "listening":
                self.servers.append(proc)
                return
            proc.wait()
            assert time.monotonic() < deadline, f"the host of {nic} never came up"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def net(world, tmp_root, new_az):
    if os.geteuid() != 0:
        pytest.skip("the data plane needs root (network namespaces)")
    if shutil.which("ip") is None:
        pytest.skip("the data plane needs iproute2's ip")
    tenant = world["tenants"][0]
    emu = Emulator("127.0.0.1:0", tmp_root / "emulator-dataplane", "--data-plane")
    az = new_az("dataplane-admin", emu)
    admin = tenant["users"][0]
    n = Net(emu, az, tenant["subscriptions"][0]["resourceGroups"][0]["name"])
    try:
        az.login_device_code(admin["userPrincipalName"], admin["password"])
        az.run("account", "set", "--subscription", tenant["subscriptions"][0]["id"])
        yield n
    finally:
        for proc in n.servers:
            proc.kill()
            proc.wait()
        emu.stop()  # a graceful stop: the emulator removes its namespaces


def peering(net, vnet, name, remote, verb="create"):
    extra = ("--remote-vnet", remote, "--allow-vnet-access") if verb == "create" else ()
    return net.az.run("network", "vnet", "peering", verb, "-g", net.rg, "--vnet-name", vnet, "-n", name, *extra,
                      "-o", "json")


def test_two_vnets_with_a_host_each(net):
    for vnet, prefix in (("dp-a", "10.31"), ("dp-b", "10.32")):
        net.az.run("network", "vnet", "create", "-g", net.rg, "-n", vnet, "--address-prefixes", f"{prefix}.0.0/16",
                   "--subnet-name", "default", "--subnet-prefixes", f"{prefix}.0.0/24")
        nic = net.az.json("network", "nic", "create", "-g", net.rg, "-n", f"{vnet}-nic", "--vnet-name", vnet,
                          "--subnet", "default")["NewNIC"]
        assert nic["ipConfigurations"][0]["privateIPAddress"] == f"{prefix}.0.4"
        net.serve(f"{vnet}-nic", f"{prefix}.0.4")
    assert not net.connects("dp-a-nic", "10.32.0.4"), "no peering, no path"


def test_one_side_of_a_peering_gives_no_path(net):
    assert peering(net, "dp-a", "a-to-b", "dp-b").json["peeringState"] == "Initiated"
    time.sleep(0.5)  # the emulator acts on a write at once; this is ample
    assert not net.connects("dp-a-nic", "10.32.0.4")


def test_both_sides_connect_within_seconds(net):
    assert peering(net, "dp-b", "b-to-a", "dp-a").json["peeringState"] == "Connected"
    took = net.settles("dp-a-nic", "10.32.0.4", True, within=5)
    assert took is not None, "a reaches b once both sides are Connected"
    print(f"path up {took * 1000:.0f} ms after az returned")
    assert net.connects("dp-b-nic", "10.31.0.4"), "and b reaches a"


def test_deleting_a_side_cuts_the_path_within_a_second(net):
    peering(net, "dp-b", "b-to-a", "dp-a", verb="delete")
    took = net.settles("dp-a-nic", "10.32.0.4", False, within=1)
    assert took is not None, "a no longer reaches b a second after az returned"
    print(f"path cut {took * 1000:.0f} ms after az returned")
    shown = net.az.json("network", "vnet", "peering", "show", "-g", net.rg, "--vnet-name", "dp-a", "-n", "a-to-b")
    assert shown["peeringState"] == "Disconnected"
    assert not net.connects("dp-b-nic", "10.31.0.4")
