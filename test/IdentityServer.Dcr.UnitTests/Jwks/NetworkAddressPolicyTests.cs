// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.Jwks;

namespace IdentityServer.Dcr.UnitTests.Jwks;

[TestFixture]
public sealed class NetworkAddressPolicyTests
{
    [TestCase("0.0.0.0")]
    [TestCase("0.1.2.3")]
    [TestCase("10.0.0.1")]
    [TestCase("10.255.255.255")]
    [TestCase("100.64.0.1")]
    [TestCase("100.127.255.254")]
    [TestCase("127.0.0.1")]
    [TestCase("127.255.255.254")]
    [TestCase("169.254.169.254")]
    [TestCase("172.16.0.1")]
    [TestCase("172.31.255.255")]
    [TestCase("192.0.0.8")]
    [TestCase("192.0.2.1")]
    [TestCase("192.88.99.1")]
    [TestCase("192.168.1.1")]
    [TestCase("198.18.0.1")]
    [TestCase("198.19.255.255")]
    [TestCase("198.51.100.7")]
    [TestCase("203.0.113.9")]
    [TestCase("224.0.0.1")]
    [TestCase("239.255.255.250")]
    [TestCase("240.0.0.1")]
    [TestCase("255.255.255.255")]
    [TestCase("::")]
    [TestCase("::1")]
    [TestCase("::ffff:127.0.0.1")]
    [TestCase("::ffff:10.1.2.3")]
    [TestCase("::ffff:169.254.169.254")]
    [TestCase("::127.0.0.1")]
    [TestCase("::8.8.8.8")]
    [TestCase("64:ff9b::10.0.0.1")]
    [TestCase("64:ff9b::127.0.0.1")]
    [TestCase("64:ff9b:1::8.8.8.8")]
    [TestCase("100::1")]
    [TestCase("fc00::1")]
    [TestCase("fd12:3456:789a::1")]
    [TestCase("fe80::1")]
    [TestCase("fe80::1%2")]
    [TestCase("febf:ffff::1")]
    [TestCase("fec0::1")]
    [TestCase("ff02::1")]
    [TestCase("ff0e::1")]
    [TestCase("2001::1")]
    [TestCase("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    [TestCase("2001:2::1")]
    [TestCase("2001:db8::1")]
    [TestCase("2002:7f00:1::1")]
    [TestCase("2002:0808:0808::1")]
    [TestCase("3fff::1")]
    [TestCase("5f00::1")]
    public void IsPublic_NonPublicAddress_ReturnsFalse(string address)
    {
        // Arrange
        var ip = IPAddress.Parse(address);

        // Act
        var result = NetworkAddressPolicy.IsPublic(ip);

        // Assert
        Assert.That(result, Is.False);
    }

    [TestCase("1.1.1.1")]
    [TestCase("8.8.8.8")]
    [TestCase("9.255.255.255")]
    [TestCase("11.0.0.1")]
    [TestCase("100.63.255.255")]
    [TestCase("100.128.0.1")]
    [TestCase("126.255.255.255")]
    [TestCase("128.0.0.1")]
    [TestCase("169.253.1.1")]
    [TestCase("172.15.255.255")]
    [TestCase("172.32.0.1")]
    [TestCase("192.0.1.1")]
    [TestCase("192.0.3.1")]
    [TestCase("192.167.1.1")]
    [TestCase("192.169.1.1")]
    [TestCase("198.17.255.255")]
    [TestCase("198.20.0.1")]
    [TestCase("198.51.101.1")]
    [TestCase("203.0.114.1")]
    [TestCase("223.255.255.254")]
    [TestCase("2606:4700:4700::1111")]
    [TestCase("2a00:1450:4009:81f::200e")]
    [TestCase("2001:4860:4860::8888")]
    [TestCase("2001:200::1")]
    [TestCase("3ffe:ffff::1")]
    [TestCase("::ffff:8.8.8.8")]
    [TestCase("64:ff9b::8.8.8.8")]
    public void IsPublic_PublicAddress_ReturnsTrue(string address)
    {
        // Arrange
        var ip = IPAddress.Parse(address);

        // Act
        var result = NetworkAddressPolicy.IsPublic(ip);

        // Assert
        Assert.That(result, Is.True);
    }

    [Test]
    public void IsPublic_Null_Throws()
    {
        // Act / Assert
        Assert.That(() => NetworkAddressPolicy.IsPublic(null!), Throws.ArgumentNullException);
    }

    private static readonly string[] Sandbox = ["127.0.0.0/8", "::1"];

    [TestCase("127.0.0.1")]
    [TestCase("127.1.2.3")]
    [TestCase("::1")]
    [TestCase("::ffff:127.0.0.1")]
    [TestCase("8.8.8.8")]
    [TestCase("2001:4860:4860::8888")]
    public void IsAllowed_SandboxNetworks_AllowsLoopbackAndPublic(string address)
    {
        // Arrange
        var networks = Parse(Sandbox);

        // Act
        var result = NetworkAddressPolicy.IsAllowed(IPAddress.Parse(address), networks);

        // Assert
        Assert.That(result, Is.True);
    }

    [TestCase("169.254.169.254")]
    [TestCase("::ffff:169.254.169.254")]
    [TestCase("0.0.0.0")]
    [TestCase("0.1.2.3")]
    [TestCase("10.0.0.1")]
    [TestCase("192.168.1.1")]
    [TestCase("100.100.100.200")]
    [TestCase("168.63.129.16")]
    [TestCase("192.0.0.192")]
    [TestCase("224.0.0.1")]
    [TestCase("255.255.255.255")]
    [TestCase("fe80::1")]
    [TestCase("fe80::1%2")]
    [TestCase("ff02::1")]
    [TestCase("fd00:ec2::254")]
    [TestCase("::")]
    public void IsAllowed_SandboxNetworks_RefusesEverythingElseNonPublic(string address)
    {
        // Arrange
        var networks = Parse(Sandbox);

        // Act
        var result = NetworkAddressPolicy.IsAllowed(IPAddress.Parse(address), networks);

        // Assert
        Assert.That(result, Is.False);
    }

    [TestCase("0.0.0.0/0", "169.254.169.254")]
    [TestCase("169.254.0.0/16", "169.254.169.254")]
    [TestCase("0.0.0.0/0", "169.254.1.1")]
    [TestCase("0.0.0.0/0", "0.0.0.0")]
    [TestCase("0.0.0.0/0", "224.0.0.1")]
    [TestCase("::/0", "fe80::1")]
    [TestCase("fd00::/8", "fd00:ec2::254")]
    [TestCase("168.63.0.0/16", "168.63.129.16")]
    [TestCase("::/0", "::ffff:169.254.169.254")]
    public void IsAllowed_BroadNetworkOverProtectedAddress_StillRefused(string network, string address)
    {
        // Arrange
        var networks = Parse([network]);

        // Act
        var result = NetworkAddressPolicy.IsAllowed(IPAddress.Parse(address), networks);

        // Assert
        Assert.That(result, Is.False);
    }

    [TestCase("0.0.0.0/0", "10.1.2.3")]
    [TestCase("10.0.0.0/8", "10.1.2.3")]
    [TestCase("169.254.0.0/16", "169.254.1.1")]
    [TestCase("169.254.169.254/32", "169.254.169.254")]
    [TestCase("169.254.169.254", "169.254.169.254")]
    [TestCase("fd00:ec2::254/128", "fd00:ec2::254")]
    public void IsAllowed_NetworkListedByItself_Allowed(string network, string address)
    {
        // Arrange
        var networks = Parse([network]);

        // Act
        var result = NetworkAddressPolicy.IsAllowed(IPAddress.Parse(address), networks);

        // Assert
        Assert.That(result, Is.True);
    }

    [TestCase("127.0.0.0/8")]
    [TestCase("::1/128")]
    [TestCase(" 10.0.0.0/8 ")]
    [TestCase("192.168.1.10")]
    public void TryParseNetworks_Valid_Parses(string value)
    {
        // Act
        var ok = NetworkAddressPolicy.TryParseNetworks([value], out var networks, out var invalid);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(networks, Has.Count.EqualTo(1));
            Assert.That(invalid, Is.Null);
        });
    }

    [TestCase("")]
    [TestCase("localhost")]
    [TestCase("127.0.0.1/33")]
    [TestCase("fe80::1%2")]
    public void TryParseNetworks_Invalid_NamesTheValue(string value)
    {
        // Act
        var ok = NetworkAddressPolicy.TryParseNetworks(["::1", value], out _, out var invalid);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(invalid, Is.EqualTo(value));
        });
    }

    private static List<IPNetwork> Parse(string[] values)
    {
        Assert.That(NetworkAddressPolicy.TryParseNetworks(values, out var networks, out _), Is.True);
        return networks;
    }
}
