"""`az network nic` as the real Azure CLI 2.91 runs it against the emulator: create (dynamic and
static addresses, allocated as Azure does from .4 up), show, list, delete, and the errors a user
meets on the way, with real Azure's codes. Its own emulator, so no other scenario's NICs or
subnets are in the way.
"""

import pytest

from conftest import Emulator


@pytest.fixture(scope="module")
def customer(world, tmp_root, new_az):
    tenant = world["tenants"][0]
    rg = tenant["subscriptions"][0]["resourceGroups"][0]
    emu = Emulator("127.0.0.1:0", tmp_root / "emulator-nic")
    az = new_az("nic-admin", emu)
    admin = tenant["users"][0]
    az.login_device_code(admin["userPrincipalName"], admin["password"])
    az.run("account", "set", "--subscription", tenant["subscriptions"][0]["id"])
    yield {"az": az, "rg": rg["name"], "vnet": rg["virtualNetworks"][0]["name"],
           "subnet": rg["virtualNetworks"][0]["subnets"][0]["name"]}
    emu.stop()


def create(c, name, *extra):
    """`az network nic create -g RG -n NAME --vnet-name V --subnet S [extra]`; returns the new NIC."""
    nic = c["az"].json("network", "nic", "create", "-g", c["rg"], "-n", name, "--vnet-name", c["vnet"],
                       "--subnet", c["subnet"], *extra)["NewNIC"]
    assert nic["name"] == name and nic["provisioningState"] == "Succeeded", nic
    return nic["ipConfigurations"][0]


def address_of(c, name):
    shown = c["az"].run("network", "nic", "show", "-g", c["rg"], "-n", name,
                        "--query", "ipConfigurations[0].privateIPAddress", "-o", "tsv")
    return shown.stdout.strip()


def test_dynamic_addresses_start_at_4(customer):
    first = create(customer, "nic1")
    assert (first["privateIPAddress"], first["privateIPAllocationMethod"]) == ("10.1.0.4", "Dynamic")
    assert first["primary"] is True
    assert first["subnet"]["id"].endswith(f"/virtualNetworks/{customer['vnet']}/subnets/{customer['subnet']}")
    assert create(customer, "nic2")["privateIPAddress"] == "10.1.0.5"


def test_a_static_address_is_honoured_and_skipped_by_dynamic_ones(customer):
    fixed = create(customer, "nic3", "--private-ip-address", "10.1.0.10")
    assert (fixed["privateIPAddress"], fixed["privateIPAllocationMethod"]) == ("10.1.0.10", "Static")
    assert create(customer, "nic4", "--private-ip-address", "10.1.0.6")["privateIPAddress"] == "10.1.0.6"
    assert create(customer, "nic5")["privateIPAddress"] == "10.1.0.7"


def test_show_and_list(customer):
    az = customer["az"]
    assert address_of(customer, "nic3") == "10.1.0.10"
    shown = az.json("network", "nic", "show", "-g", customer["rg"], "-n", "nic1")
    assert shown["resourceGroup"] == customer["rg"]
    assert shown["nicType"] == "Standard" and shown["location"] == "westeurope"
    assert shown["ipConfigurations"][0]["name"] == "ipconfig1"
    in_group = az.json("network", "nic", "list", "-g", customer["rg"])
    addresses = {n["name"]: n["ipConfigurations"][0]["privateIPAddress"] for n in in_group}
    assert addresses == {"nic1": "10.1.0.4", "nic2": "10.1.0.5", "nic3": "10.1.0.10", "nic4": "10.1.0.6",
                         "nic5": "10.1.0.7"}
    assert sorted(n["name"] for n in az.json("network", "nic", "list")) == sorted(addresses)


def test_refused_addresses_name_azures_codes(customer):
    az, rg = customer["az"], customer["rg"]
    common = ("network", "nic", "create", "-g", rg, "--vnet-name", customer["vnet"], "--subnet", customer["subnet"])
    az.fails(*common, "-n", "clash", "--private-ip-address", "10.1.0.10",
             message="(PrivateIPAddressIsAllocated) IP configuration ")
    az.fails(*common, "-n", "reserved", "--private-ip-address", "10.1.0.1",
             message="(PrivateIPAddressInReservedRange) Private static IP address 10.1.0.1 falls within reserved "
                     "IP range of subnet prefix 10.1.0.0/24.")
    az.fails(*common, "-n", "outside", "--private-ip-address", "10.1.1.10",
             message="(PrivateIPAddressNotInSubnet)")
    az.fails("network", "nic", "create", "-g", rg, "-n", "nowhere", "--vnet-name", customer["vnet"],
             "--subnet", "no-such-subnet", message="(InvalidResourceReference)")
    names = [n["name"] for n in az.json("network", "nic", "list", "-g", rg)]
    assert not {"clash", "reserved", "outside", "nowhere"} & set(names), names


def test_a_subnet_in_use_cannot_be_deleted(customer):
    customer["az"].fails("network", "vnet", "subnet", "delete", "-g", customer["rg"], "--vnet-name",
                         customer["vnet"], "-n", customer["subnet"], message="(InUseSubnetCannotBeDeleted)")


def test_delete_polls_and_frees_the_address(customer):
    az, rg = customer["az"], customer["rg"]
    deleted = az.run("network", "nic", "delete", "-g", rg, "-n", "nic1")
    assert deleted.stdout.strip() == ""
    missing = az.run("network", "nic", "show", "-g", rg, "-n", "nic1", check=False)
    assert missing.code == 3, missing.describe()  # az's exit code for a missing resource
    assert "(ResourceNotFound)" in missing.stderr
    assert create(customer, "nic6")["privateIPAddress"] == "10.1.0.4", "the freed address is handed out again"
    az.run("network", "nic", "delete", "-g", rg, "-n", "nic1")  # nothing to delete: still exit 0
    for name in ("nic2", "nic3", "nic4", "nic5", "nic6"):
        az.run("network", "nic", "delete", "-g", rg, "-n", name)
    assert az.json("network", "nic", "list", "-g", rg) == []
