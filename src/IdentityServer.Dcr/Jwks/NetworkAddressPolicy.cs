// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Sockets;

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// Decides whether an IP address is a public unicast address a TPP JWKS may be fetched from. Anything else
/// (loopback, private, link-local, CGNAT, documentation, benchmarking, reserved, multicast, and IPv6 forms that
/// embed or tunnel to IPv4) is refused, so that a <c>software_jwks_endpoint</c> cannot reach the bank's own network.
/// </summary>
/// <remarks>
/// IPv6 is an allow-list: only global unicast (<c>2000::/3</c>) minus the special ranges inside it (6to4 and Teredo
/// included: they tunnel to an IPv4 address), plus IPv4-mapped (<c>::ffff:0:0/96</c>) and NAT64 (<c>64:ff9b::/96</c>)
/// addresses when the embedded IPv4 address is public. IPv4 is a deny-list of the IANA special-purpose
/// ranges that are not globally reachable.
/// </remarks>
internal sealed class NetworkAddressPolicy
{
    // Networks no JWKS is ever fetched from unless listed by themselves (see IsAllowed): "this network", link-local
    // (where the cloud metadata services live), multicast, reserved, and the metadata addresses of the large clouds
    // (AWS, GCP, Azure 169.254.169.254; Azure wire server 168.63.129.16; Alibaba 100.100.100.200; AWS IPv6
    // fd00:ec2::254; Oracle 192.0.0.192).
    private static readonly IPNetwork[] Protected =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("169.254.169.254/32"),
        IPNetwork.Parse("168.63.129.16/32"),
        IPNetwork.Parse("100.100.100.200/32"),
        IPNetwork.Parse("192.0.0.192/32"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"),
        IPNetwork.Parse("fd00:ec2::254/128"),
    ];

    private NetworkAddressPolicy()
    {
    }

    /// <summary>
    /// Whether <paramref name="address"/> may be connected to: a public unicast address, or one inside
    /// <paramref name="allowedNetworks"/>. An address in a protected network (link-local, <c>0.0.0.0/8</c>, multicast,
    /// reserved, cloud metadata) is allowed only by a listed network that lies inside the most specific protected
    /// network holding it, so <c>0.0.0.0/0</c> never opens <c>169.254.169.254</c>; only <c>169.254.169.254/32</c> does.
    /// IPv4-mapped IPv6 addresses are judged as the IPv4 address a socket connects to.
    /// </summary>
    /// <param name="address">The address about to be connected to.</param>
    /// <param name="allowedNetworks">The bank's <c>Dcr:Jwks:AllowedNetworks</c>.</param>
    /// <returns><see langword="true"/> when the connection may be made.</returns>
    public static bool IsAllowed(IPAddress address, IReadOnlyList<IPNetwork> allowedNetworks)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(allowedNetworks);
        var effective = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (effective.AddressFamily == AddressFamily.InterNetworkV6 && effective.ScopeId != 0)
        {
            effective = new IPAddress(effective.GetAddressBytes());
        }

        IPNetwork? protectedBy = null;
        foreach (var network in Protected)
        {
            if (network.Contains(effective) && (protectedBy is null || network.PrefixLength > protectedBy.Value.PrefixLength))
            {
                protectedBy = network;
            }
        }

        if (protectedBy is null && IsPublic(effective))
        {
            return true;
        }

        foreach (var allowed in allowedNetworks)
        {
            if (allowed.Contains(effective)
                && (protectedBy is not { } guard || (allowed.PrefixLength >= guard.PrefixLength && guard.Contains(allowed.BaseAddress))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses <c>Dcr:Jwks:AllowedNetworks</c>: CIDR notation, or a bare address for that address alone.</summary>
    /// <param name="values">The configured values.</param>
    /// <param name="networks">The networks, when all parse.</param>
    /// <param name="invalid">The first value that does not parse.</param>
    /// <returns>Whether every value parsed.</returns>
    public static bool TryParseNetworks(IEnumerable<string> values, out List<IPNetwork> networks, out string? invalid)
    {
        ArgumentNullException.ThrowIfNull(values);
        networks = [];
        foreach (var value in values)
        {
            var text = value?.Trim() ?? string.Empty;
            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var single)
                && (single.AddressFamily != AddressFamily.InterNetworkV6 || single.ScopeId == 0))
            {
                networks.Add(new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                invalid = value;
                return false;
            }
        }

        invalid = null;
        return true;
    }

    /// <summary>Whether <paramref name="address"/> is a public unicast address.</summary>
    /// <param name="address">The address connected to.</param>
    /// <returns><see langword="true"/> when it may be connected to under the default policy.</returns>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(address.GetAddressBytes()),
            _ => false,
        };
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> a)
    {
        return a[0] switch
        {
            0 => false,                                                 // 0.0.0.0/8 "this network"
            10 => false,                                                // 10.0.0.0/8 private
            100 when (a[1] & 0xC0) == 64 => false,                      // 100.64.0.0/10 CGNAT
            127 => false,                                               // 127.0.0.0/8 loopback
            169 when a[1] == 254 => false,                              // 169.254.0.0/16 link-local
            172 when (a[1] & 0xF0) == 16 => false,                      // 172.16.0.0/12 private
            192 when a[1] == 0 && a[2] == 0 => false,                   // 192.0.0.0/24 IETF protocol assignments
            192 when a[1] == 0 && a[2] == 2 => false,                   // 192.0.2.0/24 TEST-NET-1
            192 when a[1] == 88 && a[2] == 99 => false,                 // 192.88.99.0/24 6to4 relay anycast
            192 when a[1] == 168 => false,                              // 192.168.0.0/16 private
            198 when (a[1] & 0xFE) == 18 => false,                      // 198.18.0.0/15 benchmarking
            198 when a[1] == 51 && a[2] == 100 => false,                // 198.51.100.0/24 TEST-NET-2
            203 when a[1] == 0 && a[2] == 113 => false,                 // 203.0.113.0/24 TEST-NET-3
            >= 224 => false,                                            // 224/4 multicast, 240/4 reserved, broadcast
            _ => true,
        };
    }

    private static bool IsPublicV6(ReadOnlySpan<byte> a)
    {
        // IPv4-mapped ::ffff:0:0/96: a socket connects to the IPv4 address, so that address decides.
        if (a[..10].IndexOfAnyExcept((byte)0) < 0 && a[10] == 0xFF && a[11] == 0xFF)
        {
            return IsPublicV4(a[12..]);
        }

        // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052): the embedded IPv4 address decides.
        if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B && a[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublicV4(a[12..]);
        }

        // Only global unicast 2000::/3 is public. This excludes ::/128, ::1, the deprecated IPv4-compatible ::/96,
        // 64:ff9b:1::/48 (local NAT64), 100::/64, fc00::/7, fe80::/10, fec0::/10 and ff00::/8.
        if ((a[0] & 0xE0) != 0x20)
        {
            return false;
        }

        return !(a[0] == 0x20 && a[1] == 0x01 && a[2] <= 0x01)          // 2001::/23 IETF protocol assignments (incl. Teredo 2001::/32)
            && !(a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8) // 2001:db8::/32 documentation
            && !(a[0] == 0x20 && a[1] == 0x02)                           // 2002::/16 6to4 (tunnels to an IPv4 address)
            && !(a[0] == 0x3F && a[1] == 0xFF && (a[2] & 0xF0) == 0x00); // 3fff::/20 documentation
    }
}
